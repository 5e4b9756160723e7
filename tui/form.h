/* form — a list of labelled fields bound to the wizard model's strings. Enter edits a text
 * field (checked as you type with the profile loader's own checks) or opens the choice list of
 * a choice field; the loader's message shows under the form. */
#ifndef PNB_TUI_FORM_H
#define PNB_TUI_FORM_H

#include "tui/wiz.h"

/* FIELD_BUTTON: Enter runs pick; it shows placeholder as its caption and holds no value
 * (slot NULL), so d cannot reset it. */
enum form_kind { FIELD_TEXT, FIELD_CHOICE, FIELD_BUTTON };

struct form;

/* What a choice means, shown beside it in the choice list; a table ends with {NULL}. */
struct form_choice_help {
	const char *choice, *help;
};

struct form_field {
	const char *label;
	const char *key_name; /* profile key, to find the loader's problems about it */
	const char *help;     /* shown under the form when the field is selected */
	enum form_kind kind;
	const char *const *choices; /* FIELD_CHOICE: NULL-terminated */
	const struct form_choice_help *choice_help; /* optional: looked up by choice */
	char **slot;		    /* the model string; NULL value = key absent */
	const char *placeholder;    /* shown when absent, e.g. "proxy (default)" */
	char *(*check)(const void *ctx, int key, const char *v); /* heap message or NULL */
	int key;
	/* Optional: Enter runs this instead of the default editor (e.g. an interface list). */
	int (*pick)(struct wiz *w, struct form *f);
	const void *check_ctx; /* first argument of check */
	bool required;	       /* empty is checked too (and cannot unset the key) */
	bool local;	       /* a wizard setting, not part of the profile */
	/* Optional: false when the field does not apply to the chosen setup (the iSCSI target
	 * when the root is on NFS). Such a field is hidden unless it holds a value, which then
	 * shows with its problem so it can be reset. */
	bool (*applies)(const struct wiz *w);
};

struct form {
	struct form_field *fields;
	unsigned n, sel;
	int top;
	char section[96]; /* "[server]" or "[pi \"NAME\"]" */
	bool editing;
	char buf[256];
	size_t cur;
	char *msg; /* the check's message for buf while editing */
	/* Called after a field's value changed; returns result flags. */
	int (*changed)(struct wiz *w, struct form *f, unsigned index);
	void *ctx;
};

/* form_field.applies predicates for the server's choices (an absent key is its default). */
bool form_root_iscsi(const struct wiz *w);
bool form_root_nfs(const struct wiz *w);
bool form_dhcp_full(const struct wiz *w); /* full, isc or kea: the server hands out addresses */
bool form_dhcp_proxy(const struct wiz *w);

/* A text field editing *slot (a NULL value: the key is absent), checked by check (its key and
 * check_ctx are 0 and NULL: set them where check needs them). Every text field starts here. */
struct form_field form_text(const char *label, const char *key_name, const char *help, char **slot,
			    char *(*check)(const void *ctx, int key, const char *v));
/* A field for [server] key k, with the profile's name and help for it, checked with the
 * loader's check; placeholder shows while the key is absent. form_server_choice: picked from
 * choices (NULL-terminated). */
struct form_field form_server_text(struct wiz *w, enum profile_server_key k, const char *label,
				   const char *placeholder);
struct form_field form_server_choice(struct wiz *w, enum profile_server_key k, const char *label,
				     const char *const *choices, const char *placeholder);

/* Adapters from the profile checks to the field signature. */
char *form_check_server(const void *ctx, int key, const char *v);
char *form_check_pi(const void *ctx, int key, const char *v);

void form_reset(struct form *f, struct form_field *fields, unsigned n, const char *section);
void form_done(struct form *f);
/* Starts editing the selected text field with its current value (or with text). */
void form_begin_edit(struct wiz *w, struct form *f, const char *text);
int form_key(struct wiz *w, struct form *f, enum wiz_action a, int ch);
void form_draw(const struct wiz *w, const struct form *f, struct rect r);
/* A click at screen row y on a form drawn in r: selects the field there; a click on the
 * selected field acts as Enter. */
int form_click(struct wiz *w, struct form *f, struct rect r, int y);
/* True when the loader reports an error (with warnings true: any problem) in the form's
 * section about one of its fields, shown or not: the step's mark is '!'. */
bool form_has_problem(const struct wiz *w, const struct form *f, bool warnings);
/* True when field i is shown (see form_field.applies). */
bool form_shown(const struct wiz *w, const struct form *f, unsigned i);
/* Sets the selected field to v (NULL/"" = absent) and reports the change. */
int form_set_value(struct wiz *w, struct form *f, const char *v);

#endif
