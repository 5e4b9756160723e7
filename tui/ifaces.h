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

/* Its address as the wizard shows it: addr, or "(no IPv4 address)". */
const char *iface_addr_text(const struct iface *ifc);

/* A choice list of the interfaces (Site's interface, Monitor's capture): one row each,
 * "eth0         192.168.20.1/24", at most IFACES_LIST_MAX, and room in items[n] for the
 * caller's last row ("other: type a name..."). */
#define IFACES_LIST_MAX 16
struct iface_list {
	char text[IFACES_LIST_MAX][64];
	const char *items[IFACES_LIST_MAX + 1]; /* items[i] is text[i] */
	unsigned n;
};
void iface_list_make(struct iface_list *l, const struct iface *ifs, size_t n);

#endif
