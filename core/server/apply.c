/* apply — plan (compare with what is installed) and run (backup + atomic replace). */
#include "core/server/apply.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/base/fsutil.h"
#include "core/base/place.h"
#include "core/server/bootfiles.h"
#include "core/server/lio_live.h"
#include "core/server/lio_merge.h"
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

/* The most apply reads of a file it merges into or compares with: the files it installs are
 * small, and a target that grew past this is not one of them. */
#define APPLY_READ_MAX ((size_t)16 << 20)

static void io_problem(struct problems *ps, const char *target, const char *what, int e)
{
	problems_add(ps, PROBLEM_ERROR, target, 0, NULL, NULL, "%s: %s", what, fs_strerror(e));
}

/* A file pinetboot adds to rather than owns: kept out of the manifest, never taken away. */
static bool merged(const struct rendered_file *f)
{
	return f->merge_lines || f->merge_include || f->lio_iqn_base;
}

/* Is root where `targetctl restore` runs (the host's own /)? PNB_TEST_LIO_LIVE makes a test's
 * --root count as it, with a stub targetctl first on PATH (there is no kernel LIO to test on). */
static bool lio_live(const char *root)
{
	const char *test = getenv("PNB_TEST_LIO_LIVE");
	return strcmp(root, "/") == 0 || (test && *test);
}

