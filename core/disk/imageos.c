/* imageos — the OS release inside an image's root filesystem, and where it mounts /boot. */
#include "core/disk/imageos.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/util.h"
#include "core/disk/diskread.h"
#include "core/disk/parttable.h"
#include "core/disk/rootfs.h"

#define RELEASE_MAX 8192

/* The value of KEY= in os-release text, unquoted, into out (printable ASCII only: it is shown
 * to the operator and the file comes from an untrusted image). */
static bool os_value(const char *text, const char *key, char *out, size_t outlen)
{
	size_t kl = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, key, kl) != 0 || l[kl] != '=')
			continue;
		const char *v = l + kl + 1;
		size_t n = 0;
		for (; *v && *v != '\n' && n + 1 < outlen; v++)
			if (*v != '"' && *v != '\'' && *v >= 0x20 && *v < 0x7f)
				out[n++] = *v;
		out[n] = '\0';
		return n > 0;
	}
	return false;
}

void imageos_parse(const char *os_release, const char *debian_version, struct imageos *os)
{
	memset(os, 0, sizeof(*os));
	os->boot_dir = "/boot/firmware";
	char id[32] = "", ver[32] = "";
	if (os_release) {
		os_value(os_release, "ID", id, sizeof(id));
		os_value(os_release, "VERSION_ID", ver, sizeof(ver));
		os_value(os_release, "PRETTY_NAME", os->name, sizeof(os->name));
	}
	bool debian = !strcmp(id, "debian") || !strcmp(id, "raspbian");
	if (debian && ver[0] >= '0' && ver[0] <= '9')
		os->major = atoi(ver);
	else if (!os_release && debian_version && debian_version[0] >= '0' && debian_version[0] <= '9')
		os->major = atoi(debian_version); /* "11.7"; "bookworm/sid" stays 0 */
	os->known = os->major > 0 || id[0];
	if (os->major > 0 && !os->name[0])
		snprintf(os->name, sizeof(os->name), "Debian %d", os->major);
	if (!os->name[0] && id[0])
		snprintf(os->name, sizeof(os->name), "%s", id);
	/* Raspberry Pi OS moved the boot partition to /boot/firmware with Bookworm (12); Ubuntu
	 * has always used /boot/firmware */
	if (os->major > 0 && os->major < 12)
		os->boot_dir = "/boot";
}

void imageos_probe(const char *target, struct imageos *os)
{
	imageos_parse(NULL, NULL, os);
	struct part_table pt;
	if (part_table_read_path(target, &pt) < 0)
		return;
	const struct disk_part *root = NULL;
	for (int i = 0; i < pt.n && !root; i++)
		if (pt.parts[i].fs.kind == FS_EXT)
			root = &pt.parts[i];
	int fd = root ? open(target, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0)
		return;
	char *e1 = NULL, *e2 = NULL, *e3 = NULL;
	char *rel = rootfs_read_file(disk_fd_read, &fd, root->start, root->size, "/etc/os-release",
				     RELEASE_MAX, &e1);
	char *dv = rel ? NULL
		       : rootfs_read_file(disk_fd_read, &fd, root->start, root->size,
					  "/etc/debian_version", RELEASE_MAX, &e2);
	imageos_parse(rel, dv, os);
	/* userconf.txt is read by userconf-pi's service, shipped since the April 2022 images */
	char *uc = rootfs_read_file(disk_fd_read, &fd, root->start, root->size,
				    "/usr/lib/userconf-pi/userconf-service", 64, &e3);
	os->userconf = uc != NULL || os->major >= 12;
	free(uc);
	free(rel);
	free(dv);
	free(e1);
	free(e2);
	free(e3);
	close(fd);
}
