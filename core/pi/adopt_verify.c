/* adopt_verify — room for the root's copy before it starts, and the copy compared with the
 * Pi's manifest after it. */
#include "core/pi/adopt_verify.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/base/util.h"

#define MIB (1024ull * 1024)
/* how many differences are named in the report (all are counted) */
#define NAMED 8

uint64_t adopt_space_one(uint64_t used)
{
	uint64_t margin = used / 10 > 256 * MIB ? used / 10 : 256 * MIB;
	return used + margin;
}

void adopt_space_format(uint64_t bytes, char out[24])
{
	if (bytes >= 1024 * MIB)
		snprintf(out, 24, "%.1f GiB", (double)bytes / (double)(1024 * MIB));
	else
		snprintf(out, 24, "%llu MiB", (unsigned long long)(bytes / MIB));
}

char *adopt_space_check(uint64_t used, const struct adopt_place *pl, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		/* a file system is counted once, at its first place, with every place on it */
		bool first = true;
		for (size_t k = 0; k < i; k++)
			first &= pl[k].dev != pl[i].dev;
		if (!first)
			continue;
		unsigned copies = 0;
		for (size_t k = i; k < n; k++)
			if (pl[k].dev == pl[i].dev)
				copies += pl[k].copies;
		uint64_t need = adopt_space_one(used) * copies;
		if (pl[i].avail >= need)
			continue;
		char fr[24], nd[24], us[24];
		adopt_space_format(pl[i].avail, fr);
		adopt_space_format(need, nd);
		adopt_space_format(used, us);
		return xasprintf("%s file system (%s) has %s free; the copy needs %s there (the Pi's "
				 "root uses %s; %u cop%s at once, with a margin): make room or put it "
				 "elsewhere",
				 pl[i].what, pl[i].path, fr, nd, us, copies, copies == 1 ? "y" : "ies");
	}
	return NULL;
}

/* ---- the manifest ---- */

struct hash_ent {
	const char *path;
	const char *hex; /* 64 hex digits, not terminated */
};

static int hash_cmp(const void *x, const void *y)
{
	return strcmp(((const struct hash_ent *)x)->path, ((const struct hash_ent *)y)->path);
}

/* A path from the Pi: "./a/b" with no empty, "." or ".." component. Returns the part after
 * "./", or NULL. */
static const char *rel_path(const char *p)
{
	if (strncmp(p, "./", 2) != 0 || !p[2])
		return NULL;
	const char *r = p + 2;
	for (const char *c = r; *c;) {
		size_t n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return NULL;
		c += n;
		if (*c == '/')
			c++;
		if (!*c && c[-1] == '/')
			return NULL;
	}
	return r;
}

/* rel opened beneath dirfd, no link followed on the way (a link at the end is the link itself
 * with O_PATH). */
static int open_beneath(int dirfd, const char *rel, int flags)
{
	struct open_how how;
	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC);
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	return (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
}

static bool sha256_fd(int fd, char hex[65], uint64_t *bytes)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (!c)
		return false;
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	static __thread char buf[1 << 16];
	ssize_t r;
	bool ok = true;
	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			ok = false;
			break;
		}
		EVP_DigestUpdate(c, buf, (size_t)r);
		*bytes += (uint64_t)r;
	}
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	EVP_DigestFinal_ex(c, md, &len);
	EVP_MD_CTX_free(c);
	for (unsigned i = 0; i < len && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return ok;
}

struct entry {
	char type;
	unsigned mode;
	unsigned long uid, gid;
	unsigned long long size;
	double ctime;
	const char *path, *target;
};

static bool parse_entry(const char *meta, const char *target, struct entry *e)
{
	int n = 0;
	if (sscanf(meta, "%c %o %lu %lu %llu %lf %n", &e->type, &e->mode, &e->uid, &e->gid, &e->size,
		   &e->ctime, &n) != 6 || n <= 0)
		return false;
	e->path = meta + n;
	e->target = target;
	return true;
}

