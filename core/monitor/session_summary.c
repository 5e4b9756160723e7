/* session_summary — how a monitor run ends on a terminal or in a pipe: the per-Pi stage table
 * (text) and the last JSON line {"summary": true, …}. Both faces of the command line use them;
 * the wizard draws its own table. */
#include <stdlib.h>

#include "capture/fmt.h"
#include "capture/log.h"
#include "core/base/util.h"
#include "core/monitor/session.h"

/* Length of the valid UTF-8 sequence (2-4 bytes, not overlong, no surrogates) at p, or 0. */
static size_t utf8_seq(const unsigned char *p)
{
	unsigned c = p[0];
	size_t n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f) || (c == 0xf0 && p[1] < 0x90) ||
	    (c == 0xf4 && p[1] > 0x8f))
		return 0;
	return n;
}

/* Verdict texts quote what peers sent (file names, messages): control characters and bytes
 * that are not UTF-8 are written as \xNN, so they never drive the terminal. */
static void put_text(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		size_t n = *p >= 0x80 ? utf8_seq(p) : 0;
		if (n) {
			fwrite(p, 1, n, f);
			p += n;
		} else if (*p < 0x20 || *p >= 0x7f) {
			fprintf(f, "\\x%02x", *p++);
		} else {
			fputc(*p++, f);
		}
	}
}

/* "label text" and a line break; nothing when there is no text. */
static void put_line(FILE *f, const char *label, const char *text)
{
	if (!text)
		return;
	fputs(label, f);
	put_text(f, text);
	fputc('\n', f);
}

static char stage_mark(enum stage_state s)
{
	switch (s) {
	case STATE_DONE: return '+';
	case STATE_FAILED: return 'X';
	case STATE_IN_PROGRESS: return '~';
	default: return '.';
	}
}

static const char *pi_model_name(const struct diag_pi *pi)
{
	return pi->model == PI_MODEL_UNKNOWN ? "?" : model_info(pi->model)->name;
}

void session_print_table(const struct session *s, FILE *f)
{
	const struct diag *d = session_diag(s);
	size_t n = diag_pi_count(d);
	fprintf(f, "\n%-17s %-5s %-8s 1 2 3 4 5 6 7 8  verdict\n", "Pi", "model", "serial");
	for (size_t i = 0; i < n; i++) {
		const struct diag_pi *pi = diag_pi_at(d, i);
		char mac[18], marks[17];
		mac_format(pi->mac, ':', mac);
		for (int st = 1; st < STAGE_COUNT; st++) {
			marks[(st - 1) * 2] = stage_mark(pi->state[st]);
			marks[(st - 1) * 2 + 1] = ' ';
		}
		marks[15] = 0;
		fprintf(f, "%-17s %-5s %-8s %s  ", mac, pi_model_name(pi),
			pi->has_serial ? pi->serial : "-", marks);
		put_text(f, pi->verdict);
		fputc('\n', f);
		for (size_t v = 0; v < pi->n_verdicts; v++) {
			const struct diag_verdict *dv = &pi->verdicts[v];
			fprintf(f, "    stage %d %s: ", dv->stage, dv->failure ? "FAILED" : "warning");
			put_line(f, "", dv->cause ? dv->cause : "");
			put_line(f, "      evidence: ", dv->evidence);
			put_line(f, "      fix: ", dv->fix);
		}
	}
	if (!n)
		fprintf(f, "(no Raspberry Pi seen)\n");
	for (size_t i = 0; i < diag_site_verdict_count(d); i++) {
		const struct diag_verdict *dv = diag_site_verdict_at(d, i);
		put_line(f, "site: ", dv->cause ? dv->cause : "");
		put_line(f, "  fix: ", dv->fix);
	}
	const struct log_set *ls = session_logs(s);
	if (ls) {
		struct log_stats lst;
		log_set_stats(ls, &lst);
		fprintf(f, "logs: %llu lines, %llu understood, %llu skipped (not about a netboot, or "
			   "in a format not read)\n",
			(unsigned long long)lst.lines, (unsigned long long)lst.understood,
			(unsigned long long)lst.skipped);
		for (size_t i = 0; i < log_set_note_count(ls); i++)
			put_line(f, "log: ", log_set_note(ls, i));
	}
	fprintf(f, "stages: 1 ROM DHCP discover, 2 boot offer, 3 address bound, 4 TFTP firmware, "
		   "5 TFTP kernel, 6 kernel network, 7 root login, 8 root in use "
		   "(+ done, ~ in progress, X failed, . not seen)\n");
}

