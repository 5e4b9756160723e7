/* monitor_fleet — the fleet table's rows, order, search and the full diagnosis text. */
#include "tui/monitor_fleet.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/base/util.h"

static enum fleet_state state_of(const struct diag_pi *p)
{
	const struct diag_verdict *v = diag_pi_main_verdict(p);
	if (v && v->rule && !strcmp(v->rule, "no-discover"))
		return FLEET_NOT_SEEN; /* the profile's Pi said nothing: off, or not yet booted */
	if (p->failed)
		return FLEET_FAILED;
	return p->reached == STAGE_COUNT - 1 ? FLEET_DONE : FLEET_BOOTING;
}

/* The profile's Pis sorted by name, so matching a fleet of N Pis costs N log N, not N^2. */
static int by_name(const void *a, const void *b)
{
	return strcmp((*(const struct pi *const *)a)->name, (*(const struct pi *const *)b)->name);
}

static const struct pi *find_sorted(const struct pi **sorted, size_t n, const char *name)
{
	struct pi key = {.name = (char *)name};
	const struct pi *k = &key;
	const struct pi **hit = bsearch(&k, sorted, n, sizeof(*sorted), by_name);
	return hit ? *hit : NULL;
}

const char *fleet_name(const struct fleet_row *r)
{
	if (r->prof)
		return r->prof->name;
	return r->p && r->p->name ? r->p->name : "-";
}

void fleet_mac(const struct fleet_row *r, char out[18])
{
	if (r->p)
		mac_format(r->p->mac, ':', out);
	else if (r->prof && r->prof->has_mac)
		mac_format(r->prof->mac, ':', out);
	else
		snprintf(out, 18, "-");
}

void fleet_ip(const struct fleet_row *r, char out[16])
{
	snprintf(out, 16, "-");
	if (r->p && r->p->ip) {
		struct in_addr a = {.s_addr = htonl(r->p->ip)};
		inet_ntop(AF_INET, &a, out, 16);
	}
}

static const char *serial_of(const struct fleet_row *r)
{
	if (r->p && r->p->has_serial)
		return r->p->serial;
	return r->prof && r->prof->has_serial ? r->prof->serial : NULL;
}

static bool matches(const struct fleet_row *r, const char *find)
{
	if (!find || !*find)
		return true;
	char mac[18], ip[16];
	fleet_mac(r, mac);
	fleet_ip(r, ip);
	const char *serial = serial_of(r);
	return strcasestr(fleet_name(r), find) || strcasestr(mac, find) ||
	       (serial && strcasestr(serial, find)) || (strcmp(ip, "-") && strstr(ip, find));
}

void fleet_build(const struct monfeed *f, const char *find, struct fleet *out)
{
	memset(out, 0, sizeof(*out));
	if (!f)
		return;
	size_t nd = diag_pi_count(f->diag), np = f->has_site ? f->site.n_pis : 0;
	struct fleet_row *all = xcalloc(nd + np + 1, sizeof(*all));
	const struct pi **sorted = xcalloc(np + 1, sizeof(*sorted));
	bool *seen = xcalloc(np + 1, sizeof(*seen));
	for (size_t i = 0; i < np; i++)
		sorted[i] = &f->site.pis[i];
	qsort(sorted, np, sizeof(*sorted), by_name);
	size_t n = 0;
	for (size_t i = 0; i < nd; i++) {
		const struct diag_pi *p = diag_pi_at(f->diag, i);
		const struct pi *prof = p->name ? find_sorted(sorted, np, p->name) : NULL;
		if (prof)
			seen[prof - f->site.pis] = true;
		all[n++] = (struct fleet_row){p, prof, state_of(p)};
	}
	for (size_t i = 0; i < np; i++)
		if (!seen[i])
			all[n++] = (struct fleet_row){NULL, &f->site.pis[i], FLEET_NOT_SEEN};
	free(sorted);
	free(seen);
	out->rows = xcalloc(n + 1, sizeof(*out->rows));
	out->total = n;
	/* failures first, then booting, done, not seen; the capture's order within each */
	for (int s = FLEET_FAILED; s <= FLEET_NOT_SEEN; s++)
		for (size_t i = 0; i < n; i++) {
			if (all[i].state != (enum fleet_state)s)
				continue;
			out->count[s]++;
			if (matches(&all[i], find))
				out->rows[out->n++] = all[i];
		}
	free(all);
}

void fleet_done(struct fleet *fl)
{
	free(fl->rows);
	memset(fl, 0, sizeof(*fl));
}

void fleet_key(const struct fleet_row *r, char *out, size_t n)
{
	if (strcmp(fleet_name(r), "-")) {
		snprintf(out, n, "%s", fleet_name(r));
		return;
	}
	char mac[18];
	fleet_mac(r, mac);
	snprintf(out, n, "%s", mac);
}

size_t fleet_find_key(const struct fleet *fl, const char *key)
{
	char k[64];
	for (size_t i = 0; key && *key && i < fl->n; i++) {
		fleet_key(&fl->rows[i], k, sizeof(k));
		if (!strcmp(k, key))
			return i;
	}
	return 0;
}

