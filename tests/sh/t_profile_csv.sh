#!/usr/bin/env bash
# pinetboot profile import-csv: a good inventory (quoted fields, blank fields, other column
# order) becomes [pi] sections that load; a bad row gives exit 2, FILE:LINE: column KEY: … and
# nothing on stdout; rows are checked against --site; 1,000 rows import quickly.
. "$(dirname "$0")/../lib.sh"
cat > "$T/site.conf" <<'CONF'
[server]
interface = eth0
address = 192.168.20.1/24
iqn_base = iqn.2026-11.lan.example
CONF
cat > "$T/inv.csv" <<'CSV'
name,model,serial,mac,tftp_prefix,size,image
kitchen,4B,10000000511E57F7,DC-A6-32-1C-6A-2A,mac,16G,"/srv/images/raspios, lite.img.xz"
garage,"3B",2caf9c61,b8:27:eb:af:9c:61,,8G,

"hall",5,"12345678","2c:cf:67:00:00:01","mac",32G,/srv/images/a.img
CSV
# a comma inside quotes is one field, but this path is refused for its comma: fix it first
expect_exit 2 "$PINETBOOT" profile import-csv "$T/inv.csv"
expect_grep 'inv.csv:2: column image: "/srv/images/raspios, lite.img.xz"' "$T/err"
[[ ! -s "$T/out" ]] || fail "stdout not empty on a bad row"
sed -i 's/raspios, lite/raspios-lite/' "$T/inv.csv"
expect_exit 0 "$PINETBOOT" profile import-csv "$T/inv.csv" --site "$T/site.conf"
expect_grep '^\[pi "kitchen"\]$' "$T/out"
expect_grep '^mac = dc:a6:32:1c:6a:2a$' "$T/out"
expect_grep '^serial = 511e57f7$' "$T/out"
expect_grep '^image = /srv/images/raspios-lite.img.xz$' "$T/out"
expect_grep '^\[pi "hall"\]$' "$T/out"
expect_no_grep 'tftp_prefix = $' "$T/out"
cat "$T/out" >> "$T/site.conf"
expect_exit 0 "$PINETBOOT" lint "$T/site.conf" --root "$T/empty"
# the same rows again: every name, MAC and serial now collides with the profile
expect_exit 2 "$PINETBOOT" profile import-csv "$T/inv.csv" --site "$T/site.conf"
expect_grep 'inv.csv:2: column name: "kitchen" is also the name of an existing Pi' "$T/err"
# bad rows: all reported, with their lines, and nothing printed
cat > "$T/bad.csv" <<'CSV'
name,model,mac,serial
a,4B,dc:a6:32:1c:6a,
b,4B,dc:a6:32:00:00:01,1234
c,9,dc:a6:32:00:00:01,
CSV
expect_exit 2 "$PINETBOOT" profile import-csv "$T/bad.csv"
expect_grep 'bad.csv:2: column mac: "dc:a6:32:1c:6a" is not a MAC address (expected 6 hex pairs' "$T/err"
expect_grep 'bad.csv:3: column serial: "1234" is not a serial number' "$T/err"
expect_grep 'bad.csv:4: column model: "9" is not a Raspberry Pi model' "$T/err"
expect_grep 'bad.csv:4: column mac: "dc:a6:32:00:00:01" is also used by \[pi "b"\] (line 3)' "$T/err"
[[ ! -s "$T/out" ]] || fail "stdout not empty on bad rows"
printf 'name,colour\nx,blue\n' > "$T/col.csv"
expect_exit 2 "$PINETBOOT" profile import-csv "$T/col.csv"
expect_grep 'col.csv:1: column "colour" is not a known key' "$T/err"
printf 'name,mac\n"a,dc:a6:32:00:00:01\n' > "$T/quote.csv"
expect_exit 2 "$PINETBOOT" profile import-csv "$T/quote.csv"
expect_grep 'quote.csv:2: cannot be parsed as CSV' "$T/err"
expect_exit 2 "$PINETBOOT" profile import-csv "$T/nope.csv"
expect_grep 'nope.csv: cannot be read' "$T/err"
expect_exit 2 "$PINETBOOT" profile frob
expect_exit 0 "$PINETBOOT" profile import-csv --help
expect_grep 'Usage: pinetboot profile import-csv' "$T/out"
# 1,000 rows
{
  echo "name,model,serial,mac,tftp_prefix,size"
  for i in $(seq 1 1000); do
    printf 'pi%04d,4B,%08x,dc:a6:32:%02x:%02x:%02x,mac,16G\n' "$i" $((0x50000000 + i)) $((i >> 16 & 255)) $((i >> 8 & 255)) $((i & 255))
  done
} > "$T/fleet.csv"
t0=$(date +%s%N)
expect_exit 0 "$PINETBOOT" profile import-csv "$T/fleet.csv"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[[ $(grep -c '^\[pi ' "$T/out") -eq 1000 ]] || fail "expected 1000 sections"
echo "1000-row import: ${ms} ms"
limit=2000; [[ -n "${PNB_ASAN:-}" ]] && limit=20000
[[ $ms -lt $limit ]] || fail "1000-row import took ${ms} ms"
cat "$T/site.conf" "$T/out" > "$T/fleet.conf"
expect_exit 0 "$PINETBOOT" lint "$T/fleet.conf" --root "$T/empty"
# the man page carries every key with its help text, generated from the key tables
"$PINETBOOT" profile keys --man > "$T/keys.man"
while IFS= read -r l; do
  grep -qxF -- "$l" "$PNB_TOP/man/pinetboot.1" || fail "man/pinetboot.1 lacks '$l' (regenerate with pinetboot profile keys --man)"
done < "$T/keys.man"
# a spreadsheet export: byte order mark, ';' separators, CRLF, headers in words
printf '\xef\xbb\xbfName;Model;Serial Number;MAC Address;TFTP Prefix\r\nhall;5;12345678;2C:CF:67:00:00:01;mac\r\n' > "$T/sheet.csv"
expect_exit 0 "$PINETBOOT" profile import-csv "$T/sheet.csv"
expect_grep '^mac = 2c:cf:67:00:00:01$' "$T/out"
expect_grep '^tftp_prefix = mac$' "$T/out"
