#!/usr/bin/env bash
# pinetboot lint: the rules of the trade, on the profile and on installed files under a
# temporary --root. Each finding names file:line, what is wrong and the fix.
. "$(dirname "$0")/../lib.sh"
R="$T/root"
mkdir -p "$R/etc/dnsmasq.d" "$R/etc/tgt/conf.d" "$R/etc/default" "$R/etc/dhcp"
site() { # site FILE [extra server lines] — a proxy site with a Pi 3B and a Pi 4
  site_server "$1" address=192.168.20.1/24 dhcp=proxy iqn_base=iqn.2026-11.lan.example
  echo "${2:-}" >>"$1" # one line either way: the tests name lines by number
  site_pi "$1" $PI_GARAGE
  site_pi "$1" $PI_KITCHEN tftp_prefix=mac
}
# clean profile, nothing installed: exit 0
site "$T/ok.conf"
expect_exit 0 "$PINETBOOT" lint "$T/ok.conf" --root "$R"
[[ ! -s "$T/out" ]] || { cat "$T/out"; fail "clean site printed findings"; }

# proxy + Pi 3 + reply_delay = 0 (spec §4 row 5)
site "$T/delay.conf" "reply_delay = 0"
expect_exit 1 "$PINETBOOT" lint "$T/delay.conf" --root "$R"
expect_grep 'delay.conf:6: \[server\] reply_delay: is 0 in proxy mode while \[pi "garage"\] is a Raspberry Pi 3 Model B.*fix: reply_delay = auto' "$T/out"

# dhcp = none with a Pi 3B: TFTP must stay on its subnet (warning: exit 0)
sed 's/dhcp = proxy/dhcp = none/' "$T/ok.conf" > "$T/none.conf"
expect_exit 0 "$PINETBOOT" lint "$T/none.conf" --root "$R"
expect_grep 'none.conf:4: \[server\] dhcp: warning: is none: .*cannot boot through a DHCP relay' "$T/out"

# dnsmasq: menu text without the 3 spaces, proxy range without reply delay
cat > "$R/etc/dnsmasq.d/pinetboot.conf" <<'CONF'
# pinetboot
interface=eth0
dhcp-range=192.168.20.0,proxy
pxe-service=0,"Raspberry Pi Boot"
enable-tftp
CONF
expect_exit 1 "$PINETBOOT" lint "$T/ok.conf" --root "$R"
expect_grep "root/etc/dnsmasq.d/pinetboot.conf:4: pxe-service: the boot menu text \"Raspberry Pi Boot\" lacks the 3 trailing spaces.*fix:" "$T/out"
expect_grep "root/etc/dnsmasq.d/pinetboot.conf:3: dhcp-range: proxy DHCP without dhcp-reply-delay.*fix: add dhcp-reply-delay=1" "$T/out"
# fixed: spaces and delay
cat > "$R/etc/dnsmasq.d/pinetboot.conf" <<'CONF'
dhcp-range=192.168.20.0,proxy
dhcp-reply-delay=1
pxe-service=0,"Raspberry Pi Boot   "
enable-tftp
tftp-root=/srv/tftp/
CONF
expect_exit 0 "$PINETBOOT" lint "$T/ok.conf" --root "$R"
# no menu at all (no option 43), no TFTP, another TFTP root
printf 'dhcp-range=192.168.20.0,proxy\ndhcp-reply-delay=1\ntftp-root=/var/lib/tftpboot\n' > "$R/etc/dnsmasq.d/pinetboot.conf"
expect_exit 1 "$PINETBOOT" lint "$T/ok.conf" --root "$R"
expect_grep 'pinetboot.conf:1: dhcp-range: dnsmasq answers DHCP here but sends no "Raspberry Pi Boot" menu.*fix: pxe-service' "$T/out"
expect_grep 'pinetboot.conf:1: enable-tftp: dnsmasq answers the Pis. DHCP but does not serve TFTP' "$T/out"
expect_grep 'pinetboot.conf:3: tftp-root: is /var/lib/tftpboot but the profile.s tftp_root is /srv/tftp' "$T/out"
# lint_finds FILE TEXT PATTERN — with FILE (under the root) holding TEXT (backslash escapes
# expanded), lint exits 1 and says PATTERN; FILE is removed afterwards.
lint_finds() {
  printf '%b' "$2" >"$R/$1"
  expect_exit 1 "$PINETBOOT" lint "$T/ok.conf" --root "$R"
  expect_grep "$3" "$T/out"
  rm "$R/$1"
}
# only option 67 / dhcp-boot, no menu
lint_finds etc/dnsmasq.d/pinetboot.conf 'dhcp-range=192.168.20.100,192.168.20.200\ndhcp-boot=bootcode.bin\n' \
  'pinetboot.conf:2: boot file: the config relies on option 67'
