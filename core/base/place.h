/* place — what each place a value lands in accepts. A value from a profile, a secrets file, the
 * command line or the wire ends up in a shell script, a daemon's config file, a kernel command
 * line, JSON/YAML or the operator's terminal; each place has one checker (or quoter) here, so
 * every writer judges a value the same way:
 *
 *   paths      place_path_normalise (lexical //, ., ..), place_path_check (characters every
 *              generated file carries unquoted), place_path_system (never served or exported)
 *   one line   place_line_ok: no control characters, valid UTF-8 (comments, headers)
 *   interface  place_ifname_ok: what dnsmasq's interface= takes as one name (no lists, globs)
 *   user name  place_username_ok: one field of a passwd-style line
 *   shell      sbuf_add_sh: a single-quoted word
 *   terminal   sbuf_add_term / place_term: control bytes and broken UTF-8 shown as \xHH
 *   JSON       sbuf_add_json (core/base/util.h) replaces broken UTF-8 with U+FFFD */
#ifndef PNB_CORE_PLACE_H
#define PNB_CORE_PLACE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/base/util.h"

/* The longest path a profile may name (every generated file carries it on one line). */
#define PLACE_PATH_MAX 1024

/* Length of the valid UTF-8 sequence at s[0..n) (1 for ASCII), or 0 when the bytes there are
 * not valid UTF-8 (overlong forms, surrogates and values past U+10FFFF included). */
size_t place_utf8_seq(const unsigned char *s, size_t n);
bool place_utf8_ok(const char *s, size_t n);

/* s is valid UTF-8 without control characters (C0, DEL, C1): safe on one line of any file and
 * on a terminal. */
bool place_line_ok(const char *s);

/* Lexical normalisation of a path: repeated '/' collapsed, "." dropped, ".." takes away the
 * component before it ("/.." is "/"), no trailing '/'. Relative paths stay relative ("" is
 * "."). Nothing on disk is looked at. Returns a heap string the caller frees. */
char *place_path_normalise(const char *path);

/* Why path (absolute, already normalised) cannot be written into a generated file as it is,
 * or NULL when it can: only letters, digits and . _ - + @ / are taken, at most PLACE_PATH_MAX
 * bytes — nothing a shell, a daemon's config syntax, exports(5), a kernel command line or YAML
 * would read as more than one word. Returns a heap message the caller frees. */
char *place_path_check(const char *path);

/* When path (normalised) is a system directory or holds one — /, /etc, /usr, /var, /home, …,
 * or lies inside a directory that only the system writes (/etc, /usr, /boot, /proc, /sys, /dev,
 * /bin, /lib, /run, …) — the directory that makes it so; else NULL. A TFTP root, an NFS root
 * and an export are never one of these. allow_dev lets /dev/… through (block-device backing
 * stores). */
const char *place_path_system(const char *path, bool allow_dev);

/* An interface name dnsmasq, tcpdump and ip take as exactly one interface: 1 to 15 of
 * [A-Za-z0-9_.@-], not "." or "..". */
bool place_ifname_ok(const char *s);

/* A Linux user name useradd(8) takes and /etc/passwd-style files (userconf.txt) carry as one
 * field: [a-z_][a-z0-9_-]{0,31}. */
bool place_username_ok(const char *s);

/* Appends s as one single-quoted shell word ('\'' for each quote inside). */
void sbuf_add_sh(struct sbuf *b, const char *s);

/* Appends s for a terminal: printable UTF-8 kept, control bytes (ESC included) and bytes that
 * are not UTF-8 as \xHH. */
void sbuf_add_term(struct sbuf *b, const char *s);
/* The same as a heap string the caller frees. */
char *place_term(const char *s);

#endif
