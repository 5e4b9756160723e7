/* fsutil — atomic writes and directory helpers. */
#include "core/base/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/place.h"
#include "core/base/util.h"

static int write_all(int fd, const void *buf, size_t len)
{
	const char *data = buf;
	while (len > 0) {
		ssize_t w = write(fd, data, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

int fs_sync_parent(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	char *tmp = xasprintf("%s.tmpXXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		free(tmp);
		return -1;
	}
	int rc = -1;
	if (fchmod(fd, mode) == 0 && write_all(fd, data, len) == 0 && fsync(fd) == 0) {
		if (close(fd) == 0 && rename(tmp, path) == 0) {
			fs_sync_parent(path);
			free(tmp);
			return 0;
		}
		fd = -1;
	}
	int saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	errno = saved;
	return rc;
}

const char *fs_tmpdir(void)
{
	const char *d = getenv("TMPDIR");
	return d && *d ? d : "/tmp";
}

char *fs_temp_file(const char *tag, const void *data, size_t len)
{
	char *path = xasprintf("%s/pinetboot-%s.XXXXXX", fs_tmpdir(), tag);
	int fd = mkstemp(path);
	if (fd < 0) {
		free(path);
		return NULL;
	}
	int rc = write_all(fd, data, len), saved = errno;
	if (close(fd) != 0 && rc == 0)
		rc = -1, saved = errno;
	if (rc == 0)
		return path;
	unlink(path);
	free(path);
	errno = saved;
	return NULL;
}

int fs_write_file(const char *path, const char *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return close(fd);
}

int fs_mkdir_p(const char *path, mode_t mode)
{
	/* usually only the last component is missing */
	if (mkdir(path, mode) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -1;
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) != 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int rc = mkdir(p, mode) != 0 && errno != EEXIST ? -1 : 0;
	free(p);
	return rc;
}

int fs_mkdir_parents(const char *path, mode_t mode)
{
	char *copy = xstrdup(path);
	char *slash = strrchr(copy, '/');
	int rc = 0;
	if (slash && slash != copy) {
		*slash = '\0';
		rc = fs_mkdir_p(copy, mode);
	}
	free(copy);
	return rc;
}

int fs_remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *sub = xasprintf("%s/%s", path, e->d_name);
		/* d_type spares an lstat per file; DT_UNKNOWN file systems take the long way */
		if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN ? unlink(sub) != 0
								   : fs_remove_tree(sub) != 0)
			rc = -1;
		free(sub);
	}
	closedir(d);
	if (rmdir(path) != 0)
		rc = -1;
	return rc;
}

