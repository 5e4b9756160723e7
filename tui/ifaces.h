/* ifaces — the host's network interfaces with their IPv4 addresses, for the Site step.
 * PNB_WIZARD_IFACES="eth0=192.168.20.1/24,wlan0" replaces detection (tests, demos). */
#ifndef PNB_TUI_IFACES_H
#define PNB_TUI_IFACES_H

#include <stddef.h>

struct iface {
	char name[32];
	char addr[24]; /* "192.168.20.1/24", or "" when the interface has no IPv4 address */
};

/* Fills up to max entries (loopback left out); returns how many. */
size_t ifaces_detect(struct iface *out, size_t max);

#endif
