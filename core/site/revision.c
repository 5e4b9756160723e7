/* revision — Raspberry Pi revision codes (spec eeprom-otp.md §4.1) decoded into model, RAM, SoC,
 * maker and PCB revision. Capabilities stay in the one model table (model.c): this file only
 * names boards and maps the type field onto that table. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/site/model.h"
#include "core/base/util.h"

#define REV_NEW_STYLE (1u << 23)

/* Board names by new-style type field; NULL = not assigned. */
static const char *const type_names[] = {
	[0x00] = "A",     [0x01] = "B",       [0x02] = "A+",       [0x03] = "B+",
	[0x04] = "2B",    [0x05] = "Alpha",   [0x06] = "CM1",      [0x08] = "3B",
	[0x09] = "Zero",  [0x0a] = "CM3",     [0x0c] = "Zero W",   [0x0d] = "3B+",
	[0x0e] = "3A+",   [0x0f] = "internal", [0x10] = "CM3+",    [0x11] = "4B",
	[0x12] = "Zero 2 W", [0x13] = "400",  [0x14] = "CM4",      [0x15] = "CM4S",
	[0x16] = "internal", [0x17] = "5",    [0x18] = "CM5",      [0x19] = "500",
	[0x1a] = "CM5 Lite", [0x1b] = "CM0",
};

static const char *const makers[] = {"Sony UK", "Egoman", "Embest", "Sony Japan", "Embest",
				     "Stadium"};
static const char *const socs[] = {"BCM2835", "BCM2836", "BCM2837", "BCM2711", "BCM2712"};

/* Old-style codes 0002–0015 (codes 000a–000c unused). */
struct old_rev {
	uint16_t code;
	const char *board, *pcb, *maker;
	unsigned ram_mb;
};
static const struct old_rev old_revs[] = {
	{0x02, "B", "1.0", "Egoman", 256},   {0x03, "B", "1.0", "Egoman", 256},
	{0x04, "B", "2.0", "Sony UK", 256},  {0x05, "B", "2.0", "Qisda", 256},
	{0x06, "B", "2.0", "Egoman", 256},   {0x07, "A", "2.0", "Egoman", 256},
	{0x08, "A", "2.0", "Sony UK", 256},  {0x09, "A", "2.0", "Qisda", 256},
	{0x0d, "B", "2.0", "Egoman", 512},   {0x0e, "B", "2.0", "Sony UK", 512},
	{0x0f, "B", "2.0", "Egoman", 512},   {0x10, "B+", "1.2", "Sony UK", 512},
	{0x11, "CM1", "1.0", "Sony UK", 512}, {0x12, "A+", "1.1", "Sony UK", 256},
	{0x13, "B+", "1.2", "Embest", 512},  {0x14, "CM1", "1.0", "Embest", 512},
	/* 0015 shipped with 256MB and 512MB; the code does not say which. */
	{0x15, "A+", "1.1", "Embest", 0},
};

enum pi_model model_from_rev_type(uint8_t type, unsigned processor)
{
	if (type == 0x04 && processor != 2)
		return PI_MODEL_UNKNOWN; /* 2B v1.1 (BCM2836): no network boot ROM */
	if (type == 0x1a)
		return PI_CM5; /* CM5 Lite: the same SoC and boot path as CM5, no eMMC */
	for (int m = 1; m < PI_MODEL_COUNT; m++)
		if (model_info((enum pi_model)m)->rev_type == type)
			return (enum pi_model)m;
	return PI_MODEL_UNKNOWN;
}

static bool decode_old(uint32_t code, struct pi_revision *r)
{
	/* An over-volted old board reads "1000002": bit 24 above the 4-digit code. */
	uint32_t base = code & 0x00ffffffu;
	r->warranty_voided = (code & 0xff000000u) != 0;
	r->soc = "BCM2835";
	for (size_t i = 0; i < PNB_ARRAY_LEN(old_revs); i++) {
		if (old_revs[i].code != base)
			continue;
		r->board = old_revs[i].board;
		r->manufacturer = old_revs[i].maker;
		r->ram_mb = old_revs[i].ram_mb;
		snprintf(r->pcb_revision, sizeof(r->pcb_revision), "%s", old_revs[i].pcb);
		return true;
	}
	r->board = "unknown old-style board";
	return false;
}

static bool decode_new(uint32_t code, struct pi_revision *r)
{
	unsigned mem = (code >> 20) & 7, maker = (code >> 16) & 0xf, proc = (code >> 12) & 0xf;
	bool ok = true;
	r->type = (uint8_t)((code >> 4) & 0xff);
	r->overvoltage_disallowed = code & (1u << 31);
	r->otp_program_disallowed = code & (1u << 30);
	r->otp_read_disallowed = code & (1u << 29);
	r->warranty_voided = code & (1u << 25);
	r->ram_mb = mem <= 6 ? 256u << mem : 0;
	ok &= mem <= 6;
	r->manufacturer = maker < PNB_ARRAY_LEN(makers) ? makers[maker] : "unknown maker";
	ok &= maker < PNB_ARRAY_LEN(makers);
	r->soc = proc < PNB_ARRAY_LEN(socs) ? socs[proc] : "unknown SoC";
	ok &= proc < PNB_ARRAY_LEN(socs);
	snprintf(r->pcb_revision, sizeof(r->pcb_revision), "1.%u", code & 0xf);
	if (r->type < PNB_ARRAY_LEN(type_names) && type_names[r->type])
		r->board = type_names[r->type];
	else {
		r->board = "unknown board type";
		ok = false;
	}
	r->model = model_from_rev_type(r->type, proc);
	return ok;
}

bool revision_decode(uint32_t code, struct pi_revision *out)
{
	memset(out, 0, sizeof(*out));
	out->code = code;
	out->type = 0xff;
	out->model = PI_MODEL_UNKNOWN;
	out->manufacturer = "unknown maker";
	out->soc = "unknown SoC";
	if (code & REV_NEW_STYLE) {
		out->new_style = true;
		return decode_new(code, out);
	}
	return decode_old(code, out);
}

bool revision_parse(const char *text, uint32_t *code)
{
	if (!text)
		return false;
	while (isspace((unsigned char)*text))
		text++;
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		text += 2;
	size_t n = 0;
	uint32_t v = 0;
	for (; isxdigit((unsigned char)text[n]); n++) {
		if (n >= 8)
			return false;
		char c = (char)tolower((unsigned char)text[n]);
		v = v << 4 | (uint32_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	const char *rest = text + n;
	while (isspace((unsigned char)*rest))
		rest++;
	if (n < 4 || *rest)
		return false;
	*code = v;
	return true;
}
