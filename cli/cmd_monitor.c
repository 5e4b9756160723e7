/* cmd_monitor — `pinetboot monitor`: decode netboot traffic from a capture file or a live
 * interface, print it (text lines or JSON lines), feed the boot-stage diagnosis and end with
 * the per-Pi stage table (or the JSON summary). Exit status for -r: 0 no Pi failed, 1 one
 * did, 2 bad input. */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/decode.h"
#include "capture/fmt.h"
#include "capture/pcap_source.h"
#include "capture/print.h"
#include "cli/cli.h"
#include "core/monitor/diagnose.h"
#include "core/site/profile.h"
#include "core/base/util.h"

#define CMD "monitor"
#define LIVE_TABLE_EVERY 60 /* seconds between stage tables in a live text capture */

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

struct monitor {
	const char *file, *iface, *site_path, *save;
	bool json, quiet;
	uint64_t count;
	double duration;
	struct site site;
	bool has_site;
	struct diag *diag;
	struct pnb_decoder *dec;
	struct text_printer *text;
	struct json_printer *jp;
	struct pnb_out out;
	char input_error[512];   /* the capture file ended in damage (truncated) */
	bool have_stats;         /* live: the kernel's counts, for the summary */
	uint64_t recv, drop;
};

static const struct cli_opt cmd_monitor_opts[] = {
    {"read", 'r', "FILE", "read a capture file (pcap or pcapng, from tcpdump/tshark)"},
    {"interface", 'i', "IF",
     "capture live on IF (needs root or cap_net_raw; root is dropped after opening, to SUDO_UID or "
     "nobody)"},
    {"site", 's', "SITE",
     "cross-check against the site profile (names, MACs, serials, TFTP layout, IQNs); it may also "
     "be given as the operand"},
    {"json", 'j', NULL,
     "JSON lines: one object per event, the last line is the summary {\"summary\": true, \"pis\": "
     "[...]} (see pinetboot(1))"},
    {"quiet", 'q', NULL, "no packet lines: only the per-Pi stage table (or the summary)"},
    {"write", 'w', "SAVE", "also save every packet read to SAVE (pcap)"},
    {"count", 'c', "N", "stop after N packets"},
    {"duration", 'd', "S", "live: stop after S seconds"},
    {0}};

const struct cli_cmd cmd_monitor_spec = {
    "monitor",
    "Usage: pinetboot monitor (-r FILE | -i IFACE) [[--site] SITE] [--json] [-q] [-w SAVE]\n"
    "                         [--count N] [--duration S]\n"
    "Decodes Raspberry Pi network boot traffic (DHCP/PXE, TFTP, iSCSI, NFS/MOUNT, ARP,\n"
    "NETCONSOLE, STP), follows each Pi through the boot stages and says which stage\n"
    "failed, why, and what to change.\n",
    cmd_monitor_opts,
    "\n"
    "Examples:\n"
    "  sudo pinetboot monitor -i eth0 --site site.conf\n"
    "  pinetboot monitor -r boot.pcap -q\n"
    "  pinetboot monitor -r boot.pcap --json | jq 'select(.summary)'\n"
    "  sudo pinetboot monitor -i eth0 -w boot.pcap --duration 120\n"
    "\n"
    "Exit status: 0 no Pi failed, 1 a Pi failed a boot stage, 2 usage error or an unreadable\n"
    "or damaged capture (a truncated file is still decoded up to the damage).\n",
    "file",
    NULL};

static void on_event(const struct pnb_event *ev, void *user)
{
	struct monitor *m = user;
	diag_event(m->diag, ev);
	if (m->quiet)
		return;
	if (m->jp)
		json_printer_event(m->jp, ev);
	else
		text_printer_event(m->text, ev);
}

