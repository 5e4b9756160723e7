/* log — the logs people already have, read as if they were a capture: each line a parser
 * understands (dnsmasq, isc-dhcpd, Kea, tftpd-hpa, tgtd, nfs-ganesha/mountd, the Pi's own
 * bootloader UART/HDMI text, start.elf, the kernel and initramfs console, pasted tcpdump text)
 * becomes the same typed events (capture/event.h) the packet decoders produce, so the same
 * per-Pi timeline and rules apply. Lines not understood are counted and skipped.
 *
 * An event's frame number names its line: log_frame_ref() turns it into "FILE:LINE". Several
 * logs are merged by time (struct log_set). Times without a year or zone (classic syslog) are
 * read as this year in local time (TZ), and the set says so in its notes. */
#ifndef PNB_CAPTURE_LOG_H
#define PNB_CAPTURE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>

#include "capture/event.h"

/* Frame numbers of log events have this bit set; pcap frames never reach it. */
#define LOG_FRAME_BIT (1ULL << 62)
#define LOG_MAX_SOURCES 64

struct log_stats {
	uint64_t lines;        /* lines read */
	uint64_t understood;   /* lines that produced an event or fed one */
	uint64_t skipped;      /* lines no parser understood (counted, never fatal) */
	uint64_t events;
};

struct log_set;

/* An empty set; events go to fn. tftp_root (may be NULL) is stripped from the full paths
 * dnsmasq and tftpd log, so "/srv/tftp/511e57f7/start4.elf" is the Pi's "511e57f7/start4.elf".
 * The caller owns the set: free with log_set_free. */
struct log_set *log_set_new(pnb_event_fn fn, void *user, const char *tftp_root);
void log_set_free(struct log_set *s);
/* Adds a log: a path, "-" for stdin, journal:UNIT (that unit's journal here, followed with
 * journalctl -f) or ssh://USER@HOST[:PORT]/journal/UNIT (the same on the boot server, over ssh
 * in batch mode; PINETBOOT_SSH names another ssh program). Returns 0, or -1 with err filled. */
int log_set_add(struct log_set *s, const char *path, char *err, size_t errlen);
/* Judges a log as log_set_add would, starting nothing: a file is opened and closed, a journal's
 * name and an ssh:// address are checked (whether ssh gets in shows once it runs). 0, or -1
 * with err filled. */
int log_check(const char *spec, char *err, size_t errlen);
/* Adds an already open stream under a display name (tests, remote sources); the set closes
 * it when close_it. */
int log_set_add_stream(struct log_set *s, FILE *f, const char *name, bool close_it);
size_t log_set_count(const struct log_set *s);
/* The prefix of a local journal log ("journal:dnsmasq"). */
#define LOG_JOURNAL_PREFIX "journal:"
/* True when journalctl can be run here (journal:UNIT logs need it). */
bool log_journal_available(void);
/* Why the i-th log failed (its command exited non-zero: ssh refused, an unknown host key, …;
 * one line, escaped), or NULL. A failed log ends; the others go on. */
const char *log_set_error(const struct log_set *s, size_t i);
/* Delivers events of all logs in time order, up to and including time *until (NULL: to the
 * end of every log). Returns the number of events delivered. */
uint64_t log_set_pump(struct log_set *s, const struct timeval *until);
/* From now on a read to the end (log_set_pump) gives up once *flag is set (a static the
 * caller's SIGINT/SIGTERM handler sets; signals are the process's, so this is too): a log that
 * never ends and never blocks (a device such as /dev/zero) must not outlive Ctrl-C. */
void log_stop_on(const volatile sig_atomic_t *flag);
/* Live faces: delivers what the logs hold now, merged by time, without waiting for a followed
 * log (their fds are made non-blocking), at most max events. *ended is set when every log is at
 * its end. Returns the number of events delivered. */
uint64_t log_set_pump_avail(struct log_set *s, uint64_t max, bool *ended);
/* Live: reads what is available now from each log without blocking on the others (the fds
 * must be non-blocking or ready) and delivers it in arrival order. */
uint64_t log_set_pump_ready(struct log_set *s);
/* The fd of the i-th log (for poll), -1 when it has ended. */
int log_set_fd(const struct log_set *s, size_t i);
/* End of input: transactions still open (a dnsmasq reply block, a UART offer dump) end now. */
void log_set_finish(struct log_set *s);
/* The time of the last line of any log (understood or not): a log that goes on after a Pi
 * went quiet shows the silence (rsyslog's "-- MARK --" lines are for that). False when no
 * line had a time. */
bool log_set_end_time(const struct log_set *s, struct timeval *out);
/* "FILE:LINE" for a log frame; false (out untouched) for a pcap frame. */
bool log_frame_ref(const struct log_set *s, uint64_t frame, char *out, size_t n);
/* Totals over every log, and per log. */
void log_set_stats(const struct log_set *s, struct log_stats *out);
const char *log_set_name(const struct log_set *s, size_t i);
const struct log_stats *log_set_source_stats(const struct log_set *s, size_t i);
/* Things the reader had to assume (no year in syslog times, a Pi's IP taken from the last boot
 * offer, …), one sentence each; owned by the set. */
size_t log_set_note_count(const struct log_set *s);
const char *log_set_note(const struct log_set *s, size_t i);

#endif
