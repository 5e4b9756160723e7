/* customize — boot-FAT edits through mtools at an offset; FAT32 cards from a directory. */
#include "core/disk/customize.h"

#include <crypt.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/fsutil.h"
#include "core/disk/parttable.h"
#include "core/server/render.h"
#include "core/base/runcmd.h"
#include "core/base/util.h"
#include "core/base/place.h"
#include "core/disk/imageos.h"

#define FILE_MAX (1u << 20)

void customize_init(struct customize *c) { memset(c, 0, sizeof(*c)); }

void customize_done(struct customize *c)
{
	free(c->hostname);
	free(c->user);
	free(c->password_hash);
	free(c->authorized_key);
	strv_free(c->config_lines, c->n_config);
	free(c->cmdline);
	memset(c, 0, sizeof(*c));
}

void customize_add_config(struct customize *c, const char *line)
{
	c->config_lines = xrealloc(c->config_lines, (c->n_config + 1) * sizeof(char *));
	c->config_lines[c->n_config++] = xstrdup(line);
}

int customize_set_password(struct customize *c, const char *user, const char *password)
{
	/* SHA-512 crypt: every Raspberry Pi OS release's libcrypt reads it */
	char *salt = crypt_gensalt_ra("$6$", 0, NULL, 0);
	struct crypt_data cd;
	memset(&cd, 0, sizeof(cd));
	const char *h = salt ? crypt_r(password, salt, &cd) : NULL;
	free(salt);
	if (!h || h[0] == '*')
		return -1;
	free(c->user);
	free(c->password_hash);
	c->user = xstrdup(user);
	c->password_hash = xstrdup(h);
	return 0;
}

/* ---- the network-root command line ---- */
static bool dropped_token(const char *t)
{
	static const char *const keys[] = {"root=", "rootfstype=", "init=", "ip=", "ISCSI_", "iscsi_",
					   "netroot=", "rd.iscsi.", "rd.neednet", "nfsroot=", "systemd.run",
					   "systemd.unit=kernel-command-line", "resize"};
	static const char *const words[] = {"rootwait", "rw", "ro"};
	for (size_t i = 0; i < PNB_ARRAY_LEN(keys); i++)
		if (str_startswith(t, keys[i]))
			return true;
	for (size_t i = 0; i < PNB_ARRAY_LEN(words); i++)
		if (!strcmp(t, words[i]))
			return true;
	return false;
}

char *customize_network_cmdline(const struct site *s, const struct pi *p, const char *old,
				const char *root_uuid)
{
	struct sbuf b;
	sbuf_init(&b);
	char *copy = xstrdup(old ? old : "console=serial0,115200 console=tty1");
	for (char *save = NULL, *t = strtok_r(copy, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save))
		if (!dropped_token(t))
			sbuf_printf(&b, "%s ", t);
	free(copy);
	/* the root words come from render, the same builder `pinetboot export` uses */
	struct pi q = *p;
	if (root_uuid)
		q.root_uuid = (char *)root_uuid;
	char *root = render_root_args(s, &q);
	sbuf_printf(&b, "%s ip=dhcp rootwait", root);
	free(root);
	return sbuf_take(&b);
}

/* ---- mtools on target@@offset ---- */
char *customize_mtools_spec(const char *target, uint64_t off)
{
	setenv("MTOOLS_SKIP_CHECK", "1", 1); /* images have no floppy geometry */
	return xasprintf("%s@@%llu", target, (unsigned long long)off);
}

int customize_find_boot(const char *target, uint64_t *offset, char *err, size_t errlen)
{
	struct part_table pt;
	if (part_table_read_path(target, &pt) < 0) {
		snprintf(err, errlen, "cannot read the partition table of %s: %s", target, pt.error);
		return -1;
	}
	for (int i = 0; i < pt.n; i++)
		if (pt.parts[i].fs.kind == FS_FAT) {
			*offset = pt.parts[i].start;
			return 0;
		}
	if (pt.n == 0) {
		char *spec = customize_mtools_spec(target, 0);
		char *argv[] = {"minfo", "-i", spec, "::", NULL};
		int r = runcmd(argv, NULL, NULL, 0);
		free(spec);
		if (r == 0) {
			*offset = 0;
			return 0;
		}
	}
	snprintf(err, errlen, "%s has no FAT boot partition (%d partition%s, none FAT)", target, pt.n,
		 pt.n == 1 ? "" : "s");
	return -1;
}