# a TFTP server off the Pis' subnet for a Pi 3B (spec §4 row 8)
lint_finds etc/dnsmasq.d/pinetboot.conf 'dhcp-range=192.168.20.0,proxy\ndhcp-reply-delay=1\npxe-service=0,"Raspberry Pi Boot   ",10.1.1.5\n' \
  'pinetboot.conf:3: pxe-service: names TFTP server 10.1.1.5, outside the Pis. subnet.*fix: serve TFTP from an address in 192.168.20.0/24'
printf 'next-server 192.168.20.1;\n' > "$R/etc/dhcp/dhcpd-pinetboot.conf"
expect_exit 0 "$PINETBOOT" lint "$T/ok.conf" --root "$R"
lint_finds etc/dhcp/dhcpd-pinetboot.conf 'next-server 10.1.1.5;\n' 'dhcpd-pinetboot.conf:1: next-server: names TFTP server 10.1.1.5'
# ISC dhcpd with the menu text lacking spaces
lint_finds etc/dhcp/dhcpd.conf 'option vendor-encapsulated-options "Raspberry Pi Boot";\n' 'dhcpd.conf:1: option 43: the boot menu text'

# tgt with LUN 0; cmdline.txt naming LUN 0 for tgt; SD-card root
cat > "$R/etc/tgt/conf.d/pinetboot.conf" <<'CONF'
<target iqn.2026-11.lan.example:root-kitchen>
    <backing-store /srv/iscsi/kitchen.img>
        lun 0
    </backing-store>
</target>
CONF
mkdir -p "$R/srv/tftp/dc-a6-32-1c-6a-2a" "$R/srv/tftp/2caf9c61"
echo "console=tty1 ip=dhcp root=iscsi:192.168.20.1::3260:0:iqn.2026-11.lan.example:root-kitchen rootwait" \
  > "$R/srv/tftp/dc-a6-32-1c-6a-2a/cmdline.txt"
echo "console=tty1 root=PARTUUID=1234abcd-02 rootwait ISCSI_INITIATOR=x" > "$R/srv/tftp/2caf9c61/cmdline.txt"
expect_exit 1 "$PINETBOOT" lint "$T/ok.conf" --root "$R"
expect_grep 'pinetboot.conf:3: lun: a backing store is set to LUN 0.*fix:' "$T/out"
expect_grep 'dc-a6-32-1c-6a-2a/cmdline.txt:1: root: names iSCSI LUN 0, but tgt.*fix: LUN 1' "$T/out"
expect_grep '2caf9c61/cmdline.txt:1: root: "PARTUUID=1234abcd-02" names the SD card' "$T/out"
expect_grep '2caf9c61/cmdline.txt:1: ISCSI_: note: upper-case' "$T/out"
# the kitchen target lacks CHAP (warning) and garage has no target at all (warning)
expect_grep 'pinetboot.conf:1: incominguser: warning: the target of \[pi "kitchen"\] has no incominguser' "$T/out"
expect_grep 'ok.conf:8: warning: \[pi "garage"\]: no installed tgt target is named iqn.2026-11.lan.example:root-garage' "$T/out"
# a target whose ACL names another initiator; one that wants CHAP from a chap = no Pi
cat > "$R/etc/tgt/conf.d/acl.conf" <<'CONF'
<target iqn.2026-11.lan.example:root-garage>
    backing-store /srv/iscsi/garage.img
    initiator-name iqn.2026-11.lan.example:someone-else
    incominguser garage 0123456789abcd
