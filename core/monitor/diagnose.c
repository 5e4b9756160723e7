/* diagnose — the engine: one timeline per Pi keyed by MAC, the boot-stage machine of
 * DESIGN.md, the verdict store and the one-sentence summary. The protocol-specific evidence is
 * gathered in diagnose_dhcp.c, diagnose_tftp.c and diagnose_root.c; silence is judged in
 * diagnose_time.c. */
#include "core/monitor/diagnose_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/site/tftp_dir.h"

#define DIAG_RULE_INFO(e, id, stage, failure, site, meaning)                                       \
	{id, (enum boot_stage)(stage), failure, site, meaning},
static const struct diag_rule_info rules[R_COUNT] = {DIAG_RULES(DIAG_RULE_INFO)};
#undef DIAG_RULE_INFO

size_t diag_rule_count(void)
{
	return R_COUNT;
}

const struct diag_rule_info *diag_rule_at(size_t i)
{
	return i < R_COUNT ? &rules[i] : NULL;
}

const struct diag_rule_info *diag_rule_find(const char *id)
{
	for (size_t i = 0; id && i < R_COUNT; i++)
		if (strcmp(rules[i].id, id) == 0)
			return &rules[i];
	return NULL;
}

const char *diag_state_name(enum stage_state s)
{
	static const char *const names[] = {"not seen", "in progress", "done", "failed"};
	return (unsigned)s < PNB_ARRAY_LEN(names) ? names[s] : "?";
}

/* ---- small helpers shared by the rule files ---- */

double tv_diff(struct timeval a, struct timeval b)
{
	return pnb_tv_sub(a, b); /* the events' own time arithmetic (capture/event.h) */
}

const char *frame_name(const struct diag *d, uint64_t frame, char out[160])
{
	if (!d || !d->namer || !d->namer(d->namer_user, frame, out, 160))
		snprintf(out, 160, "#%llu", (unsigned long long)frame);
	return out;
}

void diag_set_frame_namer(struct diag *d, diag_frame_namer fn, const void *user)
{
	d->namer = fn;
	d->namer_user = user;
}

void ev_ref(const struct diag *d, struct sbuf *b, uint64_t frame, struct timeval ts)
{
	char f[160];
	sbuf_printf(b, "%s (%.3f s)", frame_name(d, frame, f), tv_diff(ts, d->t0));
}

void ev_text(const struct diag *d, struct sbuf *b, const struct pnb_event *ev, const char *fmt, ...)
{
	va_list ap;
	sbuf_init(b);
	va_start(ap, fmt);
	sbuf_vprintf(b, fmt, ap);
	va_end(ap);
	sbuf_addc(b, ' ');
	ev_ref(d, b, ev->frame, ev->ts);
}

char *ip_str(uint32_t ip, char out[16])
{
	ipv4_format(ip, out);
	return out;
}

/* ---- the Pi table ---- */

static size_t mac_hash(const uint8_t mac[6])
{
	/* The low three bytes vary per board; the OUI does not. */
	uint32_t h = (uint32_t)mac[3] << 16 | (uint32_t)mac[4] << 8 | mac[5];
	return (size_t)(h * 2654435761u);
}

static void hash_insert(struct diag *d, size_t idx)
{
	size_t mask = d->hash_cap - 1;
	size_t h = mac_hash(d->pis[idx]->pub.mac) & mask;
	while (d->hash[h])
		h = (h + 1) & mask;
	d->hash[h] = idx + 1;
}

static void hash_grow(struct diag *d)
{
	free(d->hash);
	d->hash_cap = d->hash_cap ? d->hash_cap * 2 : 64;
	d->hash = xcalloc(d->hash_cap, sizeof(*d->hash));
	for (size_t i = 0; i < d->n_pis; i++)
		hash_insert(d, i);
}

struct pistate *diag_pi_get(struct diag *d, const uint8_t mac[6])
{
	if (!d->hash_cap)
		return NULL;
	size_t mask = d->hash_cap - 1;
	for (size_t h = mac_hash(mac) & mask; d->hash[h]; h = (h + 1) & mask) {
		struct pistate *ps = d->pis[d->hash[h] - 1];
		if (memcmp(ps->pub.mac, mac, 6) == 0) {
			d->touched = ps;
			return ps;
		}
	}
	return NULL;
}

