/* remote — parsing ssh:// source addresses (see remote.h). */
#include "capture/remote.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