</target>
CONF
sed 's/^mac = b8:27:eb:af:9c:61/&\nchap = no/' "$T/ok.conf" > "$T/nochap.conf"
expect_exit 1 "$PINETBOOT" lint "$T/nochap.conf" --root "$R"
expect_grep 'acl.conf:1: initiator-name: the target of \[pi "garage"\] does not let in its initiator iqn.2026-11.lan.example:garage.*0x0203.*fix: initiator-name iqn.2026-11.lan.example:garage' "$T/out"
expect_grep 'acl.conf:1: incominguser: the target of \[pi "garage"\] requires CHAP but the profile says chap = no' "$T/out"
rm "$R/etc/tgt/conf.d/acl.conf"
# a target written in another case than the profile's: one name under RFC 3722, but tgt
# looks it up as written
printf '<target iqn.2026-11.lan.example:Root-Garage>\n    backing-store /srv/iscsi/garage.img\n    initiator-address 0.0.0.0/32\n    initiator-name iqn.2026-11.lan.example:garage\n</target>\n' >"$R/etc/tgt/conf.d/case.conf"
expect_exit 1 "$PINETBOOT" lint "$T/nochap.conf" --root "$R"
expect_grep 'case.conf:1: target: names iqn.2026-11.lan.example:Root-Garage, and \[pi "garage"\] logs in as iqn.2026-11.lan.example:root-garage: the same iSCSI name once case is folded' "$T/out"
rm "$R/etc/tgt/conf.d/case.conf"
# the Pi's own /32 matches no address in tgt (as 0.0.0.0/32): the name decides, and without
# CHAP the Pi's name from another address gets in (tgt admits address OR name)
printf '<target iqn.2026-11.lan.example:root-garage>\n    backing-store /srv/iscsi/garage.img\n    initiator-address 10.77.0.50/32\n    initiator-name iqn.2026-11.lan.example:garage\n</target>\n' >"$R/etc/tgt/conf.d/own32.conf"
"$PINETBOOT" lint "$T/nochap.conf" --root "$R" >"$T/out" 2>&1
expect_grep 'own32.conf:1: incominguser: note: the target of \[pi "garage"\] refuses other initiator names, but a host that sends iqn.2026-11.lan.example:garage from another address logs in too.*only CHAP refuses it' "$T/out"
expect_no_grep 'own32.conf.*admits every initiator from' "$T/out"
rm "$R/etc/tgt/conf.d/own32.conf"
# LIO numbers from 0: the same cmdline is right there
rm -r "$R/etc/tgt/conf.d/pinetboot.conf" "$R/srv/tftp/2caf9c61/cmdline.txt"
site "$T/lio.conf" "iscsi_target = lio"
expect_exit 0 "$PINETBOOT" lint "$T/lio.conf" --root "$R"
expect_grep '2caf9c61: \[pi "garage"\] note: holds no boot files yet' "$T/out"
rm -r "$R/srv/tftp"

# the TFTP tree: each Pi's directory holds what its model asks for, bootcode.bin is in the root
K="$R/srv/tftp/dc-a6-32-1c-6a-2a" G="$R/srv/tftp/2caf9c61"
mkdir -p "$K" "$G"
touch "$K"/{start4.elf,fixup4.dat,bcm2711-rpi-4-b.dtb,kernel8.img,cmdline.txt,initramfs8} \
      "$G"/{start.elf,fixup.dat,bcm2710-rpi-3-b.dtb,kernel8.img,cmdline.txt,initramfs8} "$R/srv/tftp/bootcode.bin"
