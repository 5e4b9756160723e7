/* profile_input.h — the preamble the profile fuzz harnesses share: the fuzz bytes as one
 * NUL-terminated profile text, loaded into a site with its problems. Header-only: each harness
 * is one binary. */
#ifndef PNB_FUZZ_PROFILE_INPUT_H
#define PNB_FUZZ_PROFILE_INPUT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/site/profile.h"

struct fz_profile {
	char *text; /* the input, owned; the loaded site may point at nothing in it */
	struct site s;
	struct problems ps;
};

/* Loads data as the profile "fuzz.conf"; returns profile_load_string's result. Call
 * fz_profile_done whatever it returns. */
static inline int fz_profile_load(struct fz_profile *fp, const uint8_t *data, size_t size)
{
	fp->text = malloc(size + 1);
	memcpy(fp->text, data, size);
	fp->text[size] = '\0';
	problems_init(&fp->ps);
	return profile_load_string("fuzz.conf", fp->text, &fp->s, &fp->ps);
}

static inline void fz_profile_done(struct fz_profile *fp)
{
	site_done(&fp->s);
	problems_done(&fp->ps);
	free(fp->text);
}

#endif
