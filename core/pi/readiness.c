/* readiness — turn a Pi's own answers into "ready / not ready because … / do this". */
#include "core/site/tftp_dir.h"
#include "core/pi/readiness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/util.h"

/* Records the first reason the Pi is not ready and the one action that fixes it. */
static void not_ready(struct readiness *r, char *why, char *action)
{
	r->ready = false;
	if (r->verdict) {
		free(why);
		free(action);
		return;
	}
	r->verdict = why;
	r->action = action;
}

static const char *fact_name(const struct pi_text *t, const char *dflt)
{
	return t->name ? t->name : dflt;
}

static void read_identity(const struct pi_facts *f, const struct pi *p, struct readiness *r)
{
	const struct pi_text *t = &f->t[FACT_CPUINFO];
	struct cpuinfo ci;
	if (t->text) {
		if (cpuinfo_parse(t->text, t->len, fact_name(t, "cpuinfo"), &ci, &r->ps) < 0)
			r->bad_input = true;
		if (ci.has_revision) {
			r->has_revision = true;
			revision_decode(ci.revision, &r->rev);
			r->model = r->rev.model;
		}
		if (ci.has_serial) {
			r->has_serial = true;
			snprintf(r->serial, sizeof(r->serial), "%s", ci.serial + strlen(ci.serial) - 8);
		}
	}
	if (!r->has_revision && p)
		r->model = p->model; /* nothing from the Pi: trust the profile */
	t = &f->t[FACT_MAC];
	if (t->text) {
		char *m = xstrndup(t->text, t->len);
		if (mac_parse(str_trim(m), r->mac))
			r->has_mac = true;
		else
			problems_add(&r->ps, PROBLEM_WARNING, fact_name(t, "mac"), 0, NULL, NULL,
				     "\"%s\" is not a MAC address", m);
		free(m);
	}
}

/* Pi 3 family and older: b8:27:eb + the low 24 bits of the serial (spec §4.4). */
static void derive_pi3_mac(struct readiness *r)
{
	if (r->has_mac || !r->has_serial || !model_is_pi3_family(r->model))
		return;
	uint32_t s = (uint32_t)strtoul(r->serial, NULL, 16);
	uint8_t mac[6] = {0xb8, 0x27, 0xeb, (uint8_t)(s >> 16), (uint8_t)(s >> 8), (uint8_t)s};
	memcpy(r->mac, mac, 6);
	r->has_mac = true;
}

/* True (with a note) when the Pi is a 5: its OTP layout is not the one read here. */
static bool pi5_otp(struct readiness *r, const struct pi_text *t)
{
	if (!model_info(r->model)->eeprom_family ||
	    strcmp(model_info(r->model)->eeprom_family, "2712") != 0)
		return false;
	problems_add(&r->ps, PROBLEM_NOTE, t->name, 0, NULL, NULL,
		     "the Pi 5 OTP layout differs and is not interpreted; the EEPROM config "
		     "decides network boot");
	return true;
}

static void read_otp(const struct pi_facts *f, struct readiness *r)
{
	const struct pi_text *t = &f->t[FACT_OTP];
	if (!t->text || pi5_otp(r, t))
		return;
	struct otp_dump d;
	if (otp_parse(t->text, t->len, t->name, &d, &r->ps) < 0) {
		r->bad_input = true;
		return;
	}
	/* Row 30 is the board revision code (as in /proc/cpuinfo): without cpuinfo it tells the
	 * model, so a dump alone says whether row 17 matters (spec eeprom-otp.md §3). */
	struct pi_revision rev;
	if (!r->has_revision && d.line[30] && revision_decode(d.row[30], &rev) &&
	    rev.model != PI_MODEL_UNKNOWN) {
		r->has_revision = true;
		r->rev = rev;
		r->model = rev.model;
		if (pi5_otp(r, t))
			return;
	}
	r->has_otp = true;
	/* Row 17 matters on the Pi 3 family only; the 2711 boots by its EEPROM config. */
	struct problems scratch;
	problems_init(&scratch);
	otp_evaluate(&d, t->name, &r->otp, model_uses_eeprom(r->model) ? &scratch : &r->ps);
	for (size_t i = 0; i < scratch.n; i++)
		if (scratch.items[i].key && strcmp(scratch.items[i].key, "row 29") == 0)
			problems_add(&r->ps, scratch.items[i].severity, scratch.items[i].file,
				     scratch.items[i].line, NULL, "row 29", "%s",
				     scratch.items[i].message);
	problems_done(&scratch);
	if (!r->otp.has_serial)
		return;
	char otp_serial[9];
	snprintf(otp_serial, sizeof(otp_serial), "%08x", r->otp.serial);
	if (r->has_serial && strcmp(otp_serial, r->serial) != 0)
		problems_add(&r->ps, PROBLEM_ERROR, t->name, d.line[28], NULL, "row 28",
			     "serial %s differs from /proc/cpuinfo's %s: the two are not from the "
			     "same Pi",
			     otp_serial, r->serial);
	else if (!r->has_serial && r->otp.serial_ok) {
		memcpy(r->serial, otp_serial, sizeof(otp_serial));
		r->has_serial = true;
	}
}

