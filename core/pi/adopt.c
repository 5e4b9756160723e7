/* adopt — the steps, their state, the remote side; root and boot files are in adopt_copy.c. */
#include "core/site/tftp_dir.h"
#include "core/pi/adopt.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/fsutil.h"
#include "core/base/runcmd.h"
#include "core/base/util.h"
#include "core/disk/rootcopy.h"
#include "core/base/bgjob.h"
#include "core/lab/iscsi_check.h"
#include "core/lab/vpi.h"
#include "core/pi/adopt_int.h"
#include "core/pi/bootconf.h"
#include "core/server/initramfs.h"
#include "core/site/secrets.h"
#include "core/site/site_draft.h"

const char *const adopt_step_names[ADOPT_NSTEPS] = {
	"readiness", "network client", "root filesystem", "boot files", "check", "boot order"};
const char *const adopt_step_keys[ADOPT_NSTEPS] = {"readiness", "client", "root",
						   "boot",      "check",  "order"};

#define REMOTE_OUT_MAX (1u << 20)

void adopt_emit(struct adopt *a, enum adopt_event_kind k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *t = xvasprintf(fmt, ap);
	va_end(ap);
	struct adopt_event e = {k, a->cur, t, 0, 0};
	if (k == ADOPT_EV_SKIP)
		a->skipped = true;
	if (a->o->event)
		a->o->event(&e, a->o->ud);
	free(t);
}

void adopt_progress(struct adopt *a, unsigned long long done, unsigned long long total)
{
	struct adopt_event e = {ADOPT_EV_PROGRESS, a->cur, "", done, total};
	if (a->o->event)
		a->o->event(&e, a->o->ud);
}

void adopt_test_kill(const char *key)
{
	const char *k = getenv("PNB_TEST_ADOPT_KILL");
	if (k && strcmp(k, key) == 0)
		raise(SIGKILL);
}

const char *adopt_sudo(const struct adopt *a)
{
	return !strcmp(a->sudo, "root")	    ? ""
	       : !strcmp(a->sudo, "password") ? "sudo -S -p '' "
					      : "sudo -n ";
}

char *adopt_state_dir(const char *site_path, const char *pi_name)
{
	return xasprintf("%s.adopt/%s", site_path, pi_name);
}

/* ---- the state file: one key=value a line, each value checked on the way in ---- */

static bool word_ok(const char *v, const char *extra)
{
	for (; *v; v++)
		if (!isalnum((unsigned char)*v) && !strchr(extra, *v))
			return false;
	return true;
}

/* restart: only what names this Pi's copy survives (its root UUID, whether adopt made the NFS
 * directory), so a second adoption writes the same files. */
