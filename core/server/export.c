/* export — atomic directory replacement for the rendered files. */
#include "core/server/export.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/fsutil.h"
#include "core/base/place.h"
#include "core/base/util.h"
#include "core/site/secrets.h"

/* One syncfs for the whole tree instead of an fsync per file: on ext4 every fsync ends in a
 * disk cache flush, which for a 1,000-Pi site (3,700 files) costs seconds; syncfs flushes
 * once. It also waits for other writers' dirty data on the same file system, which on a
 * boot server is little. */
static int sync_tree(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = syncfs(fd);
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* The list of files an export holds, written into it: what a later export may replace. */
#define EXPORT_LIST ".pinetboot-files"

static char *list_text(const struct render_set *rs)
{
	struct sbuf b;
	sbuf_init(&b);
	for (size_t i = 0; i < rs->n; i++)
		sbuf_printf(&b, "%s\n", rs->files[i].path);
	return sbuf_take(&b);
}

int export_write_tree(const struct render_set *rs, const char *dir, bool durable,
		      struct problems *ps)
{
	if (fs_mkdir_p(dir, 0755) != 0) {
		problems_add(ps, PROBLEM_ERROR, dir, 0, NULL, NULL, "cannot be created: %s",
			     strerror(errno));
		return -1;
	}
	/* files come grouped by directory: create each directory once, not once per file */
	char *made = xstrdup("");
	for (size_t i = 0; i < rs->n; i++) {
		const struct rendered_file *f = &rs->files[i];
		char *path = xasprintf("%s/%s", dir, f->path);
		const char *slash = strrchr(f->path, '/');
		size_t dl = slash ? (size_t)(slash - f->path) : 0;
		bool same = strlen(made) == dl && strncmp(made, f->path, dl) == 0;
		if (!same) {
			free(made);
			made = xstrndup(f->path, dl);
		}
		if ((!same && fs_mkdir_parents(path, 0755) != 0) ||
		    fs_write_file(path, f->content, f->len, f->mode) != 0) {
			free(made);
			problems_add(ps, PROBLEM_ERROR, path, 0, NULL, NULL,
				     "cannot be written: %s", strerror(errno));
			free(path);
			return -1;
		}
		free(path);
	}
	free(made);
	char *list = list_text(rs);
	char *lpath = xasprintf("%s/%s", dir, EXPORT_LIST);
	int lrc = fs_write_file(lpath, list, strlen(list), 0644);
	free(list);
	if (lrc != 0) {
		problems_add(ps, PROBLEM_ERROR, lpath, 0, NULL, NULL, "cannot be written: %s",
			     strerror(errno));
		free(lpath);
		return -1;
	}
	free(lpath);
	if (durable && sync_tree(dir) != 0) {
		problems_add(ps, PROBLEM_ERROR, dir, 0, NULL, NULL, "cannot be synced: %s",
			     strerror(errno));
		return -1;
	}
	return 0;
}

static bool dir_empty(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return false;
	struct dirent *e;
	bool empty = true;
	while (empty && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = false;
	closedir(d);
	return empty;
}

/* The lines of a file list, sorted for bsearch. */
struct flist {
	char **v;
	size_t n;
	char *text;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void flist_make(struct flist *l, char *text_owned)
{
	l->text = text_owned;
	l->n = 0;
	size_t cap = 16;
	l->v = xmalloc(cap * sizeof(*l->v));
	for (char *save, *t = strtok_r(l->text, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
		if (l->n == cap)
			l->v = xrealloc(l->v, (cap *= 2) * sizeof(*l->v));
		l->v[l->n++] = t;
	}
	qsort(l->v, l->n, sizeof(*l->v), cmp_str);
}

static bool listed(const struct flist *l, const char *rel)
{
	return bsearch(&rel, l->v, l->n, sizeof(*l->v), cmp_str) != NULL;
}

/* Every entry beneath dir (rel is the path so far) is a directory or a name in list; the first
 * one that is not goes to *stray (heap). Links are looked at, never followed. */
static bool only_listed(const char *dir, const char *rel, const struct flist *list,
			char **stray)
{
	char *path = *rel ? xasprintf("%s/%s", dir, rel) : xstrdup(dir);
	DIR *d = opendir(path);
	free(path);
	if (!d) {
		*stray = xstrdup(*rel ? rel : ".");
		return false;
	}
	bool ok = true;
	struct dirent *e;
	while (ok && (e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *sub = *rel ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
		struct stat st;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
			ok = only_listed(dir, sub, list, stray);
		else if (!listed(list, sub) && strcmp(sub, EXPORT_LIST) != 0) {
			*stray = xstrdup(sub);
			ok = false;
		}
		free(sub);
	}
	closedir(d);
	return ok;
}

/* NULL when dir may be replaced (absent, empty, or an earlier export holding only files an
 * export writes), else why not (heap). The profile, its secrets or the operator's notes in a
 * directory that was an export are never deleted with it (M9). */
static char *why_not_replaceable(const struct render_set *rs, const char *dir)
{
	struct stat st;
	if (lstat(dir, &st) != 0)
		return errno == ENOENT ? NULL : xasprintf("cannot be looked at: %s", strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return xstrdup("exists and is not a directory; choose another -o DIR");
	if (dir_empty(dir))
		return NULL;
	char *readme = xasprintf("%s/README.txt", dir);
	int fd = open(readme, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	free(readme);
	char line[64] = "";
	ssize_t n = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)
			    ? read(fd, line, sizeof(line) - 1)
			    : -1;
	if (fd >= 0)
		close(fd);
	bool ours = n > 0 && (line[n] = '\0', str_startswith(line, EXPORT_MARK));
	/* what it may hold: the files its own list names (an earlier export may have had more
	 * Pis) and the files this export writes */
	char *lpath = xasprintf("%s/%s", dir, EXPORT_LIST);
	size_t len;
	char *old = fs_read_file_max(lpath, 64 << 20, &len);
	free(lpath);
	char *now = list_text(rs);
	struct flist list;
	flist_make(&list, xasprintf("%s%s", now, old ? old : ""));
	free(now);
	free(old);
	char *stray = NULL;
	bool only = only_listed(dir, "", &list, &stray);
	free(list.v);
	free(list.text);
	char *why = NULL;
	if (!ours)
		why = xstrdup("exists and is not a pinetboot export (no README.txt starting \"" EXPORT_MARK
			      "\"); choose another -o DIR or remove it");
	else if (!only)
		why = xasprintf("holds %s, which no pinetboot export writes (the profile, its secrets "
				"or notes of yours?); move it out of the way or choose another -o DIR",
				stray ? stray : "files");
	free(stray);
	return why;
}

/* A temp directory beside dir, so the final rename stays on one file system. */
static char *temp_beside(const char *dir)
{
	char *copy = xstrdup(dir);
	char *base = xstrdup(basename(copy));
	free(copy);
	copy = xstrdup(dir);
	char *parent = dirname(copy);
	char *tmp = xasprintf("%s/.%s.pinetboot-XXXXXX", parent, base);
	free(copy);
	free(base);
	if (!mkdtemp(tmp)) {
		free(tmp);
		return NULL;
	}
	return tmp;
}

static int export_commit_norm(const struct render_set *rs, const char *dir,
			      struct problems *ps);

int export_commit(const struct render_set *rs, const char *dir, struct problems *ps)
{
	if (!*dir) {
		problems_add(ps, PROBLEM_ERROR, "-o", 0, NULL, NULL,
			     "is empty (expected a directory for the export)");
		return -1;
	}
	/* judged and used in normal form: "sub/.." is ".", which is not replaced (L15) */
	char *norm = place_path_normalise(dir);
	int rc = export_commit_norm(rs, norm, ps);
	free(norm);
	return rc;
}

static int export_commit_norm(const struct render_set *rs, const char *dir, struct problems *ps)
{
	if (!strcmp(dir, ".") || !strcmp(dir, "..") || !strcmp(dir, "/") || str_endswith(dir, "/..")) {
		problems_add(ps, PROBLEM_ERROR, dir, 0, NULL, NULL,
			     "is the current, a parent or the root directory (expected a directory "
			     "of its own for the export)");
		return -1;
	}
	char *why = why_not_replaceable(rs, dir);
	if (why) {
		problems_add(ps, PROBLEM_ERROR, dir, 0, NULL, NULL, "%s", why);
		free(why);
		return -1;
	}
	char *dircopy = xstrdup(dir);
	int prc = fs_mkdir_p(dirname(dircopy), 0755);
	free(dircopy);
	char *tmp = prc == 0 ? temp_beside(dir) : NULL;
	if (!tmp) {
		problems_add(ps, PROBLEM_ERROR, dir, 0, NULL, NULL,
			     "no temporary directory can be made beside it: %s", strerror(errno));
		return -1;
	}
	if (chmod(tmp, 0755) != 0 || export_write_tree(rs, tmp, true, ps) != 0) {
		if (!problems_has_errors(ps))
			problems_add(ps, PROBLEM_ERROR, tmp, 0, NULL, NULL, "cannot be made: %s",
				     strerror(errno));
		fs_remove_tree(tmp);
		free(tmp);
		return -1;
	}
	int rc = 0;
	struct stat st;
	if (lstat(dir, &st) != 0) {
		rc = rename(tmp, dir);
	} else {
		/* swap in one step; the old export ends up at tmp and is removed */
		rc = renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE);
		if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
			char *old = xasprintf("%s.old", tmp);
			rc = rename(dir, old);
			if (rc == 0 && (rc = rename(tmp, dir)) != 0)
				rename(old, dir);
			if (rc == 0)
				fs_remove_tree(old);
			free(old);
		}
	}
	if (rc != 0) {
		problems_add(ps, PROBLEM_ERROR, dir, 0, NULL, NULL, "cannot be replaced: %s",
			     strerror(errno));
	} else {
		fs_sync_parent(dir);
	}
	fs_remove_tree(tmp);
	free(tmp);
	return rc == 0 ? 0 : -1;
}

int export_render(struct site *s, const char *profile_path, const struct render_opts *o,
		  bool write_secrets, struct render_set *rs, struct problems *ps)
{
	memset(rs, 0, sizeof(*rs));
	char *sec = secrets_path_for(profile_path);
	int rc = secrets_ensure(s, sec, write_secrets, ps);
	free(sec);
	if (rc == 0)
		rc = render_site(s, o, rs, ps);
	if (rc != 0)
		render_set_done(rs);
	return rc == 0 ? 0 : -1;
}

int export_site(const char *profile_path, const struct render_opts *o, bool write_secrets,
		const char *out_dir, struct site *s, struct render_set *rs, struct problems *ps)
{
	memset(rs, 0, sizeof(*rs));
	int rc = profile_load(profile_path, s, ps);
	if (rc == 0)
		rc = export_render(s, profile_path, o, write_secrets, rs, ps);
	if (rc == 0 && out_dir)
		rc = export_commit(rs, out_dir, ps);
	if (rc != 0) {
		render_set_done(rs);
		site_done(s);
	}
	return rc == 0 ? 0 : -1;
}
