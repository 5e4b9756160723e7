/* Unit tests: the log parsers (capture/log_*.c) — each format's real line shapes become the
 * decoders' events, with FILE:LINE frames, times from every prefix variant, and lines not
 * understood counted and skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/log.h"

struct rec {
	enum pnb_event_kind kind;
	uint8_t type;          /* DHCP message type, TFTP opcode, xfer end */
	uint8_t mac[6];        /* chaddr / src / client */
	char text[64];         /* filename, vendor class or menu text */
	uint64_t frame;
	long sec;
	bool partial, menu;
	uint32_t ip;           /* yiaddr / server / status */
	uint32_t yiaddr, siaddr; /* DHCP */
	uint8_t params[32];    /* DHCP: option 55 */
	size_t n_params;
	char host[32];         /* DHCP: option 12 */
};

static struct rec recs[64];
static size_t n_recs;

static void on_ev(const struct pnb_event *ev, void *user)
{
	(void)user;
	if (n_recs == 64)
		return;
	struct rec *r = &recs[n_recs++];
	memset(r, 0, sizeof(*r));
	r->kind = ev->kind;
	r->frame = ev->frame;
	r->sec = (long)ev->ts.tv_sec;
	switch (ev->kind) {
	case EV_DHCP:
		r->type = ev->u.dhcp.msg_type;
		memcpy(r->mac, ev->u.dhcp.chaddr, 6);
		r->partial = ev->u.dhcp.log_partial;
		r->menu = ev->u.dhcp.has_pxe_menu;
		r->ip = ev->u.dhcp.op == 2 ? ev->u.dhcp.server_id : 0;
		r->yiaddr = ev->u.dhcp.yiaddr;
		r->siaddr = ev->u.dhcp.siaddr;
		r->n_params = ev->u.dhcp.param_list.len < 32 ? ev->u.dhcp.param_list.len : 32;
		if (r->n_params)
			memcpy(r->params, ev->u.dhcp.param_list.p, r->n_params);
		for (unsigned i = 0; i < ev->u.dhcp.n_opts_stored; i++)
			if (ev->u.dhcp.opts[i].code == 12)
				snprintf(r->host, sizeof(r->host), "%.*s", ev->u.dhcp.opts[i].val.len,
					 (const char *)ev->u.dhcp.opts[i].val.p);
		if (ev->u.dhcp.has_pxe_menu)
			snprintf(r->text, sizeof(r->text), "%.*s", ev->u.dhcp.pxe_menu_text.len,
				 (const char *)ev->u.dhcp.pxe_menu_text.p);
		else
			snprintf(r->text, sizeof(r->text), "%.*s", ev->u.dhcp.vendor_class.len,
				 (const char *)ev->u.dhcp.vendor_class.p);
		break;
	case EV_TFTP:
		r->type = (uint8_t)ev->u.tftp.opcode;
		memcpy(r->mac, ev->src_mac, 6);
		snprintf(r->text, sizeof(r->text), "%.*s", ev->u.tftp.filename.len,
			 (const char *)ev->u.tftp.filename.p);
		break;
	case EV_TFTP_XFER:
		r->type = (uint8_t)ev->u.xfer.end;
		memcpy(r->mac, ev->u.xfer.client_mac, 6);
		snprintf(r->text, sizeof(r->text), "%s", ev->u.xfer.filename);
		r->ip = ev->u.xfer.error_code;
		break;
	case EV_ISCSI:
		r->type = ev->u.iscsi.opcode;
		r->ip = (uint32_t)ev->u.iscsi.status_class << 8 | ev->u.iscsi.status_detail;
		break;
	case EV_RPC:
		r->type = ev->u.rpc.reply;
		r->ip = ev->u.rpc.status;
		break;
	case EV_NETCONSOLE:
		memcpy(r->mac, ev->src_mac, 6);
		snprintf(r->text, sizeof(r->text), "%.*s", ev->u.netconsole.line.len,
			 (const char *)ev->u.netconsole.line.p);
		break;
	default:
		break;
	}
}

