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
	memcpy(st->fields, fields, sizeof(fields));
	form_reset(&st->form, st->fields, PNB_ARRAY_LEN(st->fields), "[server]");
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
	return ' ';
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
};
