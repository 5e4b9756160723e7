/* flash — decode thread → bounded queue → writer; map, fill, head, sync, verify. */
#include "core/disk/flash.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "core/disk/fsmap.h"
#include "core/disk/image.h"
#include "core/disk/parttable.h"
#include "core/base/util.h"

const char *const flash_phase_names[] = {"writing", "mapping", "filling", "syncing", "verifying", "done"};

#define BUF_SZ (4u << 20)
#define NBUF 8
#define BLK 4096u
#define HEAD (1u << 20)
/* Devices: a flush after every SYNC_EVERY bytes written, from the syncer thread. A loop device
 * over a file (or a buffered write) otherwise leaves all the data dirty in a page cache for the
 * final fsync to write out while nothing else runs; flushing as we go overlaps that with
 * decoding, and on a card it keeps "written" honest. */
#define SYNC_EVERY (128ull << 20)
#define SYNC_IDLE (8ull << 20) /* …or at the first all-free buffer after this much */

struct slot {
	uint8_t *buf;
	size_t len;
	uint64_t off;
};

struct extent {
	uint64_t off;
	uint64_t len;
	XXH64_hash_t digest;
};

enum target_state { ST_UNTOUCHED, ST_PARTIAL, ST_NO_TABLE, ST_WRITTEN };

struct flash {
	const struct flash_opts *o;
	struct flash_result *res;
	const char *want_sha;  /* o->sha256, or the sidecar's in want_buf, or NULL */
	char want_buf[65];
	struct image *im;
	int fd;
	uint64_t tsize; /* devices: capacity */
	bool direct;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct slot slots[NBUF];
	unsigned head, tail, count;
	bool eof, failed, stop;
	char prod_msg[300];
	uint64_t produced;
	uint64_t src_pos, src_size; /* source bytes consumed when the last slot was queued */
	uint8_t *first; /* the held first MiB */
	size_t first_len;
	struct extent *ext;
	size_t n_ext, cap_ext;
	uint8_t *zero; /* BUF_SZ of zeros, aligned */
	enum target_state state;
	struct timespec t0, tphase, tlast;
	enum flash_phase phase, reported;
	/* verification: shared by the readers */
	atomic_size_t v_next;         /* next range to take */
	atomic_uint_fast64_t v_done;  /* bytes matched */
	atomic_bool v_stop;           /* an error or a cancel: readers stop taking ranges */
	uint8_t *v_state;             /* per range: V_TODO, V_OK, V_BAD, V_UNALIGNED */
	uint64_t v_total;
	int v_err;                    /* the lowest failed read: errno, or -1 for a short read */
	uint64_t v_err_off;
	/* the syncer thread (devices) */
	pthread_t syncer;
	bool syncer_on, sync_req, sync_quit;
	pthread_cond_t scv;
	uint64_t unsynced; /* bytes written since the last flush request (writer thread only) */
	int sync_err;
};

static double since(const struct timespec *a)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - a->tv_sec) + (double)(now.tv_nsec - a->tv_nsec) / 1e9;
}

static void set_phase(struct flash *f, enum flash_phase ph)
{
	f->phase = ph;
	clock_gettime(CLOCK_MONOTONIC, &f->tphase);
}

static void report(struct flash *f, uint64_t done, uint64_t total, bool force)
{
	if (!f->o->progress || (!force && f->phase == f->reported && since(&f->tlast) < 0.1))
		return;
	f->reported = f->phase; /* a new phase is always shown, however short */
	clock_gettime(CLOCK_MONOTONIC, &f->tlast);
	double dt = since(&f->tphase);
	struct flash_progress p = {f->phase, done, total, f->res->written, f->res->verified, 0, -1,
				   since(&f->t0), 0, 0};
	p.rate = dt > 0 ? (double)done / dt : 0;
	if (f->phase == FLASH_WRITE) {
		pthread_mutex_lock(&f->mu);
		p.src_done = f->src_pos;
		pthread_mutex_unlock(&f->mu);
		p.src_total = f->src_size;
	}
	if (total && p.rate > 0 && done <= total)
		p.eta = (double)(total - done) / p.rate;
	else if (!total && p.src_done && p.src_total >= p.src_done)
		p.eta = dt * (double)(p.src_total - p.src_done) / (double)p.src_done;
	f->o->progress(&p, f->o->ud);
}