/* How many lines of the logs no parser understood. */
static uint64_t skipped(const struct log_set *s)
{
	struct log_stats st;
	log_set_stats(s, &st);
	return st.skipped;
}

/* Reads the open stream f as a log named name (through the set's stream entry), returns the
 * set. */
static struct log_set *run_stream(const char *name, FILE *f, const char *root)
{
	n_recs = 0;
	struct log_set *s = log_set_new(on_ev, NULL, root);
	assert_non_null(f);
	assert_int_equal(log_set_add_stream(s, f, name, true), 0);
	log_set_pump(s, NULL);
	log_set_finish(s);
	return s;
}

/* The same for text in memory. */
static struct log_set *run(const char *name, const char *text, const char *root)
{
	return run_stream(name, fmemopen((void *)text, strlen(text), "r"), root);
}

static const struct rec *find(enum pnb_event_kind k, int nth)
{
	for (size_t i = 0; i < n_recs; i++)
		if (recs[i].kind == k && nth-- == 0)
			return &recs[i];
	return NULL;
}

static const uint8_t pi4[6] = {0xdc, 0xa6, 0x32, 0x1c, 0x6a, 0x2a};

static void test_dnsmasq_log_dhcp_proxy(void **state)
{
	(void)state;
	const char *t =
	    "Dec  7 12:42:57 dnsmasq-dhcp[9044]: 2773615725 available DHCP subnet: "
	    "10.77.0.0/255.255.255.0\n"
	    "Dec  7 12:42:57 dnsmasq-dhcp[9044]: 2773615725 vendor class: "
	    "PXEClient:Arch:00000:UNDI:002001\n"
	    "Dec  7 12:42:57 dnsmasq-dhcp[9044]: 2773615725 PXE(eth0) dc:a6:32:1c:6a:2a proxy\n"
	    "Dec  7 12:42:57 dnsmasq-dhcp[9044]: 2773615725 tags: pinetboot, known, eth0\n"
	    "Dec  7 12:42:58 dnsmasq-dhcp[9044]: 2773615725 broadcast response\n"
	    "Dec  7 12:42:58 dnsmasq-dhcp[9044]: 2773615725 sent size:  1 option: 53 message-type  "
	    "2\n"
	    "Dec  7 12:42:58 dnsmasq-dhcp[9044]: 2773615725 sent size:  4 option: 54 "
	    "server-identifier  10.77.0.1\n"
	    "Dec  7 12:42:58 dnsmasq-dhcp[9044]: 2773615725 sent size: 35 option: 43 vendor-encap  "
	    "06:01:03:0a:04:00:50:58:45:09:17:00:00:14...\n"
	    "Dec  7 12:42:59 dnsmasq-tftp[9044]: file /srv/tftp/511e57f7/start4.elf not found for "
	    "10.77.0.108\n"
	    "Dec  7 12:42:59 dnsmasq-tftp[9044]: error 0 Early terminate received from 10.77.0.108\n"
	    "Dec  7 12:42:59 dnsmasq-tftp[9044]: sent /srv/tftp/511e57f7/start4.elf to 10.77.0.108\n"
	    "Dec  7 12:43:00 dnsmasq-tftp[9044]: sent /srv/tftp/511e57f7/start4.elf to 10.77.0.108\n"
	    "Dec  7 12:43:00 dnsmasq[9044]: query[A] example.com from 10.77.0.9\n";
	struct log_set *s = run("dnsmasq.log", t, "/srv/tftp");
	const struct rec *d = find(EV_DHCP, 0), *o = find(EV_DHCP, 1);
	assert_non_null(d);
	assert_non_null(o);
	assert_int_equal(d->type, 1);
	assert_memory_equal(d->mac, pi4, 6);
	assert_string_equal(d->text, "PXEClient:Arch:00000:UNDI:002001");
	assert_int_equal(o->type, 2);
	assert_int_equal(o->ip, 0x0a4d0001);
	assert_true(o->partial); /* option 43 shown cut: its menu is not known */
	assert_int_equal(o->sec - d->sec, 1); /* the reply leaves at "broadcast response" */
	char ref[64];
	assert_true(log_frame_ref(s, o->frame, ref, sizeof(ref)));
	assert_string_equal(ref, "dnsmasq.log:3");
	const struct rec *rrq = find(EV_TFTP, 0), *x = find(EV_TFTP_XFER, 0);
	assert_string_equal(rrq->text, "511e57f7/start4.elf");
	assert_memory_equal(rrq->mac, pi4, 6); /* the Pi of the last boot offer: noted */
	assert_int_equal(x->type, XFER_ERROR);
	assert_int_equal(x->ip, 1);
	assert_int_equal(find(EV_TFTP_XFER, 1)->type, XFER_ABORTED); /* the tsize probe */
	assert_int_equal(find(EV_TFTP_XFER, 2)->type, XFER_COMPLETE);
	struct log_stats st;
	log_set_stats(s, &st);
	assert_int_equal(st.lines, 13);
	assert_int_equal(st.skipped, 1); /* the DNS query */
	assert_true(log_set_note_count(s) >= 2); /* no year; the IP's MAC guessed */
	log_set_free(s);
}

