/* log_pi — the Pi's own account of its boot: the Pi 4/5 bootloader's UART / HDMI / NETCONSOLE
 * text, the Pi 3 bootcode.bin UART and start.elf's MESS: lines (spec/eeprom-otp.md §5.11).
 * The Pi names itself ("NET_BOOT: <mac> wait for link", "Initialise ethernet with MAC <mac>"),
 * then every DHCP offer it received ("DHCP src: <mac> <ip>", "YI_ADDR", "op: 53 … OFFER",
 * "PXE op: 9" with a hex dump of the menu text), the address it took ("NET <ip> … tftp <ip>"),
 * each file it asked for ("TFTP_GET: <mac> <ip> <path>") and how that ended ("TFTP 1: File
 * not found", "TFTP: complete <n>", "Read <file> bytes <n>"). These become the DHCP and TFTP
 * events a capture of the same boot would give, seen from the Pi's side. */
#include <stdlib.h>
#include <string.h>

#include "capture/log_int.h"
#include "core/base/util.h"

static const char pxe_class[] = "PXEClient:Arch:00000:UNDI:002001";

/* The Pi's DISCOVER is not printed; that it sent one is certain once it waits for offers. */
static void discover(struct log_src *s)
{
	if (s->uart_dhcp_started || !s->has_pi_mac)
		return;
	s->uart_dhcp_started = true;
	struct pnb_event *ev = log_ev_dhcp(s, 1, s->pi_mac, 0, 0);
	if (ev)
		ev->u.dhcp.vendor_class = log_keep(s, pxe_class, sizeof(pxe_class) - 1);
}

static void set_mac(struct log_src *s, const uint8_t mac[6])
{
	if (s->has_pi_mac && memcmp(s->pi_mac, mac, 6) != 0)
		s->uart_dhcp_started = false;
	memcpy(s->pi_mac, mac, 6);
	s->has_pi_mac = true;
}

static void file_end(struct log_src *s, enum tftp_xfer_end end, uint16_t code, const char *msg,
		     uint64_t bytes)
{
	if (!s->uart_file[0] || !s->has_pi_mac)
		return;
	log_ev_xfer(s, s->pi_mac, s->pi_ip, s->tftp_ip, s->uart_file, end, code, msg, false,
		    bytes);
	if (end == XFER_COMPLETE)
		log_kernel_sent(s->set, s->pi_mac, s->uart_file);
	s->uart_file[0] = '\0';
}

static void get(struct log_src *s, const char *name)
{
	if (!s->has_pi_mac)
		return;
	if (s->uart_file[0]) /* the previous file ended without a word: it was there */
		file_end(s, XFER_COMPLETE, 0, NULL, 0);
	snprintf(s->uart_file, sizeof(s->uart_file), "%s", name);
	log_ev_rrq(s, s->pi_mac, s->pi_ip, s->tftp_ip, name);
}

/* "  N len:  M" after an option's "op:" word: the code, *p left at the length. */
static bool op_code(const char **p, uint64_t *code)
{
	*p = log_skip_ws(*p);
	if (!log_uint(p, code) || !log_word(p, " len:"))
		return false;
	*p = log_skip_ws(*p);
	return true;
}