/* Raspberry Pi Ltd's MAC prefixes (the one table), with the model each suggests before option
 * 97 says more. IEEE MA-L: b8:27:eb (Raspberry Pi Foundation), dc:a6:32, e4:5f:01, 28:cd:c1,
 * d8:3a:dd (Raspberry Pi Trading Ltd), 2c:cf:67 (Raspberry Pi (Trading) Ltd), as listed in the
 * IEEE registry copies of Debian's ieee-data and Wireshark's manuf. 88:a2:9e is not in those
 * copies; public reports show it on Pi 5 and late Pi 4 boards: kept, without a model. */
static const struct {
	uint8_t oui[3];
	enum pi_model m;
} pi_ouis[] = {{{0xb8, 0x27, 0xeb}, PI_3B},
	       {{0xdc, 0xa6, 0x32}, PI_4B},
	       {{0xe4, 0x5f, 0x01}, PI_4B},
	       {{0x28, 0xcd, 0xc1}, PI_MODEL_UNKNOWN},
	       {{0xd8, 0x3a, 0xdd}, PI_MODEL_UNKNOWN},
	       {{0x2c, 0xcf, 0x67}, PI_5},
	       {{0x88, 0xa2, 0x9e}, PI_MODEL_UNKNOWN}};

/* The entry of mac's prefix, or NULL. */
static const enum pi_model *pi_oui(const uint8_t mac[6])
{
	for (size_t i = 0; i < PNB_ARRAY_LEN(pi_ouis); i++)
		if (memcmp(mac, pi_ouis[i].oui, 3) == 0)
			return &pi_ouis[i].m;
	return NULL;
}

static enum pi_model model_from_oui(const uint8_t mac[6])
{
	const enum pi_model *m = pi_oui(mac);
	return m ? *m : PI_MODEL_UNKNOWN;
}

static const struct pi *profile_by_mac(const struct site *s, const uint8_t mac[6])
{
	for (size_t i = 0; s && i < s->n_pis; i++)
		if (s->pis[i].has_mac && memcmp(s->pis[i].mac, mac, 6) == 0)
			return &s->pis[i];
	return NULL;
}

static void pi_bind_profile(struct pistate *ps, const struct pi *p)
{
	ps->prof = p;
	free(ps->pub.name);
	ps->pub.name = xstrdup(p->name);
	if (!ps->model_from_guid && p->model != PI_MODEL_UNKNOWN)
		ps->pub.model = p->model;
	if (!ps->pub.has_serial && p->has_serial) {
		memcpy(ps->pub.serial, p->serial, sizeof(ps->pub.serial));
		ps->pub.has_serial = true;
	}
	ps->dirty = true;
}

bool diag_mac_is_pi(const struct site *site, const uint8_t mac[6])
{
	if (site)
		return profile_by_mac(site, mac) != NULL;
	return pi_oui(mac) != NULL;
}

struct pistate *diag_pi_late(struct diag *d, const uint8_t mac[6], const struct pnb_event *ev,
			     bool by_oui)
{
	struct pistate *ps = diag_pi_get(d, mac);
	if (ps ||
	    !((by_oui && diag_mac_is_pi(NULL, mac)) || (d->site && diag_mac_is_pi(d->site, mac))))
		return ps;
	return diag_pi_add(d, mac, ev);
}

struct pistate *diag_pi_add(struct diag *d, const uint8_t mac[6], const struct pnb_event *ev)
{
	struct pistate *ps = diag_pi_get(d, mac);
	if (ps)
		return ps;
	ps = xcalloc(1, sizeof(*ps));
	ps->diag = d;
	memcpy(ps->pub.mac, mac, 6);
	ps->pub.model = model_from_oui(mac);
	ps->boot_offer = -1;
	ps->pub.boots = 1;
	ps->first_frame = ev->frame;
	ps->first_ts = ev->ts;
	ps->dirty = true;
	const struct pi *p = profile_by_mac(d->site, mac);
	if (p)
		pi_bind_profile(ps, p);
	if (d->n_pis == d->cap_pis) {
		d->cap_pis = d->cap_pis ? d->cap_pis * 2 : 16;
		d->pis = xrealloc(d->pis, d->cap_pis * sizeof(*d->pis));
	}
	d->pis[d->n_pis++] = ps;
	if (d->n_pis * 2 > d->hash_cap)
		hash_grow(d);
	else
		hash_insert(d, d->n_pis - 1);
	d->touched = ps;
	return ps;
}

