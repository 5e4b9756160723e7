/* remote — ssh://USER@HOST[:PORT]/REST addresses of sources on the boot server (a journal for
 * --log, an interface for -i). One parser, so every part that reaches ssh's argv and the remote
 * shell is checked the same way: no option (a leading -), no shell word. */
#ifndef PNB_CAPTURE_REMOTE_H
#define PNB_CAPTURE_REMOTE_H

#include <stdbool.h>
#include <stddef.h>

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

#endif
