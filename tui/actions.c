/* actions — the action table and key lookup. */
#include <curses.h>

#include "tui/actions.h"

#define WIZ_ACTION_ROW(id, name, k1, k2, label, bar, help) {id, name, k1, k2, label, bar, help},
static const struct wiz_action_info actions[ACT_COUNT] = {{ACT_NONE, "none", 0, 0, "", NULL, ""},
							  WIZ_ACTIONS(WIZ_ACTION_ROW)};
#undef WIZ_ACTION_ROW

const struct wiz_action_info *wiz_action_info(enum wiz_action a)
{
	return &actions[a < ACT_COUNT ? a : ACT_NONE];
}

static bool is_text_key(int ch)
{
	return (ch >= 32 && ch < 127) || ch == KEY_BACKSPACE || ch == 127 || ch == 8 ||
	       ch == KEY_LEFT || ch == KEY_RIGHT || ch == KEY_HOME || ch == KEY_END ||
	       ch == KEY_DC || ch == 1 || ch == 5 || ch == 21;
}

enum wiz_action wiz_action_for_key(int ch, bool text_mode)
{
	if (ch == '\r')
		ch = '\n';
	if (text_mode && is_text_key(ch))
		return ACT_NONE;
	for (int a = 1; a < ACT_COUNT; a++)
		if (ch != 0 && (actions[a].key == ch || actions[a].key2 == ch))
			return (enum wiz_action)a;
	return ACT_NONE;
}

bool wiz_list_move(enum wiz_action a, size_t n, size_t page, size_t *pos)
{
	size_t p = *pos;
	switch (a) {
	case ACT_UP: p = p > 0 ? p - 1 : 0; break;
	case ACT_DOWN: p++; break;
	case ACT_HOME: p = 0; break;
	case ACT_END: p = n; break;
	case ACT_PAGE_UP:
		if (!page)
			return false;
		p = p > page ? p - page : 0;
		break;
	case ACT_PAGE_DOWN:
		if (!page)
			return false;
		p += page;
		break;
	default: return false;
	}
	*pos = p < n ? p : n ? n - 1 : 0;
	return true;
}

size_t wiz_list_top(size_t sel, int rows)
{
	return rows > 0 && sel >= (size_t)rows ? sel - (size_t)rows + 1 : 0;
}

bool wiz_list_hit(int y, int y0, int rows, size_t sel, size_t *pos)
{
	if (y < y0 || y >= y0 + rows)
		return false;
	*pos = wiz_list_top(sel, rows) + (size_t)(y - y0);
	return true;
}
