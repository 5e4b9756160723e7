#!/usr/bin/env bash
# Differential test against tshark: every test capture (tests/monitor/pcaps, tests/data/pcaps)
# and every public capture (tests/data/pcaps-public) decoded by both; for each packet the
# DHCP/TFTP/iSCSI/RPC fields both decode must agree, 100%. Under ASan the decoder side runs
# with AddressSanitizer + UBSan.
. "$(dirname "$0")/../lib.sh"
need tshark python3
tool="$PNB_BUILD/tools/pnb_fields"
[[ -x "$tool" ]] || fail "$tool not built (make)"
caps=()
for f in "$PNB_TOP"/tests/monitor/pcaps/*.pcap "$PNB_TOP"/tests/data/pcaps/*.pcap \
         "$PNB_TOP"/tests/data/pcaps-public/*/*.pcap*; do
  [[ -f "$f" ]] && caps+=("$f")
done
[[ ${#caps[@]} -gt 0 ]] || skip "no captures"
python3 "$PNB_TOP/tests/tools/tshark_diff.py" "$tool" "${caps[@]}" | tee "$T/diff.log"
rc=${PIPESTATUS[0]}
[[ $rc -eq 0 ]] || fail "pinetboot and tshark disagree (see above)"
grep -q ' 0 disagreements' "$T/diff.log" || fail "no comparison summary"