/* log-dhcp names the client's host name before its request and the parameter list it asked for
 * after the reply's line (tests/data/logs/real-clients): the request waits for both and still
 * comes first; a request no reply follows is sent at the end of the input. */
static void test_dnsmasq_held_request(void **state)
{
	(void)state;
	const char *t =
	    "Dec  7 19:08:54 dnsmasq-dhcp[1]: 42 available DHCP range: 10.77.0.100 -- 10.77.0.200\n"
	    "Dec  7 19:08:54 dnsmasq-dhcp[1]: 42 client provides name: raspberrypi\n"
	    "Dec  7 19:08:57 dnsmasq-dhcp[1]: 42 DHCPDISCOVER(srv0) dc:a6:32:1c:6a:2a \n"
	    "Dec  7 19:08:57 dnsmasq-dhcp[1]: 42 tags: srv0\n"
	    "Dec  7 19:08:57 dnsmasq-dhcp[1]: 42 DHCPOFFER(srv0) 10.77.0.119 dc:a6:32:1c:6a:2a \n"
	    "Dec  7 19:08:57 dnsmasq-dhcp[1]: 42 requested options: 1:netmask, 2:time-offset, \n"
	    "Dec  7 19:08:57 dnsmasq-dhcp[1]: 42 requested options: 249, 252, 17:root-path\n"
	    "Dec  7 19:08:57 dnsmasq-dhcp[1]: 42 next server: 10.77.0.1\n"
	    "Dec  7 19:08:57 dnsmasq-dhcp[1]: 42 sent size:  1 option: 53 message-type  2\n"
	    "Dec  7 19:09:00 dnsmasq-dhcp[1]: 43 available DHCP range: 10.77.0.100 -- 10.77.0.200\n"
	    "Dec  7 19:09:00 dnsmasq-dhcp[1]: 43 vendor class: udhcp 1.35.0\n"
	    "Dec  7 19:09:00 dnsmasq-dhcp[1]: 43 DHCPDISCOVER(srv0) dc:a6:32:1c:6a:2b ignored\n";
	struct log_set *s = run("dnsmasq.log", t, NULL);
	assert_int_equal(n_recs, 3);
	const struct rec *d = &recs[0], *o = &recs[1], *i = &recs[2];
	assert_int_equal(d->type, 1);
	assert_string_equal(d->host, "raspberrypi");
	assert_int_equal(d->n_params, 5);
	static const uint8_t want[] = {1, 2, 249, 252, 17};
	assert_memory_equal(d->params, want, 5);
	assert_string_equal(d->text, ""); /* log-dhcp shows no vendor class: none was sent */
	char ref[64];
	assert_true(log_frame_ref(s, d->frame, ref, sizeof(ref)));
	assert_string_equal(ref, "dnsmasq.log:3");
	assert_int_equal(o->type, 2);
	assert_int_equal(i->type, 1);
	assert_string_equal(i->text, "udhcp 1.35.0");
	assert_string_equal(i->host, ""); /* the name was the other transaction's */
	assert_int_equal(skipped(s), 0);
	log_set_free(s);
}

