#!/usr/bin/env bash
# Rules 3 and 4 for apply: under --root nothing outside the root changes, no link is followed
# (a planted directory or file link, the manifest's "/../outside" line), only regular files are
# read or replaced (a FIFO or a device never hangs it), and apply is one transaction that
# reports only what it did: a failure part-way puts everything back. H3 (nfs_path = /) is
# refused before apply writes the server's own fstab.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_hostile.sh"
T=$(cd "$T" && pwd -P)
sentinel_make "$T/sentinel"
mkdir -p "$T/outside"
echo "victim" >"$T/outside/victim"
sentinel_make "$T/outside/tree"
snap_outside() { (cd "$T/outside" && find . -printf '%p %y %m %s %l\n' | sort && find . -type f -exec sha256sum {} + | sort); }
snap_outside >"$T/outside.snap"
cat >"$T/site.conf" <<EOF
[server]
interface = eth0
address = 192.168.20.1/24
iqn_base = iqn.2026-11.lan.example

[pi "kitchen"]
model = 4B
serial = 511e57f7
EOF
A=(timeout 20 "$PINETBOOT" apply "$T/site.conf")
d=srv/tftp/511e57f7
snap_root() { (cd "$1" && find . -printf '%p %y %m %s %l\n' | sort && find . -type f -exec sha256sum {} + | sort); }
cases=0
unchanged() { # ROOT SNAPSHOT — nothing beneath ROOT, the sentinels or outside changed
	snap_root "$1" | diff "$2" - >&2 || fail "$3: the root changed although apply failed"
	snap_outside | diff "$T/outside.snap" - >&2 || fail "$3: a file outside the root changed"
	sentinel_check "$T/sentinel"
	cases=$((cases + 1))
}

# M4a: manifest lines that leave the root or are not in normal form are ignored
r="$T/r1"; mkdir -p "$r/var/lib/pinetboot"
printf '/../outside/victim\tdnsmasq\n//../outside/victim\t\n/srv/../../outside/victim\t\nrelative/x\t\n' \
	>"$r/var/lib/pinetboot/site.conf.installed"
expect_exit 0 "${A[@]}" --root "$r"
expect_grep "site.conf.installed:1: warning: is not a plain absolute path" "$T/err"
expect_no_grep "removed" "$T/out"
snap_outside | diff "$T/outside.snap" - >&2 || fail "M4a: a file outside the root changed"
[[ -z $(find "$r" -name '*.pinetboot-*') ]] || fail "M4a: something was moved aside"
cases=$((cases + 1))

# M4b: a directory link inside the root; M3: a file link to a 0600 file; a FIFO; a device
mkdir -p "$T/outside2"
for plant in dirlink filelink fifo device regular-as-dir; do
	r="$T/r-$plant"; rm -rf "$r"; mkdir -p "$r/$d" "$r/etc"
	case $plant in
	dirlink) ln -s "$T/outside2" "$r/etc/dnsmasq.d" ;;
	filelink) ln -s "$T/sentinel/shadow" "$r/$d/config.txt" ;;
	fifo) mkfifo "$r/$d/config.txt" ;;
	device) mknod "$r/$d/config.txt" c 1 5 2>/dev/null || ln -s /dev/zero "$r/$d/config.txt" ;;
	regular-as-dir) rmdir "$r/$d" && echo x >"$r/$d" ;;
	esac
	snap_root "$r" >"$T/root.snap"
	for mode in --dry-run ""; do
		expect_exit 2 "${A[@]}" --root "$r" $mode
		expect_grep "nothing was changed" "$T/err"
		expect_no_grep "^new\|^changed\|would install" "$T/out"
		unchanged "$r" "$T/root.snap" "$plant $mode"
	done
	[[ -z $(ls -A "$T/outside2") ]] || fail "$plant: apply wrote through a directory link"
	# lint --root never hangs on them either
	timeout 20 "$PINETBOOT" lint "$T/site.conf" --root "$r" >/dev/null 2>&1
	[[ $? -ne 124 ]] || fail "$plant: lint --root hung"
done
expect_grep "symbolic link" <(timeout 20 "$PINETBOOT" apply "$T/site.conf" --root "$T/r-filelink" 2>&1)
expect_grep "not a regular file" <(timeout 20 "$PINETBOOT" apply "$T/site.conf" --root "$T/r-fifo" 2>&1)

# M6: a failure part-way (an immutable TFTP directory, after the /etc files were in place)
# puts everything back and reports nothing as installed
r="$T/r-immutable"; mkdir -p "$r/$d" "$r/etc/dnsmasq.d"
echo "# the admin's" >"$r/etc/dnsmasq.d/pinetboot.conf"
if chattr +i "$r/$d" 2>/dev/null; then
	on_exit "chattr -i '$r/$d'"
	snap_root "$r" >"$T/root.snap"
	expect_exit 2 "${A[@]}" --root "$r"
	expect_no_grep "^new\|^changed\|file(s) changed" "$T/out"
	chattr -i "$r/$d"
	unchanged "$r" "$T/root.snap" "immutable"
fi

# a clean root: installed, nothing outside touched, a second run changes nothing
r="$T/r-clean"; mkdir -p "$r"
expect_exit 0 "${A[@]}" --root "$r"
expect_grep "^new      $r/etc/dnsmasq.d/pinetboot.conf" "$T/out"
snap_root "$r" >"$T/root.snap"
expect_exit 0 "${A[@]}" --root "$r"
expect_grep "^0 file(s) changed" "$T/out"
unchanged "$r" "$T/root.snap" "clean"

# H3: nfs_path = / (or //) is refused before anything is written
for v in / // /srv/.. /etc; do
	sed "s|^serial = .*|&\nnfs_path = $v|; s|^iqn_base.*|&\nroot = nfs|" "$T/site.conf" >"$T/nfs.conf"
	r="$T/r-nfs"; rm -rf "$r"; mkdir -p "$r/etc"; echo "server fstab" >"$r/etc/fstab"
	snap_root "$r" >"$T/root.snap"
	expect_exit 2 timeout 20 "$PINETBOOT" apply "$T/nfs.conf" --root "$r"
	expect_grep "nfs.conf:[0-9]*: \[pi \"kitchen\"\] nfs_path:" "$T/err"
	unchanged "$r" "$T/root.snap" "nfs_path = $v"
done
echo "$cases apply cases held"
