/* export — the wizard's door to the export writer `pinetboot export` uses. */
#ifndef PNB_TUI_EXPORT_H
#define PNB_TUI_EXPORT_H

#include <stddef.h>

/* Exports the saved profile at site_path into out_dir (files format), exactly as
 * `pinetboot export SITE -o OUT` does. Returns 0 with the number of files in *n, or -1 with a
 * message in err. */
int wiz_export(const char *site_path, const char *out_dir, const char *templates_dir, size_t *n,
	       char *err, size_t errlen);

#endif
