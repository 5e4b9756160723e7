#!/usr/bin/env bash
# tshark text as people paste it, checked against the capture it came from: for pcaps of
# tests/data/pcaps, the real tshark prints the -V detail and the one-line summary; `monitor
# --log` on the -V text must give every Pi the verdict `monitor -r` gives on the pcap (stage,
# reached stage, rule). The summary lines show no MAC for a DHCP message (only its transaction
# ID), so they alone tie nothing to a Pi and say so; beside a DHCP server log that names the
# MACs they do (checked with dnsmasq lines made from the -V text's facts). Also the summary's
# variants: "->" for "→", -t ad / -t u times, Wireshark's export with both views.
. "$(dirname "$0")/../lib.sh"
need tshark python3
P=$PNB_TOP/tests/data/pcaps
summ() {
  python3 -c '
import json, sys
s = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
assert s.get("summary") is True
out = []
for p in s["pis"]:
    v = p["verdict"]
    rule = v.rsplit("[", 1)[1].rstrip("]") if v.endswith("]") else "-"
    out.append("%s failed=%s reached=%s rule=%s" % (p["mac"], p["failed"], p["reached"], rule))
print("; ".join(out) or "none")' "$1"
}
# One of each way a boot fails or succeeds over DHCP, TFTP, iSCSI and NFS, and a spanning-tree
# switch (all 60 of tests/data/pcaps agree; tshark -V takes a while on each).
for n in good-pi4-full-iscsi menu-no-spaces no-option-43 tftp-offlink bootcode-missing \
         truncated-file iscsi-acl root-no-reads pi3-offer-ignored nfs-mount-denied nfs-v2 \
         stp-late-discover; do
  tshark -r "$P/$n.pcap" -V >"$T/$n.V.txt" 2>/dev/null # (non-zero on a cut pcap)
  "$PINETBOOT" monitor -r "$P/$n.pcap" --json -q >"$T/pcap.json" 2>/dev/null
  "$PINETBOOT" monitor --log "$T/$n.V.txt" --json -q >"$T/v.json" 2>"$T/err"
  want=$(summ "$T/pcap.json") got=$(summ "$T/v.json")
  [[ "$want" == "$got" ]] || fail "$n: the capture says [$want], its tshark -V text [$got]"
  python3 -c '
import json, sys
s = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
assert s["log"]["skipped"] == 0, s["log"]' "$T/v.json" || fail "$n: -V lines not understood"
done

# The summary alone: nothing tied to a Pi, and the notes say why.
n=iscsi-acl
tshark -r "$P/$n.pcap" >"$T/one.txt" 2>/dev/null
"$PINETBOOT" monitor --log "$T/one.txt" --json -q >"$T/one.json" 2>/dev/null
[[ $(summ "$T/one.json") == none ]] || fail "summary lines tied to a Pi: $(summ "$T/one.json")"
expect_grep "transaction ID, not the" "$T/one.json"
python3 -c '
import json, sys
s = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
assert s["log"]["skipped"] == 0, s["log"]' "$T/one.json" || fail "summary lines not understood"

# Beside a dnsmasq log that names the Pi's MAC and address, the summary lines give the same
# verdict as the capture: the TFTP and iSCSI lines are the Pi's by address.
cat >"$T/dnsmasq.log" <<'LOG'
2025-11-24T16:00:00.004+0000 srv dnsmasq-dhcp[7]: DHCPOFFER(eth0) 192.168.20.64 dc:a6:32:1c:6a:2a
2025-11-24T16:00:00.506+0000 srv dnsmasq-dhcp[7]: DHCPACK(eth0) 192.168.20.64 dc:a6:32:1c:6a:2a
LOG
for variant in plain arrow ad; do
  case $variant in
    plain) TZ=UTC tshark -r "$P/$n.pcap" -t ad >"$T/one.txt" 2>/dev/null ;;
    arrow) TZ=UTC tshark -r "$P/$n.pcap" -t ad 2>/dev/null | sed 's/ → / -> /' >"$T/one.txt" ;;
    ad) TZ=UTC tshark -r "$P/$n.pcap" -t ud 2>/dev/null | sed 's/ → /   /' >"$T/one.txt" ;;
  esac
  TZ=UTC "$PINETBOOT" monitor --log "$T/dnsmasq.log" --log "$T/one.txt" --json -q >"$T/both.json" 2>/dev/null
  expect_grep '"mac":"dc:a6:32:1c:6a:2a".*"failed":7,.*\[iscsi-acl\]' "$T/both.json"
done

# Wireshark's "export packet dissections as plain text" with summary and details: each packet
# once (the summary under its column header is the detail's packet, not another).
n=good-pi4-full-iscsi
python3 - "$T/$n.V.txt" "$P/$n.pcap" >"$T/export.txt" <<'PY'
import subprocess, sys
summ = subprocess.run(["tshark", "-r", sys.argv[2]], capture_output=True, text=True).stdout.splitlines()
frames = open(sys.argv[1]).read().split("\nFrame ")
for i, (s, f) in enumerate(zip(summ, frames)):
    print("No.     Time           Source                Destination           Protocol Length Info")
    print(s.replace(" → ", "  "))
    print()
    print(f if i == 0 else "Frame " + f)
PY
"$PINETBOOT" monitor -r "$P/$n.pcap" --json -q >"$T/pcap.json" 2>/dev/null
"$PINETBOOT" monitor --log "$T/export.txt" --json -q >"$T/exp.json" 2>/dev/null
"$PINETBOOT" monitor --log "$T/$n.V.txt" --json -q >"$T/v.json" 2>/dev/null
[[ "$(summ "$T/pcap.json")" == "$(summ "$T/exp.json")" ]] ||
  fail "export: [$(summ "$T/pcap.json")] vs [$(summ "$T/exp.json")]"
python3 - "$T/exp.json" "$T/v.json" <<'PY' || fail "the export's packets counted twice"
import json, sys
a = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])["log"]
b = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])["log"]
assert a["skipped"] == 0, a
assert a["events"] == b["events"], (a, b)
PY
echo ok
