/* wsite — the wizard's model of a site profile: every key as the text the user typed (NULL when
 * absent, so the loader's defaults apply). Values stay as typed, valid or not, so nothing the
 * user entered is lost; wsite_build turns the model into a struct site through the profile
 * loader itself, so the wizard reports exactly what `pinetboot lint` would. */
#ifndef PNB_TUI_WSITE_H
#define PNB_TUI_WSITE_H

#include <stddef.h>

#include "core/problems.h"
#include "core/profile.h"

struct wsite_pi {
	char *name;
	char *val[PK_COUNT];
	char *extra; /* "key = value\n" lines of keys the loader does not know, or NULL */
};

struct wsite {
	char *server[SK_COUNT];
	char *extra;
	struct wsite_pi *pis;
	size_t n_pis;
};

void wsite_init(struct wsite *ws);
void wsite_done(struct wsite *ws);

/* Reads the raw key = value pairs of path (inih) into ws (initialised here). Returns 0, or -1
 * when the file cannot be read or parsed (a problem is added to ps). */
int wsite_load(struct wsite *ws, const char *path, struct problems *ps);
/* The profile as INI text (heap, caller frees). */
char *wsite_to_ini(const struct wsite *ws);
/* Builds out (initialised here; caller site_done()s it) with profile_load_string; problems go
 * to ps without file or line (the wizard shows section and key). Returns 0 when valid. */
int wsite_build(const struct wsite *ws, const char *name, struct site *out, struct problems *ps);

/* Replaces *slot with a copy of v, or NULL when v is NULL or empty. */
void wsite_set(char **slot, const char *v);
/* Appends a Pi (owned by ws); the pointer is valid until the next add or remove. */
struct wsite_pi *wsite_add_pi(struct wsite *ws, const char *name);
void wsite_remove_pi(struct wsite *ws, size_t index);
/* NULL when name can be the name of Pi number self (SIZE_MAX for a new Pi); otherwise the
 * loader's message about it (heap, caller frees). */
char *wsite_check_pi_name(const struct wsite *ws, const char *name, size_t self);
/* Problems of one Pi / of [server] in ps (matched on the section label). */
size_t wsite_pi_problem_count(const struct problems *ps, const char *name);

#endif
