/* export — the wizard's door to the export writer `pinetboot export` uses. */
#ifndef PNB_TUI_EXPORT_H
#define PNB_TUI_EXPORT_H

#include <stddef.h>

#include "core/server/render.h"
#include "core/site/profile.h"

/* Loads the saved profile at site_path, loads or creates its CHAP secrets beside it and renders
 * it (files format), as `pinetboot export` does. Returns 0 with s and rs filled, or -1 with a
 * message in err; either way the caller site_done()s s and render_set_done()s rs. */
int wiz_render(const char *site_path, const char *templates_dir, struct site *s,
	       struct render_set *rs, char *err, size_t errlen);

/* Exports the saved profile at site_path into out_dir (files format), exactly as
 * `pinetboot export SITE -o OUT` does. Returns 0 with the number of files in *n, or -1 with a
 * message in err. */
int wiz_export(const char *site_path, const char *out_dir, const char *templates_dir, size_t *n,
	       char *err, size_t errlen);

#endif