/* The option dump of the offer being read. */
static bool offer_line(struct log_src *s, const char *p)
{
	struct log_dhcp_acc *a = &s->acc;
	uint32_t ip;
	uint64_t code, len;
	if (log_word(&p, "YI_ADDR ")) {
		if (a->open && log_ip(&p, &ip)) {
			a->h.yiaddr = ip;
			s->uart_srv = a->src_ip;
		}
		return true;
	}
	if (log_word(&p, "SI_ADDR ")) {
		if (a->open && log_ip(&p, &ip))
			a->h.siaddr = ip;
		return true;
	}
	if (log_word(&p, "OPTIONS:-"))
		return true;
	if (log_word(&p, "PXE op:")) {
		if (!op_code(&p, &code) || !log_uint(&p, &len))
			return false;
		if (a->open && code == 9) {
			a->hex_sub = 9;
			/* The dump starts at the menu text and runs len bytes: the text is len
			 * minus the type (2) and length (1) bytes that precede it on the wire. */
			a->hex_left = len >= 3 && len < 255 ? (uint8_t)(len - 3) : 0;
		}
		return true;
	}
	if (log_word(&p, "op:")) {
		if (!op_code(&p, &code))
			return false;
		if (!log_uint(&p, &len) || !a->open)
			return true;
		p = log_skip_ws(p);
		if (code == 53) {
			if (strstr(p, "OFFER"))
				a->h.msg_type = 2;
			else if (strstr(p, "recv ACK")) {
				a->h.msg_type = 5;
				s->uart_acked = true;
			}
			else if (strstr(p, "recv NAK"))
				a->h.msg_type = 6;
		} else if (code == 54 && log_ip(&p, &ip)) {
			a->h.server_id = ip;
		} else if (code == 1 && log_ip(&p, &ip)) {
			a->h.subnet_mask = ip;
		} else if (code == 3 && log_ip(&p, &ip)) {
			a->h.router = ip;
		} else if (code == 43 && len) {
			a->opt43_len = 0; /* filled from the PXE sub-options that follow */
			a->h.pxe_valid = true;
			if (!a->menu_len)
				a->opt43_cut = 1; /* until a menu shows up */
		}
		a->h.n_options++;
		return true;
	}
	/* "00000000  52 61 73 70 … |Raspberry Pi Boo|" */
	if (a->open && a->hex_sub == 9 && strlen(p) > 10 && p[8] == ' ' && p[9] == ' ') {
		const char *q = p + 10;
		for (int i = 0; i < 16 && a->hex_left; i++) {
			q = log_skip_ws(q);
			char *end;
			long v = strtol(q, &end, 16);
			if (end != q + 2 || v < 0 || v > 255)
				break;
			if (a->menu_len < sizeof(a->menu))
				a->menu[a->menu_len++] = (uint8_t)v;
			a->hex_left--;
			q = end;
		}
		if (a->menu_len) {
			a->opt43_cut = 0;
			/* sub-option 9 as dnsmasq writes it: type 0x8000… is not shown: use 0 */
			a->opt43_len = 0;
			uint8_t *o = a->opt43;
			o[0] = 9;
			o[1] = (uint8_t)(a->menu_len + 3);
			o[2] = 0;
			o[3] = 0;
			o[4] = (uint8_t)a->menu_len;
			memcpy(o + 5, a->menu, a->menu_len);
			o[5 + a->menu_len] = 255;
			a->opt43_len = (uint8_t)(6 + a->menu_len);
		}
		return true;
	}
	return false;
}

static bool pi3_line(struct log_src *s, const char *p)
{
	uint8_t mac[6];
	uint32_t ip, ip2;
	uint64_t n;
	char name[256];
	if (log_word(&p, "Initialise ethernet with MAC ")) {
		if (log_mac(&p, mac))
			set_mac(s, mac);
		return true;
	}
	if (log_word(&p, "Sending DHCP request") || log_word(&p, "Waiting for dhcp_reply")) {
		discover(s);
		return true;
	}
	if (log_word(&p, "ARP request: my IP addr ")) {
		/* The ROM took an offer: its address, then the TFTP server it ARPs for. */
		if (!log_ip(&p, &ip))
			return false;
		const char *e = strstr(p, "my eth_addr ");
		if (e) {
			e += 12;
			if (log_mac(&e, mac))
				set_mac(s, mac);
		}
		const char *f = strstr(p, "ARP for addr ");
		if (!f)
			return true;
		f += 13;
		if (!log_ip(&f, &ip2) || !s->has_pi_mac)
			return true;
		discover(s);
		s->pi_ip = ip;
		s->tftp_ip = ip2;
		log_ip_learn(s->set, ip, s->pi_mac);
		struct pnb_event *ev = log_ev(s, EV_ARP);
		if (ev) {
			memcpy(ev->src_mac, s->pi_mac, 6);
			memset(ev->dst_mac, 0xff, 6);
			ev->u.arp.op = 1;
			memcpy(ev->u.arp.sha, s->pi_mac, 6);
			ev->u.arp.spa = ip;
			ev->u.arp.tpa = ip2;
		}
		return true;
	}
	if (log_word(&p, "Done ARP for "))
		return true;
	if (log_word(&p, "Read File: ")) {
		/* "Read File: config.txt, 1784 (bytes)": read over TFTP, complete. */
		const char *c = strchr(p, ',');
		if (!c || (size_t)(c - p) >= sizeof(name) || !s->has_pi_mac)
			return c != NULL;
		snprintf(name, sizeof(name), "%.*s", (int)(c - p), p);
		const char *q = log_skip_ws(c + 1);
		n = 0;
		log_uint(&q, &n);
		discover(s);
		log_ev_rrq(s, s->pi_mac, s->pi_ip, s->tftp_ip, name);
		s->uart_file[0] = '\0';
		snprintf(s->uart_file, sizeof(s->uart_file), "%s", name);
		file_end(s, XFER_COMPLETE, 0, NULL, n);
		return true;
	}
	if (log_word(&p, "Raspberry Pi Bootcode") || log_word(&p, "Trying booting from Ethernet") ||
	    log_word(&p, "Trying USB") || log_word(&p, "Found SD card") || log_word(&p, "Link up") ||
	    log_word(&p, "Wait for Link up") || log_word(&p, "USB ethernet boot") ||
	    log_word(&p, "Failed to initialise link"))
		return true;
	return false;
}

