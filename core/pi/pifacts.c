/* pifacts — gather what a Pi says about itself, locally or through ssh, and parse cpuinfo. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/base/fsutil.h"
#include "core/base/runcmd.h"
#include "core/pi/readiness.h"
#include "core/base/util.h"

#define OUTPUT_MAX (1u << 20)

void pi_facts_init(struct pi_facts *f)
{
	memset(f, 0, sizeof(*f));
}

void pi_facts_done(struct pi_facts *f)
{
	for (int k = 0; k < FACT_COUNT; k++) {
		free(f->t[k].text);
		free(f->t[k].name);
		free(f->t[k].missing);
	}
	memset(f, 0, sizeof(*f));
}

static void fact_clear(struct pi_text *t)
{
	free(t->text);
	free(t->name);
	free(t->missing);
	memset(t, 0, sizeof(*t));
}

void pi_facts_set(struct pi_facts *f, enum pi_fact k, char *text, size_t len, const char *name)
{
	fact_clear(&f->t[k]);
	f->t[k].text = text;
	f->t[k].len = len;
	f->t[k].name = xstrdup(name);
}

void pi_facts_set_missing(struct pi_facts *f, enum pi_fact k, const char *name, const char *why)
{
	fact_clear(&f->t[k]);
	f->t[k].name = xstrdup(name);
	f->t[k].missing = xstrdup(why);
}

static const char *const vc_args[] = {"otp_dump", "bootloader_version", "bootloader_config"};
static const enum pi_fact vc_facts[] = {FACT_OTP, FACT_BLVERSION, FACT_BOOTCONF};

/* Paths under $PINETBOOT_SYSROOT when set (tests give a fake /proc and /sys), else as is.
 * Heap string, caller frees. */
static char *sys_path(const char *path)
{
	const char *root = getenv("PINETBOOT_SYSROOT");
	return xasprintf("%s%s", root ? root : "", path);
}

static char *read_sys(const char *path, size_t max, size_t *len)
{
	char *p = sys_path(path);
	char *t = fs_read_file_max(p, max, len);
	free(p);
	return t;
}

/* The live config through the blconfig NVMEM device (spec §1.10), the way rpi-eeprom-config
 * reads it first: the alias names a device-tree node; the nvmem device whose of_node is that
 * node holds the text. Heap text or NULL. */
static char *read_blconfig_nvmem(size_t *len)
{
	size_t n;
	char *alias = read_sys("/sys/firmware/devicetree/base/aliases/blconfig", 4096, &n);
	if (!alias)
		return NULL;
	char *node = sys_path("/sys/firmware/devicetree/base");
	char *want_path = xasprintf("%s%s", node, alias);
	char *want = realpath(want_path, NULL), *text = NULL;
	char *pattern = sys_path("/sys/bus/nvmem/devices/*");
	glob_t g;
	if (want && glob(pattern, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc && !text; i++) {
			char *of = xasprintf("%s/of_node", g.gl_pathv[i]);
			char *real = realpath(of, NULL);
			if (real && strcmp(real, want) == 0) {
				char *nv = xasprintf("%s/nvmem", g.gl_pathv[i]);
				text = fs_read_file_max(nv, OUTPUT_MAX, len);
				free(nv);
			}
			free(real);
			free(of);
		}
		globfree(&g);
	}
	while (text && *len && (text[*len - 1] == '\0' || (unsigned char)text[*len - 1] == 0xff))
		text[--*len] = '\0'; /* the reserved memory is padded */
	free(pattern);
	free(want);
	free(want_path);
	free(node);
	free(alias);
	return text;
}

/* "timestamp N" from the device tree's build-timestamp (big-endian u32), so the version check
 * works without vcgencmd. Heap text or NULL. */
static char *read_dt_bootloader_version(size_t *len)
{
	size_t n;
	char *ts = read_sys("/proc/device-tree/chosen/bootloader/build-timestamp", 64, &n);
	if (!ts || n < 4) {
		free(ts);
		return NULL;
	}
	const unsigned char *b = (const unsigned char *)ts;
	uint32_t v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	free(ts);
	char *t = xasprintf("timestamp %u\n", v);
	*len = strlen(t);
	return t;
}

