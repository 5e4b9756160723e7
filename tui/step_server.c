/* step_server — how the server side works: DHCP mode, TFTP server, root type, iSCSI target
 * and initramfs flavour as choice lists, plus the full-DHCP and proxy-delay details. */
#include <stdlib.h>
#include <string.h>

#include "core/base/util.h"
#include "tui/form.h"
#include "tui/steps.h"

struct server_step {
	struct form form; /* first: the form_step_* ops take the state as its form */
	struct form_field fields[9];
};

#define CHOICE(l, k, names, dflt)                                                                  \
	{                                                                                          \
		.label = l, .key_name = profile_server_key_names[k],                               \
		.help = profile_server_key_help[k], .kind = FIELD_CHOICE, .choices = names,        \
		.slot = &w->site.server[k], .placeholder = dflt " (default)",                      \
		.check = form_check_server, .key = k                                               \
	}
#define TEXT(l, k, dflt)                                                                           \
	{                                                                                          \
		.label = l, .key_name = profile_server_key_names[k],                               \
		.help = profile_server_key_help[k], .kind = FIELD_TEXT,                            \
		.slot = &w->site.server[k], .placeholder = dflt, .check = form_check_server,       \
		.key = k                                                                           \
	}

/* After DHCP mode or Root on changed: the fields that no longer apply are emptied (they would
 * only be ignored, with a warning) and hidden; the status line names them. */
static int server_changed(struct wiz *w, struct form *f, unsigned index)
{
	if (f->fields[index].key != SK_ROOT && f->fields[index].key != SK_DHCP)
		return 0;
	char names[160] = "";
	for (unsigned i = 0; i < f->n; i++) {
		struct form_field *fd = &f->fields[i];
		if (!fd->applies || fd->applies(w) || !*fd->slot)
			continue;
		draft_set(fd->slot, NULL);
		size_t len = strlen(names);
		snprintf(names + len, sizeof(names) - len, "%s%s", len ? ", " : "", fd->label);
	}
	if (names[0])
		wiz_status(w, MSG_INFO, "%s = %s; cleared what no longer applies: %s",
			   f->fields[index].key_name, *f->fields[index].slot, names);
	return names[0] ? WIZ_CHANGED : 0;
}

/* One line per choice, in the order of the profile's name tables. */
static const char *const dhcp_help[] = {
    "your router keeps handing out addresses; pinetboot adds the boot menu (usual)",
    "pinetboot's dnsmasq hands out addresses: only with no other DHCP server here",
    "files for an ISC dhcpd you run",
    "files for a Kea DHCP server you run",
    "you configure DHCP yourself",
};
static const char *const tftp_help[] = {
    "dnsmasq serves TFTP too (one daemon for DHCP and TFTP)",
    "a separate tftpd-hpa serves the boot files",
};
static const char *const root_help[] = {
    "a disk image per Pi, over iSCSI",
    "a directory per Pi, over NFS",
};
static const char *const target_help[] = {
    "tgt, the userspace iSCSI target",
    "LIO, the kernel's iSCSI target (targetcli)",
};
static const char *const initramfs_help[] = {
    "Raspberry Pi OS / Debian initramfs-tools (iscsi_* on the command line)",
    "dracut (rd.iscsi.* and netroot=iscsi:...)",
    "an initramfs that reads an RFC 4173 root=iscsi:... path",
};

static void *server_init(struct wiz *w)
{
	struct server_step *st = xcalloc(1, sizeof(*st));
	struct form_field fields[] = {
	    CHOICE("DHCP mode", SK_DHCP, dhcp_mode_names, "proxy"),
	    CHOICE("TFTP server", SK_TFTP, tftp_server_names, "dnsmasq"),
	    CHOICE("Root on", SK_ROOT, root_kind_names, "iscsi"),
	    CHOICE("iSCSI target", SK_ISCSI_TARGET, iscsi_target_names, "tgt"),
	    CHOICE("Initramfs", SK_INITRAMFS, initramfs_names, "initramfs-tools"),
	    TEXT("Reply delay", SK_REPLY_DELAY, "auto (default)"),
	    TEXT("DHCP range", SK_RANGE, "(full DHCP: derived from the subnet)"),
	    TEXT("Router", SK_ROUTER, "(full DHCP: none)"),
	    TEXT("DNS", SK_DNS, "(full DHCP: none)"),
	};
	fields[0].choice_help = dhcp_help;
	fields[1].choice_help = tftp_help;
	fields[2].choice_help = root_help;
	fields[3].choice_help = target_help;
	fields[4].choice_help = initramfs_help;
	fields[3].applies = fields[4].applies = form_root_iscsi;
	fields[5].applies = form_dhcp_proxy;
	fields[6].applies = fields[7].applies = fields[8].applies = form_dhcp_full;
	memcpy(st->fields, fields, sizeof(fields));
	form_reset(&st->form, st->fields, PNB_ARRAY_LEN(st->fields), "[server]");
	st->form.changed = server_changed;
	return st;
}


static char server_mark(const struct wiz *w, const void *p)
{
	const struct server_step *st = p;
	for (size_t i = 0; i < w->problems.n; i++) {
		const struct problem *pr = &w->problems.items[i];
		if (!pr->section || strcmp(pr->section, "[server]") || !pr->key)
			continue;
		for (unsigned k = 0; k < st->form.n; k++)
			if (!strcmp(pr->key, st->fields[k].key_name))
				return '!';
	}
	return '+';
}

static void server_next(const struct wiz *w, const void *p, char *out, size_t n)
{
	if (server_mark(w, p) == '!')
		snprintf(out, n, "fix the field marked ! (its message shows under the form)");
	else
		snprintf(out, n, "Tab or 4: review the files this profile generates");
}

const struct wiz_step_ops step_server = {
    .name = "Server",
    .title = "Server: DHCP, TFTP, root file system, iSCSI target, initramfs",
    .actions = WIZ_ACT_BIT(ACT_ENTER),
    .init = server_init,
    .done = form_step_done,
    .key = form_step_key,
    .draw = form_step_draw,
    .mark = server_mark,
    .help = "How the server answers the Pis. DHCP mode: proxy (your router keeps handing out "
	    "addresses; pinetboot only adds the boot menu - the usual choice), full (pinetboot's "
	    "dnsmasq hands out addresses too: only when no other DHCP server is on the segment), "
	    "isc or kea (files for those servers), none (you configure DHCP yourself). Root on: "
	    "iscsi (a disk image per Pi) or nfs (a directory per Pi). Fields that do not apply to "
	    "these choices are hidden.",
    .next = server_next,
    .click = form_step_click,
};