static void state_load(struct adopt *a, bool restart)
{
	char *path = xasprintf("%s/state", a->dir);
	size_t len;
	char *t = fs_read_file_max(path, 65536, &len);
	free(path);
	if (!t)
		return;
	char *save = NULL;
	for (char *l = strtok_r(t, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(l, '=');
		if (!eq)
			continue;
		*eq = '\0';
		const char *k = l, *v = eq + 1;
		if (restart && strcmp(k, "uuid") && strcmp(k, "nfs_owned"))
			continue;
		if (!strcmp(k, "done")) {
			for (int i = 0; i < ADOPT_NSTEPS; i++)
				if (!strcmp(v, adopt_step_keys[i]))
					a->done[i] = true;
		} else if (!strcmp(k, "uuid") && strlen(v) == 36 && word_ok(v, "-"))
			snprintf(a->uuid, sizeof(a->uuid), "%s", v);
		else if (!strcmp(k, "bootdir") && (!strcmp(v, "/boot") || !strcmp(v, "/boot/firmware")))
			snprintf(a->bootdir, sizeof(a->bootdir), "%s", v);
		else if (!strcmp(k, "arch") && strlen(v) < sizeof(a->arch) && word_ok(v, "_"))
			snprintf(a->arch, sizeof(a->arch), "%s", v);
		else if (!strcmp(k, "sudo") && (!strcmp(v, "root") || !strcmp(v, "nopasswd")))
			snprintf(a->sudo, sizeof(a->sudo), "%s", v);
		else if (!strcmp(k, "dracut"))
			a->dracut = !strcmp(v, "1");
		else if (!strcmp(k, "staged"))
			a->staged = !strcmp(v, "1");
		else if (!strcmp(k, "nfs_owned"))
			a->nfs_owned = !strcmp(v, "1");
		else if (!strcmp(k, "root_off") && strlen(v) < sizeof(a->root_off) && word_ok(v, ""))
			snprintf(a->root_off, sizeof(a->root_off), "%s", v);
	}
	free(t);
}

int adopt_state_save(struct adopt *a)
{
	if (a->o->dry_run)
		return 0;
	struct sbuf b;
	sbuf_init(&b);
	sbuf_printf(&b, "# pinetboot adopt of [pi \"%s\"] by %s: steps done and what they found\n",
		    a->p->name, a->o->dest);
	for (int i = 0; i < ADOPT_NSTEPS; i++)
		if (a->done[i])
			sbuf_printf(&b, "done=%s\n", adopt_step_keys[i]);
	if (*a->uuid)
		sbuf_printf(&b, "uuid=%s\n", a->uuid);
	if (*a->bootdir)
		sbuf_printf(&b, "bootdir=%s\n", a->bootdir);
	if (*a->arch)
		sbuf_printf(&b, "arch=%s\n", a->arch);
	if (*a->sudo)
		sbuf_printf(&b, "sudo=%s\n", a->sudo);
	if (*a->root_off)
		sbuf_printf(&b, "root_off=%s\n", a->root_off);
	sbuf_printf(&b, "dracut=%d\nnfs_owned=%d\nstaged=%d\n", a->dracut, a->nfs_owned, a->staged);
	char *path = xasprintf("%s/state", a->dir);
	int rc = fs_mkdir_p(a->dir, 0700) == 0 ? fs_write_atomic(path, b.buf, b.len, 0600) : -1;
	if (rc < 0)
		adopt_emit(a, ADOPT_EV_FAIL, "cannot write %s: %s", path, strerror(errno));
	free(path);
	sbuf_done(&b);
	return rc;
}

/* ---- the remote side ---- */

static void ssh_argv(const struct adopt *a, const char *script, char *argv[16], char cto[32])
{
	pi_ssh_argv(argv, cto, a->o->dest, a->o->ssh_config, a->o->timeout > 0 ? a->o->timeout : 10,
		    script);
}

static void show(struct adopt *a, const char *script)
{
	adopt_emit(a, ADOPT_EV_COMMAND, "ssh %s '%s'", a->o->dest, script);
}

static char *err_tail(const char *path)
{
	size_t len;
	char *t = path ? fs_read_file_max(path, 1 << 16, &len) : NULL;
	if (!t)
		return xstrdup("");
	char *s = str_trim(t);
	size_t n = strlen(s);
	char *r = xstrdup(n > 600 ? s + n - 600 : s);
	free(t);
	return r;
}

/* read_only: the script only reads (step 1), so it runs under dry_run too */
/* A 0600 file holding the sudo password once for every sudo of script (each may ask: the
 * credential cache is per terminal and there is none), or NULL when nothing asks. The caller
 * unlinks and frees it. */
static char *password_file(const struct adopt *a, const char *script)
{
	if (!a->password)
		return NULL;
	size_t n = 0;
	for (const char *p = script; (p = strstr(p, "sudo -S")); p++)
		n++;
	if (!n)
		return NULL;
	struct sbuf b;
	sbuf_init(&b);
	for (size_t i = 0; i < n; i++)
		sbuf_printf(&b, "%s\n", a->password);
	char *path = fs_temp_file("adopt-pw", b.buf, b.len);
	explicit_bzero(b.buf, b.len);
	sbuf_done(&b);
	return path;
}

static void unlink_free(char *path)
{
	if (path)
		unlink(path);
	free(path);
}

static int remote(struct adopt *a, const char *script, const char *to, char **out, bool read_only)
{
	if (out)
		*out = NULL;
	show(a, script);
	if (a->o->dry_run && !read_only)
		return 0;
	char *argv[16], cto[32];
	ssh_argv(a, script, argv, cto);
	char *errp = fs_temp_file("adopt-ssh", "", 0), *pw = password_file(a, script);
	int pid, fd = runcmd_spawn_reader(argv, pw, errp, &pid);
	unlink_free(pw); /* the child has it open */
	if (fd < 0) {
		free(errp);
		return 255;
	}
	FILE *dst = to ? fopen(to, "we") : NULL;
	struct sbuf b;
	sbuf_init(&b);
	char buf[65536];
	ssize_t r;
	unsigned long long total = 0;
	bool wrote_ok = !to || dst;
	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		total += (unsigned long long)r;
		if (dst)
			wrote_ok &= fwrite(buf, 1, (size_t)r, dst) == (size_t)r;
		else if (b.len < REMOTE_OUT_MAX)
			sbuf_addn(&b, buf, (size_t)r);
		if (to && (total & ((1u << 22) - 1)) < (unsigned long long)r)
			adopt_progress(a, total, 0);
	}
	close(fd);
	if (dst && fclose(dst) != 0)
		wrote_ok = false;
	int rc = runcmd_wait(pid);
	if (rc != 0 || !wrote_ok) {
		char *e = err_tail(errp);
		adopt_emit(a, ADOPT_EV_INFO, "%s (exit %d)%s%s", !wrote_ok && to ? "cannot write here"
						: rc == 255 ? "ssh failed" : "the command failed on the Pi",
			   rc, *e ? ": " : "", e);
		free(e);
		if (!wrote_ok && rc == 0)
			rc = 1;
	}
	if (errp)
		unlink(errp);
	free(errp);
	if (out)
		*out = sbuf_take(&b);
	sbuf_done(&b);
	return rc;
}

int adopt_remote(struct adopt *a, const char *script, const char *to, char **out)
{
	return remote(a, script, to, out, false);
}

struct untar_ud {
	struct adopt *a;
	unsigned long long total;
};

static void untar_progress(uint64_t bytes, uint64_t entries, void *ud)
{
	(void)entries;
	const struct untar_ud *u = ud;
	/* df's figure is an estimate: never report more than all of it before the end */
	adopt_progress(u->a, u->total && bytes > u->total ? u->total : bytes, u->total);
	if (entries >= 512)
		adopt_test_kill("root-stream");
}

int adopt_remote_untar(struct adopt *a, const char *script, const char *dir, bool plain_only,
		       char *err, size_t errlen)
{
	show(a, script);
	if (a->o->dry_run)
		return 0;
	char *argv[16], cto[32];
	ssh_argv(a, script, argv, cto);
	char *errp = fs_temp_file("adopt-ssh", "", 0), *pw = password_file(a, script);
	int pid, fd = runcmd_spawn_reader(argv, pw, errp, &pid);
	unlink_free(pw);
	if (fd < 0) {
		snprintf(err, errlen, "cannot start ssh");
		free(errp);
		return -1;
	}
	/* the root's stream: about what df said it uses; the boot files: unknown */
	struct untar_ud ud = {a, plain_only ? 0 : a->root_used};
	int rc = rootcopy_untar(fd, dir, plain_only, untar_progress, &ud, err, errlen);
	close(fd);
	int st = runcmd_wait(pid);
	if (st != 0 && rc == 0) {
		char *e = err_tail(errp);
		snprintf(err, errlen, "tar on the Pi failed (exit %d): %s", st, e);
		free(e);
		rc = -1;
	}
	if (errp)
		unlink(errp);
	free(errp);
	return rc;
}

/* The body of section name ("@@pnb NAME" up to the next marker) of a remote script's output.
 * Heap string (caller frees), "" when absent. */
