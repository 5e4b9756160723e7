/* log_kernel — the kernel and initramfs console of a netbooting Pi: IP-Config (the kernel's own
 * DHCP), iscsistart, the NFS root messages ("Root-NFS: Server returned error -13", "VFS: Unable
 * to mount root fs via NFS", klibc nfsmount "mount call failed - server replied: …"), the
 * initramfs-tools steps and the disk appearing. Each becomes the event the wire would carry:
 * the kernel's DHCP, the iSCSI connection and login, the MOUNT reply, the first disk reads. */
#include <string.h>

#include "capture/log_int.h"
#include "core/base/util.h"

#define PROG_MOUNT_ 100005u

static const char linux_class[] = "Linux ipconfig";

/* The Pi this console belongs to, when a line names its MAC. */
static void learn_mac(struct log_src *s, const char *p)
{
	const char *h = strstr(p, "hwaddr=");
	uint8_t mac[6];
	if (h) {
		h += 7;
		if (log_mac(&h, mac)) {
			memcpy(s->pi_mac, mac, 6);
			s->has_pi_mac = true;
		}
		return;
	}
	/* "smsc95xx 1-1.1:1.0 eth0: register 'smsc95xx' at usb-…, smsc95xx USB 2.0 Ethernet,
	 * b8:27:eb:5b:6e:21" and similar driver lines end with the MAC. */
	if (!s->has_pi_mac && strstr(p, "eth0") && strlen(p) > 17) {
		const char *t = p + strlen(p) - 17;
		if (log_mac(&t, mac)) {
			memcpy(s->pi_mac, mac, 6);
			s->has_pi_mac = true;
		}
	}
}

static void kdhcp(struct log_src *s, uint32_t ip, uint32_t server)
{
	if (!s->has_pi_mac)
		return;
	struct pnb_event *ev;
	if (!s->kernel_dhcp_sent) {
		s->kernel_dhcp_sent = true;
		if ((ev = log_ev_dhcp(s, 1, s->pi_mac, 0, 0)))
			ev->u.dhcp.vendor_class = log_keep(s, linux_class, sizeof(linux_class) - 1);
	}
	if (ip && (ev = log_ev_dhcp(s, 5, s->pi_mac, ip, server))) {
		log_ip_learn(s->set, ip, s->pi_mac);
		s->pi_ip = ip;
	}
}

/* An event between the Pi and a server, the Pi's MAC on its side: NULL until the Pi's MAC is
 * known, or when the event queue is full. */
static struct pnb_event *pi_ev(struct log_src *s, enum pnb_event_kind kind, bool from_pi)
{
	if (!s->has_pi_mac)
		return NULL;
	struct pnb_event *ev = log_ev(s, kind);
	if (ev)
		memcpy(from_pi ? ev->src_mac : ev->dst_mac, s->pi_mac, 6);
	return ev;
}

/* MOUNT MNT (v3) of path from the Pi, or the server's reply with its status. */
static struct pnb_event *mount_ev(struct log_src *s, bool from_pi, const char *path)
{
	struct pnb_event *ev = pi_ev(s, EV_RPC, from_pi);
	if (!ev)
		return NULL;
	*(from_pi ? &ev->src_ip : &ev->dst_ip) = s->pi_ip;
	ev->u.rpc.prog = PROG_MOUNT_;
	ev->u.rpc.vers = 3;
	ev->u.rpc.proc = 1;
	if (path && *path)
		ev->u.rpc.path = log_keep(s, path, strlen(path));
	return ev;
}

static void mount_reply(struct log_src *s, uint32_t status, const char *path)
{
	struct pnb_event *ev = mount_ev(s, false, path);
	if (!ev)
		return;
	ev->u.rpc.reply = true;
	ev->u.rpc.matched = true;
	ev->u.rpc.has_status = true;
	ev->u.rpc.status = status;
}

static void mount_call(struct log_src *s, const char *path)
{
	mount_ev(s, true, path);
}

/* The Pi's connection to the target: SYN, then what came back. */
static void iscsi_tcp(struct log_src *s, uint32_t ip, bool syn, bool rst)
{
	if (s->has_pi_mac && ip)
		s->iscsi_ip = ip;
	struct pnb_event *ev = pi_ev(s, EV_TCP, syn);
	if (!ev)
		return;
	ev->src_ip = syn ? s->pi_ip : s->iscsi_ip;
	ev->dst_ip = syn ? s->iscsi_ip : s->pi_ip;
	ev->sport = syn ? 40000 : 3260;
	ev->dport = syn ? 3260 : 40000;
	ev->u.tcp.syn = syn;
	ev->u.tcp.rst = !syn && rst;
	ev->u.tcp.ack = !syn;
}

