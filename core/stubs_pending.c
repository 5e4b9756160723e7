/* stubs_pending — placeholders so the tree links while render, diagnose and profile_save are
 * written on their own branches. Each branch deletes the stubs it replaces. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/profile.h"
#include "core/render.h"

int profile_save(const struct site *s, const char *path)
{
	(void)s;
	(void)path;
	errno = ENOSYS;
	return -1;
}

int render_site(const struct site *s, const struct render_opts *o, struct render_set *out,
		struct problems *ps)
{
	(void)s;
	(void)o;
	memset(out, 0, sizeof(*out));
	problems_add(ps, PROBLEM_ERROR, NULL, 0, NULL, NULL, "rendering is not built yet");
	return -1;
}

void render_set_done(struct render_set *rs)
{
	memset(rs, 0, sizeof(*rs));
}

const struct rendered_file *render_set_find(const struct render_set *rs, const char *path)
{
	(void)rs;
	(void)path;
	return NULL;
}