/* A followed log that goes quiet after a request: the request is not held for ever, it goes
 * out once the log stayed quiet for a while (LOG_HOLD_MS, 1 s). */
static void test_dnsmasq_held_request_quiet(void **state)
{
	(void)state;
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	FILE *f = fdopen(fd[0], "r");
	n_recs = 0;
	struct log_set *s = log_set_new(on_ev, NULL, NULL);
	assert_int_equal(log_set_add_stream(s, f, "journal", true), 0);
	const char *t = "Dec  7 19:08:54 dnsmasq-dhcp[1]: 42 client provides name: pi\n"
			"Dec  7 19:08:57 dnsmasq-dhcp[1]: 42 DHCPDISCOVER(srv0) dc:a6:32:1c:6a:2a \n";
	assert_int_equal(write(fd[1], t, strlen(t)), (ssize_t)strlen(t));
	bool ended;
	log_set_pump_avail(s, 100, &ended);
	assert_false(ended);
	assert_int_equal(n_recs, 0); /* its dump may go on */
	for (int i = 0; i < 40 && !n_recs; i++) {
		usleep(100 * 1000);
		log_set_pump_avail(s, 100, &ended);
	}
	assert_int_equal(n_recs, 1);
	assert_string_equal(recs[0].host, "pi");
	close(fd[1]);
	log_set_free(s);
}

/* One DHCPACK in every prefix people paste: the same event, the same second. */
static void test_prefix_variants(void **state)
{
	(void)state;
	static const char *const v[] = {
	    "Dec  7 12:00:05 boot dnsmasq-dhcp[812]: DHCPACK(eth0) 10.0.0.5 dc:a6:32:1c:6a:2a pi\n",
	    "Dec  7 12:00:05 dnsmasq-dhcp[812]: DHCPACK(eth0) 10.0.0.5 dc:a6:32:1c:6a:2a pi\n",
	    "Dec 07 12:00:05.123456 boot dnsmasq-dhcp[812]: DHCPACK(eth0) 10.0.0.5 "
	    "dc:a6:32:1c:6a:2a\n",
	    "Dec  7 12:00:05 boot dnsmasq-dhcp: DHCPACK(eth0) 10.0.0.5 dc:a6:32:1c:6a:2a\n",
	    "2026-12-07T12:00:05+0000 boot dnsmasq-dhcp[812]: DHCPACK(eth0) 10.0.0.5 "
	    "dc:a6:32:1c:6a:2a\n",
	    "2026-12-07T12:00:05.5+00:00 boot dnsmasq-dhcp[812]: DHCPACK(eth0) 10.0.0.5 "
	    "dc:a6:32:1c:6a:2a\n",
	    "{\"__REALTIME_TIMESTAMP\" : \"1796644805000000\", \"SYSLOG_IDENTIFIER\" : "
	    "\"dnsmasq-dhcp\", \"MESSAGE\" : \"DHCPACK(eth0) 10.0.0.5 dc:a6:32:1c:6a:2a\"}\n",
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		setenv("TZ", "UTC", 1);
		struct log_set *s = run("x", v[i], NULL);
		const struct rec *a = find(EV_DHCP, 0);
		assert_non_null(a);
		assert_int_equal(a->type, 5);
		assert_memory_equal(a->mac, pi4, 6);
		assert_int_equal(a->sec % 86400, 12 * 3600 + 5);
		log_set_free(s);
	}
}

/* Lines that repeat the "host prog[pid]: " of the line before (log_split keeps its answer)
 * and lines that change it, or end right after the tag: each line gets its own program. */
