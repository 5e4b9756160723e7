#!/usr/bin/env bash
# Installs the Debian packages in mk/debian-packages.txt (or in the list given as the first
# argument, e.g. mk/debian-packages-deb.txt for make deb) that are not installed yet.
# Quiet when nothing is missing, so `make check` costs nothing on a prepared machine.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
list="${1:-$here/mk/debian-packages.txt}"
missing=()
while read -r pkg _; do
  [[ -z "$pkg" || "$pkg" == \#* ]] && continue
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done < "$list"
[[ ${#missing[@]} -eq 0 ]] && exit 0
echo "install-deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 2; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
# Daemons installed here (dnsmasq, tgt, kea, dhcpd) must not start on the host: tests run their
# own copies inside network namespaces. policy-rc.d 101 tells invoke-rc.d to leave them alone.
cleanup_policy=0
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod 755 /usr/sbin/policy-rc.d
  cleanup_policy=1
fi
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections 2>/dev/null || true
$SUDO apt-get update -qq
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
[[ $cleanup_policy -eq 1 ]] && $SUDO rm -f /usr/sbin/policy-rc.d
exit 0