static void collect_vcgencmd(struct pi_facts *f, size_t i)
{
	char *t;
	size_t len;
	char *name = xasprintf("vcgencmd %s", vc_args[i]);
	char *argv[] = {"vcgencmd", (char *)vc_args[i], NULL};
	int rc = runcmd_capture(argv, NULL, 10, &t, &len);
	if (rc == 0)
		pi_facts_set(f, vc_facts[i], t, len, name);
	else {
		char *why = rc == 127 ? xstrdup("vcgencmd is not installed here")
			    : rc < 0  ? xstrdup("vcgencmd did not answer within 10 s")
				      : xasprintf("vcgencmd failed (exit %d): %.200s", rc,
						  t ? str_trim(t) : "");
		pi_facts_set_missing(f, vc_facts[i], name, why);
		free(why);
		free(t);
	}
	free(name);
}

void pi_facts_collect_local(struct pi_facts *f)
{
	size_t len;
	char *t;
	if (!f->t[FACT_CPUINFO].text && (t = read_sys("/proc/cpuinfo", OUTPUT_MAX, &len)))
		pi_facts_set(f, FACT_CPUINFO, t, len, "/proc/cpuinfo");
	if (!f->t[FACT_MAC].text && (t = read_sys("/sys/class/net/eth0/address", 64, &len)))
		pi_facts_set(f, FACT_MAC, t, len, "/sys/class/net/eth0/address");
	if (!f->t[FACT_BOOTCONF].text && (t = read_blconfig_nvmem(&len)))
		pi_facts_set(f, FACT_BOOTCONF, t, len, "the blconfig nvmem device");
	for (size_t i = 0; i < PNB_ARRAY_LEN(vc_args); i++)
		if (!f->t[vc_facts[i]].text)
			collect_vcgencmd(f, i);
	if (f->t[FACT_BLVERSION].missing && (t = read_dt_bootloader_version(&len)))
		pi_facts_set(f, FACT_BLVERSION, t, len,
			     "/proc/device-tree/chosen/bootloader/build-timestamp");
}

/* One fixed remote script: no part of it comes from user input. Sections are marked so the
 * outputs can be told apart, and a missing vcgencmd is reported, not fatal. */
static const char remote_script[] =
	"echo '@@pnb cpuinfo'; cat /proc/cpuinfo; "
	"echo '@@pnb mac'; cat /sys/class/net/eth0/address 2>/dev/null; "
	/* the live config from the blconfig nvmem device, as rpi-eeprom-config reads it */
	"b=/sys/firmware/devicetree/base; if [ -r $b/aliases/blconfig ]; then "
	"n=$(realpath \"$b$(tr -d '\\000' <$b/aliases/blconfig)\" 2>/dev/null); "
	"for d in /sys/bus/nvmem/devices/*; do "
	"if [ -n \"$n\" ] && [ \"$(realpath $d/of_node 2>/dev/null)\" = \"$n\" ]; then "
	"echo '@@pnb blconfig'; tr -d '\\000\\377' <$d/nvmem; echo; fi; done; fi; "
	"for c in otp_dump bootloader_version bootloader_config; do echo \"@@pnb $c\"; "
	"if command -v vcgencmd >/dev/null 2>&1; then vcgencmd $c 2>&1; echo \"@@pnb-rc $?\"; "
	"else echo '@@pnb-missing'; fi; done; "
	"t=/proc/device-tree/chosen/bootloader/build-timestamp; if [ -r $t ]; then "
	"echo '@@pnb dt_build_ts'; od -An -tx1 $t; fi; echo '@@pnb end'";

const char *pi_facts_remote_script(void)
{
	return remote_script;
}

