/* profile_priv — helpers shared by the profile_*.c files only (the loader, the value checks,
 * the cross-key validation, save and CSV import). Not part of the public profile API. */
#ifndef PNB_CORE_PROFILE_PRIV_H
#define PNB_CORE_PROFILE_PRIV_H

#include "core/site/profile.h"

/* Index of v in a NULL-terminated name table (case-insensitive), or -1. */
int profile_enum_lookup(const char *const *names, const char *v);
/* Parsers behind the checks: each returns NULL on success (filling the outputs) or a heap
 * message in the loader's wording (caller frees). */
char *profile_parse_cidr(const char *v, uint32_t *addr, unsigned *plen);
char *profile_parse_range(const char *v, uint32_t *lo, uint32_t *hi);
char *profile_parse_prefix(const char *v, enum tftp_prefix_kind *kind, const char **str);
bool profile_parse_yes_no(const char *v, bool *out);
/* "\"x\" is not a WHAT (expected 1 to 63 letters, digits or '-')" or NULL; heap. */
char *profile_check_name(const char *what, const char *v);
/* "[pi \"NAME\"]" — heap, caller frees. */
char *profile_pi_label(const char *name);
/* Stores an already-checked value into the site / Pi. */
void profile_store_server(struct site *s, enum profile_server_key k, const char *v);
void profile_store_pi(struct pi *p, enum profile_pi_key k, const char *v);
/* Key index for a name, or -1. */
int profile_server_key_find(const char *name);
int profile_pi_key_find(const char *name);
/* "is not a known key (accepted: …)" with a "did you mean" hint; heap, caller frees. */
char *profile_unknown_key_message(const char *name, bool server);

#endif
