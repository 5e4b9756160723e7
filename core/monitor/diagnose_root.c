/* diagnose_root — stages 7 and 8: the initramfs reaching its root over iSCSI (TCP 3260, Login,
 * SCSI READ/WRITE) or NFS (portmap, MOUNT, NFS calls), and the failures on the way: RST,
 * login status 0x0201/0x0202/0x0203 (cross-checked with the profile's IQNs), NFS v2, MOUNT
 * errors, ACCES/ROFS. Facts: spec/decoding.md §3–4, spec/netboot-servers-and-failures.md §4–5. */
#include "core/monitor/diagnose_int.h"

#include <stdio.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include "core/lab/iscsi_check.h"

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

/* A SYN to 3260 sent again (same port and sequence number) with neither SYN-ACK nor RST in
 * between: the kernel retransmits after 1 s and 3 s, so two retransmissions mean nothing
 * answers — a firewall that drops, not one that rejects (that would be an RST). */
static void syn_sent(struct diag *d, struct pistate *ps, const struct pnb_event *ev)
{
	const struct ev_tcp *t = &ev->u.tcp;
	if (!ps->syn_pending || t->seq != ps->syn_seq || ev->sport != ps->syn_sport) {
		ps->syn_pending = true;
		ps->syn_seq = t->seq;
		ps->syn_sport = ev->sport;
		ps->syn_pending_frame = ev->frame;
		ps->syn_pending_ts = ev->ts;
		ps->n_syn_retx = 0;
		return;
	}
	if (++ps->n_syn_retx < 2 || st_is_done(ps, STAGE_ROOT_LOGIN))
		return;
	char ip[16];
	ip_str(ev->dst_ip, ip);
	struct sbuf e;
	sbuf_init(&e);
	sbuf_printf(&e, "%u SYNs from port %u to %s:3260, the first ", ps->n_syn_retx + 1,
		    ev->sport, ip);
	ev_ref(d, &e, ps->syn_pending_frame, ps->syn_pending_ts);
	sbuf_add(&e, ", the last ");
	ev_ref(d, &e, ev->frame, ev->ts);
	sbuf_add(&e, ", and neither SYN-ACK nor RST");
	pi_report(ps, R_ISCSI_DROPPED, 0, ev->frame,
		  xasprintf("nothing answers the Pi's connection to %s:3260: a firewall on the "
			    "server (or on the way) silently drops iSCSI, or the host is down",
			    ip),
		  sbuf_take(&e),
		  xstrdup("allow TCP 3260 from the Pis in the server's firewall (nft list "
			  "ruleset, iptables -S) and check the target listens (ss -ltn sport = "
			  ":3260)"));
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
		syn_sent(d, ps, ev);
		return;
	}
	if (ev->sport != 3260 || !(ps = diag_pi_get(d, ev->dst_mac)))
		return;
	if (t->syn || t->rst)
		ps->syn_pending = false;
	if (!t->rst)
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

/* tgtd answers 0x0203 to a target it does not have and to an initiator outside the target's
 * ACL alike; when the Pi sends the profile's names, the server side differs from the profile in
 * one of the two ways, and a SendTargets answer seen before may tell which. */
static char *not_found_tgt(const struct pistate *ps, const char *ini, const char *tgt)
{
	const char *why = "";
	if (ps->disc_seen && ps->target && strstr(ps->disc_targets, ps->target))
		why = "; SendTargets listed the target, so it exists and its ACL is what "
		      "shuts the Pi out";
	else if (ps->disc_seen)
		why = "; SendTargets as this initiator did not list it, which tgt does both "
		      "for a missing target and for one whose ACL excludes the initiator";
	return xasprintf("the Pi sends the profile's names, but tgtd says it has no target %s "
			 "for it: either the target's ACL does not let initiator %s in, or no "
			 "such target is defined on the server (tgtd answers both with \"not "
			 "found\", 0x0203)%s",
			 tgt, ini, why);
}

