/* flash_progress — one redrawn stderr line: phase, bytes, rate, ETA. */
#include "cli/flash_progress.h"

#include <stdio.h>
#include <unistd.h>

void cli_progress_init(struct cli_progress *cp)
{
	cp->tty = isatty(2);
	cp->last_phase = -1;
}

void cli_human_bytes(uint64_t b, char out[16])
{
	if (b >= (1ull << 30))
		snprintf(out, 16, "%.2f GiB", (double)b / (1 << 30));
	else
		snprintf(out, 16, "%.1f MiB", (double)b / (1 << 20));
}

void cli_progress_cb(const struct flash_progress *p, void *ud)
{
	struct cli_progress *cp = ud;
	if (!cp->tty) {
		if ((int)p->phase != cp->last_phase && p->phase != FLASH_DONE)
			fprintf(stderr, "%s…\n", flash_phase_names[p->phase]);
		cp->last_phase = (int)p->phase;
		return;
	}
	char done[16], total[16], eta[24] = "";
	cli_human_bytes(p->done, done);
	cli_human_bytes(p->total, total);
	if (p->eta >= 0)
		snprintf(eta, sizeof(eta), "  ETA %d:%02d", (int)p->eta / 60, (int)p->eta % 60);
	if (p->phase == FLASH_MAP || p->phase == FLASH_SYNC)
		fprintf(stderr, "\r\033[K%s…", flash_phase_names[p->phase]);
	else if (p->phase == FLASH_DONE)
		fprintf(stderr, "\r\033[K");
	else if (!p->total && p->src_total) /* size unknown (.gz, .bz2): show the source's share */
		fprintf(stderr, "\r\033[K%-9s %s (%.0f%% of the source)  %.0f MiB/s%s",
			flash_phase_names[p->phase], done, 100.0 * (double)p->src_done / (double)p->src_total,
			p->rate / (1 << 20), eta);
	else
		fprintf(stderr, "\r\033[K%-9s %s%s%s  %.0f MiB/s%s", flash_phase_names[p->phase], done,
			p->total ? " / " : "", p->total ? total : "", p->rate / (1 << 20), eta);
	cp->last_phase = (int)p->phase;
}
