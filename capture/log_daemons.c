/* log_daemons — the other servers of a netboot: ISC dhcpd ("DHCPOFFER on IP to MAC via IF"),
 * Kea ("DHCP4_PACKET_SEND [hwtype=1 MAC] …: trying to send packet DHCPOFFER (type 2) from
 * IP:67 to IP:68"), tftpd-hpa / in.tftpd -v ("RRQ from IP filename F", "sending NAK (1, File
 * not found) to IP"), rpc.mountd ("authenticated mount request from IP:PORT for PATH",
 * "refused mount request from IP for PATH (…): not exported") and tgtd. None of them shows the
 * options it sent: their DHCP events say so (log_partial). */
#include <string.h>

#include "capture/log_int.h"
#include "core/base/util.h"

static const struct {
	const char *name;
	uint8_t type;
} dhcp_names[] = {{"DHCPDISCOVER", 1}, {"DHCPOFFER", 2}, {"DHCPREQUEST", 3}, {"DHCPDECLINE", 4},
		  {"DHCPACK", 5},      {"DHCPNAK", 6},	 {"DHCPRELEASE", 7}, {"DHCPINFORM", 8}};

static int dhcp_type(const char **p)
{
	for (size_t i = 0; i < PNB_ARRAY_LEN(dhcp_names); i++)
		if (log_word(p, dhcp_names[i].name))
			return dhcp_names[i].type;
	return -1;
}

static struct pnb_event *dhcp_msg(struct log_src *s, int type, const uint8_t mac[6], uint32_t ip,
				   uint32_t server)
{
	bool req = type == 1 || type == 3 || type == 4 || type == 7 || type == 8;
	struct pnb_event *ev = log_ev_dhcp(s, (uint8_t)type, mac, req ? 0 : ip, server);
	if (!ev)
		return NULL;
	ev->u.dhcp.log_partial = true;
	if (req) {
		ev->u.dhcp.requested_ip = ip;
		log_guess_class(s, &ev->u.dhcp);
	}
	if (ip && type != 6)
		log_ip_learn(s->set, ip, mac);
	if (type == 2 || type == 5)
		log_note_undumped(s);
	return ev;
}

bool log_parse_dhcpd(struct log_src *s, struct log_line *l)
{
	const char *p = l->msg;
	int type = dhcp_type(&p);
	uint8_t mac[6];
	uint32_t ip = 0, srv = 0;
	if (type < 0) {
		if (log_word(&p, "BOOTREQUEST from ") && log_mac(&p, mac)) {
			dhcp_msg(s, 1, mac, 0, 0);
			return true;
		}
		return false;
	}
	p = log_skip_ws(p);
	/* "from MAC", "on IP to MAC", "for IP (SERVER) from MAC" */
	if (log_word(&p, "on ") || log_word(&p, "for ")) {
		if (!log_ip(&p, &ip))
			return false;
		p = log_skip_ws(p);
		if (*p == '(') {
			p++;
			log_ip(&p, &srv);
			p = strchr(p, ')');
			if (!p)
				return false;
			p = log_skip_ws(p + 1);
		}
	}
	if (!log_word(&p, "from ") && !log_word(&p, "to "))
		return false;
	if (!log_mac(&p, mac))
		return false;
	struct pnb_event *ev = dhcp_msg(s, type, mac, ip, type == 3 ? 0 : srv);
	/* "via 10.1.2.1": the packet came through that relay agent (an interface name when
	 * it came directly). */
	const char *v = strstr(p, " via ");
	uint32_t relay;
	if (ev && v && (v += 5) && log_ip(&v, &relay)) {
		ev->u.dhcp.giaddr = relay;
		ev->u.dhcp.hops = 1;
	}
	return true;
}

bool log_parse_kea(struct log_src *s, struct log_line *l)
{
	const char *p = strstr(l->msg, "DHCP4_");
	if (!p)
		return false;
	const char *h = strstr(p, "[hwtype=1 ");
	uint8_t mac[6];
	if (!h)
		return strncmp(p, "DHCP4_", 6) == 0 && l->prog[0];
	h += 10;
	if (!log_mac(&h, mac))
		return false;
	const char *q;
	uint32_t ip;
	if ((q = strstr(p, "received from ")) || (q = strstr(p, "send packet "))) {
		const char *t = strstr(p, ": ");
		const char *m = t ? strstr(t, "DHCP") : NULL;
		if (!m)
			return true;
		int type = dhcp_type(&m);
		if (type < 0)
			return true;
		uint32_t src = 0, dst = 0;
		const char *f = strstr(m, " from ");
		if (f) {
			f += 6;
			log_ip(&f, &src);
		}
		const char *to = strstr(m, " to ");
		if (to) {
			to += 4;
			log_ip(&to, &dst);
		}
		bool req = type == 1 || type == 3 || type == 4 || type == 7 || type == 8;
		if (req)
			dhcp_msg(s, type, mac, 0, 0);
		else
			dhcp_msg(s, type, mac, dst == 0xffffffffu ? 0 : dst, src);
		return true;
	}
	if ((q = strstr(p, ": lease "))) {
		/* At INFO, Kea logs only what it decided: an address advertised answers a
		 * DISCOVER (an OFFER), one allocated answers a REQUEST (an ACK). */
		q += 8;
		if (!log_ip(&q, &ip))
			return false;
		bool advert = strstr(q, "will be advertised") != NULL;
		bool alloc = strstr(q, "has been allocated") != NULL;
		if (advert || alloc) {
			dhcp_msg(s, advert ? 1 : 3, mac, alloc ? ip : 0, 0);
			dhcp_msg(s, advert ? 2 : 5, mac, ip, 0);
		} else {
			log_ip_learn(s->set, ip, mac);
		}
		return true;
	}
	return true;
}

