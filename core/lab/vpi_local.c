/* vpi_local — the virtual Pi on the boot server's own interface.
 *
 * A macvlan child never reaches its lower device's own host stack (frames it sends leave by
 * the wire, frames the host sends never come back up to it), so a virtual Pi on a macvlan of
 * the server's eth0 cannot reach the dnsmasq and tgtd of that server. Here the Pi gets a veth
 * pair instead: "eth0" (the Pi's MAC) in its namespace, and a host end pnblXXXX (carrying
 * IFACE's own MAC, so frames the Pi sends to the server arrive as "to this host") spliced onto
 * IFACE with tc (clsact, u32, mirred — the parts every distribution kernel has):
 *
 *   host end ingress (from the Pi)   to IFACE's MAC     -> into IFACE's ingress (the host stack)
 *                                    broadcast/multicast -> out of IFACE (the wire) and into it
 *                                    anything else       -> out of IFACE (the wire)
 *   IFACE egress and ingress         from the Pi's MAC   -> pass (never echoed back to it)
 *                                    to the Pi's MAC,
 *                                    broadcast/multicast -> a copy to the Pi, then "continue"
 *
 * so the host's daemons, the site's router on the wire, and a capture on IFACE see the Pi as
 * if it were plugged into the switch. A PACKET_MR_UNICAST membership adds the Pi's MAC to
 * IFACE's unicast filter, so a real NIC passes the router's unicast replies to it.
 * Existing tc configuration is left alone: a clsact qdisc already there is used (and kept),
 * our filters have preferences of their own (checked free first) and are deleted one by one;
 * the veth goes with its namespace and is deleted explicitly as well. The tools are the ones
 * made for it (ip and tc from iproute2), run through core/runcmd. */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/base/runcmd.h"
#include "core/base/util.h"
#include "core/lab/vpi.h"

#define PREF_BASE 0x7100 /* our IFACE filters: 3 consecutive preferences from here on */
#define PREF_SLOTS 64

struct vpi_local {
	int orig_ns;	       /* where IFACE lives */
	char host[IF_NAMESIZE]; /* the veth's host end */
	bool veth;
	unsigned pref;	 /* first of our 3 preferences on IFACE, 0 none added */
	int n_filters[2]; /* added on IFACE ingress [0] and egress [1] */
	int member_fd;	 /* holds the Pi's MAC in IFACE's unicast filter */
};

static const char *const dirs[2] = {"ingress", "egress"};
/* Picking free preferences and taking them is one step for the Pis of one process (a fleet
 * runs a thread each), and so is giving them back with the qdisc; another process racing
 * for the same ones is unlikely (the start slot depends on the thread id). */
static pthread_mutex_t pref_lock = PTHREAD_MUTEX_INITIALIZER;
static char clsact_added_on[IF_NAMESIZE]; /* by a Pi of this process; the last one removes it */

bool vpi_iface_is_local(const char *ifname)
{
	struct ifaddrs *ifa;
	if (getifaddrs(&ifa) < 0)
		return false;
	bool local = false;
	for (struct ifaddrs *i = ifa; i && !local; i = i->ifa_next)
		local = i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
			!strcmp(i->ifa_name, ifname);
	freeifaddrs(ifa);
	return local;
}

/* Runs argv; on failure puts "what: tool output" into *err (when err) and returns -1. */
static int tool(char *const argv[], char **err, const char *what)
{
	char out[1024];
	int rc = runcmd(argv, NULL, out, sizeof(out));
	if (rc == 0)
		return 0;
	if (err) {
		char *nl = strchr(out, '\n');
		if (nl && nl[1] == 0)
			*nl = 0;
		*err = xasprintf("%s: %s%s", what, rc == 127 ? "cannot run " : "",
				 rc == 127 ? argv[0] : out);
	}
	return -1;
}

static int if_mac(const char *name, uint8_t mac[6])
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	int rc = fd < 0 ? -1 : ioctl(fd, SIOCGIFHWADDR, &ifr);
	if (fd >= 0)
		close(fd);
	if (rc == 0)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return rc;
}

/* True when IFACE has no filter at preference pref in either direction. */
static bool pref_free(const char *iface, unsigned pref)
{
	char p[16], out[256];
	snprintf(p, sizeof(p), "%u", pref);
	for (int d = 0; d < 2; d++) {
		char *argv[] = {"tc", "filter", "show", "dev", (char *)iface, (char *)dirs[d],
				"pref", p, NULL};
		if (runcmd(argv, NULL, out, sizeof(out)) != 0 || out[0])
			return false;
	}
	return true;
}

