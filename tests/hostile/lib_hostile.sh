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