static char *section(const char *out, const char *name)
{
	char *mark = xasprintf("@@pnb %s\n", name);
	const char *s = out ? strstr(out, mark) : NULL;
	char *r;
	if (!s)
		r = xstrdup("");
	else {
		s += strlen(mark);
		const char *e = strstr(s, "\n@@pnb ");
		r = e ? xstrndup(s, (size_t)(e - s)) : xstrdup(s);
	}
	free(mark);
	return r;
}

/* ---- step 1: readiness ---- */

/* The Pi's OS, boot layout, root size and tools. A fixed script: nothing in it comes from
 * the user or the profile. */
static const char os_script[] =
	"echo '@@pnb os'; cat /etc/os-release 2>/dev/null; "
	"echo '@@pnb kver'; uname -r; echo '@@pnb arch'; uname -m; "
	"echo '@@pnb bootdir'; if [ -f /boot/firmware/config.txt ]; then echo /boot/firmware; "
	"elif [ -f /boot/config.txt ]; then echo /boot; fi; "
	"echo '@@pnb bootfiles'; for d in /boot/firmware /boot; do "
	"if [ -f $d/config.txt ]; then ls -1 $d; break; fi; done; "
	"echo '@@pnb rootdf'; df -Pk / | tail -n 1; "
	"echo '@@pnb rundf'; df -Pk /run | tail -n 1; "
	"echo '@@pnb tools'; for t in mkinitramfs dracut iscsistart tar rpi-eeprom-config "
	"NetworkManager dhcpcd systemd-networkd unshare sha256sum; do "
	"command -v $t >/dev/null 2>&1 && echo $t; done; "
	"echo '@@pnb netcfg'; [ -d /etc/NetworkManager ] && echo NetworkManager; "
	"[ -f /etc/dhcpcd.conf ] && echo dhcpcd; "
	"{ [ -f /etc/network/interfaces ] || [ -d /etc/network/interfaces.d ]; } && echo ifupdown; "
	"ls /etc/netplan/*.yaml >/dev/null 2>&1 && echo netplan; "
	"ls /etc/systemd/network/*.network >/dev/null 2>&1 && echo systemd-networkd; "
	"echo '@@pnb sudo'; if [ \"$(id -u)\" = 0 ]; then echo root; "
	"elif sudo -n true 2>/dev/null; then echo nopasswd; else echo password; fi; "
	"echo '@@pnb end'";

static bool has_line(const char *text, const char *word)
{
	size_t n = strlen(word);
	for (const char *l = text; l && *l;) {
		if (!strncmp(l, word, n) && (l[n] == '\n' || l[n] == '\0'))
			return true;
		l = strchr(l, '\n');
		if (l)
			l++;
	}
	return false;
}

/* The network managers configured on the Pi (of the ones adopt_net knows), kept for the
 * dry run's word on step 3 and said now. */
static void net_config(struct adopt *a, const char *out)
{
	static const char *const known[] = {"NetworkManager", "dhcpcd", "ifupdown", "netplan",
					    "systemd-networkd"};
	char *t = section(out, "netcfg");
	a->netcfg[0] = '\0';
	for (size_t i = 0; i < PNB_ARRAY_LEN(known); i++)
		if (has_line(t, known[i]))
			snprintf(a->netcfg + strlen(a->netcfg), sizeof(a->netcfg) - strlen(a->netcfg), "%s%s",
				 *a->netcfg ? ", " : "", known[i]);
	free(t);
	if (*a->netcfg)
		adopt_emit(a, ADOPT_EV_INFO, "network configuration on the Pi: %s (in the copy, each "
					     "keeps eth0 as the initramfs set it up)",
			   a->netcfg);
}

/* The profile has no [pi NAME]: it gets one with the model, serial and MAC the Pi reported (the
 * rest stays at the defaults), written the way the wizard saves (site_draft), then the site is
 * loaded again from it. Under dry_run only said. Returns 0 or -1. */
static int create_entry(struct adopt *a, const struct readiness *r)
{
	if (r->model == PI_MODEL_UNKNOWN || !r->has_serial || !r->has_mac) {
		adopt_emit(a, ADOPT_EV_FAIL, "the Pi did not say its model, serial and MAC: [pi \"%s\"] "
					     "cannot be added from it",
			   a->o->pi_name);
		return -1;
	}
	char mac[18];
	mac_format(r->mac, ':', mac);
	struct problems ps;
	problems_init(&ps);
	struct site_draft d;
	int rc = draft_load(&d, a->o->site_path, &ps);
	char *ini = NULL;
	if (rc == 0) {
		struct draft_pi *dp = draft_add_pi(&d, a->o->pi_name);
		draft_set(&dp->val[PK_MODEL], model_info(r->model)->name);
		draft_set(&dp->val[PK_SERIAL], r->serial);
		draft_set(&dp->val[PK_MAC], mac);
		ini = draft_to_ini(&d);
		struct site ns;
		rc = profile_load_string(a->o->site_path, ini, &ns, &ps);
		if (rc == 0) {
			char *sec = secrets_path_for(a->o->site_path);
			rc = secrets_ensure(&ns, sec, !a->o->dry_run, &ps);
			free(sec);
		}
		if (rc == 0) {
			site_done(&a->s);
			a->s = ns;
			a->p = site_find_pi(&a->s, a->o->pi_name);
		} else
			site_done(&ns);
	}
	draft_done(&d);
	if (rc == 0 && !a->o->dry_run && fs_write_atomic(a->o->site_path, ini, strlen(ini), 0644) < 0)
		rc = -1;
	if (rc == 0)
		adopt_emit(a, ADOPT_EV_INFO, "%s [pi \"%s\"] to %s: model = %s, serial = %s, mac = %s "
					     "(export and apply the profile so the server serves it)",
			   a->o->dry_run ? "would add" : "added", a->o->pi_name, a->o->site_path,
			   model_info(r->model)->name, r->serial, mac);
	else
		adopt_emit(a, ADOPT_EV_FAIL, "[pi \"%s\"] could not be added to %s%s%s", a->o->pi_name,
			   a->o->site_path, ps.n ? ": " : "", ps.n ? ps.items[0].message : "");
	free(ini);
	problems_done(&ps);
	return rc == 0 && a->p ? 0 : -1;
}