static void test_prefix_repeated(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	struct log_set *s =
	    run("x",
		"Dec  7 12:00:05 boot dnsmasq-dhcp[812]: DHCPACK(eth0) 10.0.0.5 dc:a6:32:1c:6a:2a\n"
		"Dec  7 12:00:06 boot dnsmasq-dhcp[812]: DHCPACK(eth0) 10.0.0.5 dc:a6:32:1c:6a:2a\n"
		"Dec  7 12:00:07 boot dnsmasq-tftp[812]: sent /srv/tftp/start4.elf to 10.0.0.5\n"
		"Dec  7 12:00:08 boot dnsmasq-tftp[812]:\n"
		"Dec  7 12:00:09 boot dnsmasq-tftp[812]: sent /srv/tftp/fixup4.dat to 10.0.0.5\n"
		"Dec  7 12:00:10 boot dnsmasq-dhcp[812]: DHCPACK(eth0) 10.0.0.5 dc:a6:32:1c:6a:2a\n",
		"/srv/tftp");
	static const long dhcp_at[] = {5, 6, 10};
	for (int i = 0; i < 3; i++) {
		const struct rec *a = find(EV_DHCP, i);
		assert_non_null(a);
		assert_int_equal(a->type, 5);
		assert_int_equal(a->sec % 86400, 12 * 3600 + dhcp_at[i]);
	}
	assert_null(find(EV_DHCP, 3));
	/* a TFTP line read as dnsmasq-dhcp's would give no TFTP event */
	const struct rec *t = find(EV_TFTP, 0), *u = find(EV_TFTP, 1);
	assert_non_null(t);
	assert_non_null(u);
	assert_string_equal(t->text, "start4.elf");
	assert_string_equal(u->text, "fixup4.dat");
	log_set_free(s);
}

/* What the nth event of a kind must be: present ('p'), of type num ('t': DHCP message type,
 * TFTP opcode, transfer end, RPC reply), with text ('s': file name, vendor class or menu), with
 * ip num ('i': server, error code or status) or a PXE menu ('m'). */
struct want_ev {
	enum pnb_event_kind kind;
	int nth;
	char what;
	long num;
	const char *text;
};

/* One log each, what its lines become, and how many of its lines were not understood. */
static const struct log_case {
	const char *name; /* the log in tests/data/log-shapes/ */
	struct want_ev want[12];
	int skipped;
} log_cases[] = {
    /* the Pi 4 bootloader's UART: DHCP, the menu from the hex dump, TFTP, NETCONSOLE lines */
    {"uart.txt",
     {{EV_DHCP, 0, 't', 1, NULL},
      {EV_DHCP, 1, 't', 2, NULL},
      {EV_DHCP, 1, 'm', 0, NULL},
      {EV_DHCP, 1, 's', 0, "Raspberry Pi Boot"},
      {EV_TFTP, 0, 's', 0, "511e57f7/start4.elf"},
      {EV_TFTP_XFER, 0, 't', XFER_ERROR, NULL},
      {EV_TFTP_XFER, 1, 't', XFER_ERROR, NULL},
      {EV_NETCONSOLE, 2, 'p', 0, NULL}},
     0},
    /* the Pi 3's bootcode.bin UART, then the kernel's console: ipconfig, iSCSI, NFS */
    {"console.txt",
     {{EV_DHCP, 0, 't', 1, NULL},
      {EV_ARP, 0, 'p', 0, NULL},
      {EV_TFTP, 0, 's', 0, "config.txt"},
      {EV_TFTP, 1, 's', 0, "kernel7.img"},
      {EV_DHCP, 1, 's', 0, "Linux ipconfig"},
      {EV_DHCP, 2, 't', 5, NULL},
      {EV_ISCSI, 1, 'i', 0x0200, NULL},
      {EV_RPC, 1, 't', 1, NULL},
      {EV_RPC, 1, 'i', 13, NULL}},
     -1},
    /* ISC dhcpd, tftpd-hpa, Kea and tcpdump in one file */
    {"mixed.log",
     {{EV_DHCP, 1, 't', 2, NULL},
      {EV_DHCP, 3, 't', 5, NULL},
      {EV_TFTP, 0, 's', 0, "start4.elf"},
      {EV_TFTP_XFER, 0, 't', XFER_COMPLETE, NULL},
      {EV_TFTP_XFER, 1, 's', 0, "fixup4.dat"},
      {EV_TFTP_XFER, 1, 't', XFER_ERROR, NULL},
      {EV_DHCP, 4, 't', 2, NULL}, /* Kea */
      {EV_TFTP, 2, 's', 0, "cmdline.txt"}},
     1},
};

