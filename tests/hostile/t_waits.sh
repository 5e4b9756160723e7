#!/usr/bin/env bash
# Rules 4, 7 and 8 at the command line: every wait has an end (iscsi-check's --timeout bounds
# the whole run against a target that drops, never answers or stalls its READs; FIFOs where a
# file is expected, 50,000 nested template blocks),
# nothing is destroyed that pinetboot did not write (export into a directory holding the
# profile or notes, -o sub/.., monitor -r X -w X, eeprom set --sig over an image), and
# identification by content (a Pi 4 image repeated to 2 MiB, an empty BOOT_ORDER, a NUL in a
# bootloader config).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_hostile.sh"
need python3
sentinel_make "$T/sentinel"
cases=0
ok() { cases=$((cases + 1)); }
tmo=(timeout 30)

# M7 and rule 7: --timeout is iscsi-check's whole-run budget. Against a target that logs in and
# then closes, a portal that accepts TCP and never answers, a target that answers everything
# but READs, and one that answers everything 0.5 s late (each wait short, the sum long), the
# check ends within the budget (slack for a loaded machine) naming the step that ran out (after
# at least the budget: a loaded machine may wake it a second or two late).
iscsi_hostile() { # MODE BUDGET — runs iscsi-check against fake_iscsi_target.py MODE
	python3 "$(dirname "$0")/fake_iscsi_target.py" "$1" >"$T/port.$1" &
	local tpid=$! port
	on_exit "kill $tpid 2>/dev/null"
	for _ in $(seq 300); do [[ -s $T/port.$1 ]] && break; sleep 0.1; done
	port=$(cat "$T/port.$1")
	local start=$SECONDS
	expect_exit 1 "${tmo[@]}" "$PINETBOOT" iscsi-check "iscsi://127.0.0.1:$port/iqn.2026-11.a:b/0" \
		--initiator iqn.2026-11.a:c --timeout "$2"
	[[ $((SECONDS - start)) -le $(($2 + 8)) ]] ||
		fail "iscsi-check ($1) took $((SECONDS - start)) s with --timeout $2"
	kill "$tpid" 2>/dev/null
}
iscsi_hostile close 2
expect_grep "FAIL.*REPORT LUNS failed: the target closed the connection" "$T/out"; ok
iscsi_hostile silent 2
expect_grep "FAIL     discovery   no answer to the Login Request of the discovery session within the --timeout of 2 s: step discovery ran out after [2-4]\.[0-9] s" "$T/out"; ok
iscsi_hostile stall 2
expect_grep "ok       capacity    LUN 0: 1G" "$T/out"
expect_grep "FAIL     partitions  no answer to a READ within the --timeout of 2 s: step partitions ran out after [2-4]\.[0-9] s" "$T/out"
expect_grep "^Fix: the target accepts the connection but does not answer" "$T/out"; ok
# every answer 0.5 s late: no one wait is long, but the whole check is past its budget
iscsi_hostile slow 2
expect_grep "ok       login       logged in to iqn.2026-11.a:b" "$T/out"
expect_grep "FAIL .* no answer to .* within the --timeout of 2 s: step [a-z-]* ran out after [2-4]\.[0-9] s" "$T/out"; ok

# the name lookup is within the budget too: a name server (in a namespace of this test) that
# never answers, asked with a resolver timeout of 30 s
if [[ $(id -u) -eq 0 ]] && command -v ip >/dev/null; then
	ns=pnb-dns$$
	netns_add "$ns"
	ip -n "$ns" link set lo up
	mkdir -p "/etc/netns/$ns" && on_exit "rm -rf /etc/netns/$ns"
	printf 'nameserver 127.0.0.1\noptions timeout:30 attempts:1\n' >"/etc/netns/$ns/resolv.conf"
	ip netns exec "$ns" python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 53))
