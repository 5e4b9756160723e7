/* wiz — the wizard frame: the state every step sees, the step ops table, result flags and
 * the drawing helpers steps share. Only the main loop (wizard.c) redraws or changes step;
 * steps say what happened through result flags.
 *
 * Adding a step (EEPROM, Flash, Monitor …): write tui/step_NAME.c ending with its
 * `const struct wiz_step_ops step_NAME`, declare it in tui/steps.h and add a row to the table
 * in tui/steps.c. A step that is a list of fields (tui/form.h) sets .form and needs little more
 * than its init: the wizard supplies the rest (struct wiz_step_ops). Keys arrive as actions (tui/actions.h; add an action there and it appears in
 * the help bar, the `?` screen, --keys and the man page). Drawing reads state only; do I/O in
 * enter/key/tick or in a loop callback. */
#ifndef PNB_TUI_WIZ_H
#define PNB_TUI_WIZ_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/problems.h"
#include "tui/actions.h"
#include "tui/ifaces.h"
#include "tui/loop.h"
#include "core/site/site_draft.h"

/* What a key or tick handler did; the main loop acts on these. */
enum wiz_result {
	WIZ_IGNORED = 0,
	WIZ_HANDLED = 1 << 0,	/* consumed; nothing visible changed */
	WIZ_REDRAW = 1 << 1,	/* the screen must be repainted */
	WIZ_NEXT_STEP = 1 << 2, /* go to the next step */
	WIZ_PREV_STEP = 1 << 3,
	WIZ_QUIT = 1 << 4,    /* leave (the loop asks about unsaved changes) */
	WIZ_CHANGED = 1 << 5, /* the site model changed: revalidate, mark unsaved */
	WIZ_SAVED = 1 << 6,   /* the profile was written: clear the unsaved mark */
	WIZ_GOTO_STEP = 1 << 7, /* go to step w->goto_step */
};

struct rect {
	int y, x, h, w;
};

struct wiz;

/* A wizard step. Every callback but name is optional. `st` is the step's own state, made by
 * init and released by done. draw paints from memory only (no I/O, no clock); key gets the
 * action for the key (ACT_NONE for a typed character) and the raw key.
 *
 * A form step (form true) keeps a struct form (tui/form.h) first in its heap state (xcalloc'ed
 * by init); where its key, draw, click or done is NULL the form's is used (keys and clicks go
 * to the form, the form fills the step area, done releases the form and the state), its mark
 * without one is '!' while a field has a problem (warnings included) and '+' otherwise, its
 * Next line says to fix the field marked ! while the mark is '!' because of a field, and Enter
 * is among its actions. The wizard calls the ops through tui/steps.h, which supplies these
 * defaults. */
struct wiz_step_ops {
	const char *name;  /* "Site": the step list */
	const char *title; /* one line at the top of the step area */
	bool form;	   /* a form step: see above */
	uint64_t actions;  /* WIZ_ACT_BIT()s shown in the help bar besides the global ones */
	void *(*init)(struct wiz *w);
	void (*done)(void *st);
	void (*enter)(struct wiz *w, void *st);
	void (*leave)(struct wiz *w, void *st);
	void (*draw)(const struct wiz *w, const void *st, struct rect area);
	int (*key)(struct wiz *w, void *st, enum wiz_action a, int ch);
	int (*tick)(struct wiz *w, void *st);
	/* ' ' nothing to say, '+' complete, '!' has problems. */
	char (*mark)(const struct wiz *w, const void *st);
	int tick_ms; /* how often tick runs while the step is shown; 0 = every second */
	/* Guidance. short_name: the step bar's label when the full names do not fit ("Ready").
	 * help: what the step is for, first in the `?` box. next: the "Next:" line under the
	 * title (what to do now, and why), written into out. bar_word: the help bar's word for
	 * action a on this step when it depends on the state ("write" or "choose" for Enter on
	 * Flash), or NULL; bar_words[a]: the word when it does not ("card" for Enter on
	 * Readiness), or NULL for the action table's. */
	const char *short_name;
	const char *help;
	void (*next)(const struct wiz *w, const void *st, char *out, size_t n);
	const char *(*bar_word)(const struct wiz *w, const void *st, enum wiz_action a);
	const char *bar_words[ACT_COUNT];
	/* A mouse click (button 1) at screen row y, column x inside the step area; returns
	 * result flags like key. Clicking a selected row usually acts as Enter on it. */
	int (*click)(struct wiz *w, void *st, int y, int x);
};

