/* profile — loading a site profile with inih, with file:line:key problems for everything that
 * is wrong. The site in memory (tables, defaults, Pis, values as text) is in site.c below it;
 * value checks are in profile_check.c, cross-key checks in profile_validate.c, saving in
 * profile_save.c. */
#include "core/site/profile.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/site/profile_priv.h"
#include "core/base/fsutil.h"
#include "core/base/place.h"
#include "core/base/util.h"

/* ---- loading ---- */

struct load_ctx {
	const char *file;
	struct site *s;
	struct problems *ps;
	int line;              /* line of the text inih is handling now */
	const char *text;      /* for load from string */
	size_t pos;
	FILE *fp;
	char *buf;             /* getline buffer */
	size_t bufcap;
	char cur_section[256];
	int cur_section_line;
	bool section_ok;
	struct pi *cur_pi;
};

static void problem(struct load_ctx *c, int line, const char *section, const char *key,
		    char *msg_owned)
{
	problems_add(c->ps, PROBLEM_ERROR, c->file, line, section, key, "%s", msg_owned);
	free(msg_owned);
}

char *profile_pi_section_name(const char *section)
{
	if (strncmp(section, "pi", 2) != 0 || !isspace((unsigned char)section[2]))
		return NULL;
	const char *p = section + 2;
	while (isspace((unsigned char)*p))
		p++;
	size_t n = strlen(p);
	if (n < 2 || p[0] != '"' || p[n - 1] != '"')
		return NULL;
	return xstrndup(p + 1, n - 2);
}

static void begin_pi_section(struct load_ctx *c, const char *section, const char *label)
{
	char *name = profile_pi_section_name(section);
	char *bad = name ? profile_check_name("Pi name", name) : NULL;
	if (!name) {
		problem(c, c->line, label, NULL,
			xstrdup("is not a known section (expected [server] or [pi \"NAME\"])"));
	} else if (bad) {
		problem(c, c->line, label, NULL, bad);
	} else {
		for (size_t i = 0; i < c->s->n_pis; i++)
			if (strcasecmp(c->s->pis[i].name, name) == 0) {
				problem(c, c->line, label, NULL,
					xasprintf("the name \"%s\" is already used by the [pi \"%s\"] "
						  "section on line %d (expected each Pi to have its "
						  "own name; case does not count)",
						  name, c->s->pis[i].name, c->s->pis[i].line));
				free(name);
				return;
			}
		c->cur_pi = site_add_pi(c->s, name);
		c->cur_pi->line = c->line;
		c->section_ok = true;
	}
	free(name);
}

static void begin_section(struct load_ctx *c, const char *section)
{
	snprintf(c->cur_section, sizeof(c->cur_section), "%s", section);
	c->cur_section_line = c->line;
	c->cur_pi = NULL;
	c->section_ok = false;
	char *label = xasprintf("[%s]", section);
	if (strcmp(section, "server") == 0) {
		if (c->s->line)
			problem(c, c->line, label, NULL,
				xasprintf("appears twice (first on line %d; expected one [server] "
					  "section)",
					  c->s->line));
		else
			c->s->line = c->line;
		c->section_ok = c->s->line == c->line;
	} else {
		begin_pi_section(c, section, label);
	}
	free(label);
}

static void set_str(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v);
}

/* Paths are kept in their lexical normal form, the form they were checked in. */
static void set_path(char **field, const char *v)
{
	free(*field);
	*field = place_path_normalise(v);
}