/* An iSCSI PDU from the Pi to the target's port, or back. */
static struct pnb_event *iscsi_pdu(struct log_src *s, bool from_pi, uint8_t opcode, bool final)
{
	struct pnb_event *ev = pi_ev(s, EV_ISCSI, from_pi);
	if (!ev)
		return NULL;
	*(from_pi ? &ev->dport : &ev->sport) = 3260;
	ev->u.iscsi.opcode = opcode;
	ev->u.iscsi.final = final;
	return ev;
}

static void iscsi_login(struct log_src *s, uint8_t cls, uint8_t detail)
{
	if (!s->has_pi_mac)
		return;
	iscsi_tcp(s, 0, true, false);
	struct pnb_event *ev = iscsi_pdu(s, true, 0x03, false);
	if (!ev)
		return;
	ev->u.iscsi.transit = true;
	ev->u.iscsi.csg = 1;
	ev->u.iscsi.nsg = 3;
	if (!(ev = iscsi_pdu(s, false, 0x23, true)))
		return;
	ev->src_ip = s->iscsi_ip;
	ev->u.iscsi.status_class = cls;
	ev->u.iscsi.status_detail = detail;
	ev->u.iscsi.log_class_only = cls == 2 && detail == 0;
	ev->u.iscsi.transit = cls == 0;
	ev->u.iscsi.csg = 1;
	ev->u.iscsi.nsg = 3;
}

/* The disk answered: a READ(10) and its good status, as the first root I/O. */
static void iscsi_read(struct log_src *s)
{
	struct pnb_event *ev = iscsi_pdu(s, true, 0x01, true);
	if (!ev)
		return;
	ev->u.iscsi.cdb_opcode = 0x28;
	ev->u.iscsi.blocks = 8;
	ev->u.iscsi.expected_len = 4096;
	iscsi_pdu(s, false, 0x21, true);
}

static bool say(struct log_src *s, const char *p)
{
	/* The boot stops at these (the initramfs retries the NFS mount forever). */
	s->terminal = strstr(p, "Kernel panic") || strstr(p, "Dropping to a shell") ||
		      strstr(p, "Gave up waiting for root") || strstr(p, "Retrying nfs mount");
	struct pnb_event *ev = pi_ev(s, EV_NETCONSOLE, true);
	if (ev) {
		size_t n = strlen(p);
		ev->u.netconsole.line = log_keep(s, p, n > 200 ? 200 : n);
	}
	return true;
}

static bool ipconfig(struct log_src *s, const char *p)
{
	uint32_t ip, srv;
	const char *q;
	if ((q = log_after(p, "Got DHCP answer from "))) {
		if (!log_ip(&q, &srv) || !log_ip_after(&q, "my address is ", &ip))
			return false;
		if (!s->has_pi_mac) {
			uint8_t mac[6];
			if (log_ip_mac(s->set, ip, mac)) {
				memcpy(s->pi_mac, mac, 6);
				s->has_pi_mac = true;
			}
		}
		kdhcp(s, ip, srv);
		return true;
	}
	if ((q = strstr(p, "ipaddr="))) {
		learn_mac(s, p);
		q += 7;
		if (log_ip(&q, &ip) && s->pi_ip != ip)
			kdhcp(s, ip, 0);
		return true;
	}
	/* klibc ipconfig (initramfs): "IP-Config: eth0 hardware address MAC mtu 1500 DHCP",
	 * "IP-Config: eth0 complete (dhcp from SERVER):", then " address: IP  broadcast: …" */
	if ((q = strstr(p, "hardware address "))) {
		uint8_t mac[6];
		q += 17;
		if (log_mac(&q, mac)) {
			memcpy(s->pi_mac, mac, 6);
			s->has_pi_mac = true;
		}
		kdhcp(s, 0, 0);
		return true;
	}
	if ((q = log_after(p, "complete (dhcp from "))) {
		log_ip(&q, &s->iscsi_ip); /* kept until the address line that follows */
		return true;
	}
	if (strstr(p, "Sending DHCP requests") || strstr(p, "Sending DHCP and RARP")) {
		kdhcp(s, 0, 0);
		return true;
	}
	if (strstr(p, "hwaddr=")) {
		learn_mac(s, p);
		return true;
	}
	if (strstr(p, "IP-Config:"))
		return say(s, p);
	return false;
}