static void check_ev(const struct want_ev *w)
{
	const struct rec *r = find(w->kind, w->nth);
	if (!r)
		fail_msg("no event %d #%d", w->kind, w->nth);
	switch (w->what) {
	case 't':
		assert_int_equal(r->type, w->num);
		break;
	case 'i':
		assert_int_equal(r->ip, w->num);
		break;
	case 's':
		assert_string_equal(r->text, w->text);
		break;
	case 'm':
		assert_true(r->menu);
		break;
	}
}

static void test_logs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(log_cases) / sizeof(log_cases[0]); i++) {
		const struct log_case *c = &log_cases[i];
		char path[4096];
		unit_path(path, sizeof(path), "tests/data/log-shapes/", c->name);
		struct log_set *s = run_stream(c->name, fopen(path, "r"), NULL);
		for (size_t k = 0; k < 12 && c->want[k].what; k++)
			check_ev(&c->want[k]);
		if (c->skipped >= 0)
			assert_int_equal(skipped(s), c->skipped);
		log_set_free(s);
	}
}




/* tcpdump -v's BOOTP reply as 4.x prints it and as 3.x did: the same message type and
 * addresses. */
static void test_tcpdump_v_versions(void **state)
{
	(void)state;
	static const char *const forms[] = {
	    "00:44:52.300101 c0:56:27:10:10:01 > ff:ff:ff:ff:ff:ff, ethertype IPv4 (0x0800), "
	    "length 380: IP 192.168.10.1.67 > 255.255.255.255.68: BOOTP/DHCP, Reply, length 338, "
	    "xid 0x26f30339\n"
	    "\t  Your-IP 192.168.10.150\n\t  Server-IP 192.168.10.100\n"
	    "\t  Gateway-IP 192.168.10.254\n"
	    "\t  Client-Ethernet-Address b8:27:eb:0f:69:01\n"
	    "\t    DHCP-Message Option 53, length 1: Offer\n",
	    "00:44:52.300101 c0:56:27:10:10:01 > ff:ff:ff:ff:ff:ff, ethertype IPv4 (0x0800), "
	    "length 380: IP 192.168.10.1.67 > 255.255.255.255.68: BOOTP/DHCP, Reply, length 338, "
	    "xid 0x26f30339\n"
	    "\t  Your IP: 192.168.10.150\n\t  Server IP: 192.168.10.100\n"
	    "\t  Gateway IP: 192.168.10.254\n"
	    "\t  Client Ethernet Address: b8:27:eb:0f:69:01\n"
	    "\t  DHCP:OFFER\n",
	};
	for (size_t i = 0; i < 2; i++) {
		struct log_set *s = run("tcpdump.txt", forms[i], NULL);
		const struct rec *o = find(EV_DHCP, 0);
		assert_non_null(o);
		assert_int_equal(o->type, 2);
		assert_int_equal(o->yiaddr, 0xc0a80a96);
		assert_int_equal(o->siaddr, 0xc0a80a64);
		log_set_free(s);
	}
}