static void pi_recount(struct pistate *ps);

void diag_pi_learn_serial(struct diag *d, struct pistate *ps, const char *serial)
{
	if (ps->pub.has_serial && strcmp(ps->pub.serial, serial) == 0)
		return;
	/* The wire is the truth for display; the profile's serial still decides the expected
	 * TFTP directory, and the difference is reported. */
	snprintf(ps->pub.serial, sizeof(ps->pub.serial), "%s", serial);
	ps->pub.has_serial = true;
	ps->dirty = true;
	for (size_t i = 0; !ps->prof && d->site && i < d->site->n_pis; i++)
		if (d->site->pis[i].has_serial && strcmp(d->site->pis[i].serial, serial) == 0)
			pi_bind_profile(ps, &d->site->pis[i]);
	if (ps->prof && ps->prof->has_serial && strcmp(ps->prof->serial, serial) != 0 &&
	    !pi_fired(ps, R_PROFILE_MISMATCH))
		pi_report(
		    ps, R_PROFILE_MISMATCH, 0, 0,
		    xasprintf("the profile gives Pi \"%s\" serial %s, but it reports %s",
			      ps->prof->name, ps->prof->serial, serial),
		    xasprintf("serial %s from option 97 or the TFTP path", serial),
		    xasprintf("set serial = %s in [pi \"%s\"] (its TFTP directory follows it)",
			      serial, ps->prof->name));
}

void diag_pi_new_boot(struct pistate *ps)
{
	struct pistate keep = *ps;
	for (size_t i = 0; i < ps->n_files; i++)
		free(ps->files[i].name);
	free(ps->files);
	free(ps->initiator);
	free(ps->target);
	memset(ps, 0, sizeof(*ps));
	memcpy(ps->pub.mac, keep.pub.mac, 6);
	ps->pub.name = keep.pub.name;
	ps->pub.model = keep.pub.model;
	ps->pub.has_serial = keep.pub.has_serial;
	memcpy(ps->pub.serial, keep.pub.serial, sizeof(ps->pub.serial));
	ps->pub.ip = keep.pub.ip;
	ps->pub.verdicts = keep.pub.verdicts;
	ps->pub.n_verdicts = keep.pub.n_verdicts;
	ps->pub.verdict = keep.pub.verdict;
	ps->pub.boots = keep.pub.boots + 1;
	ps->prof = keep.prof;
	ps->model_from_guid = keep.model_from_guid;
	memcpy(ps->fired, keep.fired, sizeof(ps->fired));
	ps->first_frame = keep.first_frame;
	ps->first_ts = keep.first_ts;
	ps->boot_offer = -1;
	pi_recount(ps);
}

/* ---- stages ---- */

static void pi_recount(struct pistate *ps)
{
	ps->pub.reached = 0;
	for (int s = STAGE_COUNT - 1; s > 0; s--)
		if (ps->pub.state[s] == STATE_DONE) {
			ps->pub.reached = s;
			break;
		}
	ps->pub.failed = 0;
	for (size_t i = 0; i < ps->pub.n_verdicts; i++) {
		const struct diag_verdict *v = &ps->pub.verdicts[i];
		if (v->failure && (!ps->pub.failed || (int)v->stage < ps->pub.failed))
			ps->pub.failed = (int)v->stage;
	}
	ps->dirty = true;
}

void st_progress(struct pistate *ps, int s, const struct pnb_event *ev)
{
	if (ps->pub.state[s] != STATE_NOT_SEEN)
		return;
	ps->pub.state[s] = STATE_IN_PROGRESS;
	ps->pub.stage_frame[s] = ev->frame;
	ps->pub.stage_time[s] = ev->ts;
	ps->dirty = true;
}

