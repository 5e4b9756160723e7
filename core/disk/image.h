/* image — streaming sources for OS images: raw .img, .xz (liblzma, threaded when the file has
 * several blocks), .gz (zlib), .zst (libzstd), .bz2 (libbz2), .zip (libarchive, first .img
 * member). The format is found from the file's magic bytes, not its name. While the source is
 * read, the SHA-256 of the *source file* (what distributors publish) is computed with OpenSSL,
 * so checking it costs no second pass. */
#ifndef PNB_CORE_IMAGE_H
#define PNB_CORE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum image_format { IMAGE_RAW, IMAGE_XZ, IMAGE_GZ, IMAGE_ZST, IMAGE_BZ2, IMAGE_ZIP };
extern const char *const image_format_names[]; /* "raw", "xz", "gz", "zst", "bz2", "zip" */

struct image;

/* Opens path and detects its format. Returns a handle the caller releases with image_free, or
 * NULL with a message in err ("cannot open …", "… is a zip without an .img member"). */
struct image *image_open(const char *path, char *err, size_t errlen);
void image_free(struct image *im);

enum image_format image_format(const struct image *im);
/* Uncompressed size when the format records it (raw, xz index, zstd frame headers, zip entry),
 * else 0. */
uint64_t image_size(const struct image *im);
/* Size of the source file and how much of it has been consumed so far (for progress when the
 * uncompressed size is unknown). */
uint64_t image_source_size(const struct image *im);
uint64_t image_source_pos(const struct image *im);
/* Decoder threads in use (xz: >1 when the file has several blocks). */
int image_threads(const struct image *im);
/* Name of the zip member being read, or NULL. */
const char *image_member(const struct image *im);

/* Reads up to len uncompressed bytes. Returns the count, 0 at the end of the image, -1 on
 * error (image_error says what: "truncated .xz (the file ends inside a block)", "corrupt …"). */
ssize_t image_read(struct image *im, void *buf, size_t len);
const char *image_error(const struct image *im);

/* After image_read returned 0: reads whatever of the source file was not consumed (zip
 * directories, padding) and writes the source SHA-256 as 64 lowercase hex digits into out.
 * Returns 0, or -1 with image_error set. */
int image_sha256_finish(struct image *im, char out[65]);

/* Expected SHA-256 for path: the sidecar PATH.sha256 ("HEX" or "HEX  NAME" lines, the line
 * naming the image preferred). Returns true and fills out (lowercase) when one is found. */
bool image_sidecar_sha256(const char *path, char out[65]);
/* True when s is 64 hex digits; writes it lowercased into out. */
bool image_sha256_parse(const char *s, char out[65]);

#endif
