/* diagnose_root — stages 7 and 8: the initramfs reaching its root over iSCSI (TCP 3260, Login,
 * SCSI READ/WRITE) or NFS (portmap, MOUNT, NFS calls), and the failures on the way: RST,
 * login status 0x0201/0x0202/0x0203 (cross-checked with the profile's IQNs), NFS v2, MOUNT
 * errors, ACCES/ROFS. Facts: spec/decoding.md §3–4, spec/netboot-servers-and-failures.md §4–5. */
#include "core/diagnose_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG_PORTMAP 100000u
#define PROG_NFS 100003u
#define PROG_MOUNT 100005u

static char *bytes_dup(struct pnb_bytes b)
{
	return b.p && b.len ? xstrndup((const char *)b.p, b.len) : NULL;
}

/* Any traffic to the root server proves the kernel's network is up. */
static void root_begin(struct pistate *ps, const struct pnb_event *ev)
{
	ps->last_ts = ps->last_root_ts = ev->ts;
	ps->last_frame = ev->frame;
	if (ps->root_started)
		return;
	ps->root_started = true;
	ps->root_start_ts = ev->ts;
	ps->phase = PH_KERNEL;
	ps->kernel_started = true;
	st_done(ps, STAGE_KERNEL_NET, ev);
	st_progress(ps, STAGE_ROOT_LOGIN, ev);
}

static void root_io(struct pistate *ps, const struct pnb_event *ev, bool write)
{
	if (!ps->n_io++) {
		ps->first_io_frame = ev->frame;
		ps->first_io_ts = ev->ts;
		st_progress(ps, STAGE_ROOT_IN_USE, ev);
	}
	if (write)
		ps->n_write++;
	if (ps->n_io >= ROOT_IN_USE_IOS || (ps->n_write && ps->n_io >= 8))
		st_done(ps, STAGE_ROOT_IN_USE, ev);
}

void dx_tcp(struct diag *d, const struct pnb_event *ev)
{
	const struct ev_tcp *t = &ev->u.tcp;
	struct pistate *ps;
	if (ev->dport == 3260 && t->syn && !t->ack &&
	    (ps = diag_pi_late(d, ev->src_mac, ev, false))) {
		root_begin(ps, ev);
		if (!ps->syn_frame)
			ps->syn_frame = ev->frame;
		ps->login_replies = 0;
		return;
	}
	if (ev->sport != 3260 || !t->rst || !(ps = diag_pi_get(d, ev->dst_mac)))
		return;
	ps->last_ts = ev->ts;
	if (ps->login_replies || st_is_done(ps, STAGE_ROOT_LOGIN))
		return; /* a target closes after a failed login: that login said why */
	char ip[16];
	struct sbuf e;
	ev_text(d, &e, ev, "TCP RST from %s:3260", ip_str(ev->src_ip, ip));
	sbuf_add(&e, " in answer to the Pi's connection");
	const char *t_name =
	    d->site && d->site->iscsi_target == TARGET_LIO ? "LIO (target.service)" : "tgtd";
	pi_report(
	    ps, R_ISCSI_RST, 0, ev->frame,
	    xasprintf("nothing accepts iSCSI connections on %s:3260",
		      ev->src_ip ? ip : "the target"),
	    sbuf_take(&e),
	    xasprintf("start the iSCSI target (%s) and open TCP 3260 in the firewall", t_name));
}

