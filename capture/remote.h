/* remote — ssh://USER@HOST[:PORT]/REST addresses of sources on the boot server (a journal for
 * --log, an interface for -i). One parser, so every part that reaches ssh's argv and the remote
 * shell is checked the same way: no option (a leading -), no shell word. */
#ifndef PNB_CAPTURE_REMOTE_H
#define PNB_CAPTURE_REMOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct remote_addr {
	char user[64], host[256], port[8];
	char target[330]; /* USER@HOST, as ssh takes it */
	const char *rest; /* what follows the first / after HOST (inside the spec given) */
};

bool remote_is(const char *spec);
/* Parses spec; false when any part is missing or holds more than letters, digits and (user)
 * . _ -  (host) . -  (port) 1..65535. rest is not checked: its caller knows what it must be. */
bool remote_parse(const char *spec, struct remote_addr *a);
/* s[0..n) is a plain word: not empty, no leading -, only letters, digits and extra. */
bool remote_word_ok(const char *s, size_t n, const char *extra);
/* The ssh program: PINETBOOT_SSH (a wrapper with its own -F/-i, as GIT_SSH) or "ssh". */
const char *remote_ssh(void);

/* ssh://USER@HOST[:PORT]/IFACE (a capture): false with the expected form in err. */
bool remote_parse_iface(const char *spec, struct remote_addr *a, char *err, size_t errlen);
/* ssh://USER@HOST[:PORT]/journal/UNIT (a journal): false with the expected form in err. unit
 * (unitlen bytes) gets UNIT, checked by remote_unit_ok. */
bool remote_parse_journal(const char *spec, struct remote_addr *a, char *unit, size_t unitlen,
			  char *err, size_t errlen);
/* A systemd unit name as journalctl -u takes it: a plain word of letters, digits and @ . _ : -
 * (it reaches a shell on the far side). */
bool remote_unit_ok(const char *unit);

/* Seconds ssh waits for the boot server to answer: an address that drops packets fails with a
 * message instead of leaving the operator waiting for TCP's own minutes. */
#define REMOTE_CONNECT_SECONDS 10

/* Run as root through sudo: the user who ran sudo (SUDO_UID, SUDO_GID), whom ssh runs as and
 * root can be dropped to. False when not root or not through sudo. */
bool remote_sudo_user(uid_t *uid, gid_t *gid);
/* Runs cmd (NULL-terminated, already checked) on a's host: ssh in batch mode (it never asks for
 * a password or a host key on the terminal, which the wizard owns) with a connect timeout, no
 * local shell. Its stdout is the returned pipe (the caller reads and closes it), its stderr an
 * unlinked temporary file in *errfd (for remote_failure; the caller closes it). -1 with err. */
int remote_spawn(const struct remote_addr *a, const char *spec, char *const cmd[], int *pid,
		 int *errfd, char *err, size_t errlen);
/* The line of a child's stderr file (errfd) that says why it ended (not tcpdump's "listening
 * on", not a "Warning:"), escaped for a terminal; "" when it said nothing. The caller frees it. */
char *remote_stderr_line(int errfd);
/* What to set up before ssh can work here, since it never asks (said with every ssh failure and
 * wherever ssh is offered). */
extern const char remote_batch_hint[];
/* Why the far side ended with exit status `status`: "SPEC: WHAT failed (ssh exit N): its line"
 * (escaped for a terminal), and for ssh's own failures (255) what to set up first (the host
 * key, an agent or key). */
void remote_failure(const char *spec, const char *what, int status, int errfd, char *out,
		    size_t n);

#endif
