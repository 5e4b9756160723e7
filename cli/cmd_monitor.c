/* cmd_monitor — `pinetboot monitor`: decode netboot traffic from a capture file or a live
 * interface (and/or logs), print it (text lines or JSON lines), feed the boot-stage diagnosis
 * and end with the per-Pi stage table (or the JSON summary) — all through one monitor session
 * (core/monitor/session); this file keeps the options and the run loop. Exit status: 0 no Pi
 * failed, 1 one did, 2 bad input. */
#include <ctype.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/site_arg.h"
#include "core/base/deadline.h"
#include "core/base/fsutil.h"
#include "core/base/sigflag.h"
#include "core/base/util.h"
#include "core/monitor/session.h"
#include "core/site/profile.h"

#define CMD "monitor"
#define LIVE_TABLE_EVERY 60 /* seconds between stage tables in a live text capture */

static volatile sig_atomic_t stop_flag; /* SIGINT, SIGTERM, or a remote capture that ended */

struct monitor {
	const char *file, *iface, *site_path, *save;
	bool json, quiet;
	bool capture_failed; /* a live capture or a followed log broke (ssh ended badly): exit 2 */
	uint64_t count;
	double duration;
	struct site site;
	bool has_site;
	struct cliopt_list logs; /* --log FILE|- (logs.v is freed by cmd_monitor) */
	struct session *ses;
};

static int set_count(void *opts, const char *arg)
{
	struct monitor *m = opts;
	char *end;
	m->count = strtoull(arg, &end, 10);
	if (*end || !*arg || !isdigit((unsigned char)*arg) || m->count == 0)
		return cli_usage_error(CMD, "--count wants a positive number, not '%s'", arg);
	return CLIOPT_DONE;
}

static int set_duration(void *opts, const char *arg)
{
	struct monitor *m = opts;
	char *end;
	m->duration = strtod(arg, &end);
	if (*end || !*arg || !(m->duration > 0 && m->duration < 1e9))
		return cli_usage_error(CMD, "--duration wants seconds > 0, not '%s'", arg);
	return CLIOPT_DONE;
}

#define TO(KIND, FIELD) CLIOPT_TO(KIND, struct monitor, FIELD)
static const struct cli_opt cmd_monitor_opts[] = {
    {"read", 'r', "FILE", "read a capture file (pcap or pcapng, from tcpdump/tshark)",
     TO(STR, file)},
    {"interface", 'i', "IF",
     "capture live on IF (needs root or cap_net_raw; root is dropped after opening, to SUDO_UID or "
     "nobody); ssh://USER@HOST[:PORT]/IFACE captures on the boot server instead (tcpdump there, "
     "pcap over ssh; PINETBOOT_SSH names another ssh; needs no root here, run it as yourself; "
     "through sudo, ssh runs as the sudo user with their keys and root is dropped to that user)",
     TO(STR, iface)},
    CLI_OPT_SITE(
     "cross-check against the site profile (names, MACs, serials, TFTP layout, IQNs); it may also "
     "be given as the operand",
     TO(STR, site_path)),
    CLI_OPT_JSON(
     "JSON lines: one object per event, the last line is the summary {\"summary\": true, \"pis\": "
     "[...]} (see pinetboot(1))",
     TO(SET, json)),
    {"quiet", 'q', NULL, "no packet lines: only the per-Pi stage table (or the summary)",
     TO(SET, quiet)},
    {"write", 'w', "SAVE", "also save every packet read to SAVE (pcap)",
     TO(STR, save)},
    {"count", 'c', "N", "stop after N packets",
     CLIOPT_TO_FN(set_count)},
    {"duration", 'd', "S", "live: stop after S seconds",
     CLIOPT_TO_FN(set_duration)},
    {"log", 'l', "LOG",
     "read a log instead of (or beside) packets; repeatable, - is stdin, merged by time. Understood: "
     "dnsmasq (with or without log-dhcp), isc-dhcpd, Kea, tftpd-hpa, rpc.mountd, the Pi's "
     "bootloader UART/HDMI/NETCONSOLE text (Pi 3 bootcode.bin, Pi 4/5, start.elf), the kernel and "
     "initramfs console, pasted tcpdump text, tshark one-line and -V text (DHCP by MAC only "
     "from -V); as syslog files or journalctl -o "
     "short/short-precise/short-iso/json; journal:UNIT follows a unit's journal here (journalctl "
     "-f), ssh://USER@HOST[:PORT]/journal/UNIT on the boot server (ssh in batch mode: its host key "
     "and your key must already work). Evidence names lines FILE:LINE; other lines are counted and "
     "skipped",
     CLIOPT_TO_LIST(struct monitor, logs, SESSION_MAX_LOGS, "at most %d --log sources")},
    {0}};

