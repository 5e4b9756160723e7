#!/usr/bin/env bash
# The boot half of the lab's fault matrix (issue 6, stages 1-5): the server is what
# `pinetboot export` renders (dnsmasq proxy config, each Pi's cmdline.txt/config.txt) over
# stand-in firmware, run by a real dnsmasq in the lab. Each row breaks one thing and asserts
#   (a) `pinetboot simulate` stops at the row's stage, with its cause words and rule id;
#   (b) `pinetboot monitor -i br0` on the lab's bridge, watching that same boot, fails the Pi
#       at the same stage with the same rule id (its one-sentence verdict names the cause);
#   (c) `pinetboot lint --root` finds it in the installed files beforehand, or the row says why
#       lint cannot (the fault is not in any file lint reads);
#   (d) `pinetboot monitor --log` on the two dnsmasq logs of that boot alone names the same stage
#       and rule, or LOGV says what it names instead and why a log cannot show more.
# Every row starts from a fresh copy of the good state, so the rows are order-independent.
# PNB_SHOW=1 prints every output; PNB_FAULTS=name,name runs only those rows.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lab.sh"
need dnsmasq python3
T0=$SECONDS
lab_boot_net

BASE=iqn.2026-11.lan.example
R=$T/root                       # the installed server as lint --root sees it
TFTP=$T/tftp
CONF=$R/etc/dnsmasq.d/pinetboot.conf
site_server "$T/site.conf" dhcp=proxy tftp_root="$TFTP" root=iscsi iscsi_target=tgt iqn_base="$BASE" initramfs=initramfs-tools
site_pi "$T/site.conf" $PI_GARAGE size=64M chap=no
site_pi "$T/site.conf" $PI_KITCHEN tftp_prefix=serial size=64M chap=no
site_pi "$T/site.conf" porch 4B 5b154510 dc:a6:32:2e:f8:ed tftp_prefix=mac size=64M chap=no
site_pi "$T/site.conf" $PI_SHED tftp_prefix=mac size=64M chap=no
declare -A MAC=([garage]=b8:27:eb:af:9c:61 [kitchen]=dc:a6:32:1c:6a:2a [porch]=dc:a6:32:2e:f8:ed
                [shed]=2c:cf:67:00:11:22)
declare -A DIR=([garage]=2caf9c61 [kitchen]=511e57f7 [porch]=dc-a6-32-2e-f8-ed
                [shed]=2c-cf-67-00-11-22)

# install the export: dnsmasq and tgt configs under $R/etc, the TFTP tree over stand-in firmware
expect_exit 0 "$PINETBOOT" export "$T/site.conf" -o "$T/exp"
mkdir -p "$R/etc/dnsmasq.d" "$R/etc/tgt/conf.d" "$R$(dirname "$TFTP")"
cp "$T/exp/dnsmasq.d/pinetboot.conf" "$CONF"
cp "$T/exp/iscsi/tgt-pinetboot.conf" "$R/etc/tgt/conf.d/"
for d in "${DIR[@]}"; do
  # the OS's config.txt names its initramfs (initrd.img); the export's lines are appended
  lab_tftp_tree "$TFTP" "$d"
  cp "$T/exp/tftp/$d/cmdline.txt" "$TFTP/$d/"
  cat "$T/exp/tftp/$d/config.txt" >>"$TFTP/$d/config.txt"
done
ln -s "$TFTP" "$R$TFTP"         # tftp_root is absolute: lint --root R reads R/$TFTP
cp -a "$TFTP" "$T/good-tftp"
cp "$CONF" "$T/good.conf"
# the boot server's dnsmasq runs $CONF; srv_sync restarts it when $CONF changed (or stops it
# when a row sets SRV_DOWN=1)
srv_sync() {
  if [[ "${SRV_DOWN:-}" == 1 ]]; then lab_dnsmasq_stop srv; return; fi
  [[ -f "$T/srv.pid" ]] && cmp -s "$CONF" "$T/running.conf" && return
  lab_dnsmasq_stop srv; cp "$CONF" "$T/running.conf"; lab_dnsmasq srv "$SRV" "$CONF"
}
srv_sync

show() { [[ -z "${PNB_SHOW:-}" ]] || { echo "--- $1"; cat "$2"; }; }
sim() { ip netns exec "$PI" "$PINETBOOT" simulate --site "$T/site.conf" -i eth0 --timeout 30 "$@"; }
lint() { "$PINETBOOT" lint "$T/site.conf" --root "$R" "$@"; }

