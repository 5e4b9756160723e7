/* vpi_net — the virtual Pi's own network: a namespace with a macvlan carrying the Pi's MAC, an
 * AF_PACKET socket for DHCP from 0.0.0.0, and the address the Pi got. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/rtnetlink.h>
#include <net/ethernet.h>
#include <net/route.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/base/util.h"
#include "core/lab/vpi.h"

struct nlreq {
	struct nlmsghdr h;
	struct ifinfomsg i;
	char buf[512];
};

static struct rtattr *nla_add(struct nlreq *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

static void nla_end(struct nlreq *r, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((char *)r + r->h.nlmsg_len - (char *)nest);
}

/* RTM_NEWLINK: macvlan "eth0" on lower, created straight inside the namespace nsfd. */
static int create_macvlan(int lower, const uint8_t mac[6], int nsfd)
{
	struct nlreq r;
	memset(&r, 0, sizeof(r));
	r.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	r.h.nlmsg_type = RTM_NEWLINK;
	r.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK;
	r.i.ifi_family = AF_UNSPEC;
	uint32_t link = (uint32_t)lower, mode = MACVLAN_MODE_BRIDGE;
	nla_add(&r, IFLA_IFNAME, "eth0", 5);
	nla_add(&r, IFLA_LINK, &link, 4);
	nla_add(&r, IFLA_ADDRESS, mac, 6);
	nla_add(&r, IFLA_NET_NS_FD, &nsfd, 4);
	struct rtattr *li = nla_add(&r, IFLA_LINKINFO, NULL, 0);
	nla_add(&r, IFLA_INFO_KIND, "macvlan", 7);
	struct rtattr *data = nla_add(&r, IFLA_INFO_DATA, NULL, 0);
	nla_add(&r, IFLA_MACVLAN_MODE, &mode, 4);
	nla_end(&r, data);
	nla_end(&r, li);
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	char ack[1024];
	int rc = -1;
	if (sendto(fd, &r, r.h.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) >= 0) {
		ssize_t n = recv(fd, ack, sizeof(ack), 0);
		struct nlmsghdr *h = (struct nlmsghdr *)ack;
		if (n >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) && h->nlmsg_type == NLMSG_ERROR) {
			int e = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			rc = e == 0 ? 0 : -1;
			errno = -e;
		}
	}
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* SIOCGIFFLAGS or SIOCSIFFLAGS (req) on the interface name: *flags in, the flags out. Returns 0,
 * or -1 with errno. */
static int if_flags_io(const char *name, unsigned long req, short *flags)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_flags = *flags;
	int rc = ioctl(fd, req, &ifr);
	int saved = errno;
	close(fd);
	errno = saved;
	if (rc == 0)
		*flags = ifr.ifr_flags;
	return rc;
}

static short if_flags(const char *name)
{
	short f = 0;
	return if_flags_io(name, SIOCGIFFLAGS, &f) == 0 ? f : 0;
}

static int if_up(const char *name)
{
	short f = (short)(if_flags(name) | IFF_UP);
	return if_flags_io(name, SIOCSIFFLAGS, &f);
}

/* A macvlan cannot come up while another one on the same lower device has its MAC, and the
 * one of the same Pi's previous run goes away only when the kernel gets round to dismantling
 * that run's namespace (asynchronously, after the run ended): wait for it, up to 5 s. */
static int eth0_up(void)
{
	for (int i = 0;; i++) {
		if (if_up("eth0") == 0)
			return 0;
		if (errno != EADDRINUSE || i == 100)
			return -1;
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

int vpi_net_up(struct vpi *v, char **err)
{
	int lower = (int)if_nametoindex(v->lower);
	if (lower == 0) {
		*err = xasprintf("no interface called \"%s\" here", v->lower);
		return -1;
	}
	if (!(if_flags(v->lower) & IFF_UP)) {
		*err = xasprintf("interface %s is down: bring it up (ip link set %s up) first",
				 v->lower, v->lower);
		return -1;
	}
	v->local = v->o.attach == VPI_ATTACH_LOCAL ||
		   (v->o.attach == VPI_ATTACH_AUTO && vpi_iface_is_local(v->lower));
	int orig = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (orig < 0 || unshare(CLONE_NEWNET) < 0) {
		*err = xasprintf("cannot create a network namespace for the virtual Pi: %s (needs "
				 "root or CAP_SYS_ADMIN)",
				 strerror(errno));
		if (orig >= 0)
			close(orig);
		return -1;
	}
	int ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int saved = 0;
	int rc = setns(orig, CLONE_NEWNET);
	if (rc == 0 && v->local) {
		rc = vpi_local_up(v, ns, err);
		if (rc == 0 && setns(ns, CLONE_NEWNET) < 0) {
			*err = xasprintf("cannot enter the virtual Pi's namespace: %s",
					 strerror(errno));
			rc = -1;
		}
		close(orig);
		close(ns);
		if (rc < 0)
			return -1;
	} else {
		if (rc == 0)
			rc = create_macvlan(lower, v->mac, ns);
		saved = errno;
		setns(ns, CLONE_NEWNET);
		close(orig);
		close(ns);
	}
	if (rc < 0) {
		*err = xasprintf("cannot add a macvlan with the Pi's MAC on %s: %s", v->lower,
				 strerror(saved));
		return -1;
	}
	if (if_up("lo") < 0 || eth0_up() < 0) {
		*err = xasprintf("cannot bring the virtual Pi's eth0 up: %s", strerror(errno));
		return -1;
	}
	v->ifindex = (int)if_nametoindex("eth0");
	return vpi_raw_open(v, err);
}

/* Only UDP to port 68 (DHCP replies) reaches the packet socket. Without this filter the
 * socket also queues the Pi's own TFTP and iSCSI traffic, which nobody reads between the DHCP
 * rounds: in a fleet storm the queue fills and the kernel DHCP's OFFER is dropped. */
static int raw_filter_dhcp(int fd)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),             /* IP protocol */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 5),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),             /* fragment offset */
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 3, 0),
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),            /* X = IP header length */
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),             /* UDP destination port */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 68, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]), .filter = code};
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