/* The decimal number at s (at most n bytes, not NUL-terminated); -1 when there is none. */
static int bounded_int(const char *s, size_t n)
{
	int v = 0;
	size_t i = 0;
	for (; i < n && i < 6 && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (s[i] - '0');
	return i ? v : -1;
}

/* "od -An -tx1" of the device tree's build-timestamp: 4 hex bytes, big-endian. */
static void dt_build_ts(struct pi_facts *f, const char *dest, const char *body, size_t n)
{
	uint32_t v = 0;
	int bytes = 0, digits = 0;
	for (size_t i = 0; i < n && bytes < 4; i++) {
		int c = body[i], x = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (x < 0) {
			if (digits)
				bytes++, digits = 0;
			continue;
		}
		v = v << 4 | (uint32_t)x;
		if (++digits == 2)
			bytes++, digits = 0;
	}
	if (bytes < 4)
		return;
	char *name = xasprintf("the device tree's bootloader build-timestamp on %s", dest);
	char *t = xasprintf("timestamp %u\n", v);
	pi_facts_set(f, FACT_BLVERSION, t, strlen(t), name);
	free(name);
}

static void ssh_section(struct pi_facts *f, const char *dest, const char *sec, const char *body,
			size_t n)
{
	static const struct {
		const char *sec;
		enum pi_fact k;
	} map[] = {{"cpuinfo", FACT_CPUINFO}, {"mac", FACT_MAC}, {"otp_dump", FACT_OTP},
		   {"bootloader_version", FACT_BLVERSION}, {"bootloader_config", FACT_BOOTCONF}};
	if (strcmp(sec, "blconfig") == 0 && !f->t[FACT_BOOTCONF].text) {
		char *name = xasprintf("the blconfig nvmem device on %s", dest);
		char *copy = xmalloc(n + 1);
		memcpy(copy, body, n);
		copy[n] = '\0';
		pi_facts_set(f, FACT_BOOTCONF, copy, n, name);
		free(name);
		return;
	}
	if (strcmp(sec, "dt_build_ts") == 0 && !f->t[FACT_BLVERSION].text) {
		dt_build_ts(f, dest, body, n);
		return;
	}
	for (size_t i = 0; i < PNB_ARRAY_LEN(map); i++) {
		if (strcmp(map[i].sec, sec) != 0 || f->t[map[i].k].text)
			continue;
		char *name = xasprintf("%s%s on %s", map[i].k >= FACT_OTP && map[i].k <= FACT_BOOTCONF
							   ? "vcgencmd " : "", sec, dest);
		const char *rcmark = memmem(body, n, "@@pnb-rc ", 9);
		if (memmem(body, n, "@@pnb-missing", 13))
			pi_facts_set_missing(f, map[i].k, name, "vcgencmd is not installed on the Pi");
		else if (rcmark && bounded_int(rcmark + 9, (size_t)(body + n - rcmark - 9)) != 0)
			pi_facts_set_missing(f, map[i].k, name, "vcgencmd failed on the Pi");
		else if (map[i].k != FACT_MAC || n > 0) {
			size_t len = rcmark ? (size_t)(rcmark - body) : n;
			char *copy = xmalloc(len + 1); /* not xstrndup: the text may hold NULs */
			memcpy(copy, body, len);
			copy[len] = '\0';
			pi_facts_set(f, map[i].k, copy, len, name);
		}
		free(name);
	}
}

void pi_facts_parse_remote(struct pi_facts *f, const char *dest, const char *out, size_t len)
{
	const char *end = memmem(out, len, "@@pnb end", 9);
	if (!end)
		end = out + len;
	const char *p = memmem(out, len, "@@pnb ", 6);
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(out + len - p));
		if (!nl)
			break;
		char *sec_raw = xstrndup(p + 6, (size_t)(nl - p - 6)), *sec = str_trim(sec_raw);
		const char *body = nl + 1;
		const char *next;
		size_t left = (size_t)(out + len - body);
		if (left >= 6 && memcmp(body, "@@pnb ", 6) == 0)
			next = body; /* an empty section */
		else if ((next = memmem(body, left, "\n@@pnb ", 7)))
			next++;
		else
			next = end > body ? end : body;
		ssh_section(f, dest, sec, body, (size_t)(next - body));
		free(sec_raw);
		p = next;
	}
}

void pi_ssh_argv(char *argv[16], char cto[32], const char *dest, const char *ssh_config,
		 int timeout_s, const char *script)
{
	int n = 0;
	snprintf(cto, 32, "ConnectTimeout=%d", timeout_s);
	argv[n++] = "ssh";
	if (ssh_config) {
		argv[n++] = "-F";
		argv[n++] = (char *)ssh_config;
	}
	/* BatchMode: keys only, and an unknown or changed host key fails as ssh decides */
	argv[n++] = "-o";
	argv[n++] = "BatchMode=yes";
	argv[n++] = "-o";
	argv[n++] = cto;
	/* a Pi that stops answering mid-run (a long root copy included) ends the run within a
	 * minute instead of leaving it waiting on a dead connection */
	argv[n++] = "-o";
	argv[n++] = "ServerAliveInterval=15";
	argv[n++] = "-o";
	argv[n++] = "ServerAliveCountMax=4";
	argv[n++] = "-T";
	argv[n++] = "--";
	argv[n++] = (char *)dest;
	argv[n++] = (char *)script;
	argv[n] = NULL;
}