void st_done_at(struct pistate *ps, int s, uint64_t frame, struct timeval ts)
{
	if (ps->pub.state[s] == STATE_DONE)
		return;
	ps->pub.state[s] = STATE_DONE;
	ps->pub.stage_frame[s] = frame;
	ps->pub.stage_time[s] = ts;
	/* Earlier stages not seen (capture started late, static IP): done by implication, with
	 * the packet that proved it. */
	for (int e = 1; e < s; e++)
		if (ps->pub.state[e] != STATE_DONE) {
			ps->pub.state[e] = STATE_DONE;
			if (!ps->pub.stage_frame[e]) {
				ps->pub.stage_frame[e] = frame;
				ps->pub.stage_time[e] = ts;
			}
		}
	/* The Pi got past earlier failures (at an earlier stage, or at this one in an earlier
	 * attempt: a second login that reads, a reboot that boots): the last attempt decides,
	 * the failures stay as history. */
	for (size_t i = 0; i < ps->pub.n_verdicts; i++) {
		struct diag_verdict *v = &ps->pub.verdicts[i];
		if (v->failure && ((int)v->stage < s ||
				   ((int)v->stage == s && v->frames[0] && v->frames[0] < frame))) {
			v->failure = false;
			ps->recovered = true;
		}
	}
	pi_recount(ps);
}

void st_done(struct pistate *ps, int s, const struct pnb_event *ev)
{
	st_done_at(ps, s, ev->frame, ev->ts);
}

/* ---- verdicts ---- */

static void verdict_done(struct diag_verdict *v)
{
	free(v->rule);
	free(v->cause);
	free(v->evidence);
	free(v->fix);
}

static void verdict_fill(struct diag_verdict *v, enum diag_rule r, int stage, uint64_t frame,
			 char *cause, char *evidence, char *fix)
{
	verdict_done(v);
	v->stage = (enum boot_stage)(stage ? stage : (int)rules[r].stage);
	v->rule = xstrdup(rules[r].id);
	v->cause = cause ? cause : xstrdup(rules[r].meaning);
	v->evidence = evidence ? evidence : xstrdup("");
	v->fix = fix ? fix : xstrdup("");
	v->failure = rules[r].failure;
	if (frame) {
		size_t k = 0;
		while (k < PNB_ARRAY_LEN(v->frames) - 1 && v->frames[k] && v->frames[k] != frame)
			k++;
		v->frames[k] = frame;
	}
}

void pi_report(struct pistate *ps, enum diag_rule r, int stage, uint64_t frame, char *cause,
	       char *evidence, char *fix)
{
	struct diag_verdict *v;
	if (ps->fired[r]) {
		v = &ps->pub.verdicts[ps->fired[r] - 1];
	} else {
		ps->pub.verdicts = xrealloc(ps->pub.verdicts,
					    (ps->pub.n_verdicts + 1) * sizeof(*ps->pub.verdicts));
		v = &ps->pub.verdicts[ps->pub.n_verdicts++];
		memset(v, 0, sizeof(*v));
		ps->fired[r] = (int)ps->pub.n_verdicts;
	}
	if (rules[r].failure && ps->netcon_frame && evidence) {
		char f[160];
		char *e = xasprintf("%s; bootloader log %s: \"%s\"", evidence,
				    frame_name(ps->diag, ps->netcon_frame, f), ps->netcon);
		free(evidence);
		evidence = e;
	}
	verdict_fill(v, r, stage, frame, cause, evidence, fix);
	/* A failure at a stage the Pi already got past is history, not the reason it stopped. */
	if (v->failure && ps->pub.reached > (int)v->stage)
		v->failure = false;
	if (v->failure)
		ps->pub.state[v->stage] = STATE_FAILED;
	pi_recount(ps);
}

void site_report(struct diag *d, enum diag_rule r, uint64_t frame, char *cause, char *evidence,
		 char *fix)
{
	struct diag_verdict *v;
	if (d->site_fired[r]) {
		v = &d->site_v[d->site_fired[r] - 1];
	} else {
		d->site_v = xrealloc(d->site_v, (d->n_site_v + 1) * sizeof(*d->site_v));
		v = &d->site_v[d->n_site_v++];
		memset(v, 0, sizeof(*v));
		d->site_fired[r] = (int)d->n_site_v;
	}
	verdict_fill(v, r, 0, frame, cause, evidence, fix);
}

