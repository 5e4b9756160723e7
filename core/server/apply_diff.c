/* apply_diff — what one item of an apply plan would change, as diff(1) prints it (the tool made
 * for it), for a face that shows the plan before it is run. */
#include "core/server/apply.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/fsutil.h"
#include "core/base/runcmd.h"
#include "core/base/util.h"
#include "core/server/lio_merge.h"

char *apply_item_diff(const struct apply_item *it)
{
	switch (it->change) {
	case APPLY_NEW:
		return xasprintf("(not installed: %s does not exist; the whole file is new)",
				 it->target);
	case APPLY_SAME:
		return xasprintf("(identical to %s)", it->target);
	case APPLY_REMOVED:
		return xasprintf("(its Pi left the profile: apply takes %s away, keeping a backup)",
				 it->target);
	case APPLY_CHANGED: break;
	}
	/* diff would wait on a FIFO or read a device without end */
	struct stat st;
	if (stat(it->target, &st) != 0 || !S_ISREG(st.st_mode))
		return xasprintf("(%s is not a regular file: apply refuses to replace it)",
				 it->target);
	char *tmp = fs_temp_file("review", it->content, it->len);
	if (!tmp)
		return xasprintf("(cannot write a temporary file in %s: %s)", fs_tmpdir(),
				 strerror(errno));
	char *label_old = xasprintf("installed %s", it->target);
	char *argv[] = {"diff", "-u", "--label", label_old, "--label", "generated", it->target, tmp,
			NULL};
	char *out;
	size_t len;
	int rc = runcmd_capture(argv, NULL, 30, &out, &len);
	int saved = errno;
	unlink(tmp);
	free(tmp);
	free(label_old);
	if (rc == 0 && it->f) {
		free(out);
		return xasprintf("(the same text as %s; apply sets its mode to %04o)", it->target,
				 (unsigned)it->f->mode);
	}
	if (rc == 127) {
		free(out);
		return xasprintf("(cannot run diff: %s)", strerror(saved));
	}
	if (it->f && it->f->lio_iqn_base) { /* the admin's CHAP secrets too: never shown */
		char *r = lio_redact(out, len);
		free(out);
		out = r;
	}
	return out;
}
