#!/usr/bin/env bash
# apply --root on a temp dir: installs every file at its system path, keeps a backup of what it
# replaces (once), prints what changed, only prints reload commands under --root, and a second
# apply changes nothing. --dry-run writes nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../daemons/mksite.sh"
mksite "$T/site.conf"
# kitchen names its initramfs; the others leave kernel and initramfs to the OS (auto)
sed -i '/^tftp_prefix = mac$/a initramfs = initramfs8' "$T/site.conf"
root="$T/root"
mkdir -p "$root/etc/dnsmasq.d" "$root/srv/tftp/dc-a6-32-1c-6a-2a"
echo "# the admin's old file" >"$root/etc/dnsmasq.d/pinetboot.conf"
printf 'arm_64bit=1\nkernel=kernel8.img\n[cm4]\notg_mode=1\n' >"$root/srv/tftp/dc-a6-32-1c-6a-2a/config.txt"

expect_exit 0 "$PINETBOOT" apply "$T/site.conf" --root "$root" --dry-run
expect_grep "would install (changed) $root/etc/dnsmasq.d/pinetboot.conf" "$T/out"
expect_grep "would run: systemctl restart dnsmasq" "$T/out"
[[ $(cat "$root/etc/dnsmasq.d/pinetboot.conf") == "# the admin's old file" ]] || fail "--dry-run wrote"

expect_exit 0 "$PINETBOOT" apply "$T/site.conf" --root "$root"
cat "$T/out"
expect_grep "^changed  $root/etc/dnsmasq.d/pinetboot.conf (old file kept as $root/etc/dnsmasq.d/pinetboot.conf.pinetboot-[0-9]\{14\})" "$T/out"
expect_grep "^new      $root/etc/tgt/conf.d/pinetboot.conf" "$T/out"
expect_grep "^not run (--root): tgt-admin --update ALL" "$T/out"
expect_grep "^not run (--root): systemctl restart dnsmasq" "$T/out"
cmp "$root/etc/dnsmasq.d/pinetboot.conf" <("$PINETBOOT" export "$T/site.conf" -o "$T/x" >/dev/null && cat "$T/x/dnsmasq.d/pinetboot.conf") ||
  fail "installed file differs from the export"
[[ $(stat -c %a "$root/etc/tgt/conf.d/pinetboot.conf") == 600 ]] || fail "tgt file not 0600"
# config.txt kept its lines and gained the initramfs line after an [all] of its own (the file
# ended inside [cm4]); the Pis left at auto got no config.txt at all
cfg="$root/srv/tftp/dc-a6-32-1c-6a-2a/config.txt"
expect_grep '^arm_64bit=1$' "$cfg"
[[ $(tail -n 4 "$cfg" | head -n 2) == $'otg_mode=1\n[all]' ]] || { cat "$cfg"; fail "no [all] before the added line"; }
expect_grep '^initramfs initramfs8 followkernel$' "$cfg"
[[ -e "$root/srv/tftp/2caf9c61/config.txt" ]] && fail "an empty config.txt was made for garage"
expect_grep 'iscsi_target_name=iqn.2026-11.lan.example:root-kitchen' "$root/srv/tftp/dc-a6-32-1c-6a-2a/cmdline.txt"
[[ -f "$root/srv/tftp/2caf9c61/cmdline.txt" ]] || fail "Pi 3 cmdline.txt not installed"
backups=$(find "$root" -name '*.pinetboot-*' | wc -l)
[[ $backups -eq 2 ]] || { find "$root" -name '*.pinetboot-*'; fail "expected 2 backups, got $backups"; }
snapshot() { (cd "$root" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
snapshot >"$T/snap1"

# second apply: nothing changes, no new backups, no reloads
expect_exit 0 "$PINETBOOT" apply "$T/site.conf" --root "$root"
expect_grep "^0 file(s) changed" "$T/out"
expect_no_grep "not run" "$T/out"
snapshot >"$T/snap2"
diff "$T/snap1" "$T/snap2" || fail "a second apply changed files"

# a profile change touches only its files and reloads only their daemon
sed -i 's/^size = 64M$/size = 128M/' "$T/site.conf"
sed -i 's#^backing = \(.*\)/studio.img#backing = \1/studio2.img#' "$T/site.conf"
expect_exit 0 "$PINETBOOT" apply "$T/site.conf" --root "$root"
expect_grep "^changed  $root/etc/tgt/conf.d/pinetboot.conf" "$T/out"
expect_grep "^not run (--root): tgt-admin --update ALL" "$T/out"
expect_no_grep "dnsmasq" "$T/out"

# a Pi leaves the profile: its files go (kept as backups), config.txt (not ours) stays
[[ -f "$root/var/lib/pinetboot/site.conf.installed" ]] || fail "no manifest of installed files"
awk '/^\[pi "studio"\]/{skip=1} /^\[pi "/ && !/studio/{skip=0} !skip' "$T/site.conf" >"$T/site2.conf"
mv "$T/site2.conf" "$T/site.conf"
expect_exit 0 "$PINETBOOT" apply "$T/site.conf" --root "$root" --dry-run
expect_grep "^would remove $root/srv/tftp/studio/cmdline.txt" "$T/out"
[[ -f "$root/srv/tftp/studio/cmdline.txt" ]] || fail "--dry-run removed a file"
expect_exit 0 "$PINETBOOT" apply "$T/site.conf" --root "$root"
cat "$T/out"
expect_grep "^removed  $root/srv/tftp/studio/cmdline.txt (old file kept as " "$T/out"
expect_grep "^changed  $root/etc/tgt/conf.d/pinetboot.conf" "$T/out"
[[ -e "$root/srv/tftp/studio/cmdline.txt" ]] && fail "studio's cmdline.txt is still there"
[[ -f "$cfg" ]] || fail "kitchen's config.txt was taken away"
expect_exit 0 "$PINETBOOT" apply "$T/site.conf" --root "$root"
expect_grep "^0 file(s) changed" "$T/out"

expect_exit 2 "$PINETBOOT" apply "$T/site.conf" --root "$T/missing"
expect_exit 2 "$PINETBOOT" apply
exit 0