/* The step table (tui/steps.c): later issues add a row and a file. */
extern const struct wiz_step_ops *const wiz_steps[];
extern const unsigned wiz_n_steps;

enum wiz_msg_kind { MSG_INFO, MSG_OK, MSG_ERROR };

#define WIZ_LOG_N 40

struct wiz_popup;
struct wiz_viewer;
struct wiz_prompt;
struct testboot;

struct wiz {
	struct site_draft site;	  /* the profile being edited, as key = value strings */
	char *site_path;	  /* where it is saved; never NULL */
	char *root_dir;		  /* --root: where installed files are looked up ("/") */
	char *out_dir;		  /* export directory */
	char *templates_dir;	  /* --templates, or NULL */
	bool dirty;		  /* unsaved changes */
	struct problems problems; /* of the whole site, refreshed after every change */
	char status[1024];
	enum wiz_msg_kind status_kind;
	unsigned status_seq;  /* counts wiz_status calls */
	unsigned status_mark; /* status_seq when the current key arrived */
	/* The message log (`m`): the last WIZ_LOG_N status messages, oldest first, so a
	 * message that was replaced or did not fit can still be read in full. */
	char *log[WIZ_LOG_N];
	enum wiz_msg_kind log_kind[WIZ_LOG_N];
	unsigned log_n;
	struct wiz_viewer *viewer; /* a scrolled text box over the screen (log, details), or NULL */
	struct wiz_prompt *prompt; /* a one-line text question over the screen, or NULL */
	bool text_mode;	 /* a field is being edited: typed keys are text */
	bool show_clock; /* --clock; off by default so screens are deterministic */
	bool mono;	 /* no colours (NO_COLOR, --mono, or a terminal without) */
	unsigned cur;	 /* current step */
	void **step_state;
	struct wiz_popup *popup; /* a choice list over the screen, or NULL */
	bool show_help;		 /* the `?` screen is up */
	int help_top;		 /* its first row shown, when it has more rows than fit */
	bool quitting;		 /* the loop ends after this turn */
	struct iface ifaces[16]; /* detected at start (tui/ifaces.c) */
	size_t n_ifaces;
	/* The one poll loop. The terminal is registered by the frame; a step registers its own
	 * descriptors (pcap, udev monitor, a worker's pipe) with loop_add(&w->loop, …) in enter
	 * and removes them in leave; their callbacks return result flags like key handlers. */
	struct loop loop;
	unsigned goto_step;	     /* with WIZ_GOTO_STEP */
	struct testboot *testboot; /* the Review step's Test boot (tui/testboot.c), or NULL */
	unsigned changes;	   /* model changes so far (WIZ_CHANGED) */
	unsigned exported_at;	   /* the value of changes at the last export */
	bool exported;		   /* an export succeeded in this session */
	char *card_dir;	    /* the bootstrap card Readiness wrote last (Flash offers it), or NULL */
	const char *replay; /* --replay FILE: the Monitor step reads it instead of capturing */
	double replay_speed;
	const char *const *logs; /* --log LOG...: the Monitor step reads them too (argv strings) */
	size_t n_logs;
};

/* Saves the profile to w->site_path when the model is valid; says what happened on the status
 * line. Returns WIZ_SAVED | WIZ_REDRAW, or WIZ_REDRAW when it could not save. */
int wiz_save(struct wiz *w);
/* Builds the site from the model (out is initialised; caller site_done()s it). Returns 0 when
 * it is valid; otherwise puts the first problem on the status line. */
int wiz_build_site(struct wiz *w, struct site *out);

