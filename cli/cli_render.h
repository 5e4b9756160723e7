/* cli_render — what export and apply share: load and validate a profile, load (and, when
 * allowed, create) its CHAP secrets, render the files, and print any problems. */
#ifndef PNB_CLI_CLI_RENDER_H
#define PNB_CLI_CLI_RENDER_H

#include <stdbool.h>

#include "core/site/profile.h"
#include "core/server/render.h"

/* Returns EXIT_OK with s and rs filled (the caller site_done()s and render_set_done()s them),
 * or EXIT_USAGE after printing the problems (s and rs are then already released). Secrets are
 * written beside the profile only when write_secrets is true. */
int cli_render_site(const char *cmd, const char *profile, const struct render_opts *o,
		    bool write_secrets, struct site *s, struct render_set *rs);

#endif