/* Two logs are merged by time, whatever order they were given in. */
static void test_merge(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	n_recs = 0;
	struct log_set *s = log_set_new(on_ev, NULL, NULL);
	const char *a = "2026-12-07T12:00:03+0000 h dnsmasq-dhcp[1]: DHCPACK(eth0) 10.0.0.5 "
			"dc:a6:32:1c:6a:2a\n";
	const char *b = "2026-12-07T12:00:01+0000 h dnsmasq-dhcp[1]: DHCPDISCOVER(eth0) "
			"dc:a6:32:1c:6a:2a\n"
			"2026-12-07T12:00:02+0000 h dnsmasq-dhcp[1]: DHCPOFFER(eth0) 10.0.0.5 "
			"dc:a6:32:1c:6a:2a\n";
	log_set_add_stream(s, fmemopen((void *)a, strlen(a), "r"), "a", true);
	log_set_add_stream(s, fmemopen((void *)b, strlen(b), "r"), "b", true);
	struct timeval until = {1796644802, 0};
	log_set_pump(s, &until);
	assert_int_equal(n_recs, 2);
	log_set_pump(s, NULL);
	assert_int_equal(n_recs, 3);
	assert_int_equal(recs[0].type, 1);
	assert_int_equal(recs[1].type, 2);
	assert_int_equal(recs[2].type, 5);
	log_set_free(s);
}

/* A TFTP log given before the DHCP log of the same second: the file request still finds its
 * Pi, whose MAC only the other log names (looked up when delivered, not when read). */
static void test_mac_from_another_log(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	n_recs = 0;
	struct log_set *s = log_set_new(on_ev, NULL, "/srv/tftp");
	const char *tftp = "2026-12-07T12:00:01+0000 h dnsmasq-tftp[1]: sent /srv/tftp/start4.elf to "
			   "10.0.0.5\n";
	const char *dhcp = "2026-12-07T12:00:01+0000 h dhcpd[2]: DHCPACK on 10.0.0.5 to "
			   "dc:a6:32:1c:6a:2a via eth0\n";
	log_set_add_stream(s, fmemopen((void *)tftp, strlen(tftp), "r"), "tftp", true);
	log_set_add_stream(s, fmemopen((void *)dhcp, strlen(dhcp), "r"), "dhcp", true);
	log_set_pump(s, NULL);
	const struct rec *r = find(EV_TFTP, 0);
	assert_non_null(r);
	assert_memory_equal(r->mac, pi4, 6);
	assert_int_equal(find(EV_TFTP_XFER, 0)->type, XFER_COMPLETE);
	for (size_t i = 0; i < log_set_note_count(s); i++) /* no guess was needed */
		assert_null(strstr(log_set_note(s, i), "taken as"));
	log_set_free(s);
}

