/* place — one checker or quoter per place a value lands in (see place.h). */
#include "core/base/place.h"

#include <stdio.h>
#include <string.h>

size_t place_utf8_seq(const unsigned char *s, size_t n)
{
	if (n == 0)
		return 0;
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	size_t len;
	unsigned cp;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, UTF-16 surrogates, beyond U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

bool place_utf8_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t l = place_utf8_seq(p + i, n - i);
		if (!l)
			return false;
		i += l;
	}
	return true;
}

/* The sequence at p (of length l) is a control character: C0, DEL or C1 (U+0080..U+009F). */
static bool is_control(const unsigned char *p, size_t l)
{
	return (l == 1 && (p[0] < 0x20 || p[0] == 0x7f)) || (l == 2 && p[0] == 0xc2 && p[1] < 0xa0);
}

bool place_line_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		size_t l = place_utf8_seq(p + i, n - i);
		if (!l || is_control(p + i, l))
			return false;
		i += l;
	}
	return true;
}

char *place_path_normalise(const char *path)
{
	bool abs = path[0] == '/';
	size_t n = strlen(path);
	char *out = xmalloc(n + 2);
	size_t o = 0;
	if (abs)
		out[o++] = '/';
	size_t keep = o; /* ".." never goes above here */
	/* a relative path may begin with ".."s that cannot be taken away */
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		const char *e = p + strcspn(p, "/");
		size_t l = (size_t)(e - p);
		if (l == 0)
			break;
		if (l == 1 && p[0] == '.') {
			/* nothing */
		} else if (l == 2 && p[0] == '.' && p[1] == '.') {
			if (o > keep) {
				while (o > keep && out[o - 1] != '/')
					o--;
				if (o > keep)
					o--; /* the separator before the dropped component */
				else if (abs)
					o = 1;
			} else if (!abs) {
				if (o > 0)
					out[o++] = '/';
				memcpy(out + o, "..", 2);
				o += 2;
				keep = o;
			}
		} else {
			if (o > 0 && out[o - 1] != '/')
				out[o++] = '/';
			memcpy(out + o, p, l);
			o += l;
		}
		p = e;
	}
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
	return out;
}

static bool path_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("._-+@/", c) != NULL;
}

char *place_path_check(const char *path)
{
	size_t n = strlen(path);
	if (n > PLACE_PATH_MAX)
		return xasprintf("is longer than %d characters (expected a shorter path)",
				 PLACE_PATH_MAX);
	for (size_t i = 0; i < n; i++)
		if (!path_char(path[i])) {
			unsigned char c = (unsigned char)path[i];
			char shown[8];
			if (c > 0x20 && c < 0x7f)
				snprintf(shown, sizeof(shown), "'%c'", c);
			else
				snprintf(shown, sizeof(shown), "\\x%02x", c);
			return xasprintf("holds %s, which the generated shell scripts, daemon "
					 "configs and kernel command lines cannot carry safely "
					 "(expected letters, digits and . _ - + @ /)",
					 shown);
		}
	return NULL;
}

/* Directories the system alone writes into: nothing of a site goes inside them. */
static const char *const system_trees[] = {"/etc",  "/usr",   "/boot",	"/proc", "/sys",
					   "/dev",  "/bin",   "/sbin",	"/lib",	 "/lib32",
					   "/lib64", "/libx32", "/run", "/efi",	 NULL};
/* Directories that hold other things than a site: never a site's directory themselves. */
static const char *const system_dirs[] = {
    "/",	 "/home",     "/root",	   "/var",	   "/srv",	   "/opt",
    "/tmp",	 "/mnt",      "/media",	   "/snap",	   "/lost+found",  "/var/lib",
    "/var/log",	 "/var/tmp",  "/var/cache", "/var/spool",  "/var/mail",	   "/var/backups",
    "/var/www",	 "/var/opt",  "/var/local", "/usr/local",  "/home/lost+found", NULL};

static bool within(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

const char *place_path_system(const char *path, bool allow_dev)
{
	for (size_t i = 0; system_dirs[i]; i++)
		if (strcmp(path, system_dirs[i]) == 0)
			return system_dirs[i];
	for (size_t i = 0; system_trees[i]; i++) {
		if (allow_dev && strcmp(system_trees[i], "/dev") == 0 && strcmp(path, "/dev") != 0)
			continue;
		if (within(path, system_trees[i]))
			return system_trees[i];
	}
	return NULL;
}

bool place_ifname_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 15 || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '@' || c == '-'))
			return false;
	}
	return true;
}

bool place_username_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 32 || !((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return false;
	return true;
}

void sbuf_add_sh(struct sbuf *b, const char *s)
{
	sbuf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sbuf_add(b, "'\\''");
		else
			sbuf_addc(b, *s);
	}
	sbuf_addc(b, '\'');
}

void sbuf_add_term(struct sbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		size_t l = place_utf8_seq(p + i, n - i);
		if (!l || is_control(p + i, l)) {
			size_t k = l ? l : 1;
			for (size_t j = 0; j < k; j++)
				sbuf_printf(b, "\\x%02x", p[i + j]);
			i += k;
			continue;
		}
		sbuf_addn(b, s + i, l);
		i += l;
	}
}

char *place_term(const char *s)
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_add_term(&b, s);
	return sbuf_take(&b);
}
