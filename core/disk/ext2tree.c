/* ext2tree — walks the filesystem's directories with libext2fs and recreates each entry. */
#include "core/disk/ext2tree.h"

#include <errno.h>
#include <ext2fs/ext2fs.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/base/util.h"

struct hardlink {
	ext2_ino_t ino;
	char *path;
};

struct walk {
	ext2_filsys fs;
	struct ext2tree_stats *st;
	struct hardlink *links;
	size_t n_links, cap_links;
	char *err;
	size_t errlen;
	int depth;
};

static int fail(struct walk *w, const char *path, const char *what, long code)
{
	snprintf(w->err, w->errlen, "%s: %s: %s", path, what,
		 code > 0 && code < 4096 ? strerror((int)code) : error_message(code));
	return -1;
}

struct xattr_ctx {
	const char *path;
	int rc;
	struct walk *w;
};

static int copy_xattr(char *name, char *value, size_t len, void *data)
{
	struct xattr_ctx *x = data;
	if (lsetxattr(x->path, name, value, len, 0) != 0) {
		x->rc = fail(x->w, x->path, name, errno);
		return XATTR_ABORT;
	}
	return 0;
}

static int copy_xattrs(struct walk *w, ext2_ino_t ino, const char *path)
{
	struct ext2_xattr_handle *h;
	if (ext2fs_xattrs_open(w->fs, ino, &h) != 0)
		return 0;
	struct xattr_ctx x = {path, 0, w};
	errcode_t e = ext2fs_xattrs_read(h);
	if (e == 0)
		ext2fs_xattrs_iterate(h, copy_xattr, &x);
	else
		x.rc = fail(w, path, "read extended attributes", e);
	ext2fs_xattrs_close(&h);
	return x.rc;
}

/* Owner first (chown clears setuid bits and file capabilities), then the mode (not on links:
 * Linux has none), the extended attributes, and last the times. */
static int set_meta(struct walk *w, ext2_ino_t ino, const struct ext2_inode *in, const char *path)
{
	if (lchown(path, inode_uid(*in), inode_gid(*in)) != 0)
		return fail(w, path, "chown", errno);
	if (!LINUX_S_ISLNK(in->i_mode) && chmod(path, in->i_mode & 07777) != 0)
		return fail(w, path, "chmod", errno);
	if (copy_xattrs(w, ino, path) != 0)
		return -1;
	struct timespec ts[2] = {{.tv_sec = in->i_atime}, {.tv_sec = in->i_mtime}};
	if (utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW) != 0)
		return fail(w, path, "set times", errno);
	return 0;
}

static int copy_file(struct walk *w, ext2_ino_t ino, const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 0700);
	if (fd < 0)
		return fail(w, path, "create", errno);
	ext2_file_t f;
	errcode_t e = ext2fs_file_open(w->fs, ino, 0, &f);
	if (e) {
		close(fd);
		return fail(w, path, "open in the image", e);
	}
	char buf[65536];
	unsigned int got;
	int rc = 0;
	while ((e = ext2fs_file_read(f, buf, sizeof(buf), &got)) == 0 && got > 0) {
		for (unsigned int off = 0; off < got;) {
			ssize_t n = write(fd, buf + off, got - off);
			if (n < 0) {
				rc = fail(w, path, "write", errno);
				break;
			}
			off += (unsigned int)n;
		}
		if (rc)
			break;
		w->st->bytes += got;
	}
	if (e && !rc)
		rc = fail(w, path, "read from the image", e);
	ext2fs_file_close(f);
	if (close(fd) != 0 && !rc)
		rc = fail(w, path, "close", errno);
	return rc;
}

static int copy_symlink(struct walk *w, ext2_ino_t ino, struct ext2_inode *in, const char *path)
{
	size_t len = EXT2_I_SIZE(in);
	if (len == 0 || len > 4096)
		return fail(w, path, "symlink target length", EINVAL);
	char *target = xcalloc(1, len + 1);
	errcode_t e = 0;
	if (in->i_flags & EXT4_INLINE_DATA_FL) {
		size_t n = len;
		e = ext2fs_inline_data_get(w->fs, ino, in, target, &n);
	} else if (ext2fs_is_fast_symlink(in)) {
		memcpy(target, (char *)in->i_block, len);
	} else {
		ext2_file_t f;
		unsigned int got = 0;
		if ((e = ext2fs_file_open(w->fs, ino, 0, &f)) == 0) {
			e = ext2fs_file_read(f, target, (unsigned int)len, &got);
			ext2fs_file_close(f);
		}
	}
	int rc = e ? fail(w, path, "read the symlink", e)
		   : symlink(target, path) != 0 ? fail(w, path, "symlink", errno) : 0;
	free(target);
	return rc;
}

static int copy_dir(struct walk *w, ext2_ino_t dir, const char *path);

/* A hard link to an inode already copied becomes link(2) to that copy. */
static const char *linked(struct walk *w, ext2_ino_t ino)
{
	for (size_t i = 0; i < w->n_links; i++)
		if (w->links[i].ino == ino)
			return w->links[i].path;
	return NULL;
}

static void remember(struct walk *w, ext2_ino_t ino, const char *path)
{
	if (w->n_links == w->cap_links) {
		w->cap_links = w->cap_links ? 2 * w->cap_links : 64;
		w->links = xrealloc(w->links, w->cap_links * sizeof(*w->links));
	}
	w->links[w->n_links++] = (struct hardlink){ino, xstrdup(path)};
}