static int step_readiness(struct adopt *a)
{
	struct pi_facts f;
	pi_facts_init(&f);
	adopt_emit(a, ADOPT_EV_COMMAND, "ssh %s '%s'", a->o->dest, pi_facts_remote_script());
	char *out = NULL;
	int rc = 0;
	char *err = NULL;
	if (pi_facts_collect_ssh(&f, a->o->dest, a->o->ssh_config, a->o->timeout, &err) < 0) {
		adopt_emit(a, ADOPT_EV_FAIL, "%s", err);
		free(err);
		pi_facts_done(&f);
		return 2;
	}
	if (remote(a, os_script, NULL, &out, true) != 0 || !strstr(out, "@@pnb end")) {
		adopt_emit(a, ADOPT_EV_FAIL, "the Pi's OS facts could not be read over ssh");
		free(out);
		pi_facts_done(&f);
		return 2;
	}
	struct readiness r;
	readiness_evaluate(&f, &a->s, a->p, &r);
	if (a->creating) {
		if (create_entry(a, &r) < 0) {
			readiness_done(&r);
			pi_facts_done(&f);
			free(out);
			return 2;
		}
		a->creating = false;
		readiness_done(&r);
		readiness_evaluate(&f, &a->s, a->p, &r);
	}
	char mac[18] = "unknown";
	if (r.has_mac)
		mac_format(r.mac, ':', mac);
	adopt_emit(a, ADOPT_EV_INFO, "Pi: %s, serial %s, MAC %s",
		   r.model != PI_MODEL_UNKNOWN ? model_info(r.model)->long_name : "unknown model",
		   r.has_serial ? r.serial : "unknown", mac);
	if (r.has_bootconf)
		adopt_emit(a, ADOPT_EV_INFO, "boot order: %s (%s)",
			   r.boot_order_words ? r.boot_order_words : "?", r.boot_order);
	if (r.has_otp && !model_uses_eeprom(r.model))
		adopt_emit(a, ADOPT_EV_INFO, "OTP row 17: %08x (%s)", r.otp.row17,
			   r.otp.boot == OTP_BOOT_ENABLED ? "network boot enabled" : "network boot off");
	int bad = 0;
	for (size_t i = 0; i < r.ps.n; i++) {
		const struct problem *pr = &r.ps.items[i];
		char *s = problem_format(pr);
		adopt_emit(a, ADOPT_EV_INFO, "%s", s);
		free(s);
		/* the profile must describe this Pi; a boot order not yet set is what step 6 fixes */
		if (pr->severity == PROBLEM_ERROR && pr->key &&
		    (!strcmp(pr->key, "model") || !strcmp(pr->key, "serial") || !strcmp(pr->key, "mac")))
			bad++;
	}
	char *kver = section(out, "kver"), *arch = section(out, "arch"), *bd = section(out, "bootdir");
	char *files = section(out, "bootfiles"), *df = section(out, "rootdf");
	char *rundf = section(out, "rundf");
	char *tools = section(out, "tools"), *sudo = section(out, "sudo"), *os = section(out, "os");
	str_trim(kver), str_trim(arch), str_trim(bd), str_trim(sudo);
	const char *pretty = strstr(os, "PRETTY_NAME=");
	char osname[128] = "unknown";
	if (pretty)
		snprintf(osname, sizeof(osname), "%.*s", (int)strcspn(pretty + 12, "\n"), pretty + 12);
	unsigned long long used_k = 0, avail_k = 0;
	sscanf(df, "%*s %*s %llu %llu", &used_k, &avail_k);
	adopt_emit(a, ADOPT_EV_INFO, "OS: %s, kernel %s (%s), boot files in %s, root uses %llu MiB",
		   osname, kver, arch, *bd ? bd : "(none found)", used_k / 1024);
	a->root_used = used_k * 1024;
	if (strcmp(bd, "/boot") && strcmp(bd, "/boot/firmware")) {
		adopt_emit(a, ADOPT_EV_FAIL, "no config.txt in /boot/firmware or /boot: is this a "
					     "Raspberry Pi OS (or Ubuntu/Debian for the Pi)?");
		bad++;
	}
	snprintf(a->bootdir, sizeof(a->bootdir), "%s", bd);
	snprintf(a->arch, sizeof(a->arch), "%s", word_ok(arch, "_") ? arch : "");
	a->dracut = !has_line(tools, "mkinitramfs") && has_line(tools, "dracut");
	net_config(a, out);
	if (!strcmp(sudo, "password")) {
		if (!a->password && a->o->password) {
			char *prompt = xasprintf("sudo password for %s: ", a->o->dest);
			a->password = a->o->password(prompt, a->o->ud);
			free(prompt);
		}
		snprintf(a->sudo, sizeof(a->sudo), "password");
		/* a password with a line break would feed sudo two answers */
		if (!a->password || strpbrk(a->password, "\r\n")) {
			adopt_emit(a, ADOPT_EV_FAIL, "%s needs a password for sudo and none was given: "
						     "run at a terminal, give --sudo-password-file, or log in as root",
				   a->o->dest);
			bad++;
		} else if (remote(a, "sudo -S -p '' true", NULL, NULL, true) != 0) {
			adopt_emit(a, ADOPT_EV_FAIL, "sudo on %s did not take the password", a->o->dest);
			bad++;
		} else
			adopt_emit(a, ADOPT_EV_INFO, "sudo with the password given (asked once, fed on stdin)");
	} else
		snprintf(a->sudo, sizeof(a->sudo), "%s", !strcmp(sudo, "root") ? "root" : "nopasswd");
	if (!has_line(tools, "tar")) {
		adopt_emit(a, ADOPT_EV_FAIL, "tar is not installed on the Pi (the root is copied with it)");
		bad++;
	}
	if (!has_line(tools, "sha256sum")) {
		adopt_emit(a, ADOPT_EV_FAIL, "sha256sum is not on the Pi (the copy is compared with "
					     "its list of the root's files and their SHA-256)");
		bad++;
	}
	if (a->s.root == ROOT_ISCSI && !has_line(tools, "unshare")) {
		adopt_emit(a, ADOPT_EV_FAIL, "unshare (util-linux) is not on the Pi: step 2 adds the "
					     "iSCSI client in an overlay of its own mount namespace");
		bad++;
	}
	unsigned long long run_avail_k = 0;
	if (a->s.root == ROOT_ISCSI && sscanf(rundf, "%*s %*s %*s %llu", &run_avail_k) == 1 &&
	    run_avail_k < 128 * 1024)
		adopt_emit(a, ADOPT_EV_INFO, "warning: /run on the Pi has %llu MiB free; step 2 keeps "
					     "open-iscsi and the initramfs it builds there (RAM) and may "
					     "run out",
			   run_avail_k / 1024);
	if (a->s.root == ROOT_ISCSI && !has_line(tools, "mkinitramfs") && !has_line(tools, "dracut")) {
		adopt_emit(a, ADOPT_EV_FAIL, "neither initramfs-tools nor dracut is on the Pi: it cannot "
					     "build the initramfs that logs in to iSCSI");
		bad++;
	}
	if (a->s.root == ROOT_ISCSI && a->dracut != (a->s.initramfs == INITRAMFS_DRACUT))
		adopt_emit(a, ADOPT_EV_INFO, "the Pi builds its initramfs with %s but the profile says "
					     "initramfs = %s: cmdline.txt follows the profile",
			   a->dracut ? "dracut" : "initramfs-tools", initramfs_names[a->s.initramfs]);
	if (a->s.root == ROOT_ISCSI && a->p->size && used_k * 1024 + used_k * 256 > a->p->size) {
		/* df may count more than the copy takes (other mounts, a container): step 3 measures */
		char sz[24];
		size_format(a->p->size, sz);
		adopt_emit(a, ADOPT_EV_INFO, "warning: df says the root uses %llu MiB, more than the "
					     "profile's size = %s holds; step 3 measures the copy itself",
			   used_k / 1024, sz);
	}
	(void)files;
	char *fdir = pi_facts_default_dir(a->o->site_path, a->p->name);
	if (!a->o->dry_run && pi_facts_save_dir(&f, fdir) == 0) {
		/* and how it was reached: the wizard's Readiness step offers Adopt for it */
		pi_facts_save_ssh(fdir, a->o->dest);
		adopt_emit(a, ADOPT_EV_INFO, "what the Pi said is kept in %s (check --facts reads it)", fdir);
	}
	free(fdir);
	if (bad && !r.bad_input)
		adopt_emit(a, ADOPT_EV_FAIL, "the Pi does not match [pi \"%s\"] of %s, or cannot be "
					     "adopted as it is (see above)",
			   a->p->name, a->o->site_path);
	rc = bad ? 2 : 0;
	adopt_test_kill("readiness");
	readiness_done(&r);
	pi_facts_done(&a->facts);
	a->facts = f; /* the step that changes the boot order decides from it */
	free(kver), free(arch), free(bd), free(files), free(df), free(tools), free(sudo), free(os);
	free(rundf);
	free(out);
	return rc;
}