/* start.elf: "brfs: File read: /mfs/sd/config.txt", "Failed to open command line file …",
 * "Loaded 'kernel8.img' …". */
static bool start_elf(struct log_src *s, const char *p)
{
	const char *q;
	if ((q = strstr(p, "brfs: File read: /mfs/sd/"))) {
		if (!s->has_pi_mac)
			return true;
		q += 25;
		s->uart_file[0] = '\0';
		log_ev_rrq(s, s->pi_mac, s->pi_ip, s->tftp_ip, q);
		snprintf(s->uart_file, sizeof(s->uart_file), "%s", q);
		file_end(s, XFER_COMPLETE, 0, NULL, 0);
		return true;
	}
	if ((q = strstr(p, "Failed to open command line file '")) ||
	    (q = strstr(p, "Failed to load Device Tree file '"))) {
		q = strchr(q, '\'') + 1;
		const char *e = strchr(q, '\'');
		if (!e || !s->has_pi_mac || e - q >= 255)
			return true;
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)(e - q), q);
		s->uart_file[0] = '\0';
		log_ev_rrq(s, s->pi_mac, s->pi_ip, s->tftp_ip, name);
		snprintf(s->uart_file, sizeof(s->uart_file), "%s", name);
		file_end(s, XFER_ERROR, 1, "File not found", 0);
		return true;
	}
	return strstr(p, "brfs:") || strstr(p, "Loaded '") || strstr(p, "Kernel relocated") ||
	       strstr(p, "Device tree loaded") || strstr(p, "Starting kernel");
}

/* Lines that say what happened without an event of their own: kept as the Pi's words so a
 * verdict can quote them (the NETCONSOLE evidence). */
static bool say(struct log_src *s, const char *p)
{
	static const char *const keys[] = {"Firmware not found", "NETBOOT init failed",
					    "NETBOOT CANCEL", "not found", "Boot mode: NETWORK",
					    "Starting start", "Link ready", "LINK STATUS",
					    "Trying partition", "Boot mode:"};
	for (size_t i = 0; i < PNB_ARRAY_LEN(keys); i++)
		if (strstr(p, keys[i])) {
			s->terminal = i < 3; /* the network boot mode gave up */
			if (!s->has_pi_mac)
				return true;
			struct pnb_event *ev = log_ev(s, EV_NETCONSOLE);
			if (ev) {
				memcpy(ev->src_mac, s->pi_mac, 6);
				ev->u.netconsole.line = log_keep(s, p, strlen(p) > 200 ? 200 : strlen(p));
			}
			return true;
		}
	return false;
}

