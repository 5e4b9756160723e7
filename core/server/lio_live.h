/* lio_live — what `targetctl restore` would destroy: the objects of the running LIO
 * configuration that the saved saveconfig.json does not hold.
 *
 * `targetctl restore FILE` clears the running configuration, then loads FILE. apply and the
 * Ansible module merge pinetboot's objects into the saved file, so an object that is running
 * but not saved (made with targetcli, never `targetcli saveconfig`) would be lost: they refuse
 * instead (issue 13 rule 4). The rule, kept in step with templates/pinetboot_lio_merge.py.tmpl:
 *
 * an object is unsaved when the running configuration (`targetctl save` into a private directory)
 * holds it and the saved file, as it was before pinetboot's merge, does not. Objects are compared
 * by identity, not by value: a backstore by plugin and name, a target by WWN, and within a
 * target's TPG (by tag) its LUNs by index and backstore, its ACLs by initiator name and its
 * portals by address and port; WWNs lower-cased, as rtslib keeps them. Values are not compared:
 * the kernel fills in attributes the saved file leaves out (pinetboot's own objects carry only
 * what it sets), so by value every object pinetboot restored would read as changed. An attribute
 * changed with targetcli and not saved is therefore not seen (the restore puts the saved value
 * back). */
#ifndef PNB_CORE_LIO_LIVE_H
#define PNB_CORE_LIO_LIVE_H

#include <stddef.h>

/* Where LIO's configfs tree is while target_core_mod is loaded. */
#define LIO_CONFIGFS "/sys/kernel/config/target"
/* Seconds `targetctl save` may take. */
#define LIO_SAVE_TIMEOUT 60

/* The objects of running (saveconfig JSON) missing from saved (NULL or blank: none), as text
 * "target X, backstore /backstores/fileio/Y, ..." (heap, caller frees), or NULL when there are
 * none. NULL with *err (heap, caller frees) when running or saved does not parse. */
char *lio_unsaved(const char *saved, size_t saved_len, const char *running, size_t running_len,
		  char **err);

/* Refuses a restore that would destroy unsaved objects: NULL when the restore loses nothing,
 * else a heap message (caller frees) naming them and the fix, or saying why the running
 * configuration cannot be read. Runs `targetctl save` (from PATH, no shell) into a private
 * temporary directory; when it fails and LIO_CONFIGFS does not exist, LIO is not loaded and
 * nothing runs that could be lost. saved is the file as it was before the merge. */
char *lio_live_refusal(const char *saved, size_t saved_len);

#endif
