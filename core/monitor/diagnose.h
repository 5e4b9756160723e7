/* diagnose — per-Pi boot timelines from decoded events, and the rules that turn evidence into
 * verdicts: which boot stage (DESIGN.md table, 1–8) each Pi reached, which failed, why, and the
 * fix. Fed by capture/ events; read by the monitor's printers and the wizard's Monitor step. */
#ifndef PNB_CORE_DIAGNOSE_H
#define PNB_CORE_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "capture/event.h"
#include "core/site/model.h"
#include "core/site/profile.h"
#include "core/site/stages.h"

struct diag_verdict {
	enum boot_stage stage;
	char *rule;        /* stable identifier, e.g. "no-option-43", for tests and JSON */
	char *cause;       /* one sentence */
	char *evidence;    /* what was seen, with packet numbers and times */
	char *fix;         /* what to change */
	uint64_t frames[4]; /* packets that show it (0 = unused) */
	bool failure;      /* false for a warning that does not stop the boot */
};

struct diag_pi {
	/* First what the silence rules look at for every Pi each second of capture time, so it
	 * shares a cache line: os_dhcp, failed and the stage states. */
	uint8_t mac[6];
	bool os_dhcp;                   /* seen only as an operating system's own DHCP client
					   (booted from SD/USB, a lease renewal, a server): not
					   network booting, so no stage applies and it never fails */
	bool has_serial;
	int reached;                    /* highest stage completed, 0–8 */
	int failed;                     /* stage that failed, 0 = none */
	enum stage_state state[STAGE_COUNT];
	char *name;                     /* from the profile, or NULL */
	enum pi_model model;            /* learned from option 97, the profile or the OUI */
	char serial[9];
	uint32_t ip;                    /* last address offered/bound */
	uint64_t stage_frame[STAGE_COUNT]; /* packet that moved the stage */
	struct timeval stage_time[STAGE_COUNT];
	struct diag_verdict *verdicts;
	size_t n_verdicts;
	char *verdict;                  /* one sentence summary */
	char dhcp_client[64];           /* os_dhcp: what told (vendor class, or how it asked) */
	unsigned boots;                 /* boot attempts: a PXE DISCOVER after Linux ran is a new
					   one (stages start over; earlier failures stay until the
					   Pi gets past them) */
};

struct diag;

/* Creates an engine; site may be NULL (no cross-checks). The engine keeps a pointer to site,
 * which must outlive it. Free with diag_free. */
struct diag *diag_new(const struct site *site);
void diag_free(struct diag *d);
/* How evidence names a frame: "#N" by default; a log source names its lines "FILE:LINE"
 * (capture/log.h). fn fills out (n bytes) and returns true when it named the frame. */
typedef bool (*diag_frame_namer)(const void *user, uint64_t frame, char *out, size_t n);
void diag_set_frame_namer(struct diag *d, diag_frame_namer fn, const void *user);
/* Feeds one event (in capture order). */
void diag_event(struct diag *d, const struct pnb_event *ev);
/* Advances time without an event (live capture idle), so timeouts can turn into verdicts. */
void diag_tick(struct diag *d, struct timeval now);
/* End of input (file read to the end): applies the end-of-capture rules. */
void diag_finish(struct diag *d);
size_t diag_pi_count(const struct diag *d);
/* The i-th Pi, in order of first appearance; owned by the engine. */
const struct diag_pi *diag_pi_at(const struct diag *d, size_t i);
/* Non-Pi observations (rival DHCP servers, STP on the segment): verdicts not tied to a Pi. */
size_t diag_site_verdict_count(const struct diag *d);
const struct diag_verdict *diag_site_verdict_at(const struct diag *d, size_t i);

/* The rule table (one X-macro in core/monitor/diagnose_int.h): every verdict's `rule` is one of these
 * ids. Used by the man page generator, `monitor --help` and tests. stage is the stage the rule
 * usually fails (STAGE_NONE: it varies, e.g. stage-timeout); failure false = a warning. */
struct diag_rule_info {
	const char *id;
	enum boot_stage stage;
	bool failure;
	bool site;       /* reported as a site verdict, not tied to one Pi */
	const char *meaning;
};
size_t diag_rule_count(void);
const struct diag_rule_info *diag_rule_at(size_t i);
/* NULL when id is not a rule. */
const struct diag_rule_info *diag_rule_find(const char *id);
/* "not seen", "in progress", "done", "failed". */
const char *diag_state_name(enum stage_state s);
/* The active failure verdict that explains p->failed (NULL when the Pi did not fail). */
const struct diag_verdict *diag_pi_main_verdict(const struct diag_pi *p);

#endif
