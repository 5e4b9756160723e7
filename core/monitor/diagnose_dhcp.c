/* diagnose_dhcp — stages 1–3 and the kernel's DHCP (stage 6): what the Pi asked for, what
 * each server offered, whether an offer is usable by this model (option 43 with "Raspberry Pi
 * Boot", the 3B's three spaces, a TFTP server), rival servers, NAKs, ARP oddities and STP.
 * Facts: spec/eeprom-otp.md §5.1–5.5, spec/netboot-servers-and-failures.md §3.2 and §4. */
#include "core/monitor/diagnose_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char PI_MENU[] = "Raspberry Pi Boot";

static bool bytes_prefix(struct pnb_bytes b, const char *p)
{
	size_t n = strlen(p);
	return b.p && b.len >= n && memcmp(b.p, p, n) == 0;
}

static void bytes_copy(struct pnb_bytes b, char *out, size_t len)
{
	size_t n = b.p ? b.len : 0;
	if (n >= len)
		n = len - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (b.p[i] >= 0x20 && b.p[i] < 0x7f) ? (char)b.p[i] : '?';
	out[n] = '\0';
}

static enum pi_model model_from_revision(uint32_t rev)
{
	if (!(rev & (1u << 23)))
		return PI_MODEL_UNKNOWN; /* old-style codes are Pi 1/2/3 era, not in option 97 */
	uint8_t type = (uint8_t)((rev >> 4) & 0xff);
	for (int m = 1; m < PI_MODEL_COUNT; m++)
		if (model_info((enum pi_model)m)->rev_type == type)
			return (enum pi_model)m;
	return PI_MODEL_UNKNOWN;
}

/* Option 97: RPi4/RPi5 FourCC with revision and serial, or the 3B's constant 0x44 GUID. */
static void learn_guid(struct diag *d, struct pistate *ps, const struct ev_dhcp *h)
{
	if (h->pi_guid && h->pi_fourcc[0]) {
		enum pi_model m = model_from_revision(h->pi_revision);
		if (m == PI_MODEL_UNKNOWN)
			m = strcmp(h->pi_fourcc, "RPi5") == 0 ? PI_5 : PI_4B;
		if (ps->pub.model != m)
			ps->dirty = true;
		ps->pub.model = m;
		ps->model_from_guid = true;
		if (ps->prof && ps->prof->model != PI_MODEL_UNKNOWN && ps->prof->model != m &&
		    !pi_fired(ps, R_PROFILE_MISMATCH))
			pi_report(
			    ps, R_PROFILE_MISMATCH, 0, 0,
			    xasprintf("the profile says Pi \"%s\" is a %s, but it reports a %s",
				      ps->prof->name, model_info(ps->prof->model)->name,
				      model_info(m)->name),
			    xasprintf("option 97: %s, board revision %06x", h->pi_fourcc,
				      h->pi_revision),
			    xasprintf("set model = %s in [pi \"%s\"] (the generated files depend "
				      "on it)",
				      model_info(m)->name, ps->prof->name));
		char serial[9];
		snprintf(serial, sizeof(serial), "%08x", h->pi_serial);
		diag_pi_learn_serial(d, ps, serial);
		return;
	}
	const struct pnb_bytes g = h->client_guid;
	if (g.p && g.len == 17 && g.p[0] == 0) {
		bool all44 = true;
		for (int i = 1; i < 17; i++)
			all44 = all44 && g.p[i] == 0x44;
		if (all44) {
			ps->pub.model = PI_3B;
			ps->model_from_guid = true;
			return;
		}
		if (model_is_pi3_family(ps->pub.model) && !ps->model_from_guid &&
		    !(ps->prof && ps->prof->model != PI_MODEL_UNKNOWN))
			ps->pub.model = PI_3BPLUS; /* b8:27:eb with a real GUID: the 3B+ ROM */
		/* The serial repeated four times (3B+ ROM; Pi 4/5 with DHCP_OPTION97=0), read
		 * little-endian like the RPi4 layout; the byte order is UNCONFIRMED (spec §5.5). */
		if (memcmp(g.p + 1, g.p + 5, 4) == 0 && memcmp(g.p + 1, g.p + 9, 4) == 0 &&
		    memcmp(g.p + 1, g.p + 13, 4) == 0) {
			char serial[9];
			uint32_t v = (uint32_t)g.p[1] | (uint32_t)g.p[2] << 8 |
				     (uint32_t)g.p[3] << 16 | (uint32_t)g.p[4] << 24;
			snprintf(serial, sizeof(serial), "%08x", v);
			if (v)
				diag_pi_learn_serial(d, ps, serial);
		}
	}
}

static bool offer_tftp_ip(const struct pistate *ps, struct offer_rec *o)
{
	uint32_t ip66 = 0;
	if (o->has66)
		ipv4_parse(o->opt66, &ip66);
	/* The Pi 3 ROM ignores option 66; Pi 4/5 prefer it (spec/eeprom-otp.md §5.2). */
	if (!model_is_pi3_family(ps->pub.model) && ip66)
		o->tftp_ip = ip66;
	else if (o->siaddr)
		o->tftp_ip = o->siaddr;
	else if (o->sid)
		o->tftp_ip = o->sid;
	else
		o->tftp_ip = ip66;
	return o->tftp_ip != 0;
}

