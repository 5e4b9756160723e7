#!/usr/bin/env bash
# `make run`: opens the wizard on a usable default — the first interface with an IPv4 address
# and a demo site profile with two Pis, written to ./demo-site.conf unless one exists.
set -euo pipefail
bin=${1:-build/pinetboot}
site=${PNB_DEMO_SITE:-demo-site.conf}
if [[ ! -f "$site" ]]; then
  iface=$(ip -o -4 addr show 2>/dev/null | awk '$2 != "lo" {print $2; exit}')
  addr=$(ip -o -4 addr show dev "${iface:-lo}" 2>/dev/null | awk '{print $4; exit}')
  sed -e "s|@IFACE@|${iface:-eth0}|" -e "s|@ADDR@|${addr:-192.168.20.1/24}|" \
    "$(dirname "$0")/../tests/data/demo-site.conf.in" > "$site"
  echo "wrote $site (interface ${iface:-eth0}, address ${addr:-192.168.20.1/24})"
fi
exec "$bin" wizard "$site"