char *customize_read_file(const char *target, uint64_t offset, const char *name)
{
	char *spec = customize_mtools_spec(target, offset), *path = xasprintf("::%s", name);
	char *argv[] = {"mtype", "-i", spec, path, NULL};
	char *out = xmalloc(FILE_MAX);
	int r = runcmd_split(argv, out, FILE_MAX, NULL, 0);
	free(spec);
	free(path);
	if (r != 0) {
		free(out);
		return NULL;
	}
	return out;
}

int customize_write_file(const char *target, uint64_t offset, const char *name, const char *data,
			 size_t len, char *err, size_t errlen)
{
	char *tmp = fs_temp_file("fat", data, len);
	if (!tmp) {
		snprintf(err, errlen, "cannot write a temporary file in %s: %s", fs_tmpdir(),
			 strerror(errno));
		return -1;
	}
	char *spec = customize_mtools_spec(target, offset), *path = xasprintf("::%s", name);
	char *argv[] = {"mcopy", "-o", "-i", spec, tmp, path, NULL};
	char out[512];
	int r = runcmd(argv, NULL, out, sizeof(out));
	unlink(tmp);
	free(tmp);
	if (r != 0)
		snprintf(err, errlen, "mcopy %s into %s failed: %s", name, spec, str_trim(out));
	free(spec);
	free(path);
	return r == 0 ? 0 : -1;
}

static int write_str(const char *t, uint64_t off, const char *name, const char *s, char *err, size_t errlen)
{
	return customize_write_file(t, off, name, s, strlen(s), err, errlen);
}

/* The last [section] header of a config.txt, "all" when there is none. */
static bool ends_in_all(const char *text)
{
	const char *last = NULL;
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (*p == '[')
			last = p;
	return !last || str_startswith(last, "[all]");
}

char *customize_config_edit(const char *old, char *const *lines, size_t n)
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_add(&b, old ? old : "");
	if (b.len && b.buf[b.len - 1] != '\n')
		sbuf_addc(&b, '\n');
	bool added = false;
	for (size_t i = 0; i < n; i++) {
		bool present = false;
		char *copy = xstrdup(old ? old : "");
		for (char *save = NULL, *l = strtok_r(copy, "\n", &save); l && !present; l = strtok_r(NULL, "\n", &save))
			present = !strcmp(str_trim(l), lines[i]);
		free(copy);
		if (present)
			continue;
		if (!added && !ends_in_all(old))
			sbuf_add(&b, "[all]\n");
		added = true;
		sbuf_printf(&b, "%s\n", lines[i]);
	}
	return sbuf_take(&b);
}

/* A host name /etc/hostname and /etc/hosts take: an RFC 1123 label (1-63 of a-z, A-Z, 0-9
 * and '-', not starting or ending with '-'), so it needs no quoting anywhere it lands. */
bool customize_hostname_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* One OpenSSH public key line: a key type, base64 and an optional comment, printable text. */
static bool key_ok(const char *s)
{
	return place_line_ok(s) && strlen(s) < 16384 &&
	       (str_startswith(s, "ssh-") || str_startswith(s, "ecdsa-") || str_startswith(s, "sk-"));
}

/* Host name and key need the root filesystem: a one-shot script run by systemd at first boot
 * (rpi-imager's firstrun.sh mechanism, on every release since Buster), which removes itself
 * and its cmdline.txt trigger. The boot partition's mount point is the image OS's own (boot);
 * every value is validated by the caller and single-quoted here. */