static bool offer_usable(const struct pistate *ps, const struct offer_rec *o)
{
	const struct pi_model_info *mi = model_info(ps->pub.model);
	if (!o->menu || (!o->tftp_ip && !o->partial))
		return false;
	if (mi->needs_menu_spaces && !o->menu_spaces)
		return false;
	if (mi->tftp_onlink_only && o->giaddr)
		return false;
	return true;
}

static void offer_record(struct pistate *ps, const struct pnb_event *ev, struct offer_rec *o)
{
	const struct ev_dhcp *h = &ev->u.dhcp;
	memset(o, 0, sizeof(*o));
	o->frame = ev->frame;
	o->ts = ev->ts;
	o->msg_type = h->msg_type;
	o->xid = h->xid;
	o->src_ip = ev->src_ip;
	o->server = h->server_id ? h->server_id : ev->src_ip;
	o->sid = h->server_id;
	o->yiaddr = h->yiaddr;
	o->siaddr = h->siaddr;
	o->giaddr = h->giaddr;
	o->hops = h->hops;
	o->mask = h->subnet_mask;
	o->router = h->router;
	o->has43 = h->vendor_opts.p && h->vendor_opts.len > 0;
	o->raw43 = o->has43 && !h->pxe_valid;
	if (o->has43) {
		const uint8_t *p = h->vendor_opts.p;
		size_t n = h->vendor_opts.len, k = sizeof(PI_MENU) - 1;
		for (size_t i = 0; i + k <= n && !o->menu; i++)
			if (memcmp(p + i, PI_MENU, k) == 0) {
				o->menu = true;
				o->menu_spaces = i + k + 3 <= n && memcmp(p + i + k, "   ", 3) == 0;
			}
		if (h->has_pxe_menu)
			bytes_copy(h->pxe_menu_text, o->menu_text, sizeof(o->menu_text));
	}
	o->partial = h->log_partial;
	if (h->log_opt43)
		o->has43 = true;
	if (h->log_partial && o->has43 && !o->menu) {
		/* A log that shows option 43 only in part: its menu is not taken as missing; a
		 * text length it does show still tells a Pi 3B's three spaces. */
		o->menu = !h->log_menu_len || h->log_menu_len >= sizeof(PI_MENU) - 1;
		o->menu_spaces = !h->log_menu_len || h->log_menu_len >= sizeof(PI_MENU) - 1 + 3;
	}
	o->has66 = h->tftp_server.p && h->tftp_server.len;
	bytes_copy(h->tftp_server, o->opt66, sizeof(o->opt66));
	o->has67 = h->bootfile.p && h->bootfile.len;
	bytes_copy(h->bootfile, o->opt67, sizeof(o->opt67));
	offer_tftp_ip(ps, o);
	if (h->log_partial && !o->tftp_ip)
		o->tftp_ip = o->server; /* may be 0: the log did not name the server either */
}

static void check_rival(struct diag *d, struct pistate *ps, const struct offer_rec *o)
{
	char a[16], b[16], sa[16], sb[16];
	for (unsigned i = 0; i + 1 < ps->n_offers; i++) {
		const struct offer_rec *x = &ps->offers[i];
		if (!x->yiaddr || x->yiaddr == o->yiaddr || x->server == o->server)
			continue;
		struct sbuf e;
		sbuf_init(&e);
		sbuf_printf(&e, "%s offered %s in ", ip_str(x->server, sa), ip_str(x->yiaddr, a));
		ev_ref(d, &e, x->frame, x->ts);
		sbuf_printf(&e, ", %s offered %s in ", ip_str(o->server, sb), ip_str(o->yiaddr, b));
		ev_ref(d, &e, o->frame, o->ts);
		pi_report(
		    ps, R_RIVAL_DHCP, 0, o->frame,
		    xasprintf("two DHCP servers (%s and %s) offered this Pi different addresses",
			      sa, sb),
		    sbuf_take(&e),
		    xstrdup("keep one address server on the segment: run pinetboot's DHCP as "
			    "proxy (dhcp = proxy) beside an existing server, or switch the "
			    "other one off"));
		return;
	}
}

static void site_rival(struct diag *d, const struct pnb_event *ev, uint32_t server)
{
	for (size_t i = 0; i < d->n_addr_servers; i++)
		if (d->addr_servers[i] == server)
			return;
	if (d->n_addr_servers == PNB_ARRAY_LEN(d->addr_servers))
		return;
	d->addr_server_frame[d->n_addr_servers] = ev->frame;
	d->addr_servers[d->n_addr_servers++] = server;
	if (d->n_addr_servers < 2)
		return;
	struct sbuf e, c;
	sbuf_init(&e);
	sbuf_init(&c);
	char ip[16];
	for (size_t i = 0; i < d->n_addr_servers; i++) {
		sbuf_printf(&c, "%s%s", i ? ", " : "", ip_str(d->addr_servers[i], ip));
		char f[160];
		sbuf_printf(&e, "%s%s first offered an address in %s", i ? "; " : "", ip,
			    frame_name(d, d->addr_server_frame[i], f));
	}
	site_report(d, R_RIVAL_DHCP_SITE, ev->frame,
		    xasprintf("%zu DHCP servers hand out addresses on this segment (%s)",
			      d->n_addr_servers, c.buf),
		    sbuf_take(&e),
		    xstrdup("keep one address server; beside an existing router use dhcp = proxy"));
	sbuf_done(&c);
}