static const char *state_text(const struct flash *f)
{
	bool dev = f->res->device;
	switch (f->state) {
	case ST_UNTOUCHED: return "the target was not changed";
	case ST_PARTIAL:
		return dev ? "the target is partly written and its first MiB is zeroed, so it holds no "
			     "partition table (nothing on it will mount); flash it again"
			   : "the file is incomplete and has no partition table; flash it again";
	case ST_NO_TABLE:
		return "the image data was written but the first MiB (partition table) was held back, "
		       "so the target holds no partitions";
	case ST_WRITTEN: return "the target was fully written";
	}
	return "";
}

static int fail(struct flash *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct flash *f, const char *fmt, ...)
{
	char what[480];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(f->res->message, sizeof(f->res->message), "%s: %s", what, state_text(f));
	return -1;
}

static const char *write_errno_text(int e)
{
	switch (e) {
	case ENOSPC: return "no space left on the target";
	case EIO: return "I/O error (a failing card or reader?)";
	case ENODEV:
	case ENXIO:
	case ENOMEDIUM: return "the target disappeared (removed while writing?)";
	case EROFS:
	case EPERM:
	case EACCES: return "the target is write-protected";
	default: return strerror(e);
	}
}

static void set_direct(struct flash *f, bool on)
{
	int fl = fcntl(f->fd, F_GETFL);
	if (fl >= 0)
		fcntl(f->fd, F_SETFL, on ? fl | O_DIRECT : fl & ~O_DIRECT);
}

/* O_DIRECT needs block-aligned offsets and lengths; anything else goes through the cache. */
static bool aligned(uint64_t off, uint64_t len) { return off % BLK == 0 && len % BLK == 0; }

/* Asks the syncer for a flush (coalesced with one already asked for). */
static void sync_request(struct flash *f)
{
	if (!f->syncer_on || f->unsynced == 0)
		return;
	f->unsynced = 0;
	pthread_mutex_lock(&f->mu);
	f->sync_req = true;
	pthread_cond_signal(&f->scv);
	pthread_mutex_unlock(&f->mu);
}

static int pwrite_all(struct flash *f, const uint8_t *buf, size_t len, uint64_t off)
{
	bool unal = f->direct && !aligned(off, len);
	if (unal)
		set_direct(f, false);
	size_t done = 0;
	while (done < len) {
		ssize_t n = pwrite(f->fd, buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : ENOSPC;
			if (unal)
				set_direct(f, true);
			return fail(f, "writing %s at byte %llu: %s", f->o->target,
				    (unsigned long long)(off + done), write_errno_text(e));
		}
		done += (size_t)n;
	}
	if (unal)
		set_direct(f, true);
	f->res->written += len;
	f->unsynced += len;
	if (f->unsynced >= SYNC_EVERY)
		sync_request(f);
	return 0;
}

