/* render_files — which files a site gets, where each one is installed, the daemon reloads they
 * need, and the templates they are rendered from (built in, or overridden with --templates DIR).
 * render.c fills the fields and calls down into render_files; nothing here calls back up. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/base/fsutil.h"
#include "core/server/lio_merge.h"
#include "core/server/render_fields.h"
#include "core/site/secrets.h"
#include "core/server/template.h"
#include "core/server/templates.h"
#include "core/base/util.h"

#define FIELD_NAME(id, name) name,
static const char *const root_names[] = {RENDER_ROOT_FIELDS(FIELD_NAME)};
static const char *const pi_names[] = {RENDER_PI_FIELDS(FIELD_NAME)};
static const char *const file_names[] = {RENDER_FILE_FIELDS(FIELD_NAME)};
static const char *const per_pi_names[] = {RENDER_ROOT_FIELDS(FIELD_NAME)
					       RENDER_PI_FIELDS(FIELD_NAME)};
#undef FIELD_NAME

enum { LIST_PIS, LIST_FILES };
static const struct tmpl_list_schema site_lists[] = {
    [LIST_PIS] = {"pis", pi_names, P_COUNT},
    [LIST_FILES] = {"files", file_names, F_COUNT},
};
/* Server-wide templates see the root fields and the lists; per-Pi templates see the root
 * fields and one Pi's fields directly ({{pi.mac}} without {{#pis}}). */
static const struct tmpl_schema site_schema = {root_names, R_COUNT, site_lists, 2};
static const struct tmpl_schema pi_schema = {per_pi_names, R_COUNT + P_COUNT, NULL, 0};

enum tmpl_id {
	T_DNSMASQ,
	T_DHCPD,
	T_KEA,
	T_TFTPD,
	T_TGT,
	T_LIO,
	T_EXPORTS,
	T_README,
	T_INVENTORY,
	T_PLAYBOOK,
	T_LIO_MODULE,
	T_CMDLINE,
	T_CONFIG,
	T_FSTAB,
	T_BOOTCONF,
	T_COUNT
};
static const struct {
	const char *file;
	bool per_pi;
} tmpl_table[T_COUNT] = {
    [T_DNSMASQ] = {"dnsmasq.conf.tmpl", false},
    [T_DHCPD] = {"dhcpd.conf.tmpl", false},
    [T_KEA] = {"kea-dhcp4.json.tmpl", false},
    [T_TFTPD] = {"tftpd-hpa.tmpl", false},
    [T_TGT] = {"tgt.conf.tmpl", false},
    [T_LIO] = {"lio.json.tmpl", false},
    [T_EXPORTS] = {"exports.tmpl", false},
    [T_README] = {"README.tmpl", false},
    [T_INVENTORY] = {"inventory.yml.tmpl", false},
    [T_PLAYBOOK] = {"playbook.yml.tmpl", false},
    [T_LIO_MODULE] = {"pinetboot_lio_merge.py.tmpl", false},
    [T_CMDLINE] = {"cmdline.txt.tmpl", true},
    [T_CONFIG] = {"config.txt.tmpl", true},
    [T_FSTAB] = {"fstab.tmpl", true},
    [T_BOOTCONF] = {"bootconf.txt.tmpl", true},
};

struct files_state {
	struct render_ctx *c;
	struct render_set *out;
	size_t cap;
	const char *prefix; /* "files/" in the Ansible layout, "" otherwise */
	struct tmpl *t[T_COUNT];
	struct tmpl_list_data lists[2];
	struct tmpl_data data;
};

void render_ctx_init(struct render_ctx *c, const struct site *s, const struct render_opts *o,
		     struct problems *ps)
{
	memset(c, 0, sizeof(*c));
	c->s = s;
	c->o = o;
	c->ps = ps;
	c->pis = xcalloc(s->n_pis ? s->n_pis * P_COUNT : 1, sizeof(char *));
}

