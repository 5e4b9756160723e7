/* adopt_net — in the copy of a Pi's root (never on the Pi), every network manager the OS has
 * keeps eth0 as the initramfs configured it: the root's connection runs over it, and a manager
 * that takes the link down, flushes its address or releases its lease hangs the root.
 *
 * - NetworkManager: a conf.d file makes eth0 unmanaged;
 * - dhcpcd: `denyinterfaces eth0`;
 * - ifupdown: eth0's stanza `inet manual` (adopt_ifupdown_manual);
 * - netplan (Ubuntu): a YAML file after the others sets `critical: true` on each ethernets
 *   entry that is eth0 (id, set-name or match name), which netplan renders for networkd as
 *   KeepConfiguration= (CriticalConnection= before systemd 243);
 * - systemd-networkd: each .network file of /etc or /usr/lib that can match eth0 gets a drop-in
 *   with KeepConfiguration=yes (the default systemd itself picks when / is a network file
 *   system; an ext4 root over iSCSI is not one to it), or [DHCP] CriticalConnection=yes when
 *   the copy's systemd is older than 243.
 *
 * Everything is read and written beneath the copy's root without following a link in it. */
#ifndef PNB_CORE_ADOPT_NET_H
#define PNB_CORE_ADOPT_NET_H

#include <stdbool.h>
#include <sys/types.h>

/* What was done (or, warn, what could not be): one sentence per manager. */
typedef void (*adopt_net_say)(void *ud, bool warn, const char *text);

/* The edits above in the tree at root. Returns how many managers keep eth0 there now (changed
 * by this call or by an earlier one: a second call writes the same files again or leaves
 * them). */
int adopt_net_keep_eth0(const char *root, adopt_net_say say, void *ud);

/* What adopt_net_keep_eth0 changes for manager ("NetworkManager", "dhcpcd", "ifupdown",
 * "netplan", "systemd-networkd"), for a dry run to say; NULL for another name. */
const char *adopt_net_change(const char *manager);

/* Names of the files adopt_net writes (the tests look for them). */
#define ADOPT_NET_NM_FILE "etc/NetworkManager/conf.d/90-pinetboot-netroot.conf"
#define ADOPT_NET_NETPLAN_FILE "etc/netplan/90-pinetboot-netroot.yaml"
#define ADOPT_NET_DROPIN "90-pinetboot-netroot.conf"

#endif