static void *syncer_run(void *arg)
{
	struct flash *f = arg;
	pthread_mutex_lock(&f->mu);
	for (;;) {
		while (!f->sync_req && !f->sync_quit)
			pthread_cond_wait(&f->scv, &f->mu);
		if (f->sync_quit)
			break;
		f->sync_req = false;
		pthread_mutex_unlock(&f->mu);
		int r = fdatasync(f->fd);
		int e = errno;
		pthread_mutex_lock(&f->mu);
		if (r < 0 && !f->sync_err)
			f->sync_err = e;
	}
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

static void syncer_start(struct flash *f)
{
	f->syncer_on = pthread_create(&f->syncer, NULL, syncer_run, f) == 0;
}

/* Waits for a flush in progress; returns its errno, 0 when every flush succeeded. */
static int syncer_stop(struct flash *f)
{
	if (!f->syncer_on)
		return f->sync_err;
	pthread_mutex_lock(&f->mu);
	f->sync_quit = true;
	pthread_cond_signal(&f->scv);
	pthread_mutex_unlock(&f->mu);
	pthread_join(f->syncer, NULL);
	f->syncer_on = false;
	return f->sync_err;
}

static void add_extent(struct flash *f, uint64_t off, uint64_t len, XXH64_hash_t d)
{
	if (f->n_ext == f->cap_ext) {
		f->cap_ext = f->cap_ext ? 2 * f->cap_ext : 1024;
		f->ext = xrealloc(f->ext, f->cap_ext * sizeof(*f->ext));
	}
	f->ext[f->n_ext++] = (struct extent){off, len, d};
}

static int write_extent(struct flash *f, const uint8_t *buf, size_t len, uint64_t off)
{
	if (pwrite_all(f, buf, len, off) < 0)
		return -1;
	add_extent(f, off, len, XXH3_64bits(buf, len));
	return 0;
}

/* Zeroes a block-aligned range of a device in place (BLKZEROOUT: the device's own write-zeroes
 * command where it has one — a loop device punches its backing file, an NVMe or SCSI disk zeroes
 * without a data transfer — and the kernel writes zero pages where it has none). Falls back to
 * writing zeros when the ioctl is not offered. The digest kept is that of zeros, so the read-back
 * still proves the range reads as zeros. */
static int zero_extent(struct flash *f, uint64_t off, size_t len)
{
	if (f->res->device && aligned(off, len)) {
		uint64_t r[2] = {off, len};
		if (ioctl(f->fd, BLKZEROOUT, r) == 0) {
			f->res->written += len;
			add_extent(f, off, len, XXH3_64bits(f->zero, len));
			return 0;
		}
		if (errno != ENOTTY && errno != EOPNOTSUPP && errno != EINVAL)
			return fail(f, "zeroing %s at byte %llu: %s", f->o->target,
				    (unsigned long long)off, write_errno_text(errno));
	}
	return write_extent(f, f->zero, len, off);
}

static bool is_zero(const uint8_t *p, size_t n)
{
	return p[0] == 0 && memcmp(p, p + 1, n - 1) == 0;
}

/* ---- the decode thread ---- */
static void *producer(void *arg)
{
	struct flash *f = arg;
	for (;;) {
		pthread_mutex_lock(&f->mu);
		while (f->count == NBUF && !f->stop)
			pthread_cond_wait(&f->cv, &f->mu);
		bool stop = f->stop;
		struct slot *s = &f->slots[f->head % NBUF];
		pthread_mutex_unlock(&f->mu);
		if (stop)
			return NULL;
		size_t got = 0;
		ssize_t n = 1;
		while (got < BUF_SZ && (n = image_read(f->im, s->buf + got, BUF_SZ - got)) > 0)
			got += (size_t)n;
		bool end = n <= 0;
		char msg[300] = "";
		if (n < 0)
			snprintf(msg, sizeof(msg), "%s", image_error(f->im));
		else if (end && image_sha256_finish(f->im, f->res->sha256) < 0)
			snprintf(msg, sizeof(msg), "%s", image_error(f->im));
		pthread_mutex_lock(&f->mu);
		if (got > 0 && !msg[0]) {
			s->len = got;
			s->off = f->produced;
			f->produced += got;
			f->src_pos = image_source_pos(f->im);
			f->head++;
			f->count++;
		}
		if (msg[0]) {
			f->failed = true;
			snprintf(f->prod_msg, sizeof(f->prod_msg), "%s", msg);
		} else if (end) {
			f->eof = true;
		}
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
		if (end || msg[0])
			return NULL;
	}
}

/* PNB_TEST_SLOW_WRITE=MS: the test suite's slow card (a pause per buffer), so that progress
 * and cancellation can be watched. */
static void test_slow_write(void)
{
	static long ms = -1;
	if (ms < 0) {
		const char *v = getenv("PNB_TEST_SLOW_WRITE");
		ms = v ? strtol(v, NULL, 10) : 0;
	}
	if (ms > 0)
		nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000}, NULL);
}

/* Writes one decoded buffer: the part inside the first MiB is held back, the rest is written
 * as runs of non-zero 4 KiB blocks. */