void fleet_stages(const struct fleet_row *r, char out[16])
{
	static const char mark[] = {'.', '~', '+', 'X'};
	for (int s = 1; s < STAGE_COUNT; s++) {
		out[2 * (s - 1)] = r->p && r->state != FLEET_NOT_SEEN ? mark[r->p->state[s]] : '.';
		out[2 * (s - 1) + 1] = ' ';
	}
	out[2 * (STAGE_COUNT - 1) - 1] = 0;
}

void fleet_short(const struct fleet_row *r, char *out, size_t n)
{
	switch (r->state) {
	case FLEET_NOT_SEEN:
		snprintf(out, n, "not seen yet");
		break;
	case FLEET_DONE:
		snprintf(out, n, "booted (stage 8)");
		break;
	case FLEET_FAILED:
		snprintf(out, n, "FAILED at %d %s", r->p->failed, boot_stage_names[r->p->failed]);
		break;
	case FLEET_BOOTING:
		snprintf(out, n, "stage %d of 8", r->p->reached + 1 < STAGE_COUNT ? r->p->reached + 1
										  : r->p->reached);
		break;
	}
}

static void add(struct sbuf *b, const char *label, const char *text)
{
	if (text && *text)
		sbuf_printf(b, "%s%s\n", label, text);
}

static void add_verdict(struct sbuf *b, const struct diag_verdict *v)
{
	sbuf_printf(b, "\n%s at stage %d (%s): %s\n", v->failure ? "FAILED" : "Warning", v->stage,
		    v->rule, v->cause);
	add(b, "  evidence: ", v->evidence);
	add(b, "  fix: ", v->fix);
}

bool fleet_is_evidence(const struct monfeed *f, const struct diag_pi *p, const char *line)
{
	for (size_t i = 0; i < p->n_verdicts; i++)
		for (size_t k = 0; k < PNB_ARRAY_LEN(p->verdicts[i].frames); k++) {
			uint64_t fr = p->verdicts[i].frames[k];
			if (!fr)
				continue;
			char ref[300], tag[304];
			monfeed_frame_ref(f, fr, ref, sizeof(ref));
			snprintf(tag, sizeof(tag), " %s ", ref);
			if (strstr(line, tag))
				return true;
		}
	return false;
}

char *fleet_diagnosis(const struct monfeed *f, const struct fleet_row *r)
{
	struct sbuf b;
	sbuf_init(&b);
	char mac[18], ip[16], sh[96];
	fleet_mac(r, mac);
	fleet_ip(r, ip);
	fleet_short(r, sh, sizeof(sh));
	const char *serial = serial_of(r);
	sbuf_printf(&b, "%s  MAC %s  IP %s  serial %s  - %s\n", fleet_name(r), mac, ip,
		    serial ? serial : "-", sh);
	const struct diag_pi *p = r->p;
	if (r->state == FLEET_NOT_SEEN) {
		/* the end-of-capture rule's words when it ran, else the same advice */
		const struct diag_verdict *v = p ? diag_pi_main_verdict(p) : NULL;
		sbuf_add(&b, "\nNo DHCP DISCOVER from this Pi in the capture so far. That is no "
			     "failure while it is off; if it should be booting:\n");
		add(&b, "  evidence: ", v ? v->evidence : NULL);
		add(&b, "  fix: ",
		    v ? v->fix
		      : "check its power and link, that it is on the segment the capture watches, "
			"and that network boot is enabled (step 6, Readiness)");
		return sbuf_take(&b);
	}
	add(&b, "\nVerdict: ", p->verdict);
	for (size_t i = 0; i < p->n_verdicts; i++)
		add_verdict(&b, &p->verdicts[i]);
	sbuf_add(&b, "\nStages:\n");
	for (int s = 1; s < STAGE_COUNT; s++) {
		sbuf_printf(&b, "  %d %-18s %s", s, boot_stage_names[s], diag_state_name(p->state[s]));
		if (p->stage_frame[s]) {
			struct timeval t = p->stage_time[s], t0 = f->first_ts;
			double rel = (double)(t.tv_sec - t0.tv_sec) +
				     (double)(t.tv_usec - t0.tv_usec) / 1e6;
			char ref[300];
			monfeed_frame_ref(f, p->stage_frame[s], ref, sizeof(ref));
			sbuf_printf(&b, " (%s, %.3f s)", ref, rel);
		}
		sbuf_add(&b, "\n");
	}
	for (size_t i = 0; i < diag_site_verdict_count(f->diag); i++) {
		const struct diag_verdict *v = diag_site_verdict_at(f->diag, i);
		sbuf_printf(&b, "\nOn the segment: %s\n", v->cause);
		add(&b, "  evidence: ", v->evidence);
		add(&b, "  fix: ", v->fix);
	}
	sbuf_add(&b, "\nPackets of this Pi (> marks the evidence):\n");
	for (size_t i = 0; i < f->n_lines; i++) {
		const struct mon_line *l = monfeed_line(f, i);
		if (monfeed_line_is_pi(l, p))
			sbuf_printf(&b, "%c %s\n", fleet_is_evidence(f, p, l->text) ? '>' : ' ',
				    l->text);
	}
	return sbuf_take(&b);
}