static void read_bootloader(const struct pi_facts *f, struct readiness *r, struct bootconf *bc,
			    const struct bootconf_target *tg)
{
	const struct pi_text *t = &f->t[FACT_BLVERSION];
	if (t->text) {
		if (bootloader_version_parse(t->text, t->len, t->name, &r->blv, &r->ps) < 0)
			r->bad_input = true;
		else
			r->has_blv = true;
	}
	t = &f->t[FACT_BOOTCONF];
	if (!t->text)
		return;
	if (bootconf_parse(t->text, t->len, t->name, bc, &r->ps) < 0)
		r->bad_input = true;
	r->has_bootconf = true;
	const struct bootconf_entry *e = bootconf_lookup(bc, tg, "BOOT_ORDER");
	struct boot_order bo;
	const char *v = e && e->value[0] ? e->value : BOOT_ORDER_DEFAULT;
	if (boot_order_parse(v, &bo)) {
		snprintf(r->boot_order, sizeof(r->boot_order), "0x%s", bo.digits);
		r->boot_order_words = boot_order_describe(&bo);
	}
	e = bootconf_lookup(bc, tg, "TFTP_PREFIX");
	r->tftp_prefix = e && e->value[0] ? (int)strtol(e->value, NULL, 0) : 0;
	e = bootconf_lookup(bc, tg, "TFTP_PREFIX_STR");
	r->tftp_prefix_str = xstrdup(e ? e->value : "");
}

static char *bootstrap_cmd(const struct readiness *r, const struct site *s, const struct pi *p)
{
	if (p && s && s->path)
		return xasprintf("pinetboot eeprom bootstrap --site %s --pi %s -o card/", s->path,
				 p->name);
	return xasprintf("pinetboot eeprom bootstrap --model %s -o card/",
			 model_info(r->model)->name);
}

static void judge_otp_model(struct readiness *r, const struct site *s, const struct pi *p)
{
	const struct pi_model_info *mi = model_info(r->model);
	if (!r->has_otp) {
		if (mi->enable == NETBOOT_OTP)
			not_ready(r, xstrdup("the OTP was not read, so network boot is not confirmed"),
				  xstrdup("run 'vcgencmd otp_dump' on the Pi and pass its output with "
					  "--otp FILE"));
		return;
	}
	if (r->otp.boot == OTP_BOOT_NOT_ENABLED) {
		char *cmd = bootstrap_cmd(r, s, p);
		not_ready(r,
			  xasprintf("OTP row 17 is %08x: USB host (network) boot is not enabled",
				    r->otp.row17),
			  xasprintf("%s; boot the Pi once with that config.txt "
				    "(program_usb_boot_mode=1), then remove the line",
				    cmd));
		free(cmd);
	}
}

static void judge_eeprom_model(struct readiness *r, const struct pi_facts *f,
			       const struct bootconf *bc,
			       const struct bootconf_target *tg, const struct site *s,
			       const struct pi *p)
{
	const struct pi_model_info *mi = model_info(r->model);
	if (!r->has_bootconf) {
		not_ready(r, xstrdup("the bootloader config was not read"),
			  xstrdup("run 'vcgencmd bootloader_config' on the Pi and pass its output "
				  "with --bootconf FILE"));
		return;
	}
	struct boot_order bo;
	if (boot_order_parse(r->boot_order, &bo) && !boot_order_reaches(&bo, 2)) {
		char *cmd = bootstrap_cmd(r, s, p);
		not_ready(r,
			  xasprintf("BOOT_ORDER %s (%s) never tries the network", r->boot_order,
				    r->boot_order_words),
			  xasprintf("%s, then start the Pi once from that SD card", cmd));
		free(cmd);
	}
	if (r->has_blv) {
		if (bootloader_check_features(bc, tg, mi->eeprom_family, r->blv.timestamp,
					      f->t[FACT_BLVERSION].name, &r->ps) > 0 ||
		    (r->blv.has_caps && !(r->blv.capabilities & BOOTLOADER_CAP_NETWORK)))
			not_ready(r, xstrdup("the bootloader is too old for network boot as configured"),
				  xstrdup("update the bootloader on the Pi: sudo rpi-eeprom-update -a "
					  "&& sudo reboot (or use the bootstrap card)"));
	}
}