bool log_parse_uart(struct log_src *s, struct log_line *l)
{
	const char *p = log_skip_ws(l->msg);
	uint8_t mac[6];
	uint32_t ip, mask, gw, tftp;
	uint64_t n;
	if (offer_line(s, p))
		return true;
	if (log_word(&p, "NET_BOOT: ") || log_word(&p, "NETWORK: ")) {
		if (!log_mac(&p, mac))
			return false;
		set_mac(s, mac);
		const char *t = strstr(p, "TFTP: ");
		if (t) {
			t += 6;
			if (log_ip(&t, &ip) && ip)
				s->tftp_ip = ip;
		}
		return true;
	}
	if (log_word(&p, "DHCP src: ")) {
		if (!log_mac(&p, mac) || !s->has_pi_mac)
			return false;
		p = log_skip_ws(p);
		ip = 0;
		log_ip(&p, &ip);
		discover(s);
		log_ev_dhcp_flush(s);
		s->uart_acked = false;
		struct log_dhcp_acc *a = &s->acc;
		memset(a, 0, sizeof(*a));
		a->open = true;
		a->frame = s->frame;
		a->ts = s->ts;
		a->h.msg_type = 2;
		memcpy(a->h.chaddr, s->pi_mac, 6);
		memcpy(a->src_mac, mac, 6);
		memcpy(a->dst_mac, s->pi_mac, 6);
		a->src_ip = ip;
		a->dst_ip = 0xffffffffu;
		return true;
	}
	if (log_word(&p, "NET ")) {
		/* "NET 192.168.1.17 255.255.255.0 gw 0.0.0.0 tftp 192.168.1.3": DHCP done. */
		if (!log_ip(&p, &ip) || *p++ != ' ' || !log_ip(&p, &mask) || !log_word(&p, " gw ") ||
		    !log_ip(&p, &gw) || !log_word(&p, " tftp ") || !log_ip(&p, &tftp))
			return false;
		log_ev_dhcp_flush(s);
		s->pi_ip = ip;
		s->tftp_ip = tftp;
		if (s->has_pi_mac) {
			log_ip_learn(s->set, ip, s->pi_mac);
			/* "NET" is printed once DHCP is done: a Pi 4/5 got its ACK even where the
			 * dump of it is not in the log. */
			if (!s->uart_acked)
				log_ev_dhcp(s, 5, s->pi_mac, ip, s->uart_srv);
		}
		s->uart_acked = false;
		return true;
	}
	if (log_word(&p, "TFTP_GET: ")) {
		uint8_t smac[6];
		char name[256];
		if (!log_mac(&p, smac))
			return false;
		p = log_skip_ws(p);
		if (log_ip(&p, &ip)) {
			s->tftp_ip = ip;
		} else {
			/* IPv6 netboot ("TFTP_GET: mac fd49::1 path"): the address is not ours
			 * to decode; the file still is. */
			char skip[64];
			log_token(&p, skip, sizeof(skip), NULL);
		}
		p = log_skip_ws(p);
		log_token(&p, name, sizeof(name), NULL);
		if (!name[0])
			return false;
		log_ev_dhcp_flush(s);
		get(s, name);
		return true;
	}
	if (log_word(&p, "TFTP: complete ")) {
		n = 0;
		log_uint(&p, &n);
		file_end(s, XFER_COMPLETE, 0, NULL, n);
		return true;
	}
	if (log_word(&p, "TFTP: disconnect") || log_word(&p, "RX: ") || log_word(&p, "RX6: ") ||
	    log_word(&p, "GENET") || log_word(&p, "TFTP: "))
		return true;
	if (log_word(&p, "TFTP ")) {
		/* "TFTP 1: File not found" / "TFTP 1: file /srv/tftp/x not found" / "TFTP 2: …" */
		if (!log_uint(&p, &n) || *p != ':' || n > 8)
			return false;
		p = log_skip_ws(p + 1);
		file_end(s, XFER_ERROR, (uint16_t)n, p, 0);
		return true;
	}
	if (strncmp(p, "Read File: ", 11) != 0 && log_word(&p, "Read ")) {
		/* "Read b7f44626/config.txt bytes     1540 hnd 0x0" — the file arrived. */
		char name[256];
		log_token(&p, name, sizeof(name), NULL);
		if (!strstr(p, " bytes "))
			return false;
		if (s->uart_file[0] && strcmp(s->uart_file, name) == 0) {
			const char *b = strstr(p, " bytes ") + 7;
			b = log_skip_ws(b);
			n = 0;
			log_uint(&b, &n);
			file_end(s, XFER_COMPLETE, 0, NULL, n);
		}
		return true;
	}
	if (pi3_line(s, p) || start_elf(s, p))
		return true;
	if (say(s, p))
		return true;
	if (strstr(p, "BOOTLOADER release") || strstr(p, "BOOTSYS release") ||
	    log_word(&p, "BOOTMODE:") || log_word(&p, "PM_RSTS:"))
		return true;
	return false;
}
