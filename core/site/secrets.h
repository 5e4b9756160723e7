/* secrets — the Pis' CHAP credentials. They live in SITE.secrets beside the profile (mode 0600,
 * written atomically), never in the profile itself, and are generated once with getrandom():
 * a re-export reads them back, so the generated files do not change. */
#ifndef PNB_CORE_SECRETS_H
#define PNB_CORE_SECRETS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/base/problems.h"
#include "core/site/profile.h"

#define SECRET_LEN 16 /* RFC 7143 §12.1.3: CHAP secrets of 12 to 16 characters (we use 16) */

/* The secrets file for a profile: "site.conf" → "site.secrets" (a .conf/.ini suffix is
 * replaced), otherwise PATH.secrets. Heap string, caller frees. */
char *secrets_path_for(const char *profile_path);
/* Reads path (a missing file is no error) into the Pis' chap_user/chap_secret. Problems
 * (file:line) for malformed entries. Returns 0, or -1 when the file has errors or cannot be
 * read. */
int secrets_load(struct site *s, const char *path, struct problems *ps);
/* Generates credentials for every Pi with chap = yes that has none. Returns how many. */
size_t secrets_fill(struct site *s);
/* The secrets file text for s. Heap string, caller frees. */
char *secrets_text(const struct site *s);
/* Load, fill, and — when write is true and something was generated — save atomically with
 * mode 0600. Returns 0, or -1 with problems added. */
int secrets_ensure(struct site *s, const char *path, bool write, struct problems *ps);
/* n random characters from [A-Za-z0-9] (getrandom) into out[n+1]. Returns false if the kernel
 * gave no randomness. */
bool secrets_random(char *out, size_t n);

#endif
