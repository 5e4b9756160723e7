/* lio_merge — pinetboot's LIO targets merged into rtslib-fb's saveconfig.json, the one file
 * `targetctl restore` loads (it clears the running LIO configuration first) and the one rtslib
 * restores at boot. The merge keeps every storage object and target that is not pinetboot's, so
 * the restore re-creates the admin's objects as well, and a reboot restores the same.
 *
 * pinetboot's objects: the targets whose IQN begins with the site's iqn_base and a colon, a
 * target the profile names outside iqn_base when it is the one an earlier apply wrote (every LUN
 * on a backstore pinetboot renders), and the backstores those targets use (the renderer names
 * them /backstores/fileio|block/PI-NAME). Everything else is the admin's and is kept as it is,
 * in its order, with pinetboot's appended. An admin backstore with a path pinetboot renders, an
 * admin target with an IQN pinetboot renders, or a backstore both use is refused.
 *
 * Both texts are parsed with jansson (a real JSON parser): the existing file is hostile input
 * (duplicate keys, NUL escapes, invalid UTF-8 and nesting past jansson's depth limit are
 * refused) and read with a size limit by the caller. */
#ifndef PNB_CORE_LIO_MERGE_H
#define PNB_CORE_LIO_MERGE_H

#include <stdbool.h>
#include <stddef.h>

/* Where rtslib-fb keeps the configuration it restores at boot. */
#define LIO_SAVECONFIG "/etc/rtslib-fb-target/saveconfig.json"
/* The most of an existing saveconfig.json the merge reads (a thousand targets are ~2 MiB). */
#define LIO_SAVECONFIG_MAX ((size_t)8 << 20)

/* Merges ours (the rendered LIO JSON: storage_objects and targets of this site) into old (the
 * existing saveconfig.json; NULL or blank: none). iqn_base is the site's. Returns the merged
 * JSON text (heap, caller frees; length in *out_len), or NULL with a heap message in *err
 * (caller frees) naming the object in the way or where old does not parse (the caller names
 * the file). */
char *lio_merge(const char *old, size_t old_len, const char *ours, size_t ours_len,
		const char *iqn_base, size_t *out_len, char **err);

/* True when s (len bytes) is NULL or only blanks (space, tab, CR, LF; a NUL byte is not one): a
 * saveconfig.json that holds no configuration. */
bool lio_blank(const char *s, size_t len);

/* text with the value of every "chap_password" and "chap_mutual_password" key (the admin's
 * and pinetboot's CHAP secrets) replaced by <secret>, for a diff shown before apply. Heap,
 * caller frees. */
char *lio_redact(const char *text, size_t len);

#endif
