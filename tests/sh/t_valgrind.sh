#!/usr/bin/env bash
# Representative commands under valgrind: no definite leak, no invalid read or write, no use
# of uninitialised memory (exit 99 means valgrind found one; its report is printed).
# asan: skip
# (ASan and valgrind cannot watch the same process.)
. "$(dirname "$0")/../lib.sh"
need valgrind
D="$PNB_TOP/tests/data"
vg() {
  local want=$1; shift
  valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    --log-file="$T/vg.log" "$PINETBOOT" "$@" >"$T/out" 2>"$T/err"
  local got=$?
  if [[ $got -ne $want ]]; then
    echo "--- valgrind"; cat "$T/vg.log"; echo "--- stderr"; tail -n 20 "$T/err"
    fail "exit $got, expected $want: pinetboot $*"
  fi
}
sed -e 's|@IFACE@|eth0|' -e 's|@ADDR@|192.168.20.1/24|' "$D/demo-site.conf.in" >"$T/site.conf"

vg 0 export "$T/site.conf" -o "$T/out-dir"
vg 0 export "$T/site.conf" -o "$T/out-dir" --format ansible
vg 0 lint "$T/site.conf" --root "$T/out-dir"
vg 0 lint "$T/site.conf" --json
mkdir -p "$T/root"
vg 0 apply "$T/site.conf" --dry-run --root "$T/root"
vg 2 lint "$T/no-such.conf"

cat >"$T/inv.csv" <<'CSV'
name,model,serial,mac,tftp_prefix,size,image
kitchen,4B,10000000511E57F7,DC-A6-32-1C-6A-2A,mac,16G,/srv/images/a.img.xz
garage,"3B",2caf9c61,b8:27:eb:af:9c:61,,8G,
CSV
vg 0 profile import-csv "$T/inv.csv"
printf 'name,model\nx,9Z\n' >"$T/bad.csv"
vg 2 profile import-csv "$T/bad.csv"

# monitor's exit status says whether a Pi failed: the same run without valgrind gives it
vg_same() {
  local want=0
  "$PINETBOOT" "$@" >/dev/null 2>&1 || want=$?
  vg "$want" "$@"
}
for p in good-pi4-full-iscsi.pcap no-offer.pcap malformed-packets.pcap; do
  vg_same monitor -r "$D/pcaps/$p"
  vg_same monitor -r "$D/pcaps/$p" --json
done
vg_same monitor -r "$D/pcaps/good-pi5-nfs.pcap" --site "$T/site.conf" -q

P="$D/pi"
vg 1 check --otp "$P/otp-3b-factory.txt" --cpuinfo "$P/cpuinfo-3b.txt"
vg 0 check --otp "$P/otp-3b-enabled.txt" --cpuinfo "$P/cpuinfo-3b.txt" --json
vg 1 check --cpuinfo "$P/cpuinfo-4b.txt" --bootconf "$P/bootconf-factory-4.txt" \
  --bootloader-version "$P/blversion-2023.txt"

E="$PNB_TOP/tests/data/eeprom/firmware-2711/pieeprom-2026-05-17.bin"
if [[ -f "$E" ]]; then
  vg 0 eeprom show "$E"
  vg 0 eeprom show "$E" --json
else
  echo "no EEPROM image at $E: eeprom show not run"
fi
exit 0