const struct cli_cmd cmd_monitor_spec = {
    .name = "monitor",
    .summary = "decode netboot traffic (live or from a pcap), per-Pi boot stages",
    .run = cmd_monitor,
    .usage = "Usage: pinetboot monitor (-r FILE | -i IFACE | --log LOG...) [[--site] SITE] [--json] [-q]\n"
        "                         [-w SAVE] [--count N] [--duration S]\n"
        "Decodes Raspberry Pi network boot traffic (DHCP/PXE, TFTP, iSCSI, NFS/MOUNT, ARP,\n"
        "NETCONSOLE, STP), follows each Pi through the boot stages and says which stage\n"
        "failed, why, and what to change.\n",
    .opts = cmd_monitor_opts,
    .after = "\n"
        "Examples:\n"
        "  sudo pinetboot monitor -i eth0 --site site.conf\n"
        "  pinetboot monitor -r boot.pcap -q\n"
        "  pinetboot monitor -r boot.pcap --json | jq 'select(.summary)'\n"
        "  sudo pinetboot monitor -i eth0 -w boot.pcap --duration 120\n"
        "  pinetboot monitor --log /var/log/syslog --log uart.txt -q\n"
        "  journalctl -f -u dnsmasq | pinetboot monitor --log -\n"
        "  pinetboot monitor --log journal:dnsmasq\n"
        "  pinetboot monitor --log ssh://pi@bootserver/journal/dnsmasq\n"
        "  pinetboot monitor -i ssh://root@bootserver/eth0 -q\n"
        "\n"
        "Exit status: 0 no Pi failed, 1 a Pi failed a boot stage, 2 usage error or an unreadable\n"
        "or damaged capture (a truncated file is still decoded up to the damage).\n",
    .operand = "file",
};

static int parse_args(struct monitor *m, int argc, char **argv)
{
	int rc = cli_parse(&cmd_monitor_spec, argc, argv, m, &m->site_path, false);
	if (rc != CLIOPT_DONE)
		return rc;
	if (m->file && m->iface)
		return cli_usage_error(CMD, "give -r FILE or -i IFACE, not both");
	if (!m->file && !m->iface && !m->logs.n)
		return cli_usage_error(CMD, "give -r FILE, -i IFACE or --log LOG");
	if (m->save && !m->file && !m->iface)
		return cli_usage_error(CMD, "-w saves packets: it needs -r or -i");
	if (m->save && m->file && fs_same_file(m->save, m->file))
		return cli_usage_error(CMD, "-w %s is the capture being read (expected another file)",
				       m->save);
	return CLIOPT_DONE;
}

static double now_s(void)
{
	return (double)deadline_now_ms() / 1000.0;
}

static void run_file(struct monitor *m)
{
	uint64_t left = m->count ? m->count : UINT64_MAX;
	while (!stop_flag && left) {
		int rc = session_pump(m->ses, left < 4096 ? (int)left : 4096);
		if (rc == SESSION_EOF)
			return;
		if (rc == SESSION_ERROR) {
			fflush(stdout);
			cli_error(CMD, "%s: %s (stopped after %llu packets; what was read is reported)",
				  m->file, session_error(m->ses),
				  (unsigned long long)session_stats(m->ses)->packets);
			return;
		}
		left -= (uint64_t)rc;
	}
}

