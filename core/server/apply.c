/* apply — plan (compare with what is installed) and run (backup + atomic replace). */
#include "core/server/apply.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/fsutil.h"
#include "core/server/bootfiles.h"
#include "core/base/util.h"

/* Daemons in the order they are reloaded: storage first, DHCP last, so no Pi is sent to a
 * server that is not ready. */
static const char *const daemon_order[] = {"tgt",     "lio",	  "nfs", "tftpd-hpa",
					   "dnsmasq", "isc-dhcp", "kea"};

/* A line of text equal to line once blanks are ignored (an admin may indent the include). */
static bool has_line_loose(const char *text, size_t len, const char *line)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *a = p, *b = line;
		while (a < p + l || *b) {
			while (a < p + l && (*a == ' ' || *a == '\t'))
				a++;
			while (*b == ' ' || *b == '\t')
				b++;
			if (a == p + l || !*b || *a != *b)
				break;
			a++;
			b++;
		}
		if (a == p + l && !*b)
			return true;
		p += l + 1;
	}
	return false;
}

/* old plus add's non-comment line (with its comments) when old lacks it. Heap, caller frees. */
static char *include_merge(const char *old, size_t old_len, const char *add, size_t *out_len)
{
	const char *line = add;
	while (*line == '#')
		line += strcspn(line, "\n") + 1;
	char *want = xstrndup(line, strcspn(line, "\n"));
	struct sbuf b;
	sbuf_init(&b);
	if (old_len)
		sbuf_addn(&b, old, old_len);
	if (!old || !has_line_loose(old, old_len, want)) {
		if (b.len && b.buf[b.len - 1] != '\n')
			sbuf_addc(&b, '\n');
		sbuf_add(&b, add);
	}
	free(want);
	*out_len = b.len;
	return sbuf_take(&b);
}

static void note_daemon(struct apply_plan *plan, const char *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < plan->n_daemons; i++)
		if (strcmp(plan->daemons[i], d) == 0)
			return;
	if (plan->n_daemons < APPLY_MAX_DAEMONS)
		plan->daemons[plan->n_daemons++] = d;
}

static size_t order_of(const char *d)
{
	for (size_t i = 0; i < PNB_ARRAY_LEN(daemon_order); i++)
		if (strcmp(daemon_order[i], d) == 0)
			return i;
	return PNB_ARRAY_LEN(daemon_order);
}

static void sort_daemons(struct apply_plan *plan)
{
	for (size_t i = 1; i < plan->n_daemons; i++)
		for (size_t j = i;
		     j > 0 && order_of(plan->daemons[j]) < order_of(plan->daemons[j - 1]); j--) {
			const char *t = plan->daemons[j];
			plan->daemons[j] = plan->daemons[j - 1];
			plan->daemons[j - 1] = t;
		}
}

static int plan_item(struct apply_item *it, struct problems *ps)
{
	const struct rendered_file *f = it->f;
	size_t old_len = 0;
	char *old = fs_read_file(it->target, &old_len);
	if (!old && errno != ENOENT) {
		problems_add(ps, PROBLEM_ERROR, it->target, 0, NULL, NULL, "cannot be read: %s",
			     strerror(errno));
		return -1;
	}
	if (f->merge_include) {
		it->content = include_merge(old, old_len, f->content, &it->len);
	} else if (f->merge_lines) {
		it->content = config_txt_merge(old ? old : "", old_len, f->content, &it->len);
	} else {
		it->content = xstrndup(f->content, f->len);
		it->len = f->len;
	}
	struct stat st;
	if (!old && (f->merge_lines || f->merge_include) && (it->len == 0 || f->merge_include))
		it->change = APPLY_SAME; /* no line to add: no empty file either; no dhcpd.conf of
					  * ours (the subnet is the admin's): lint says so */
	else if (!old)
		it->change = APPLY_NEW;
	else if (old_len != it->len || memcmp(old, it->content, it->len) != 0)
		it->change = APPLY_CHANGED;
	else if (!f->merge_lines && !f->merge_include && stat(it->target, &st) == 0 &&
		 (st.st_mode & 07777) != f->mode)
		it->change = APPLY_CHANGED;
	else
		it->change = APPLY_SAME;
	free(old);
	return 0;
}

static char *under_root(const char *root, const char *path)
{
	return strcmp(root, "/") == 0 ? xstrdup(path) : xasprintf("%s%s", root, path);
}

/* The daemon names are matched to the static table, so the plan can point at them. */
static const char *known_daemon(const char *name)
{
	for (size_t i = 0; i < PNB_ARRAY_LEN(daemon_order); i++)
		if (strcmp(daemon_order[i], name) == 0)
			return daemon_order[i];
	return NULL;
}

static bool rendered(const struct render_set *rs, const char *install_path)
{
	for (size_t i = 0; i < rs->n; i++)
		if (rs->files[i].install_path &&
		    strcmp(rs->files[i].install_path, install_path) == 0)
			return true;
	return false;
}

/* Manifest lines are "PATH<TAB>DAEMON" (DAEMON may be empty); config.txt-style line merges are
 * not listed: pinetboot does not own those files. */