/* 0x0201: a Pi that offered no CHAP at all (a login starting in the operational stage, or
 * AuthMethod=None) lacks credentials; one that did has the wrong user or secret. */
static void chap_failed(struct pistate *ps, const struct pnb_event *ev, struct sbuf *e)
{
	bool no_chap = ps->prof && !ps->prof->chap, none = ps->auth_seen && !ps->auth_chap;
	if (none)
		sbuf_add(e, "; the Pi's Login Request offered no AuthMethod=CHAP");
	pi_report(
	    ps, R_ISCSI_CHAP, 0, ev->frame,
	    none ? xasprintf("the target wants CHAP but the Pi has no CHAP credentials to offer "
			     "(its login offered no AuthMethod=CHAP)%s",
			     no_chap ? "; the profile says chap = no"
				     : ": its cmdline.txt lacks iscsi_username=/iscsi_password=")
	    : no_chap ? xstrdup("the target demands CHAP but the profile says chap = no")
		      : xstrdup("CHAP authentication failed: the Pi's CHAP user or secret differs "
				"from the target's incominguser"),
	    sbuf_take(e),
	    none ? xstrdup("give the Pi its CHAP user and secret (pinetboot export writes "
			   "iscsi_username=/iscsi_password= into cmdline.txt), or remove "
			   "incominguser from the target")
		 : xstrdup("make the CHAP user/secret match: tgt incominguser or targetcli set "
			   "auth on the target, ISCSI_USERNAME/ISCSI_PASSWORD on the Pi"));
}