void render_ctx_done(struct render_ctx *c)
{
	free(c->pis);
	c->pis = NULL;
}

static const struct template_file *builtin(const char *name)
{
	for (const struct template_file *t = templates_builtin; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

static bool known_template(const char *name)
{
	for (size_t i = 0; i < T_COUNT; i++)
		if (strcmp(tmpl_table[i].file, name) == 0)
			return true;
	return false;
}

/* Files in the override directory that no output uses are most likely misnamed. */
static void check_override_dir(const char *dir, struct problems *ps)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (str_endswith(e->d_name, ".tmpl") && !known_template(e->d_name))
			problems_add(ps, PROBLEM_WARNING, dir, 0, NULL, e->d_name,
				     "is not a template pinetboot renders (see TEMPLATES in "
				     "pinetboot(1) for the names); it is ignored");
	closedir(d);
}

static struct tmpl *load_one(const char *dir, size_t id, struct problems *ps)
{
	const char *name = tmpl_table[id].file;
	const struct tmpl_schema *sc = tmpl_table[id].per_pi ? &pi_schema : &site_schema;
	if (dir) {
		char *path = xasprintf("%s/%s", dir, name);
		size_t len;
		char *text = fs_read_file(path, &len);
		if (text) {
			struct tmpl *t = tmpl_parse(path, text, len, sc, ps);
			free(text);
			free(path);
			return t;
		}
		if (errno != ENOENT)
			problems_add(ps, PROBLEM_ERROR, path, 0, NULL, NULL, "cannot be read: %s",
				     strerror(errno));
		free(path);
		if (errno != ENOENT)
			return NULL;
	}
	const struct template_file *b = builtin(name);
	if (!b) {
		problems_add(ps, PROBLEM_ERROR, NULL, 0, NULL, NULL,
			     "built-in template %s is missing from this build", name);
		return NULL;
	}
	char *label = xasprintf("templates/%s", name);
	struct tmpl *t = tmpl_parse(label, b->data, b->len, sc, ps);
	free(label);
	return t;
}

static int load_templates(struct files_state *f)
{
	const char *dir = f->c->o->templates_dir;
	struct stat st;
	if (dir && (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
		problems_add(f->c->ps, PROBLEM_ERROR, dir, 0, NULL, NULL,
			     "is not a directory (expected --templates DIR holding *.tmpl files)");
		return -1;
	}
	if (dir)
		check_override_dir(dir, f->c->ps);
	int bad = 0;
	for (size_t i = 0; i < T_COUNT; i++)
		if (!(f->t[i] = load_one(dir, i, f->c->ps)))
			bad++;
	return bad ? -1 : 0;
}

static struct rendered_file *add_file(struct files_state *f, const char *path, struct sbuf *b,
				      mode_t mode)
{
	struct render_set *o = f->out;
	if (o->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		o->files = xrealloc(o->files, f->cap * sizeof(*o->files));
	}
	struct rendered_file *r = &o->files[o->n++];
	memset(r, 0, sizeof(*r));
	r->path = xasprintf("%s%s", f->prefix, path);
	r->len = b->len;
	r->content = sbuf_take(b);
	r->mode = mode;
	return r;
}

static void render_site_file(struct files_state *f, enum tmpl_id id, const char *path, mode_t mode,
			     const char *install, const char *daemon)
{
	struct sbuf b;
	sbuf_init(&b);
	tmpl_render(f->t[id], &f->data, &b);
	struct rendered_file *r = add_file(f, path, &b, mode);
	r->install_path = install ? xstrdup(install) : NULL;
	r->daemon = install ? daemon : NULL;
}

static void server_files(struct files_state *f)
{
	const struct site *s = f->c->s;
	bool dnsmasq_dhcp = s->dhcp == DHCP_PROXY || s->dhcp == DHCP_FULL;
	if (dnsmasq_dhcp || s->tftp == TFTP_DNSMASQ)
		render_site_file(f, T_DNSMASQ, "dnsmasq.d/pinetboot.conf", 0644,
				 "/etc/dnsmasq.d/pinetboot.conf", "dnsmasq");
	render_site_file(f, T_DHCPD, "dhcp/dhcpd-pinetboot.conf", 0644,
			 s->dhcp == DHCP_ISC ? RENDER_DHCPD_FRAGMENT : NULL, "isc-dhcp");
	if (s->dhcp == DHCP_ISC) {
		/* dhcpd reads only dhcpd.conf: without this line the fragment does nothing */
		struct sbuf b;
		sbuf_init(&b);
		sbuf_add(&b, "# pinetboot: the Pis' hosts and boot options\n" RENDER_DHCPD_INCLUDE "\n");
		struct rendered_file *r = add_file(f, "dhcp/dhcpd.conf-include", &b, 0644);
		r->install_path = xstrdup(RENDER_DHCPD_CONF);
		r->daemon = "isc-dhcp";
		r->merge_include = true;
	}
	render_site_file(f, T_KEA, "dhcp/kea-dhcp4-pinetboot.json", 0644,
			 s->dhcp == DHCP_KEA ? "/etc/kea/kea-dhcp4-pinetboot.json" : NULL, "kea");
	if (s->tftp == TFTP_HPA)
		render_site_file(f, T_TFTPD, "default/tftpd-hpa", 0644, "/etc/default/tftpd-hpa",
				 "tftpd-hpa");
	if (s->root == ROOT_ISCSI && s->iscsi_target != TARGET_EXTERNAL) {
		bool tgt = s->iscsi_target == TARGET_TGT;
		render_site_file(f, T_TGT, "iscsi/tgt-pinetboot.conf", 0600,
				 tgt ? "/etc/tgt/conf.d/pinetboot.conf" : NULL, "tgt");
		/* JSON for targetctl, not a script: no value the profile gives is ever run. apply
		 * (and the playbook's pinetboot_lio_merge) merges it into saveconfig.json, the file
		 * targetctl restores (clearing what runs) and rtslib restores at boot, keeping the
		 * admin's own targets there */
		render_site_file(f, T_LIO, "iscsi/lio-pinetboot.json", 0600,
				 tgt ? NULL : LIO_SAVECONFIG, "lio");
		if (!tgt)
			f->out->files[f->out->n - 1].lio_iqn_base = xstrdup(s->iqn_base);
	}
	if (s->root == ROOT_NFS || s->boot_writeback) {
		render_site_file(f, T_EXPORTS, "nfs/pinetboot.exports", 0644,
				 "/etc/exports.d/pinetboot.exports", "nfs");
	}
	char *sec = secrets_text(s);
	struct sbuf b;
	sbuf_init(&b);
	sbuf_add(&b, sec);
	free(sec);
	add_file(f, "pinetboot.secrets", &b, 0600);
}

/* Two Pis may not share a TFTP directory: their cmdline.txt would overwrite each other. */
static bool dir_clash(struct files_state *f, size_t i)
{
	const char *d = f->c->pis[i * P_COUNT + P_TFTP_DIR];
	for (size_t j = 0; *d && j < i; j++)
		if (strcmp(d, f->c->pis[j * P_COUNT + P_TFTP_DIR]) == 0) {
			const struct pi *p = &f->c->s->pis[i];
			char *label = xasprintf("[pi \"%s\"]", p->name);
			problems_add(
			    f->c->ps, PROBLEM_ERROR, f->c->s->path,
			    p->key_line[PK_TFTP_PREFIX] ? p->key_line[PK_TFTP_PREFIX] : p->line,
			    label, "tftp_prefix",
			    "TFTP directory \"%s\" is also [pi \"%s\"]'s (expected each Pi "
			    "to have its own)",
			    d, f->c->s->pis[j].name);
			free(label);
			return true;
		}
	return false;
}

static void pi_file(struct files_state *f, enum tmpl_id id, const char *vals[], const char *dir,
		    const char *name, const char *install, bool merge)
{
	struct sbuf b;
	sbuf_init(&b);
	struct tmpl_data d = {.values = vals, .lists = NULL};
	tmpl_render(f->t[id], &d, &b);
	char *path = xasprintf("%s/%s", dir, name);
	struct rendered_file *r = add_file(f, path, &b, 0644);
	free(path);
	r->install_path = install ? xstrdup(install) : NULL;
	r->merge_lines = merge;
}

static int pi_files(struct files_state *f)
{
	const struct site *s = f->c->s;
	const char *vals[R_COUNT + P_COUNT];
	memcpy(vals, f->c->root, sizeof(f->c->root));
	int clashes = 0;
	for (size_t i = 0; i < s->n_pis; i++) {
		const struct pi *p = &s->pis[i];
		char **pv = &f->c->pis[i * P_COUNT];
		memcpy(vals + R_COUNT, pv, P_COUNT * sizeof(char *));
		if (dir_clash(f, i)) {
			clashes++;
			continue;
		}
		/* a flat Pi's files sit in the TFTP root itself (tftp_path is the root) */
		bool known = *pv[P_TFTP_PATH] != '\0';
		char *dir = *pv[P_TFTP_FLAT] ? xstrdup("tftp")
			    : known	     ? xasprintf("tftp/%s", pv[P_TFTP_DIR])
					     : xasprintf("pis/%s", p->name);
		char *cmd = known ? xasprintf("%s/cmdline.txt", pv[P_TFTP_PATH]) : NULL;
		char *cfg = known ? xasprintf("%s/config.txt", pv[P_TFTP_PATH]) : NULL;
		char *fst = s->root == ROOT_NFS ? xasprintf("%s/etc/fstab", pv[P_NFS_PATH]) : NULL;
		pi_file(f, T_CMDLINE, vals, dir, "cmdline.txt", cmd, false);
		pi_file(f, T_CONFIG, vals, dir, "config.txt", cfg, true);
		pi_file(f, T_FSTAB, vals, dir, "fstab", fst, false);
		if (model_uses_eeprom(p->model))
			pi_file(f, T_BOOTCONF, vals, dir, "bootconf.txt", NULL, false);
		free(dir);
		free(cmd);
		free(cfg);
		free(fst);
	}
	return clashes ? -1 : 0;
}

/* The command that makes a daemon read its changed files (apply runs it; the notes and the
 * Ansible handlers name it). */
static const struct {
	const char *daemon, *reload;
} reloads[] = {
    {"dnsmasq", "systemctl restart dnsmasq"},
    {"tftpd-hpa", "systemctl restart tftpd-hpa"},
    {"tgt", "tgt-admin --update ALL"},
    {"lio", "targetctl restore " LIO_SAVECONFIG},
    {"nfs", "exportfs -ra"},
    {"isc-dhcp", "systemctl restart isc-dhcp-server"},
    {"kea", "systemctl restart kea-dhcp4-server"},
};

const char *render_daemon_reload(const char *daemon)
{
	for (size_t i = 0; daemon && i < PNB_ARRAY_LEN(reloads); i++)
		if (strcmp(reloads[i].daemon, daemon) == 0)
			return reloads[i].reload;
	return NULL;
}

static const char *handler_of(const char *daemon)
{
	static const char *const h[][2] = {
	    {"dnsmasq", "restart dnsmasq"},
	    {"tftpd-hpa", "restart tftpd-hpa"},
	    {"tgt", "reload tgt"},
	    {"lio", "restore LIO"},
	    {"nfs", "reexport nfs"},
	    {"isc-dhcp", "restart isc-dhcp-server"},
	    {"kea", "restart kea-dhcp4-server"},
	};
	for (size_t i = 0; daemon && i < PNB_ARRAY_LEN(h); i++)
		if (strcmp(h[i][0], daemon) == 0)
			return h[i][1];
	return "";
}

static const char *note_of(const struct rendered_file *r)
{
	/* the first whose name is in the file's path */
	static const char *const notes[][2] = {
	    {"dhcpd.conf-include", "the line dhcp = isc adds to /etc/dhcp/dhcpd.conf"},
	    {"dhcpd", "the ISC dhcpd alternative (dhcp = isc)"},
	    {"kea", "the Kea alternative (dhcp = kea)"},
	    {"tgt", "the tgt alternative (iscsi_target = tgt)"},
	    {"lio-", "the LIO alternative (iscsi_target = lio)"},
	};
	if (str_endswith(r->path, ".secrets"))
		return "the CHAP credentials, a copy of the site's secrets file";
	for (size_t i = 0; i < PNB_ARRAY_LEN(notes); i++)
		if (strstr(r->path, notes[i][0]))
			return notes[i][1];
	return "for reference";
}

/* The server files (everything rendered so far) as the {{#files}} list. Owns its strings
 * through strs. */
static void files_list(struct files_state *f, char ***strs, size_t *n_strs)
{
	size_t n = f->out->n;
	const char **v = xcalloc(n ? n * F_COUNT : 1, sizeof(char *));
	char **own = xcalloc(n ? n * 2 : 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		const struct rendered_file *r = &f->out->files[i];
		const char **row = &v[i * F_COUNT];
		row[F_PATH] = r->path;
		row[F_INSTALL] = r->install_path ? r->install_path : "";
		row[F_DAEMON] = r->daemon ? r->daemon : "";
		row[F_MODE] = own[i * 2] = xasprintf("0%o", (unsigned)r->mode);
		row[F_LINES] = r->merge_lines || r->merge_include ? "yes" : "";
		row[F_MERGED] = r->lio_iqn_base ? "yes" : "";
		const char *reload = render_daemon_reload(r->daemon);
		row[F_RELOAD] = reload ? reload : "";
		row[F_HANDLER] = handler_of(r->daemon);
		row[F_NOTE] = note_of(r);
		own[i * 2 + 1] = NULL;
	}
	f->lists[LIST_FILES].n_items = n;
	f->lists[LIST_FILES].values = v;
	*strs = own;
	*n_strs = n * 2;
}

int render_files(struct render_ctx *c, struct render_set *out)
{
	struct files_state f = {.c = c, .out = out, .prefix = ""};
	if (c->o->format == RENDER_ANSIBLE)
		f.prefix = "files/";
	int rc = load_templates(&f);
	if (rc == 0) {
		f.lists[LIST_PIS].n_items = c->s->n_pis;
		f.lists[LIST_PIS].values = (const char *const *)c->pis;
		f.data.values = (const char *const *)c->root;
		f.data.lists = f.lists;
		server_files(&f);
		char **own;
		size_t n_own;
		files_list(&f, &own, &n_own);
		if (pi_files(&f) != 0)
			rc = -1;
		const char *saved = f.prefix;
		f.prefix = "";
		render_site_file(&f, T_README, "README.txt", 0644, NULL, NULL);
		if (c->o->format == RENDER_ANSIBLE) {
			render_site_file(&f, T_INVENTORY, "inventory.yml", 0644, NULL, NULL);
			render_site_file(&f, T_PLAYBOOK, "playbook.yml", 0644, NULL, NULL);
			/* the playbook's LIO merge: Ansible loads modules from library/ beside it */
			if (c->s->root == ROOT_ISCSI && c->s->iscsi_target == TARGET_LIO)
				render_site_file(&f, T_LIO_MODULE, "library/pinetboot_lio_merge.py",
						 0644, NULL, NULL);
		}
		f.prefix = saved;
		for (size_t i = 0; i < n_own; i++)
			free(own[i]);
		free(own);
		free((void *)f.lists[LIST_FILES].values);
	}
	for (size_t i = 0; i < T_COUNT; i++)
		tmpl_free(f.t[i]);
	return rc;
}
