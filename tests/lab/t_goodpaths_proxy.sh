#!/usr/bin/env bash
# Good path, proxy DHCP: a Pi 3B, 3B+, 4B and 5 boot to stage 8 "root in use" from `pinetboot
# export` output run by the real daemons (see goodpaths.sh), checked by iscsi-check, simulate
# and the monitor on the lab bridge.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lab.sh"
. "$(dirname "$0")/goodpaths.sh"
gp_run proxy
exit 0