static int pick_prefs(struct vpi_local *l, const char *iface, char **err)
{
	unsigned start = (unsigned)gettid() % PREF_SLOTS;
	for (unsigned k = 0; k < PREF_SLOTS; k++) {
		unsigned base = PREF_BASE + ((start + k) % PREF_SLOTS) * 4;
		if (pref_free(iface, base) && pref_free(iface, base + 1) && pref_free(iface, base + 2)) {
			l->pref = base;
			return 0;
		}
	}
	*err = xasprintf("no free tc filter preference on %s between %#x and %#x", iface,
			 PREF_BASE, PREF_BASE + PREF_SLOTS * 4);
	return -1;
}

/* clsact on IFACE, unless one is there already (then it is used, and kept). */
static int clsact_on(const char *iface, char **err)
{
	char *add[] = {"tc", "qdisc", "add", "dev", (char *)iface, "clsact", NULL};
	if (tool(add, NULL, NULL) == 0) {
		snprintf(clsact_added_on, sizeof(clsact_added_on), "%s", iface);
		return 0;
	}
	char out[2048];
	char *show[] = {"tc", "qdisc", "show", "dev", (char *)iface, NULL};
	if (runcmd(show, NULL, out, sizeof(out)) == 0 && strstr(out, "qdisc clsact"))
		return 0;
	return tool(add, err, "cannot add a clsact qdisc to the interface");
}

/* The three filters on one direction of IFACE (see the top of this file). */
static int iface_filters(struct vpi_local *l, const char *iface, int d, const char *pimac,
			 char **err)
{
	char p[3][16];
	for (int i = 0; i < 3; i++)
		snprintf(p[i], sizeof(p[i]), "%u", l->pref + (unsigned)i);
	char *dev = (char *)iface, *dir = (char *)dirs[d], *host = l->host;
	char *pass[] = {"tc", "filter", "add", "dev", dev, dir, "pref", p[0], "protocol", "all",
			"u32", "match", "ether", "src", (char *)pimac, NULL};
	char *to_pi[] = {"tc", "filter", "add", "dev", dev, dir, "pref", p[1], "protocol", "all",
			 "u32", "match", "ether", "dst", (char *)pimac, "action", "mirred",
			 "egress", "mirror", "dev", host, "continue", NULL};
	char *bcast[] = {"tc", "filter", "add", "dev", dev, dir, "pref", p[2], "protocol", "all",
			 "u32", "match", "u8", "1", "1", "at", "-14", "action", "mirred",
			 "egress", "mirror", "dev", host, "continue", NULL};
	char *const *all[] = {pass, to_pi, bcast};
	for (int i = 0; i < 3; i++) {
		if (tool(all[i], err, "cannot add a tc filter to the interface") < 0)
			return -1;
		l->n_filters[d] = i + 1;
	}
	return 0;
}

/* The host end's ingress: what the Pi sends goes to the host stack and/or the wire. */
static int host_filters(const struct vpi_local *l, const char *iface, const char *ifmac,
			char **err)
{
	char *dev = (char *)l->host, *to = (char *)iface;
	char *local[] = {"tc", "filter", "add", "dev", dev, "ingress", "pref", "1", "protocol",
			 "all", "u32", "match", "ether", "dst", (char *)ifmac, "action", "mirred",
			 "ingress", "redirect", "dev", to, NULL};
	char *bcast[] = {"tc", "filter", "add", "dev", dev, "ingress", "pref", "2", "protocol",
			 "all", "u32", "match", "u8", "1", "1", "at", "-14", "action", "mirred",
			 "egress", "mirror", "dev", to, "pipe", "action", "mirred", "ingress",
			 "redirect", "dev", to, NULL};
	char *wire[] = {"tc", "filter", "add", "dev", dev, "ingress", "pref", "3", "protocol",
			"all", "u32", "match", "u32", "0", "0", "action", "mirred", "egress",
			"redirect", "dev", to, NULL};
	char *qd[] = {"tc", "qdisc", "add", "dev", dev, "clsact", NULL};
	char *const *all[] = {qd, local, bcast, wire};
	for (int i = 0; i < 4; i++)
		if (tool(all[i], err, "cannot splice the virtual Pi onto the interface") < 0)
			return -1;
	return 0;
}