static void json_verdict(struct line *l, const struct diag_verdict *dv, const struct log_set *ls)
{
	put_str(l, "{\"stage\":");
	put_u64(l, (uint64_t)dv->stage);
	put_str(l, ",\"rule\":");
	put_json_cstr(l, dv->rule ? dv->rule : "");
	put_str(l, ",\"failure\":");
	put_str(l, dv->failure ? "true" : "false");
	put_str(l, ",\"cause\":");
	put_json_cstr(l, dv->cause ? dv->cause : "");
	put_str(l, ",\"evidence\":");
	put_json_cstr(l, dv->evidence ? dv->evidence : "");
	put_str(l, ",\"fix\":");
	put_json_cstr(l, dv->fix ? dv->fix : "");
	put_str(l, ",\"frames\":[");
	bool logref = false;
	for (int i = 0, k = 0; i < 4; i++)
		if (dv->frames[i]) {
			if (k++)
				put_ch(l, ',');
			put_u64(l, dv->frames[i]);
			logref = logref || (dv->frames[i] & LOG_FRAME_BIT);
		}
	put_ch(l, ']');
	if (logref && ls) {
		/* Log lines by name: "refs":["dnsmasq.log:12"] */
		put_str(l, ",\"refs\":[");
		char ref[300];
		for (int i = 0, k = 0; i < 4; i++)
			if (dv->frames[i] && log_frame_ref(ls, dv->frames[i], ref, sizeof(ref))) {
				if (k++)
					put_ch(l, ',');
				put_json_cstr(l, ref);
			}
		put_ch(l, ']');
	}
	put_ch(l, '}');
}

static void json_pi(struct line *l, const struct diag_pi *pi, const struct log_set *ls)
{
	char mac[18];
	mac_format(pi->mac, ':', mac);
	put_str(l, "{\"mac\":\"");
	put_str(l, mac);
	put_str(l, "\",\"model\":");
	if (pi->model == PI_MODEL_UNKNOWN)
		put_str(l, "null");
	else
		put_json_cstr(l, model_info(pi->model)->name);
	put_str(l, ",\"serial\":");
	if (pi->has_serial)
		put_json_cstr(l, pi->serial);
	else
		put_str(l, "null");
	if (pi->name) {
		put_str(l, ",\"name\":");
		put_json_cstr(l, pi->name);
	}
	if (pi->os_dhcp) {
		put_str(l, ",\"netboot\":false,\"dhcp_client\":");
		put_json_cstr(l, pi->dhcp_client);
	}
	put_str(l, ",\"reached\":");
	put_u64(l, (uint64_t)pi->reached);
	put_str(l, ",\"failed\":");
	if (pi->failed)
		put_u64(l, (uint64_t)pi->failed);
	else
		put_str(l, "null");
	put_str(l, ",\"verdict\":");
	put_json_cstr(l, pi->verdict ? pi->verdict : "");
	put_str(l, ",\"verdicts\":[");
	for (size_t v = 0; v < pi->n_verdicts; v++) {
		if (v)
			put_ch(l, ',');
		json_verdict(l, &pi->verdicts[v], ls);
	}
	put_str(l, "]}");
}

/* Writes what l holds to f, after ", " unless it is a list's first item, and empties l: the
 * summary goes out a part at a time, as a fleet's is bigger than one line. */
static void part_out(FILE *f, struct line *l, bool first)
{
	fprintf(f, "%s%.*s", first ? "" : ", ", (int)l->n, l->b);
	line_reset(l);
}

/* "log": {counts, "notes": [...]}, built with the same writer as the Pis' parts. */
static void json_logs(FILE *f, struct line *l, const struct log_set *ls)
{
	struct log_stats lst;
	log_set_stats(ls, &lst);
	put_str(l, "\"log\": {\"lines\": ");
	put_u64(l, lst.lines);
	put_str(l, ", \"understood\": ");
	put_u64(l, lst.understood);
	put_str(l, ", \"skipped\": ");
	put_u64(l, lst.skipped);
	put_str(l, ", \"events\": ");
	put_u64(l, lst.events);
	put_str(l, ", \"notes\": [");
	part_out(f, l, true);
	for (size_t i = 0; i < log_set_note_count(ls); i++) {
		put_json_cstr(l, log_set_note(ls, i));
		part_out(f, l, i == 0);
	}
	fputs("]}, ", f);
}

/* Built one Pi at a time in a heap line buffer: a fleet summary is bigger than one line. */
void session_print_json_summary(struct session *s, FILE *f)
{
	const struct session_stats *st = session_stats(s);
	const struct diag *d = session_diag(s);
	uint64_t recv, drop;
	fprintf(f,
		"{\"summary\": true, \"packets\": %llu, \"truncated\": %llu, \"fragments\": %llu, "
		"\"flows_evicted\": %llu, ",
		(unsigned long long)st->packets, (unsigned long long)st->truncated,
		(unsigned long long)st->fragments, (unsigned long long)st->flows_evicted);
	if (session_live_stats(s, &recv, &drop))
		fprintf(f, "\"received\": %llu, \"dropped\": %llu, ", (unsigned long long)recv,
			(unsigned long long)drop);
	struct line *l = xmalloc(sizeof(*l));
	line_reset(l);
	const struct log_set *ls = session_logs(s);
	if (ls)
		json_logs(f, l, ls);
	if (session_input_error(s)) {
		put_str(l, "\"input_error\": ");
		put_json_cstr(l, session_input_error(s));
		put_str(l, ", ");
		part_out(f, l, true);
	}
	fputs("\"pis\": [", f);
	for (size_t i = 0; i < diag_pi_count(d); i++) {
		json_pi(l, diag_pi_at(d, i), ls);
		part_out(f, l, i == 0);
	}
	fputs("], \"site\": [", f);
	for (size_t i = 0; i < diag_site_verdict_count(d); i++) {
		json_verdict(l, diag_site_verdict_at(d, i), ls);
		part_out(f, l, i == 0);
	}
	fputs("]}\n", f);
	free(l);
}
