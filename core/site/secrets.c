/* secrets — CHAP credentials beside the profile (INI, parsed with inih). */
#include "core/site/secrets.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/fsutil.h"
#include "core/base/util.h"

#define ALPHANUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
static const char alphabet[] = ALPHANUM;

char *secrets_path_for(const char *profile_path)
{
	size_t n = strlen(profile_path);
	if (str_endswith(profile_path, ".conf"))
		n -= 5;
	else if (str_endswith(profile_path, ".ini"))
		n -= 4;
	return xasprintf("%.*s.secrets", (int)n, profile_path);
}

bool secrets_random(char *out, size_t n)
{
	size_t got = 0;
	while (got < n) {
		unsigned char buf[64];
		ssize_t r = getrandom(buf, sizeof(buf), 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		/* 62 symbols: drop bytes >= 248 so every symbol is equally likely */
		for (ssize_t i = 0; i < r && got < n; i++)
			if (buf[i] < 248)
				out[got++] = alphabet[buf[i] % 62];
	}
	out[n] = '\0';
	return true;
}

struct load_ctx {
	struct site *s;
	const char *file;
	struct problems *ps;
	FILE *fp;
	int line; /* lines read so far: inih calls the handler for the last line read */
	int errors;
	char *buf; /* getline's */
	size_t cap;
};

static char *reader(char *str, int num, void *stream)
{
	struct load_ctx *c = stream;
	ssize_t n = getline(&c->buf, &c->cap, c->fp);
	if (n < 0)
		return NULL;
	c->line++;
	/* a NUL would end a value early and hide the rest from the checks; an over-long line
	 * would be split by inih into two */
	if (memchr(c->buf, '\0', (size_t)n) || n >= num - 1) {
		problems_add(c->ps, PROBLEM_ERROR, c->file, c->line, NULL, NULL,
			     "holds a NUL byte or is longer than %d characters (expected "
			     "user = NAME or secret = SECRET)",
			     num - 2);
		c->errors++;
		snprintf(str, (size_t)num, "\n");
		return str;
	}
	snprintf(str, (size_t)num, "%s", c->buf);
	return str;
}

/* v is min to max characters, each one of set. */
static bool made_of(const char *v, size_t min, size_t max, const char *set)
{
	size_t n = strlen(v);
	return n >= min && n <= max && strspn(v, set) == n;
}

static bool secret_ok(const char *v)
{
	return made_of(v, 12, 16, alphabet);
}

/* The CHAP name (RFC 7143 §12.1.3 leaves its form open): it lands unquoted in tgt's
 * incominguser line, LIO's userid and the Pi's kernel command line (iscsi_username=), so it
 * must stay one token in all three: 1 to 64 letters, digits, '.', '_', ':' or '-' (an IQN fits). */
static bool user_ok(const char *v)
{
	return made_of(v, 1, 64, ALPHANUM "._:-");
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *c = user;
	int line = c->line;
	char pname[128];
	if (sscanf(section, "pi \"%127[^\"]\"", pname) != 1) {
		problems_add(c->ps, PROBLEM_ERROR, c->file, line, NULL, NULL,
			     "[%s] is not a secrets section (expected [pi \"NAME\"])", section);
		c->errors++;
		return 1;
	}
	struct pi *p = site_find_pi(c->s, pname);
	if (!p)
		return 1; /* a Pi no longer in the profile: ignored, dropped on the next save */
	char *label = xasprintf("[pi \"%s\"]", pname);
	if (strcmp(name, "user") == 0) {
		if (!user_ok(value)) {
			problems_add(c->ps, PROBLEM_ERROR, c->file, line, label, name,
				     "is not a usable CHAP user name (expected 1 to 64 letters, "
				     "digits, '.', '_', ':' or '-')");
			c->errors++;
		} else {
			free(p->chap_user);
			p->chap_user = xstrdup(value);
		}
	} else if (strcmp(name, "secret") == 0) {
		if (!secret_ok(value)) {
			problems_add(
			    c->ps, PROBLEM_ERROR, c->file, line, label, name,
			    "is not a usable CHAP secret (expected 12 to 16 letters or digits)");
			c->errors++;
		} else {
			free(p->chap_secret);
			p->chap_secret = xstrdup(value);
		}
	} else {
		problems_add(c->ps, PROBLEM_ERROR, c->file, line, label, name,
			     "is not a secrets key (expected user or secret)");
		c->errors++;
	}
	free(label);
	return 1;
}

int secrets_load(struct site *s, const char *path, struct problems *ps)
{
	FILE *f = fs_fopen_regular(path);
	if (!f) {
		if (errno == ENOENT)
			return 0;
		problems_add(ps, PROBLEM_ERROR, path, 0, NULL, NULL, "cannot be read: %s",
			     fs_strerror(errno));
		return -1;
	}
	/* CHAP secrets readable by others are no secrets: take the others' rights away (a file
	 * of someone else's is only reported) and say so. */
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077)) {
		if (st.st_uid == geteuid() && fchmod(fileno(f), st.st_mode & 07700) == 0)
			problems_add(ps, PROBLEM_WARNING, path, 0, NULL, NULL,
				     "was readable by others (mode %04o); its mode is now %04o",
				     (unsigned)(st.st_mode & 07777), (unsigned)(st.st_mode & 07700));
		else {
			problems_add(ps, PROBLEM_ERROR, path, 0, NULL, NULL,
				     "is readable by others (mode %04o; expected 0600: chmod 600 %s)",
				     (unsigned)(st.st_mode & 07777), path);
			fclose(f);
			return -1;
		}
	}
	struct load_ctx c = {.s = s, .file = path, .ps = ps, .fp = f};
	int rc = ini_parse_stream(reader, &c, on_key, &c);
	free(c.buf);
	fclose(f);
	if (rc > 0) {
		problems_add(ps, PROBLEM_ERROR, path, rc, NULL, NULL,
			     "cannot be parsed (expected [pi \"NAME\"], user = …, secret = …)");
		c.errors++;
	}
	return c.errors ? -1 : 0;
}