print("up", flush=True); time.sleep(60)' >"$T/dns.up" &
	dpid=$!
	on_exit "kill $dpid 2>/dev/null"
	for _ in $(seq 300); do [[ -s $T/dns.up ]] && break; sleep 0.1; done
	start=$SECONDS
	expect_exit 1 "${tmo[@]}" ip netns exec "$ns" "$PINETBOOT" iscsi-check \
		"iscsi://pi-root.example/iqn.2026-11.a:b/0" --initiator iqn.2026-11.a:c --timeout 2
	[[ $((SECONDS - start)) -le 10 ]] || fail "the name lookup took $((SECONDS - start)) s with --timeout 2"
	expect_grep "cannot resolve pi-root.example: no answer from the name server within 2 s" "$T/out"; ok
	kill "$dpid" 2>/dev/null
fi

# L10: FIFOs where a file is expected never hang
mkfifo "$T/fifo"
printf '[server]\ninterface = eth0\naddress = 192.168.20.1/24\n[pi "a"]\nmodel = 4B\nserial = 511e57f7\nchap = yes\n' >"$T/site.conf"
for cmd in "lint $T/fifo" "export $T/fifo -o $T/o1" "eeprom show $T/fifo" \
	"eeprom set $(ls "$PNB_TOP"/tests/data/eeprom/firmware-2711/pieeprom-*.bin) --config $T/fifo -o $T/o.bin"; do
	"${tmo[@]}" "$PINETBOOT" $cmd >"$T/out" 2>&1
	rc=$?
	[[ $rc -ne 124 && $rc -ne 0 ]] || { cat "$T/out"; fail "$cmd: exit $rc (hung or accepted a FIFO)"; }
	expect_grep "not a regular file" "$T/out"; ok
done
mkfifo "$T/site.secrets"
"${tmo[@]}" "$PINETBOOT" export "$T/site.conf" -o "$T/o2" >"$T/out" 2>&1
[[ $? -eq 2 ]] || { cat "$T/out"; fail "export with a FIFO as secrets file"; }
expect_grep "site.secrets: cannot be read: not a regular file" "$T/out"; ok
rm "$T/site.secrets"

# L11: 50,000 nested blocks in a --templates file are an error, not a crash
mkdir "$T/tmpl"
for _ in $(seq 50000); do printf '{{#if server.address}}'; done >"$T/tmpl/dnsmasq.conf.tmpl"
expect_exit 2 "${tmo[@]}" "$PINETBOOT" export "$T/site.conf" -o "$T/o3" --templates "$T/tmpl"
expect_grep "nest deeper than 64" "$T/err"; ok

# L12: secrets readable by others are repaired with a warning, and never printed
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/e1"
chmod 644 "$T/site.secrets"
expect_exit 0 "$PINETBOOT" lint "$T/site.conf"
expect_grep "site.secrets: warning: was readable by others (mode 0644); its mode is now 0600" "$T/out" 
[[ $(stat -c %a "$T/site.secrets") == 600 ]] || fail "site.secrets was not made 0600"; ok
secret=$(awk '/^secret/{print $3}' "$T/site.secrets")
"$PINETBOOT" lint "$T/site.conf" --json >"$T/out" 2>&1
expect_no_grep "$secret" "$T/out"; ok

# secrets never in --diff output (secrets file, tgt.conf, cmdline.txt all hold them)
expect_exit 1 "$PINETBOOT" export "$T/site.conf" -o "$T/fresh" --diff
expect_no_grep "$secret" "$T/out"
expect_grep "<secret>" "$T/out"; ok

# M9: export into a directory that holds the profile, its secrets or notes deletes nothing
cp "$T/site.conf" "$T/e1/mysite.conf"
echo notes >"$T/e1/NOTES.md"
expect_exit 2 "$PINETBOOT" export "$T/e1/mysite.conf" -o "$T/e1"
expect_grep "holds .*which no pinetboot export writes" "$T/err"
[[ -f $T/e1/mysite.conf && -f $T/e1/NOTES.md ]] || fail "export deleted the profile or notes"; ok
rm "$T/e1/mysite.conf" "$T/e1/NOTES.md" "$T/e1/mysite.secrets"
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/e1"; ok   # a plain re-export still works
# a README.txt that is a link to a file starting "pinetboot export of" proves nothing
mkdir "$T/notexp"; echo "mine" >"$T/notexp/data"
ln -s "$T/e1/README.txt" "$T/notexp/README.txt"
expect_exit 2 "$PINETBOOT" export "$T/site.conf" -o "$T/notexp"
[[ -f $T/notexp/data ]] || fail "export wiped a directory with a linked README.txt"; ok

