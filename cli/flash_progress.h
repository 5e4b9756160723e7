/* flash_progress — what the flash and provision commands share: the progress line for
 * core/flash, and loading a site profile with its CHAP secrets. */
#ifndef PNB_CLI_FLASH_PROGRESS_H
#define PNB_CLI_FLASH_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/disk/flash.h"
#include "core/site/profile.h"

struct cli_progress {
	bool tty;     /* redraw one line with \r; else one line per phase */
	int last_phase;
};
void cli_progress_init(struct cli_progress *cp);
/* A flash_progress_fn; ud is a struct cli_progress. */
void cli_progress_cb(const struct flash_progress *p, void *ud);
/* "1.25 GiB" / "300.0 MiB" into out[16]. */
void cli_human_bytes(uint64_t b, char out[16]);

/* Loads and validates profile into s (initialised here; the caller site_done()s it) and its
 * CHAP secrets (created beside it, as `pinetboot export` does, when a Pi with chap = yes has
 * none). Prints problems; returns EXIT_OK, or EXIT_USAGE with s already released. */
int cli_load_site(const char *cmd, const char *profile, struct site *s);

#endif