static void login_failed(struct diag *d, struct pistate *ps, const struct pnb_event *ev)
{
	const struct ev_iscsi *s = &ev->u.iscsi;
	unsigned status = (unsigned)s->status_class << 8 | s->status_detail;
	const char *ini = ps->initiator ? ps->initiator : "(not captured)";
	const char *tgt = ps->target ? ps->target : "(not captured)";
	const struct pi *p = ps->prof;
	struct sbuf e;
	ev_text(d, &e, ev, "Login Response status 0x%04x", status);
	sbuf_printf(&e, " to InitiatorName=%s TargetName=%s", ini, tgt);
	if (status == 0x0201) {
		bool no_chap = p && !p->chap;
		pi_report(
		    ps, R_ISCSI_CHAP, 0, ev->frame,
		    no_chap ? xstrdup("the target demands CHAP (login status 0x0201) but the "
				      "profile says chap = no")
			    : xstrdup("CHAP authentication failed (login status 0x0201): user "
				      "or secret differ between target and Pi"),
		    sbuf_take(&e),
		    xstrdup("make the CHAP user/secret match: tgt incominguser or targetcli "
			    "set auth on the target, ISCSI_USERNAME/ISCSI_PASSWORD on the Pi"));
	} else if (status == 0x0202) {
		bool other = p && p->initiator && ps->initiator && strcmp(p->initiator, ini) != 0;
		pi_report(ps, R_ISCSI_ACL, 0, ev->frame,
			  other
			      ? xasprintf("the Pi logs in as %s but the target's ACL (the profile) "
					  "allows %s (status 0x0202)",
					  ini, p->initiator)
			      : xasprintf("initiator %s is not allowed to log in to %s (status "
					  "0x0202)",
					  ini, tgt),
			  sbuf_take(&e),
			  other ? xasprintf("set ISCSI_INITIATOR=%s on the Pi (cmdline.txt or "
					    "iscsi.initramfs), or initiator = %s in the profile",
					    p->initiator, ini)
				: xasprintf("add the ACL: targetcli /iscsi/%s/tpg1/acls create %s",
					    tgt, ini));
	} else if (status == 0x0203) {
		char *cause, *fix;
		if (p && p->target && ps->target && strcmp(p->target, tgt) != 0) {
			cause =
			    xasprintf("the Pi asked for target %s, which the server does not have; "
				      "the profile's target is %s (status 0x0203)",
				      tgt, p->target);
			fix =
			    xasprintf("set ISCSI_TARGET_NAME=%s on the Pi (pinetboot export writes "
				      "it)",
				      p->target);
		} else if (p && p->initiator && ps->initiator && strcmp(p->initiator, ini) != 0) {
			cause = xasprintf(
			    "the initiator %s is outside the target's ACL, which tgtd "
			    "answers with 'not found' (0x0203); the profile's initiator is "
			    "%s",
			    ini, p->initiator);
			fix =
			    xasprintf("set ISCSI_INITIATOR=%s on the Pi, or initiator = %s in the "
				      "profile and re-apply the target",
				      p->initiator, ini);
		} else if (p) {
			cause = xasprintf("target %s is not defined on the server although the "
					  "profile has it (status 0x0203)",
					  tgt);
			fix = xstrdup("apply the target configuration (tgt-admin --execute, or the "
				      "targetcli script) and check tgt-admin --show");
		} else {
			cause =
			    xasprintf("no target named %s (status 0x0203; tgtd also says this to "
				      "an initiator outside the target's ACL)",
				      tgt);
			fix = xstrdup(
			    "compare the Pi's TargetName and InitiatorName with the target's "
			    "definition and ACL (tgt-admin --show)");
		}
		pi_report(ps, R_ISCSI_NOT_FOUND, 0, ev->frame, cause, sbuf_take(&e), fix);
	} else {
		pi_report(ps, R_ISCSI_LOGIN, 0, ev->frame,
			  xasprintf("the target refused the login with status 0x%04x", status),
			  sbuf_take(&e), xstrdup("read the target's log for this initiator"));
	}
}

static void iscsi_from_pi(struct pistate *ps, const struct pnb_event *ev)
{
	const struct ev_iscsi *s = &ev->u.iscsi;
	root_begin(ps, ev);
	if (s->opcode == 0x03) {
		char *v;
		if ((v = bytes_dup(s->initiator_name))) {
			free(ps->initiator);
			ps->initiator = v;
		}
		if ((v = bytes_dup(s->target_name))) {
			free(ps->target);
			ps->target = v;
		}
		if (s->session_type.p)
			ps->discovery_session = s->session_type.len == 9 &&
						memcmp(s->session_type.p, "Discovery", 9) == 0;
	} else if (s->opcode == 0x01) {
		uint8_t op = s->cdb_opcode;
		bool rd = op == 0x08 || op == 0x28 || op == 0xa8 || op == 0x88;
		bool wr = op == 0x0a || op == 0x2a || op == 0xaa || op == 0x8a;
		if (rd || wr)
			root_io(ps, ev, wr);
	}
}

void dx_iscsi(struct diag *d, const struct pnb_event *ev)
{
	const struct ev_iscsi *s = &ev->u.iscsi;
	struct pistate *ps = s->opcode & 0x20 ? NULL : diag_pi_late(d, ev->src_mac, ev, false);
	if (ps) {
		iscsi_from_pi(ps, ev);
		return;
	}
	ps = diag_pi_get(d, ev->dst_mac);
	if (!ps)
		return;
	ps->last_ts = ps->last_root_ts = ev->ts;
	ps->last_frame = ev->frame;
	if (s->opcode != 0x23)
		return;
	ps->login_replies++;
	if (s->status_class || s->status_detail) {
		login_failed(d, ps, ev);
	} else if (s->transit && s->nsg == 3 && !ps->discovery_session && !ps->login_ok_frame) {
		ps->login_ok_frame = ev->frame;
		ps->login_ok_ts = ev->ts;
		st_done(ps, STAGE_ROOT_LOGIN, ev);
	}
}