/* "[pi \"NAME\"]" for messages about the profile; heap string, caller frees. */
static char *pi_section(const struct pi *p)
{
	return xasprintf("[pi \"%s\"]", p->name);
}

static const char *prefix_kind_name(int k)
{
	return k == TFTP_PREFIX_MAC ? "MAC address" : k == TFTP_PREFIX_STRING ? "TFTP_PREFIX_STR"
										: "serial number";
}

static void judge_prefix(struct readiness *r, const struct site *s, const struct pi *p)
{
	const char *file = s->path;
	int line = p->key_line[PK_TFTP_PREFIX] ? p->key_line[PK_TFTP_PREFIX] : p->line;
	char *cmd = bootstrap_cmd(r, s, p), *sec = pi_section(p);
	int want_prefix = pi_tftp_prefix_setting(p->prefix);
	if (r->tftp_prefix != want_prefix) {
		problems_add(&r->ps, PROBLEM_ERROR, file, line, sec, "tftp_prefix",
			     "the Pi asks for files under its %s (TFTP_PREFIX=%d) but the profile "
			     "lays them out by %s (TFTP_PREFIX=%d)",
			     prefix_kind_name(r->tftp_prefix), r->tftp_prefix,
			     p->prefix == TFTP_PREFIX_NONE ? "an empty TFTP_PREFIX_STR (flat)"
							   : prefix_kind_name((int)p->prefix),
			     want_prefix);
		not_ready(r, xasprintf("TFTP_PREFIX=%d does not match the server layout",
				       r->tftp_prefix),
			  xasprintf("%s (sets TFTP_PREFIX=%d), then start the Pi once from that "
				    "SD card",
				    cmd, want_prefix));
	} else if (p->prefix == TFTP_PREFIX_STRING || p->prefix == TFTP_PREFIX_NONE) {
		char *want = pi_tftp_prefix_str_setting(p, NULL);
		if (strcmp(want, r->tftp_prefix_str) != 0) {
			problems_add(&r->ps, PROBLEM_ERROR, file, line, sec, "tftp_prefix",
				     "TFTP_PREFIX_STR is \"%s\" but the profile's directory is \"%s\"",
				     r->tftp_prefix_str, want);
			not_ready(r, xstrdup("TFTP_PREFIX_STR does not match the server layout"),
				  xasprintf("%s, then start the Pi once from that SD card", cmd));
		}
		free(want);
	}
	free(cmd);
	free(sec);
}

static void judge_site(struct readiness *r, const struct bootconf *bc,
		       const struct bootconf_target *tg, const struct site *s, const struct pi *p)
{
	const char *file = s->path;
	char *sec = pi_section(p);
	if (r->has_revision && r->model != PI_MODEL_UNKNOWN && p->model != r->model) {
		problems_add(&r->ps, PROBLEM_ERROR, file, p->key_line[PK_MODEL], sec, "model",
			     "the profile says %s, the Pi is a %s", model_info(p->model)->name,
			     model_info(r->model)->name);
		not_ready(r, xstrdup("the profile has the wrong model for this Pi"),
			  xasprintf("set model = %s in [pi \"%s\"]", model_info(r->model)->name,
				    p->name));
	}
	if (r->has_serial && p->has_serial && strcmp(r->serial, p->serial) != 0) {
		problems_add(&r->ps, PROBLEM_ERROR, file, p->key_line[PK_SERIAL], sec, "serial",
			     "the profile says %s, the Pi's serial is %s", p->serial, r->serial);
		not_ready(r, xstrdup("the profile has another serial number for this Pi"),
			  xasprintf("set serial = %s in [pi \"%s\"]", r->serial, p->name));
	}
	if (r->has_mac && p->has_mac && memcmp(r->mac, p->mac, 6) != 0) {
		char a[18], b[18];
		mac_format(p->mac, ':', a);
		mac_format(r->mac, ':', b);
		problems_add(&r->ps, PROBLEM_ERROR, file, p->key_line[PK_MAC], sec, "mac",
			     "the profile says %s, the Pi's MAC is %s", a, b);
		not_ready(r, xstrdup("the profile has another MAC address for this Pi"),
			  xasprintf("set mac = %s in [pi \"%s\"]", b, p->name));
	}
	free(sec);
	if (!model_uses_eeprom(r->model) || !r->has_bootconf)
		return;
	judge_prefix(r, s, p);
	const struct bootconf_entry *e = bootconf_lookup(bc, tg, "TFTP_IP");
	uint32_t ip;
	if (e && e->value[0] && ipv4_parse(e->value, &ip) && ip != s->address) {
		char want[16];
		ipv4_format(s->address, want);
		problems_add(&r->ps, PROBLEM_ERROR, bc->file, e->line, NULL, "TFTP_IP",
			     "%s, but the boot server is %s", e->value, want);
		char *cmd = bootstrap_cmd(r, s, p);
		not_ready(r, xasprintf("TFTP_IP=%s is not the boot server (%s)", e->value, want),
			  xasprintf("%s (drops TFTP_IP), or set TFTP_IP=%s", cmd, want));
		free(cmd);
	}
}

