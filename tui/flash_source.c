/* flash_source — the Flash step's sources and their checks. */
#include "tui/flash_source.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/fsutil.h"
#include "core/base/util.h"
#include "core/disk/fatcard.h"
#include "core/disk/image.h"

static void add(struct flash_sources *l, char *label, const char *path, bool dir)
{
	if (flash_sources_find_path(l, path) >= 0) {
		free(label);
		return;
	}
	l->s = xrealloc(l->s, (l->n + 1) * sizeof(*l->s));
	l->s[l->n++] = (struct flash_src){label, xstrdup(path), dir};
}

int flash_sources_find_path(const struct flash_sources *l, const char *path)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->s[i].path, path))
			return (int)i;
	return -1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* cards/ beside the profile: every subdirectory is a card Readiness (or eeprom bootstrap)
 * wrote. */
static void add_cards(const struct wiz *w, struct flash_sources *l)
{
	const char *slash = strrchr(w->site_path, '/');
	char *cards = slash ? xasprintf("%.*s/cards", (int)(slash - w->site_path), w->site_path)
			    : xstrdup("cards");
	DIR *d = opendir(cards);
	struct dirent *e;
	char *names[64];
	size_t n = 0;
	while (d && (e = readdir(d)) != NULL && n < PNB_ARRAY_LEN(names)) {
		if (e->d_name[0] == '.')
			continue;
		char *p = xasprintf("%s/%s", cards, e->d_name);
		struct stat st;
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
			names[n++] = p;
		else
			free(p);
	}
	if (d)
		closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	for (size_t i = 0; i < n; i++) {
		add(l, xasprintf("bootstrap card %s", names[i]), names[i], true);
		free(names[i]);
	}
	free(cards);
}

void flash_sources_find(const struct wiz *w, struct flash_sources *out)
{
	out->s = NULL;
	out->n = 0;
	for (size_t i = 0; i < w->site.n_pis; i++) {
		const char *v = w->site.pis[i].val[PK_IMAGE];
		if (v && *v)
			add(out, xasprintf("image of %s", w->site.pis[i].name), v, false);
	}
	if (w->card_dir)
		add(out, xasprintf("bootstrap card %s", w->card_dir), w->card_dir, true);
	add_cards(w, out);
}

void flash_sources_done(struct flash_sources *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->s[i].label);
		free(l->s[i].path);
	}
	free(l->s);
	l->s = NULL;
	l->n = 0;
}

static int check_dir(const struct flash_src *src, uint64_t *size, char **tmp, char *msg,
		     size_t msglen)
{
	char *t = fs_temp_file("card", NULL, 0);
	if (!t) {
		snprintf(msg, msglen, "cannot make a temporary file in %s: %s", fs_tmpdir(),
			 strerror(errno));
		return -1;
	}
	char err[512];
	if (fatcard_build(src->path, t, err, sizeof(err)) < 0) {
		unlink(t);
		free(t);
		snprintf(msg, msglen, "%s", err);
		return -1;
	}
	struct stat st;
	*size = stat(t, &st) == 0 ? (uint64_t)st.st_size : 0;
	*tmp = t;
	char sz[24];
	size_format(*size, sz);
	snprintf(msg, msglen, "a FAT32 card of %s's files (%s)", src->path, sz);
	return 0;
}

int flash_source_check(const struct flash_src *src, uint64_t *size, char **tmp, char *msg,
		       size_t msglen)
{
	*size = 0;
	*tmp = NULL;
	struct stat st;
	if (stat(src->path, &st) != 0) {
		snprintf(msg, msglen, "%s: %s", src->path, strerror(errno));
		return -1;
	}
	if (src->dir) {
		if (!S_ISDIR(st.st_mode)) {
			snprintf(msg, msglen, "%s is not a directory", src->path);
			return -1;
		}
		return check_dir(src, size, tmp, msg, msglen);
	}
	char err[300];
	struct image *im = image_open(src->path, err, sizeof(err));
	if (!im) {
		snprintf(msg, msglen, "%s", err);
		return -1;
	}
	*size = image_size(im);
	char sz[24] = "size not recorded";
	if (*size)
		size_format(*size, sz);
	snprintf(msg, msglen, "%s image, %s", image_format_names[image_format(im)], sz);
	image_free(im);
	return 0;
}
