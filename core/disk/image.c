/* image — streaming decoders over one source file whose bytes are hashed as they are read. */
#include "core/disk/image.h"

#include <archive.h>
#include <archive_entry.h>
#include <bzlib.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_findDecompressedSize */
#include <zstd.h>

#include "core/base/util.h"

const char *const image_format_names[] = {"raw", "xz", "gz", "zst", "bz2", "zip"};

#define IN_BUF (1u << 20)

struct image {
	char *path;
	int fd;
	enum image_format fmt;
	uint64_t src_size, src_pos, size;
	EVP_MD_CTX *sha;
	char err[256];
	unsigned char *in;     /* compressed input buffer */
	size_t in_len, in_off; /* valid bytes, consumed bytes */
	bool in_eof, done;
	int threads;
	union {
		lzma_stream xz;
		z_stream gz;
		bz_stream bz;
	} u;
	ZSTD_DStream *zst;
	size_t zst_last; /* last ZSTD_decompressStream return: 0 at a frame end */
	struct archive *ar;
	char *member;
};

static void im_err(struct image *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void im_err(struct image *im, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(im->err, sizeof(im->err), fmt, ap);
	va_end(ap);
}

/* Reads the source file, hashing every byte on its way to the decoder. */
static ssize_t src_read(struct image *im, void *buf, size_t len)
{
	ssize_t n;
	do
		n = read(im->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		im_err(im, "reading %s: %s", im->path, strerror(errno));
		return -1;
	}
	EVP_DigestUpdate(im->sha, buf, (size_t)n);
	im->src_pos += (uint64_t)n;
	return n;
}

/* Refills the compressed input buffer once it is used up; sets in_eof at the end. */
static int src_fill(struct image *im)
{
	if (im->in_off < im->in_len || im->in_eof)
		return 0;
	ssize_t n = src_read(im, im->in, IN_BUF);
	if (n < 0)
		return -1;
	im->in_len = (size_t)n;
	im->in_off = 0;
	if (n == 0)
		im->in_eof = true;
	return 0;
}

/* True when every byte of the compressed input has been handed to the decoder. */
static bool src_drained(const struct image *im)
{
	return im->in_off == im->in_len && im->in_eof;
}

/* Input for a decoder whose stream has not ended yet: 0, or -1 when reading failed or the file
 * ended first (a truncated EXT). */
static int src_more(struct image *im, const char *ext)
{
	if (src_fill(im) < 0)
		return -1;
	if (src_drained(im)) {
		im_err(im, "truncated %s: %s ends before the end of its compressed data", ext,
		       im->path);
		return -1;
	}
	return 0;
}

static enum image_format detect(const unsigned char *m, size_t n)
{
	if (n >= 6 && !memcmp(m, "\xFD" "7zXZ\0", 6))
		return IMAGE_XZ;
	if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
		return IMAGE_GZ;
	if (n >= 4 && !memcmp(m, "\x28\xB5\x2F\xFD", 4))
		return IMAGE_ZST;
	if (n >= 3 && !memcmp(m, "BZh", 3))
		return IMAGE_BZ2;
	if (n >= 4 && !memcmp(m, "PK\x03\x04", 4))
		return IMAGE_ZIP;
	return IMAGE_RAW;
}

/* The xz index at the end of a single-stream file gives the uncompressed size and the block
 * count (several blocks = the threaded decoder helps). Read with pread: no hashing. */
static void xz_index(struct image *im, uint64_t *usize, uint64_t *blocks)
{
	uint8_t foot[LZMA_STREAM_HEADER_SIZE];
	lzma_stream_flags fl;
	*usize = *blocks = 0;
	if (im->src_size < 2 * LZMA_STREAM_HEADER_SIZE ||
	    pread(im->fd, foot, sizeof(foot), (off_t)(im->src_size - sizeof(foot))) != sizeof(foot) ||
	    lzma_stream_footer_decode(&fl, foot) != LZMA_OK ||
	    fl.backward_size > im->src_size - 2 * LZMA_STREAM_HEADER_SIZE || fl.backward_size > (64u << 20))
		return;
	uint8_t *buf = xmalloc(fl.backward_size);
	off_t at = (off_t)(im->src_size - sizeof(foot) - fl.backward_size);
	lzma_index *idx = NULL;
	uint64_t memlimit = UINT64_MAX;
	size_t pos = 0;
	if (pread(im->fd, buf, fl.backward_size, at) == (ssize_t)fl.backward_size &&
	    lzma_index_buffer_decode(&idx, &memlimit, NULL, buf, &pos, fl.backward_size) == LZMA_OK) {
		*usize = lzma_index_uncompressed_size(idx);
		*blocks = lzma_index_block_count(idx);
		lzma_index_end(idx, NULL);
	}
	free(buf);
}

static int xz_init(struct image *im)
{
	uint64_t blocks;
	xz_index(im, &im->size, &blocks);
	lzma_stream init = LZMA_STREAM_INIT;
	im->u.xz = init;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	lzma_ret r;
	if (blocks > 1 && ncpu > 1) {
		lzma_mt mt = {0};
		mt.flags = LZMA_CONCATENATED;
		mt.threads = (uint32_t)(ncpu > 16 ? 16 : ncpu);
		uint64_t phys = lzma_physmem();
		mt.memlimit_threading = phys ? phys / 4 : (1u << 30);
		mt.memlimit_stop = UINT64_MAX;
		r = lzma_stream_decoder_mt(&im->u.xz, &mt);
		im->threads = (int)mt.threads;
	} else {
		r = lzma_stream_decoder(&im->u.xz, UINT64_MAX, LZMA_CONCATENATED);
		im->threads = 1;
	}
	if (r != LZMA_OK) {
		im_err(im, "cannot start the xz decoder (liblzma error %d)", (int)r);
		return -1;
	}
	return 0;
}

static ssize_t xz_read(struct image *im, void *buf, size_t len)
{
	lzma_stream *s = &im->u.xz;
	s->next_out = buf;
	s->avail_out = len;
	while (s->avail_out > 0) {
		if (src_fill(im) < 0)
			return -1;
		s->next_in = im->in + im->in_off;
		s->avail_in = im->in_len - im->in_off;
		lzma_ret r = lzma_code(s, im->in_eof ? LZMA_FINISH : LZMA_RUN);
		im->in_off = im->in_len - s->avail_in;
		if (r == LZMA_STREAM_END) {
			im->done = true;
			break;
		}
		if (r == LZMA_BUF_ERROR && im->in_eof) {
			im_err(im, "truncated .xz: %s ends before the end of its compressed data",
			       im->path);
			return -1;
		}
		if (r != LZMA_OK) {
			im_err(im, "corrupt .xz: %s (liblzma: %s)", im->path,
			       r == LZMA_DATA_ERROR	 ? "data error"
			       : r == LZMA_FORMAT_ERROR ? "not xz"
			       : r == LZMA_MEM_ERROR	 ? "out of memory"
							 : "error");
			return -1;
		}
	}
	return (ssize_t)(len - s->avail_out);
}

static int gz_init(struct image *im)
{
	memset(&im->u.gz, 0, sizeof(im->u.gz));
	if (inflateInit2(&im->u.gz, 15 + 32) != Z_OK) {
		im_err(im, "cannot start the gzip decoder");
		return -1;
	}
	return 0;
}

static ssize_t gz_read(struct image *im, void *buf, size_t len)
{
	z_stream *z = &im->u.gz;
	z->next_out = buf;
	z->avail_out = (uInt)len;
	while (z->avail_out > 0 && !im->done) {
		if (src_more(im, ".gz") < 0)
			return -1;
		z->next_in = im->in + im->in_off;
		z->avail_in = (uInt)(im->in_len - im->in_off);
		int r = inflate(z, Z_NO_FLUSH);
		im->in_off = im->in_len - z->avail_in;
		if (r == Z_STREAM_END) {
			/* gzip files may hold several members; anything after is another member */
			if (src_fill(im) < 0)
				return -1;
			if (src_drained(im))
				im->done = true;
			else
				inflateReset(z);
		} else if (r != Z_OK && r != Z_BUF_ERROR) {
			im_err(im, "corrupt .gz: %s (zlib: %s)", im->path, z->msg ? z->msg : "error");
			return -1;
		}
	}
	return (ssize_t)(len - z->avail_out);
}

/* zstd records each frame's content size; walking the frame headers over an mmap is cheap. */
static void zst_size(struct image *im)
{
	if (im->src_size == 0)
		return;
	void *m = mmap(NULL, im->src_size, PROT_READ, MAP_PRIVATE, im->fd, 0);
	if (m == MAP_FAILED)
		return;
	unsigned long long n = ZSTD_findDecompressedSize(m, im->src_size);
	if (n != ZSTD_CONTENTSIZE_UNKNOWN && n != ZSTD_CONTENTSIZE_ERROR)
		im->size = n;
	munmap(m, im->src_size);
}

static int zst_init(struct image *im)
{
	zst_size(im);
	im->zst = ZSTD_createDStream();
	if (!im->zst || ZSTD_isError(ZSTD_initDStream(im->zst))) {
		im_err(im, "cannot start the zstd decoder");
		return -1;
	}
	im->zst_last = 1;
	return 0;
}

static ssize_t zst_read(struct image *im, void *buf, size_t len)
{
	ZSTD_outBuffer out = {buf, len, 0};
	while (out.pos < out.size) {
		if (src_fill(im) < 0)
			return -1;
		if (src_drained(im)) {
			if (im->zst_last != 0) {
				im_err(im, "truncated .zst: %s ends inside a frame", im->path);
				return -1;
			}
			break;
		}
		ZSTD_inBuffer in = {im->in, im->in_len, im->in_off};
		size_t r = ZSTD_decompressStream(im->zst, &out, &in);
		im->in_off = in.pos;
		if (ZSTD_isError(r)) {
			im_err(im, "corrupt .zst: %s (%s)", im->path, ZSTD_getErrorName(r));
			return -1;
		}
		im->zst_last = r;
	}
	return (ssize_t)out.pos;
}

static int bz_init(struct image *im)
{
	memset(&im->u.bz, 0, sizeof(im->u.bz));
	if (BZ2_bzDecompressInit(&im->u.bz, 0, 0) != BZ_OK) {
		im_err(im, "cannot start the bzip2 decoder");
		return -1;
	}
	return 0;
}

static ssize_t bz_read(struct image *im, void *buf, size_t len)
{
	bz_stream *b = &im->u.bz;
	b->next_out = buf;
	b->avail_out = (unsigned)len;
	while (b->avail_out > 0 && !im->done) {
		if (src_more(im, ".bz2") < 0)
			return -1;
		b->next_in = (char *)im->in + im->in_off;
		b->avail_in = (unsigned)(im->in_len - im->in_off);
		int r = BZ2_bzDecompress(b);
		im->in_off = im->in_len - b->avail_in;
		if (r == BZ_STREAM_END) {
			if (src_fill(im) < 0)
				return -1;
			if (src_drained(im)) {
				im->done = true;
			} else { /* pbzip2 writes several streams */
				size_t produced = len - b->avail_out;
				BZ2_bzDecompressEnd(b);
				memset(b, 0, sizeof(*b));
				BZ2_bzDecompressInit(b, 0, 0);
				b->next_out = (char *)buf + produced;
				b->avail_out = (unsigned)(len - produced);
			}
		} else if (r != BZ_OK) {
			im_err(im, "corrupt .bz2: %s (libbz2 error %d)", im->path, r);
			return -1;
		}
	}
	return (ssize_t)(len - b->avail_out);
}

static la_ssize_t ar_read_cb(struct archive *a, void *ud, const void **buf)
{
	struct image *im = ud;
	(void)a;
	ssize_t n = src_read(im, im->in, IN_BUF);
	*buf = im->in;
	return n;
}

static int zip_init(struct image *im)
{
	im->ar = archive_read_new();
	archive_read_support_format_zip(im->ar);
	if (archive_read_open(im->ar, im, NULL, ar_read_cb, NULL) != ARCHIVE_OK) {
		im_err(im, "cannot read the zip %s: %s", im->path, archive_error_string(im->ar));
		return -1;
	}
	struct archive_entry *e;
	int r;
	while ((r = archive_read_next_header(im->ar, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		if (name && archive_entry_filetype(e) == AE_IFREG && strlen(name) > 4 &&
		    !strcasecmp(name + strlen(name) - 4, ".img")) {
			im->member = xstrdup(name);
			if (archive_entry_size_is_set(e))
				im->size = (uint64_t)archive_entry_size(e);
			return 0;
		}
	}
	if (r == ARCHIVE_EOF)
		im_err(im, "%s is a zip without an .img member (expected e.g. raspios.img inside)",
		       im->path);
	else
		im_err(im, "corrupt zip %s: %s", im->path, archive_error_string(im->ar));
	return -1;
}

static ssize_t zip_read(struct image *im, void *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		la_ssize_t n = archive_read_data(im->ar, (char *)buf + got, len - got);
		if (n < 0) {
			const char *e = archive_error_string(im->ar);
			im_err(im, "%s zip member %s: %s", strstr(e ? e : "", "runcat") ? "truncated" : "corrupt",
			       im->member, e ? e : "read error");
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static ssize_t raw_read(struct image *im, void *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = src_read(im, (char *)buf + got, len - got);
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

struct image *image_open(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "cannot open image %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		snprintf(err, errlen, "image %s is not a file", path);
		close(fd);
		return NULL;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	struct image *im = xcalloc(1, sizeof(*im));
	im->path = xstrdup(path);
	im->fd = fd;
	im->src_size = (uint64_t)st.st_size;
	im->sha = EVP_MD_CTX_new();
	EVP_DigestInit_ex(im->sha, EVP_sha256(), NULL);
	im->in = xmalloc(IN_BUF);
	im->threads = 1;
	unsigned char magic[8];
	ssize_t n = pread(fd, magic, sizeof(magic), 0);
	im->fmt = detect(magic, n > 0 ? (size_t)n : 0);
	int r = 0;
	switch (im->fmt) {
	case IMAGE_RAW: im->size = im->src_size; break;
	case IMAGE_XZ: r = xz_init(im); break;
	case IMAGE_GZ: r = gz_init(im); break;
	case IMAGE_ZST: r = zst_init(im); break;
	case IMAGE_BZ2: r = bz_init(im); break;
	case IMAGE_ZIP: r = zip_init(im); break;
	}
	if (r < 0) {
		snprintf(err, errlen, "%s", im->err);
		image_free(im);
		return NULL;
	}
	return im;
}

void image_free(struct image *im)
{
	if (!im)
		return;
	switch (im->fmt) {
	case IMAGE_XZ: lzma_end(&im->u.xz); break;
	case IMAGE_GZ: inflateEnd(&im->u.gz); break;
	case IMAGE_BZ2: BZ2_bzDecompressEnd(&im->u.bz); break;
	default: break;
	}
	if (im->zst)
		ZSTD_freeDStream(im->zst);
	if (im->ar)
		archive_read_free(im->ar);
	EVP_MD_CTX_free(im->sha);
	close(im->fd);
	free(im->in);
	free(im->member);
	free(im->path);
	free(im);
}

ssize_t image_read(struct image *im, void *buf, size_t len)
{
	if (im->done || len == 0)
		return 0;
	switch (im->fmt) {
	case IMAGE_RAW: return raw_read(im, buf, len);
	case IMAGE_XZ: return xz_read(im, buf, len);
	case IMAGE_GZ: return gz_read(im, buf, len);
	case IMAGE_ZST: return zst_read(im, buf, len);
	case IMAGE_BZ2: return bz_read(im, buf, len);
	case IMAGE_ZIP: return zip_read(im, buf, len);
	}
	return -1;
}

int image_sha256_finish(struct image *im, char out[65])
{
	for (;;) {
		ssize_t n = src_read(im, im->in, IN_BUF);
		if (n < 0)
			return -1;
		if (n == 0)
			break;
	}
	unsigned char md[32];
	unsigned len = 0;
	EVP_DigestFinal_ex(im->sha, md, &len);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

enum image_format image_format(const struct image *im) { return im->fmt; }
uint64_t image_size(const struct image *im) { return im->size; }
uint64_t image_source_size(const struct image *im) { return im->src_size; }
uint64_t image_source_pos(const struct image *im) { return im->src_pos; }
int image_threads(const struct image *im) { return im->threads; }
const char *image_member(const struct image *im) { return im->member; }
const char *image_error(const struct image *im) { return im->err; }

bool image_sha256_parse(const char *s, char out[65])
{
	for (int i = 0; i < 64; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	if (s[64] && !isspace((unsigned char)s[64]))
		return false;
	for (int i = 0; i < 64; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[64] = 0;
	return true;
}

bool image_sidecar_sha256(const char *path, char out[65])
{
	char *side = xasprintf("%s.sha256", path);
	FILE *f = fopen(side, "r");
	free(side);
	if (!f)
		return false;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char line[1024], first[65] = "";
	bool found = false;
	while (fgets(line, sizeof(line), f)) {
		char hex[65];
		if (!image_sha256_parse(str_trim(line), hex))
			continue;
		const char *name = line + 64;
		while (*name == ' ' || *name == '*' || *name == '\t')
			name++;
		if (!*name || !strcmp(name, base) || str_endswith(name, base)) {
			memcpy(out, hex, 65);
			found = true;
			break;
		}
		if (!first[0])
			memcpy(first, hex, 65);
	}
	fclose(f);
	if (!found && first[0]) {
		memcpy(out, first, 65);
		found = true;
	}
	return found;
}