static void on_packet(const struct pnb_packet *pkt, void *user)
{
	struct monitor *m = user;
	if (m->text && !m->quiet)
		text_printer_packet(m->text, pkt);
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

static void print_table(struct monitor *m, FILE *f)
{
	size_t n = diag_pi_count(m->diag);
	fprintf(f, "\n%-17s %-5s %-8s 1 2 3 4 5 6 7 8  verdict\n", "Pi", "model", "serial");
	for (size_t i = 0; i < n; i++) {
		const struct diag_pi *pi = diag_pi_at(m->diag, i);
		char mac[18], marks[17];
		mac_format(pi->mac, ':', mac);
		for (int s = 1; s < STAGE_COUNT; s++) {
			marks[(s - 1) * 2] = stage_mark(pi->state[s]);
			marks[(s - 1) * 2 + 1] = ' ';
		}
		marks[15] = 0;
		fprintf(f, "%-17s %-5s %-8s %s  %s\n", mac, pi_model_name(pi),
			pi->has_serial ? pi->serial : "-", marks, pi->verdict ? pi->verdict : "");
		for (size_t v = 0; v < pi->n_verdicts; v++) {
			const struct diag_verdict *dv = &pi->verdicts[v];
			fprintf(f, "    stage %d %s: %s\n", dv->stage, dv->failure ? "FAILED" : "warning",
				dv->cause ? dv->cause : "");
			if (dv->evidence)
				fprintf(f, "      evidence: %s\n", dv->evidence);
			if (dv->fix)
				fprintf(f, "      fix: %s\n", dv->fix);
		}
	}
	if (!n)
		fprintf(f, "(no Raspberry Pi seen)\n");
	for (size_t i = 0; i < diag_site_verdict_count(m->diag); i++) {
		const struct diag_verdict *dv = diag_site_verdict_at(m->diag, i);
		fprintf(f, "site: %s\n", dv->cause ? dv->cause : "");
		if (dv->fix)
			fprintf(f, "  fix: %s\n", dv->fix);
	}
	fprintf(f, "stages: 1 ROM DHCP discover, 2 boot offer, 3 address bound, 4 TFTP firmware, "
		   "5 TFTP kernel, 6 kernel network, 7 root login, 8 root in use "
		   "(+ done, ~ in progress, X failed, . not seen)\n");
}

static void json_verdict(struct line *l, const struct diag_verdict *dv)
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
	for (int i = 0, k = 0; i < 4; i++)
		if (dv->frames[i]) {
			if (k++)
				put_ch(l, ',');
			put_u64(l, dv->frames[i]);
		}
	put_str(l, "]}");
}

static void json_pi(struct line *l, const struct diag_pi *pi)
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
		json_verdict(l, &pi->verdicts[v]);
	}
	put_str(l, "]}");
}

/* The last line of --json: {"summary": true, "pis": [...], ...}. Built in a heap buffer (a
 * fleet summary is bigger than one line buffer). */
static void print_json_summary(struct monitor *m, FILE *f)
{
	const struct decoder_stats *st = decoder_stats(m->dec);
	fprintf(f,
		"{\"summary\": true, \"packets\": %llu, \"truncated\": %llu, \"fragments\": %llu, "
		"\"flows_evicted\": %llu, ",
		(unsigned long long)st->packets, (unsigned long long)st->truncated,
		(unsigned long long)st->fragments, (unsigned long long)st->flows_evicted);
	if (m->have_stats)
		fprintf(f, "\"received\": %llu, \"dropped\": %llu, ", (unsigned long long)m->recv,
			(unsigned long long)m->drop);
	struct line *l = xmalloc(sizeof(*l));
	if (m->input_error[0]) {
		line_reset(l);
		put_json_cstr(l, m->input_error);
		fprintf(f, "\"input_error\": %.*s, ", (int)l->n, l->b);
	}
	fputs("\"pis\": [", f);
	for (size_t i = 0; i < diag_pi_count(m->diag); i++) {
		line_reset(l);
		json_pi(l, diag_pi_at(m->diag, i));
		fprintf(f, "%s%.*s", i ? ", " : "", (int)l->n, l->b);
	}
	fputs("], \"site\": [", f);
	for (size_t i = 0; i < diag_site_verdict_count(m->diag); i++) {
		line_reset(l);
		json_verdict(l, diag_site_verdict_at(m->diag, i));
		fprintf(f, "%s%.*s", i ? ", " : "", (int)l->n, l->b);
	}
	fputs("]}\n", f);
	free(l);
}

