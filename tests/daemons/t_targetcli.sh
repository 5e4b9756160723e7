#!/usr/bin/env bash
# The LIO script (no kernel target here, so targetcli is a recording stand-in that keeps the
# object tree in a file): per Pi a fileio backstore, a target, LUN 0, an ACL for the Pi's
# initiator, CHAP on the ACL with authentication=1, then saveconfig; run again it creates
# nothing. The cmdline of a LIO site asks for LUN 0.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/mksite.sh"
mksite "$T/site.conf" iscsi_target=lio
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/exp"
script="$T/exp/iscsi/targetcli-pinetboot.sh"
[[ $(stat -c %a "$script") == 700 ]] || fail "targetcli script is not 0700"
sh -n "$script" || fail "targetcli script is not valid sh"
mkdir -p "$T/bin"
cat >"$T/bin/targetcli" <<'EOS'
#!/bin/sh
# stand-in for targetcli: records every call, keeps created objects in $FAKE_STATE
echo "$*" >>"$FAKE_LOG"
case "$1" in
  ls) grep -qxF "$2" "$FAKE_STATE"; exit ;;
  saveconfig) exit 0 ;;
esac
path=$1; shift
[ "$1" = create ] || exit 0
case "$path" in
  /backstores/fileio) echo "/backstores/fileio/${2#name=}" >>"$FAKE_STATE" ;;
  /iscsi) echo "/iscsi/$2" >>"$FAKE_STATE" ;;
  */luns) echo "$path/lun$(grep -c "^$path/lun" "$FAKE_STATE")" >>"$FAKE_STATE" ;;
  */acls) echo "$path/$2" >>"$FAKE_STATE" ;;
esac
EOS
chmod +x "$T/bin/targetcli"
export FAKE_STATE="$T/state" FAKE_LOG="$T/log1"
: >"$FAKE_STATE"
PATH="$T/bin:$PATH" sh "$script" || fail "targetcli script failed"
cat "$T/state"
iqn=iqn.2026-11.lan.example
for p in kitchen garage studio; do
  expect_grep "^/backstores/fileio/$p$" "$T/state"
  expect_grep "^/iscsi/$iqn:root-$p/tpg1/luns/lun0$" "$T/state"
  expect_grep "^/iscsi/$iqn:root-$p/tpg1/acls/$iqn:$p$" "$T/state"
done
expect_grep "^/backstores/fileio create name=kitchen file_or_dev=$T/iscsi/kitchen.img size=64M$" "$T/log1"
expect_grep "^/iscsi/$iqn:root-kitchen/tpg1/acls/$iqn:kitchen set auth userid=kitchen password=[A-Za-z0-9]\{16\}$" "$T/log1"
expect_grep "^/iscsi/$iqn:root-kitchen/tpg1 set attribute authentication=1 generate_node_acls=0$" "$T/log1"
expect_grep "^/iscsi/$iqn:root-studio/tpg1 set attribute authentication=0 generate_node_acls=0$" "$T/log1"
expect_grep "^saveconfig$" "$T/log1"
# run again: nothing new is created
FAKE_LOG="$T/log2" PATH="$T/bin:$PATH" sh "$script" || fail "second run failed"
expect_no_grep " create " "$T/log2"
expect_grep "lun-0-part2" "$T/exp/tftp/dc-a6-32-1c-6a-2a/cmdline.txt"
exit 0