static void run_live(struct monitor *m)
{
	struct pollfd pfd = {session_fd(m->ses), POLLIN, 0};
	double t0 = now_s(), next_table = t0 + LIVE_TABLE_EVERY, next_tick = 0;
	uint64_t left = m->count ? m->count : UINT64_MAX;
	while (!stop_flag && left) {
		int pr = poll(&pfd, 1, 100);
		/* Drain what the kernel holds (bounded, so signals and ticks still get a turn). */
		for (int round = 0; pr > 0 && round < 64 && left; round++) {
			int rc = session_pump(m->ses, left < 1024 ? (int)left : 1024);
			if (rc == SESSION_ERROR) {
				cli_error(CMD, "%s: %s", m->iface, session_error(m->ses));
				m->capture_failed = true;
				stop_flag = 1;
				break;
			}
			if (rc == SESSION_EOF && session_fd(m->ses) < 0) {
				stop_flag = 1; /* a remote capture ended (tcpdump exited 0) */
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
		session_tick(m->ses, tv);
		fflush(stdout);
		if (m->duration > 0 && t - t0 >= m->duration)
			break;
		if (!m->json && !m->quiet && t >= next_table) {
			session_print_table(m->ses, stdout);
			next_table = t + LIVE_TABLE_EVERY;
		}
	}
	/* Stopped by a signal: what the kernel already holds was on the wire before it (a busy
	 * machine may deliver the signal first); decode it before the summary. */
	for (int round = 0; stop_flag && round < 64 && left && poll(&pfd, 1, 0) > 0; round++) {
		int rc = session_pump(m->ses, left < 1024 ? (int)left : 1024);
		if (rc <= 0)
			break;
		left -= (uint64_t)rc;
	}
	uint64_t recv, drop;
	if (session_live_stats(m->ses, &recv, &drop))
		fprintf(stderr, "%llu packets received by the filter, %llu dropped by the kernel\n",
			(unsigned long long)recv, (unsigned long long)drop);
}

/* Opens the capture (and the -w copy); complaints go to stderr. */
static int open_capture(struct monitor *m)
{
	char err[768];
	int rc = m->file ? session_open_file(m->ses, m->file, err, sizeof(err))
			 : session_open_live(m->ses, m->iface, 64, true, err, sizeof(err));
	if (rc != 0)
		cli_error(CMD, "%s", err); /* rc 1: a warning, the capture is open */
	if (rc < 0)
		return -1;
	if (m->save && session_save_as(m->ses, m->save, err, sizeof(err)) < 0) {
		cli_error(CMD, "%s", err);
		return -1;
	}
	/* Scripts (and people) wait for this line before starting what they want captured. */
	if (m->iface)
		fprintf(stderr, "listening on %s\n", m->iface);
	return 0;
}

static int load_site(struct monitor *m)
{
	if (!m->site_path)
		return 0;
	struct problems ps;
	problems_init(&ps);
	int rc = profile_load(m->site_path, &m->site, &ps);
	cli_problems(CMD, &ps);
	problems_done(&ps);
	m->has_site = true;
	if (rc < 0) {
		cli_error(CMD, "%s: the site profile has errors (listed above)", m->site_path);
		return -1;
	}
	return 0;
}

/* After the options: the site, the session, the run. */
static int monitor_run(struct monitor *m)
{
	if (load_site(m) < 0) {
		site_done(&m->site);
		return EXIT_USAGE;
	}
	struct session_opts so = {
		.site = m->has_site ? &m->site : NULL,
		.print = m->quiet ? SESSION_PRINT_NONE : m->json ? SESSION_PRINT_JSON : SESSION_PRINT_TEXT,
		.out = session_out_file(stdout),
	};
	m->ses = session_new(&so);
	for (size_t i = 0; i < m->logs.n; i++) {
		char err[512];
		if (session_add_log(m->ses, m->logs.v[i], err, sizeof(err)) < 0) {
			cli_error(CMD, "%s", err);
			session_free(m->ses);
			if (m->has_site)
				site_done(&m->site);
			return EXIT_USAGE;
		}
	}
	if ((m->file || m->iface) && open_capture(m) < 0) {
		session_free(m->ses);
		if (m->has_site)
			site_done(&m->site);
		return EXIT_USAGE;
	}
	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	static const int stop[] = {SIGINT, SIGTERM};
	sigflag_catch(&stop_flag, stop, PNB_ARRAY_LEN(stop));
	session_stop_on(&stop_flag);
	if (m->file)
		run_file(m);
	else if (m->iface)
		run_live(m);
	if (stop_flag)
		session_stop(m->ses);
	session_finish(m->ses);
	/* A followed log that failed says why (after Ctrl-C its command's end is no failure). */
	for (size_t i = 0; !stop_flag && i < session_log_count(m->ses); i++)
		if (session_log_error(m->ses, i)) {
			cli_error(CMD, "%s", session_log_error(m->ses, i));
			m->capture_failed = true;
		}
	if (m->json)
		session_print_json_summary(m->ses, stdout);
	else
		session_print_table(m->ses, stdout);
	fflush(stdout);
	int rc = session_any_failed(m->ses)				? EXIT_PROBLEMS
	     : session_input_error(m->ses) || m->capture_failed ? EXIT_USAGE
								: EXIT_OK;
	session_free(m->ses);
	if (m->has_site)
		site_done(&m->site);
	return rc;
}

int cmd_monitor(int argc, char **argv)
{
	struct monitor m;
	memset(&m, 0, sizeof(m));
	int rc = parse_args(&m, argc, argv);
	if (rc == CLIOPT_DONE)
		rc = monitor_run(&m);
	free(m.logs.v);
	return rc;
}