void profile_store_server(struct site *s, enum profile_server_key k, const char *v)
{
	switch (k) {
	case SK_INTERFACE: snprintf(s->interface, sizeof(s->interface), "%s", v); break;
	case SK_ADDRESS: free(profile_parse_cidr(v, &s->address, &s->prefix_len)); break;
	case SK_DHCP: s->dhcp = (enum dhcp_mode)profile_enum_lookup(dhcp_mode_names, v); break;
	case SK_TFTP: s->tftp = (enum tftp_server)profile_enum_lookup(tftp_server_names, v); break;
	case SK_TFTP_ROOT: set_path(&s->tftp_root, v); break;
	case SK_ROOT: s->root = (enum root_kind)profile_enum_lookup(root_kind_names, v); break;
	case SK_ISCSI_TARGET:
		s->iscsi_target = (enum iscsi_target_kind)profile_enum_lookup(iscsi_target_names, v);
		break;
	case SK_IQN_BASE: set_str(&s->iqn_base, v); break;
	case SK_ISCSI_PORTAL: portal_parse(v, &s->portal_ip, &s->portal_port); break;
	case SK_BOOT_WRITEBACK: s->boot_writeback = strcasecmp(v, "none") != 0; break;
	case SK_INITRAMFS:
		s->initramfs = (enum initramfs_kind)profile_enum_lookup(initramfs_names, v);
		break;
	case SK_NFS_ROOT: set_path(&s->nfs_root, v); break;
	case SK_RANGE: free(profile_parse_range(v, &s->range_start, &s->range_end)); break;
	case SK_ROUTER: ipv4_parse(v, &s->router); break;
	case SK_DNS: ipv4_parse(v, &s->dns); break;
	case SK_REPLY_DELAY: s->reply_delay = strcasecmp(v, "auto") ? atoi(v) : -1; break;
	case SK_COUNT: break;
	}
}

void profile_store_pi(struct pi *p, enum profile_pi_key k, const char *v)
{
	const char *str = NULL;
	switch (k) {
	case PK_MODEL: p->model = model_from_name(v); break;
	case PK_SERIAL: p->has_serial = serial_normalise(v, p->serial); break;
	case PK_MAC: p->has_mac = mac_parse(v, p->mac); break;
	case PK_TFTP_PREFIX:
		free(profile_parse_prefix(v, &p->prefix, &str));
		if (str) {
			set_str(&p->prefix_str, str);
			size_t n = strlen(p->prefix_str);
			if (n && p->prefix_str[n - 1] == '/')
				p->prefix_str[n - 1] = '\0';
		}
		break;
	case PK_IMAGE: set_path(&p->image, v); break;
	case PK_BACKING: set_path(&p->backing, v); break;
	case PK_SIZE: size_parse(v, &p->size); break;
	case PK_CHAP: profile_parse_yes_no(v, &p->chap); break;
	case PK_IP: ipv4_parse(v, &p->ip); break;
	case PK_INITIATOR: set_str(&p->initiator, v); break;
	case PK_TARGET: set_str(&p->target, v); break;
	case PK_ROOT_UUID: set_str(&p->root_uuid, v); break;
	case PK_NFS_PATH: set_path(&p->nfs_path, v); break;
	case PK_HOSTNAME: set_str(&p->hostname, v); break;
	case PK_ISCSI_PORTAL: portal_parse(v, &p->portal_ip, &p->portal_port); break;
	case PK_LUN: p->lun = atoi(v); break;
	case PK_DHCP_OPTION:
		if (p->n_dhcp_options < PI_MAX_DHCP_OPTIONS)
			p->dhcp_option[p->n_dhcp_options++] = xstrdup(v);
		break;
	case PK_CMDLINE_EXTRA: set_str(&p->cmdline_extra, v); break;
	case PK_CONFIG_EXTRA: set_str(&p->config_extra, v); break;
	case PK_BOOT_MOUNT: p->boot_mount_old = !strcmp(v, "/boot") || !strcmp(v, "/boot/"); break;
	case PK_KERNEL:
		free(p->kernel);
		p->kernel = strcasecmp(v, "auto") ? xstrdup(v) : NULL;
		break;
	case PK_INITRAMFS:
		free(p->initramfs);
		p->initramfs_none = !strcasecmp(v, "none");
		p->initramfs = strcasecmp(v, "auto") && !p->initramfs_none ? xstrdup(v) : NULL;
		break;
	case PK_COUNT: break;
	}
}

