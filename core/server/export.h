/* export — writes a render set to a directory, atomically: into a temp directory beside the
 * target, synced, then a rename (an existing export is swapped out in one step and then
 * removed). Only directories that are pinetboot exports (or empty) are ever replaced. */
#ifndef PNB_CORE_EXPORT_H
#define PNB_CORE_EXPORT_H

#include <stdbool.h>

#include "core/base/problems.h"
#include "core/server/render.h"

/* The first line of README.txt in every export; how export recognises its own directories. */
#define EXPORT_MARK "pinetboot export of "

/* Writes every file of rs under dir (created if needed; parents too); with durable, the
 * tree is on disk (syncfs) before it returns. Returns 0, or -1 with a problem naming the
 * file. */
int export_write_tree(const struct render_set *rs, const char *dir, bool durable,
		      struct problems *ps);
/* Atomically makes dir hold exactly rs. Returns 0, or -1 with problems (dir untouched). */
int export_commit(const struct render_set *rs, const char *dir, struct problems *ps);
/* True when dir does not exist, is empty, or holds a previous pinetboot export. */
bool export_dir_replaceable(const char *dir);

#endif
