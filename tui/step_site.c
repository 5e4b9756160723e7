/* step_site — the boot server: the interface the Pis are on (picked from the detected ones or
 * typed), its address, and the names and directories every Pi shares. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/util.h"
#include "core/site/tftp_dir.h"
#include "tui/form.h"
#include "tui/screen.h"
#include "tui/steps.h"

struct site_step {
	struct form form; /* first: a form step (struct wiz_step_ops) */
	struct form_field fields[5];
};

static int pick_iface(struct wiz *w, void *ctx, unsigned index)
{
	struct form *f = ctx;
	if (index >= w->n_ifaces) { /* "type a name" */
		form_begin_edit(w, f, NULL);
		return WIZ_REDRAW;
	}
	const struct iface *ifc = &w->ifaces[index];
	int r = form_set_value(w, f, ifc->name);
	if (ifc->addr[0]) {
		draft_set(&w->site.server[SK_ADDRESS], ifc->addr);
		r |= WIZ_CHANGED;
		wiz_status(w, MSG_INFO, "interface %s, address %s", ifc->name, ifc->addr);
	}
	return r;
}

static int open_iface_list(struct wiz *w, struct form *f)
{
	struct iface_list l;
	unsigned sel = 0;
	const char *cur = w->site.server[SK_INTERFACE];
	iface_list_make(&l, w->ifaces, w->n_ifaces);
	for (unsigned i = 0; i < l.n; i++)
		if (cur && !strcmp(cur, w->ifaces[i].name))
			sel = i;
	l.items[l.n] = "other: type a name...";
	wiz_popup_open(w, "Interface the Pis are on", l.items, l.n + 1, sel, pick_iface, f);
	return WIZ_REDRAW;
}

static void *site_step_init(struct wiz *w)
{
	struct site_step *st = xcalloc(1, sizeof(*st));
	struct form_field fields[] = {
	    form_server_text(w, SK_INTERFACE, "Interface", "(required)"),
	    form_server_text(w, SK_ADDRESS, "Address", "(required)"),
	    form_server_text(w, SK_IQN_BASE, "IQN base", "iqn.2026-11.lan.pinetboot (default)"),
	    form_server_text(w, SK_TFTP_ROOT, "TFTP root", SITE_DEFAULT_TFTP_ROOT " (default)"),
	    form_server_text(w, SK_NFS_ROOT, "NFS root", "/srv/nfs (default)"),
	};
	fields[0].help = "Enter: choose from the detected interfaces, or type one";
	fields[0].pick = open_iface_list;
	fields[2].applies = form_root_iscsi;
	fields[4].applies = form_root_nfs;
	memcpy(st->fields, fields, sizeof(fields));
	form_reset(&st->form, st->fields, PNB_ARRAY_LEN(st->fields), "[server]");
	return st;
}

/* A profile may describe another machine, so a mismatch with this one is a note, not a
 * problem: the interface is not here, or has another address here. */
static void site_note(const struct wiz *w, char *out, size_t len)
{
	const char *ifc = w->site.server[SK_INTERFACE], *addr = w->site.server[SK_ADDRESS];
	out[0] = '\0';
	if (!ifc || !w->n_ifaces)
		return;
	for (size_t i = 0; i < w->n_ifaces; i++) {
		if (strcmp(w->ifaces[i].name, ifc))
			continue;
		if (addr && w->ifaces[i].addr[0] && strcmp(addr, w->ifaces[i].addr))
			snprintf(out, len, "Note: %s has %s on this machine, not %s.", ifc,
				 w->ifaces[i].addr, addr);
		return;
	}
	snprintf(out, len, "Note: this machine has no interface %s.", ifc);
}

static void site_draw(const struct wiz *w, const void *p, struct rect r)
{
	const struct site_step *st = p;
	struct rect fr = r;
	fr.h = (int)st->form.n + 5;
	form_draw(w, &st->form, fr);
	int y = r.y + fr.h;
	if (y + 2 >= r.y + r.h)
		return;
	const char *cur = w->site.server[SK_INTERFACE];
	draw_text(y++, r.x + 1, r.w - 2, CP_DIM, "Detected interfaces:");
	for (size_t i = 0; i < w->n_ifaces && y < r.y + r.h - 1; i++, y++)
		draw_textf(y, r.x + 1, r.w - 2, CP_NORMAL, "%c %-12s %s",
			   cur && !strcmp(cur, w->ifaces[i].name) ? '*' : ' ', w->ifaces[i].name,
			   iface_addr_text(&w->ifaces[i]));
	if (w->n_ifaces == 0)
		draw_text(y++, r.x + 3, r.w - 4, CP_NORMAL, "(none found; type the name)");
	char note[160];
	site_note(w, note, sizeof(note));
	draw_wrapped(y + 1, r.x + 1, r.w - 2, r.y + r.h - y - 1, CP_HUNK, note);
}

static char site_mark(const struct wiz *w, const void *p)
{
	if (form_has_problem(w, p, false))
		return '!';
	return w->site.server[SK_INTERFACE] && w->site.server[SK_ADDRESS] ? '+' : ' ';
}

static void site_next(const struct wiz *w, const void *p, char *out, size_t n)
{
	(void)p;
	if (!w->site.server[SK_INTERFACE])
		snprintf(out, n, "Enter on Interface: choose the interface the Pis are on");
	else if (!w->site.server[SK_ADDRESS])
		snprintf(out, n, "set the server's address on %s, with its prefix (/24)",
			 w->site.server[SK_INTERFACE]);
	else
		snprintf(out, n, "Tab or 2: add the Raspberry Pis that boot from this server");
}

const struct wiz_step_ops step_site = {
    .name = "Site",
    .title = "Site: the boot server's interface and address",
    .form = true,
    .init = site_step_init,
    .draw = site_draw,
    .mark = site_mark,
    .help = "The boot server: the interface the Pis are cabled to, this server's address on "
	    "it, and the directories every Pi shares. Enter edits the selected field; d resets "
	    "it to its default.",
    .next = site_next,
};