static int consume(struct flash *f, const struct slot *s)
{
	test_slow_write();
	size_t i = 0;
	if (s->off < HEAD) {
		size_t n = HEAD - s->off < s->len ? HEAD - s->off : s->len;
		memcpy(f->first + s->off, s->buf, n);
		f->first_len = s->off + n;
		i = n;
	}
	if (f->res->device && s->off + s->len > f->tsize) {
		f->state = ST_PARTIAL;
		return fail(f, "the image is larger than %s (%llu bytes)", f->o->target,
			    (unsigned long long)f->tsize);
	}
	while (i < s->len) {
		size_t blk = s->len - i < BLK ? s->len - i : BLK;
		if (is_zero(s->buf + i, blk)) {
			i += blk;
			continue;
		}
		size_t j = i + blk;
		while (j < s->len) {
			size_t b = s->len - j < BLK ? s->len - j : BLK;
			if (is_zero(s->buf + j, b))
				break;
			j += b;
		}
		if (write_extent(f, s->buf + i, j - i, s->off + i) < 0)
			return -1;
		i = j;
	}
	return 0;
}

static bool cancelled(const struct flash *f)
{
	return f->o->cancel && atomic_load(f->o->cancel);
}

static void stop_producer(struct flash *f, pthread_t th)
{
	pthread_mutex_lock(&f->mu);
	f->stop = true;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	pthread_join(th, NULL);
}

static int stream(struct flash *f)
{
	pthread_t th;
	if (pthread_create(&th, NULL, producer, f) != 0)
		return fail(f, "cannot start the decoder thread");
	set_phase(f, FLASH_WRITE);
	int rc = 0;
	for (;;) {
		pthread_mutex_lock(&f->mu);
		while (f->count == 0 && !f->eof && !f->failed)
			pthread_cond_wait(&f->cv, &f->mu);
		bool failed = f->failed, have = f->count > 0;
		struct slot *s = &f->slots[f->tail % NBUF];
		pthread_mutex_unlock(&f->mu);
		if (failed) {
			if (f->state == ST_UNTOUCHED && f->res->written)
				f->state = ST_PARTIAL;
			rc = fail(f, "%s", f->prod_msg);
			break;
		}
		if (!have)
			break;
		uint64_t before = f->res->written;
		if (consume(f, s) < 0) {
			rc = -1;
			break;
		}
		/* a buffer of free space: the device is idle, a good time to flush what came before */
		if (f->res->written == before && f->unsynced >= SYNC_IDLE)
			sync_request(f);
		if (f->res->written)
			f->state = ST_PARTIAL;
		uint64_t done = s->off + s->len;
		pthread_mutex_lock(&f->mu);
		f->tail++;
		f->count--;
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
		report(f, done, f->res->image_size, false);
		if (cancelled(f)) {
			rc = fail(f, "cancelled");
			break;
		}
	}
	stop_producer(f, th);
	if (rc == 0 && f->res->image_size == 0)
		f->res->image_size = f->produced;
	return rc;
}

/* ---- devices: what the filesystems need but the zero-skipping stream did not write ---- */

/* The image as it now stands: held first MiB, written extents from the target, zeros elsewhere. */
static int virt_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct flash *f = ctx;
	memset(buf, 0, len);
	if (off + len > f->produced)
		return -1;
	if (off < f->first_len) {
		size_t n = f->first_len - off < len ? f->first_len - off : len;
		memcpy(buf, f->first + off, n);
	}
	size_t lo = 0, hi = f->n_ext;
	while (lo < hi) { /* first extent ending after off */
		size_t mid = (lo + hi) / 2;
		if (f->ext[mid].off + f->ext[mid].len <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < f->n_ext && f->ext[i].off < off + len; i++) {
		uint64_t a = f->ext[i].off > off ? f->ext[i].off : off;
		uint64_t b = f->ext[i].off + f->ext[i].len;
		if (b > off + len)
			b = off + len;
		if (pread(f->fd, (char *)buf + (a - off), b - a, (off_t)a) != (ssize_t)(b - a))
			return -1;
	}
	return 0;
}

