/* Unit tests: the bounds-checked cursor, the bounded flow table (LRU eviction) and decoder
 * edge cases that are easier to state as bytes than as captures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include "capture/bytes.h"
#include "capture/decode.h"
#include "capture/flow.h"

static void test_cursor_bounds(void **state)
{
	(void)state;
	const uint8_t b[5] = {1, 2, 3, 4, 5};
	struct cur c = cur_make(b, sizeof(b));
	assert_int_equal(cur_be16(&c), 0x0102);
	assert_int_equal(cur_be32(&c), 0); /* only 3 bytes left */
	assert_true(c.trunc);
	assert_int_equal(cur_left(&c), 0);
	assert_int_equal(cur_u8(&c), 0);
	struct cur d = cur_make(b, sizeof(b));
	struct cur s = cur_sub(&d, 10);
	assert_true(s.trunc);
	assert_int_equal(cur_left(&s), 5);
	assert_int_equal(cur_left(&d), 0);
	struct cur e = cur_make(b, sizeof(b));
	cur_skip(&e, (size_t)-1); /* overflow-safe */
	assert_true(e.trunc);
	assert_int_equal(at_be32(b, 5, 2), 0);
	assert_int_equal(at_be32(b, 5, 1), 0x02030405);
	assert_int_equal(at_be16(b, 5, SIZE_MAX), 0);
}

static void test_flow_lru(void **state)
{
	(void)state;
	struct flow_table *t = flow_table_new(3, sizeof(int), NULL, NULL);
	bool ev = false;
	for (int i = 0; i < 3; i++) {
		struct flow_key k = {(uint32_t)i, 0, 0, 0, 0};
		*(int *)flow_add(t, &k, &ev) = i;
	}
	assert_false(ev);
	struct flow_key k0 = {0, 0, 0, 0, 0}, k1 = {1, 0, 0, 0, 0}, k3 = {3, 0, 0, 0, 0};
	assert_non_null(flow_get(t, &k0)); /* 0 becomes the most recent; 1 is now the oldest */
	*(int *)flow_add(t, &k3, &ev) = 3;
	assert_true(ev);
	assert_null(flow_get(t, &k1));
	assert_int_equal(*(int *)flow_get(t, &k0), 0);
	assert_int_equal(flow_count(t), 3);
	flow_del(t, flow_get(t, &k0));
	assert_null(flow_get(t, &k0));
	assert_int_equal(flow_count(t), 2);
	flow_table_free(t);
}

struct seen {
	int n[EV_KIND_COUNT];
	struct ev_dhcp dhcp;
	char xfer_file[64];
	struct ev_tftp_xfer xfer;
};

static void on_ev(const struct pnb_event *ev, void *user)
{
	struct seen *s = user;
	s->n[ev->kind]++;
	if (ev->kind == EV_DHCP)
		s->dhcp = ev->u.dhcp;
	if (ev->kind == EV_TFTP_XFER) {
		s->xfer = ev->u.xfer;
		strncpy(s->xfer_file, ev->u.xfer.filename, sizeof(s->xfer_file) - 1);
	}
}

/* Ethernet + IPv4 + UDP around payload, into f; returns the frame length. */
static size_t udp_frame(uint8_t *f, uint16_t sport, uint16_t dport, const uint8_t *pl, size_t n)
{
	memset(f, 0, 42);
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = (uint8_t)((28 + n) >> 8);
	f[17] = (uint8_t)(28 + n);
	f[23] = 17;
	/* the server (ports 67, 69 and 40000-49151) is .1, the Pi .101 */
	bool from_server = sport == 67 || sport == 69 || (sport >= 40000 && sport < 49152);
	f[26] = 192, f[27] = 168, f[28] = 20, f[29] = from_server ? 1 : 101;
	f[30] = 192, f[31] = 168, f[32] = 20, f[33] = from_server ? 101 : 1;
	f[34] = (uint8_t)(sport >> 8), f[35] = (uint8_t)sport;
	f[36] = (uint8_t)(dport >> 8), f[37] = (uint8_t)dport;
	f[38] = (uint8_t)((8 + n) >> 8), f[39] = (uint8_t)(8 + n);
	memcpy(f + 42, pl, n);
	return 42 + n;
}

static void feed(struct pnb_decoder *d, uint16_t sport, uint16_t dport, const void *pl, size_t n)
{
	static uint8_t f[2048];
	size_t len = udp_frame(f, sport, dport, pl, n);
	struct timeval tv = {1795000000, 0};
	decoder_packet(d, PNB_DLT_EN10MB, &tv, (uint32_t)len, (uint32_t)len, f);
}