const struct diag_verdict *diag_pi_main_verdict(const struct diag_pi *p)
{
	const struct diag_verdict *best = NULL;
	size_t best_rule = R_COUNT;
	for (size_t i = 0; p->failed && i < p->n_verdicts; i++) {
		const struct diag_verdict *v = &p->verdicts[i];
		if (!v->failure || (int)v->stage != p->failed)
			continue;
		const struct diag_rule_info *ri = diag_rule_find(v->rule);
		size_t idx = ri ? (size_t)(ri - rules) : R_COUNT;
		if (!best || idx < best_rule) {
			best = v;
			best_rule = idx;
		}
	}
	return best;
}

bool prof_prefix(const struct pistate *ps, char *out, size_t len, const char **kind)
{
	const struct pi *p = ps->prof;
	if (!p)
		return false;
	/* what the Pi itself sent fills in what the profile left out */
	struct pi seen = *p;
	if (!seen.has_serial && ps->pub.has_serial) {
		memcpy(seen.serial, ps->pub.serial, sizeof(seen.serial));
		seen.has_serial = true;
	}
	memcpy(seen.mac, ps->pub.mac, sizeof(seen.mac));
	seen.has_mac = true;
	char dir[PI_TFTP_DIR_MAX];
	if (!pi_tftp_dir_name(&seen, dir))
		return false;
	snprintf(out, len, "%s", dir);
	*kind = model_is_pi3_family(p->model) || p->prefix == TFTP_PREFIX_SERIAL ? "serial"
		: p->prefix == TFTP_PREFIX_MAC					 ? "MAC"
		: p->prefix == TFTP_PREFIX_NONE					 ? "flat layout"
										 : "name";
	return true;
}

/* diag_pi_main_verdict without looking each rule up by name: fired[] maps each rule to the
 * Pi's one verdict of it, and the first rule in table order wins. */
static const struct diag_verdict *pi_main_verdict(const struct pistate *ps)
{
	const struct diag_pi *p = &ps->pub;
	for (size_t r = 0; p->failed && r < R_COUNT; r++) {
		if (!ps->fired[r])
			continue;
		const struct diag_verdict *v = &p->verdicts[ps->fired[r] - 1];
		if (v->failure && (int)v->stage == p->failed)
			return v;
	}
	return NULL;
}

/* A small count in decimal (a stage number, a count of warnings). */
static void add_num(struct sbuf *b, size_t n)
{
	char d[24];
	size_t k = sizeof(d);
	do
		d[--k] = (char)('0' + n % 10);
	while ((n /= 10) && k);
	sbuf_addn(b, d + k, sizeof(d) - k);
}

/* "stage N (name)" */
static void add_stage(struct sbuf *b, int s)
{
	sbuf_add(b, "stage ");
	add_num(b, (size_t)s);
	sbuf_add(b, " (");
	sbuf_add(b, boot_stage_names[s]);
	sbuf_addc(b, ')');
}

/* The one sentence: what the Pi reached, and why it stopped. It is rebuilt after every event
 * that changed the Pi, so it is put together with plain appends (no printf) in d's scratch
 * buffer, and pub.verdict is replaced only when the text differs. */
static void pi_summarise(struct diag *d, struct pistate *ps, bool at_end)
{
	struct diag_pi *p = &ps->pub;
	struct sbuf *b = &d->sentence;
	sbuf_reset(b);
	const struct diag_verdict *v = p->os_dhcp ? NULL : pi_main_verdict(ps);
	if (p->os_dhcp) {
		sbuf_add(b, "not network booting: an operating system's DHCP client (");
		sbuf_add(b, p->dhcp_client);
		sbuf_addc(b, ')');
	} else if (v) {
		sbuf_add(b, "failed at ");
		add_stage(b, p->failed);
		sbuf_add(b, ": ");
		sbuf_add(b, v->cause);
		sbuf_add(b, " [");
		sbuf_add(b, v->rule);
		sbuf_addc(b, ']');
	} else {
		size_t warnings = 0;
		const char *first_warning = NULL;
		for (size_t i = 0; i < p->n_verdicts; i++)
			if (!p->verdicts[i].failure) {
				if (!first_warning)
					first_warning = p->verdicts[i].rule;
				warnings++;
			}
		if (p->reached == STAGE_ROOT_IN_USE) {
			sbuf_add(b, ps->nfs_seen ? "booted: root in use (stage 8, NFS reads flowing)"
						 : "booted: root in use (stage 8, iSCSI reads flowing)");
		} else {
			sbuf_add(b, "reached ");
			add_stage(b, p->reached);
			sbuf_add(b, at_end ? "; the capture ended in " : "; now in ");
			add_stage(b, p->reached + 1);
		}
		if (ps->recovered) {
			/* the first failure the Pi got past, and when */
			for (size_t i = 0; i < p->n_verdicts; i++) {
				const struct diag_rule_info *ri = diag_rule_find(p->verdicts[i].rule);
				if (p->verdicts[i].failure || !ri || !ri->failure)
					continue;
				sbuf_add(b, "; recovered after a failure at stage ");
				add_num(b, (size_t)p->verdicts[i].stage);
				sbuf_add(b, " [");
				sbuf_add(b, p->verdicts[i].rule);
				sbuf_addc(b, ']');
				break;
			}
		}
		if (warnings) {
			sbuf_add(b, " with ");
			add_num(b, warnings);
			sbuf_add(b, warnings == 1 ? " warning [" : " warnings [");
			sbuf_add(b, first_warning);
			sbuf_addc(b, ']');
		}
	}
	if (p->verdict && strcmp(p->verdict, b->buf) == 0)
		return;
	free(p->verdict);
	p->verdict = xstrdup(b->buf);
}