/* Status line message (printf-style). */
void wiz_status(struct wiz *w, enum wiz_msg_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Opens a choice list over the screen; on Enter, pick(w, ctx, index) runs and its flags go
 * to the loop; Esc closes it. items are copied. sel is the initially selected row. */
typedef int (*wiz_pick_fn)(struct wiz *w, void *ctx, unsigned index);
void wiz_popup_open(struct wiz *w, const char *title, const char *const *items, unsigned n,
		    unsigned sel, wiz_pick_fn pick, void *ctx);
/* Hot keys for the open list, one character per item in order ("yn": y picks the first, n the
 * second; ' ' none), as dialog(1) takes y/n. Without it the first letter of an item picks it
 * when no other item starts with that letter. */
void wiz_popup_hotkeys(struct wiz *w, const char *keys);

/* Opens a scrolled, word-wrapped text box over the screen (text is copied; lines break at
 * '\n'). Up/Down/PgUp/PgDn/Home/End and the mouse wheel scroll; Esc, q or Enter close it. */
void wiz_viewer_open(struct wiz *w, const char *title, const char *text);
/* Gives the open viewer a y/n question at its foot (e.g. "apply these changes now?"): y closes
 * it and runs accept(w, ctx, NULL); n, Esc or q close it. */
typedef int (*wiz_accept_fn)(struct wiz *w, void *ctx, const char *typed);
void wiz_viewer_ask(struct wiz *w, const char *question, wiz_accept_fn accept, void *ctx);
/* Opens a one-line question over the screen: explain is wrapped above the input line, text is
 * the starting value. Enter runs accept(w, ctx, typed) and its flags go to the loop; Esc
 * closes it and runs nothing. */
void wiz_prompt_open(struct wiz *w, const char *title, const char *explain, const char *text,
		     wiz_accept_fn accept, void *ctx);

/* The editing keys of a one-line text field (Backspace, Delete, Left, Right, Home/C-a,
 * End/C-e, C-u, printable characters) on buf (size bytes, *cur the cursor). Returns false for
 * any other key. (tui/overlay.c) */
bool wiz_line_edit(char *buf, size_t size, size_t *cur, int ch);

/* Colour pairs (tui/draw.c): X(id, fg, bg, attr in colour, attr in monochrome). */
#define WIZ_COLOURS(X)                                                                             \
	X(CP_NORMAL, -1, -1, A_NORMAL, A_NORMAL)                                                   \
	X(CP_TITLE, COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE)                                    \
	X(CP_STEP, -1, -1, A_NORMAL, A_NORMAL)                                                     \
	X(CP_STEP_CUR, COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD)                        \
	X(CP_SELECT, COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE)                                 \
	X(CP_EDIT, COLOR_BLACK, COLOR_YELLOW, A_NORMAL, A_UNDERLINE)                               \
	X(CP_DIM, COLOR_BLUE, -1, A_BOLD, A_DIM)                                                   \
	X(CP_ERROR, COLOR_RED, -1, A_BOLD, A_BOLD)                                                 \
	X(CP_OK, COLOR_GREEN, -1, A_BOLD, A_BOLD)                                                  \
	X(CP_KEY, COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE)                                    \
	X(CP_ADD, COLOR_GREEN, -1, A_NORMAL, A_BOLD)                                               \
	X(CP_DEL, COLOR_RED, -1, A_NORMAL, A_DIM)                                                  \
	X(CP_HUNK, COLOR_CYAN, -1, A_NORMAL, A_UNDERLINE)

#define WIZ_CP_ENUM(id, fg, bg, a, m) id,
enum wiz_colour { WIZ_COLOURS(WIZ_CP_ENUM) CP_COUNT };
#undef WIZ_CP_ENUM

/* Drawing helpers (tui/draw.c). They clip to the given width and never do I/O. */
void draw_init_colours(bool mono);
int draw_attr(enum wiz_colour c);
void draw_text(int y, int x, int width, enum wiz_colour c, const char *s);
void draw_textf(int y, int x, int width, enum wiz_colour c, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void draw_fill(int y, int x, int width, enum wiz_colour c);
/* Word-wraps s into at most max_lines lines starting at y ('\n' breaks a line); returns lines
 * used. draw_wrapped_count: the rows s needs at that width; draw_wrapped_skip: the text left
 * after the first rows rows; draw_wrap_next: the bytes of s that go on its first row. */
int draw_wrapped(int y, int x, int width, int max_lines, enum wiz_colour c, const char *s);
int draw_wrapped_count(int width, const char *s);
const char *draw_wrapped_skip(int width, int rows, const char *s);
size_t draw_wrap_next(const char *s, int width);
/* A paragraph for draw_paragraphs: its colour and its text (heap; the caller frees). */
struct wiz_para {
	enum wiz_colour c;
	char *text;
};
/* Draws the paragraphs word-wrapped from row y in at most rows rows, never half a paragraph:
 * when they do not all fit, the ones that do are drawn and the last row says `more` (dim).
 * Returns the rows used. */
int draw_paragraphs(int y, int x, int width, int rows, const struct wiz_para *p, size_t n,
		    const char *more);
/* A box with a title, cleared inside. */
void draw_box(struct rect r, const char *title);

#endif