static char *firstrun_script(const struct customize *c, const char *boot)
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_add(&b, "#!/bin/bash\n# written by pinetboot flash --customize; runs once\nset +e\nBOOT=");
	sbuf_add_sh(&b, boot);
	sbuf_add(&b, "\n");
	if (c->hostname) {
		sbuf_add(&b, "NEW=");
		sbuf_add_sh(&b, c->hostname);
		sbuf_add(&b, "\necho \"$NEW\" >/etc/hostname\n"
			     "sed -i \"s/^127.0.1.1.*/127.0.1.1\\t$NEW/\" /etc/hosts\n"
			     "hostname \"$NEW\" 2>/dev/null\n");
	}
	if (c->authorized_key) {
		sbuf_add(&b, "KEY=");
		sbuf_add_sh(&b, c->authorized_key);
		sbuf_add(&b, "\nU=$(getent passwd 1000 | cut -d: -f1)\nH=$(getent passwd 1000 | cut -d: -f6)\n"
			     "if [ -n \"$U\" ]; then install -d -m 700 -o \"$U\" -g \"$U\" \"$H/.ssh\"\n"
			     "  printf '%s\\n' \"$KEY\" >>\"$H/.ssh/authorized_keys\"\n"
			     "  chown \"$U:$U\" \"$H/.ssh/authorized_keys\"; chmod 600 \"$H/.ssh/authorized_keys\"\nfi\n"
			     "systemctl enable ssh 2>/dev/null\n");
	}
	sbuf_add(&b, "rm -f \"$BOOT/firstrun.sh\"\n"
		     "sed -i 's| systemd.run.*||g' \"$BOOT/cmdline.txt\"\n"
		     "exit 0\n");
	return sbuf_take(&b);
}

int customize_apply(const char *target, struct customize *c, char *err, size_t errlen)
{
	uint64_t off;
	if (customize_find_boot(target, &off, err, errlen) < 0)
		return -1;
	if (c->hostname && !customize_hostname_ok(c->hostname)) {
		snprintf(err, errlen, "host name \"%s\" is not 1 to 63 of a-z, A-Z, 0-9 and '-'",
			 c->hostname);
		return -1;
	}
	if (c->authorized_key && !key_ok(c->authorized_key)) {
		snprintf(err, errlen, "the public key is not one ssh-*/ecdsa-*/sk-* key line");
		return -1;
	}
	/* userconf.txt is "user:hash" on one line: a ':' or line break would add a field or user */
	if (c->user && (!place_username_ok(c->user) || !c->password_hash ||
			strpbrk(c->password_hash, ":\n\r"))) {
		snprintf(err, errlen, "the first-boot user or its password hash is malformed");
		return -1;
	}
	struct imageos os;
	imageos_probe(target, &os);
	c->boot_dir = os.boot_dir;
	if (os.known)
		snprintf(c->note, sizeof(c->note), "%s: boot partition at %s", os.name, os.boot_dir);
	else
		snprintf(c->note, sizeof(c->note),
			 "OS release unknown (no readable /etc/os-release): assuming %s", os.boot_dir);
	if (c->user && os.known && !os.userconf)
		snprintf(c->note + strlen(c->note), sizeof(c->note) - strlen(c->note),
			 "; no userconf-pi in this image (before April 2022): userconf.txt is ignored");
	if (c->ssh && write_str(target, off, "ssh", "", err, errlen) < 0)
		return -1;
	if (c->user) {
		char *uc = xasprintf("%s:%s\n", c->user, c->password_hash);
		int r = write_str(target, off, "userconf.txt", uc, err, errlen);
		free(uc);
		if (r < 0)
			return -1;
	}
	if (c->n_config) {
		char *old = customize_read_file(target, off, "config.txt");
		char *cfg = customize_config_edit(old, c->config_lines, c->n_config);
		int r = write_str(target, off, "config.txt", cfg, err, errlen);
		free(old);
		free(cfg);
		if (r < 0)
			return -1;
	}
	bool firstrun = c->hostname || c->authorized_key;
	char *cmd = c->cmdline ? xstrdup(c->cmdline) : NULL;
	if (firstrun) {
		char *fr = firstrun_script(c, os.boot_dir);
		int r = write_str(target, off, "firstrun.sh", fr, err, errlen);
		free(fr);
		if (r < 0) {
			free(cmd);
			return -1;
		}
		if (!cmd)
			cmd = customize_read_file(target, off, "cmdline.txt");
		if (!cmd)
			cmd = xstrdup("console=serial0,115200 console=tty1 root=LABEL=rootfs rootfstype=ext4 rootwait");
		str_trim(cmd);
		char *with = xasprintf("%s systemd.run=%s/firstrun.sh "
				       "systemd.run_success_action=reboot systemd.unit=kernel-command-line.target",
				       cmd, os.boot_dir);
		free(cmd);
		cmd = with;
	}
	int r = 0;
	if (cmd) {
		str_trim(cmd);
		char *line = xasprintf("%s\n", cmd);
		r = write_str(target, off, "cmdline.txt", line, err, errlen);
		free(line);
	}
	free(cmd);
	return r;
}