/* Why entry e differs from what is under root (NULL: it does not). Static text or "". */
static const char *compare(int rootfd, const struct entry *e, const struct hash_ent *h, size_t nh,
			   struct adopt_verify *v)
{
	const char *rel = rel_path(e->path);
	if (!rel)
		return "not a path beneath the root";
	int fd = open_beneath(rootfd, rel, O_PATH);
	if (fd < 0)
		return errno == ENOENT ? "missing in the copy" : errno == ELOOP || errno == EXDEV
									 ? "reached through a link in the copy"
									 : "cannot be opened in the copy";
	struct stat st;
	const char *why = NULL;
	if (fstat(fd, &st) < 0)
		why = "cannot be read in the copy";
	else if ((e->type == 'f' && !S_ISREG(st.st_mode)) || (e->type == 'd' && !S_ISDIR(st.st_mode)) ||
		 (e->type == 'l' && !S_ISLNK(st.st_mode)))
		why = "another type of file in the copy";
	else if (e->type != 'l' && ((st.st_mode & 07777) != e->mode || st.st_uid != e->uid ||
				    st.st_gid != e->gid))
		why = "another mode or owner in the copy";
	else if (e->type == 'l') {
		char t[4096];
		ssize_t n = readlinkat(fd, "", t, sizeof(t) - 1);
		if (n < 0 || (t[n] = '\0', strcmp(t, e->target) != 0))
			why = "the link points elsewhere in the copy";
		v->links++;
	} else if (e->type == 'd')
		v->dirs++;
	else if ((unsigned long long)st.st_size != e->size)
		why = "another size in the copy";
	else {
		struct hash_ent key = {e->path, NULL};
		const struct hash_ent *he = bsearch(&key, h, nh, sizeof(*h), hash_cmp);
		int rfd = open_beneath(rootfd, rel, O_RDONLY | O_NONBLOCK);
		char hex[65] = "";
		if (!he)
			why = "the Pi gave no SHA-256 of it";
		else if (rfd < 0 || !sha256_fd(rfd, hex, &v->bytes))
			why = "cannot be read in the copy";
		else if (strncmp(hex, he->hex, 64) != 0)
			why = "other content in the copy (SHA-256)";
		if (rfd >= 0)
			close(rfd);
		v->files++;
	}
	close(fd);
	return why;
}