/* needed − (written extents ∪ first MiB), widened to 4 KiB blocks (a block is either written
 * whole or all zero in the image, so widening only rewrites zeros) and clipped to the image. */
static void missing_ranges(struct flash *f, struct range_list *need, struct range_list *out)
{
	size_t j = 0;
	for (size_t i = 0; i < need->n; i++) {
		uint64_t a = need->r[i].off, b = a + need->r[i].len;
		a = a < HEAD ? HEAD : a & ~(uint64_t)(BLK - 1);
		b = (b + BLK - 1) & ~(uint64_t)(BLK - 1);
		if (b > f->produced)
			b = f->produced;
		while (j < f->n_ext && f->ext[j].off + f->ext[j].len <= a)
			j++;
		for (size_t k = j; a < b && k < f->n_ext && f->ext[k].off < b; k++) {
			if (f->ext[k].off > a)
				range_list_add(out, a, f->ext[k].off - a);
			a = f->ext[k].off + f->ext[k].len;
		}
		if (a < b)
			range_list_add(out, a, b - a);
	}
	range_list_normalise(out);
}

static int fill(struct flash *f)
{
	set_phase(f, FLASH_MAP);
	report(f, 0, 0, true);
	set_direct(f, false);
	struct range_list need = {0}, miss = {0};
	int rc = fsmap_needed(virt_read, f, f->produced, &need, f->res->map_note, sizeof(f->res->map_note));
	set_direct(f, f->direct);
	if (rc < 0) {
		range_list_done(&need);
		return fail(f, "reading back the written partition table and filesystems failed");
	}
	range_list_normalise(&need);
	f->res->mapped = range_list_bytes(&need);
	missing_ranges(f, &need, &miss);
	range_list_done(&need);
	set_phase(f, FLASH_FILL);
	uint64_t total = range_list_bytes(&miss), done = 0;
	for (size_t i = 0; i < miss.n && rc == 0; i++) {
		for (uint64_t o = 0; o < miss.r[i].len && rc == 0; o += BUF_SZ) {
			uint64_t n = miss.r[i].len - o < BUF_SZ ? miss.r[i].len - o : BUF_SZ;
			rc = zero_extent(f, miss.r[i].off + o, n);
			done += n;
			report(f, done, total, false);
			if (rc == 0 && cancelled(f))
				rc = fail(f, "cancelled");
		}
	}
	range_list_done(&miss);
	return rc;
}

