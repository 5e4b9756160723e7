/* flash — writes an image (any format core/image reads) to a block device or a regular file.
 *
 * One thread decodes and hashes the source, another writes, through a bounded queue of 4 MiB
 * aligned buffers. All-zero blocks are skipped while streaming. A regular file target is
 * truncated and sized, so skipped blocks are holes (a thin iSCSI backing file). On a device the
 * filesystems' used blocks are then found (fsmap: partition table, ext bitmaps, FAT) from what
 * was written, and the used blocks that were all zero are zeroed (BLKZEROOUT, the device's own
 * write-zeroes where it has one); free space is never written. Devices are flushed every 128 MiB
 * from a syncer thread, so the data is on the medium while decoding goes on. The first MiB (the
 * partition table) is zeroed first and written last, after the source checksum matched, so an
 * interrupted or failed write leaves no half-valid disk. At the end: fsync, then every written
 * range is read back past the page cache (O_DIRECT, two reads in flight) and compared with the
 * xxh3 digest kept from the write. No terminal output: progress goes to a callback, and every
 * failure ends in a message saying what state the target is in. */
#ifndef PNB_CORE_FLASH_H
#define PNB_CORE_FLASH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

enum flash_phase { FLASH_WRITE, FLASH_MAP, FLASH_FILL, FLASH_SYNC, FLASH_VERIFY, FLASH_DONE };
extern const char *const flash_phase_names[]; /* "writing", "mapping", … */

struct flash_progress {
	enum flash_phase phase;
	uint64_t done, total; /* bytes of this phase; total 0 = unknown */
	uint64_t written;     /* bytes written to the target so far */
	uint64_t verified;    /* bytes read back and matched so far */
	double rate;          /* bytes/s in this phase */
	double eta;           /* seconds left in this phase, < 0 when unknown */
	double elapsed;       /* seconds since the start */
	uint64_t src_done, src_total; /* writing: compressed source bytes consumed / its size */
};
typedef void (*flash_progress_fn)(const struct flash_progress *p, void *ud);

struct flash_opts {
	const char *image;
	const char *target;     /* block device or regular file (created when missing) */
	bool verify;
	const char *sha256;     /* expected source SHA-256 (hex); NULL: IMAGE.sha256 when present */
	flash_progress_fn progress; /* called at most ~10 times a second, from the caller's thread */
	void *ud;
	atomic_bool *cancel;    /* set to true (any thread, a signal handler) to stop; may be NULL */
};

struct flash_result {
	bool device;             /* target is a block device */
	uint64_t image_size;     /* uncompressed bytes */
	uint64_t target_size;
	uint64_t written;        /* bytes written to the target */
	uint64_t verified;       /* bytes read back and matched */
	uint64_t mapped;         /* devices: bytes the filesystems need */
	int threads;             /* decoder threads */
	bool direct;             /* O_DIRECT writes */
	char format[8];          /* "xz", … */
	char sha256[65];         /* source SHA-256 */
	bool sha256_checked;     /* compared with the expected one (and matched, when flash_run returned 0) */
	bool sha256_sidecar;     /* the expected one came from IMAGE.sha256 */
	char map_note[256];      /* devices: what the map found per partition */
	double seconds;
	double verify_seconds;   /* of seconds, the read-back */
	char message[640];       /* on failure: what went wrong and what state the target is in */
};

/* Writes opts->image to opts->target. Returns 0 when written (and verified, if asked), -1 with
 * result->message set. Refuses before writing anything when the target is a device smaller
 * than the image, is read-only, or cannot be opened exclusively (mounted or in use).
 * Test hooks: PNB_TEST_FLIP_BYTE=OFFSET flips that byte of the target between the write and the
 * verification; PNB_TEST_SLOW_WRITE=MS pauses before each 4 MiB buffer (a slow card). */
int flash_run(const struct flash_opts *opts, struct flash_result *result);

#endif
