/* adopt — the face of core/pi/adopt: options, the steps as text or JSON lines, the questions. */
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/site_arg.h"
#include "cli/cli_json.h"
#include "core/base/cliopt.h"
#include "core/base/util.h"
#include "core/pi/adopt.h"

struct face {
	bool json;
	int last_pct;
	const char *password_file;
};

/* what the options fill: the run's own options and how this face shows it */
struct adopt_cli {
	struct adopt_opts o;
	struct face f;
};

#define TO(KIND, FIELD) CLIOPT_TO(KIND, struct adopt_cli, FIELD)
static const struct cli_opt adopt_opts[] = {
    {"ssh", 0, "USER@HOST", "the Pi", TO(STR, o.dest)},
    {"ssh-config", 0, "FILE", "passed to ssh as -F FILE", TO(STR, o.ssh_config)},
    CLI_OPT_SITE(CLI_SITE_OPERAND, TO(STR, o.site_path)),
    CLI_OPT_PI(
     "its [pi NAME]; when the profile has none, step 1 adds it with the model, serial and MAC "
     "the Pi reports",
     TO(STR, o.pi_name)),
    {"dry-run", 0, NULL, "show every step and every remote command; change nothing",
     TO(SET, o.dry_run)},
    {"yes", 0, NULL, "confirm the EEPROM boot order change without asking (not OTP)",
     TO(SET, o.yes)},
    {"restart", 0, NULL,
     "forget what an earlier run did and start at step 1 (the root UUID is kept)",
     TO(SET, o.restart)},
    {"timeout", 0, "N",
     "ssh connect timeout in seconds (default 10); a Pi that stops answering ends a step "
     "within a minute (ssh keepalive)",
     CLIOPT_TO_INT(struct adopt_cli, o.timeout, 1, 600, "--timeout %s: give 1 to 600 seconds")},
    {"sudo-password-file", 0, "FILE",
     "the remote user's sudo password, first line of FILE (else it is asked at the terminal, "
     "once, when sudo wants one)",
     TO(STR, f.password_file)},
    {"no-simulate", 0, NULL,
     "skip the virtual Pi of step 5 (it boots where the site's interface is on this host)",
     TO(SET, o.no_simulate)},
    CLI_OPT_JSON(
	"one JSON object a line per event (step, command, info, progress, done, skip, fail)",
	TO(SET, f.json)),
    {0}};

const struct cli_cmd cmd_adopt_spec = {
    .name = "adopt",
    .summary = "move a running Pi (over ssh) to a network root, step by step",
    .run = cmd_adopt,
    .usage = "Usage: pinetboot adopt --ssh USER@HOST --site SITE --pi NAME [--ssh-config FILE]\n"
        "                       [--dry-run] [--yes] [--restart] [--timeout N] [--json]\n"
        "Moves a Raspberry Pi that boots from its SD card today to the site's network root, over\n"
        "ssh, in six steps, each shown before it runs:\n"
        "  1 readiness       model, serial, MAC, OTP/EEPROM, OS, /boot or /boot/firmware, kernel,\n"
        "                    free space; checked against [pi NAME], or [pi NAME] added from them\n"
        "                    (the facts go to pis/NAME/)\n"
        "  2 network client  iSCSI root: in an overlay of the Pi's root kept in /run (RAM), open-iscsi\n"
        "                    installed, /etc/iscsi/iscsi.initramfs and an initramfs built with them\n"
        "                    (mkinitramfs, or dracut --add iscsi); the SD card is not written\n"
        "  3 root            the running root copied with tar over ssh (owners, modes, links, ACLs,\n"
        "                    xattrs; iSCSI: through the overlay of step 2, so the copy has\n"
        "                    open-iscsi): into a disk image (boot FAT + ext4, new UUID) written to the\n"
        "                    backing by the flash engine with its verify, or into the NFS root;\n"
        "                    first the room there is checked (the root's used space + a margin),\n"
        "                    after it every file is compared with a list the Pi makes (type, mode,\n"
        "                    owner, size, SHA-256): a difference stops before step 4;\n"
        "                    in the copy only, the network managers keep eth0 (the root's link):\n"
        "                    NetworkManager, dhcpcd and ifupdown leave it alone, netplan marks it\n"
        "                    critical, systemd-networkd gets KeepConfiguration=yes; /etc/fstab is\n"
        "                    the one `export` renders\n"
        "  4 boot files      the Pi's boot files into its TFTP directory, the initramfs of step 2\n"
        "                    under the name config.txt loads, cmdline.txt for the new root (UUID\n"
        "                    read back from the backing)\n"
        "  5 check           iscsi-check of the new root (NFS: the copied tree); where the site's\n"
        "                    interface is on this host, a virtual Pi boots it (as simulate)\n"
        "  6 boot order      last, and only after the check: Pi 4/5 EEPROM BOOT_ORDER network first,\n"
        "                    the SD card after it (asked first); Pi 3 OTP (PERMANENT, asked every\n"
        "                    time, --yes does not cover it)\n"
        "The check comes before the boot order on purpose. Nothing on the SD card is written before\n"
        "step 5 passed. Steps done are kept in SITE.adopt/NAME/state: run the same command again\n"
        "after an interruption and it resumes. Remote commands run through the system ssh\n"
        "(BatchMode: keys, known hosts as ssh checks them); as root, else through sudo (its\n"
        "password, when it wants one, is asked once and given to sudo on stdin, never on a command\n"
        "line).\n",
    .opts = adopt_opts,
    .after = "\nExamples:\n"
        "  pinetboot adopt --ssh pi@10.0.0.7 --site site.conf --pi kitchen --dry-run\n"
        "  pinetboot adopt --ssh pi@10.0.0.7 --site site.conf --pi kitchen\n\n"
        "Exit status: 0 adopted (reboot the Pi); 1 stopped (not confirmed, or the new root did not\n"
        "check out: run again once fixed); 2 bad usage, ssh or a step failed.\n",
    .operand = "file",
};

