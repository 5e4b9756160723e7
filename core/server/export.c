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

bool export_dir_replaceable(const char *dir)
{
	struct stat st;
	if (lstat(dir, &st) != 0)
		return errno == ENOENT;
	if (!S_ISDIR(st.st_mode))
		return false;
	if (dir_empty(dir))
		return true;
	char *readme = xasprintf("%s/README.txt", dir);
	FILE *f = fopen(readme, "r");
	free(readme);
	if (!f)
		return false;
	char line[256] = "";
	bool ours = fgets(line, sizeof(line), f) && str_startswith(line, EXPORT_MARK);
	fclose(f);
	return ours;
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

int export_commit(const struct render_set *rs, const char *dir, struct problems *ps)
{
	if (!export_dir_replaceable(dir)) {
		problems_add(
		    ps, PROBLEM_ERROR, dir, 0, NULL, NULL,
		    "exists and is not a pinetboot export (no README.txt starting \"%s\"); "
		    "choose another -o DIR or remove it",
		    EXPORT_MARK);
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
