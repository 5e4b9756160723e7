#!/usr/bin/env bash
# A TFTP transfer of 70,001 blocks: the 16-bit block number wraps after 65535 (to 0 here), and
# one block is sent twice. The transfer must end complete with every block and byte counted
# once and exactly one retransmission.
. "$(dirname "$0")/../lib.sh"
"$PNB_BUILD/tools/pnb_gen" wrap "$T/wrap.pcap" || fail "pnb_gen wrap"
"$PINETBOOT" monitor --json -r "$T/wrap.pcap" 2>"$T/err" | grep '"kind":"tftp_xfer"' >"$T/xfer"
expect_grep '"end":"complete"' "$T/xfer"
expect_grep '"bytes":35840100,"blocks":70001,"retransmissions":1,' "$T/xfer"
[[ $(wc -l <"$T/xfer") -eq 1 ]] || fail "expected one transfer: $(cat "$T/xfer")"