/* ---- step 2: the initramfs's iSCSI client ---- */

int adopt_step_client(struct adopt *a)
{
	if (a->s.root != ROOT_ISCSI) {
		adopt_emit(a, ADOPT_EV_SKIP, "an NFS root needs no initramfs client: the kernel mounts it");
		return 0;
	}
	/* Everything happens in an overlay of the Pi's root whose upper layer is in /run (RAM):
	 * open-iscsi installed there (its services kept from starting: policy-rc.d; the package's
	 * trigger kept from rebuilding /boot's initramfs), the iSCSI marker, and the initramfs
	 * built from that view into /run. The SD card is not written; step 3 copies the root
	 * through the same overlay, so the new root has the package and the marker. */
	char *script = xasprintf(
		"%sunshare -m --propagation unchanged sh -ec '" ADOPT_OVL_PRIVATE
		"M=$D/merged; K=$(uname -r); rm -rf $D; mkdir -m 0700 $D; "
		"mkdir $D/upper $D/work $M $D/out; " ADOPT_OVL_MOUNT
		"mount -t proc proc $M/proc; mount --rbind /sys $M/sys; mount --rbind /dev $M/dev; "
		"mount -t tmpfs -o mode=0755 pinetboot-run $M/run; mkdir $M/run/pinetboot-out; "
		"mount --bind $D/out $M/run/pinetboot-out; P=; "
		"if ! chroot $M sh -c \"command -v iscsistart\" >/dev/null; then "
		"[ -e $M/usr/sbin/policy-rc.d ] || { printf \"#!/bin/sh\\nexit 101\\n\" "
		">$M/usr/sbin/policy-rc.d; chmod 0755 $M/usr/sbin/policy-rc.d; P=1; }; "
		"C=$M/etc/initramfs-tools/update-initramfs.conf; "
		"[ ! -f $C ] || { cp -p $C $D/uic; echo update_initramfs=no >>$C; }; "
		"chroot $M env DEBIAN_FRONTEND=noninteractive apt-get install -y open-iscsi; "
		"[ ! -f $D/uic ] || cp -p $D/uic $C; [ -z \"$P\" ] || rm -f $M/usr/sbin/policy-rc.d; fi; "
		"if chroot $M sh -c \"command -v mkinitramfs\" >/dev/null; then mkdir -p $M/etc/iscsi; "
		"touch $M/etc/iscsi/iscsi.initramfs; chroot $M mkinitramfs -o /run/pinetboot-out/initrd.img $K; "
		"else chroot $M dracut --force --add iscsi /run/pinetboot-out/initrd.img $K; fi; "
		"chmod 0644 $D/out/initrd.img'",
		adopt_sudo(a));
	int rc = adopt_remote(a, script, NULL, NULL);
	free(script);
	if (rc != 0) {
		adopt_emit(a, ADOPT_EV_FAIL, "building the initramfs with iSCSI in an overlay on the Pi "
					     "failed (exit %d)", rc);
		return 2;
	}
	adopt_test_kill("client");
	char *local = xasprintf("%s/initrd.img", a->dir);
	char *cat = xasprintf("%scat " ADOPT_PI_DIR "/out/initrd.img", adopt_sudo(a));
	rc = adopt_remote(a, cat, local, NULL);
	free(cat);
	if (rc != 0) {
		adopt_emit(a, ADOPT_EV_FAIL, "cannot fetch the initramfs from the Pi");
		rc = 2;
	} else if (!a->o->dry_run) {
		/* what the kernel will unpack, every cpio segment of it (core/server/initramfs) */
		struct initramfs_info ii = {0};
		char err[256];
		char *gap = NULL;
		if (initramfs_inspect_file(local, &ii, err, sizeof(err)) < 0)
			gap = xasprintf("%s", err);
		else
			gap = initramfs_iscsi_gap(&ii);
		if (gap) {
			adopt_emit(a, ADOPT_EV_FAIL, "the initramfs the Pi built cannot log in to iSCSI: %s%s%s",
				   gap, ii.generator ? "; " : "", ii.generator ? initramfs_iscsi_fix(&ii) : "");
			rc = 2;
		} else
			adopt_emit(a, ADOPT_EV_INFO, "the initramfs carries iscsistart and the %s iSCSI login "
						     "(%d cpio segment%s, %s; %zu files)",
				   ii.generator, ii.segments, ii.segments == 1 ? "" : "s", ii.compression,
				   ii.files);
		free(gap);
	}
	free(local);
	return rc;
}