static void login_failed(struct diag *d, struct pistate *ps, const struct pnb_event *ev)
{
	const struct ev_iscsi *s = &ev->u.iscsi;
	unsigned status = (unsigned)s->status_class << 8 | s->status_detail;
	const char *ini = ps->initiator ? ps->initiator : "(not captured)";
	const char *tgt = ps->target ? ps->target : "(not captured)";
	const struct pi *p = ps->prof;
	struct sbuf e;
	if (s->log_class_only)
		ev_text(d, &e, ev, "login refused (the initiator's log gives no status detail)");
	else
		ev_text(d, &e, ev, "Login Response status 0x%04x", status);
	sbuf_printf(&e, " to InitiatorName=%s TargetName=%s", ini, tgt);
	if (s->log_class_only) {
		pi_report(ps, R_ISCSI_LOGIN, 0, ev->frame,
			  xstrdup("the target refused the login; the initiator's log does not say "
				  "whether for CHAP (0x0201), the ACL (0x0202) or the target name "
				  "(0x0203)"),
			  sbuf_take(&e), xstrdup("read the target's log for this initiator"));
	} else if (status == 0x0201) {
		chap_failed(ps, ev, &e);
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
		} else if (p && d->site && d->site->iscsi_target == TARGET_LIO) {
			cause = xasprintf("target %s is not defined on the server although the "
					  "profile has it (status 0x0203)",
					  tgt);
			fix = xstrdup("apply the target configuration (targetctl restore of the LIO JSON) and "
				      "check targetcli ls");
		} else if (p) {
			cause = not_found_tgt(ps, ini, tgt);
			fix = xasprintf("tgt-admin --show: target %s must exist and admit "
					"initiator-name %s (tgt lets a login in when its address OR "
					"its name is listed); re-apply the exported config with "
					"tgt-admin --update ALL",
					tgt, ini);
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

char *root_explain(struct diag *d, struct pistate *ps, char **fix)
{
	bool tgt = !d->site || d->site->iscsi_target == TARGET_TGT;
	struct iscsi_check_opts o = {.lun = -1};
	char *hold[ICHECK_HOLD] = {NULL}, *err = NULL, *cause = NULL;
	bool served = d->site && ps->prof && d->site->root == ROOT_ISCSI;
	if (served)
		iscsi_check_opts_from_site(d->site, ps->prof, &o, hold, &err);
	const char *uuid = served ? ps->prof->root_uuid : NULL, *spec = o.root_spec;
	*fix = NULL;
	if (tgt && (ps->scsi_luns == 1 || (served && o.lun == 0))) {
		cause = xasprintf("the Pi wants its root on LUN 0%s%s%s, which tgt gives its own "
				  "controller: the disk is LUN 1 (tgt numbers backing stores from "
				  "1, LIO from 0)",
				  spec ? " (" : "", spec ? spec : "", spec ? ")" : "");
		*fix = xstrdup("ask for LUN 1 in cmdline.txt (root=/dev/disk/by-path/…-lun-1-part2 "
			       "or root=iscsi:…:1:TARGET; pinetboot export writes it)");
	} else if (spec && uuid && !strncasecmp(spec, "UUID=", 5) &&
		   strcasecmp(spec + 5, uuid) != 0) {
		cause = xasprintf("the Pi looked for its root %s (from %s) and did not find it: the "
				  "profile's root_uuid, the UUID of the Pi's root filesystem, is %s",
				  spec, o.root_from, uuid);
		*fix = xasprintf("write root=UUID=%s into cmdline.txt (pinetboot export does), or "
				 "check what the disk holds: pinetboot iscsi-check --site … --pi %s",
				 uuid, ps->prof->name);
	} else if (spec) {
		cause = xasprintf("the Pi looked for its root %s (from %s) and did not find it on "
				  "the disk it logged in to",
				  spec, o.root_from);
		*fix = xasprintf("compare root= with the disk's UUIDs: pinetboot iscsi-check --site "
				 "… --pi %s (a re-made or grown image gets new ones)",
				 ps->prof->name);
	}
	for (int i = 0; i < ICHECK_HOLD; i++)
		free(hold[i]);
	free(err);
	return cause;
}

/* The Pi logged out of its root session before using the disk: the initramfs gave up on it,
 * which says as much as the silence diagnose_time.c waits for. */
static void root_gave_up(struct diag *d, struct pistate *ps, const struct pnb_event *ev)
{
	char *fix = NULL, *cause = root_explain(d, ps, &fix);
	struct sbuf e;
	ev_text(d, &e, ev, "Logout Request");
	sbuf_printf(&e, " after %u SCSI READ/WRITE commands", ps->n_io);
	if (ps->scsi_luns)
		sbuf_printf(&e, " (LUN %s)",
			    ps->scsi_luns == 1 ? "0" : ps->scsi_luns == 2 ? "1" : "0 and others");
	bool none = !ps->n_io;
	if (!cause)
		cause = xstrdup(none ? "the Pi logged in and left again without reading its disk: "
				       "the session has no disk it can use (wrong LUN, or a target "
				       "without a backing store)"
				     : "the Pi read a few blocks of its disk and logged out: it did "
				       "not find the root filesystem it was told to mount");
	if (!fix)
		fix = xstrdup("check root= and the LUN in cmdline.txt against the disk (pinetboot "
			      "iscsi-check)");
	pi_report(ps, none ? R_ROOT_NO_READS : R_ROOT_READS_STOP, 0, ev->frame, cause,
		  sbuf_take(&e), fix);
}

static void iscsi_from_pi(struct diag *d, struct pistate *ps, const struct pnb_event *ev)
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
		/* a login that starts in the operational stage (CSG 1) skips security: no CHAP */
		if (!ps->login_replies && !ps->discovery_session) {
			ps->auth_seen = true;
			ps->auth_chap = s->csg == 0 && s->auth_method.p &&
					memmem(s->auth_method.p, s->auth_method.len, "CHAP", 4);
		}
	} else if (s->opcode == 0x01) {
		uint8_t op = s->cdb_opcode;
		bool rd = op == 0x08 || op == 0x28 || op == 0xa8 || op == 0x88;
		bool wr = op == 0x0a || op == 0x2a || op == 0xaa || op == 0x8a;
		unsigned lun = (unsigned)(s->lun >> 48) & 0x3fff; /* SAM peripheral/flat address */
		if (lun < 64)
			ps->scsi_luns |= 1ull << lun;
		if (rd || wr)
			root_io(ps, ev, wr);
	} else if (s->opcode == 0x06 && ps->login_ok_frame && !ps->discovery_session &&
		   !st_is_done(ps, STAGE_ROOT_IN_USE)) {
		root_gave_up(d, ps, ev);
	}
}

