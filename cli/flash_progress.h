/* flash_progress — the progress line the flash and provision commands draw for core/flash. */
#ifndef PNB_CLI_FLASH_PROGRESS_H
#define PNB_CLI_FLASH_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/disk/flash.h"

struct cli_progress {
	bool tty;     /* redraw one line with \r; else one line per phase */
	int last_phase;
};
void cli_progress_init(struct cli_progress *cp);
/* A flash_progress_fn; ud is a struct cli_progress. */
void cli_progress_cb(const struct flash_progress *p, void *ud);
/* "1.25 GiB" / "300.0 MiB" into out[16]. */
void cli_human_bytes(uint64_t b, char out[16]);

#endif
