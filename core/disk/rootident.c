/* rootident — host name and ssh host keys of a copied root tree, written beneath it. */
#include "core/disk/rootident.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/fsutil.h"
#include "core/base/util.h"
#include "core/disk/customize.h"

#define HOSTS_MAX (1u << 20)
#define REGEN "regenerate_ssh_host_keys.service"
#define WANTS "etc/systemd/system/multi-user.target.wants/" REGEN

/* Replaces path beneath root with text (mode kept from the old file, else 0644). */
static int put_file(const char *root, const char *path, const char *text, char *err, size_t errlen)
{
	struct stat st;
	mode_t mode = fs_lstat_beneath(root, path, &st) == 0 && S_ISREG(st.st_mode) ? st.st_mode & 07777
										     : 0644;
	if (fs_write_beneath(root, path, text, strlen(text), mode) != 0) {
		snprintf(err, errlen, "cannot write %s/%s: %s", root, path, fs_strerror(errno));
		return -1;
	}
	return 0;
}

/* /etc/hosts with its 127.0.1.1 line naming host (added when there is none). Heap string. */
static char *hosts_edit(const char *old, const char *host)
{
	struct sbuf b;
	sbuf_init(&b);
	bool done = false;
	for (const char *l = old; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		if (!done && n >= 9 && !strncmp(l, "127.0.1.1", 9) && (n == 9 || l[9] == ' ' || l[9] == '\t')) {
			sbuf_printf(&b, "127.0.1.1\t%s\n", host);
			done = true;
		} else {
			sbuf_addn(&b, l, n);
			sbuf_addc(&b, '\n');
		}
		l = nl ? nl + 1 : l + n;
	}
	if (!done)
		sbuf_printf(&b, "127.0.1.1\t%s\n", host);
	return sbuf_take(&b);
}

/* Where the tree's regenerate_ssh_host_keys unit is, as an absolute path in the Pi, or NULL. */
static const char *regen_unit(const char *root)
{
	static const char *const units[] = {"/usr/lib/systemd/system/" REGEN, "/lib/systemd/system/" REGEN};
	for (size_t i = 0; i < PNB_ARRAY_LEN(units); i++) {
		struct stat st;
		if (fs_lstat_beneath(root, units[i], &st) == 0 && S_ISREG(st.st_mode))
			return units[i];
	}
	return NULL;
}

/* The unit runs once and then disables itself: a tree copied from a running Pi has it off. */
static int regen_enable(const char *root, const char *unit, char *err, size_t errlen)
{
	struct stat st;
	if (fs_lstat_beneath(root, WANTS, &st) == 0)
		return 0;
	int dirfd = -1;
	char *name = NULL;
	int rc = fs_beneath(root, WANTS, true, &dirfd, &name) == 0 && symlinkat(unit, dirfd, name) == 0
			 ? 0
			 : -1;
	if (rc != 0)
		snprintf(err, errlen, "cannot enable %s in %s: %s", REGEN, root, fs_strerror(errno));
	free(name);
	if (dirfd >= 0)
		close(dirfd);
	return rc;
}

static int remove_host_keys(const char *root, int *removed, char *err, size_t errlen)
{
	int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fd = rootfd < 0 ? -1 : fs_open_dir_beneath(rootfd, "etc/ssh", false, 0755);
	if (rootfd >= 0)
		close(rootfd);
	if (fd < 0)
		return errno == ENOENT ? 0 : (snprintf(err, errlen, "cannot open %s/etc/ssh: %s", root,
						       fs_strerror(errno)), -1);
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	int rc = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (!str_startswith(e->d_name, "ssh_host_"))
			continue;
		/* unlinkat removes the entry itself: a link planted there is removed, not followed */
		if (unlinkat(dirfd(d), e->d_name, 0) == 0)
			(*removed)++;
		else if (rc == 0) {
			snprintf(err, errlen, "cannot remove %s/etc/ssh/%s: %s", root, e->d_name,
				 fs_strerror(errno));
			rc = -1;
		}
	}
	closedir(d);
	return rc;
}

int rootident_apply(const char *root, const char *hostname, struct rootident_result *res,
		    char *err, size_t errlen)
{
	memset(res, 0, sizeof(*res));
	if (!customize_hostname_ok(hostname)) {
		snprintf(err, errlen, "host name \"%s\" is not 1 to 63 of a-z, A-Z, 0-9 and '-'", hostname);
		return -1;
	}
	char *line = xasprintf("%s\n", hostname);
	int rc = put_file(root, "etc/hostname", line, err, errlen);
	free(line);
	if (rc != 0)
		return -1;
	size_t len;
	/* a link or anything but a regular file there is replaced, never read through */
	char *old = fs_read_beneath(root, "etc/hosts", HOSTS_MAX, &len);
	char *hosts = hosts_edit(old ? old : "127.0.0.1\tlocalhost\n", hostname);
	rc = put_file(root, "etc/hosts", hosts, err, errlen);
	free(hosts);
	free(old);
	if (rc != 0)
		return -1;
	const char *unit = regen_unit(root);
	res->regen = unit != NULL;
	if (!unit)
		return 0;
	if (regen_enable(root, unit, err, errlen) != 0)
		return -1;
	return remove_host_keys(root, &res->keys_removed, err, errlen);
}
