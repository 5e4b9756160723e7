# Shared by the hostile-input tests (sourced, not a test).

# sentinel_make DIR — a small tree of files, links and modes that no command under test may
# change; sentinel_check DIR fails when anything in it differs from the snapshot.
sentinel_make() {
	mkdir -p "$1/sub/deeper"
	echo "do not touch" >"$1/victim"
	echo "secret" >"$1/shadow" && chmod 600 "$1/shadow"
	echo "fstab of the server" >"$1/sub/fstab"
	echo "deep" >"$1/sub/deeper/file"
	ln -sf ../victim "$1/sub/link"
	_sentinel_snap "$1" >"$1.snapshot"
}
_sentinel_snap() {
	(cd "$1" && find . -printf '%p %y %m %s %n %l\n' | sort &&
		find . -type f -exec sha256sum {} + | sort)
}
sentinel_check() {
	_sentinel_snap "$1" | diff "$1.snapshot" - >&2 || fail "the sentinel tree $1 changed"
}

# lio_values JSON — the values of the LIO JSON that come from the profile, as a JSON parser
# reads them, one <key=value> a line: dev= per backstore, userid=/password= per ACL.
lio_values() {
	python3 - "$1" <<'EOP'
import json, sys
c = json.load(open(sys.argv[1]))
for so in c["storage_objects"]:
    print("<dev=%s>" % so["dev"])
for t in c["targets"]:
    for tpg in t["tpgs"]:
        for acl in tpg["node_acls"]:
            for k in ("chap_userid", "chap_password"):
                if k in acl:
                    print("<%s=%s>" % (k[5:], acl[k]))
EOP
}

# The LIO merge tests' site and admin (t_lio_merge, t_lio_merge_ansible).
LIO_BASE=iqn.2026-11.lan.example
# lio_site FILE [PI...] — an LIO site with those of kitchen, garage, custom (kitchen's target
# named outside iqn_base, as the admin's)
lio_site() {
	site_server "$1" address=192.168.20.1/24 root=iscsi iscsi_target=lio iqn_base=$LIO_BASE
	local f=$1 p; shift
	for p in "$@"; do
		case $p in
		kitchen) site_pi "$f" $PI_KITCHEN backing=/srv/iscsi/kitchen.img size=64M chap=yes ;;
		garage) site_pi "$f" $PI_GARAGE backing=/dev/sdz ;;
		custom) site_pi "$f" $PI_KITCHEN backing=/srv/iscsi/kitchen.img size=64M \
			target=iqn.2003-01.org.admin:nas ;;
		esac
	done
}
# lio_admin_conf FILE — the admin's LIO configuration, as targetctl save writes it
lio_admin_conf() {
	mkdir -p "$(dirname "$1")"
	cat >"$1" <<'EOJ'
{
  "fabric_modules": [{"discovery_enable_auth": false, "name": "iscsi"}],
  "storage_objects": [
    {"attributes": {"block_size": 512, "emulate_tpu": 0}, "dev": "/srv/nas.img", "name": "nas",
     "plugin": "fileio", "size": 2147483648, "write_back": true, "wwn": "5ab2c1d0"}
  ],
  "targets": [
    {"fabric": "iscsi", "wwn": "iqn.2003-01.org.admin:nas",
     "tpgs": [{"tag": 1, "enable": true, "attributes": {"authentication": 1},
               "parameters": {"AuthMethod": "CHAP"},
               "luns": [{"index": 0, "storage_object": "/backstores/fileio/nas"}],
               "node_acls": [{"node_wwn": "iqn.2003-01.org.admin:client", "chap_userid": "c",
                              "chap_password": "adminsecret12", "mapped_luns": []}],
               "portals": [{"ip_address": "0.0.0.0", "port": 3260}]}]}
  ]
}
EOJ
}