/* tshark text: summary lines (every time form, "->" or "→") and a -V block. */
static void test_tshark(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	const char *t =
	    "2025-11-24T16:00:00+0000 srv dnsmasq-dhcp[1]: DHCPACK(eth0) 192.168.20.64 "
	    "dc:a6:32:1c:6a:2a\n"
	    "    1 2025-11-24 16:00:00.702000 192.168.20.64 -> 192.168.20.1 TFTP 91 Read Request, "
	    "File: 511e57f7/start4.elf, Transfer type: octet, tsize=0, blksize=1024\n"
	    "    2 2025-11-24 16:00:00.703500 192.168.20.1 \xe2\x86\x92 192.168.20.64 TFTP 68 Option "
	    "Acknowledgement, tsize=4096, blksize=1024\n"
	    "    3 2025-11-24 16:00:00.704000 192.168.20.64 \xe2\x86\x92 192.168.20.1 TFTP 62 Error "
	    "Code, Code: Not defined, Message: Early terminate\n"
	    "    4 16:00:01.000000 192.168.20.64 \xe2\x86\x92 192.168.20.1 TFTP 92 Read Request, "
	    "File: 511e57f7/cmdline.txt\\000, Transfer type: octet\\000\n"
	    "    5 16:00:01.000100 192.168.20.1 \xe2\x86\x92 192.168.20.64 TFTP 166 Data Packet, "
	    "Block: 1 (last)\n"
	    "    6 16:00:01.000200 192.168.20.1 \xe2\x86\x92 192.168.20.64 iSCSI 102 Login Response "
	    "(Authorisation failure)\n"
	    "    7 0.000000 0.0.0.0 \xe2\x86\x92 255.255.255.255 DHCP 364 DHCP Discover - Transaction "
	    "ID 0x36f30363\n";
	struct log_set *s = run("tshark.txt", t, NULL);
	assert_string_equal(find(EV_TFTP, 0)->text, "511e57f7/start4.elf");
	assert_memory_equal(find(EV_TFTP, 0)->mac, pi4, 6); /* by address, from dnsmasq */
	assert_int_equal(find(EV_TFTP_XFER, 0)->type, XFER_ABORTED);
	assert_string_equal(find(EV_TFTP, 3)->text, "511e57f7/cmdline.txt");
	assert_int_equal(find(EV_TFTP_XFER, 1)->type, XFER_COMPLETE);
	assert_int_equal(find(EV_ISCSI, 0)->ip, 0x0202);
	assert_null(find(EV_DHCP, 1)); /* the summary's DHCP names no MAC: only dnsmasq's */
	assert_int_equal(skipped(s), 0);
	log_set_free(s);

	const char *v = "Frame 2: 388 bytes on wire (3104 bits), 388 bytes captured (3104 bits)\n"
			"    Epoch Time: 1764000000.000500000 seconds\n"
			"Ethernet II, Src: RealtekU_ab:00:01 (52:54:00:ab:00:01), Dst: "
			"Raspberr_1c:6a:2a (dc:a6:32:1c:6a:2a)\n"
			"Internet Protocol Version 4, Src: 192.168.20.1, Dst: 192.168.20.64\n"
			"User Datagram Protocol, Src Port: 67, Dst Port: 68\n"
			"Dynamic Host Configuration Protocol (Offer)\n"
			"    Message type: Boot Reply (2)\n"
			"    Transaction ID: 0x36f30363\n"
			"    Your (client) IP address: 192.168.20.64\n"
			"    Client MAC address: Raspberr_1c:6a:2a (dc:a6:32:1c:6a:2a)\n"
			"    Option: (53) DHCP Message Type (Offer)\n"
			"        Length: 1\n"
			"        DHCP: Offer (2)\n"
			"    Option: (60) Vendor class identifier\n"
			"        Vendor class identifier: PXEClient\n"
			"    Option: (43) Vendor-Specific Information (PXEClient)\n"
			"        Length: 24\n"
			"        Option 43 Suboption: (9) PXE boot menu\n"
			"            Length: 20\n"
			"            boot menu: 00001152617370626572727920506920426f6f74\n"
			"                Description: Raspberry Pi Boot\n"
			"        PXE Client End: 255\n"
			"\n";
	s = run("v.txt", v, NULL);
	const struct rec *r = find(EV_DHCP, 0);
	assert_non_null(r);
	assert_int_equal(r->type, 2);
	assert_memory_equal(r->mac, pi4, 6);
	assert_true(r->menu);
	assert_string_equal(r->text, "Raspberry Pi Boot");
	assert_false(r->partial);
	assert_int_equal(r->sec, 1764000000);
	assert_int_equal(skipped(s), 0);
	log_set_free(s);
}

UNIT_MAIN(
	cmocka_unit_test(test_tshark),
	cmocka_unit_test(test_dnsmasq_log_dhcp_proxy),
	cmocka_unit_test(test_dnsmasq_held_request),
	cmocka_unit_test(test_dnsmasq_held_request_quiet),
	cmocka_unit_test(test_prefix_variants),
	cmocka_unit_test(test_prefix_repeated),
	cmocka_unit_test(test_logs),
	cmocka_unit_test(test_tcpdump_v_versions),
	cmocka_unit_test(test_merge),
	cmocka_unit_test(test_mac_from_another_log))