/* ---- step 5: the new root, checked the way the Pi will use it ---- */

struct sim {
	struct adopt *a;
	struct vpi *v;
	char *err;
};

/* What `pinetboot simulate` does, on a thread of its own: vpi_net_up moves the calling thread
 * into the virtual Pi's namespace. */
static void sim_run(void *arg)
{
	struct sim *x = arg;
	struct vpi_opts o = {.timeout = 60};
	x->v = vpi_new(&x->a->s, x->a->p, x->a->s.interface, &o, &x->err);
	if (!x->v)
		return;
	if (vpi_net_up(x->v, &x->err) == 0)
		vpi_run(x->v);
	vpi_net_down(x->v);
}

/* Where the server is this host (its interface holds an address here): a virtual Pi of this
 * model boots from what adopt wrote, through the daemons running now. */
static int simulate_here(struct adopt *a)
{
	if (a->o->no_simulate || !vpi_iface_is_local(a->s.interface)) {
		adopt_emit(a, ADOPT_EV_INFO, "%s: pinetboot simulate --site %s --pi %s -i IFACE from a "
					     "machine on the Pi's LAN boots it virtually",
			   a->o->no_simulate ? "no virtual Pi (--no-simulate)"
					     : "the server is not this host",
			   a->o->site_path, a->p->name);
		return 0;
	}
	adopt_emit(a, ADOPT_EV_COMMAND, "pinetboot simulate --site %s --pi %s -i %s", a->o->site_path,
		   a->p->name, a->s.interface);
	struct sim x = {a, NULL, NULL};
	struct bgjob *j = bgjob_start(sim_run, &x);
	if (!j) {
		adopt_emit(a, ADOPT_EV_FAIL, "cannot start the virtual Pi's thread");
		return 2;
	}
	bgjob_join(j);
	int rc = 0;
	if (!x.v || x.err) {
		adopt_emit(a, ADOPT_EV_FAIL, "the virtual Pi could not start: %s", x.err ? x.err : "?");
		rc = 1;
	} else if (x.v->reached == STAGE_ROOT_IN_USE)
		adopt_emit(a, ADOPT_EV_INFO, "a virtual %s reached stage 8 \"root in use\"",
			   model_info(a->p->model)->long_name);
	else {
		adopt_emit(a, ADOPT_EV_FAIL, "a virtual Pi stopped at stage %d \"%s\": %s%s%s", x.v->failed,
			   boot_stage_names[x.v->failed], x.v->cause ? x.v->cause : "",
			   x.v->fix ? "; " : "", x.v->fix ? x.v->fix : "");
		rc = 1;
	}
	vpi_free(x.v);
	free(x.err);
	return rc;
}