# the good state: lint finds nothing but notes (these Pis have chap = no, and lint notes that tgt
# then admits a Pi's name from any address), and every Pi gets through stages 1-6 (no iSCSI
# target runs here: stages 7-8 are the root half of the matrix)
expect_exit 0 lint; show lint "$T/out"
! grep -v ': note: ' "$T/out" | grep -q . || { cat "$T/out"; fail "lint found something in the good state"; }
for p in garage kitchen porch shed; do
  expect_exit 1 sim --pi "$p"; show "good $p" "$T/out"
  expect_grep 'stopped at stage 7 "root login"' "$T/out"
done

restore() { rm -rf "$TFTP"; cp -a "$T/good-tftp" "$TFTP"; cp "$T/good.conf" "$CONF"; SRV_DOWN=; }

# row NAME PI STAGE SIM_CAUSE RULE LINT SIM_OPTS INJECT
#   SIM_CAUSE  words of simulate's cause (grep regex); RULE the rule id both tools name;
#   LINT       words lint must report as an error, or "-" and why lint cannot see the fault;
#   INJECT     shell run against the good state ($CONF, $TFTP; SRV_DOWN=1 stops the server).
# The monitor's DHCP verdicts wait until the offers are 2 s old (the Pi may still act on them).
# Where the verdict from the daemons' logs alone differs from the capture's, what it names
# instead, and why a log cannot show more:
declare -A LOGV=(
  # With TFTP off nothing is listening, so nothing logs the Pi's read requests; the logs show
  # a Pi that took its address and never asked for a file.
  [tftp-down]="4 no-tftp-request"
)
ROWS=0
row() {
  local name=$1 pi=$2 stage=$3 cause=$4 rule=$5 lintre=$6 opts=$7 inject=$8
  if [[ -n "${PNB_FAULTS:-}" && ",$PNB_FAULTS," != *",$name,"* ]]; then return; fi
  local t=$SECONDS
  restore
  eval "$inject"
  srv_sync
  # (c) lint, before the boot
  if [[ "$lintre" == -* ]]; then
    expect_exit 0 lint; show "$name lint" "$T/out"
  else
    expect_exit 1 lint --json; show "$name lint" "$T/out"
    expect_grep "\"severity\":\"error\".*$lintre" "$T/out"
  fi
  # (a) simulate, with (b) the monitor on the bridge watching it
  lab_monitor_start --site "$T/site.conf"
  local t1=$EPOCHREALTIME from_srv from_rtr
  from_srv=$(( $(cat "$T/srv.log" 2>/dev/null | wc -l) + 1 ))
  from_rtr=$(( $(wc -l <"$T/rtr.log") + 1 ))
  # shellcheck disable=SC2086
  expect_exit 1 sim --pi "$pi" $opts; show "$name simulate" "$T/out"
  expect_grep "stopped at stage $stage \".*\": .*$cause.* \[$rule\]" "$T/out"
  # a boot that ended on its offers (within 2.5 s): let them grow 2 s old
  if [[ $stage -le 3 ]] && (( ${EPOCHREALTIME/./} - ${t1/./} < 2500000 )); then sleep 2.2; fi
  lab_monitor_stop
  lab_monitor_pi "${MAC[$pi]}" >"$T/pi.json"; show "$name monitor" "$T/pi.json"
  # (d) the same boot from the daemons' logs alone: the boot server's dnsmasq (log-dhcp) and the
  # router's (without), cut to this row, and a syslog "-- MARK --" at the time the capture
  # stopped (the time that passed after the last line, which a log shows only by later lines).
  tail -n +"$from_srv" "$T/srv.log" >"$T/row-srv.log" 2>/dev/null
  tail -n +"$from_rtr" "$T/rtr.log" >"$T/row-rtr.log"
  printf '%s lab rsyslogd: -- MARK --\n' "$(date '+%b %e %H:%M:%S')" >"$T/row-mark.log"
  [[ -z "${PNB_KEEP_LOGS:-}" ]] || cp "$T/row-srv.log" "$T/row-rtr.log" "$T/mon.summary" "$PNB_KEEP_LOGS/" 2>/dev/null
  local lstage=$stage lrule=$rule
  [[ -n "${LOGV[$name]:-}" ]] && read -r lstage lrule <<<"${LOGV[$name]}"
  "$PINETBOOT" monitor --site "$T/site.conf" --log "$T/row-srv.log" --log "$T/row-rtr.log" \
    --log "$T/row-mark.log" --json -q >"$T/log.json" 2>"$T/err"
  tail -n 1 "$T/log.json" >"$T/mon.summary"
  lab_monitor_pi "${MAC[$pi]}" >"$T/logpi.json"; show "$name from the logs" "$T/logpi.json"
  expect_grep "\"failed\":$lstage," "$T/logpi.json"
  expect_grep "\"verdict\":\"failed at stage $lstage .*\[$lrule\]\"" "$T/logpi.json"
  expect_grep "\"failed\":$stage," "$T/pi.json"
  expect_grep "\"verdict\":\"failed at stage $stage .*\[$rule\]\"" "$T/pi.json"
  ROWS=$((ROWS + 1))
  echo "row $name: $pi stops at stage $stage [$rule]; from the logs: stage $lstage [$lrule]; lint: ${lintre#-} ($((SECONDS - t)) s)"
}

