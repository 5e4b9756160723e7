/* Unit tests: every revision code in spec eeprom-otp.md §4.1 (new style and old style), the
 * over-voltage prefix, and the text forms /proc/cpuinfo prints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <string.h>

#include "core/site/model.h"

struct want {
	uint32_t code;
	enum pi_model model;
	const char *board;
	unsigned ram_mb;
	const char *soc, *maker, *pcb;
};

/* Every code of the spec's tables: first the network-boot relevant new-style codes (§4.1
 * "Codes relevant to network boot"), then the old-style codes 0002–0015, boards that cannot
 * network boot (PI_MODEL_UNKNOWN, the mark of an old-style row here). */
static const struct want codes[] = {
	{0xa02042, PI_2B, "2B", 1024, "BCM2837", "Sony UK", "1.2"},
	{0xa22042, PI_2B, "2B", 1024, "BCM2837", "Embest", "1.2"},
	{0xa02082, PI_3B, "3B", 1024, "BCM2837", "Sony UK", "1.2"},
	{0xa22082, PI_3B, "3B", 1024, "BCM2837", "Embest", "1.2"},
	{0xa32082, PI_3B, "3B", 1024, "BCM2837", "Sony Japan", "1.2"},
	{0xa52082, PI_3B, "3B", 1024, "BCM2837", "Stadium", "1.2"},
	{0xa22083, PI_3B, "3B", 1024, "BCM2837", "Embest", "1.3"},
	{0xa020d3, PI_3BPLUS, "3B+", 1024, "BCM2837", "Sony UK", "1.3"},
	{0xa020d4, PI_3BPLUS, "3B+", 1024, "BCM2837", "Sony UK", "1.4"},
	{0x9020e0, PI_3APLUS, "3A+", 512, "BCM2837", "Sony UK", "1.0"},
	{0x9020e1, PI_3APLUS, "3A+", 512, "BCM2837", "Sony UK", "1.1"},
	{0xa020a0, PI_CM3, "CM3", 1024, "BCM2837", "Sony UK", "1.0"},
	{0xa220a0, PI_CM3, "CM3", 1024, "BCM2837", "Embest", "1.0"},
	{0xa02100, PI_CM3PLUS, "CM3+", 1024, "BCM2837", "Sony UK", "1.0"},
	{0xa03111, PI_4B, "4B", 1024, "BCM2711", "Sony UK", "1.1"},
	{0xb03111, PI_4B, "4B", 2048, "BCM2711", "Sony UK", "1.1"},
	{0xb03112, PI_4B, "4B", 2048, "BCM2711", "Sony UK", "1.2"},
	{0xb03113, PI_4B, "4B", 2048, "BCM2711", "Sony UK", "1.3"},
	{0xb03114, PI_4B, "4B", 2048, "BCM2711", "Sony UK", "1.4"},
	{0xb03115, PI_4B, "4B", 2048, "BCM2711", "Sony UK", "1.5"},
	{0xc03111, PI_4B, "4B", 4096, "BCM2711", "Sony UK", "1.1"},
	{0xc03112, PI_4B, "4B", 4096, "BCM2711", "Sony UK", "1.2"},
	{0xc03113, PI_4B, "4B", 4096, "BCM2711", "Sony UK", "1.3"},
	{0xc03114, PI_4B, "4B", 4096, "BCM2711", "Sony UK", "1.4"},
	{0xc03115, PI_4B, "4B", 4096, "BCM2711", "Sony UK", "1.5"},
	{0xd03114, PI_4B, "4B", 8192, "BCM2711", "Sony UK", "1.4"},
	{0xd03115, PI_4B, "4B", 8192, "BCM2711", "Sony UK", "1.5"},
	{0xc03130, PI_400, "400", 4096, "BCM2711", "Sony UK", "1.0"},
	{0xa03140, PI_CM4, "CM4", 1024, "BCM2711", "Sony UK", "1.0"},
	{0xb03140, PI_CM4, "CM4", 2048, "BCM2711", "Sony UK", "1.0"},
	{0xc03140, PI_CM4, "CM4", 4096, "BCM2711", "Sony UK", "1.0"},
	{0xd03140, PI_CM4, "CM4", 8192, "BCM2711", "Sony UK", "1.0"},
	{0xc03141, PI_CM4, "CM4", 4096, "BCM2711", "Sony UK", "1.1"},
	{0xc04170, PI_5, "5", 4096, "BCM2712", "Sony UK", "1.0"},
	{0xd04170, PI_5, "5", 8192, "BCM2712", "Sony UK", "1.0"},
	{0xb04171, PI_5, "5", 2048, "BCM2712", "Sony UK", "1.1"},
	{0xe04171, PI_5, "5", 16384, "BCM2712", "Sony UK", "1.1"},
	{0xb04180, PI_CM5, "CM5", 2048, "BCM2712", "Sony UK", "1.0"},
	{0xc04180, PI_CM5, "CM5", 4096, "BCM2712", "Sony UK", "1.0"},
	{0xd04180, PI_CM5, "CM5", 8192, "BCM2712", "Sony UK", "1.0"},
	{0xd04190, PI_500, "500", 8192, "BCM2712", "Sony UK", "1.0"},
	{0xb041a0, PI_CM5, "CM5 Lite", 2048, "BCM2712", "Sony UK", "1.0"},
	{0xc041a0, PI_CM5, "CM5 Lite", 4096, "BCM2712", "Sony UK", "1.0"},
	{0xd041a0, PI_CM5, "CM5 Lite", 8192, "BCM2712", "Sony UK", "1.0"},
	{0x0002, PI_MODEL_UNKNOWN, "B", 256, "BCM2835", "Egoman", "1.0"},
	{0x0003, PI_MODEL_UNKNOWN, "B", 256, "BCM2835", "Egoman", "1.0"},
	{0x0004, PI_MODEL_UNKNOWN, "B", 256, "BCM2835", "Sony UK", "2.0"},
	{0x0005, PI_MODEL_UNKNOWN, "B", 256, "BCM2835", "Qisda", "2.0"},
	{0x0006, PI_MODEL_UNKNOWN, "B", 256, "BCM2835", "Egoman", "2.0"},
	{0x0007, PI_MODEL_UNKNOWN, "A", 256, "BCM2835", "Egoman", "2.0"},
	{0x0008, PI_MODEL_UNKNOWN, "A", 256, "BCM2835", "Sony UK", "2.0"},
	{0x0009, PI_MODEL_UNKNOWN, "A", 256, "BCM2835", "Qisda", "2.0"},
	{0x000d, PI_MODEL_UNKNOWN, "B", 512, "BCM2835", "Egoman", "2.0"},
	{0x000e, PI_MODEL_UNKNOWN, "B", 512, "BCM2835", "Sony UK", "2.0"},
	{0x000f, PI_MODEL_UNKNOWN, "B", 512, "BCM2835", "Egoman", "2.0"},
	{0x0010, PI_MODEL_UNKNOWN, "B+", 512, "BCM2835", "Sony UK", "1.2"},
	{0x0011, PI_MODEL_UNKNOWN, "CM1", 512, "BCM2835", "Sony UK", "1.0"},
	{0x0012, PI_MODEL_UNKNOWN, "A+", 256, "BCM2835", "Sony UK", "1.1"},
	{0x0013, PI_MODEL_UNKNOWN, "B+", 512, "BCM2835", "Embest", "1.2"},
	{0x0014, PI_MODEL_UNKNOWN, "CM1", 512, "BCM2835", "Embest", "1.0"},
	{0x0015, PI_MODEL_UNKNOWN, "A+", 0, "BCM2835", "Embest", "1.1"},
};