static void stp_late(struct diag *d, struct pistate *ps, const struct pnb_event *ev)
{
	uint16_t secs = ev->u.dhcp.secs;
	bool tc = d->tc_frame && tv_diff(ev->ts, d->tc_ts) >= 0 && tv_diff(ev->ts, d->tc_ts) < 10;
	if (!d->n_bpdu || (secs < 10 && !tc))
		return;
	struct sbuf e;
	sbuf_init(&e);
	sbuf_printf(&e, "spanning-tree BPDUs since ");
	ev_ref(d, &e, d->bpdu_frame, d->bpdu_ts);
	if (tc) {
		sbuf_printf(&e, "; topology change flagged in ");
		ev_ref(d, &e, d->tc_frame, d->tc_ts);
		sbuf_printf(&e, " just before the first DISCOVER");
	}
	sbuf_printf(&e, "; first DISCOVER seen in ");
	ev_ref(d, &e, ev->frame, ev->ts);
	sbuf_printf(&e, " with secs = %u", secs);
	pi_report(
	    ps, R_STP_LATE, 0, ev->frame,
	    xasprintf("the switch port held the Pi's first DISCOVERs while spanning tree "
		      "listened and learned (forward delay %u s)",
		      d->fwd_delay),
	    sbuf_take(&e),
	    xstrdup("enable portfast (or RSTP edge port) on the Pi's switch port; a Pi 3 gives "
		    "up after 25 s"));
}

/* The kernel's (or initramfs's) own DHCP: no PXEClient class, after the kernel files. */
static void kernel_dhcp(struct pistate *ps, const struct pnb_event *ev)
{
	if (ps->root_started) {
		if (!ps->late_dhcp_frame || tv_diff(ev->ts, ps->late_dhcp_ts) > 5) {
			ps->late_dhcp_frame = ev->frame;
			ps->late_dhcp_ts = ev->ts;
		}
		return;
	}
	if (!ps->kernel_started) {
		ps->kernel_started = true;
		st_done(ps, STAGE_TFTP_KERNEL, ev);
	}
	ps->phase = PH_KERNEL;
	if (!ps->kdhcp_frame) {
		ps->kdhcp_frame = ev->frame;
		ps->kdhcp_ts = ev->ts;
	}
	st_progress(ps, STAGE_KERNEL_NET, ev);
}

static bool has_option(const struct ev_dhcp *h, uint8_t code)
{
	for (unsigned i = 0; i < h->n_opts_stored; i++)
		if (h->opts[i].code == code)
			return true;
	return false;
}

/* A DHCP message without PXEClient: the netbooting Pi's kernel or initramfs, or an operating
 * system's own client (a Pi booted from SD/USB, a lease renewal, a Pi that serves). The
 * kernel's ipconfig sends no vendor class (klibc's in the initramfs sends "Linux ipconfig"),
 * no client identifier and no hostname unless ip= names one, never renews and never asks for
 * an address it had; every OS client does at least one of those (dhcpcd-…, "udhcp …", MSFT,
 * android-dhcp classes; dhclient's hostname; NetworkManager's and systemd-networkd's client
 * identifier). A parameter list asking for the root path (17) is the kernel's — unless the
 * message also carries a maximum message size (57), which neither the kernel's ipconfig in
 * DHCP mode (ic_dhcp_init_options: 53, 54/50, 55, 12, 60, 61 only) nor klibc's sends and
 * NetworkManager's internal client (which asks for 17 too) always does
 * (tests/data/pcaps/real-clients/nm-renew-pi4), or a list with codes the kernel never asks
 * for. Returns true for an OS client, with what told it in what. */
static bool os_client(const struct ev_dhcp *h, char *what, size_t n)
{
	/* Plain BOOTP (no option 53) is the kernel's ip=bootp: its options 12 (32 zero bytes),
	 * 17 and 57 are placeholders for the answer (ipconfig.c ic_bootp_init_ext), and every OS
	 * client speaks DHCP. */
	if (!h->msg_type)
		return false;
	struct pnb_bytes vc = h->vendor_class;
	if (vc.p && vc.len) {
		if (bytes_prefix(vc, "PXEClient") || bytes_prefix(vc, "Linux ipconfig"))
			return false;
		char cls[48];
		bytes_copy(vc, cls, sizeof(cls));
		snprintf(what, n, "vendor class \"%s\"", cls);
		return true;
	}
	/* The kernel's list is fixed (ic_req_params: 1 3 6 12 15 17 26 40, and 42 since the NTP
	 * servers were added); one asking for anything else is not the kernel's. A dnsmasq log
	 * shows the list but never option 57 (tests/data/logs/real-clients). */
	static const uint8_t kernel_params[] = {1, 3, 6, 12, 15, 17, 26, 40, 42};
	bool root_path = false, kernel_list = true;
	for (unsigned i = 0; h->param_list.p && i < h->param_list.len; i++) {
		root_path |= h->param_list.p[i] == 17;
		kernel_list &= memchr(kernel_params, h->param_list.p[i], sizeof(kernel_params)) != NULL;
	}
	root_path &= !has_option(h, 57) && kernel_list;
	char ip[16];
	if (h->msg_type == 3 && h->ciaddr)
		snprintf(what, n, "renews its lease of %s (ciaddr)", ip_str(h->ciaddr, ip));
	else if (h->requested_ip && !h->server_id)
		snprintf(what, n, "asks again for %s, an address it had (option 50)",
			 ip_str(h->requested_ip, ip));
	else if (has_option(h, 61) && !root_path)
		snprintf(what, n, "sends a client identifier (option 61)");
	else if (has_option(h, 12) && !root_path)
		snprintf(what, n, "sends its host name (option 12)");
	else
		return false;
	return true;
}