static int plan_item(struct apply_item *it, const char *root, struct problems *ps)
{
	const struct rendered_file *f = it->f;
	size_t old_len = 0;
	/* beneath the root, no link followed, only a regular file read (M3, M4) */
	char *old = fs_read_beneath(root, it->rel, f->lio_iqn_base ? LIO_SAVECONFIG_MAX : APPLY_READ_MAX,
				    &old_len);
	if (!old && errno != ENOENT) {
		io_problem(ps, it->target, "cannot be read", errno);
		return -1;
	}
	if (f->lio_iqn_base) {
		char *err;
		it->content = lio_merge(old, old_len, f->content, f->len, f->lio_iqn_base, &it->len,
					&err);
		if (!it->content) {
			problems_add(ps, PROBLEM_ERROR, it->target, 0, NULL, NULL, "%s", err);
			free(err);
			free(old);
			return -1;
		}
	} else if (f->merge_include) {
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
	else if (!merged(f) && fs_lstat_beneath(root, it->rel, &st) == 0 &&
		 (st.st_mode & 07777) != f->mode)
		it->change = APPLY_CHANGED;
	else
		it->change = APPLY_SAME;
	/* the restore that follows a change clears the running LIO configuration: checked now,
	 * before anything is staged, so a refusal leaves every file as it was */
	char *refusal = f->lio_iqn_base && it->change != APPLY_SAME && lio_live(root)
				? lio_live_refusal(old, old_len)
				: NULL;
	free(old);
	if (refusal) {
		problems_add(ps, PROBLEM_ERROR, it->target, 0, NULL, NULL, "%s", refusal);
		free(refusal);
		return -1;
	}
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

static struct apply_item *push_item(struct apply_plan *plan, size_t *cap)
{
	if (plan->n == *cap) {
		*cap *= 2;
		plan->items = xrealloc(plan->items, *cap * sizeof(*plan->items));
	}
	struct apply_item *it = &plan->items[plan->n++];
	memset(it, 0, sizeof(*it));
	return it;
}

/* Manifest lines are "PATH<TAB>DAEMON" (DAEMON may be empty); config.txt-style line merges are
 * not listed: pinetboot does not own those files. The manifest is input like any other: a line
 * that is not a plain absolute path in normal form ("/../outside", "//x", "a/b") is ignored with
 * a warning, and only regular files are taken away. */
static void plan_removals(const struct render_set *rs, const char *root, struct apply_plan *plan,
			  size_t *cap, struct problems *ps)
{
	size_t len;
	char *old = fs_read_beneath(root, plan->manifest_rel, APPLY_READ_MAX, &len);
	if (!old) {
		if (errno != ENOENT)
			io_problem(ps, plan->manifest, "cannot be read", errno);
		return;
	}
	int lineno = 0;
	for (char *p = old, *nl; *p; p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		lineno++;
		char *tab = strchr(p, '\t');
		if (tab)
			*tab = '\0';
		if (!*p || rendered(rs, p))
			continue;
		char *norm = place_path_normalise(p);
		bool plain = p[0] == '/' && strcmp(norm, p) == 0 && strcmp(p, "/") != 0;
		free(norm);
		if (!plain) {
			problems_add(ps, PROBLEM_WARNING, plan->manifest, lineno, NULL, NULL,
				     "is not a plain absolute path (ignored: apply takes away only "
				     "files it installed, beneath the root)");
			continue;
		}
		struct stat st;
		if (fs_lstat_beneath(root, p, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		struct apply_item *it = push_item(plan, cap);
		it->rel = xstrdup(p);
		it->target = under_root(root, p);
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
		if (f->install_path && !merged(f))
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
	plan->root = xstrdup(root);
	plan->manifest_rel = xasprintf("/var/lib/pinetboot/%s.installed", site);
	plan->manifest = under_root(root, plan->manifest_rel);
	plan->manifest_text = manifest_text(rs);
	int rc = 0;
	for (size_t i = 0; i < rs->n; i++) {
		const struct rendered_file *f = &rs->files[i];
		if (!f->install_path)
			continue;
		struct apply_item *it = push_item(plan, &cap);
		it->f = f;
		it->daemon = f->daemon;
		it->rel = xstrdup(f->install_path);
		it->target = under_root(root, f->install_path);
		if (plan_item(it, root, ps) != 0)
			rc = -1;
		if (it->change != APPLY_SAME)
			note_daemon(plan, f->daemon);
	}
	plan_removals(rs, root, plan, &cap, ps);
	sort_daemons(plan);
	return rc;
}

static char *backup_name(const char *root, const char *rel, const char *stamp)
{
	struct stat st;
	char *b = xasprintf("%s.pinetboot-%s", rel, stamp);
	for (int i = 1; fs_lstat_beneath(root, b, &st) == 0; i++) {
		free(b);
		b = xasprintf("%s.pinetboot-%s-%d", rel, stamp, i);
	}
	return b;
}

/* Puts every item done so far back as it was, newest first: a replaced file comes back from
 * its backup, a new one goes, a removed one returns. */
static void roll_back(struct apply_plan *plan)
{
	for (size_t i = plan->n; i-- > 0;) {
		struct apply_item *it = &plan->items[i];
		if (it->staged) {
			fs_unlink_beneath(plan->root, it->staged);
			free(it->staged);
			it->staged = NULL;
		}
		if (!it->done) {
			if (it->backup_rel && it->change == APPLY_CHANGED)
				fs_unlink_beneath(plan->root, it->backup_rel); /* the link made */
		} else if (it->change == APPLY_NEW) {
			fs_unlink_beneath(plan->root, it->rel);
		} else if (it->backup_rel) {
			fs_rename_beneath(plan->root, it->backup_rel, it->rel);
		}
		it->done = false;
		free(it->backup);
		free(it->backup_rel);
		it->backup = it->backup_rel = NULL;
	}
}

/* Rewritten only when it changes, so a second apply touches nothing at all. */
static int write_manifest(struct apply_plan *plan, struct problems *ps)
{
	size_t len;
	char *old = fs_read_beneath(plan->root, plan->manifest_rel, APPLY_READ_MAX, &len);
	bool same = old && strcmp(old, plan->manifest_text) == 0;
	free(old);
	if (same)
		return 0;
	char *tmp = fs_stage_beneath(plan->root, plan->manifest_rel, plan->manifest_text,
				     strlen(plan->manifest_text), 0644);
	if (!tmp || fs_rename_beneath(plan->root, tmp, plan->manifest_rel) != 0) {
		io_problem(ps, plan->manifest, "cannot be written", errno);
		if (tmp)
			fs_unlink_beneath(plan->root, tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

static int run_item(struct apply_plan *plan, struct apply_item *it, const char *stamp,
		    struct problems *ps)
{
	if (it->change == APPLY_CHANGED || it->change == APPLY_REMOVED) {
		it->backup_rel = backup_name(plan->root, it->rel, stamp);
		it->backup = under_root(plan->root, it->backup_rel);
	}
	if (it->change == APPLY_REMOVED) {
		if (fs_rename_beneath(plan->root, it->rel, it->backup_rel) != 0) {
			io_problem(ps, it->target, "cannot be moved aside", errno);
			return -1;
		}
		return 0;
	}
	/* a hard link keeps the old file, mode and owner, at no copying cost */
	if (it->change == APPLY_CHANGED && fs_link_beneath(plan->root, it->rel, it->backup_rel) != 0) {
		problems_add(ps, PROBLEM_ERROR, it->backup, 0, NULL, NULL,
			     "cannot be made (backup of %s): %s", it->target, fs_strerror(errno));
		free(it->backup_rel);
		free(it->backup);
		it->backup_rel = it->backup = NULL;
		return -1;
	}
	if (fs_rename_beneath(plan->root, it->staged, it->rel) != 0) {
		io_problem(ps, it->target, "cannot be replaced", errno);
		return -1;
	}
	free(it->staged);
	it->staged = NULL;
	return 0;
}

static int apply_run_items(struct apply_plan *plan, const char *stamp, struct problems *ps)
{
	/* 1. every new text written beside its target: a full disk, a read-only or immutable
	 * directory or a link in the way stops apply here, before anything changed */
	for (size_t i = 0; i < plan->n; i++) {
		struct apply_item *it = &plan->items[i];
		if (it->change != APPLY_NEW && it->change != APPLY_CHANGED)
			continue;
		it->staged = fs_stage_beneath(plan->root, it->rel, it->content, it->len, it->f->mode);
		if (!it->staged) {
			io_problem(ps, it->target, "cannot be written", errno);
			roll_back(plan);
			return -1;
		}
	}
	/* 2. each put in place (the old one kept as a backup); 3. the manifest. Any failure puts
	 * everything back. */
	for (size_t i = 0; i < plan->n; i++) {
		struct apply_item *it = &plan->items[i];
		if (it->change == APPLY_SAME)
			continue;
		if (run_item(plan, it, stamp, ps) != 0) {
			roll_back(plan);
			return -1;
		}
		it->done = true;
	}
	if (write_manifest(plan, ps) != 0) {
		roll_back(plan);
		return -1;
	}
	return 0;
}

/* The directories on the way to the items that do not exist yet, deepest last: staging makes
 * them, and a roll-back takes them away again (rmdir: only while empty). */
static void note_missing_dirs(struct apply_plan *plan, struct sbuf *dirs)
{
	for (size_t i = 0; i < plan->n; i++) {
		if (plan->items[i].change == APPLY_SAME || plan->items[i].change == APPLY_REMOVED)
			continue;
		char *d = xstrdup(plan->items[i].rel);
		for (char *slash = strchr(d + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
			*slash = '\0';
			struct stat st;
			bool listed = false;
			for (size_t o = 0; o < dirs->len; o += strlen(dirs->buf + o) + 1)
				listed = listed || strcmp(dirs->buf + o, d) == 0;
			if (!listed && fs_lstat_beneath(plan->root, d, &st) != 0 && errno == ENOENT)
				sbuf_addn(dirs, d, strlen(d) + 1);
			*slash = '/';
		}
		free(d);
	}
}

static void remove_made_dirs(struct apply_plan *plan, const struct sbuf *dirs)
{
	/* the list is in creation order per item: walk it backwards, deepest first */
	for (size_t end = dirs->len; end > 0;) {
		size_t start = end - 1;
		while (start > 0 && dirs->buf[start - 1] != '\0')
			start--;
		int fd;
		char *name;
		if (fs_beneath(plan->root, dirs->buf + start, false, &fd, &name) == 0) {
			unlinkat(fd, name, AT_REMOVEDIR);
			close(fd);
			free(name);
		}
		end = start;
	}
}

int apply_run(struct apply_plan *plan, const char *stamp, struct problems *ps)
{
	struct sbuf dirs;
	sbuf_init(&dirs);
	note_missing_dirs(plan, &dirs);
	int rc = apply_run_items(plan, stamp, ps);
	if (rc != 0)
		remove_made_dirs(plan, &dirs);
	sbuf_done(&dirs);
	return rc;
}

void apply_plan_done(struct apply_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		free(plan->items[i].target);
		free(plan->items[i].rel);
		free(plan->items[i].content);
		free(plan->items[i].backup);
		free(plan->items[i].backup_rel);
		free(plan->items[i].staged);
	}
	free(plan->items);
	free(plan->root);
	free(plan->manifest_rel);
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

void apply_stamp_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 32, "%Y%m%d%H%M%S", &tm);
}
