/* site_draft — a site profile as the user typed it (the wizard's model): every key as text (NULL
 * when absent, so the loader's defaults apply). Values stay as typed, valid or not, so nothing the
 * user entered is lost; draft_build turns the model into a struct site through the profile
 * loader itself, so the wizard reports exactly what `pinetboot lint` would. */
#ifndef PNB_CORE_SITE_DRAFT_H
#define PNB_CORE_SITE_DRAFT_H

#include <stddef.h>

#include "core/base/problems.h"
#include "core/site/profile.h"

struct draft_pi {
	char *name;
	char *val[PK_COUNT];
	char *extra; /* "key = value\n" lines of keys the loader does not know, or NULL */
	int line, key_line[PK_COUNT]; /* where the header and keys are in the file, 0: not there */
};

struct site_draft {
	char *server[SK_COUNT];
	char *extra;
	int line, key_line[SK_COUNT]; /* [server] and its keys in the file, 0: not there */
	struct draft_pi *pis;
	size_t n_pis;
};

void draft_init(struct site_draft *ws);
void draft_done(struct site_draft *ws);

/* Reads the raw key = value pairs of path (inih) into ws (initialised here). Returns 0, or -1
 * when the file cannot be read or parsed (a problem is added to ps). */
int draft_load(struct site_draft *ws, const char *path, struct problems *ps);
/* The profile as INI text (heap, caller frees). */
char *draft_to_ini(const struct site_draft *ws);
/* Builds out (initialised here; caller site_done()s it) with profile_load_string; problems go
 * to ps without file or line (the wizard shows section and key). The line numbers in out and in
 * the messages ("also used by [pi "x"] (line 14)") are the file's, as `pinetboot lint` gives
 * them (draft_read_lines), not the generated text's. Returns 0 when valid. */
int draft_build(const struct site_draft *ws, const char *name, struct site *out,
		struct problems *ps);

/* Notes where each header and key of ws is in the profile at path (after loading or saving
 * it), so draft_build cites the file's lines. Keys and Pis not in the file get 0. */
void draft_read_lines(struct site_draft *ws, const char *path);

/* Replaces *slot with a copy of v, or NULL when v is NULL or empty. */
void draft_set(char **slot, const char *v);
/* Appends a Pi (owned by ws); the pointer is valid until the next add or remove. */
struct draft_pi *draft_add_pi(struct site_draft *ws, const char *name);
void draft_remove_pi(struct site_draft *ws, size_t index);
/* NULL when name can be the name of Pi number self (SIZE_MAX for a new Pi); otherwise the
 * loader's message about it (heap, caller frees). */
char *draft_check_pi_name(const struct site_draft *ws, const char *name, size_t self);
/* Problems of one Pi / of [server] in ps (matched on the section label). */
size_t draft_pi_problem_count(const struct problems *ps, const char *name);

#endif