size_t secrets_fill(struct site *s)
{
	size_t made = 0;
	for (size_t i = 0; i < s->n_pis; i++) {
		struct pi *p = &s->pis[i];
		if (!p->chap)
			continue;
		if (!p->chap_user)
			p->chap_user = xstrdup(p->name);
		if (!p->chap_secret) {
			char buf[SECRET_LEN + 1];
			if (!secrets_random(buf, SECRET_LEN))
				continue;
			p->chap_secret = xstrdup(buf);
			made++;
		}
	}
	return made;
}

char *secrets_text(const struct site *s)
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_printf(&b,
		    "# CHAP credentials of the Pis in %s, kept by pinetboot.\n"
		    "# Keep this file private (mode 0600). The iSCSI target configuration and\n"
		    "# the Pis' cmdline.txt are generated from it; pinetboot never changes an\n"
		    "# existing secret, so re-exports produce the same files.\n",
		    !s->path		    ? "the site profile"
		    : strrchr(s->path, '/') ? strrchr(s->path, '/') + 1
					    : s->path);
	for (size_t i = 0; i < s->n_pis; i++) {
		const struct pi *p = &s->pis[i];
		if (!p->chap_secret)
			continue;
		sbuf_printf(&b, "\n[pi \"%s\"]\nuser = %s\nsecret = %s\n", p->name,
			    p->chap_user ? p->chap_user : p->name, p->chap_secret);
	}
	return sbuf_take(&b);
}

int secrets_ensure(struct site *s, const char *path, bool write, struct problems *ps)
{
	if (secrets_load(s, path, ps) != 0)
		return -1;
	size_t made = secrets_fill(s);
	for (size_t i = 0; i < s->n_pis; i++)
		if (s->pis[i].chap && !s->pis[i].chap_secret) {
			problems_add(ps, PROBLEM_ERROR, path, 0, NULL, NULL,
				     "no randomness from getrandom() for the CHAP secrets");
			return -1;
		}
	if (made == 0 || !write)
		return 0;
	char *text = secrets_text(s);
	int rc = fs_write_atomic(path, text, strlen(text), 0600);
	free(text);
	if (rc != 0) {
		problems_add(ps, PROBLEM_ERROR, path, 0, NULL, NULL, "cannot be written: %s",
			     strerror(errno));
		return -1;
	}
	return 0;
}