/* ---- verification ---- */
static int ext_cmp(const void *a, const void *b)
{
	const struct extent *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* The read-back runs in VERIFY_THREADS readers (the caller's thread is one of them, so progress
 * and cancellation stay on it): two reads in flight keep a disk busy while the other range is
 * hashed. Each takes the next written range, reads it into its own buffer and marks it good or
 * bad; ranges that O_DIRECT cannot read (unaligned) are left to the caller afterwards. */
#define VERIFY_THREADS 2
enum { V_TODO, V_OK, V_BAD, V_UNALIGNED };

struct vreader {
	struct flash *f;
	uint8_t *buf;
	bool main; /* the caller's thread: reports progress, watches for cancellation */
};

static void verify_error(struct flash *f, uint64_t off, int err)
{
	pthread_mutex_lock(&f->mu);
	if (!f->v_err || off < f->v_err_off) {
		f->v_err = err ? err : -1;
		f->v_err_off = off;
	}
	pthread_mutex_unlock(&f->mu);
	atomic_store(&f->v_stop, true);
}

static bool verify_one(struct flash *f, size_t i, uint8_t *buf)
{
	const struct extent *e = &f->ext[i];
	ssize_t n = pread(f->fd, buf, e->len, (off_t)e->off);
	if (n != (ssize_t)e->len) {
		verify_error(f, e->off, n < 0 ? errno : 0);
		return false;
	}
	bool ok = XXH3_64bits(buf, e->len) == e->digest;
	f->v_state[i] = ok ? V_OK : V_BAD;
	if (ok)
		atomic_fetch_add(&f->v_done, e->len);
	return true;
}

static void *vreader_run(void *arg)
{
	struct vreader *r = arg;
	struct flash *f = r->f;
	while (!atomic_load(&f->v_stop)) {
		size_t i = atomic_fetch_add(&f->v_next, 1);
		if (i >= f->n_ext)
			break;
		if (f->direct && !aligned(f->ext[i].off, f->ext[i].len))
			f->v_state[i] = V_UNALIGNED;
		else if (!verify_one(f, i, r->buf))
			break;
		if (r->main) {
			f->res->verified = atomic_load(&f->v_done);
			report(f, f->res->verified, f->v_total, false);
			if (cancelled(f))
				atomic_store(&f->v_stop, true);
		}
	}
	return NULL;
}

/* What O_DIRECT could not read: through the page cache, dropped first so the device is read. */
static void verify_unaligned(struct flash *f)
{
	for (size_t i = 0; i < f->n_ext && !atomic_load(&f->v_stop); i++) {
		if (f->v_state[i] != V_UNALIGNED)
			continue;
		set_direct(f, false);
		posix_fadvise(f->fd, (off_t)f->ext[i].off, (off_t)f->ext[i].len, POSIX_FADV_DONTNEED);
		verify_one(f, i, f->slots[0].buf);
		set_direct(f, true);
	}
	f->res->verified = atomic_load(&f->v_done);
}

static int verify(struct flash *f)
{
	set_phase(f, FLASH_VERIFY);
	qsort(f->ext, f->n_ext, sizeof(*f->ext), ext_cmp);
	f->v_total = 0;
	for (size_t i = 0; i < f->n_ext; i++)
		f->v_total += f->ext[i].len;
	f->v_state = xcalloc(f->n_ext ? f->n_ext : 1, 1);
	posix_fadvise(f->fd, 0, 0, POSIX_FADV_DONTNEED);
	struct vreader rd[VERIFY_THREADS];
	pthread_t th[VERIFY_THREADS];
	int started = 0;
	for (int k = 0; k < VERIFY_THREADS; k++)
		rd[k] = (struct vreader){f, f->slots[k].buf, k == 0};
	for (int k = 1; k < VERIFY_THREADS; k++)
		if (pthread_create(&th[k], NULL, vreader_run, &rd[k]) == 0)
			started = k;
	vreader_run(&rd[0]);
	for (int k = 1; k <= started; k++)
		pthread_join(th[k], NULL);
	verify_unaligned(f);
	report(f, f->res->verified, f->v_total, true);
	if (f->v_err || cancelled(f))
		f->state = ST_WRITTEN;
	if (f->v_err)
		return fail(f, "reading back %s at byte %llu: %s", f->o->target,
			    (unsigned long long)f->v_err_off,
			    f->v_err > 0 ? write_errno_text(f->v_err) : "short read");
	if (cancelled(f))
		return fail(f, "verification cancelled");
	size_t bad_ranges = 0;
	uint64_t first_bad = 0;
	for (size_t i = 0; i < f->n_ext; i++)
		if (f->v_state[i] == V_BAD && !bad_ranges++)
			first_bad = f->ext[i].off;
	if (bad_ranges) {
		f->state = ST_WRITTEN;
		return fail(f, "verification failed: %zu of %zu written ranges read back differently, the "
			       "first at byte %llu (%llu MiB in); the target cannot be trusted (a failing "
			       "or counterfeit card, or a flaky reader: try another)",
			    bad_ranges, f->n_ext, (unsigned long long)first_bad,
			    (unsigned long long)(first_bad >> 20));
	}
	return 0;
}

/* PNB_TEST_FLIP_BYTE: the test suite's way to corrupt the target between write and verify. */
static void test_flip_byte(struct flash *f)
{
	const char *v = getenv("PNB_TEST_FLIP_BYTE");
	if (!v || !*v)
		return;
	int fd = open(f->o->target, O_RDWR | O_CLOEXEC);
	uint8_t b;
	off_t off = (off_t)strtoull(v, NULL, 0);
	if (fd >= 0 && pread(fd, &b, 1, off) == 1) {
		b ^= 0xff;
		if (pwrite(fd, &b, 1, off) == 1)
			fsync(fd);
	}
	if (fd >= 0)
		close(fd);
}

/* ---- opening the target ---- */
static int open_target(struct flash *f)
{
	const char *t = f->o->target;
	struct stat st;
	if (stat(t, &st) < 0) {
		if (errno != ENOENT || str_startswith(t, "/dev/"))
			return fail(f, "%s: %s", t, errno == ENOENT ? "no such device (is the card in?)" : strerror(errno));
		memset(&st, 0, sizeof(st));
		st.st_mode = S_IFREG;
	}
	if (S_ISBLK(st.st_mode)) {
		f->res->device = true;
		f->fd = open(t, O_RDWR | O_EXCL | O_CLOEXEC);
		if (f->fd < 0 && errno == EBUSY)
			return fail(f, "%s is in use: a partition on it is mounted, or another program "
				       "holds it open exclusively (unmount it first)", t);
		if (f->fd < 0 && (errno == EROFS || errno == EACCES))
			return fail(f, "%s cannot be opened for writing (%s; write-protect switch?)", t,
				    strerror(errno));
		if (f->fd < 0)
			return fail(f, "cannot open %s: %s", t, strerror(errno));
		int ro = 0;
		if (ioctl(f->fd, BLKROGET, &ro) == 0 && ro)
			return fail(f, "%s is read-only (write-protect switch on the card or adapter?)", t);
		if (ioctl(f->fd, BLKGETSIZE64, &f->tsize) < 0)
			return fail(f, "cannot read the size of %s: %s", t, strerror(errno));
		f->res->target_size = f->tsize;
		if (f->res->image_size > f->tsize)
			return fail(f, "the image (%llu bytes) is larger than %s (%llu bytes)",
				    (unsigned long long)f->res->image_size, t, (unsigned long long)f->tsize);
		return 0;
	}
	if (!S_ISREG(st.st_mode))
		return fail(f, "%s is neither a block device nor a regular file", t);
	struct stat ist;
	if (stat(f->o->image, &ist) == 0 && ist.st_dev == st.st_dev && ist.st_ino == st.st_ino)
		return fail(f, "%s is the image itself", t);
	f->fd = open(t, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (f->fd < 0)
		return fail(f, "cannot create %s: %s", t, strerror(errno));
	f->state = ST_PARTIAL;
	if (f->res->image_size && ftruncate(f->fd, (off_t)f->res->image_size) < 0)
		return fail(f, "cannot size %s: %s", t, write_errno_text(errno));
	return 0;
}

/* The held first MiB (where the partition table lives); zeros past it, -1 past the image. */
static int head_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct flash *f = ctx;
	if (off + len > f->produced)
		return -1;
	memset(buf, 0, len);
	if (off < f->first_len)
		memcpy(buf, f->first + off, f->first_len - off < len ? f->first_len - off : len);
	return 0;
}

/* An image whose partition table names a partition ending past the image's own end was cut
 * short (an incomplete download, head -c): the filesystems on it are not whole, so it is an
 * error, not "verified" (L6). The table is then never written. */
static int cut_short(struct flash *f)
{
	struct part_table pt;
	if (part_table_read(head_read, f, f->produced, 512, &pt) < 0)
		return 0; /* no table in the first MiB: nothing to judge by */
	for (int i = 0; i < pt.n; i++)
		if (pt.parts[i].past_end) {
			f->state = ST_NO_TABLE;
			return fail(f, "the image is cut short: partition %d ends at %llu MiB but the "
				       "image holds %llu MiB (an incomplete download?)",
				    pt.parts[i].number,
				    (unsigned long long)((pt.parts[i].start + pt.parts[i].size) >> 20),
				    (unsigned long long)(f->produced >> 20));
		}
	return 0;
}

static int finish(struct flash *f)
{
	if (f->want_sha) {
		f->res->sha256_checked = true;
		if (strcmp(f->want_sha, f->res->sha256) != 0) {
			f->state = ST_NO_TABLE;
			return fail(f, "the image's SHA-256 is %s, expected %s%s (a damaged download or "
				       "the wrong file)", f->res->sha256, f->want_sha,
				    f->res->sha256_sidecar ? " by its .sha256 file" : "");
		}
	}
	if (cut_short(f) < 0)
		return -1;
	if (!f->res->device && ftruncate(f->fd, (off_t)f->produced) < 0)
		return fail(f, "cannot size %s: %s", f->o->target, write_errno_text(errno));
	if (write_extent(f, f->first, f->first_len, 0) < 0)
		return -1;
	set_phase(f, FLASH_SYNC);
	report(f, 0, 0, true);
	int e = syncer_stop(f);
	if (e || fsync(f->fd) < 0)
		return fail(f, "flushing %s: %s", f->o->target, write_errno_text(e ? e : errno));
	f->state = ST_WRITTEN;
	return 0;
}

static void flash_init(struct flash *f, const struct flash_opts *o, struct flash_result *r)
{
	memset(f, 0, sizeof(*f));
	memset(r, 0, sizeof(*r));
	f->o = o;
	f->res = r;
	f->fd = -1;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	pthread_cond_init(&f->scv, NULL);
	for (int i = 0; i < NBUF; i++)
		if (posix_memalign((void **)&f->slots[i].buf, BLK, BUF_SZ) != 0)
			abort();
	if (posix_memalign((void **)&f->first, BLK, HEAD) != 0 ||
	    posix_memalign((void **)&f->zero, BLK, BUF_SZ) != 0)
		abort();
	memset(f->first, 0, HEAD);
	memset(f->zero, 0, BUF_SZ);
	clock_gettime(CLOCK_MONOTONIC, &f->t0);
}

static void flash_done(struct flash *f)
{
	syncer_stop(f);
	if (f->fd >= 0)
		close(f->fd);
	image_free(f->im);
	for (int i = 0; i < NBUF; i++)
		free(f->slots[i].buf);
	free(f->first);
	free(f->zero);
	free(f->ext);
	free(f->v_state);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
	pthread_cond_destroy(&f->scv);
}

static int flash_steps(struct flash *f)
{
	char err[300];
	f->im = image_open(f->o->image, err, sizeof(err));
	if (!f->im)
		return fail(f, "%s", err);
	f->res->image_size = image_size(f->im);
	f->src_size = image_source_size(f->im);
	f->res->threads = image_threads(f->im);
	snprintf(f->res->format, sizeof(f->res->format), "%s", image_format_names[image_format(f->im)]);
	if (open_target(f) < 0)
		return -1;
	f->direct = true;
	set_direct(f, true);
	f->direct = (fcntl(f->fd, F_GETFL) & O_DIRECT) != 0;
	f->res->direct = f->direct;
	if (f->res->device) {
		/* no valid partition table until the very end */
		if (pwrite_all(f, f->zero, f->tsize < HEAD ? f->tsize : HEAD, 0) < 0)
			return -1;
		f->state = ST_PARTIAL;
		syncer_start(f);
	}
	if (stream(f) < 0)
		return -1;
	if (f->res->device && fill(f) < 0)
		return -1;
	if (finish(f) < 0)
		return -1;
	test_flip_byte(f);
	struct timespec tv;
	clock_gettime(CLOCK_MONOTONIC, &tv);
	int rc = f->o->verify ? verify(f) : 0;
	f->res->verify_seconds = since(&tv);
	if (rc == 0 && f->res->device)
		ioctl(f->fd, BLKRRPART); /* let the kernel see the new partitions (may be refused) */
	return rc;
}

int flash_run(const struct flash_opts *o, struct flash_result *r)
{
	struct flash f;
	flash_init(&f, o, r);
	f.want_sha = o->sha256;
	if (!f.want_sha && image_sidecar_sha256(o->image, f.want_buf)) {
		f.want_sha = f.want_buf;
		r->sha256_sidecar = true;
	}
	int rc = flash_steps(&f);
	r->seconds = since(&f.t0);
	if (rc == 0) {
		set_phase(&f, FLASH_DONE);
		report(&f, r->written, r->written, true);
	}
	flash_done(&f);
	return rc;
}