/* The Pi shows itself as an OS client: listed as not network booting, no stage. */
static void os_client_seen(struct pistate *ps, const char *what)
{
	if (!ps->pub.os_dhcp || !ps->pub.dhcp_client[0])
		snprintf(ps->pub.dhcp_client, sizeof(ps->pub.dhcp_client), "%s", what);
	ps->pub.os_dhcp = true;
	ps->dirty = true;
}

static void client_msg(struct diag *d, const struct pnb_event *ev)
{
	const struct ev_dhcp *h = &ev->u.dhcp;
	bool pxe = bytes_prefix(h->vendor_class, "PXEClient");
	char what[64];
	bool os = !pxe && !h->pi_guid && os_client(h, what, sizeof(what));
	struct pistate *ps = diag_pi_get(d, h->chaddr);
	if (!ps) {
		bool pi_like = (pxe && diag_mac_is_pi(NULL, h->chaddr)) || h->pi_guid;
		if (!pi_like && !diag_mac_is_pi(d->site, h->chaddr))
			return;
		ps = diag_pi_add(d, h->chaddr, ev);
		if (os)
			os_client_seen(ps, what);
	} else if (os && !ps->n_discover && !ps->n_request && !ps->n_rrq && !ps->kernel_started) {
		os_client_seen(ps, what);
	}
	ps->last_frame = ev->frame;
	ps->last_ts = ev->ts;
	if (ps->pub.os_dhcp) {
		if (!pxe && !h->pi_guid)
			return;
		ps->pub.os_dhcp = false; /* its boot ROM asks now: a network boot after all */
		ps->pub.dhcp_client[0] = 0;
	}
	learn_guid(d, ps, h);
	/* A DHCP without PXEClient once the kernel files were asked for is the kernel's. Before
	 * that it is firmware (the Pi 4's REQUEST may lack option 60, EE#87) — unless the capture
	 * started after the firmware phase and this is all we see of the Pi. */
	if (!pxe && (ps->kernel_started ||
		     (!ps->n_discover && !ps->n_request && !ps->n_rrq && h->msg_type == 1))) {
		kernel_dhcp(ps, ev);
		return;
	}
	if (pxe && h->msg_type == 1 && ps->kernel_started &&
	    (st_is_done(ps, STAGE_KERNEL_NET) || ps->root_started))
		diag_pi_new_boot(ps); /* Linux ran, and the ROM/EEPROM asks again: a reboot */
	if (h->msg_type == 1) {
		if (!ps->n_discover) {
			ps->first_disc_frame = ev->frame;
			ps->first_disc_ts = ev->ts;
			ps->first_disc_secs = h->secs;
			st_done(ps, STAGE_DISCOVER, ev);
			stp_late(d, ps, ev);
		}
		if (!ps->n_rrq)
			ps->n_discover++;
		if (!ps->n_rrq && !ps->n_request && ps->n_offers)
			ps->n_disc_after_offer++;
		ps->last_disc_frame = ev->frame;
		ps->last_disc_ts = ev->ts;
	} else if (h->msg_type == 3) {
		if (!ps->n_request++) {
			ps->first_req_frame = ev->frame;
			ps->first_req_ts = ev->ts;
		}
		st_progress(ps, STAGE_BOUND, ev);
	}
}

static void nak(struct diag *d, struct pistate *ps, const struct pnb_event *ev, int stage)
{
	const struct ev_dhcp *h = &ev->u.dhcp;
	char msg[64] = "", ip[16];
	for (unsigned i = 0; i < h->n_opts_stored; i++)
		if (h->opts[i].code == 56)
			bytes_copy(h->opts[i].val, msg, sizeof(msg));
	ps->nak_frame = ev->frame;
	struct sbuf e;
	ev_text(d, &e, ev, "DHCPNAK from %s in",
		ip_str(h->server_id ? h->server_id : ev->src_ip, ip));
	if (msg[0])
		sbuf_printf(&e, ": \"%s\"", msg);
	bool rival = pi_fired(ps, R_RIVAL_DHCP) || d->n_addr_servers > 1;
	pi_report(ps, R_DHCP_NAK, stage, ev->frame,
		  xasprintf("server %s refused the address the Pi requested%s", ip,
			    rival ? " (another DHCP server offered it)" : ""),
		  sbuf_take(&e),
		  xstrdup(rival ? "keep one address server on the segment (dhcp = proxy beside a "
				  "router)"
				: "check the DHCP server's range/reservation for this MAC"));
}