static void judge(struct readiness *r, const struct pi_facts *f, const struct bootconf *bc,
		  const struct bootconf_target *tg, const struct site *s, const struct pi *p)
{
	const struct pi_model_info *mi = model_info(r->model);
	if (r->model == PI_MODEL_UNKNOWN) {
		if (r->has_revision)
			not_ready(r, xasprintf("a Raspberry Pi %s (%s) cannot network boot",
					       r->rev.board, r->rev.soc),
				  xstrdup("use a Pi with Ethernet network boot (3B, 3B+, 4B, 400, "
					  "CM4, 5, 500, CM5), or an SD card holding only bootcode.bin"));
		else
			not_ready(r, xstrdup("the Pi's model is not known"),
				  xstrdup("run pinetboot check on the Pi, or pass its /proc/cpuinfo "
					  "with --cpuinfo FILE"));
	} else if (mi->enable == NETBOOT_NEVER)
		not_ready(r, xasprintf("a %s has no Ethernet the boot ROM can use", mi->long_name),
			  xstrdup("use a Pi with Ethernet network boot (3B, 3B+, 4B, 400, CM4, 5, "
				  "500, CM5)"));
	else if (mi->enable == NETBOOT_EEPROM)
		judge_eeprom_model(r, f, bc, tg, s, p);
	else
		judge_otp_model(r, s, p);
	if (p && s)
		judge_site(r, bc, tg, s, p);
}

int readiness_evaluate(const struct pi_facts *f, const struct site *s, const struct pi *p,
		       struct readiness *r)
{
	memset(r, 0, sizeof(*r));
	problems_init(&r->ps);
	r->ready = true;
	r->tftp_prefix = -1;
	for (int k = 0; k < FACT_COUNT; k++)
		if (f->t[k].missing)
			problems_add(&r->ps, PROBLEM_NOTE, NULL, 0, NULL, NULL, "%s: %s",
				     f->t[k].name, f->t[k].missing);
	read_identity(f, p, r);
	read_otp(f, r);
	derive_pi3_mac(r);
	struct bootconf bc;
	memset(&bc, 0, sizeof(bc));
	struct bootconf_target tg = {r->model, r->has_revision ? r->rev.type : -1, false, 0};
	if (r->has_serial) {
		tg.has_serial = true;
		tg.serial = (uint32_t)strtoul(r->serial, NULL, 16);
	}
	read_bootloader(f, r, &bc, &tg);
	judge(r, f, &bc, &tg, s, p);
	bootconf_done(&bc);
	for (size_t i = 0; r->ready && i < r->ps.n; i++)
		if (r->ps.items[i].severity == PROBLEM_ERROR) {
			char *msg = problem_format(&r->ps.items[i]);
			not_ready(r, xasprintf("%s", r->ps.items[i].message),
				  xasprintf("fix this first: %s", msg));
			free(msg);
		}
	if (r->ready)
		r->verdict = xstrdup("ready to network boot");
	if (r->bad_input)
		return 2;
	return r->ready ? 0 : 1;
}

void readiness_done(struct readiness *r)
{
	free(r->boot_order_words);
	free(r->tftp_prefix_str);
	free(r->verdict);
	free(r->action);
	problems_done(&r->ps);
	memset(r, 0, sizeof(*r));
}
