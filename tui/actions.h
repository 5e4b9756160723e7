/* actions — every user action of the wizard, named once. The X-macro list generates the enum,
 * the key bindings, the help bar, the `?` help screen and `pinetboot wizard --keys` (from which
 * the man page's key table is written). */
#ifndef PNB_TUI_ACTIONS_H
#define PNB_TUI_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* X(id, name, key, second key, key label, help bar label or NULL, help text).
 * Keys are ncurses key codes; 0 = none. Actions bound to printable keys are not looked up
 * while a text field is being edited (the key is typed instead). */
#define WIZ_ACTIONS(X)                                                                             \
	X(ACT_NEXT_STEP, "next-step", '\t', KEY_RIGHT, "Tab/Right", "next", "go to the next step") \
	X(ACT_PREV_STEP, "prev-step", KEY_BTAB, KEY_LEFT, "S-Tab/Left", "prev",                    \
	  "go to the previous step")                                                               \
	X(ACT_UP, "up", KEY_UP, 'k', "Up/k", NULL, "move the selection up")                        \
	X(ACT_DOWN, "down", KEY_DOWN, 'j', "Down/j", NULL, "move the selection down")              \
	X(ACT_PAGE_UP, "page-up", KEY_PPAGE, 0, "PgUp", NULL, "scroll the viewer up a page")       \
	X(ACT_PAGE_DOWN, "page-down", KEY_NPAGE, ' ', "PgDn/Space", NULL,                          \
	  "scroll the viewer down a page")                                                         \
	X(ACT_HOME, "home", KEY_HOME, 'g', "Home/g", NULL, "go to the first field or line")        \
	X(ACT_END, "end", KEY_END, 'G', "End/G", NULL, "go to the last field or line")             \
	X(ACT_ENTER, "enter", '\n', KEY_ENTER, "Enter", "edit",                                    \
	  "edit or choose the selected item; accept an edit")                                      \
	X(ACT_CANCEL, "cancel", 27, 0, "Esc", "cancel", "cancel an edit, close a list or go back") \
	X(ACT_ADD, "add", 'a', KEY_IC, "a", "add",                                                 \
	  "add a Pi; monitor: choose the capture, add a log")                                      \
	X(ACT_DELETE, "delete", 'd', KEY_DC, "d", "remove",                                        \
	  "remove the selected Pi; in a form, reset the field to its default")                     \
	X(ACT_FILTER, "search", '/', 0, "/", "search",                                             \
	  "Pis and Monitor: find Pis by name, MAC, serial (Monitor: or IP address)")               \
	X(ACT_TOGGLE, "toggle-view", 'v', 0, "v", "view",                                          \
	  "review: file or diff; monitor: one Pi's packets or all; readiness: full details")       \
	X(ACT_SAVE, "save", 's', KEY_F(2), "s/F2", "save", "save the site profile")                \
	X(ACT_PAUSE, "pause", 'p', 0, "p", "pause", "monitor: pause or resume the capture")        \
	X(ACT_WRITE, "write-capture", 'w', 0, "w", "write",                                        \
	  "monitor: save the capture so far as a pcap file")                                       \
	X(ACT_WRAP, "wrap", 'W', 0, "W", "wrap",                                                   \
	  "review and monitor: wrap long lines or cut them")                                       \
	X(ACT_TEST_BOOT, "test-boot", 't', 0, "t", "test boot",                                    \
	  "review: boot a virtual Pi against this server")                                         \
	X(ACT_MESSAGES, "messages", 'm', 0, "m", NULL,                                             \
	  "show the last messages in full (a long message ends in ... on the status line)")       \
	X(ACT_JUMP, "jump", 0, 0, "1-8", NULL, "go to step 1 to 8 (or click a step in the bar)")   \
	X(ACT_REDRAW, "redraw", 12, 0, "C-l", NULL, "redraw the screen")                           \
	X(ACT_HELP, "help", '?', KEY_F(1), "?/F1", "help", "show every key")                       \
	X(ACT_QUIT, "quit", 'q', KEY_F(10), "q/F10", "quit",                                       \
	  "quit (asks when there are unsaved changes)")

#define WIZ_ACTION_ENUM(id, name, k1, k2, label, bar, help) id,
enum wiz_action { ACT_NONE = 0, WIZ_ACTIONS(WIZ_ACTION_ENUM) ACT_COUNT };
#undef WIZ_ACTION_ENUM

#define WIZ_ACT_BIT(a) (UINT64_C(1) << (a))

struct wiz_action_info {
	enum wiz_action id;
	const char *name;
	int key, key2;
	const char *label;
	const char *bar;
	const char *help;
};

/* The table, indexed by enum wiz_action (entry 0 is ACT_NONE). */
const struct wiz_action_info *wiz_action_info(enum wiz_action a);
/* The action bound to ncurses key ch; ACT_NONE when none. In text mode, printable keys and
 * the editing keys (Backspace, Left, Right, Home, End, Delete) map to ACT_NONE so they are
 * typed. */
enum wiz_action wiz_action_for_key(int ch, bool text_mode);

/* Moves a cursor *pos over n rows for Up/Down (one), PgUp/PgDn (page; not handled when page
 * is 0) and Home/End, clamped to the rows (0 when there are none). Returns false, *pos
 * untouched, for any other action. The one cursor rule of every list and scrolled box. */
bool wiz_list_move(enum wiz_action a, size_t n, size_t page, size_t *pos);
/* The first row shown of a list rows rows high that keeps row sel on screen: the list scrolls
 * only as far as the selection needs. The one scrolling rule of every list. */
size_t wiz_list_top(size_t sel, int rows);
/* A click at screen row y on such a list drawn from screen row y0: true, with *pos the list
 * row under it (it may be past the list's end), when y is on one of its rows rows. */
bool wiz_list_hit(int y, int y0, int rows, size_t sel, size_t *pos);

#endif
