/* libFuzzer harness: the site profile loader, the saver merging into the same text, and the
 * profile-level lint rules. Any input must load without crashing; a saved profile must load
 * back to the same values. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/server/lint.h"
#include "core/site/profile.h"
#include "tests/fuzz/profile_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_profile fp;
	if (fz_profile_load(&fp, data, size) == 0) {
		struct site *s = &fp.s;
		lint_site(s, &fp.ps);
		char *merged = profile_render_text(s, fp.text);
		struct site t;
		struct problems ps2;
		problems_init(&ps2);
		if (profile_load_string("merged.conf", merged, &t, &ps2) != 0 || t.n_pis != s->n_pis)
			abort();
		char *a = profile_render_text(s, NULL), *b = profile_render_text(&t, NULL);
		if (strcmp(a, b) != 0)
			abort();
		free(a);
		free(b);
		site_done(&t);
		problems_done(&ps2);
		free(merged);
	}
	fz_profile_done(&fp);
	return 0;
}
