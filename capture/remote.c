/* remote — parsing ssh:// source addresses (see remote.h). */
#include "capture/remote.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/place.h"
#include "core/base/runcmd.h"
#include "core/base/util.h"


bool remote_word_ok(const char *s, size_t n, const char *extra)
{
	if (!n || s[0] == '-')
		return false; /* never an option to ssh or to the remote command */
	for (size_t i = 0; i < n; i++)
		if (!s[i] || (!isalnum((unsigned char)s[i]) && !strchr(extra, s[i])))
			return false;
	return true;
}

bool remote_is(const char *spec)
{
	return strncmp(spec, "ssh://", 6) == 0;
}

bool remote_parse(const char *spec, struct remote_addr *a)
{
	if (!remote_is(spec))
		return false;
	const char *p = spec + 6, *at = strchr(p, '@'), *slash = at ? strchr(at, '/') : NULL;
	if (!at || !slash || !remote_word_ok(p, (size_t)(at - p), "._-") ||
	    (size_t)(at - p) >= sizeof(a->user))
		return false;
	snprintf(a->user, sizeof(a->user), "%.*s", (int)(at - p), p);
	const char *h = at + 1, *colon = memchr(h, ':', (size_t)(slash - h));
	const char *hend = colon ? colon : slash;
	if (!remote_word_ok(h, (size_t)(hend - h), ".-") || (size_t)(hend - h) >= sizeof(a->host))
		return false;
	snprintf(a->host, sizeof(a->host), "%.*s", (int)(hend - h), h);
	snprintf(a->port, sizeof(a->port), "22");
	if (colon) {
		size_t n = (size_t)(slash - colon - 1);
		if (!n || n > 5 || strspn(colon + 1, "0123456789") < n || atoi(colon + 1) > 65535 ||
		    atoi(colon + 1) < 1)
			return false;
		snprintf(a->port, sizeof(a->port), "%.*s", (int)n, colon + 1);
	}
	snprintf(a->target, sizeof(a->target), "%s@%s", a->user, a->host);
	a->rest = slash + 1;
	return true;
}

const char *remote_ssh(void)
{
	const char *ssh = getenv("PINETBOOT_SSH");
	return ssh && *ssh ? ssh : "ssh";
}

bool remote_parse_iface(const char *spec, struct remote_addr *a, char *err, size_t errlen)
{
	if (remote_parse(spec, a) && remote_word_ok(a->rest, strlen(a->rest), "._-") &&
	    strlen(a->rest) <= 15)
		return true;
	snprintf(err, errlen,
		 "%s: expected ssh://USER@HOST[:PORT]/IFACE (letters, digits and . _ -; IFACE an "
		 "interface name)",
		 spec);
	return false;
}

bool remote_unit_ok(const char *unit)
{
	size_t n = strlen(unit);
	return n < 128 && remote_word_ok(unit, n, "@._:-");
}

bool remote_parse_journal(const char *spec, struct remote_addr *a, char *unit, size_t unitlen,
			  char *err, size_t errlen)
{
	if (remote_parse(spec, a) && strncmp(a->rest, "journal/", 8) == 0 &&
	    remote_unit_ok(a->rest + 8) && strlen(a->rest + 8) < unitlen) {
		snprintf(unit, unitlen, "%s", a->rest + 8);
		return true;
	}
	snprintf(err, errlen,
		 "%s: expected ssh://USER@HOST[:PORT]/journal/UNIT (letters, digits and . _ - @ :)",
		 spec);
	return false;
}

bool remote_sudo_user(uid_t *uid, gid_t *gid)
{
	const char *su = getenv("SUDO_UID"), *sg = getenv("SUDO_GID");
	char *e1 = NULL, *e2 = NULL;
	if (geteuid() != 0 || !su || !sg || !*su || !*sg)
		return false;
	unsigned long u = strtoul(su, &e1, 10), g = strtoul(sg, &e2, 10);
	if (*e1 || *e2 || u == 0 || u >= 0xffffffffUL || g >= 0xffffffffUL)
		return false;
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return true;
}

int remote_spawn(const struct remote_addr *a, const char *spec, char *const cmd[], int *pid,
		 int *errfd, char *err, size_t errlen)
{
	char timeout[32];
	snprintf(timeout, sizeof(timeout), "ConnectTimeout=%d", REMOTE_CONNECT_SECONDS);
	char *argv[48] = {(char *)remote_ssh(), "-o", "BatchMode=yes", "-o", timeout,
			  "-p", (char *)a->port, "--", (char *)a->target};
	size_t n = 9;
	for (size_t i = 0; cmd[i] && n + 1 < PNB_ARRAY_LEN(argv); i++)
		argv[n++] = cmd[i];
	argv[n] = NULL;
	char errpath[] = "/tmp/pinetboot-ssh-XXXXXX";
	int ef = mkostemp(errpath, O_CLOEXEC);
	if (ef < 0) {
		snprintf(err, errlen, "%s: cannot make a temporary file: %s", spec, strerror(errno));
		return -1;
	}
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	remote_sudo_user(&uid, &gid);
	int fd = runcmd_spawn_reader_as(argv, errpath, uid, gid, pid);
	unlink(errpath);
	if (fd < 0) {
		close(ef);
		snprintf(err, errlen, "%s: cannot start %s", spec, argv[0]);
		return -1;
	}
	*errfd = ef;
	return fd;
}

char *remote_stderr_line(int errfd)
{
	int fd = dup(errfd);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "r");
	if (!f && fd >= 0)
		close(fd);
	if (f)
		rewind(f);
	char line[512];
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (line[0] && !strstr(line, "listening on ") && strncmp(line, "Warning: ", 9) != 0) {
			fclose(f);
			return place_term(line);
		}
	}
	if (f)
		fclose(f);
	return xstrdup("");
}

const char remote_batch_hint[] =
	"ssh runs in batch mode and never asks here: accept the server's host key first (ssh to it "
	"once in a terminal) and offer a key through ssh-agent (ssh-add) or PINETBOOT_SSH";

void remote_failure(const char *spec, const char *what, int status, int errfd, char *out,
		    size_t n)
{
	char *why = remote_stderr_line(errfd);
	snprintf(out, n, "%s: %s failed (ssh exit %d)%s%s%s%s", spec, what, status,
		 *why ? ": " : "", why, status == 255 ? " - " : "",
		 status == 255 ? remote_batch_hint : "");
	free(why);
}