int vpi_raw_open(struct vpi *v, char **err)
{
	v->raw = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP));
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP),
				  .sll_ifindex = v->ifindex};
	if (v->raw < 0 || raw_filter_dhcp(v->raw) < 0 ||
	    bind(v->raw, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		*err = xasprintf("cannot open a packet socket on eth0: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static uint16_t csum(const void *p, size_t n, uint32_t sum)
{
	const uint8_t *b = p;
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		sum += (uint32_t)(b[n - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int vpi_udp_broadcast(struct vpi *v, uint16_t sport, uint16_t dport, const void *payload,
		      size_t len)
{
	uint8_t pkt[1500];
	if (len > sizeof(pkt) - 28)
		return -1;
	struct iphdr *ip = (struct iphdr *)pkt;
	struct udphdr *udp = (struct udphdr *)(pkt + 20);
	memset(pkt, 0, 28);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons((uint16_t)(28 + len));
	ip->saddr = htonl(0);
	ip->daddr = htonl(0xffffffff);
	ip->check = htons(csum(ip, 20, 0));
	udp->source = htons(sport);
	udp->dest = htons(dport);
	udp->len = htons((uint16_t)(8 + len));
	memcpy(pkt + 28, payload, len);
	/* the UDP checksum is optional over IPv4; DHCP servers accept 0 */
	struct sockaddr_ll to = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP),
				 .sll_ifindex = v->ifindex, .sll_halen = 6};
	memset(to.sll_addr, 0xff, 6);
	return sendto(v->raw, pkt, 28 + len, 0, (struct sockaddr *)&to, sizeof(to)) < 0 ? -1 : 0;
}

int vpi_udp_recv(struct vpi *v, uint16_t dport, int timeout_ms, uint8_t *buf, size_t cap,
		 uint32_t *src_ip)
{
	uint8_t pkt[2048];
	struct timeval t0;
	gettimeofday(&t0, NULL);
	for (;;) {
		struct timeval now;
		gettimeofday(&now, NULL);
		long left = timeout_ms - ((now.tv_sec - t0.tv_sec) * 1000 +
					  (now.tv_usec - t0.tv_usec) / 1000);
		if (left <= 0)
			return -1;
		if (vpi_cancelled(v))
			return -1;
		struct pollfd p = {.fd = v->raw, .events = POLLIN};
		if (poll(&p, 1, left > 200 ? 200 : (int)left) <= 0)
			continue;
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(v->raw, pkt, sizeof(pkt), 0, (struct sockaddr *)&from, &fl);
		if (n < 28 || from.sll_pkttype == PACKET_OUTGOING)
			continue;
		const struct iphdr *ip = (const struct iphdr *)pkt;
		size_t ihl = (size_t)ip->ihl * 4;
		if (ip->version != 4 || ip->protocol != IPPROTO_UDP || ihl < 20 ||
		    (size_t)n < ihl + 8)
			continue;
		const struct udphdr *udp = (const struct udphdr *)(pkt + ihl);
		size_t ulen = ntohs(udp->len);
		if (ntohs(udp->dest) != dport || ulen < 8 || ihl + ulen > (size_t)n)
			continue;
		size_t len = ulen - 8 < cap ? ulen - 8 : cap;
		memcpy(buf, pkt + ihl + 8, len);
		*src_ip = ntohl(ip->saddr);
		return (int)len;
	}
}

static int set_in(int fd, unsigned long req, const char *name, uint32_t a)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(a);
	return ioctl(fd, req, &ifr);
}

int vpi_set_address(struct vpi *v, uint32_t ip, uint32_t mask, uint32_t router, char **err)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || set_in(fd, SIOCSIFADDR, "eth0", ip) < 0 ||
	    set_in(fd, SIOCSIFNETMASK, "eth0", mask) < 0) {
		*err = xasprintf("cannot give the virtual Pi its address: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (router && (router & mask) == (ip & mask)) {
		struct rtentry rt;
		memset(&rt, 0, sizeof(rt));
		struct sockaddr_in *gw = (struct sockaddr_in *)&rt.rt_gateway;
		gw->sin_family = AF_INET;
		gw->sin_addr.s_addr = htonl(router);
		((struct sockaddr_in *)&rt.rt_dst)->sin_family = AF_INET;
		((struct sockaddr_in *)&rt.rt_genmask)->sin_family = AF_INET;
		rt.rt_flags = RTF_UP | RTF_GATEWAY;
		ioctl(fd, SIOCADDRT, &rt); /* EEXIST on the second DHCP is fine */
	}
	close(fd);
	v->ip = ip;
	v->mask = mask;
	v->router = router;
	return 0;
}
