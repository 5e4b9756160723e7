/* flash_source — what the Flash step can write: the image of any Pi that names one, and the
 * bootstrap card directories (cards/NAME beside the profile, and the one Readiness wrote last),
 * each checked before any confirmation (exists, readable, format and size; a card directory is
 * made into its FAT32 image then). */
#ifndef PNB_TUI_FLASH_SOURCE_H
#define PNB_TUI_FLASH_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tui/wiz.h"

struct flash_src {
	char *label; /* "image of kitchen", "bootstrap card cards/kitchen" */
	char *path;
	bool dir;    /* a card directory */
};

struct flash_sources {
	struct flash_src *s;
	size_t n;
};

/* Collects the sources of the wizard's model (the Pis' images first, then the card
 * directories). The caller releases out with flash_sources_done. */
void flash_sources_find(const struct wiz *w, struct flash_sources *out);
void flash_sources_done(struct flash_sources *l);
/* The index of the source whose path is path, or -1. */
int flash_sources_find_path(const struct flash_sources *l, const char *path);

/* Checks src: an image opens and its format and size are known; a directory is made into a
 * FAT32 card image in a temporary file (*tmp, heap path the caller unlinks and frees). Returns
 * 0 with the bytes to write in *size (0 = not recorded by the format) and a one-line summary in
 * msg, or -1 with the reason in msg. */
int flash_source_check(const struct flash_src *src, uint64_t *size, char **tmp, char *msg,
		       size_t msglen);

#endif