static void server_msg(struct diag *d, const struct pnb_event *ev)
{
	const struct ev_dhcp *h = &ev->u.dhcp;
	uint32_t server = h->server_id ? h->server_id : ev->src_ip;
	if (h->msg_type == 2 && h->yiaddr)
		site_rival(d, ev, server);
	struct pistate *ps = diag_pi_get(d, h->chaddr);
	if (!ps || ps->pub.os_dhcp)
		return; /* an OS client's lease, NAK or renewal is no boot stage */
	ps->last_frame = ev->frame;
	ps->last_ts = ev->ts;
	bool boot = h->vendor_opts.p && h->vendor_opts.len;
	if (ps->phase == PH_KERNEL && !boot) {
		if (h->msg_type == 5 && !ps->kack_frame) {
			ps->kack_frame = ev->frame;
			if (h->yiaddr)
				ps->pub.ip = h->yiaddr;
			st_done(ps, STAGE_KERNEL_NET, ev);
		} else if (h->msg_type == 6) {
			nak(d, ps, ev, STAGE_KERNEL_NET);
		}
		return;
	}
	if (h->msg_type == 6) {
		nak(d, ps, ev, STAGE_BOUND);
		return;
	}
	if (h->msg_type != 2 && h->msg_type != 5 && h->msg_type != 0)
		return;
	struct offer_rec o;
	offer_record(ps, ev, &o);
	if (ps->n_offers < PNB_ARRAY_LEN(ps->offers))
		ps->offers[ps->n_offers++] = o;
	if (o.yiaddr) {
		ps->addr_server = o.server;
		ps->pub.ip = o.yiaddr;
		if (o.mask)
			ps->mask = o.mask;
		if (o.router)
			ps->router = o.router;
		ps->dirty = true;
		if (h->msg_type == 2)
			check_rival(d, ps, &o);
	}
	if (h->msg_type == 5 && (h->yiaddr || h->ciaddr)) {
		ps->ack_frame = ev->frame;
		st_done(ps, STAGE_BOUND, ev);
	}
	if (ps->boot_offer < 0 && offer_usable(ps, &o)) {
		ps->boot_offer = (int)(ps->n_offers - 1);
		ps->tftp_ip = o.tftp_ip;
		st_done(ps, STAGE_OFFER, ev);
	} else if (!st_is_done(ps, STAGE_OFFER)) {
		st_progress(ps, STAGE_OFFER, ev);
	}
}

void dx_dhcp(struct diag *d, const struct pnb_event *ev)
{
	if (ev->u.dhcp.op == 1)
		client_msg(d, ev);
	else if (ev->u.dhcp.op == 2)
		server_msg(d, ev);
}

/* ---- stage 2/3 causes, when the Pi never got to TFTP ---- */

static void offer_list(struct diag *d, const struct pistate *ps, struct sbuf *e, bool only43)
{
	char ip[16];
	unsigned shown = 0;
	for (unsigned i = 0; i < ps->n_offers && shown < 3; i++) {
		const struct offer_rec *o = &ps->offers[i];
		if (only43 && !o->has43)
			continue;
		sbuf_printf(e, "%s%s from %s ", shown ? "; " : "",
			    o->msg_type == 5 ? "ACK" : "OFFER", ip_str(o->server, ip));
		ev_ref(d, e, o->frame, o->ts);
		if (!o->has43)
			sbuf_add(e, " without option 43");
		else if (o->menu_text[0])
			sbuf_printf(e, " menu \"%s\"", o->menu_text);
		else if (o->raw43)
			sbuf_add(e, " with a raw (non-PXE) option 43");
		shown++;
	}
	if (ps->n_offers > shown)
		sbuf_printf(e, " (%u replies in all)", ps->n_offers);
}

static const struct offer_rec *find_offer(const struct pistate *ps,
					  bool (*pred)(const struct offer_rec *))
{
	for (unsigned i = 0; i < ps->n_offers; i++)
		if (pred(&ps->offers[i]))
			return &ps->offers[i];
	return NULL;
}

static bool o_has43(const struct offer_rec *o)
{
	return o->has43;
}
static bool o_menu(const struct offer_rec *o)
{
	return o->menu;
}
static bool o_spaces(const struct offer_rec *o)
{
	return o->menu && o->menu_spaces;
}
static bool o_tftp(const struct offer_rec *o)
{
	return o->menu && (o->tftp_ip || o->partial);
}
static bool o_direct(const struct offer_rec *o)
{
	return !o->giaddr;
}

/* Pi 3 proxy loop: an address offer and a boot offer from different servers within 2 s. */
static bool proxy_burst(const struct pistate *ps, const struct offer_rec **a,
			const struct offer_rec **b)
{
	for (unsigned i = 0; i < ps->n_offers; i++)
		for (unsigned j = i + 1; j < ps->n_offers; j++) {
			const struct offer_rec *x = &ps->offers[i], *y = &ps->offers[j];
			if (x->server == y->server || (x->has43 == y->has43))
				continue;
			double dt = tv_diff(y->ts, x->ts);
			if (dt >= 0 && dt < 2.0) {
				*a = x;
				*b = y;
				return true;
			}
		}
	return false;
}