/* ---- the public engine ---- */

struct diag *diag_new(const struct site *site)
{
	struct diag *d = xcalloc(1, sizeof(*d));
	d->site = site;
	return d;
}

static void pistate_free(struct pistate *ps)
{
	for (size_t i = 0; i < ps->pub.n_verdicts; i++)
		verdict_done(&ps->pub.verdicts[i]);
	free(ps->pub.verdicts);
	free(ps->pub.name);
	free(ps->pub.verdict);
	for (size_t i = 0; i < ps->n_files; i++)
		free(ps->files[i].name);
	free(ps->files);
	free(ps->initiator);
	free(ps->target);
	free(ps);
}

void diag_free(struct diag *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_pis; i++)
		pistate_free(d->pis[i]);
	free(d->pis);
	free(d->hash);
	for (size_t i = 0; i < d->n_site_v; i++)
		verdict_done(&d->site_v[i]);
	free(d->site_v);
	sbuf_done(&d->sentence);
	free(d);
}

static void sweep(struct diag *d, struct timeval now, bool at_end)
{
	for (size_t i = 0; i < d->n_pis; i++) {
		struct pistate *ps = d->pis[i];
		pi_check_time(d, ps, now, at_end);
		if (ps->dirty || at_end) {
			pi_summarise(d, ps, at_end);
			ps->dirty = false;
		}
	}
	d->last_sweep = now;
}

static void malformed(struct diag *d, const struct pnb_event *ev)
{
	if (!d->n_malformed++) {
		d->malformed_frame = ev->frame;
		d->malformed_why = NULL;
	}
	struct sbuf e;
	sbuf_init(&e);
	sbuf_printf(&e, "%llu packet%s cut short or malformed, the first ",
		    (unsigned long long)d->n_malformed, d->n_malformed == 1 ? "" : "s");
	ev_ref(d, &e, d->malformed_frame, d->t0);
	if (d->n_malformed == 1 && ev->why)
		sbuf_printf(&e, ": %s", ev->why);
	site_report(d, R_MALFORMED, ev->frame,
		    xasprintf("%llu truncated or malformed packet%s in the capture",
			      (unsigned long long)d->n_malformed, d->n_malformed == 1 ? "" : "s"),
		    sbuf_take(&e),
		    xstrdup("capture with a snap length of 0 (tcpdump -s 0) and check the link"));
}

static void netconsole(struct diag *d, const struct pnb_event *ev)
{
	struct pistate *ps = diag_pi_get(d, ev->src_mac);
	const struct pnb_bytes l = ev->u.netconsole.line;
	if (!ps || !l.p || !l.len)
		return;
	size_t n = l.len < sizeof(ps->netcon) - 1 ? l.len : sizeof(ps->netcon) - 1;
	for (size_t i = 0; i < n; i++)
		ps->netcon[i] =
		    (l.p[i] >= 0x20 && l.p[i] < 0x7f && l.p[i] != '"') ? (char)l.p[i] : ' ';
	ps->netcon[n] = '\0';
	ps->netcon_frame = ev->frame;
}