static void tftpd_end(struct log_src *s, enum tftp_xfer_end end, uint16_t code, const char *msg)
{
	uint8_t mac[6];
	if (!s->uart_file[0])
		return;
	log_mac_later(s, s->pi_ip, mac);
	log_ev_xfer(s, mac, s->pi_ip, 0, s->uart_file, end, code, msg, false, 0);
	if (end == XFER_COMPLETE)
		log_kernel_sent(s->set, mac, s->uart_file);
	s->uart_file[0] = '\0';
}

bool log_parse_tftpd(struct log_src *s, struct log_line *l)
{
	const char *p = l->msg;
	uint32_t ip;
	uint8_t mac[6];
	char name[256];
	if (log_word(&p, "RRQ from ")) {
		log_word(&p, "::ffff:");
		if (!log_ip(&p, &ip) || !log_word(&p, " filename "))
			return false;
		log_token(&p, name, sizeof(name), NULL);
		/* tftpd-hpa says nothing when a file went out: the next request of the same
		 * client means the last one was served. */
		if (s->uart_file[0] && s->pi_ip == ip)
			tftpd_end(s, XFER_COMPLETE, 0, NULL);
		s->pi_ip = ip;
		const char *rel = log_tftp_rel(s->set, name);
		log_mac_later(s, ip, mac);
		log_ev_rrq(s, mac, ip, 0, rel);
		snprintf(s->uart_file, sizeof(s->uart_file), "%s", rel);
		return true;
	}
	if (log_word(&p, "Client ")) {
		/* tftpd-hpa -v -v: "Client ::ffff:192.168.1.63 finished bootcode.bin" */
		log_word(&p, "::ffff:");
		if (!log_ip(&p, &ip) || !log_word(&p, " finished "))
			return false;
		log_token(&p, name, sizeof(name), NULL);
		const char *rel = log_tftp_rel(s->set, name);
		if (s->uart_file[0] && s->pi_ip == ip && strcmp(s->uart_file, rel) == 0) {
			tftpd_end(s, XFER_COMPLETE, 0, NULL);
			return true;
		}
		log_mac_later(s, ip, mac);
		s->pi_ip = ip;
		log_ev_rrq(s, mac, ip, 0, rel);
		snprintf(s->uart_file, sizeof(s->uart_file), "%s", rel);
		tftpd_end(s, XFER_COMPLETE, 0, NULL);
		return true;
	}
	if (log_word(&p, "sending NAK (")) {
		uint64_t code;
		if (!log_uint(&p, &code) || !log_word(&p, ", "))
			return false;
		const char *e = strchr(p, ')');
		char msg[64];
		snprintf(msg, sizeof(msg), "%.*s", e ? (int)(e - p) : 0, p);
		tftpd_end(s, XFER_ERROR, (uint16_t)code, msg);
		return true;
	}
	return strstr(p, "tftp") != NULL || strstr(p, "WRQ from") != NULL;
}

bool log_parse_nfsd(struct log_src *s, struct log_line *l)
{
	const char *p = l->msg, *q;
	uint32_t ip;
	uint8_t mac[6];
	char path[256] = "";
	bool ok = (q = strstr(p, "authenticated mount request from ")) != NULL;
	if (ok)
		q += 33;
	else if ((q = strstr(p, "refused mount request from ")))
		q += 27;
	else
		return strstr(p, "mount") != NULL;
	if (!log_ip(&q, &ip))
		return false;
	const char *f = strstr(q, " for ");
	if (f) {
		f += 5;
		log_token(&f, path, sizeof(path), NULL);
	}
	log_mac_later(s, ip, mac);
	struct pnb_event *ev = log_ev(s, EV_RPC);
	if (ev) {
		memcpy(ev->src_mac, mac, 6);
		ev->src_ip = ip;
		ev->u.rpc.prog = 100005;
		ev->u.rpc.vers = 3;
		ev->u.rpc.proc = 1;
		ev->u.rpc.path = log_keep(s, path, strlen(path));
	}
	if ((ev = log_ev(s, EV_RPC))) {
		memcpy(ev->dst_mac, mac, 6);
		ev->dst_ip = ip;
		ev->u.rpc.reply = ev->u.rpc.matched = ev->u.rpc.has_status = true;
		ev->u.rpc.prog = 100005;
		ev->u.rpc.vers = 3;
		ev->u.rpc.proc = 1;
		ev->u.rpc.status = ok ? 0 : 13;
		ev->u.rpc.path = log_keep(s, path, strlen(path));
	}
	return true;
}

bool log_parse_tgtd(struct log_src *s, struct log_line *l)
{
	(void)s;
	/* tgtd logs its own faults (bind, backing store), not the initiators' logins. */
	return strstr(l->msg, "iscsi") != NULL && false;
}
