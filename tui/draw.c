/* draw — colours (with a monochrome fallback) and small clipped drawing helpers. No I/O. */
#include "tui/wiz.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/base/util.h"

struct colour_def {
	short fg, bg;
	int attr, mono_attr;
};

#define WIZ_CP_DEF(id, fg, bg, a, m) {fg, bg, a, m},
static const struct colour_def colour_defs[CP_COUNT] = {WIZ_COLOURS(WIZ_CP_DEF)};
#undef WIZ_CP_DEF

static bool draw_mono = true;

void draw_init_colours(bool mono)
{
	draw_mono = mono || !has_colors();
	if (draw_mono)
		return;
	start_color();
	use_default_colors();
	for (int i = 1; i < CP_COUNT; i++)
		init_pair((short)i, colour_defs[i].fg, colour_defs[i].bg);
}

int draw_attr(enum wiz_colour c)
{
	if (draw_mono)
		return colour_defs[c].mono_attr;
	return (int)COLOR_PAIR(c) | colour_defs[c].attr;
}

/* Number of bytes of s that fit in width columns; UTF-8 continuation bytes take no column. */
static size_t fit_bytes(const char *s, int width)
{
	size_t i = 0;
	int cols = 0;
	while (s[i]) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (cols == width)
				break;
			cols++;
		}
		i++;
	}
	return i;
}

void draw_text(int y, int x, int width, enum wiz_colour c, const char *s)
{
	if (width <= 0 || y < 0 || y >= LINES)
		return;
	attrset(draw_attr(c));
	mvaddnstr(y, x, s, (int)fit_bytes(s, width));
	attrset(A_NORMAL);
}

void draw_textf(int y, int x, int width, enum wiz_colour c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	draw_text(y, x, width, c, buf);
}

void draw_fill(int y, int x, int width, enum wiz_colour c)
{
	if (width <= 0 || y < 0 || y >= LINES)
		return;
	attrset(draw_attr(c));
	mvhline(y, x, ' ', width);
	attrset(A_NORMAL);
}

size_t draw_wrap_next(const char *s, int width)
{
	size_t n = fit_bytes(s, width);
	size_t nl = strcspn(s, "\n");
	if (nl <= n)
		return nl; /* a line break in the text ends the row */
	if (s[n]) {
		size_t cut = n;
		while (cut > 0 && s[cut] != ' ')
			cut--;
		if (cut > 0)
			n = cut;
	}
	return n;
}

/* Past row n's text: the spaces (and one line break) that the row break swallows. */
static const char *wrap_skip_gap(const char *s)
{
	while (*s == ' ')
		s++;
	if (*s == '\n')
		s++;
	return s;
}

int draw_wrapped_count(int width, const char *s)
{
	int rows = 0;
	while (*s && width > 0) {
		s = wrap_skip_gap(s + draw_wrap_next(s, width));
		rows++;
	}
	return rows;
}

const char *draw_wrapped_skip(int width, int rows, const char *s)
{
	while (*s && width > 0 && rows-- > 0)
		s = wrap_skip_gap(s + draw_wrap_next(s, width));
	return s;
}

int draw_wrapped(int y, int x, int width, int max_lines, enum wiz_colour c, const char *s)
{
	int used = 0;
	while (*s && used < max_lines && width > 0) {
		size_t n = draw_wrap_next(s, width);
		char line[1024];
		snprintf(line, sizeof(line), "%.*s", (int)n, s);
		draw_text(y + used, x, width, c, line);
		used++;
		s = wrap_skip_gap(s + n);
	}
	return used;
}

int draw_paragraphs(int y, int x, int width, int rows, const struct wiz_para *p, size_t n,
		    const char *more)
{
	int need = 0, used = 0;
	for (size_t i = 0; i < n; i++)
		need += p[i].text ? draw_wrapped_count(width, p[i].text) : 0;
	bool fits = need <= rows;
	int room = fits ? rows : rows - 1;
	for (size_t i = 0; i < n && room > 0; i++) {
		if (!p[i].text)
			continue;
		int rows_i = draw_wrapped_count(width, p[i].text);
		if (!fits && rows_i > room)
			break; /* not half a paragraph: the pointer below says where the rest is */
		int u = draw_wrapped(y + used, x, width, room, p[i].c, p[i].text);
		used += u;
		room -= u;
	}
	if (!fits && rows > 0)
		draw_text(y + used++, x, width, CP_DIM, more);
	return used;
}

void draw_box(struct rect r, const char *title)
{
	for (int i = 0; i < r.h; i++)
		draw_fill(r.y + i, r.x, r.w, CP_NORMAL);
	attrset(draw_attr(CP_NORMAL));
	mvhline(r.y, r.x + 1, ACS_HLINE, r.w - 2);
	mvhline(r.y + r.h - 1, r.x + 1, ACS_HLINE, r.w - 2);
	mvvline(r.y + 1, r.x, ACS_VLINE, r.h - 2);
	mvvline(r.y + 1, r.x + r.w - 1, ACS_VLINE, r.h - 2);
	mvaddch(r.y, r.x, ACS_ULCORNER);
	mvaddch(r.y, r.x + r.w - 1, ACS_URCORNER);
	mvaddch(r.y + r.h - 1, r.x, ACS_LLCORNER);
	mvaddch(r.y + r.h - 1, r.x + r.w - 1, ACS_LRCORNER);
	if (title)
		draw_textf(r.y, r.x + 2, r.w - 4, CP_NORMAL, " %s ", title);
}