int pi_facts_collect_ssh(struct pi_facts *f, const char *dest, const char *ssh_config,
			 int timeout_s, char **err)
{
	*err = NULL;
	if (!dest || !*dest || dest[0] == '-' || strpbrk(dest, " \t\n'\"\\;$`")) {
		*err = xasprintf("\"%s\" is not USER@HOST", dest ? dest : "");
		return -1;
	}
	char cto[32], *argv[16];
	pi_ssh_argv(argv, cto, dest, ssh_config, timeout_s, remote_script);
	char *out;
	size_t len;
	int rc = runcmd_capture(argv, NULL, timeout_s + 30, &out, &len);
	const char *end = out ? memmem(out, len, "@@pnb end", 9) : NULL;
	if (rc != 0 || !end) {
		*err = rc == 127 ? xstrdup("the ssh client is not installed")
		       : rc < 0  ? xasprintf("ssh to %s did not finish in time", dest)
				 : xasprintf("ssh to %s failed (exit %d): %.300s", dest, rc,
					     out ? str_trim(out) : "");
		free(out);
		return -1;
	}
	pi_facts_parse_remote(f, dest, out, len);
	free(out);
	return 0;
}

static const char *const fact_files[FACT_COUNT] = {
	[FACT_CPUINFO] = "cpuinfo", [FACT_OTP] = "otp_dump", [FACT_BLVERSION] = "bootloader_version",
	[FACT_BOOTCONF] = "bootloader_config", [FACT_MAC] = "mac"};

int pi_facts_load_dir(struct pi_facts *f, const char *dir)
{
	int n = 0;
	for (int k = 0; k < FACT_COUNT; k++) {
		if (f->t[k].text)
			continue;
		char *path = xasprintf("%s/%s", dir, fact_files[k]);
		size_t len;
		char *t = fs_read_file_max(path, OUTPUT_MAX, &len);
		if (t) {
			pi_facts_set(f, (enum pi_fact)k, t, len, path);
			n++;
		}
		free(path);
	}
	return n;
}

int pi_facts_save_dir(const struct pi_facts *f, const char *dir)
{
	if (fs_mkdir_p(dir, 0755) < 0)
		return -1;
	for (int k = 0; k < FACT_COUNT; k++) {
		if (!f->t[k].text)
			continue;
		char *path = xasprintf("%s/%s", dir, fact_files[k]);
		int rc = fs_write_atomic(path, f->t[k].text, f->t[k].len, 0644);
		free(path);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int pi_facts_save_ssh(const char *dir, const char *dest)
{
	char *path = xasprintf("%s/ssh", dir), *text = xasprintf("%s\n", dest);
	int rc = fs_write_atomic(path, text, strlen(text), 0644);
	free(path);
	free(text);
	return rc;
}

char *pi_facts_default_dir(const char *site_path, const char *pi_name)
{
	const char *slash = site_path ? strrchr(site_path, '/') : NULL;
	if (!slash)
		return xasprintf("pis/%s", pi_name);
	return xasprintf("%.*s/pis/%s", (int)(slash - site_path), site_path, pi_name);
}

int cpuinfo_parse(const char *text, size_t len, const char *file, struct cpuinfo *ci,
		  struct problems *ps)
{
	memset(ci, 0, sizeof(*ci));
	char *copy = xstrndup(text, len), *save = NULL;
	int lineno = 0;
	int rc = 0;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		char *key = str_trim(line), *val = str_trim(colon + 1);
		if (strcmp(key, "Revision") == 0) {
			if (revision_parse(val, &ci->revision))
				ci->has_revision = true;
			else {
				problems_add(ps, PROBLEM_ERROR, file, lineno, NULL, "Revision",
					     "\"%s\" is not a revision code (4 to 8 hex digits, e.g. "
					     "c03114)",
					     val);
				rc = -1;
			}
		} else if (strcmp(key, "Serial") == 0) {
			size_t n = strlen(val);
			bool hex = n >= 8 && n <= 16;
			for (size_t i = 0; hex && i < n; i++)
				hex = isxdigit((unsigned char)val[i]);
			if (hex) {
				for (size_t i = 0; i <= n; i++)
					ci->serial[i] = (char)tolower((unsigned char)val[i]);
				ci->has_serial = true;
			} else {
				problems_add(ps, PROBLEM_ERROR, file, lineno, NULL, "Serial",
					     "\"%s\" is not a serial number (8 to 16 hex digits)",
					     val);
				rc = -1;
			}
		} else if (strcmp(key, "Model") == 0)
			snprintf(ci->model, sizeof(ci->model), "%s", val);
	}
	free(copy);
	if (!ci->has_revision && rc == 0) {
		problems_add(ps, PROBLEM_ERROR, file, 0, NULL, NULL,
			     "no 'Revision' line: this is not the /proc/cpuinfo of a Raspberry Pi");
		rc = -1;
	}
	return rc;
}