#   name            pi      stage simulate's cause words            rule id
#     lint finds (or "-" why it cannot)                              simulate options
#     the fault
row menu-spaces     garage  2 'lacks the three trailing spaces'     menu-no-spaces \
    'lacks the 3 trailing spaces'                                    '--dhcp-timeout 4' \
    'sed -i "s/Raspberry Pi Boot   /Raspberry Pi Boot/" "$CONF"'
row no-reply-delay  garage  3 'arrived .* ms apart'                 proxy-no-delay \
    'proxy DHCP without dhcp-reply-delay'                            '--dhcp-timeout 4' \
    'sed -i "/^dhcp-reply-delay/d" "$CONF"'
row no-option-43    kitchen 2 'none carries option 43'              no-option-43 \
    'sends no .*menu in option 43'                                   '--dhcp-timeout 4' \
    'sed -i "/^pxe-service/d" "$CONF"'
row generic-menu    kitchen 2 'does not contain .Raspberry Pi Boot' no-pi-boot-menu \
    'sends no .*menu in option 43'                                   '--dhcp-timeout 4' \
    'sed -i "s/Raspberry Pi Boot   /Network Boot/" "$CONF"'
row serial-dir      kitchen 4 'TFTP directory 511e57f7/ is missing' tftp-prefix-dir-missing \
    'TFTP directory 511e57f7/ is missing'                           '' \
    'rm -rf "$TFTP/511e57f7"'
row serial-dir-3b   garage  4 'TFTP directory 2caf9c61/ is missing' tftp-prefix-dir-missing \
    'TFTP directory 2caf9c61/ is missing'                           '' \
    'rm -rf "$TFTP/2caf9c61"'
row pi5-config      shed    4 'TFTP directory 2c-cf-67-00-11-22/ is missing or has no config.txt' tftp-prefix-dir-missing \
    'no config.txt'                                                  '' \
    'rm "$TFTP/2c-cf-67-00-11-22/config.txt"'
row prefix-mismatch porch   4 'asks under 5b154510/'                tftp-prefix-mismatch \
    "-the Pi's EEPROM TFTP_PREFIX is not in a server file (pinetboot check reads it)" \
    '--tftp-prefix serial' \
    ':'
row bootcode        garage  4 'bootcode.bin'                        bootcode-missing \
    'no bootcode.bin'                                                '' \
    'rm "$TFTP/bootcode.bin"'
row initramfs       kitchen 5 'names initramfs initrd.img but it is not there' initramfs-missing \
    'initrd.img.*not there'                                          '' \
    'rm "$TFTP/511e57f7/initrd.img"'
row fixup           porch   4 'fixup4.dat'                          firmware-not-found \
    'no fixup4.dat'                                                  '' \
    'rm "$TFTP/dc-a6-32-2e-f8-ed/fixup4.dat"'
row cmdline         kitchen 5 'cmdline.txt'                         kernel-files-missing \
    'no cmdline.txt'                                                 '' \
    'rm "$TFTP/511e57f7/cmdline.txt"'
row kernel          porch   5 'kernel8.img'                         kernel-files-missing \
    'no kernel8.img'                                                 '' \
    'rm "$TFTP/dc-a6-32-2e-f8-ed/kernel8.img"'
row tftp-down       kitchen 4 'nothing answers TFTP'                tftp-no-answer \
    'enable-tftp'                                                    '' \
    'sed -i "/^enable-tftp/d" "$CONF"'
row server-down     kitchen 2 'none carries option 43'              no-option-43 \
    '-every file is right: the boot server is simply not running' '--dhcp-timeout 4' \
    'SRV_DOWN=1'

# the prefix mismatch is on the Pi: `pinetboot check` with the Pi's bootloader config sees it
D=$PNB_TOP/tests/data/pi
expect_exit 1 "$PINETBOOT" check --cpuinfo "$D/cpuinfo-4b.txt" --bootconf "$D/bootconf-net-serial.txt" \
  --mac dc:a6:32:2e:f8:ed --site "$T/site.conf" --pi porch
show "check porch" "$T/out"
expect_grep "TFTP_PREFIX=0 does not match the server layout" "$T/out"

# --tftp-prefix takes the profile's spellings only
expect_exit 2 "$PINETBOOT" simulate --site "$T/site.conf" --pi porch -i eth0 --tftp-prefix 2
expect_grep "expected serial, mac, none or string:NAME" "$T/err"

echo "$ROWS faults in $((SECONDS - T0)) s"
exit 0