static bool explain_offers(struct diag *d, struct pistate *ps)
{
	const struct pi_model_info *mi = model_info(ps->pub.model);
	struct sbuf e;
	sbuf_init(&e);
	offer_list(d, ps, &e, false);
	uint64_t f = ps->offers[0].frame;
	if (mi->tftp_onlink_only && !find_offer(ps, o_direct)) {
		char g[16];
		sbuf_printf(&e, "; relay agent %s", ip_str(ps->offers[0].giaddr, g));
		pi_report(ps, R_RELAY_3B, 0, f,
			  xasprintf("every offer came through a DHCP relay (%s), which the Pi 3B "
				    "ROM rejects",
				    g),
			  sbuf_take(&e),
			  xstrdup("put the boot server on the Pi's subnet, or give the Pi 3B an SD "
				  "card holding only bootcode.bin"));
		return true;
	}
	if (!find_offer(ps, o_has43)) {
		pi_report(
		    ps, R_NO_OPT43, 0, f,
		    xstrdup("the offers carry no option 43 (PXE boot menu), so the Pi ignores "
			    "them"),
		    sbuf_take(&e),
		    xstrdup("add pxe-service=0,\"Raspberry Pi Boot   \" (dnsmasq) or option 43 "
			    "with sub-option 9 (ISC/Kea); check that tags keyed on Pi OUIs include "
			    "this MAC"));
		return true;
	}
	if (!find_offer(ps, o_menu)) {
		pi_report(ps, R_NO_MENU, 0, find_offer(ps, o_has43)->frame,
			  xstrdup("option 43 is there but has no \"Raspberry Pi Boot\" menu entry"),
			  sbuf_take(&e),
			  xstrdup("make the PXE menu text \"Raspberry Pi Boot   \" (pxe-service=0,"
				  "\"Raspberry Pi Boot   \"), not a generic PXE/iPXE menu"));
		return true;
	}
	if (mi->needs_menu_spaces && !find_offer(ps, o_spaces)) {
		pi_report(ps, R_MENU_SPACES, 0, find_offer(ps, o_menu)->frame,
			  xstrdup("the Pi 3B was offered \"Raspberry Pi Boot\" without the three "
				  "trailing spaces its ROM needs"),
			  sbuf_take(&e),
			  xstrdup("write the menu text as \"Raspberry Pi Boot   \" (three spaces; "
				  "harmless for other models)"));
		return true;
	}
	if (!find_offer(ps, o_tftp)) {
		pi_report(ps, R_NO_TFTP_SERVER, 0, find_offer(ps, o_menu)->frame,
			  xstrdup("the boot offer names no TFTP server: siaddr, option 66 and "
				  "option 54 are all empty"),
			  sbuf_take(&e),
			  xstrdup("set next-server/siaddr and option 66 to the TFTP server's "
				  "address (or TFTP_IP in the Pi 4/5 EEPROM)"));
		return true;
	}
	sbuf_done(&e);
	return false;
}

static bool explain_pi3_loop(struct diag *d, struct pistate *ps)
{
	const struct pi_model_info *mi = model_info(ps->pub.model);
	const struct offer_rec *bo = &ps->offers[ps->boot_offer], *a, *b;
	char ip[16], net[16];
	struct sbuf e;
	sbuf_init(&e);
	if (mi->proxy_reply_delay && proxy_burst(ps, &a, &b)) {
		sbuf_printf(&e, "OFFER from %s ", ip_str(a->server, ip));
		ev_ref(d, &e, a->frame, a->ts);
		sbuf_printf(&e, " and OFFER from %s ", ip_str(b->server, ip));
		ev_ref(d, &e, b->frame, b->ts);
		sbuf_printf(&e, " %.2f s apart, then %u DISCOVER%s and no TFTP",
			    tv_diff(b->ts, a->ts), ps->n_discover, ps->n_discover == 1 ? "" : "s");
		pi_report(ps, R_PROXY_NO_DELAY, 0, b->frame,
			  xstrdup("the address offer and the proxy boot offer reached the Pi 3 "
				  "within 2 s, which locks its ROM into a DISCOVER loop"),
			  sbuf_take(&e),
			  xstrdup("set dhcp-reply-delay=tag:pi3,1 (reply_delay = 1 in the profile) "
				  "on the proxy DHCP server"));
		return true;
	}
	if (mi->tftp_onlink_only && ps->mask && ps->pub.ip &&
	    (bo->tftp_ip & ps->mask) != (ps->pub.ip & ps->mask)) {
		sbuf_printf(&e, "offer ");
		ev_ref(d, &e, bo->frame, bo->ts);
		sbuf_printf(&e, " gives TFTP server %s outside the Pi's subnet %s/%s",
			    ip_str(bo->tftp_ip, ip), ip_str(ps->pub.ip & ps->mask, net),
			    ip_str(ps->mask, (char[16]){0}));
		pi_report(ps, R_TFTP_OFFLINK, 0, bo->frame,
			  xstrdup("the Pi 3B ROM cannot reach a TFTP server on another subnet"),
			  sbuf_take(&e),
			  xstrdup("run TFTP on the Pi's own subnet (fixed in the 3B+)"));
		return true;
	}
	sbuf_printf(&e, "usable boot offer ");
	ev_ref(d, &e, bo->frame, bo->ts);
	sbuf_printf(&e, ", then %u DISCOVER%s and no TFTP read request", ps->n_discover,
		    ps->n_discover == 1 ? "" : "s");
	pi_report(ps, R_PI3_IGNORED, 0, bo->frame,
		  xstrdup("the Pi 3 got a usable boot offer but never asked for bootcode.bin"),
		  sbuf_take(&e),
		  xstrdup("check the TFTP server is on the Pi's subnet and answers ARP; an SD card "
			  "with only bootcode.bin works around ROM bugs"));
	return true;
}

