/* profile_csv — a fleet inventory (CSV with a header row naming the columns: name and any
 * [pi] key) turned into [pi "NAME"] sections, every row validated with the profile's own
 * checks and messages (FILE:LINE: column KEY: …). */
#ifndef PNB_CORE_PROFILE_CSV_H
#define PNB_CORE_PROFILE_CSV_H

#include "core/base/problems.h"

/* Reads the CSV at csv_path. site_path, when not NULL, is an existing profile whose server
 * settings and Pis the rows are checked against (duplicate MACs, serials, names, …).
 * Returns the [pi] sections as a heap string (caller frees), starting with a blank line so it
 * can be appended to a profile; returns NULL when any row (or the file) is invalid, with
 * every problem in ps. */
char *profile_csv_import(const char *csv_path, const char *site_path, struct problems *ps);

#endif