printf '[all]\ninitramfs initramfs8 followkernel\n' > "$K/config.txt"
printf 'arm_64bit=1\nauto_initramfs=1\n' > "$G/config.txt"
MKI="python3 $PNB_TOP/tests/lab/mkinitramfs.py"
$MKI "$K/initramfs8" tools-iscsi zstd && $MKI "$G/initramfs8" dracut-iscsi xz --early || fail "mkinitramfs"
expect_exit 0 "$PINETBOOT" lint "$T/ok.conf" --root "$R"
[[ ! -s "$T/out" ]] || { cat "$T/out"; fail "a complete TFTP tree printed findings"; }
# a stock initramfs (no open-iscsi in it) cannot log in: the boot would stop at stage 7
$MKI "$T/stock" tools-stock gzip && cp "$K/initramfs8" "$T/good-initramfs" && cp "$T/stock" "$K/initramfs8"
expect_exit 1 "$PINETBOOT" lint "$T/ok.conf" --root "$R"
expect_grep 'initramfs8: \[pi "kitchen"\] initramfs: the initramfs config.txt loads cannot log in to the iSCSI root: it has neither iscsistart.*stage 7 (fix: on the Pi: apt install open-iscsi' "$T/out"
head -c 3000 /dev/urandom > "$K/initramfs8"
expect_exit 1 "$PINETBOOT" lint "$T/ok.conf" --root "$R"
expect_grep 'initramfs8: \[pi "kitchen"\] initramfs: the initramfs config.txt loads is unreadable as one' "$T/out"
cp "$T/good-initramfs" "$K/initramfs8"
# auto_initramfs=1 (Bookworm's config.txt): the initramfs named after the kernel must be there
printf 'auto_initramfs=1\n' > "$K/config.txt"
mv "$K/initramfs8" "$T/initramfs8"
expect_exit 1 "$PINETBOOT" lint "$T/ok.conf" --root "$R"
expect_grep 'config.txt: \[pi "kitchen"\] auto_initramfs: config.txt has auto_initramfs=1 but there is no initramfs8 next to kernel8.img' "$T/out"
mv "$T/initramfs8" "$K/initramfs8"
expect_exit 0 "$PINETBOOT" lint "$T/ok.conf" --root "$R"
printf '[all]\ninitramfs initramfs8 followkernel\n' > "$K/config.txt"
rm -r "$K/fixup4.dat" "$K/initramfs8" "$K/cmdline.txt" "$R/srv/tftp/bootcode.bin" "$G"
expect_exit 1 "$PINETBOOT" lint "$T/ok.conf" --root "$R"
expect_grep 'dc-a6-32-1c-6a-2a: \[pi "kitchen"\] fixup4.dat: the Pi.s TFTP directory has no fixup4.dat' "$T/out"
expect_grep 'dc-a6-32-1c-6a-2a: \[pi "kitchen"\] cmdline.txt: the Pi.s TFTP directory has no cmdline.txt' "$T/out"
expect_grep 'dc-a6-32-1c-6a-2a/config.txt: \[pi "kitchen"\] initramfs: config.txt names initramfs initramfs8, which is not there' "$T/out"
expect_grep 'srv/tftp: \[pi "garage"\] tftp_prefix: its TFTP directory 2caf9c61/ is missing, so the Pi finds no start.elf' "$T/out"
expect_grep 'srv/tftp: bootcode.bin: there is no bootcode.bin in the TFTP root, which the Raspberry Pi 3 Model B ROM' "$T/out"
# a Pi 3B whose directory is missing while the root holds the firmware boots the shared files
touch "$R/srv/tftp"/{start.elf,fixup.dat,bootcode.bin}
expect_exit 1 "$PINETBOOT" lint "$T/ok.conf" --root "$R"
expect_grep 'tftp_prefix: warning: its TFTP directory 2caf9c61/ is missing.*boots the shared files' "$T/out"
expect_no_grep 'bootcode.bin:' "$T/out"
rm -r "$R/srv/tftp"

