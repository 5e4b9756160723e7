/* libFuzzer harness: profile text to rendered files. Whatever a profile holds, every file it
 * renders must keep each value in its place: valid UTF-8 with no control character but line
 * breaks and tabs, cmdline.txt one line, every dnsmasq line a comment or one key[=value] with
 * no blank in the value, every tgt.conf and exports line free of quotes and shell syntax, and
 * every LIO JSON string closed on its line. A violation aborts. (tests/hostile/
 * t_render_corpus.sh runs the seed corpus through the real dnsmasq --test and a JSON parser.) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/place.h"
#include "core/server/render.h"
#include "core/site/profile.h"
#include "tests/fuzz/profile_input.h"

static void check_text(const struct rendered_file *f)
{
	const char *t = f->content;
	for (size_t i = 0; i < f->len; i++)
		if (((unsigned char)t[i] < 0x20 && t[i] != '\n' && t[i] != '\t') || t[i] == 0x7f)
			abort();
	if (!place_utf8_ok(t, f->len))
		abort();
}

/* Each line of the file, NUL-terminated in a copy. */
static void each_line(const struct rendered_file *f, void (*fn)(const char *line))
{
	char *copy = strdup(f->content);
	for (char *save, *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		fn(l);
	free(copy);
}

static void dnsmasq_line(const char *l)
{
	if (l[0] == '#' || l[0] == '\0')
		return;
	const char *eq = strchr(l, '=');
	size_t klen = eq ? (size_t)(eq - l) : strlen(l);
	for (size_t i = 0; i < klen; i++)
		if (!((l[i] >= 'a' && l[i] <= 'z') || (l[i] >= '0' && l[i] <= '9') || l[i] == '-'))
			abort();
	/* the values dnsmasq reads up to a comma: a path or an interface never holds a blank */
	if (eq && (!strncmp(l, "tftp-root=", 10) || !strncmp(l, "interface=", 10)) &&
	    strpbrk(eq + 1, " \t\"'#"))
		abort();
}

static void plain_line(const char *l)
{
	while (*l == ' ' || *l == '\t')
		l++;
	if (*l != '#' && strpbrk(l, "`$;|&\"'"))
		abort();
}

static void json_line(const char *l)
{
	/* every JSON string of the LIO file opens and closes on its line: a value that broke out
	 * of its quotes leaves an odd number of unescaped ones */
	size_t quotes = 0;
	for (const char *p = l; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '"')
			quotes++;
	}
	if (quotes % 2)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_profile fp;
	if (fz_profile_load(&fp, data, size) == 0) {
		struct site *s = &fp.s;
		for (size_t i = 0; i < s->n_pis; i++)
			if (s->pis[i].chap) {
				s->pis[i].chap_user = strdup(s->pis[i].name);
				s->pis[i].chap_secret = strdup("abcdefghijkl12");
			}
		struct render_opts o = {.format = RENDER_FILES};
		struct render_set rs;
		if (render_site(s, &o, &rs, &fp.ps) == 0) {
			for (size_t i = 0; i < rs.n; i++) {
				const struct rendered_file *f = &rs.files[i];
				check_text(f);
				if (strstr(f->path, "cmdline.txt") && strchr(f->content, '\n') !=
									    f->content + f->len - 1)
					abort();
				if (strstr(f->path, "dnsmasq"))
					each_line(f, dnsmasq_line);
				if (strstr(f->path, "tgt-") || strstr(f->path, "exports"))
					each_line(f, plain_line);
				if (strstr(f->path, "lio-"))
					each_line(f, json_line);
			}
			render_set_done(&rs);
		}
	}
	fz_profile_done(&fp);
	return 0;
}