static int key_find(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

int profile_server_key_find(const char *name)
{
	return key_find(profile_server_key_names, SK_COUNT, name);
}

int profile_pi_key_find(const char *name)
{
	return key_find(profile_pi_key_names, PK_COUNT, name);
}

char *profile_unknown_key_message(const char *name, bool server)
{
	const char *const *names = server ? profile_server_key_names : profile_pi_key_names;
	int n = server ? SK_COUNT : PK_COUNT;
	const char *best = NULL;
	size_t best_d = 3;
	struct sbuf b;
	sbuf_init(&b);
	for (int i = 0; i < n; i++) {
		size_t d = str_distance(name, names[i], true);
		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	if (best)
		sbuf_printf(&b, "is not a known key; did you mean %s? (accepted: ", best);
	else
		sbuf_add(&b, "is not a known key (accepted: ");
	for (int i = 0; i < n; i++)
		sbuf_printf(&b, "%s%s", i ? ", " : "", names[i]);
	sbuf_add(&b, ")");
	return sbuf_take(&b);
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *c = user;
	(void)section;
	if (!c->section_ok)
		return 1;
	bool server = c->cur_pi == NULL;
	char *label = xasprintf("[%s]", c->cur_section);
	int k = server ? profile_server_key_find(name) : profile_pi_key_find(name);
	int *lines = server ? c->s->key_line : c->cur_pi->key_line;
	char *err = NULL;
	/* "value" in double quotes is taken without them: people write paths that way. */
	size_t vn = strlen(value);
	char *v = (vn >= 2 && value[0] == '"' && value[vn - 1] == '"') ? xstrndup(value + 1, vn - 2)
								       : xstrdup(value);
	if (k < 0) {
		problem(c, c->line, label, name, profile_unknown_key_message(name, server));
	} else if (!server && k == PK_DHCP_OPTION &&
		   c->cur_pi->n_dhcp_options == PI_MAX_DHCP_OPTIONS) {
		problem(c, c->line, label, name,
			xasprintf("is set more than %d times (expected at most %d options per Pi)",
				  PI_MAX_DHCP_OPTIONS, PI_MAX_DHCP_OPTIONS));
	} else if (lines[k] && !(!server && k == PK_DHCP_OPTION)) { /* dhcp_option repeats */
		problem(c, c->line, label, name,
			xasprintf("is set twice (first on line %d; expected each key once per "
				  "section)",
				  lines[k]));
	} else {
		lines[k] = c->line;
		err = server ? profile_check_server_value((enum profile_server_key)k, v)
			     : profile_check_pi_value((enum profile_pi_key)k, v);
		if (err)
			problem(c, c->line, label, name, err);
		else if (server)
			profile_store_server(c->s, (enum profile_server_key)k, v);
		else
			profile_store_pi(c->cur_pi, (enum profile_pi_key)k, v);
	}
	free(v);
	free(label);
	return 1;
}

/* One whole line of the input into c->buf (without the limit inih's own buffer has);
 * returns its length, or -1 at the end. */
static ssize_t next_line(struct load_ctx *c)
{
	if (c->fp)
		return getline(&c->buf, &c->bufcap, c->fp);
	if (!c->text[c->pos])
		return -1;
	const char *start = c->text + c->pos;
	const char *nl = strchr(start, '\n');
	size_t n = nl ? (size_t)(nl - start) + 1 : strlen(start);
	if (n + 1 > c->bufcap) {
		c->bufcap = n + 1;
		c->buf = xrealloc(c->buf, c->bufcap);
	}
	memcpy(c->buf, start, n);
	c->buf[n] = '\0';
	c->pos += n;
	return (ssize_t)n;
}

/* Looks at one line before inih does: counts lines (inih does not tell the handler the line),
 * notices section headers (inih does not report sections without keys), and reports every
 * line inih could not parse, not just the first. Indentation is dropped, because inih would
 * take an indented line for the continuation of the previous value. Returns the text inih
 * should see ("" for a line already reported). */
static const char *examine_line(struct load_ctx *c, char *line, size_t max)
{
	if (c->line == 1 && (unsigned char)line[0] == 0xef && (unsigned char)line[1] == 0xbb &&
	    (unsigned char)line[2] == 0xbf)
		line += 3;
	char *p = str_trim(line);
	if (*p == '\0' || *p == ';' || *p == '#')
		return p;
	if (strlen(p) + 2 > max) {
		/* name the key when the line has one, so the message says what is too long */
		char *eq = strchr(p, '=');
		char *key = eq && *p != '[' && eq - p < 64 ? xstrndup(p, (size_t)(eq - p)) : NULL;
		char *label = key && c->cur_section_line ? xasprintf("[%s]", c->cur_section) : NULL;
		problem(c, c->line, label, key ? str_trim(key) : NULL,
			xasprintf("is longer than %zu characters, the most a profile line may hold (expected a shorter line)", max - 2));
		free(label);
		free(key);
		return "";
	}
	if (*p == '[') {
		char *e = strchr(p, ']');
		char *after = e ? str_trim(e + 1) : NULL;
		if (!e || (*after && *after != ';' && *after != '#')) {
			problem(c, c->line, NULL, NULL,
				xstrdup("is not a section header (expected [server] or [pi \"NAME\"])"));
			c->section_ok = false;
			c->cur_section_line = c->line;
			return "";
		}
		*e = '\0';
		char *sect = str_trim(p + 1);
		begin_section(c, sect);
		*e = ']';
		e[1] = '\0';
		return p;
	}
	char *eq = strchr(p, '=');
	char *colon = strchr(p, ':');
	if (!eq || (colon && colon < eq) || eq == p) {
		problem(c, c->line, NULL, NULL,
			xstrdup("cannot be parsed (expected key = value, [section] or a ; comment)"));
		return "";
	}
	if (c->cur_section_line == 0) {
		*eq = '\0';
		problem(c, c->line, NULL, str_trim(p),
			xstrdup("comes before any section (expected it under [server] or [pi "
				"\"NAME\"])"));
		return "";
	}
	return p;
}

static char *reader(char *str, int num, void *stream)
{
	struct load_ctx *c = stream;
	ssize_t n = next_line(c);
	if (n < 0)
		return NULL;
	c->line++;
	/* a NUL would end the value early and hide what follows it from every check */
	if (memchr(c->buf, '\0', (size_t)n)) {
		problem(c, c->line, NULL, NULL,
			xstrdup("holds a NUL byte (expected text; the rest of the line would be "
				"silently dropped)"));
		snprintf(str, (size_t)num, "\n");
		return str;
	}
	snprintf(str, (size_t)num, "%s\n", examine_line(c, c->buf, (size_t)num));
	return str;
}

static int finish_load(struct load_ctx *c, int rc)
{
	free(c->buf);
	if (rc > 0)
		problems_add(c->ps, PROBLEM_ERROR, c->file, rc, NULL, NULL,
			     "cannot be parsed (expected [section] or key = value)");
	if (!c->s->line)
		problems_add(c->ps, PROBLEM_ERROR, c->file, 0, "[server]", NULL,
			     "is missing (expected a [server] section with interface and address)");
	site_apply_defaults(c->s);
	profile_validate(c->s, c->ps);
	problems_sort(c->ps);
	return problems_has_errors(c->ps) ? -1 : 0;
}

/* The profile's file name lands in every generated file ({{site.profile}}: comments, the
 * secrets header, the apply manifest's name): one line of printable text. */
static bool name_ok(const char *path, struct problems *ps)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (place_line_ok(base))
		return true;
	problems_add(ps, PROBLEM_ERROR, path, 0, NULL, NULL,
		     "the file name holds a line break, a control character or bytes that are "
		     "not UTF-8 (expected a plain name such as site.conf)");
	return false;
}

int profile_load(const char *path, struct site *s, struct problems *ps)
{
	site_init(s);
	s->path = xstrdup(path);
	struct load_ctx c = {.file = path, .s = s, .ps = ps};
	if (!name_ok(path, ps))
		return -1;
	c.fp = fs_fopen_regular(path);
	if (!c.fp) {
		problems_add(ps, PROBLEM_ERROR, path, 0, NULL, NULL, "cannot be read: %s",
			     fs_strerror(errno));
		return -1;
	}
	int rc = ini_parse_stream(reader, &c, on_key, &c);
	bool read_err = ferror(c.fp);
	fclose(c.fp);
	if (read_err)
		problems_add(ps, PROBLEM_ERROR, path, 0, NULL, NULL, "cannot be read to the end");
	return finish_load(&c, rc);
}

int profile_load_string(const char *name, const char *text, struct site *s, struct problems *ps)
{
	site_init(s);
	s->path = xstrdup(name);
	struct load_ctx c = {.file = name, .s = s, .ps = ps, .text = text};
	if (!name_ok(name, ps))
		return -1;
	int rc = ini_parse_stream(reader, &c, on_key, &c);
	return finish_load(&c, rc);
}