static int step_check(struct adopt *a)
{
	if (a->o->dry_run) {
		adopt_emit(a, ADOPT_EV_INFO, "would log in to %s as the Pi does and read its root and fstab",
			   a->s.root == ROOT_ISCSI ? a->p->target : a->p->nfs_path);
		return 0;
	}
	if (a->s.root == ROOT_NFS) {
		/* the kernel mounts the export itself; then it runs the first of these it finds */
		static const char *const inits[] = {"sbin/init", "etc/init", "bin/init", "bin/sh"};
		char *fst = xasprintf("%s/etc/fstab", a->p->nfs_path);
		bool ok = access(fst, R_OK) == 0;
		const char *found = NULL;
		struct stat st;
		for (size_t i = 0; i < PNB_ARRAY_LEN(inits) && !found; i++) {
			char *path = xasprintf("%s/%s", a->p->nfs_path, inits[i]);
			if (lstat(path, &st) == 0)
				found = inits[i];
			free(path);
		}
		if (ok && found)
			adopt_emit(a, ADOPT_EV_INFO, "%s has /etc/fstab and /%s (what the kernel starts)",
				   a->p->nfs_path, found);
		else
			adopt_emit(a, ADOPT_EV_FAIL, "%s lacks %s", a->p->nfs_path,
				   !ok ? "/etc/fstab" : "an init (/sbin/init, /bin/sh)");
		free(fst);
		return ok && found ? simulate_here(a) : 1;
	}
	struct iscsi_check_opts io;
	char *hold[ICHECK_HOLD] = {0}, *err = NULL;
	if (iscsi_check_opts_from_site(&a->s, a->p, &io, hold, &err) < 0) {
		adopt_emit(a, ADOPT_EV_FAIL, "%s", err);
		free(err);
		return 2;
	}
	adopt_emit(a, ADOPT_EV_COMMAND, "pinetboot iscsi-check --site %s --pi %s", a->o->site_path,
		   a->p->name);
	struct iscsi_check *c = iscsi_check_new(&io);
	int rc = iscsi_check_run(c);
	for (size_t i = 0; i < c->n_lines; i++)
		adopt_emit(a, ADOPT_EV_INFO, "%s %s", icheck_level_names[c->lines[i].level], c->lines[i].text);
	if (rc != 0)
		adopt_emit(a, ADOPT_EV_FAIL, "the new root does not check out: %s%s%s (is the export "
					     "applied and the target serving %s?)",
			   c->cause ? c->cause : "?", c->fix ? "; " : "", c->fix ? c->fix : "", a->p->backing);
	iscsi_check_free(c);
	for (int i = 0; i < ICHECK_HOLD; i++)
		free(hold[i]);
	return rc ? 1 : simulate_here(a);
}

/* ---- step 6: boot order, last ---- */

static char *shell_quote(const char *s)
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_addc(&b, '\'');
	for (; *s; s++)
		if (*s == '\'')
			sbuf_add(&b, "'\\''");
		else
			sbuf_addc(&b, *s);
	sbuf_addc(&b, '\'');
	return sbuf_take(&b);
}

/* Asks (unless dry_run, or yes_ok and --yes), then runs script. Returns 0 run, 1 not
 * confirmed (the command is shown for the user to run), 2 failed. */
static int confirm_run(struct adopt *a, const char *question, bool permanent, bool yes_ok,
		       const char *script, const char *done)
{
	bool yes = a->o->dry_run || (yes_ok && a->o->yes) ||
		   (a->o->confirm && a->o->confirm(question, permanent, a->o->ud));
	adopt_test_kill("order");
	if (!yes) {
		show(a, script);
		adopt_emit(a, ADOPT_EV_FAIL, "not confirmed: nothing changed (%s, or run the command "
					     "above yourself)",
			   permanent ? "confirm at a terminal" : "run again with --yes");
		return 1;
	}
	if (adopt_remote(a, script, NULL, NULL) != 0) {
		adopt_emit(a, ADOPT_EV_FAIL, "the change failed on the Pi");
		return 2;
	}
	adopt_emit(a, ADOPT_EV_INFO, "%s", done);
	return 0;
}

static int step_order(struct adopt *a)
{
	const struct pi_facts *fp = &a->facts;
	struct readiness r;
	readiness_evaluate(fp, &a->s, a->p, &r);
	int rc = 0;
	const struct pi_model_info *mi = model_info(a->p->model);
	if (r.ready) {
		adopt_emit(a, ADOPT_EV_SKIP, "the Pi already tries the network: %s",
			   r.boot_order_words ? r.boot_order_words : r.verdict);
	} else if (mi->enable == NETBOOT_EEPROM) {
		const struct pi_text *bc = &fp->t[FACT_BOOTCONF];
		struct boot_order bo;
		if (!boot_order_parse(r.boot_order, &bo) || !bc->text) {
			adopt_emit(a, ADOPT_EV_FAIL, "the bootloader config was not read: %s",
				   bc->missing ? bc->missing : "vcgencmd bootloader_config said nothing");
			rc = 2;
			goto out;
		}
		/* network first, then what was there (the SD card stays a way to boot) */
		char digits[12];
		size_t n = 0;
		for (const char *d = bo.digits; *d && n + 2 < sizeof(digits); d++)
			if (*d != '2')
				digits[n++] = *d;
		digits[n++] = '2';
		digits[n] = '\0';
		char *assign[3];
		int na = 0;
		assign[na++] = xasprintf("BOOT_ORDER=0x%s", digits);
		assign[na++] = xasprintf("TFTP_PREFIX=%d", pi_tftp_prefix_setting(a->p->prefix));
		char *pstr = pi_tftp_prefix_str_setting(a->p, a->p->name);
		if (pstr)
			assign[na++] = xasprintf("TFTP_PREFIX_STR=%s", pstr);
		free(pstr);
		struct problems ps;
		problems_init(&ps);
		char *text = bootconf_edit(bc->text, bc->len, assign, (size_t)na, &ps);
		problems_done(&ps);
		if (!text) {
			adopt_emit(a, ADOPT_EV_FAIL, "cannot edit the bootloader config");
			rc = 2;
		} else {
			char *q = shell_quote(text);
			char *script = xasprintf("printf '%%s' %s >/var/tmp/pinetboot-bootconf.txt && "
						 "%srpi-eeprom-config --apply /var/tmp/pinetboot-bootconf.txt; "
						 "r=$?; rm -f /var/tmp/pinetboot-bootconf.txt; exit $r",
						 q, adopt_sudo(a));
			adopt_emit(a, ADOPT_EV_INFO, "the EEPROM gets BOOT_ORDER=0x%s (network first, then "
						     "as before) and %s; the SD card still boots if the network "
						     "does not; rpi-eeprom-config can set it back",
				   digits, assign[1]);
			rc = confirm_run(a, "Change the Pi's EEPROM boot order now?", false, true, script,
					 "the new boot order takes effect at the next reboot");
			free(q);
			free(script);
			free(text);
		}
		for (int i = 0; i < na; i++)
			free(assign[i]);
	} else if (mi->enable == NETBOOT_OTP) {
		char *script = xasprintf("grep -q '^program_usb_boot_mode=1' %s/config.txt || "
					 "echo program_usb_boot_mode=1 | %stee -a %s/config.txt",
					 a->bootdir, adopt_sudo(a), a->bootdir);
		adopt_emit(a, ADOPT_EV_INFO, "network boot on this %s is a bit in its OTP memory: "
					     "PERMANENT, it cannot be undone (SD boot keeps working). "
					     "config.txt gets program_usb_boot_mode=1; the next reboot burns it",
			   mi->long_name);
		/* --yes does not cover OTP: it is asked every time */
		rc = confirm_run(a, "Program the OTP bit (permanent)?", true, false, script,
				 "reboot once from the SD card to burn the bit, then take "
				 "program_usb_boot_mode=1 out of config.txt");
		free(script);
	} else {
		adopt_emit(a, ADOPT_EV_FAIL, "%s: %s", r.verdict, r.action ? r.action : "no way to change it over ssh");
		rc = 2;
	}
out:
	readiness_done(&r);
	return rc;
}

