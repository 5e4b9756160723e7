/* export — placeholder until the export writer lands on branch render. */
#include "tui/export.h"

#include <stdio.h>

int wiz_export(const char *site_path, const char *out_dir, const char *templates_dir, size_t *n,
	       char *err, size_t errlen)
{
	(void)site_path;
	(void)out_dir;
	(void)templates_dir;
	*n = 0;
	snprintf(err, errlen, "the export writer is not built yet");
	return -1;
}