void offers_ignored(struct diag *d, struct pistate *ps)
{
	const struct pi_model_info *mi = model_info(ps->pub.model);
	bool sure = ps->model_from_guid || (ps->prof && ps->prof->model != PI_MODEL_UNKNOWN);
	const struct offer_rec *last = &ps->offers[ps->n_offers - 1], *a, *b;
	struct sbuf e, c;
	sbuf_init(&e);
	sbuf_init(&c);
	sbuf_printf(&e, "%u DISCOVER%s after offers, no REQUEST and no TFTP; ", ps->n_disc_after_offer,
		    ps->n_disc_after_offer == 1 ? "" : "s");
	offer_list(d, ps, &e, false);
	/* What this model's ROM is known to reject, most specific first (spec
	 * netboot-servers-and-failures.md §4): only the ones these offers show. */
	unsigned k = 0;
	bool relay = false, raw = false;
	for (unsigned i = 0; i < ps->n_offers; i++) {
		relay |= ps->offers[i].giaddr != 0;
		raw |= ps->offers[i].raw43;
	}
	if (!find_offer(ps, o_spaces))
		sbuf_printf(&c, "%u) the menu text lacks the three trailing spaces (\"Raspberry Pi "
				"Boot   \") the Pi 3B ROM needs%s; ",
			    ++k, mi->needs_menu_spaces ? "" : " (harmless to add)");
	if (proxy_burst(ps, &a, &b))
		sbuf_printf(&c, "%u) two offers within %.2f s (an address offer and a proxy boot "
				"offer): the Pi 3 ROM loops; set a reply delay on the proxy; ",
			    ++k, tv_diff(b->ts, a->ts));
	if (relay)
		sbuf_printf(&c, "%u) the offers came through a DHCP relay, which the Pi 3B ROM "
				"rejects; ", ++k);
	if (ps->mask && ps->pub.ip && last->tftp_ip &&
	    (last->tftp_ip & ps->mask) != (ps->pub.ip & ps->mask))
		sbuf_printf(&c, "%u) the TFTP server is on another subnet; ", ++k);
	if (raw)
		sbuf_printf(&c, "%u) option 43 is not a clean PXE sub-option list; ", ++k);
	if (!k)
		sbuf_printf(&c, "1) option 43's contents (menu entry and discovery control 3); 2) "
				"a second DHCP server answering the same DISCOVER; ");
	sbuf_printf(&c, "fix the first that applies, then capture again");
	pi_report(ps, R_OFFERS_IGNORED, 0, last->frame,
		  xasprintf("the Pi ignored %u offer%s and kept DISCOVERing: its boot ROM %s"
			    "rejected them%s",
			    ps->n_offers, ps->n_offers == 1 ? "" : "s", sure ? "" : "likely ",
			    sure ? "" : " (the model is not known for sure: it comes from the MAC)"),
		  sbuf_take(&e), sbuf_take(&c));
}

static bool explain_request(struct diag *d, struct pistate *ps)
{
	if (ps->nak_frame)
		return true; /* already reported as dhcp-nak */
	if (!ps->n_request)
		return false;
	struct sbuf e;
	sbuf_init(&e);
	if (ps->ack_frame) {
		char ip[16];
		sbuf_add(&e, "address bound by the ACK ");
		ev_ref(d, &e, ps->ack_frame, ps->pub.stage_time[STAGE_BOUND]);
		sbuf_printf(&e, ", boot offer named TFTP server %s, then no TFTP read request",
			    ip_str(ps->tftp_ip, ip));
		pi_report(
		    ps, R_NO_TFTP_REQUEST, 0, ps->ack_frame,
		    xstrdup("the Pi took its address but never asked for a file over TFTP"),
		    sbuf_take(&e),
		    xstrdup("check the TFTP server address in the offer (option 66/siaddr) is "
			    "reachable, or set TFTP_IP in the EEPROM"));
		return true;
	}
	sbuf_printf(&e, "%u REQUEST%s from ", ps->n_request, ps->n_request == 1 ? "" : "s");
	ev_ref(d, &e, ps->first_req_frame, ps->first_req_ts);
	sbuf_add(&e, " and no ACK");
	bool relay = false;
	for (unsigned i = 0; i < ps->n_offers; i++)
		relay = relay || ps->offers[i].giaddr;
	if (relay)
		sbuf_add(&e, "; the offers came through a relay");
	pi_report(ps, R_NO_ACK, 0, ps->first_req_frame,
		  xstrdup("the Pi's DHCP REQUESTs were never acknowledged"), sbuf_take(&e),
		  xstrdup(relay ? "serve DHCP on the Pi's subnet (Pi 4 relay issue, EE#58) or "
				  "update the bootloader"
				: "check the DHCP server log for this MAC; only one server may "
				  "answer"));
	return true;
}