# L15: -o sub/.. and -o out/. leave nothing behind; -o '' is refused
(cd "$T" && expect_exit 2 "$PINETBOOT" export site.conf -o sub/..)
[[ -e $T/sub ]] && fail "-o sub/.. left sub behind"; ok
(cd "$T" && expect_exit 0 "$PINETBOOT" export site.conf -o outdir/.)
[[ -f $T/outdir/README.txt ]] || fail "-o outdir/. did not export into outdir"; ok
expect_exit 2 "$PINETBOOT" export "$T/site.conf" -o ""
expect_grep "is empty" "$T/err"; ok

# L9: monitor -r X -w X is refused (also through a link)
cp "$PNB_TOP/tests/data/pcaps/good-pi3b-proxy.pcap" "$T/same.pcap"
sum=$(sha256sum <"$T/same.pcap")
expect_exit 2 "$PINETBOOT" monitor -r "$T/same.pcap" -q -w "$T/same.pcap"
ln -s same.pcap "$T/link.pcap"
expect_exit 2 "$PINETBOOT" monitor -r "$T/same.pcap" -q -w "$T/link.pcap"
[[ $(sha256sum <"$T/same.pcap") == "$sum" ]] || fail "monitor -w overwrote the capture it read"; ok

# L8: eeprom set --sig never overwrites the input or the output image
img=$(ls "$PNB_TOP"/tests/data/eeprom/firmware-2711/pieeprom-*.bin)
cp "$img" "$T/in.bin"
sum=$(sha256sum <"$T/in.bin")
expect_exit 2 "$PINETBOOT" eeprom set "$T/in.bin" BOOT_ORDER=0xf21 -o "$T/out.bin" --sig "$T/in.bin"
expect_exit 2 "$PINETBOOT" eeprom set "$T/in.bin" BOOT_ORDER=0xf21 -o "$T/out.bin" --sig "$T/out.bin"
[[ $(sha256sum <"$T/in.bin") == "$sum" && ! -e $T/out.bin ]] || fail "--sig overwrote an image"; ok

# L7: a Pi 4 image repeated to 2 MiB is no Pi 5 image; BOOT_ORDER= and NUL are refused
cat "$img" "$img" "$img" "$img" >"$T/p4x.bin"
expect_exit 2 "$PINETBOOT" eeprom show "$T/p4x.bin"
expect_grep "holds a BCM2711 bootloader" "$T/err"; ok
expect_exit 2 "$PINETBOOT" eeprom set "$T/in.bin" BOOT_ORDER= -o "$T/out.bin"
expect_grep "is empty" "$T/err"; ok
printf 'BOOT_ORDER=0xf21\0TFTP_PREFIX=9\n' >"$T/nul.conf"
expect_exit 2 "$PINETBOOT" eeprom set "$T/in.bin" --config "$T/nul.conf" -o "$T/out.bin"
expect_grep "NUL byte" "$T/err"; ok
expect_exit 2 "$PINETBOOT" eeprom set "$T/in.bin" $'TFTP_PREFIX_STR=a\nBOOT_ORDER=0x1' -o "$T/out.bin"
expect_grep "line break" "$T/err"; ok
[[ ! -e $T/out.bin ]] || fail "a refused eeprom set wrote its output"

# L3: lint refuses the string: prefix export would refuse (another Pi's serial directory)
printf '[server]\ninterface = eth0\naddress = 192.168.20.1/24\n[pi "a"]\nmodel = 4B\nserial = 511e57f7\ntftp_prefix = string:511e57f8\n[pi "b"]\nmodel = 4B\nserial = 511e57f8\n' >"$T/l3.conf"
expect_exit 1 "$PINETBOOT" lint "$T/l3.conf"
expect_grep 'l3.conf:8: \[pi "b"\] tftp_prefix: TFTP directory "511e57f8" is also \[pi "a"\]' "$T/out"; ok

sentinel_check "$T/sentinel"
echo "$cases cases held"