static bool any_failed(struct monitor *m)
{
	for (size_t i = 0; i < diag_pi_count(m->diag); i++)
		if (diag_pi_at(m->diag, i)->failed)
			return true;
	return false;
}

static int parse_args(struct monitor *m, int argc, char **argv)
{
	int o;
	char *end;
	struct cli_parse p;
	cliopt_init(&p, &cmd_monitor_spec, CMD, argc, argv);
	while ((o = cliopt_next(&p)) > 0) {
		switch (o) {
		case 'r': m->file = optarg; break;
		case 'i': m->iface = optarg; break;
		case 's': m->site_path = optarg; break;
		case 'j': m->json = true; break;
		case 'q': m->quiet = true; break;
		case 'w': m->save = optarg; break;
		case 'c':
			m->count = strtoull(optarg, &end, 10);
			if (*end || !*optarg || m->count == 0)
				return cli_usage_error(CMD, "--count wants a positive number, not '%s'",
						       optarg);
			break;
		case 'd':
			m->duration = strtod(optarg, &end);
			if (*end || !*optarg || m->duration <= 0)
				return cli_usage_error(CMD, "--duration wants seconds > 0, not '%s'",
						       optarg);
			break;
		}
	}
	if (o == CLIOPT_EXIT)
		return p.status ? p.status : -1;
	if (!m->site_path && optind < argc)
		m->site_path =
		    argv[optind++]; /* SITE as an operand, as the other commands take it */
	if (optind < argc)
		return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
	if (!m->file == !m->iface)
		return cli_usage_error(CMD, "give exactly one of -r FILE or -i IFACE");
	return 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_file(struct monitor *m, struct source *src)
{
	int rc;
	uint64_t left = m->count ? m->count : UINT64_MAX;
	while (!stop_flag && left) {
		int max = left < 4096 ? (int)left : 4096;
		rc = source_dispatch(src, m->dec, max);
		if (rc == SOURCE_EOF)
			return 0;
		if (rc == SOURCE_ERROR) {
			fflush(stdout);
			snprintf(m->input_error, sizeof(m->input_error), "%s", source_error(src));
			cli_error(CMD, "%s: %s (stopped after %llu packets; what was read is reported)",
				  m->file, m->input_error,
				  (unsigned long long)decoder_stats(m->dec)->packets);
			return -1;
		}
		left -= (uint64_t)rc;
	}
	return 0;
}

static void run_live(struct monitor *m, struct source *src)
{
	struct pollfd pfd = {source_fd(src), POLLIN, 0};
	double t0 = now_s(), next_table = t0 + LIVE_TABLE_EVERY, next_tick = 0;
	uint64_t left = m->count ? m->count : UINT64_MAX;
	while (!stop_flag && left) {
		int pr = poll(&pfd, 1, 100);
		/* Drain what the kernel holds (bounded, so signals and ticks still get a turn). */
		for (int round = 0; pr > 0 && round < 64 && left; round++) {
			int rc = source_dispatch(src, m->dec, left < 1024 ? (int)left : 1024);
			if (rc == SOURCE_ERROR) {
				cli_error(CMD, "%s: %s", m->iface, source_error(src));
				stop_flag = 1;
				break;
			}
			if (rc <= 0)
				break;
			left -= (uint64_t)rc;
		}
		double t = now_s();
		if (t < next_tick)
			continue;
		next_tick = t + 0.1; /* timeouts, printing and the table at most 10 times a second */
		struct timeval tv;
		gettimeofday(&tv, NULL);
		decoder_tick(m->dec, tv);
		diag_tick(m->diag, tv);
		if (m->text)
			text_printer_flush(m->text);
		fflush(stdout);
		if (m->duration > 0 && t - t0 >= m->duration)
			break;
		if (!m->json && !m->quiet && t >= next_table) {
			print_table(m, stdout);
			next_table = t + LIVE_TABLE_EVERY;
		}
	}
	/* Stopped by a signal: what the kernel already holds was on the wire before it (a busy
	 * machine may deliver the signal first); decode it before the summary. */
	for (int round = 0; stop_flag && round < 64 && left && poll(&pfd, 1, 0) > 0; round++) {
		int rc = source_dispatch(src, m->dec, left < 1024 ? (int)left : 1024);
		if (rc <= 0)
			break;
		left -= (uint64_t)rc;
	}
	if ((m->have_stats = source_stats(src, &m->recv, &m->drop)))
		fprintf(stderr, "%llu packets received by the filter, %llu dropped by the kernel\n",
			(unsigned long long)m->recv, (unsigned long long)m->drop);
}

static struct source *open_source(struct monitor *m)
{
	char err[512];
	struct source *src = m->file ? source_open_file(m->file, err, sizeof(err))
				     : source_open_live(m->iface, NULL, 64, err, sizeof(err));
	if (!src) {
		cli_error(CMD, "%s", err);
		return NULL;
	}
	if (m->iface && source_drop_root(err, sizeof(err)) < 0) {
		cli_error(CMD, "%s", err);
		source_close(src);
		return NULL;
	}
	if (!decoder_dlt_supported(source_datalink(src)))
		cli_error(CMD, "%s: link type %d is not decoded (Ethernet, Linux cooked SLL/SLL2 are)",
			  m->file ? m->file : m->iface, source_datalink(src));
	if (m->save && source_save(src, m->save, err, sizeof(err)) < 0) {
		cli_error(CMD, "%s", err);
		source_close(src);
		return NULL;
	}
	/* Scripts (and people) wait for this line before starting what they want captured. */
	if (m->iface)
		fprintf(stderr, "listening on %s\n", m->iface);
	return src;
}

static int load_site(struct monitor *m)
{
	if (!m->site_path)
		return 0;
	struct problems ps;
	problems_init(&ps);
	int rc = profile_load(m->site_path, &m->site, &ps);
	problems_print(&ps, stderr);
	problems_done(&ps);
	m->has_site = true;
	if (rc < 0) {
		cli_error(CMD, "%s: the site profile has errors (listed above)", m->site_path);
		return -1;
	}
	return 0;
}

int cmd_monitor(int argc, char **argv)
{
	struct monitor m;
	memset(&m, 0, sizeof(m));
	int rc = parse_args(&m, argc, argv);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (load_site(&m) < 0) {
		site_done(&m.site);
		return EXIT_USAGE;
	}
	struct source *src = open_source(&m);
	if (!src) {
		if (m.has_site)
			site_done(&m.site);
		return EXIT_USAGE;
	}
	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	m.out = pnb_out_file(stdout);
	if (m.json)
		m.jp = json_printer_new(&m.out);
	else
		m.text = text_printer_new(&m.out);
	m.diag = diag_new(m.has_site ? &m.site : NULL);
	m.dec = decoder_new(on_event, on_packet, &m);
	if (m.file)
		run_file(&m, src);
	else
		run_live(&m, src);
	decoder_finish(m.dec);
	diag_finish(m.diag);
	if (m.text && !m.quiet)
		text_printer_flush(m.text);
	if (m.json)
		print_json_summary(&m, stdout);
	else
		print_table(&m, stdout);
	fflush(stdout);
	rc = any_failed(&m) ? EXIT_PROBLEMS : m.input_error[0] ? EXIT_USAGE : EXIT_OK;
	decoder_free(m.dec);
	diag_free(m.diag);
	text_printer_free(m.text);
	json_printer_free(m.jp);
	source_close(src);
	if (m.has_site)
		site_done(&m.site);
	return rc;
}