bool dhcp_explain(struct diag *d, struct pistate *ps, bool at_end)
{
	(void)at_end;
	if (!ps->n_offers)
		return false;
	if (ps->boot_offer < 0)
		return explain_offers(d, ps);
	if (model_info(ps->pub.model)->rom_dhcp_no_request)
		return explain_pi3_loop(d, ps);
	return explain_request(d, ps);
}

/* ---- ARP and STP ---- */

static bool arp_known(const struct pistate *ps, uint32_t tpa)
{
	if (tpa == ps->tftp_ip || tpa == ps->router || tpa == ps->pub.ip || tpa == ps->addr_server)
		return true;
	for (unsigned i = 0; i < ps->n_offers; i++) {
		const struct offer_rec *o = &ps->offers[i];
		uint32_t ip66 = 0;
		if (o->has66)
			ipv4_parse(o->opt66, &ip66);
		if (tpa == o->server || tpa == o->siaddr || tpa == o->router || tpa == ip66 ||
		    tpa == o->src_ip)
			return true;
	}
	return false;
}

void dx_arp(struct diag *d, const struct pnb_event *ev)
{
	const struct ev_arp *a = &ev->u.arp;
	if (a->op != 1)
		return;
	struct pistate *ps = diag_pi_get(d, a->sha);
	if (!ps || ps->phase == PH_KERNEL || ps->boot_offer < 0 || !a->tpa || a->tpa == a->spa)
		return;
	ps->last_frame = ev->frame;
	ps->last_ts = ev->ts;
	const struct offer_rec *bo = &ps->offers[ps->boot_offer];
	char ip[16], o66[16];
	struct sbuf e;
	if (!arp_known(ps, a->tpa) && bo->has66 && !model_is_pi3_family(ps->pub.model)) {
		sbuf_init(&e);
		sbuf_printf(&e, "ARP who-has %s ", ip_str(a->tpa, ip));
		ev_ref(d, &e, ev->frame, ev->ts);
		sbuf_printf(&e, " after option 66 \"%s\" in ", bo->opt66);
		ev_ref(d, &e, bo->frame, bo->ts);
		pi_report(
		    ps, R_ARP_GARBAGE, 0, ev->frame,
		    xasprintf("the Pi ARPs for %s, an address no offer named: its EEPROM "
			      "misread option 66 \"%s\"",
			      ip, bo->opt66),
		    sbuf_take(&e),
		    xstrdup("update the bootloader EEPROM (rpi-eeprom-update), or set TFTP_IP"));
		return;
	}
	const struct pi_model_info *mi = model_info(ps->pub.model);
	if (mi->tftp_onlink_only && ps->mask && ps->pub.ip &&
	    (a->tpa & ps->mask) != (ps->pub.ip & ps->mask)) {
		sbuf_init(&e);
		sbuf_printf(&e, "ARP who-has %s ", ip_str(a->tpa, ip));
		ev_ref(d, &e, ev->frame, ev->ts);
		sbuf_printf(&e, " from %s/%s, no gateway used", ip_str(ps->pub.ip, o66),
			    ip_str(ps->mask, (char[16]){0}));
		pi_report(ps, R_TFTP_OFFLINK, 0, ev->frame,
			  xasprintf("the Pi 3B ARPs for TFTP server %s on another subnet; its ROM "
				    "does not route",
				    ip),
			  sbuf_take(&e),
			  xstrdup("run TFTP on the Pi's own subnet (fixed in the 3B+)"));
	}
}

void dx_stp(struct diag *d, const struct pnb_event *ev)
{
	const struct ev_stp *s = &ev->u.stp;
	if (!d->n_bpdu++) {
		d->bpdu_frame = ev->frame;
		d->bpdu_ts = ev->ts;
		d->stp_version = s->version;
		d->fwd_delay = s->forward_delay;
		static const char *const names[] = {"STP", "STP", "RSTP", "MSTP"};
		struct sbuf e;
		sbuf_init(&e);
		sbuf_printf(&e, "first BPDU ");
		ev_ref(d, &e, ev->frame, ev->ts);
		sbuf_printf(&e, ": %s, forward delay %u s", names[s->version & 3],
			    s->forward_delay);
		site_report(d, R_STP_BPDU, ev->frame,
			    xasprintf("the switch runs spanning tree (%s) on this segment: a port "
				      "that is not an edge port blocks for ~%u s after link-up",
				      names[s->version & 3], 2u * s->forward_delay),
			    sbuf_take(&e),
			    xstrdup("configure the Pis' switch ports as portfast / edge ports"));
	}
	if (s->flags & 0x01) {
		d->tc_frame = ev->frame;
		d->tc_ts = ev->ts;
	}
}