static void check(const struct want *w)
{
	struct pi_revision r;
	print_message("code %06x\n", w->code);
	assert_true(revision_decode(w->code, &r));
	assert_int_equal(r.new_style, w->model != PI_MODEL_UNKNOWN);
	assert_int_equal(r.model, w->model);
	assert_string_equal(r.board, w->board);
	assert_int_equal(r.ram_mb, w->ram_mb);
	assert_string_equal(r.soc, w->soc);
	assert_string_equal(r.manufacturer, w->maker);
	assert_string_equal(r.pcb_revision, w->pcb);
}

static void test_codes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		check(&codes[i]);
	struct pi_revision r;
	for (uint32_t c = 0x0a; c <= 0x0c; c++)
		assert_false(revision_decode(c, &r)); /* unused codes */
	assert_false(revision_decode(0x16, &r));
}

static void test_overvoltage_and_flags(void **state)
{
	(void)state;
	struct pi_revision r;
	uint32_t code;
	assert_true(revision_parse("1000002", &code));
	assert_int_equal(code, 0x1000002);
	assert_true(revision_decode(code, &r));
	assert_true(r.warranty_voided);
	assert_string_equal(r.board, "B");
	/* new style: bit 25 warranty, bits 29-31 OTP/overvoltage locks */
	assert_true(revision_decode(0xe2a03111u, &r));
	assert_true(r.overvoltage_disallowed && r.otp_program_disallowed && r.otp_read_disallowed);
	assert_true(r.warranty_voided);
	assert_int_equal(r.model, PI_4B);
	/* 2B v1.1 (BCM2836) cannot network boot: not the 2B table entry */
	assert_true(revision_decode(0xa01041, &r));
	assert_string_equal(r.board, "2B");
	assert_int_equal(r.model, PI_MODEL_UNKNOWN);
	/* Zero W, Zero 2 W, CM4S: known boards outside the netboot table */
	assert_true(revision_decode(0x9000c1, &r));
	assert_string_equal(r.board, "Zero W");
	assert_int_equal(r.model, PI_MODEL_UNKNOWN);
	assert_true(revision_decode(0x902120, &r));
	assert_string_equal(r.board, "Zero 2 W");
	assert_true(revision_decode(0xa03150, &r));
	assert_string_equal(r.board, "CM4S");
	/* out-of-range fields */
	assert_false(revision_decode(0xf03111, &r)); /* memory 7 */
	assert_false(revision_decode(0xa96111, &r)); /* maker 9, processor 6 */
	assert_false(revision_decode(0xa03ff0, &r)); /* type 0xff */
}

static void test_parse(void **state)
{
	(void)state;
	uint32_t c;
	assert_true(revision_parse("c03111", &c));
	assert_int_equal(c, 0xc03111);
	assert_true(revision_parse(" 000e\t", &c));
	assert_int_equal(c, 0xe);
	assert_true(revision_parse("0xa02082", &c));
	assert_false(revision_parse("e", &c));
	assert_false(revision_parse("123456789", &c));
	assert_false(revision_parse("c03111x", &c));
	assert_false(revision_parse("", &c));
	assert_false(revision_parse(NULL, &c));
}

UNIT_MAIN(
	cmocka_unit_test(test_codes),
	cmocka_unit_test(test_overvoltage_and_flags),
	cmocka_unit_test(test_parse))