/* Reads fd (a regular file) into a heap buffer; EFBIG past max. Closes fd. */
static char *read_fd_max(int fd, size_t max, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = xmalloc(cap + 1);
	for (;;) {
		if (n == cap) {
			if (n > max)
				break;
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int saved = errno;
			free(buf);
			close(fd);
			errno = saved;
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > max) {
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

char *fs_read_file_max(const char *path, size_t max, size_t *len)
{
	int fd = fs_open_regular(path);
	if (fd < 0)
		return NULL;
	return read_fd_max(fd, max, len);
}

char *fs_read_file(const char *path, size_t *len)
{
	return fs_read_file_max(path, FS_READ_MAX, len);
}

int fs_open_regular(const char *path)
{
	/* O_NONBLOCK: opening a FIFO for reading must not wait for a writer */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		int saved = fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : FS_ENOTREG;
		close(fd);
		errno = saved;
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

FILE *fs_fopen_regular(const char *path)
{
	int fd = fs_open_regular(path);
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, "r");
	if (!f) {
		int saved = errno;
		close(fd);
		errno = saved;
	}
	return f;
}

const char *fs_strerror(int e)
{
	if (e == FS_ENOTREG)
		return "not a regular file (a FIFO, a device or a socket is never read or replaced)";
	if (e == ELOOP)
		return "a symbolic link is in the way (pinetboot does not write through links)";
	return strerror(e);
}

/* ---- beneath a root: component by component, no symbolic link followed ---- */

/* The next component of *p (advanced past it); its length in *n, 0 at the end. */
static const char *next_component(const char **p, size_t *n)
{
	while (**p == '/')
		(*p)++;
	const char *c = *p;
	*n = strcspn(c, "/");
	*p += *n;
	return c;
}

int fs_open_dir_beneath(int base, const char *rel, bool create, mode_t mode)
{
	int fd = openat(base, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	const char *p = rel;
	size_t n;
	for (const char *c = next_component(&p, &n); n; c = next_component(&p, &n)) {
		char name[NAME_MAX + 1];
		if (n > NAME_MAX || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.')) {
			close(fd);
			errno = n > NAME_MAX ? ENAMETOOLONG : EXDEV;
			return -1;
		}
		memcpy(name, c, n);
		name[n] = '\0';
		int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0 && errno == ENOENT && create) {
			if (mkdirat(fd, name, mode) != 0 && errno != EEXIST) {
				int saved = errno;
				close(fd);
				errno = saved;
				return -1;
			}
			sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (sub < 0) {
			struct stat st;
			int saved = errno;
			if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
				saved = ELOOP;
			close(fd);
			errno = saved;
			return -1;
		}
		close(fd);
		fd = sub;
	}
	return fd;
}

int fs_beneath(const char *root, const char *path, bool create, int *dirfd, char **name)
{
	const char *slash = strrchr(path, '/');
	const char *last = slash ? slash + 1 : path;
	if (!*last || !strcmp(last, ".") || !strcmp(last, "..")) {
		errno = EXDEV;
		return -1;
	}
	int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return -1;
	char *dir = xstrndup(path, slash ? (size_t)(slash - path) : 0);
	int fd = fs_open_dir_beneath(rootfd, dir, create, 0755);
	int saved = errno;
	free(dir);
	close(rootfd);
	if (fd < 0) {
		errno = saved;
		return -1;
	}
	*dirfd = fd;
	*name = xstrdup(last);
	return 0;
}

char *fs_read_beneath(const char *root, const char *path, size_t max, size_t *len)
{
	int dfd;
	char *name;
	if (fs_beneath(root, path, false, &dfd, &name) != 0)
		return NULL;
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	int saved = errno;
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) != 0) {
		saved = errno;
		close(fd);
		fd = -1;
	} else if (fd >= 0 && !S_ISREG(st.st_mode)) {
		saved = S_ISDIR(st.st_mode) ? EISDIR : FS_ENOTREG;
		close(fd);
		fd = -1;
	}
	close(dfd);
	free(name);
	if (fd < 0) {
		errno = saved;
		return NULL;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return read_fd_max(fd, max, len);
}

int fs_lstat_beneath(const char *root, const char *path, struct stat *st)
{
	int dfd;
	char *name;
	if (fs_beneath(root, path, false, &dfd, &name) != 0)
		return -1;
	int rc = fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW);
	int saved = errno;
	close(dfd);
	free(name);
	errno = saved;
	return rc;
}

char *fs_stage_beneath(const char *root, const char *path, const void *data, size_t len,
		       mode_t mode)
{
	int dfd;
	char *name;
	if (fs_beneath(root, path, true, &dfd, &name) != 0)
		return NULL;
	char *tmp = NULL;
	int fd = -1, saved = 0;
	for (int i = 0; i < 100 && fd < 0; i++) {
		unsigned r;
		if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
			break;
		free(tmp);
		tmp = xasprintf("%s.tmp%08x", name, r);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	saved = errno;
	if (fd >= 0 && (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0)) {
		saved = errno;
		close(fd);
		unlinkat(dfd, tmp, 0);
		fd = -1;
	} else if (fd >= 0 && close(fd) != 0) {
		saved = errno;
		unlinkat(dfd, tmp, 0);
		fd = -1;
	} else if (fd >= 0) {
		fd = 0;
	}
	close(dfd);
	char *dir = xstrndup(path, strlen(path) - strlen(name));
	char *out = fd == 0 ? xasprintf("%s%s", dir, tmp) : NULL;
	free(dir);
	free(tmp);
	free(name);
	if (!out)
		errno = saved;
	return out;
}

int fs_write_beneath(const char *root, const char *path, const void *data, size_t len,
		     mode_t mode)
{
	char *tmp = fs_stage_beneath(root, path, data, len, mode);
	int rc = tmp && fs_rename_beneath(root, tmp, path) == 0 ? 0 : -1;
	int saved = errno;
	if (tmp && rc < 0)
		fs_unlink_beneath(root, tmp);
	free(tmp);
	errno = saved;
	return rc;
}

/* Runs op on the directory holding both paths (they must share it). */
static int same_dir_op(const char *root, const char *a, const char *b, int op)
{
	int dfd;
	char *na, *nb;
	const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
	if (!sa || !sb || sa - a != sb - b || strncmp(a, b, (size_t)(sa - a)) != 0) {
		errno = EXDEV;
		return -1;
	}
	if (fs_beneath(root, a, false, &dfd, &na) != 0)
		return -1;
	nb = xstrdup(sb + 1);
	int rc;
	if (op == 0)
		rc = renameat(dfd, na, dfd, nb);
	else
		rc = linkat(dfd, na, dfd, nb, 0); /* 0: a link is linked, not its target */
	int saved = errno;
	if (rc == 0)
		fsync(dfd);
	close(dfd);
	free(na);
	free(nb);
	errno = saved;
	return rc;
}

int fs_rename_beneath(const char *root, const char *from, const char *to)
{
	return same_dir_op(root, from, to, 0);
}

int fs_link_beneath(const char *root, const char *from, const char *to)
{
	return same_dir_op(root, from, to, 1);
}

int fs_unlink_beneath(const char *root, const char *path)
{
	int dfd;
	char *name;
	if (fs_beneath(root, path, false, &dfd, &name) != 0)
		return -1;
	int rc = unlinkat(dfd, name, 0);
	int saved = errno;
	close(dfd);
	free(name);
	errno = saved;
	return rc;
}

bool fs_same_file(const char *a, const char *b)
{
	char *na = place_path_normalise(a), *nb = place_path_normalise(b);
	bool same = strcmp(na, nb) == 0;
	free(na);
	free(nb);
	struct stat sa, sb;
	return same || (stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
			sa.st_ino == sb.st_ino);
}

/* Moves the entries of the directory fd from into the directory fd to (see fs_move_tree). */
static int move_entries(int from, int to)
{
	DIR *d = fdopendir(dup(from));
	if (!d)
		return -1;
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		struct stat st, dst;
		if (fstatat(from, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			rc = -1;
		} else if (!S_ISDIR(st.st_mode)) {
			if (fstatat(to, e->d_name, &dst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(dst.st_mode))
				rc = (errno = EISDIR, -1);
			else /* replaces a file or a planted link; never writes through it */
				rc = renameat(from, e->d_name, to, e->d_name);
		} else {
			if (mkdirat(to, e->d_name, st.st_mode & 07777) != 0 && errno != EEXIST) {
				rc = -1;
				break;
			}
			int sf = openat(from, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			int st2 = openat(to, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sf < 0 || st2 < 0) {
				int saved = errno;
				if (st2 < 0 && fstatat(to, e->d_name, &dst, AT_SYMLINK_NOFOLLOW) == 0 &&
				    S_ISLNK(dst.st_mode))
					saved = ELOOP;
				rc = -1;
				errno = saved;
			} else {
				rc = move_entries(sf, st2);
			}
			if (sf >= 0)
				close(sf);
			if (st2 >= 0)
				close(st2);
		}
	}
	int saved = errno;
	closedir(d);
	errno = saved;
	return rc;
}

int fs_move_tree(const char *from, const char *to)
{
	int f = open(from, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (f < 0)
		return -1;
	int t = open(to, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (t < 0) {
		int saved = errno;
		struct stat st;
		if (lstat(to, &st) == 0 && S_ISLNK(st.st_mode))
			saved = ELOOP;
		close(f);
		errno = saved;
		return -1;
	}
	int rc = move_entries(f, t);
	int saved = errno;
	if (rc == 0)
		fsync(t);
	close(f);
	close(t);
	errno = saved;
	return rc;
}
