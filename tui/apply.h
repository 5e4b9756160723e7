/* apply — the Export step's Apply: the dry run of `pinetboot apply SITE` as text (what changes,
 * each file's diff, the reloads), then the same install and reloads. */
#ifndef PNB_TUI_APPLY_H
#define PNB_TUI_APPLY_H

#include <stddef.h>

/* The dry run of applying the saved profile site_path under root (heap text, caller frees),
 * with the number of files that would change in *changes; NULL with a message in err. */
char *wiz_apply_preview(const char *site_path, const char *root, const char *templates_dir,
			size_t *changes, char *err, size_t errlen);
/* Installs as `pinetboot apply` does (reloads run only when root is "/"). Returns 0 with a
 * summary in msg, or -1 with the reason in msg. */
int wiz_apply_run(const char *site_path, const char *root, const char *templates_dir, char *msg,
		  size_t msglen);

#endif
