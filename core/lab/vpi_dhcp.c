/* vpi_dhcp — the virtual Pi's DHCP: the boot ROM / EEPROM bootloader's PXE DISCOVER with the
 * model's options, its rules for accepting an offer, and the kernel's plain DHCP.
 * Facts: shared/spec/eeprom-otp.md §5.1, §5.2, §5.3, §5.5; decoding.md §1.4–1.6. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "core/base/util.h"
#include "core/lab/vpi.h"

#define PXE_CLASS "PXEClient:Arch:00000:UNDI:002001"
#define MENU_TEXT "Raspberry Pi Boot"
/* The Pi 3 ROM locks up when the address offer and the proxy's PXE offer arrive close together
 * (FW#934 says "within 2 seconds"), yet dnsmasq's dhcp-reply-delay of 1 s is the documented
 * cure (FW#859, piserver), so the real window is under a second. 750 ms leaves room for the
 * scheduling jitter of a 1 s delay (measured 980–1020 ms here). */
#define PI3_OFFER_GAP_MS 750

static const uint8_t params_pi3[] = {43, 60, 67, 128, 129, 130, 131, 132, 133, 134, 135, 66};
static const uint8_t params_pi4[] = {1, 3, 43, 60, 66, 67, 128, 129, 130, 131, 132, 133, 134, 135};
/* The kernel's ipconfig (ip=dhcp): net/ipv4/ipconfig.c ic_req_params, 42 since NTP servers. */
static const uint8_t params_kernel[] = {1, 3, 6, 12, 15, 17, 26, 40, 42};

struct opt_writer {
	uint8_t *p;
	size_t n, cap;
};

