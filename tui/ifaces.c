/* ifaces — getifaddrs() or the PNB_WIZARD_IFACES override. */
#include "tui/ifaces.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/util.h"

static size_t find_or_add(struct iface *out, size_t n, size_t max, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(out[i].name, name))
			return i;
	if (n == max)
		return max;
	memset(&out[n], 0, sizeof(out[n]));
	snprintf(out[n].name, sizeof(out[n].name), "%s", name);
	return n;
}

static size_t from_env(const char *spec, struct iface *out, size_t max)
{
	char *copy = xstrdup(spec), *save = NULL;
	size_t n = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok && n < max;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		if (eq)
			*eq = '\0';
		size_t i = find_or_add(out, n, max, tok);
		if (i == n)
			n++;
		if (eq)
			snprintf(out[i].addr, sizeof(out[i].addr), "%s", eq + 1);
	}
	free(copy);
	return n;
}

static unsigned mask_bits(uint32_t mask)
{
	unsigned b = 0;
	while (mask & 0x80000000u) {
		b++;
		mask <<= 1;
	}
	return b;
}

size_t ifaces_detect(struct iface *out, size_t max)
{
	const char *spec = getenv("PNB_WIZARD_IFACES");
	if (spec)
		return from_env(spec, out, max);
	struct ifaddrs *ifa;
	if (getifaddrs(&ifa) != 0)
		return 0;
	size_t n = 0;
	for (struct ifaddrs *p = ifa; p; p = p->ifa_next) {
		if (!p->ifa_name || (p->ifa_flags & IFF_LOOPBACK))
			continue;
		size_t i = find_or_add(out, n, max, p->ifa_name);
		if (i == max)
			continue;
		if (i == n)
			n++;
		if (p->ifa_addr && p->ifa_addr->sa_family == AF_INET && !out[i].addr[0]) {
			uint32_t a = ntohl(((struct sockaddr_in *)p->ifa_addr)->sin_addr.s_addr);
			uint32_t m =
			    p->ifa_netmask
				? ntohl(((struct sockaddr_in *)p->ifa_netmask)->sin_addr.s_addr)
				: 0xffffff00u;
			char txt[16];
			ipv4_format(a, txt);
			snprintf(out[i].addr, sizeof(out[i].addr), "%s/%u", txt, mask_bits(m));
		}
	}
	freeifaddrs(ifa);
	return n;
}

const char *iface_addr_text(const struct iface *ifc)
{
	return ifc->addr[0] ? ifc->addr : "(no IPv4 address)";
}

void iface_list_make(struct iface_list *l, const struct iface *ifs, size_t n)
{
	for (l->n = 0; l->n < n && l->n < IFACES_LIST_MAX; l->n++) {
		const struct iface *ifc = &ifs[l->n];
		snprintf(l->text[l->n], sizeof(l->text[l->n]), "%-12s %s", ifc->name,
			 iface_addr_text(ifc));
		l->items[l->n] = l->text[l->n];
	}
	l->items[l->n] = NULL;
}