/* The Pi that holds ip (offered/bound), or NULL. */
static const struct pistate *pi_by_ip(const struct diag *d, uint32_t ip)
{
	for (size_t i = 0; ip && i < d->n_pis; i++)
		if (d->pis[i]->pub.ip == ip)
			return d->pis[i];
	return NULL;
}

/* A raw IP capture has no MAC addresses: the Pis are keyed by MAC, so an event between known
 * addresses gets the MACs their DHCP showed (into copy). Returns the event to use. */
static const struct pnb_event *macs_from_ips(const struct diag *d, const struct pnb_event *ev,
					     struct pnb_event *copy)
{
	static const uint8_t none[6];
	bool xfer = ev->kind == EV_TFTP_XFER && !memcmp(ev->u.xfer.client_mac, none, 6);
	if (!xfer && (memcmp(ev->src_mac, none, 6) || memcmp(ev->dst_mac, none, 6)))
		return ev;
	const struct pistate *src = pi_by_ip(d, ev->src_ip), *dst = pi_by_ip(d, ev->dst_ip);
	const struct pistate *cl = xfer ? pi_by_ip(d, ev->u.xfer.client_ip) : NULL;
	if (!src && !dst && !cl)
		return ev;
	*copy = *ev;
	if (src)
		memcpy(copy->src_mac, src->pub.mac, 6);
	if (dst)
		memcpy(copy->dst_mac, dst->pub.mac, 6);
	if (cl)
		memcpy(copy->u.xfer.client_mac, cl->pub.mac, 6);
	return copy;
}

void diag_event(struct diag *d, const struct pnb_event *ev)
{
	if (!d || !ev)
		return;
	struct pnb_event copy;
	if (ev->kind != EV_DHCP && ev->kind != EV_ARP && ev->kind != EV_STP)
		ev = macs_from_ips(d, ev, &copy);
	if (!d->have_t0) {
		d->t0 = ev->ts;
		d->last_sweep = ev->ts;
		d->have_t0 = true;
	}
	if (tv_diff(ev->ts, d->now) > 0)
		d->now = ev->ts;
	d->touched = NULL;
	switch (ev->kind) {
	case EV_DHCP:
		dx_dhcp(d, ev);
		break;
	case EV_ARP:
		dx_arp(d, ev);
		break;
	case EV_STP:
		dx_stp(d, ev);
		break;
	case EV_TFTP:
		dx_tftp(d, ev);
		break;
	case EV_TFTP_XFER:
		dx_xfer(d, ev);
		break;
	case EV_TCP:
		dx_tcp(d, ev);
		break;
	case EV_ISCSI:
		dx_iscsi(d, ev);
		break;
	case EV_RPC:
		dx_rpc(d, ev);
		break;
	case EV_TRUNCATED:
		malformed(d, ev);
		break;
	case EV_NETCONSOLE:
		netconsole(d, ev);
		break;
	case EV_KIND_COUNT:
		break;
	}
	/* Capture time drives the silence rules when reading a file; once a second is plenty. */
	if (tv_diff(d->now, d->last_sweep) >= 1.0)
		sweep(d, d->now, false);
	else if (d->touched && d->touched->dirty) {
		pi_summarise(d, d->touched, false);
		d->touched->dirty = false;
	}
}

void diag_tick(struct diag *d, struct timeval now)
{
	if (!d || !d->have_t0)
		return;
	if (tv_diff(now, d->now) > 0)
		d->now = now;
	sweep(d, d->now, false);
}

void diag_finish(struct diag *d)
{
	if (!d || d->finished)
		return;
	d->finished = true;
	diag_finish_site(d);
	sweep(d, d->now, true);
}

size_t diag_pi_count(const struct diag *d)
{
	return d ? d->n_pis : 0;
}

const struct diag_pi *diag_pi_at(const struct diag *d, size_t i)
{
	return d && i < d->n_pis ? &d->pis[i]->pub : NULL;
}

size_t diag_site_verdict_count(const struct diag *d)
{
	return d ? d->n_site_v : 0;
}

const struct diag_verdict *diag_site_verdict_at(const struct diag *d, size_t i)
{
	return d && i < d->n_site_v ? &d->site_v[i] : NULL;
}
