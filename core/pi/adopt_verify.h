/* adopt_verify — the rules adopt's root copy is held to: room for it on the server before it
 * starts, and after it, the copy compared file by file with a manifest the Pi made of the same
 * tree (type, mode, owner, size, SHA-256 of the content, link target); and the edit of the
 * copy's ifupdown configuration (eth0 carries the root). */
#ifndef PNB_CORE_ADOPT_VERIFY_H
#define PNB_CORE_ADOPT_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The room one copy of a root that uses `used` bytes takes, with a margin for what df does not
 * count and the file system's own overhead: used + max(used / 10, 256 MiB). */
uint64_t adopt_space_one(uint64_t used);

/* bytes as "12.3 GiB" or "456 MiB" (rounded down) into out */
void adopt_space_format(uint64_t bytes, char out[24]);

/* A place the copy goes: its file system (dev) and the bytes free there (avail), and how many
 * copies of the root it holds at once (iSCSI: the staged tree and the disk image in adopt's
 * directory, the backing; NFS: the tree). */
struct adopt_place {
	const char *what; /* "the backing's", "adopt's staging", "the NFS root's" */
	const char *path;
	uint64_t dev, avail;
	unsigned copies;
};

/* Whether the places have room for a root of `used` bytes, places on one file system summed.
 * NULL when they have; else a heap message naming the place, the bytes free and the bytes
 * needed (caller frees). */
char *adopt_space_check(uint64_t used, const struct adopt_place *pl, size_t n);

struct adopt_verify {
	size_t files, dirs, links;   /* compared */
	uint64_t bytes;              /* of the files, hashed here */
	size_t bad, live;            /* differ; differ but changed on the Pi while it was copied */
	char *bad_text, *live_text;  /* the first few of each, one a line (heap, or NULL) */
};

/* Compares the tree under root with the manifest the Pi made (text of len bytes):
 *   "COPYSTART\n" then per entry "TYPE MODE UID GID SIZE CTIME PATH\0TARGET\0" (find -printf
 *   "%y %m %U %G %s %C@ %p\0%l\0"), then "@@pnb sha256\0", then "HASH  PATH\0" per regular file
 *   (sha256sum -z).
 * An entry that differs and whose ctime on the Pi is at or after COPYSTART (the Pi's clock when
 * the copy began) changed while it was copied (a log): counted live, not bad. Paths are the
 * Pi's, so not trusted: each must be ./-relative without "..", and is opened beneath root
 * without following any link. Returns 0 compared (v->bad says whether it matched), -1 when the
 * manifest cannot be read (err says why). Free v with adopt_verify_done. */
int adopt_verify_tree(const char *manifest, size_t len, const char *root, struct adopt_verify *v,
		      char *err, size_t errlen);
void adopt_verify_done(struct adopt_verify *v);

/* ifupdown's interfaces text with `iface eth0 inet METHOD` made manual and its options
 * commented out (the root runs over eth0, which the initramfs configured). Heap string, or NULL
 * when no eth0 stanza needs it. */
char *adopt_ifupdown_manual(const char *text);

#endif