static void test_dhcp_pi_guid_and_overload(void **state)
{
	(void)state;
	struct seen s;
	memset(&s, 0, sizeof(s));
	struct pnb_decoder *d = decoder_new(on_ev, NULL, &s);
	uint8_t m[300];
	memset(m, 0, sizeof(m));
	m[0] = 2, m[1] = 1, m[2] = 6;
	memcpy(m + 28, "\xdc\xa6\x32\x01\x36\xc2", 6);
	memcpy(m + 44, "\x42\x08tftp.lab\xff", 11);         /* sname: option 66 */
	memcpy(m + 108, "\x43\x0bkernel8.img\xff", 14);     /* file: option 67 */
	memcpy(m + 236, "\x63\x82\x53\x63", 4);
	size_t o = 240;
	memcpy(m + o, "\x35\x01\x02\x34\x01\x03", 6), o += 6;
	/* option 97: RPi4, revision c03111, MAC LSBs, serial 9ffefdef (LE on the wire) */
	memcpy(m + o, "\x61\x11\x00RPi4\x11\x31\xc0\x00\x32\x01\x36\xc2\xef\xfd\xfe\x9f", 19), o += 19;
	m[o++] = 0xff;
	feed(d, 67, 68, m, sizeof(m));
	assert_int_equal(s.n[EV_DHCP], 1);
	assert_int_equal(s.dhcp.msg_type, 2);
	assert_true(s.dhcp.overload_used);
	assert_int_equal(s.dhcp.tftp_server.len, 8);
	assert_int_equal(s.dhcp.bootfile.len, 11);
	assert_int_equal(s.dhcp.sname.len, 0);
	assert_true(s.dhcp.pi_guid);
	assert_string_equal(s.dhcp.pi_fourcc, "RPi4");
	assert_int_equal(s.dhcp.pi_revision, 0xc03111);
	assert_int_equal(s.dhcp.pi_serial, 0x9ffefdef);
	/* an option running past the end: the message is still reported, plus a truncation */
	m[o - 1] = 60;
	m[o] = 40;
	feed(d, 68, 67, m, o + 1);
	assert_int_equal(s.n[EV_DHCP], 2);
	assert_int_equal(s.n[EV_TRUNCATED], 1);
	decoder_free(d);
}

#define FEED(d, sp, dp, lit) feed(d, sp, dp, lit, sizeof(lit) - 1)

static void test_tftp_probe_then_transfer(void **state)
{
	(void)state;
	struct seen s;
	memset(&s, 0, sizeof(s));
	struct pnb_decoder *d = decoder_new(on_ev, NULL, &s);
	FEED(d, 49152, 69, "\0\1start4.elf\0octet\0tsize\0" "0\0");
	FEED(d, 40000, 49152, "\0\6tsize\0" "600\0");
	FEED(d, 49152, 40000, "\0\5\0\10\0");
	assert_int_equal(s.n[EV_TFTP_XFER], 1);
	assert_int_equal(s.xfer.end, XFER_ABORTED);
	assert_true(s.xfer.probe);
	FEED(d, 49153, 69, "\0\1start4.elf\0octet\0");
	static uint8_t data[516] = {0, 3, 0, 1};
	feed(d, 40001, 49153, data, 516);
	feed(d, 40001, 49153, data, 516); /* retransmitted */
	data[3] = 2;
	feed(d, 40001, 49153, data, 4 + 88);
	assert_int_equal(s.n[EV_TFTP_XFER], 2);
	assert_int_equal(s.xfer.end, XFER_COMPLETE);
	assert_false(s.xfer.probe);
	assert_int_equal(s.xfer.bytes, 600);
	assert_int_equal(s.xfer.blocks, 2);
	assert_int_equal(s.xfer.retransmissions, 1);
	assert_string_equal(s.xfer_file, "start4.elf");
	/* a request left hanging ends as a timeout at the end of the input */
	FEED(d, 49154, 69, "\0\1kernel8.img\0octet\0");
	decoder_finish(d);
	assert_int_equal(s.n[EV_TFTP_XFER], 3);
	assert_int_equal(s.xfer.end, XFER_TIMEOUT);
	decoder_free(d);
}

UNIT_MAIN(
	cmocka_unit_test(test_cursor_bounds),
	cmocka_unit_test(test_flow_lru),
	cmocka_unit_test(test_dhcp_pi_guid_and_overload),
	cmocka_unit_test(test_tftp_probe_then_transfer))