static int copy_entry(struct walk *w, ext2_ino_t ino, const char *path)
{
	struct ext2_inode_large big;
	struct ext2_inode *in = (struct ext2_inode *)&big;
	errcode_t e = ext2fs_read_inode_full(w->fs, ino, in, sizeof(big));
	if (e)
		return fail(w, path, "read inode", e);
	mode_t m = in->i_mode;
	int rc;
	if (!LINUX_S_ISDIR(m) && in->i_links_count > 1) {
		const char *first = linked(w, ino);
		if (first) {
			w->st->links++;
			return link(first, path) == 0 ? 0 : fail(w, path, "link", errno);
		}
		remember(w, ino, path);
	}
	if (LINUX_S_ISDIR(m)) {
		if (mkdir(path, 0700) != 0)
			return fail(w, path, "mkdir", errno);
		w->st->dirs++;
		rc = copy_dir(w, ino, path);
	} else if (LINUX_S_ISREG(m)) {
		w->st->files++;
		rc = copy_file(w, ino, path, m);
	} else if (LINUX_S_ISLNK(m)) {
		w->st->files++;
		rc = copy_symlink(w, ino, in, path);
	} else {
		/* devices keep their number in i_block: the old 16-bit form in [0], else [1] */
		dev_t dev = 0;
		if (LINUX_S_ISCHR(m) || LINUX_S_ISBLK(m)) {
			uint32_t old = in->i_block[0], nw = in->i_block[1];
			dev = old ? makedev((old >> 8) & 0xff, old & 0xff)
				  : makedev((nw & 0xfff00) >> 8, (nw & 0xff) | ((nw >> 12) & 0xfff00));
		}
		mode_t type = LINUX_S_ISCHR(m)	 ? S_IFCHR
			      : LINUX_S_ISBLK(m)	 ? S_IFBLK
			      : LINUX_S_ISFIFO(m) ? S_IFIFO
						 : S_IFSOCK;
		w->st->specials++;
		rc = mknod(path, type | 0600, dev) == 0 ? 0 : fail(w, path, "mknod", errno);
	}
	return rc == 0 ? set_meta(w, ino, in, path) : rc;
}

struct dir_ctx {
	struct walk *w;
	const char *path;
	int rc;
};

static int dir_entry(struct ext2_dir_entry *de, int offset, int blocksize, char *buf, void *data)
{
	(void)offset;
	(void)blocksize;
	(void)buf;
	struct dir_ctx *c = data;
	int n = ext2fs_dirent_name_len(de);
	if ((n == 1 && de->name[0] == '.') || (n == 2 && de->name[0] == '.' && de->name[1] == '.') ||
	    de->inode == 0)
		return 0;
	if (memchr(de->name, '/', (size_t)n) || memchr(de->name, '\0', (size_t)n)) {
		c->rc = fail(c->w, c->path, "a name with '/' or NUL in the image", EINVAL);
		return DIRENT_ABORT;
	}
	char *p = xasprintf("%s/%.*s", c->path, n, de->name);
	c->rc = copy_entry(c->w, de->inode, p);
	free(p);
	return c->rc ? DIRENT_ABORT : 0;
}

static int copy_dir(struct walk *w, ext2_ino_t dir, const char *path)
{
	if (++w->depth > 256) /* a loop in a corrupt image */
		return fail(w, path, "directories nested too deep", ELOOP);
	struct dir_ctx c = {w, path, 0};
	errcode_t e = ext2fs_dir_iterate(w->fs, dir, 0, NULL, dir_entry, &c);
	w->depth--;
	if (e && !c.rc)
		return fail(w, path, "read the directory", e);
	return c.rc;
}

int ext2tree_copy(const char *image, uint64_t offset, const char *dest, struct ext2tree_stats *st,
		  char *err, size_t errlen)
{
	struct ext2tree_stats dummy;
	if (!st)
		st = &dummy;
	memset(st, 0, sizeof(*st));
	char opts[64];
	snprintf(opts, sizeof(opts), "offset=%llu", (unsigned long long)offset);
	struct walk w = {.st = st, .err = err, .errlen = errlen};
	errcode_t e = ext2fs_open2(image, opts, EXT2_FLAG_64BITS, 0, 0, unix_io_manager, &w.fs);
	if (e) {
		snprintf(err, errlen, "%s: no ext2/3/4 filesystem at offset %llu: %s", image,
			 (unsigned long long)offset, error_message(e));
		return -1;
	}
	int rc = 0;
	if (mkdir(dest, 0755) != 0 && errno != EEXIST) {
		rc = fail(&w, dest, "mkdir", errno);
	} else {
		struct stat sb;
		if (lstat(dest, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
			rc = fail(&w, dest, "not a directory", ENOTDIR);
		} else if (rmdir(dest) == 0 || errno == ENOENT) {
			/* was empty: made again below, as the filesystem's root */
			if (mkdir(dest, 0700) != 0)
				rc = fail(&w, dest, "mkdir", errno);
		} else {
			rc = fail(&w, dest, "is not empty (expected a new NFS root)", ENOTEMPTY);
		}
	}
	if (rc == 0) {
		rc = copy_dir(&w, EXT2_ROOT_INO, dest);
		struct ext2_inode in;
		if (rc == 0 && ext2fs_read_inode(w.fs, EXT2_ROOT_INO, &in) == 0)
			rc = set_meta(&w, EXT2_ROOT_INO, &in, dest);
	}
	for (size_t i = 0; i < w.n_links; i++)
		free(w.links[i].path);
	free(w.links);
	ext2fs_close_free(&w.fs);
	return rc;
}