# NFS root: exports with * and root_squash, cmdline without vers=3, fstab with mmcblk
site "$T/nfs.conf" "root = nfs"
mkdir -p "$R/srv/tftp/2caf9c61" "$R/srv/nfs/garage/etc"
cat > "$R/etc/exports" <<'CONF'
# NFS roots
/srv/nfs/garage *(rw,sync,no_subtree_check,no_root_squash)
/srv/nfs/kitchen 192.168.20.0/24(rw,sync,root_squash)
/srv/data *(ro)
CONF
echo "root=/dev/nfs nfsroot=192.168.20.1:/srv/nfs/garage rw ip=dhcp rootwait" > "$R/srv/tftp/2caf9c61/cmdline.txt"
printf 'proc /proc proc defaults 0 0\n/dev/mmcblk0p1 /boot/firmware vfat defaults 0 2\n' > "$R/srv/nfs/garage/etc/fstab"
expect_exit 1 "$PINETBOOT" lint "$T/nfs.conf" --root "$R"
expect_grep 'root/etc/exports:2: /srv/nfs/garage: a Pi root is exported to every host (fix: export it to the Pis. subnet only, e.g. 192.168.20.0/24)' "$T/out"
expect_grep 'root/etc/exports:3: /srv/nfs/kitchen: a Pi root is exported with root_squash' "$T/out"
expect_no_grep 'exports:4' "$T/out"
expect_grep '2caf9c61/cmdline.txt:1: nfsroot: has no vers=3.*fix: nfsroot=SERVER:PATH,vers=3' "$T/out"
expect_grep 'garage/etc/fstab:2: fstab: "/dev/mmcblk0p1 /boot/firmware' "$T/out"
expect_grep 'nfs.conf:6: \[server\] root: note: is nfs' "$T/out"
echo "root=/dev/nfs nfsroot=192.168.20.1:/srv/nfs/garage,vers=4.1 rw" > "$R/srv/tftp/2caf9c61/cmdline.txt"
expect_exit 1 "$PINETBOOT" lint "$T/nfs.conf" --root "$R"
expect_grep 'cmdline.txt:1: nfsroot: asks for NFS v4' "$T/out"

# tftpd-hpa serving another directory
printf 'TFTP_USERNAME="tftp"\nTFTP_DIRECTORY="/var/lib/tftpboot"\n' > "$R/etc/default/tftpd-hpa"
site "$T/hpa.conf" "tftp = tftpd-hpa"
expect_exit 1 "$PINETBOOT" lint "$T/hpa.conf" --root "$R"
expect_grep 'tftpd-hpa:2: TFTP_DIRECTORY: is /var/lib/tftpboot but the profile.s tftp_root is /srv/tftp' "$T/out"

# --json: one object per line, the same findings
expect_exit 1 "$PINETBOOT" lint "$T/nfs.conf" --root "$R" --json
n_text=$("$PINETBOOT" lint "$T/nfs.conf" --root "$R" 2>/dev/null | wc -l)
[[ $(wc -l < "$T/out") -eq $n_text ]] || fail "json lines differ from text lines"
if command -v python3 >/dev/null; then
  python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/out" || fail "bad JSON"
fi
expect_grep '"severity":"error"' "$T/out"

# usage and input errors
expect_exit 2 "$PINETBOOT" lint
expect_exit 2 "$PINETBOOT" lint "$T/nope.conf"
expect_grep 'cannot be read' "$T/err"
expect_exit 2 "$PINETBOOT" lint "$T/ok.conf" --frob
expect_exit 0 "$PINETBOOT" lint --help
expect_grep 'Exit status' "$T/out"

# what pinetboot itself installs lints clean (once `apply` exists): proxy, full, isc, lio, nfs
if "$PINETBOOT" apply --help >/dev/null 2>&1; then
  site "$T/base.conf"
  variants=('s/^dhcp = proxy/dhcp = proxy/' 's/^dhcp = proxy/dhcp = full/' 's/^dhcp = proxy/dhcp = isc/'
            's/^iqn_base/iscsi_target = lio\niqn_base/' 's/^iqn_base/tftp = tftpd-hpa\niqn_base/'
            's/^iqn_base/root = nfs\niqn_base/')
  for v in "${variants[@]}"; do
    rm -rf "$T/applied"; mkdir -p "$T/applied/etc/dhcp"
    echo 'authoritative;' > "$T/applied/etc/dhcp/dhcpd.conf"  # the admin's, as Debian installs it
    sed "$v" "$T/base.conf" > "$T/v.conf"
    expect_exit 0 "$PINETBOOT" apply "$T/v.conf" --root "$T/applied"
    expect_exit 0 "$PINETBOOT" lint "$T/v.conf" --root "$T/applied"
    expect_no_grep 'warning:' "$T/out"
  done
fi
