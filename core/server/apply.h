/* apply — installs rendered files at their system paths (under a root directory), keeping a
 * backup of every file it replaces, and says which daemons need a reload. Installing the same
 * set twice changes nothing the second time. A manifest of what it installed
 * (/var/lib/pinetboot/SITE.installed, SITE being the profile's file name) lets it take away the
 * files of a Pi that left the profile (kept as backups too). No printing here: the CLI reports the
 * plan. */
#ifndef PNB_CORE_APPLY_H
#define PNB_CORE_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/base/problems.h"
#include "core/server/render.h"

enum apply_change { APPLY_SAME, APPLY_NEW, APPLY_CHANGED, APPLY_REMOVED };

struct apply_item {
	const struct rendered_file *f; /* NULL for APPLY_REMOVED */
	const char *daemon;	       /* to reload when this item changes, or NULL */
	char *target;		       /* root + install_path (what is shown) */
	char *rel;		       /* install_path: what is opened, beneath the root */
	enum apply_change change;
	char *content; /* what the target will hold (merged for merge_lines files) */
	size_t len;
	char *backup;	  /* set by apply_run when an existing file was kept as a backup */
	char *backup_rel; /* the same beneath the root */
	char *staged;	  /* apply_run: the new text beside the target, not yet in place */
	bool done;	  /* apply_run put this item in place (and it stayed there) */
};

#define APPLY_MAX_DAEMONS 8
struct apply_plan {
	struct apply_item *items;
	size_t n;
	const char *daemons[APPLY_MAX_DAEMONS]; /* daemons with a changed file, fixed order */
	size_t n_daemons;
	char *root;
	char *manifest_rel;  /* /var/lib/pinetboot/SITE.installed */
	char *manifest;	     /* root + manifest_rel */
	char *manifest_text; /* what it will hold after apply_run */
};

/* Compares every installable file of rs with what is under root, and finds the files an earlier
 * apply of the same site (named by site, the profile's file name) installed that rs no longer
 * has. Returns 0, or -1 with problems (an unreadable target, a link or a non-regular file in
 * the way). The caller releases plan with
 * apply_plan_done. */
int apply_plan(const struct render_set *rs, const char *root, const char *site,
	       struct apply_plan *plan, struct problems *ps);
/* Installs the new and changed items and takes away the removed ones, as one transaction:
 * every new text is first written beside its target, then each is renamed into place (the old
 * file kept as TARGET.pinetboot-STAMP, STAMP being YYYYmmddHHMMSS), then the manifest is
 * updated. Every path is opened beneath the root without following a link (core/base/fsutil),
 * and only regular files are read or replaced. Returns 0 (every changed item done), or -1 with
 * problems after putting back everything it had done (no item done). */
int apply_run(struct apply_plan *plan, const char *stamp, struct problems *ps);
/* The STAMP for apply_run now: YYYYmmddHHMMSS in local time, as the admin reads the backups'
 * names. */
void apply_stamp_now(char out[32]);
void apply_plan_done(struct apply_plan *plan);
/* What applying it would do to it->target: `diff -u` of the installed file against the content
 * it will hold, or a one-line note for a new, unchanged or removed file. Heap text, caller
 * frees. */
char *apply_item_diff(const struct apply_item *it);
/* The most a daemon's reload command may take (seconds) before apply kills it and reports it
 * failed: above systemd's own 90 s start timeout, so a restart that systemd gives up on is
 * reported as systemd says, and a tgt-admin or exportfs that hangs still ends. */
#define APPLY_RELOAD_TIMEOUT 120
/* The reload command of a daemon split into argv (heap, NULL-terminated; free with
 * apply_argv_free), or NULL. */
char **apply_reload_argv(const char *daemon);
void apply_argv_free(char **argv);

#endif