static int make_veth(struct vpi_local *l, const char *ifmac, const char *pimac, int pi_ns,
		     char **err)
{
	char nspath[64];
	snprintf(nspath, sizeof(nspath), "/proc/%d/fd/%d", (int)getpid(), pi_ns);
	char *add[] = {"ip", "link", "add", l->host, "address", (char *)ifmac, "type", "veth",
		       "peer", "name", "eth0", "address", (char *)pimac, "netns", nspath, NULL};
	if (tool(add, err, "cannot add the virtual Pi's veth pair") < 0)
		return -1;
	l->veth = true;
	char *up[] = {"ip", "link", "set", l->host, "up", NULL};
	return tool(up, err, "cannot bring the veth up");
}

/* Asks IFACE to accept frames to the Pi's MAC (its unicast filter), for as long as fd lives. */
static int unicast_member(const char *iface, const uint8_t mac[6])
{
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	struct packet_mreq mr = {.mr_ifindex = (int)if_nametoindex(iface),
				 .mr_type = PACKET_MR_UNICAST,
				 .mr_alen = 6};
	memcpy(mr.mr_address, mac, 6);
	if (fd >= 0 && setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int vpi_local_up(struct vpi *v, int pi_ns, char **err)
{
	struct vpi_local *l = xcalloc(1, sizeof(*l));
	v->loc = l;
	l->member_fd = -1;
	l->orig_ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	snprintf(l->host, sizeof(l->host), "pnbl%x", (unsigned)gettid() & 0xfffffff);
	uint8_t m[6];
	char ifmac[18], pimac[18];
	if (if_mac(v->lower, m) < 0) {
		*err = xasprintf("cannot read the MAC address of %s: %s", v->lower, strerror(errno));
		return -1;
	}
	mac_format(m, ':', ifmac);
	mac_format(v->mac, ':', pimac);
	int rc = make_veth(l, ifmac, pimac, pi_ns, err) < 0 ||
		 host_filters(l, v->lower, ifmac, err) < 0;
	if (rc == 0) {
		pthread_mutex_lock(&pref_lock);
		rc = clsact_on(v->lower, err) < 0 || pick_prefs(l, v->lower, err) < 0 ||
		     iface_filters(l, v->lower, 0, pimac, err) < 0 ||
		     iface_filters(l, v->lower, 1, pimac, err) < 0;
		pthread_mutex_unlock(&pref_lock);
	}
	if (rc) {
		vpi_local_down(v);
		return -1;
	}
	l->member_fd = unicast_member(v->lower, v->mac);
	return 0;
}

/* No filter left on IFACE in either direction (then a clsact we added may go). */
static bool iface_has_filters(const char *iface)
{
	char out[256];
	for (int d = 0; d < 2; d++) {
		char *argv[] = {"tc", "filter", "show", "dev", (char *)iface, (char *)dirs[d], NULL};
		if (runcmd(argv, NULL, out, sizeof(out)) != 0 || out[0])
			return true;
	}
	return false;
}

void vpi_local_down(struct vpi *v)
{
	struct vpi_local *l = v->loc;
	if (!l)
		return;
	v->loc = NULL;
	if (l->orig_ns >= 0)
		setns(l->orig_ns, CLONE_NEWNET);
	if (l->member_fd >= 0)
		close(l->member_fd);
	pthread_mutex_lock(&pref_lock);
	for (int d = 0; d < 2; d++)
		for (int i = 0; i < l->n_filters[d]; i++) {
			char p[16];
			snprintf(p, sizeof(p), "%u", l->pref + (unsigned)i);
			char *del[] = {"tc", "filter", "del", "dev", v->lower, (char *)dirs[d],
				       "pref", p, NULL};
			tool(del, NULL, NULL);
		}
	if (!strcmp(clsact_added_on, v->lower) && !iface_has_filters(v->lower)) {
		char *del[] = {"tc", "qdisc", "del", "dev", v->lower, "clsact", NULL};
		tool(del, NULL, NULL);
		clsact_added_on[0] = 0;
	}
	pthread_mutex_unlock(&pref_lock);
	if (l->veth) {
		char *del[] = {"ip", "link", "del", l->host, NULL};
		tool(del, NULL, NULL);
	}
	if (l->orig_ns >= 0)
		close(l->orig_ns);
	free(l);
}