static void opt(struct opt_writer *w, uint8_t code, const void *val, size_t len)
{
	if (w->n + 2 + len > w->cap)
		return;
	w->p[w->n++] = code;
	w->p[w->n++] = (uint8_t)len;
	memcpy(w->p + w->n, val, len);
	w->n += len;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Option 97: 3B a constant (all 0x44); 3B+ the serial (layout unconfirmed: repeated, like
 * DHCP_OPTION97=0); Pi 4/5 FourCC, revision LE, the MAC's low 4 bytes, serial LE (§5.5). */
static void guid(const struct vpi *v, uint8_t g[17])
{
	uint32_t serial = (uint32_t)strtoul(v->serial, NULL, 16);
	g[0] = 0;
	if (v->mi->dhcp_guid_fourcc) {
		memcpy(g + 1, v->mi->dhcp_guid_fourcc, 4);
		put_le32(g + 5, v->revision);
		memcpy(g + 9, v->mac + 2, 4);
		put_le32(g + 13, serial);
	} else if (v->model == PI_3B || v->model == PI_2B || v->model == PI_CM3) {
		memset(g + 1, 0x44, 16);
	} else {
		for (int i = 0; i < 4; i++)
			put_le32(g + 1 + 4 * i, serial);
	}
}

size_t vpi_dhcp_build(const struct vpi *v, enum vpi_dhcp_kind kind, uint8_t msg_type,
		      uint32_t req_ip, uint32_t server_id, uint8_t *out, size_t cap)
{
	if (cap < 300)
		return 0;
	memset(out, 0, 240);
	out[0] = 1; /* BOOTREQUEST */
	out[1] = 1;
	out[2] = 6;
	put32(out + 4, v->xid);
	memcpy(out + 28, v->mac, 6);
	put32(out + 236, 0x63825363);
	struct opt_writer w = {out + 240, 0, cap - 241};
	opt(&w, 53, &msg_type, 1);
	uint8_t a[4];
	if (req_ip) {
		put32(a, req_ip);
		opt(&w, 50, a, 4);
	}
	if (server_id) {
		put32(a, server_id);
		opt(&w, 54, a, 4);
	}
	if (kind == VPI_DHCP_KERNEL) {
		opt(&w, 55, params_kernel, sizeof(params_kernel));
	} else {
		bool pi3 = model_is_pi3_family(v->model);
		opt(&w, 55, pi3 ? params_pi3 : params_pi4, pi3 ? sizeof(params_pi3) : sizeof(params_pi4));
		static const uint8_t arch[2] = {0, 0}, undi[3] = {1, 2, 1};
		uint8_t g[17];
		guid(v, g);
		opt(&w, 93, arch, 2);
		opt(&w, 94, undi, 3);
		opt(&w, 97, g, 17);
		opt(&w, 60, PXE_CLASS, strlen(PXE_CLASS));
	}
	w.p[w.n++] = 255;
	size_t len = 240 + w.n;
	return len < 300 ? 300 : len; /* BOOTP minimum, as the ROM pads */
}

bool vpi_menu_accepted(enum pi_model m, const char *t, size_t n)
{
	/* The 3B ROM miscounts the length: the text must go on for three more characters. */
	if (model_info(m)->needs_menu_spaces)
		return n >= 20 && memcmp(t, MENU_TEXT "   ", 20) == 0;
	return memmem(t, n, MENU_TEXT, strlen(MENU_TEXT)) != NULL;
}

static void printable(char *out, size_t cap, const uint8_t *p, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < cap; i++)
		out[o++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.';
	out[o] = '\0';
}

/* Walks DHCP-style TLVs (pad 0, end 255) from *i; returns the next option's value, or NULL at
 * the end or where a length would run past n. */
static const uint8_t *tlv_next(const uint8_t *p, size_t n, size_t *i, uint8_t *code,
			       uint8_t *len)
{
	while (*i < n && p[*i] == 0)
		(*i)++;
	if (*i + 2 > n || p[*i] == 255 || *i + 2 + p[*i + 1] > n)
		return NULL;
	*code = p[*i];
	*len = p[*i + 1];
	const uint8_t *val = p + *i + 2;
	*i += 2 + (size_t)*len;
	return val;
}

static void set_menu(const struct vpi *v, struct vpi_offer *o, const uint8_t *t, size_t n)
{
	o->menu_found = true;
	printable(o->menu, sizeof(o->menu), t, n);
	o->menu_ok = vpi_menu_accepted(v->model, (const char *)t, n);
}

/* Option 43 as PXE sub-options; the Pi 3 ROM also takes the raw string (community configs). */
static void parse_43(const struct vpi *v, const uint8_t *p, size_t n, struct vpi_offer *o)
{
	o->has_43 = true;
	size_t i = 0;
	uint8_t code, len;
	for (const uint8_t *val; (val = tlv_next(p, n, &i, &code, &len));) {
		if (code == 9 && len >= 3 && 3 + (size_t)val[2] <= len) {
			set_menu(v, o, val + 3, val[2]);
			return;
		}
	}
	const uint8_t *s = memmem(p, n, MENU_TEXT, strlen(MENU_TEXT));
	if (model_is_pi3_family(v->model) && s)
		set_menu(v, o, s, n - (size_t)(s - p));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

bool vpi_dhcp_parse(const struct vpi *v, const uint8_t *p, size_t len, uint8_t *msg_type,
		    struct vpi_offer *o)
{
	memset(o, 0, sizeof(*o));
	*msg_type = 0;
	if (len < 241 || p[0] != 2 || get32(p + 4) != v->xid || memcmp(p + 28, v->mac, 6) != 0 ||
	    get32(p + 236) != 0x63825363)
		return false;
	o->yiaddr = get32(p + 16);
	o->siaddr = get32(p + 20);
	size_t i = 240;
	uint8_t code, n;
	for (const uint8_t *val; (val = tlv_next(p, len, &i, &code, &n));) {
		if (code == 53 && n == 1)
			*msg_type = val[0];
		else if (code == 54 && n == 4)
			o->server_id = get32(val);
		else if (code == 1 && n == 4)
			o->mask = get32(val);
		else if (code == 3 && n >= 4)
			o->router = get32(val);
		else if (code == 60)
			o->pxe_class = n >= 9 && memcmp(val, "PXEClient", 9) == 0;
		else if (code == 43)
			parse_43(v, val, n, o);
		else if (code == 17)
			printable(o->root_path, sizeof(o->root_path), val, n);
		else if (code == 224)
			printable(o->opt224, sizeof(o->opt224), val, n);
		else if (code == 66) {
			printable(o->tftp66_text, sizeof(o->tftp66_text), val, n);
			if (!ipv4_parse(o->tftp66_text, &o->tftp66))
				o->tftp66 = 0;
		}
	}
	gettimeofday(&o->t, NULL);
	return *msg_type != 0;
}

/* Fresh per exchange and distinct across many Pis started in the same microsecond. */
static uint32_t new_xid(const struct vpi *v)
{
	uint32_t m = (uint32_t)v->mac[2] << 24 | (uint32_t)v->mac[3] << 16 |
		     (uint32_t)v->mac[4] << 8 | v->mac[5];
	return (uint32_t)random() ^ m * 2654435761u;
}

static long ms_between(const struct timeval *a, const struct timeval *b)
{
	return (b->tv_sec - a->tv_sec) * 1000 + (b->tv_usec - a->tv_usec) / 1000;
}

struct offers {
	struct vpi_offer addr, pxe, bad_pxe;
	bool have_addr, have_pxe, have_bad;
	int n;
};

static void note_offer(struct vpi *v, struct offers *of, const struct vpi_offer *o)
{
	char sid[16], yi[16];
	ipv4_format(o->server_id ? o->server_id : o->src_ip, sid);
	ipv4_format(o->yiaddr, yi);
	vpi_log(v, "OFFER from %s: yiaddr %s%s%s%s%s", sid, yi, o->has_43 ? ", option 43" : "",
		o->menu_found ? " menu \"" : "", o->menu_found ? o->menu : "",
		o->menu_found ? "\"" : "");
	of->n++;
	if (o->yiaddr && !of->have_addr) {
		of->addr = *o;
		of->have_addr = true;
	}
	if (o->menu_ok && !of->have_pxe) {
		of->pxe = *o;
		of->have_pxe = true;
	} else if (!o->menu_ok && (o->has_43 || !o->yiaddr) && !of->have_bad) {
		of->bad_pxe = *o;
		of->have_bad = true;
	}
}

/* Sends DISCOVERs the model's way and gathers offers until one address and one acceptable PXE
 * offer are in (or the ROM gives up). */
/* How long the ROM / bootloader keeps at DHCP: 5 DISCOVERs 5 s apart on a Pi 3, DHCP_TIMEOUT
 * (45 s) on a Pi 4/5, or --dhcp-timeout; never past --timeout. */
static long dhcp_budget_ms(const struct vpi *v)
{
	int interval = v->mi->discover_interval_ms ? v->mi->discover_interval_ms : 4000;
	int tries = v->mi->discover_retries;
	long budget = (long)(v->o.dhcp_timeout ? v->o.dhcp_timeout
					       : (tries ? tries * interval / 1000 : 45)) * 1000;
	return budget < vpi_time_left_ms(v) ? budget : vpi_time_left_ms(v);
}

static void collect_offers(struct vpi *v, struct offers *of, long budget)
{
	int interval = v->mi->discover_interval_ms ? v->mi->discover_interval_ms : 4000;
	int tries = v->mi->discover_retries;
	uint8_t pkt[576], buf[1500];
	struct timeval t0;
	gettimeofday(&t0, NULL);
	for (int n = 0; !tries || n < tries; n++) {
		size_t len = vpi_dhcp_build(v, VPI_DHCP_ROM, 1, 0, 0, pkt, sizeof(pkt));
		vpi_udp_broadcast(v, 68, 67, pkt, len);
		vpi_log(v, "DISCOVER %d sent (vendor class " PXE_CLASS ", option 93 0, option 97)",
			n + 1);
		if (n == 0) {
			char mac[18];
			mac_format(v->mac, ':', mac);
			vpi_stage_done(v, STAGE_DISCOVER,
				       "DISCOVER from %s with vendor class " PXE_CLASS, mac);
		}
		struct timeval ts;
		gettimeofday(&ts, NULL);
		for (;;) {
			struct timeval now;
			gettimeofday(&now, NULL);
			long wait = interval - ms_between(&ts, &now);
			long left = budget - ms_between(&t0, &now);
			if (left < wait)
				wait = left;
			/* once both kinds are in, stay a moment to see a second offer arrive */
			if (of->have_addr && of->have_pxe)
				return;
			if (wait <= 0 || vpi_cancelled(v))
				break;
			uint32_t src;
			int r = vpi_udp_recv(v, 68, (int)wait, buf, sizeof(buf), &src);
			struct vpi_offer o;
			uint8_t type;
			if (r > 0 && vpi_dhcp_parse(v, buf, (size_t)r, &type, &o) && type == 2) {
				o.src_ip = src;
				note_offer(v, of, &o);
			}
		}
		struct timeval now;
		gettimeofday(&now, NULL);
		if (ms_between(&t0, &now) >= budget || vpi_cancelled(v))
			return;
	}
}

static uint32_t tftp_server_of(const struct vpi *v, const struct vpi_offer *pxe)
{
	if (model_is_pi3_family(v->model))
		return pxe->server_id ? pxe->server_id : pxe->siaddr; /* FW#801: siaddr ignored */
	if (pxe->tftp66)
		return pxe->tftp66;
	return pxe->siaddr ? pxe->siaddr : pxe->server_id;
}

/* Judges the offers as the ROM does; a failure is charged to stage st (the ROM's DHCP is stage
 * 2, bootcode.bin's own DHCP happens inside stage 4). */
static int offer_verdict(struct vpi *v, struct offers *of, enum boot_stage st)
{
	if (!of->n)
		return vpi_fail(v, st, "no-offer",
				"start the boot server's DHCP (proxy) and check the Pi's MAC is "
				"answered (dnsmasq: dhcp-host / tag for the MAC)",
				"no DHCP offer at all after %s", model_is_pi3_family(v->model)
				? "5 DISCOVERs 5 s apart (the Pi 3 ROM now sleeps until power-cycled)"
				: "the DHCP timeout");
	if (!of->have_pxe && of->have_bad && of->bad_pxe.menu_found)
		return vpi_fail(v, st,
				v->mi->needs_menu_spaces ? "menu-no-spaces" : "no-pi-boot-menu",
				v->mi->needs_menu_spaces
					? "use pxe-service=0,\"Raspberry Pi Boot   \" (three trailing "
					  "spaces) for Pi 3B clients"
					: "make the option 43 menu text \"Raspberry Pi Boot\"",
				"the %s ignores the offer: its option 43 menu text \"%s\" %s",
				v->mi->long_name, of->bad_pxe.menu,
				v->mi->needs_menu_spaces
					? "lacks the three trailing spaces the Pi 3B ROM needs "
					  "(\"Raspberry Pi Boot   \")"
					: "does not contain \"Raspberry Pi Boot\"");
	if (!of->have_pxe)
		return vpi_fail(v, st, "no-option-43",
				"add the PXE service (dnsmasq: pxe-service=0,\"Raspberry Pi Boot   \") "
				"so the offer carries option 43",
				"%d offer%s but none carries option 43 with \"Raspberry Pi Boot\": the "
				"Pi ignores them and keeps DISCOVERing",
				of->n, of->n == 1 ? "" : "s");
	if (!of->have_addr)
		return vpi_fail(v, st, "no-address",
				"with dhcp = proxy the network needs an ordinary DHCP server; or use "
				"dhcp = full",
				"a boot offer but no address offer: nothing gives the Pi an IP address");
	long gap = labs(ms_between(&of->addr.t, &of->pxe.t));
	if (v->mi->proxy_reply_delay && of->addr.server_id != of->pxe.server_id &&
	    gap < PI3_OFFER_GAP_MS) {
		/* The boot offer itself was fine (stage 2 on the wire); the ROM fails to use it,
		 * which the monitor charges to stage 3 (rule proxy-no-delay) as well. */
		if (st == STAGE_OFFER) {
			vpi_stage_done(v, STAGE_OFFER, "boot offer with menu \"%s\"", of->pxe.menu);
			st = STAGE_BOUND;
		}
		return vpi_fail(v, st, "proxy-no-delay",
				"set dhcp-reply-delay (1–2 s) on the proxy for this Pi's MAC "
				"(reply_delay in the profile)",
				"the address offer and the proxy's boot offer arrived %ld ms apart: "
				"the Pi 3 ROM firmware bug (two offers at once) locks it in a "
				"DISCOVER loop",
				gap);
	}
	return 0;
}

/* Waits up to ms for a reply of one of the types in the mask (1 << type), from server when it is
 * not 0, and with an address when need_addr. Returns the type, or -1 at the deadline. */
static int await_reply(struct vpi *v, int ms, unsigned types, uint32_t server, bool need_addr,
		       struct vpi_offer *out)
{
	uint8_t buf[1500];
	struct timeval ts, now;
	gettimeofday(&ts, NULL);
	for (gettimeofday(&now, NULL); ms_between(&ts, &now) < ms && !vpi_cancelled(v);
	     gettimeofday(&now, NULL)) {
		uint32_t src;
		uint8_t type;
		int r = vpi_udp_recv(v, 68, ms - (int)ms_between(&ts, &now), buf, sizeof(buf), &src);
		if (r > 0 && vpi_dhcp_parse(v, buf, (size_t)r, &type, out) && (types >> type & 1) &&
		    (!server || out->server_id == server) && (!need_addr || out->yiaddr)) {
			out->src_ip = src;
			return type;
		}
	}
	return -1;
}

static int request_ack(struct vpi *v, const struct vpi_offer *addr, enum vpi_dhcp_kind kind,
		       struct vpi_offer *ack)
{
	uint8_t pkt[576];
	for (int n = 0; n < 3; n++) {
		size_t len = vpi_dhcp_build(v, kind, 3, addr->yiaddr, addr->server_id, pkt, sizeof(pkt));
		vpi_udp_broadcast(v, 68, 67, pkt, len);
		vpi_log(v, "REQUEST sent for the offered address");
		int type = await_reply(v, 4000, 1u << 5 | 1u << 6, addr->server_id, false, ack);
		if (type > 0) {
			vpi_log(v, "%s", type == 5 ? "ACK" : "NAK");
			return type == 5 ? 0 : -2;
		}
	}
	return -1;
}

static int bind_address(struct vpi *v, const struct vpi_offer *o, enum boot_stage st)
{
	char *err = NULL;
	uint32_t mask = o->mask ? o->mask : ipv4_netmask(24);
	if (vpi_set_address(v, o->yiaddr, mask, o->router, &err) < 0) {
		int rc = vpi_fail(v, st, "local", NULL, "%s", err);
		free(err);
		return rc;
	}
	return 0;
}

int vpi_rom_dhcp(struct vpi *v)
{
	struct offers of;
	long deadline = vpi_elapsed_ms(v) + dhcp_budget_ms(v);
	memset(&of, 0, sizeof(of));
	v->xid = new_xid(v);
	collect_offers(v, &of, deadline - vpi_elapsed_ms(v));
	if (offer_verdict(v, &of, STAGE_OFFER) < 0)
		return -1;
	v->tftp_server = tftp_server_of(v, &of.pxe);
	char srv[16], yi[16];
	ipv4_format(v->tftp_server, srv);
	ipv4_format(of.addr.yiaddr, yi);
	if (!v->tftp_server)
		return vpi_fail(v, STAGE_OFFER, "no-tftp-server",
				"set option 66 and siaddr to the TFTP server's address",
				"the boot offer names no TFTP server (no option 66, siaddr or "
				"option 54)");
	vpi_stage_done(v, STAGE_OFFER, "boot offer with menu \"%s\", TFTP server %s; address %s",
		       of.pxe.menu, srv, yi);
	if (v->mi->rom_dhcp_no_request) {
		if (bind_address(v, &of.addr, STAGE_BOUND) < 0)
			return -1;
		vpi_stage_done(v, STAGE_BOUND, "uses %s straight from the OFFER (the Pi 3 ROM never "
					       "REQUESTs)", yi);
		return 0;
	}
	struct vpi_offer ack;
	int rc = request_ack(v, &of.addr, VPI_DHCP_ROM, &ack);
	/* no ACK, or a NAK (another client REQUESTed the same offered address first, as happens
	 * when a fleet boots at once; RFC 2131 §3.1): the bootloader starts over with a DISCOVER
	 * while its DHCP_TIMEOUT lasts */
	while (rc < 0 && deadline - vpi_elapsed_ms(v) > 0) {
		vpi_log(v, "%s: DISCOVER again", rc == -2 ? "NAK" : "no ACK");
		memset(&of, 0, sizeof(of));
		v->xid = new_xid(v);
		collect_offers(v, &of, deadline - vpi_elapsed_ms(v));
		if (!of.have_addr || !of.have_pxe)
			break;
		rc = request_ack(v, &of.addr, VPI_DHCP_ROM, &ack);
		ipv4_format(of.addr.yiaddr, yi);
	}
	if (rc == -2)
		return vpi_fail(v, STAGE_BOUND, "dhcp-nak", "make sure only one DHCP server hands out "
							"addresses on this segment",
				"the DHCP server answered the REQUEST for %s with a NAK", yi);
	if (rc < 0)
		return vpi_fail(v, STAGE_BOUND, "no-ack", "check the DHCP server's log for the "
							   "Pi's REQUEST",
				"no ACK to 3 REQUESTs for %s", yi);
	if (bind_address(v, &of.addr, STAGE_BOUND) < 0)
		return -1;
	vpi_stage_done(v, STAGE_BOUND, "REQUEST/ACK for %s", yi);
	return 0;
}

int vpi_kernel_dhcp(struct vpi *v)
{
	uint8_t pkt[576];
	struct vpi_offer got, ack;
	int rc = -1;
	/* a NAK sends the kernel's (and the initramfs's) DHCP client back to DISCOVER */
	for (int round = 0; round < 3 && rc < 0; round++) {
		bool have = false;
		v->xid = new_xid(v);
		for (int n = 0; n < 5 && !have; n++) {
			size_t len = vpi_dhcp_build(v, VPI_DHCP_KERNEL, 1, 0, 0, pkt, sizeof(pkt));
			vpi_udp_broadcast(v, 68, 67, pkt, len);
			vpi_log(v, "kernel DISCOVER %d sent", n + 1);
			have = await_reply(v, 3000, 1u << 2, 0, true, &got) == 2;
		}
		if (!have)
			return vpi_fail(v, STAGE_KERNEL_NET, "no-kernel-dhcp",
					"the kernel's DHCP needs an ordinary DHCP server (a proxy gives "
					"no address), or put a static ip= in cmdline.txt",
					"the kernel's DHCP got no address offer");
		rc = request_ack(v, &got, VPI_DHCP_KERNEL, &ack);
		if (rc == -2)
			vpi_log(v, "NAK: kernel DISCOVER again");
	}
	char yi[16];
	ipv4_format(got.yiaddr, yi);
	if (rc < 0)
		return vpi_fail(v, STAGE_KERNEL_NET, rc == -2 ? "kernel-nak" : "kernel-no-ack", NULL,
				"the kernel's REQUEST for %s got %s", yi, rc == -2 ? "a NAK" : "no ACK");
	if (bind_address(v, &got, STAGE_KERNEL_NET) < 0)
		return -1;
	/* what an initramfs may take its root from (seed 002's shim: option 17, mode in 224) */
	snprintf(v->dhcp_root_path, sizeof(v->dhcp_root_path), "%s", ack.root_path);
	snprintf(v->dhcp_opt224, sizeof(v->dhcp_opt224), "%s", ack.opt224);
	vpi_stage_done(v, STAGE_KERNEL_NET, "kernel DHCP: %s", yi);
	return 0;
}

/* bootcode.bin (Pi 3) does a DHCP round of its own after it is loaded, the ROM's way: DISCOVER,
 * OFFER, no REQUEST; the same offer rules apply (spec netboot-servers-and-failures.md §3.5). */
int vpi_bootcode_dhcp(struct vpi *v)
{
	struct offers of;
	memset(&of, 0, sizeof(of));
	v->xid = new_xid(v);
	vpi_log(v, "bootcode.bin's own DHCP");
	collect_offers(v, &of, dhcp_budget_ms(v));
	if (offer_verdict(v, &of, STAGE_TFTP_FIRMWARE) < 0)
		return -1;
	uint32_t server = tftp_server_of(v, &of.pxe);
	if (server && server != v->tftp_server) {
		char a[16], b[16];
		ipv4_format(v->tftp_server, a);
		ipv4_format(server, b);
		vpi_log(v, "bootcode.bin takes TFTP server %s (the ROM used %s)", b, a);
		v->tftp_server = server;
	}
	if (of.addr.yiaddr != v->ip)
		return bind_address(v, &of.addr, STAGE_TFTP_FIRMWARE);
	return 0;
}
