#!/usr/bin/env bash
# The generated tgt conf.d file loads into a real tgtd (started here, inside a network namespace
# of its own, on its own control port) and `tgtadm --op show` lists every Pi's target with its
# backing store as LUN 1, its initiator-name ACL and its CHAP account.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/mksite.sh"
need_root
need tgtd tgtadm tgt-admin ip truncate
mksite "$T/site.conf" iscsi_target=tgt
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/exp"
conf="$T/exp/iscsi/tgt-pinetboot.conf"
[[ $(stat -c %a "$conf") == 600 ]] || fail "tgt file holds secrets but is not 0600"
for p in kitchen garage studio; do truncate -s 64M "$T/iscsi/$p.img"; done

ns="pnb-tgt-$$"
tgt_port port
netns_add "$ns" || skip "cannot create a network namespace"
on_exit "rm -f /var/run/tgtd/socket.$port /var/run/tgtd/socket.$port.lock"
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" tgtd -f -C "$port" --iscsi portal=127.0.0.1:3260 >"$T/tgtd.log" 2>&1 &
tgtd_pid=$!
on_exit "kill $tgtd_pid 2>/dev/null; sleep 0.2; kill -9 $tgtd_pid 2>/dev/null; wait $tgtd_pid 2>/dev/null"
on_exit "tgt-admin -C $port --delete ALL --force >/dev/null 2>&1"
for _ in $(seq 300); do
  tgtadm -C "$port" --lld iscsi --mode target --op show >/dev/null 2>&1 && break
  kill -0 "$tgtd_pid" 2>/dev/null || { cat "$T/tgtd.log"; fail "tgtd exited (control port $port)"; }
  sleep 0.1
done
tgt-admin -C "$port" --conf "$conf" --execute >"$T/admin.out" 2>&1 ||
  { cat "$T/admin.out" "$T/tgtd.log"; fail "tgt-admin --execute"; }
tgtadm -C "$port" --lld iscsi --mode target --op show >"$T/show" 2>&1
cat "$T/show"
for p in kitchen garage studio; do
  expect_grep "Target [0-9]*: iqn.2026-11.lan.example:root-$p$" "$T/show"
  expect_grep "Backing store path: $T/iscsi/$p.img" "$T/show"
  expect_grep "iqn.2026-11.lan.example:$p$" "$T/show"
done
# the disk is LUN 1 in every target (LUN 0 is tgt's controller)
[[ $(grep -c 'LUN: 1$' "$T/show") -eq 3 ]] || fail "expected LUN 1 in each of 3 targets"
# CHAP accounts for the two Pis with chap = yes, none for studio
expect_grep "^ *kitchen$" "$T/show"
expect_grep "^ *garage$" "$T/show"
expect_no_grep "^ *studio$" "$T/show"
# the cmdline of a tgt site asks for LUN 1
expect_grep "lun-1-part2" "$T/exp/tftp/dc-a6-32-1c-6a-2a/cmdline.txt"
exit 0