/* The TargetName= values of a SendTargets answer, kept for explaining a later 0x0203. */
static void discovery_answer(struct pistate *ps, const struct ev_iscsi *s)
{
	const char *p = (const char *)s->text.p, *end = p ? p + s->text.len : NULL;
	ps->disc_seen = true;
	while (p && p < end) {
		size_t n = strnlen(p, (size_t)(end - p));
		size_t have = strlen(ps->disc_targets);
		if (n > 11 && !memcmp(p, "TargetName=", 11) &&
		    have + n + 2 < sizeof(ps->disc_targets))
			snprintf(ps->disc_targets + have, sizeof(ps->disc_targets) - have, "%s%.*s",
				 have ? ", " : "", (int)(n - 11), p + 11);
		p += n + 1;
	}
}

void dx_iscsi(struct diag *d, const struct pnb_event *ev)
{
	const struct ev_iscsi *s = &ev->u.iscsi;
	struct pistate *ps = s->opcode & 0x20 ? NULL : diag_pi_late(d, ev->src_mac, ev, false);
	if (ps) {
		iscsi_from_pi(d, ps, ev);
		return;
	}
	ps = diag_pi_get(d, ev->dst_mac);
	if (!ps)
		return;
	ps->last_ts = ps->last_root_ts = ev->ts;
	ps->last_frame = ev->frame;
	if (s->opcode == 0x24 && ps->discovery_session)
		discovery_answer(ps, s);
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

/* MOUNT refused (ACCES, PERM): either nfsroot= names a path other than the Pi's root, or the
 * server does not export the Pi's root to it; the profile's nfs_path tells which. */
static void nfs_denied(struct diag *d, struct pistate *ps, const struct pnb_event *ev)
{
	const struct ev_rpc *c = &ev->u.rpc;
	char *path = c->path.p ? bytes_dup(c->path) : ps->mnt_path[0] ? xstrdup(ps->mnt_path) : NULL;
	const char *want = ps->prof ? ps->prof->nfs_path : NULL;
	char *cause, *fix;
	if (path && want && strcmp(path, want) != 0) {
		cause = xasprintf("the Pi asked to mount %s, which the server does not export to it; "
				  "the profile's root for this Pi is %s: nfsroot= in cmdline.txt names "
				  "the wrong directory",
				  path, want);
		fix = xasprintf("set nfsroot=SERVER:%s,vers=3 in cmdline.txt (pinetboot export "
				"writes it)",
				want);
	} else {
		cause = xasprintf("the server does not export %s to this Pi: the export is missing, "
				  "or its client list leaves the Pi's address out",
				  path ? path : "the root");
		fix = xstrdup("export the path to the Pis' subnet in /etc/exports "
			      "(rw,sync,no_subtree_check,no_root_squash) and exportfs -ra");
	}
	free(path);
	nfs_report(d, ps, ev, R_NFS_DENIED, cause, fix);
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
			nfs_denied(d, ps, ev);
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
	if (c->prog == PROG_MOUNT && c->proc == 1 && c->path.p)
		snprintf(ps->mnt_path, sizeof(ps->mnt_path), "%.*s", (int)c->path.len,
			 (const char *)c->path.p);
	if (c->prog == PROG_NFS && c->vers == 2)
		ps->nfs_v2 = true;
	if (c->prog == PROG_NFS && c->proc != 0 &&
	    (st_is_done(ps, STAGE_ROOT_LOGIN) || c->vers == 4))
		root_io(ps, ev, c->proc == 7);
}