static void plan_removals(const struct render_set *rs, const char *root, struct apply_plan *plan,
			  size_t *cap)
{
	size_t len;
	char *old = fs_read_file(plan->manifest, &len);
	if (!old)
		return;
	for (char *save, *line = strtok_r(old, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t');
		if (tab)
			*tab = '\0';
		if (line[0] != '/' || rendered(rs, line))
			continue;
		char *target = under_root(root, line);
		if (access(target, F_OK) != 0) {
			free(target);
			continue;
		}
		if (plan->n == *cap) {
			*cap *= 2;
			plan->items = xrealloc(plan->items, *cap * sizeof(*plan->items));
		}
		struct apply_item *it = &plan->items[plan->n++];
		memset(it, 0, sizeof(*it));
		it->target = target;
		it->change = APPLY_REMOVED;
		it->daemon = tab ? known_daemon(tab + 1) : NULL;
		note_daemon(plan, it->daemon);
	}
	free(old);
}

static char *manifest_text(const struct render_set *rs)
{
	struct sbuf b;
	sbuf_init(&b);
	for (size_t i = 0; i < rs->n; i++) {
		const struct rendered_file *f = &rs->files[i];
		if (f->install_path && !f->merge_lines && !f->merge_include)
			sbuf_printf(&b, "%s\t%s\n", f->install_path, f->daemon ? f->daemon : "");
	}
	return sbuf_take(&b);
}

int apply_plan(const struct render_set *rs, const char *root, const char *site,
	       struct apply_plan *plan, struct problems *ps)
{
	memset(plan, 0, sizeof(*plan));
	size_t cap = rs->n ? rs->n : 1;
	plan->items = xcalloc(cap, sizeof(*plan->items));
	char *mpath = xasprintf("/var/lib/pinetboot/%s.installed", site);
	plan->manifest = under_root(root, mpath);
	free(mpath);
	plan->manifest_text = manifest_text(rs);
	int rc = 0;
	for (size_t i = 0; i < rs->n; i++) {
		const struct rendered_file *f = &rs->files[i];
		if (!f->install_path)
			continue;
		struct apply_item *it = &plan->items[plan->n++];
		it->f = f;
		it->daemon = f->daemon;
		it->target = under_root(root, f->install_path);
		if (plan_item(it, ps) != 0)
			rc = -1;
		if (it->change != APPLY_SAME)
			note_daemon(plan, f->daemon);
	}
	plan_removals(rs, root, plan, &cap);
	sort_daemons(plan);
	return rc;
}

static char *backup_name(const char *target, const char *stamp)
{
	char *b = xasprintf("%s.pinetboot-%s", target, stamp);
	for (int i = 1; access(b, F_OK) == 0; i++) {
		free(b);
		b = xasprintf("%s.pinetboot-%s-%d", target, stamp, i);
	}
	return b;
}

/* Rewritten only when it changes, so a second apply touches nothing at all. */
static int write_manifest(const struct apply_plan *plan, struct problems *ps)
{
	size_t len;
	char *old = fs_read_file(plan->manifest, &len);
	bool same = old && strcmp(old, plan->manifest_text) == 0;
	free(old);
	if (same)
		return 0;
	if (fs_mkdir_parents(plan->manifest, 0755) != 0 ||
	    fs_write_atomic(plan->manifest, plan->manifest_text, strlen(plan->manifest_text),
			    0644) != 0) {
		problems_add(ps, PROBLEM_ERROR, plan->manifest, 0, NULL, NULL,
			     "cannot be written: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int apply_run(struct apply_plan *plan, const char *stamp, struct problems *ps)
{
	for (size_t i = 0; i < plan->n; i++) {
		struct apply_item *it = &plan->items[i];
		if (it->change == APPLY_SAME)
			continue;
		if (it->change == APPLY_REMOVED) {
			it->backup = backup_name(it->target, stamp);
			if (rename(it->target, it->backup) != 0) {
				problems_add(ps, PROBLEM_ERROR, it->target, 0, NULL, NULL,
					     "cannot be moved aside: %s", strerror(errno));
				return -1;
			}
			continue;
		}
		if (fs_mkdir_parents(it->target, 0755) != 0) {
			problems_add(ps, PROBLEM_ERROR, it->target, 0, NULL, NULL,
				     "its directory cannot be created: %s", strerror(errno));
			return -1;
		}
		if (it->change == APPLY_CHANGED) {
			it->backup = backup_name(it->target, stamp);
			/* a hard link keeps the old file, mode and owner, at no copying cost */
			if (link(it->target, it->backup) != 0) {
				problems_add(ps, PROBLEM_ERROR, it->backup, 0, NULL, NULL,
					     "cannot be made (backup of %s): %s", it->target,
					     strerror(errno));
				return -1;
			}
		}
		if (fs_write_atomic(it->target, it->content, it->len, it->f->mode) != 0) {
			problems_add(ps, PROBLEM_ERROR, it->target, 0, NULL, NULL,
				     "cannot be written: %s", strerror(errno));
			return -1;
		}
	}
	return write_manifest(plan, ps);
}

void apply_plan_done(struct apply_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		free(plan->items[i].target);
		free(plan->items[i].content);
		free(plan->items[i].backup);
	}
	free(plan->items);
	free(plan->manifest);
	free(plan->manifest_text);
	memset(plan, 0, sizeof(*plan));
}

char **apply_reload_argv(const char *daemon)
{
	const char *cmd = render_daemon_reload(daemon);
	if (!cmd)
		return NULL;
	char **argv = xcalloc(8, sizeof(char *));
	char *copy = xstrdup(cmd);
	size_t n = 0;
	for (char *save, *w = strtok_r(copy, " ", &save); w && n < 7;
	     w = strtok_r(NULL, " ", &save))
		argv[n++] = xstrdup(w);
	free(copy);
	return argv;
}

void apply_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}