/* ---- the run ---- */

static int load(struct adopt *a)
{
	struct problems ps;
	problems_init(&ps);
	int rc = profile_load(a->o->site_path, &a->s, &ps);
	if (rc == 0) {
		char *sec = secrets_path_for(a->o->site_path);
		rc = secrets_ensure(&a->s, sec, !a->o->dry_run, &ps);
		free(sec);
	}
	for (size_t i = 0; i < ps.n; i++) {
		if (ps.items[i].severity != PROBLEM_ERROR)
			continue;
		char *t = problem_format(&ps.items[i]);
		adopt_emit(a, ADOPT_EV_FAIL, "%s", t);
		free(t);
	}
	problems_done(&ps);
	if (rc < 0)
		return -1;
	a->p = site_find_pi(&a->s, a->o->pi_name);
	if (!a->p) {
		/* step 1 adds it from what the Pi says; the name must be one the profile takes */
		struct site_draft d;
		struct problems dps;
		problems_init(&dps);
		char *why = draft_load(&d, a->o->site_path, &dps) == 0
				    ? draft_check_pi_name(&d, a->o->pi_name, SIZE_MAX)
				    : xstrdup("the profile cannot be read");
		draft_done(&d);
		problems_done(&dps);
		if (why) {
			adopt_emit(a, ADOPT_EV_FAIL, "[pi \"%s\"]: %s", a->o->pi_name, why);
			free(why);
			return -1;
		}
		a->creating = true;
		return 0;
	}
	if (a->s.root == ROOT_ISCSI && a->p && !a->p->backing) {
		adopt_emit(a, ADOPT_EV_FAIL, "[pi \"%s\"] has no backing file", a->p->name);
		return -1;
	}
	return 0;
}

int adopt_run(const struct adopt_opts *o)
{
	struct adopt a;
	memset(&a, 0, sizeof(a));
	a.o = o;
	pi_facts_init(&a.facts);
	if (!o->dest || !*o->dest || o->dest[0] == '-' || strpbrk(o->dest, " \t\n'\"\\;$`")) {
		adopt_emit(&a, ADOPT_EV_FAIL, "\"%s\" is not USER@HOST", o->dest ? o->dest : "");
		return 2;
	}
	if (load(&a) < 0) {
		site_done(&a.s);
		return 2;
	}
	a.dir = adopt_state_dir(o->site_path, o->pi_name);
	state_load(&a, o->restart);
	if (!o->dry_run && fs_mkdir_p(a.dir, 0700) < 0) {
		adopt_emit(&a, ADOPT_EV_FAIL, "cannot make %s: %s", a.dir, strerror(errno));
		free(a.dir);
		site_done(&a.s);
		return 2;
	}
	static const char *const what[ADOPT_NSTEPS] = {
		"read the Pi's model, serial, MAC, bootloader and OS; check them against the profile",
		("give the Pi's initramfs the iSCSI client (open-iscsi and the initramfs in an overlay in "
		 "/run: the SD card is not written)"),
		"copy the running root (tar over ssh) into the network root",
		("copy the boot files into the Pi's TFTP directory; cmdline.txt, config.txt and fstab "
		 "for the new root"),
		"check the new root the way the Pi will use it",
		"let the Pi try the network first (the SD card stays after it); asks first"};
	int (*const run[ADOPT_NSTEPS])(struct adopt *) = {step_readiness, adopt_step_client, adopt_step_root,
							   adopt_step_boot, step_check, step_order};
	int rc = 0;
	for (int i = 0; i < ADOPT_NSTEPS && rc == 0; i++) {
		a.cur = (enum adopt_step)i;
		/* readiness is cheap and tells what changed: it always runs */
		if (a.done[i] && i != ADOPT_READINESS && i != ADOPT_VERIFY) {
			adopt_emit(&a, ADOPT_EV_SKIP, "done by an earlier run (%s/state)", a.dir);
			continue;
		}
		adopt_emit(&a, ADOPT_EV_STEP, "%s", what[i]);
		a.skipped = false;
		rc = run[i](&a);
		if (rc == 0) {
			a.done[i] = true;
			if (adopt_state_save(&a) < 0)
				rc = 2;
			else if (!a.skipped) /* a skip already said how it ended */
				adopt_emit(&a, ADOPT_EV_DONE, "%s", o->dry_run ? "(dry run: nothing changed)" : "done");
		}
	}
	if (rc == 0 && !o->dry_run) {
		a.cur = ADOPT_ORDER;
		adopt_emit(&a, ADOPT_EV_INFO, "adopted: reboot the Pi (ssh %s sudo reboot); it boots from "
					      "the network, and from its SD card if the network fails",
			   o->dest);
	}
	free(a.dir);
	if (a.password) {
		explicit_bzero(a.password, strlen(a.password));
		free(a.password);
	}
	pi_facts_done(&a.facts);
	site_done(&a.s);
	return rc;
}
