/* review — what the Review step needs besides drawing: a unified diff of a generated file
 * against the installed one (by running diff(1), the tool made for it), and the site
 * preparation a preview needs before rendering. */
#ifndef PNB_TUI_REVIEW_H
#define PNB_TUI_REVIEW_H

#include <stddef.h>

#include "core/base/problems.h"
#include "core/site/profile.h"

/* `diff -u` of the file at installed against content. *same is 1 when they are equal, 0 when
 * they differ, -1 when installed does not exist. Returns a heap text (caller frees): the diff,
 * or a one-line note. */
char *review_diff(const char *installed, const char *content, size_t len, int *same);
/* Fills what render_site needs that the profile alone does not hold (CHAP secrets read from
 * SITE.secrets, or made up in memory for the preview; nothing is written). */
void review_prepare_site(const char *site_path, struct site *s, struct problems *ps);

#endif