static const char *const kind_names[] = {"step", "command", "info", "progress", "done", "skip", "fail"};

static void event(const struct adopt_event *e, void *ud)
{
	struct face *f = ud;
	if (f->json) {
		printf("{\"event\":\"%s\",\"step\":%d,\"name\":\"%s\"", kind_names[e->kind], (int)e->step + 1,
		       adopt_step_keys[e->step]);
		if (e->kind == ADOPT_EV_PROGRESS)
			printf(",\"done\":%llu,\"total\":%llu", (unsigned long long)e->done,
			       (unsigned long long)e->total);
		else {
			printf(",\"text\":");
			cli_json_str(stdout, e->text);
		}
		printf("}\n");
		fflush(stdout);
		return;
	}
	switch (e->kind) {
	case ADOPT_EV_STEP:
		f->last_pct = -1;
		printf("\n[%d/%d] %s: %s\n", (int)e->step + 1, ADOPT_NSTEPS, adopt_step_names[e->step], e->text);
		break;
	case ADOPT_EV_COMMAND: printf("  $ %s\n", e->text); break;
	case ADOPT_EV_INFO: printf("  %s\n", e->text); break;
	case ADOPT_EV_PROGRESS:
		if (e->total) {
			int pct = (int)(e->done * 100 / e->total);
			if (pct / 10 != f->last_pct / 10)
				printf("  %d%% (%llu MiB)\n", pct, (unsigned long long)(e->done >> 20));
			f->last_pct = pct;
		}
		break;
	case ADOPT_EV_DONE: printf("  = %s\n", e->text); break;
	case ADOPT_EV_SKIP:
		printf("\n[%d/%d] %s: skipped, %s\n", (int)e->step + 1, ADOPT_NSTEPS, adopt_step_names[e->step],
		       e->text);
		break;
	case ADOPT_EV_FAIL: printf("  ! %s\n", e->text); break;
	}
	fflush(stdout);
}

static bool confirm(const char *question, bool permanent, void *ud)
{
	(void)ud;
	if (!isatty(0))
		return false;
	const char *want = permanent ? "PERMANENT" : "yes";
	fprintf(stderr, "%s Type %s to go on: ", question, want);
	char line[64];
	if (!fgets(line, sizeof(line), stdin))
		return false;
	line[strcspn(line, "\n")] = '\0';
	return strcmp(line, want) == 0;
}

/* The sudo password: the first line of --sudo-password-file, else typed at the terminal with
 * the echo off. Heap string or NULL. */
static char *password(const char *prompt, void *ud)
{
	struct face *f = ud;
	char line[512] = "";
	if (f->password_file) {
		FILE *in = fopen(f->password_file, "re");
		bool ok = in && fgets(line, sizeof(line), in);
		if (in)
			fclose(in);
		if (!ok) {
			cli_error("adopt", "%s: cannot read a password from it", f->password_file);
			return NULL;
		}
	} else {
		int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return NULL;
		struct termios old, quiet;
		bool tty = tcgetattr(fd, &old) == 0;
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		if (tty)
			tcsetattr(fd, TCSAFLUSH, &quiet);
		ssize_t w = write(fd, prompt, strlen(prompt));
		ssize_t n = w < 0 ? -1 : read(fd, line, sizeof(line) - 1);
		if (tty)
			tcsetattr(fd, TCSAFLUSH, &old);
		w = write(fd, "\n", 1);
		(void)w;
		close(fd);
		if (n <= 0)
			return NULL;
		line[n] = '\0';
	}
	line[strcspn(line, "\r\n")] = '\0';
	char *r = xstrdup(line);
	explicit_bzero(line, sizeof(line));
	return r;
}

int cmd_adopt(int argc, char **argv)
{
	struct adopt_cli a = {.o = {.timeout = 10}, .f = {false, -1, NULL}};
	int rc = cli_parse(&cmd_adopt_spec, argc, argv, &a, &a.o.site_path, false);
	if (rc != CLIOPT_DONE)
		return rc;
	struct adopt_opts o = a.o;
	struct face f = a.f;
	if (!o.dest || !o.site_path || !o.pi_name)
		return cli_usage_error("adopt", "--ssh, --site and --pi are all needed");
	if (o.dest[0] == '-' || !*o.dest)
		return cli_usage_error("adopt", "--ssh \"%s\" is not USER@HOST", o.dest);
	o.event = event;
	o.confirm = confirm;
	o.password = password;
	o.ud = &f;
	return adopt_run(&o);
}
