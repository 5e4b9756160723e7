/* initramfs — the segments of an initramfs image read with libarchive, and what their file
 * names say about the network roots it can reach. */
#include "core/server/initramfs.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/fsutil.h"
#include "core/base/util.h"

#define MAX_IMAGE (512u << 20)    /* a real initramfs is tens of MiB */
#define MAX_UNPACKED (1024u << 20) /* what one compressed segment may grow to */

struct scan {
	struct initramfs_info *in;
	bool it_nfs_script, nfsmount, dracut_nfs, it_functions;
};

static bool name_is(const char *n, const char *const *names)
{
	for (; *names; names++)
		if (!strcmp(n, *names))
			return true;
	return false;
}

static bool modules_txt_has(const char *text, const char *module)
{
	size_t m = strlen(module);
	for (const char *p = text; *p;) {
		size_t l = strcspn(p, "\r\n");
		if (l == m && !strncmp(p, module, m))
			return true;
		p += l;
		p += strspn(p, "\r\n");
	}
	return false;
}

/* One entry's name (and, for dracut's module list, its text). */
static void note_entry(struct scan *sc, struct archive *a, struct archive_entry *e)
{
	static const char *const iscsistart[] = {"sbin/iscsistart", "usr/sbin/iscsistart",
						 "bin/iscsistart", "usr/bin/iscsistart", NULL};
	static const char *const iscsiroot[] = {"sbin/iscsiroot", "usr/sbin/iscsiroot", NULL};
	static const char *const nfsroot[] = {"sbin/nfsroot", "usr/sbin/nfsroot", NULL};
	static const char *const nfsmount[] = {"bin/nfsmount", "usr/bin/nfsmount",
					       "usr/lib/klibc/bin/nfsmount", NULL};
	static const char *const initiator[] = {"etc/initiatorname.iscsi",
						"etc/iscsi/initiatorname.iscsi", NULL};
	static const char *const marker[] = {"etc/iscsi.initramfs", "etc/iscsi/iscsi.initramfs",
					     NULL};
	const char *n = archive_entry_pathname(e);
	if (!n)
		return;
	while (n[0] == '.' && n[1] == '/')
		n += 2;
	while (*n == '/')
		n++;
	struct initramfs_info *in = sc->in;
	in->files++;
	if (name_is(n, iscsistart))
		in->iscsistart = true;
	else if (!strcmp(n, "scripts/local-top/iscsi"))
		in->iscsi_script = true;
	else if (name_is(n, marker))
		in->iscsi_marker = true;
	else if (name_is(n, initiator))
		in->initiatorname = true;
	else if (name_is(n, iscsiroot))
		in->dracut_iscsi = true;
	else if (name_is(n, nfsroot))
		sc->dracut_nfs = true;
	else if (name_is(n, nfsmount))
		sc->nfsmount = true;
	else if (!strcmp(n, "scripts/nfs"))
		sc->it_nfs_script = true;
	else if (!strcmp(n, "scripts/functions") || !strcmp(n, "conf/initramfs.conf"))
		sc->it_functions = true;
	if (!strncmp(n, "usr/lib/dracut/", 15) && strcmp(in->generator, "initramfs-tools"))
		in->generator = "dracut";
	if (!strncmp(n, "lib/modules/", 12) || !strncmp(n, "usr/lib/modules/", 16)) {
		const char *base = strrchr(n, '/') + 1;
		if (strstr(base, ".ko")) {
			in->has_modules = true;
			if (!strncmp(base, "iscsi_tcp.ko", 12))
				in->iscsi_tcp_module = true;
		}
	}
	if (!strcmp(n, "usr/lib/dracut/modules.txt") && archive_entry_size(e) < 65536) {
		char buf[65536];
		la_ssize_t got = archive_read_data(a, buf, sizeof(buf) - 1);
		buf[got > 0 ? got : 0] = '\0';
		if (modules_txt_has(buf, "iscsi"))
			in->dracut_iscsi = true;
		if (modules_txt_has(buf, "nfs"))
			sc->dracut_nfs = true;
	}
}

static void add_compression(struct initramfs_info *in, const char *name)
{
	size_t n = strlen(in->compression);
	snprintf(in->compression + n, sizeof(in->compression) - n, "%s%s", n ? "+" : "", name);
}

/* The end of the uncompressed newc archive at p (after its TRAILER!!! entry and the padding
 * to 4 bytes), or 0 when p[0..len) is not a complete one. */
static size_t newc_end(const unsigned char *p, size_t len)
{
	size_t off = 0;
	for (;;) {
		if (len - off < 110 || memcmp(p + off, "07070", 5) != 0 ||
		    (p[off + 5] != '1' && p[off + 5] != '2'))
			return 0;
		char hex[9] = {0};
		memcpy(hex, p + off + 54, 8);
		unsigned long fsize = strtoul(hex, NULL, 16);
		memcpy(hex, p + off + 94, 8);
		unsigned long nsize = strtoul(hex, NULL, 16);
		if (nsize > 4096 || fsize > len)
			return 0;
		size_t name_end = (off + 110 + nsize + 3) & ~(size_t)3;
		size_t data_end = (name_end + fsize + 3) & ~(size_t)3;
		if (off + 110 + nsize > len || data_end > len + 3)
			return 0;
		bool trailer = nsize == 11 && !memcmp(p + off + 110, "TRAILER!!!", 10);
		off = data_end > len ? len : data_end;
		if (trailer)
			return off;
	}
}

