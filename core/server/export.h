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

/* The export pipeline both faces run, after the profile is loaded: the CHAP secrets from the
 * file beside profile_path (when write_secrets, missing ones are made and written there; else
 * they are made up in memory), then every file rendered. Returns 0 with rs filled (the caller
 * render_set_done()s it), or -1 with problems and rs empty. */
int export_render(struct site *s, const char *profile_path, const struct render_opts *o,
		  bool write_secrets, struct render_set *rs, struct problems *ps);
/* profile_load(profile_path) → export_render → export_commit into out_dir (skipped when out_dir
 * is NULL): what `pinetboot export` and the wizard's Export run. Returns 0 with s and rs filled
 * (the caller site_done()s and render_set_done()s them), or -1 with problems (s and rs are then
 * released). */
int export_site(const char *profile_path, const struct render_opts *o, bool write_secrets,
		const char *out_dir, struct site *s, struct render_set *rs, struct problems *ps);
/* Writes every file of rs under dir (created if needed; parents too); with durable, the
 * tree is on disk (syncfs) before it returns. Returns 0, or -1 with a problem naming the
 * file. */
int export_write_tree(const struct render_set *rs, const char *dir, bool durable,
		      struct problems *ps);
/* Atomically makes dir hold exactly rs (and .pinetboot-files, the list of them). dir is taken
 * in its lexical normal form; it is replaced only when absent, empty, or an earlier export
 * (a regular README.txt starting EXPORT_MARK) holding nothing but files an export writes: the
 * ones its list names or rs holds. Returns 0, or -1 with problems (dir untouched). */
int export_commit(const struct render_set *rs, const char *dir, struct problems *ps);


#endif
