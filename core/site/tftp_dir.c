/* tftp_dir — a Pi's TFTP directory name and the site's TFTP root. */
#include "core/site/tftp_dir.h"

#include <stdio.h>
#include <string.h>

#include "core/base/util.h"

const char *site_tftp_root(const struct site *s)
{
	return s->tftp_root && *s->tftp_root ? s->tftp_root : SITE_DEFAULT_TFTP_ROOT;
}

bool pi_tftp_dir_name_as(const struct pi *p, enum tftp_prefix_kind kind, const char *str,
			 char out[PI_TFTP_DIR_MAX])
{
	out[0] = '\0';
	if (model_is_pi3_family(p->model) && kind != TFTP_PREFIX_NONE)
		kind = TFTP_PREFIX_SERIAL;
	switch (kind) {
	case TFTP_PREFIX_NONE:
		return true;
	case TFTP_PREFIX_SERIAL:
		if (!p->has_serial)
			return false;
		snprintf(out, PI_TFTP_DIR_MAX, "%s", p->serial);
		return true;
	case TFTP_PREFIX_MAC:
		if (!p->has_mac)
			return false;
		mac_format(p->mac, '-', out);
		return true;
	case TFTP_PREFIX_STRING: {
		size_t n = str ? strlen(str) : 0;
		if (n && str[n - 1] == '/')
			n--;
		if (n == 0 || n >= PI_TFTP_DIR_MAX)
			return false;
		snprintf(out, PI_TFTP_DIR_MAX, "%.*s", (int)n, str);
		return true;
	}
	}
	return false;
}

bool pi_tftp_dir_name(const struct pi *p, char out[PI_TFTP_DIR_MAX])
{
	return pi_tftp_dir_name_as(p, p->prefix, p->prefix_str, out);
}

char *pi_tftp_dir_path(const struct site *s, const struct pi *p)
{
	char name[PI_TFTP_DIR_MAX];
	if (!pi_tftp_dir_name(p, name))
		return NULL;
	const char *root = site_tftp_root(s);
	size_t n = strlen(root);
	if (!*name) /* flat: the root itself */
		return xasprintf("%.*s", (int)(n > 1 && root[n - 1] == '/' ? n - 1 : n), root);
	return xasprintf("%.*s/%s", (int)(n && root[n - 1] == '/' ? n - 1 : n), root, name);
}

int pi_tftp_prefix_setting(enum tftp_prefix_kind kind)
{
	return kind == TFTP_PREFIX_NONE ? TFTP_PREFIX_STRING : (int)kind;
}

char *pi_tftp_prefix_str_setting(const struct pi *p, const char *fallback)
{
	if (p->prefix == TFTP_PREFIX_NONE)
		return xstrdup("");
	if (p->prefix != TFTP_PREFIX_STRING)
		return NULL;
	const char *s = p->prefix_str ? p->prefix_str : fallback ? fallback : "";
	return xasprintf("%s/", s);
}

const char *pi_tftp_prefix_word(enum tftp_prefix_kind kind)
{
	switch (kind) {
	case TFTP_PREFIX_MAC: return "mac";
	case TFTP_PREFIX_STRING: return "string";
	case TFTP_PREFIX_NONE: return "none";
	case TFTP_PREFIX_SERIAL: break;
	}
	return "serial";
}
