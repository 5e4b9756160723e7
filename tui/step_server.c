/* step_server — how the server side works: DHCP mode, TFTP server, root type, iSCSI target
 * and initramfs flavour as choice lists, plus the full-DHCP and proxy-delay details. */
#include <stdlib.h>
#include <string.h>

#include "core/base/util.h"
#include "tui/form.h"
#include "tui/steps.h"

struct server_step {
	struct form form; /* first: a form step (struct wiz_step_ops) */
	struct form_field fields[9];
};

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

/* What each choice means, beside it in the list. */
static const struct form_choice_help choice_help[] = {
    {"proxy", "your router keeps handing out addresses; pinetboot adds the boot menu (usual)"},
    {"full", "pinetboot's dnsmasq hands out addresses: only with no other DHCP server here"},
    {"isc", "files for an ISC dhcpd you run"},
    {"kea", "files for a Kea DHCP server you run"},
    {"none", "you configure DHCP yourself"},
    {"dnsmasq", "dnsmasq serves TFTP too (one daemon for DHCP and TFTP)"},
    {"tftpd-hpa", "a separate tftpd-hpa serves the boot files"},
    {"iscsi", "a disk image per Pi, over iSCSI"},
    {"nfs", "a directory per Pi, over NFS"},
    {"tgt", "tgt, the userspace iSCSI target"},
    {"lio", "LIO, the kernel's iSCSI target (targetcli)"},
    {"external", "a NAS or another host: pinetboot writes no target config"},
    {"initramfs-tools", "Raspberry Pi OS / Debian initramfs-tools (iscsi_* on the command line)"},
    {"dracut", "dracut (rd.iscsi.* and netroot=iscsi:...)"},
    {"rfc4173", "an initramfs that reads an RFC 4173 root=iscsi:... path"},
    {NULL, NULL},
};

static void *server_init(struct wiz *w)
{
	struct server_step *st = xcalloc(1, sizeof(*st));
	struct form_field fields[] = {
	    form_server_choice(w, SK_DHCP, "DHCP mode", dhcp_mode_names, "proxy (default)"),
	    form_server_choice(w, SK_TFTP, "TFTP server", tftp_server_names, "dnsmasq (default)"),
	    form_server_choice(w, SK_ROOT, "Root on", root_kind_names, "iscsi (default)"),
	    form_server_choice(w, SK_ISCSI_TARGET, "iSCSI target", iscsi_target_names,
			       "tgt (default)"),
	    form_server_choice(w, SK_INITRAMFS, "Initramfs", initramfs_names,
			       "initramfs-tools (default)"),
	    form_server_text(w, SK_REPLY_DELAY, "Reply delay", "auto (default)"),
	    form_server_text(w, SK_RANGE, "DHCP range", "(full DHCP: derived from the subnet)"),
	    form_server_text(w, SK_ROUTER, "Router", "(full DHCP: none)"),
	    form_server_text(w, SK_DNS, "DNS", "(full DHCP: none)"),
	};
	for (unsigned i = 0; i < 5; i++)
		fields[i].choice_help = choice_help;
	fields[3].applies = fields[4].applies = form_root_iscsi;
	fields[5].applies = form_dhcp_proxy;
	fields[6].applies = fields[7].applies = fields[8].applies = form_dhcp_full;
	memcpy(st->fields, fields, sizeof(fields));
	form_reset(&st->form, st->fields, PNB_ARRAY_LEN(st->fields), "[server]");
	st->form.changed = server_changed;
	return st;
}

static void server_next(const struct wiz *w, const void *p, char *out, size_t n)
{
	(void)w;
	(void)p;
	snprintf(out, n, "Tab or 4: review the files this profile generates");
}

const struct wiz_step_ops step_server = {
    .name = "Server",
    .title = "Server: DHCP, TFTP, root file system, iSCSI target, initramfs",
    .form = true,
    .init = server_init,
    .help = "How the server answers the Pis. DHCP mode: proxy (your router keeps handing out "
	    "addresses; pinetboot only adds the boot menu - the usual choice), full (pinetboot's "
	    "dnsmasq hands out addresses too: only when no other DHCP server is on the segment), "
	    "isc or kea (files for those servers), none (you configure DHCP yourself). Root on: "
	    "iscsi (a disk image per Pi) or nfs (a directory per Pi). Fields that do not apply to "
	    "these choices are hidden.",
    .next = server_next,
};