static bool nfs(struct log_src *s, const char *p)
{
	const char *q;
	if ((q = log_after(p, "Server returned error -"))) {
		uint64_t e;
		if (!log_uint(&q, &e))
			return false;
		const char *m = strstr(q, "while mounting ");
		char path[256] = "";
		if (m) {
			m += 15;
			log_token(&m, path, sizeof(path), NULL);
		}
		/* errno → MOUNT status: the kernel passes the server's status through. */
		if (e == 13 || e == 1 || e == 2) {
			mount_call(s, path);
			mount_reply(s, (uint32_t)e, path);
		}
		return say(s, p);
	}
	if ((q = log_after(p, "server replied: "))) {
		uint32_t st = strncmp(q, "Permission denied", 17) == 0	   ? 13
			      : strncmp(q, "No such file or directory", 25) == 0 ? 2
			      : strncmp(q, "Operation not permitted", 23) == 0	   ? 1
										   : 0;
		if (st) {
			mount_call(s, NULL);
			mount_reply(s, st, NULL);
		}
		return say(s, p);
	}
	if (strstr(p, "VFS: Mounted root (nfs")) {
		mount_call(s, NULL);
		mount_reply(s, 0, NULL);
		return say(s, p);
	}
	if (strstr(p, "Unable to mount root fs via NFS")) {
		mount_call(s, NULL); /* the kernel tried; why it failed is not on this line */
		return say(s, p);
	}
	if (strstr(p, "Unable to mount root fs") || strstr(p, "nfsmount") || strstr(p, "Root-NFS") ||
	    strstr(p, "Retrying nfs mount") ||
	    strstr(p, "NFS: bad mount option") || strstr(p, "nfs: server") ||
	    strstr(p, "rpcbind: server"))
		return say(s, p);
	return false;
}

static bool iscsi(struct log_src *s, const char *p)
{
	const char *q;
	uint32_t ip = 0;
	if ((q = log_after(p, "initiator reported error ("))) {
		uint64_t e;
		if (!log_uint(&q, &e))
			return false;
		/* open-iscsi's numbers: 24 (authorization failure) and 19 (non-retryable login
		 * failure) each cover several Login Response statuses (0x0201 CHAP, 0x0202 ACL,
		 * 0x0203 no such target; spec §4 rows 23-24): the console cannot tell which, so
		 * the login is refused with class 2 (initiator error) and no detail, and the
		 * target's log or a capture says which. 8 / 4 = no connection at all. */
		if (e == 24 || e == 19)
			iscsi_login(s, 2, 0);
		else if (e == 8)
			iscsi_tcp(s, 0, true, false);
		else if (e == 4) {
			iscsi_tcp(s, 0, true, false);
			iscsi_tcp(s, 0, false, true);
		}
		return say(s, p);
	}
	if ((q = strstr(p, "cannot make connection to ")) || (q = strstr(p, "connect to "))) {
		q = strstr(q, "to ") + 3;
		log_ip(&q, &ip);
		bool refused = strstr(p, "refused") != NULL;
		iscsi_tcp(s, ip, true, false);
		if (refused)
			iscsi_tcp(s, ip, false, true);
		return say(s, p);
	}
	if (strstr(p, "Login failed to authenticate")) {
		iscsi_login(s, 2, 1);
		return say(s, p);
	}
	if (strstr(p, "Direct-Access") && strstr(p, "scsi ")) {
		iscsi_login(s, 0, 0);
		return true;
	}
	if (strstr(p, "Attached SCSI disk") || strstr(p, "EXT4-fs (sd")) {
		iscsi_read(s);
		return true;
	}
	if (strstr(p, "iscsistart") || strstr(p, "iscsi"))
		return say(s, p);
	return false;
}

bool log_parse_kernel(struct log_src *s, struct log_line *l)
{
	const char *p = log_skip_ws(l->msg);
	const char *q;
	uint32_t ip;
	if (strncmp(p, "address: ", 9) == 0 && s->has_pi_mac && (q = p + 9) && log_ip(&q, &ip)) {
		kdhcp(s, ip, s->iscsi_ip); /* klibc ipconfig's result line */
		s->iscsi_ip = 0;
		return true;
	}
	if (strstr(p, "hwaddr=") || strstr(p, "smsc95xx") || strstr(p, "lan78xx"))
		learn_mac(s, p);
	if (strstr(p, "IP-Config") || strstr(p, "hwaddr=") || strstr(p, "ipaddr=") ||
	    strstr(p, "Sending DHCP") || strstr(p, "hardware address "))
		return ipconfig(s, p);
	if (nfs(s, p) || iscsi(s, p))
		return true;
	if (strncmp(p, "Begin: ", 7) == 0 || strstr(p, "Waiting for root file system") ||
	    strstr(p, "Gave up waiting for root") || strstr(p, "Kernel panic") ||
	    strstr(p, "ALERT!") || strstr(p, "Dropping to a shell") || strstr(p, "VFS:") ||
	    strstr(p, "Kernel command line:") || strstr(p, "Booting Linux on"))
		return say(s, p);
	return false;
}