/* ---- NFS ---- */

static void nfs_report(struct diag *d, struct pistate *ps, const struct pnb_event *ev,
		       enum diag_rule r, char *cause, char *fix)
{
	const struct ev_rpc *c = &ev->u.rpc;
	struct sbuf e;
	ev_text(d, &e, ev, "%s v%u proc %u reply", c->prog == PROG_MOUNT ? "MOUNT" : "NFS", c->vers,
		c->proc);
	if (c->accept_stat == 2)
		sbuf_printf(&e, ": PROG_MISMATCH, server supports %u–%u", c->low_vers,
			    c->high_vers);
	else if (c->has_status)
		sbuf_printf(&e, ": status %u", c->status);
	if (c->path.p)
		sbuf_printf(&e, " for %.*s", (int)c->path.len, (const char *)c->path.p);
	pi_report(ps, r, 0, ev->frame, cause, sbuf_take(&e), fix);
}

static void rpc_reply(struct diag *d, struct pistate *ps, const struct pnb_event *ev)
{
	const struct ev_rpc *c = &ev->u.rpc;
	ps->last_ts = ps->last_root_ts = ev->ts;
	if (c->reply_stat == 0 && c->accept_stat == 2 &&
	    (c->prog == PROG_NFS || c->prog == PROG_MOUNT) && (c->vers <= 2 || ps->nfs_v2)) {
		nfs_report(d, ps, ev, R_NFS_V2,
			   xstrdup("the kernel asked for NFS version 2, which the server does not "
				   "serve"),
			   xstrdup("add vers=3 to nfsroot= in cmdline.txt (…/path,vers=3,tcp)"));
		return;
	}
	if (c->prog == PROG_MOUNT && c->proc == 1 && c->has_status) {
		if (c->status == 0) {
			st_done(ps, STAGE_ROOT_LOGIN, ev);
		} else if (c->status == 2) {
			nfs_report(d, ps, ev, R_NFS_NOENT,
				   xstrdup("the nfsroot path does not exist on the server (MOUNT "
					   "NOENT)"),
				   xstrdup("fix nfsroot= in cmdline.txt or create and export the "
					   "directory"));
		} else {
			nfs_report(
			    d, ps, ev, R_NFS_DENIED,
			    xasprintf("the server refused to mount the root (MOUNT status %u)",
				      c->status),
			    xstrdup("export the path to this Pi in /etc/exports "
				    "(rw,no_root_squash,no_subtree_check) and exportfs -ra"));
		}
		return;
	}
	if (c->prog != PROG_NFS)
		return;
	if (c->vers == 4 && c->proc == 1 && c->accept_stat == 0)
		st_done(ps, STAGE_ROOT_LOGIN, ev); /* NFSv4: no MOUNT protocol */
	if (c->has_status && (c->status == 1 || c->status == 13 || c->status == 30)) {
		nfs_report(
		    d, ps, ev, R_NFS_ACCESS,
		    xasprintf("the NFS root refuses changes (%s)",
			      c->status == 30	? "ROFS: read-only export"
			      : c->status == 13 ? "ACCES: root_squash or permissions"
						: "PERM"),
		    xstrdup("export the Pi's root rw,no_root_squash (one root per Pi), or use "
			    "an overlay for a shared read-only root"));
		return;
	}
	if (c->proc == 6 && c->has_status && c->status == 0 && ++ps->n_nfs_read >= 8)
		st_done(ps, STAGE_ROOT_IN_USE, ev);
}

void dx_rpc(struct diag *d, const struct pnb_event *ev)
{
	const struct ev_rpc *c = &ev->u.rpc;
	if (c->prog != PROG_NFS && c->prog != PROG_MOUNT && c->prog != PROG_PORTMAP && c->reply &&
	    c->matched)
		return;
	struct pistate *ps;
	if (c->reply) {
		if ((ps = diag_pi_get(d, ev->dst_mac)))
			rpc_reply(d, ps, ev);
		return;
	}
	if (!(ps = diag_pi_late(d, ev->src_mac, ev, false)))
		return;
	if (c->prog != PROG_NFS && c->prog != PROG_MOUNT && c->prog != PROG_PORTMAP)
		return;
	ps->nfs_seen = true;
	root_begin(ps, ev);
	if (c->prog == PROG_NFS && c->vers == 2)
		ps->nfs_v2 = true;
	if (c->prog == PROG_NFS && c->proc != 0 &&
	    (st_is_done(ps, STAGE_ROOT_LOGIN) || c->vers == 4))
		root_io(ps, ev, c->proc == 7);
}