static void note(char **text, size_t count, const char *path, const char *why)
{
	if (count > NAMED)
		return;
	struct sbuf b;
	sbuf_init(&b);
	if (*text)
		sbuf_add(&b, *text);
	if (count == NAMED)
		sbuf_add(&b, "…\n");
	else {
		/* a Pi's file name may hold anything: shown with its control bytes escaped */
		for (const char *p = path; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				sbuf_printf(&b, "\\x%02x", (unsigned char)*p);
			else
				sbuf_addc(&b, *p);
		sbuf_printf(&b, ": %s\n", why);
	}
	free(*text);
	*text = sbuf_take(&b);
	sbuf_done(&b);
}

int adopt_verify_tree(const char *manifest, size_t len, const char *root, struct adopt_verify *v,
		      char *err, size_t errlen)
{
	memset(v, 0, sizeof(*v));
	const char *end = manifest + len, *nl = memchr(manifest, '\n', len);
	char *stop = NULL;
	double start = nl ? strtod(manifest, &stop) : 0;
	if (!nl || stop != nl || start <= 0) {
		snprintf(err, errlen, "the manifest from the Pi has no start time");
		return -1;
	}
	/* the hashes first: the section after the marker, sorted for lookups */
	static const char mark[] = "@@pnb sha256";
	const char *sec = NULL;
	for (const char *p = nl + 1; p < end;) {
		const char *z = memchr(p, '\0', (size_t)(end - p));
		if (!z)
			break;
		if (!strcmp(p, mark)) {
			sec = z + 1;
			break;
		}
		p = z + 1;
	}
	if (!sec) {
		snprintf(err, errlen, "the manifest from the Pi is cut short (no hashes)");
		return -1;
	}
	size_t nh = 0, cap = 0;
	struct hash_ent *h = NULL;
	for (const char *p = sec; p < end;) {
		const char *z = memchr(p, '\0', (size_t)(end - p));
		if (!z)
			break;
		/* "HEX  PATH" or "HEX *PATH" */
		if (z - p > 66 && p[64] == ' ' && (p[65] == ' ' || p[65] == '*')) {
			if (nh == cap)
				h = xrealloc(h, (cap = cap ? cap * 2 : 1024) * sizeof(*h));
			h[nh++] = (struct hash_ent){p + 66, p};
		}
		p = z + 1;
	}
	qsort(h, nh, sizeof(*h), hash_cmp);
	int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		snprintf(err, errlen, "%s: %s", root, strerror(errno));
		free(h);
		return -1;
	}
	int rc = 0;
	for (const char *p = nl + 1; p < end;) {
		const char *z = memchr(p, '\0', (size_t)(end - p));
		if (!z || !strcmp(p, mark))
			break;
		const char *t = z + 1, *tz = t < end ? memchr(t, '\0', (size_t)(end - t)) : NULL;
		if (!tz) {
			snprintf(err, errlen, "the manifest from the Pi is cut short");
			rc = -1;
			break;
		}
		struct entry e;
		if (!parse_entry(p, t, &e)) {
			snprintf(err, errlen, "the manifest from the Pi has a line that is not an entry");
			rc = -1;
			break;
		}
		p = tz + 1;
		if (!strcmp(e.path, ".") || !strchr("fdl", e.type))
			continue; /* the top is the copy's own directory; other types are not compared */
		const char *why = compare(rootfd, &e, h, nh, v);
		if (!why)
			continue;
		if (e.ctime >= start)
			note(&v->live_text, v->live++, e.path, "changed on the Pi while it was copied");
		else
			note(&v->bad_text, v->bad++, e.path, why);
	}
	close(rootfd);
	free(h);
	if (rc < 0)
		adopt_verify_done(v);
	return rc;
}

void adopt_verify_done(struct adopt_verify *v)
{
	free(v->bad_text);
	free(v->live_text);
	v->bad_text = v->live_text = NULL;
}

/* ---- the copy's own network configuration ---- */

/* ifupdown's text with every `iface eth0 inet METHOD` made manual and its option lines
 * commented out (the initramfs configured eth0, the root runs over it: ifupdown must not take
 * it down or configure it again). Heap string, or NULL when nothing changes. */
char *adopt_ifupdown_manual(const char *text)
{
	struct sbuf b;
	sbuf_init(&b);
	bool changed = false, in_eth0 = false;
	for (const char *l = text; *l;) {
		size_t n = strcspn(l, "\n");
		char *line = xstrndup(l, n);
		char w1[32] = "", w2[32] = "", w3[32] = "", w4[32] = "";
		int k = sscanf(line, "%31s %31s %31s %31s", w1, w2, w3, w4);
		bool stanza = k >= 1 && (!strcmp(w1, "iface") || !strcmp(w1, "auto") ||
					 !strncmp(w1, "allow-", 6) || !strcmp(w1, "mapping") ||
					 !strncmp(w1, "source", 6));
		if (stanza)
			in_eth0 = false;
		if (k == 4 && !strcmp(w1, "iface") && !strcmp(w2, "eth0") && !strcmp(w3, "inet") &&
		    strcmp(w4, "manual")) {
			sbuf_printf(&b, "# pinetboot adopt: was \"%s\"; eth0 carries the root\n"
					"iface eth0 inet manual",
				    line);
			in_eth0 = changed = true;
		} else if (in_eth0 && k >= 1 && w1[0] != '#')
			sbuf_printf(&b, "#pinetboot# %s", line);
		else
			sbuf_add(&b, line);
		free(line);
		l += n;
		if (*l == '\n') {
			sbuf_addc(&b, '\n');
			l++;
		}
	}
	if (!changed) {
		sbuf_done(&b);
		return NULL;
	}
	char *r = sbuf_take(&b);
	sbuf_done(&b);
	return r;
}