static int scan_cpio(struct scan *sc, const void *p, size_t len)
{
	struct archive *a = archive_read_new();
	archive_read_support_format_cpio(a);
	int rc = -1;
	if (archive_read_open_memory(a, p, len) == ARCHIVE_OK) {
		struct archive_entry *e;
		int r;
		while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
		       r == ARCHIVE_WARN)
			note_entry(sc, a, e);
		rc = r == ARCHIVE_EOF ? 0 : -1;
	}
	archive_read_free(a);
	return rc;
}

/* A compressed segment from p to the end of the image, unpacked with libarchive's filters
 * (format raw). Heap buffer in *out (caller frees), its name in name. */
static int unpack(const void *p, size_t len, unsigned char **out, size_t *out_len, char *name,
		  size_t namelen)
{
	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	struct archive_entry *e;
	int rc = -1;
	*out = NULL;
	*out_len = 0;
	if (archive_read_open_memory(a, p, len) == ARCHIVE_OK &&
	    archive_read_next_header(a, &e) == ARCHIVE_OK &&
	    archive_filter_code(a, 0) != ARCHIVE_FILTER_NONE) {
		snprintf(name, namelen, "%s", archive_filter_name(a, 0));
		size_t cap = 1 << 20, n = 0;
		unsigned char *buf = xmalloc(cap);
		la_ssize_t got;
		while ((got = archive_read_data(a, buf + n, cap - n)) > 0) {
			n += (size_t)got;
			if (n == cap) {
				if (cap >= MAX_UNPACKED)
					break;
				cap *= 2;
				buf = xrealloc(buf, cap);
			}
		}
		/* a truncated stream still shows the names it got to */
		if (n > 0) {
			*out = buf;
			*out_len = n;
			rc = 0;
		} else {
			free(buf);
		}
	}
	archive_read_free(a);
	return rc;
}

static int scan_image(struct scan *sc, const unsigned char *d, size_t len, int depth)
{
	size_t off = 0;
	while (off < len) {
		while (off < len && d[off] == 0)
			off++; /* the kernel skips zero padding between segments */
		if (off >= len)
			break;
		size_t end = newc_end(d + off, len - off);
		if (end > 0) {
			if (scan_cpio(sc, d + off, end) < 0)
				return -1;
			sc->in->segments++;
			if (depth == 0)
				add_compression(sc->in, "none");
			off += end;
			continue;
		}
		unsigned char *raw;
		size_t raw_len;
		char name[32];
		if (depth > 0 || unpack(d + off, len - off, &raw, &raw_len, name, sizeof(name)) < 0)
			return sc->in->segments > 0 ? 0 : -1; /* trailing bytes that are no segment */
		add_compression(sc->in, name);
		int rc = scan_image(sc, raw, raw_len, depth + 1);
		free(raw);
		return rc; /* a compressed segment runs to the end of what libarchive can tell */
	}
	return 0;
}

int initramfs_inspect(const void *data, size_t len, struct initramfs_info *out, char *err,
		      size_t errlen)
{
	memset(out, 0, sizeof(*out));
	out->generator = "unknown";
	struct scan sc = {.in = out};
	/* a later segment that cannot be read leaves what the earlier ones showed */
	scan_image(&sc, data, len, 0);
	if (out->segments == 0) {
		snprintf(err, errlen, "not an initramfs: no cpio archive in it, plain or compressed");
		return -1;
	}
	if (sc.it_functions)
		out->generator = "initramfs-tools";
	out->iscsi = out->iscsistart && (out->iscsi_script || out->dracut_iscsi);
	out->nfs = (sc.it_nfs_script && sc.nfsmount) || sc.dracut_nfs;
	return 0;
}

int initramfs_inspect_file(const char *path, struct initramfs_info *out, char *err, size_t errlen)
{
	size_t len;
	char *data = fs_read_file_max(path, MAX_IMAGE, &len);
	if (!data) {
		memset(out, 0, sizeof(*out));
		out->generator = "unknown";
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	int rc = initramfs_inspect(data, len, out, err, errlen);
	free(data);
	return rc;
}

char *initramfs_iscsi_gap(const struct initramfs_info *in)
{
	if (in->iscsi)
		return NULL;
	if (!strcmp(in->generator, "dracut"))
		return xstrdup("it is a dracut image without the iscsi module (no iscsiroot or "
			       "iscsistart in it)");
	if (in->iscsi_script && !in->iscsistart)
		return xstrdup("it has scripts/local-top/iscsi but no iscsistart: open-iscsi's "
			       "hook copied nothing (the /etc/iscsi/iscsi.initramfs marker was "
			       "missing when it was built)");
	if (in->iscsistart && !in->iscsi_script)
		return xstrdup("it has iscsistart but no scripts/local-top/iscsi to run it");
	return xstrdup("it has neither iscsistart nor an iSCSI boot script: it was built "
		       "without open-iscsi");
}

const char *initramfs_iscsi_fix(const struct initramfs_info *in)
{
	if (!strcmp(in->generator, "dracut"))
		return "on the Pi: install dracut-network and open-iscsi, dracut --add iscsi "
		       "--force, and copy the image to the Pi's TFTP directory under the name "
		       "config.txt loads";
	return "on the Pi: apt install open-iscsi, touch /etc/iscsi/iscsi.initramfs, "
	       "update-initramfs -u, and copy the image to the Pi's TFTP directory under the "
	       "name config.txt loads";
}
