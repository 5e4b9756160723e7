/* iscsi_explain — a refused iSCSI login in the target's own terms. tgtd answers an initiator
 * outside a target's ACL with 0x0203 "not found" (the same as for a wrong name), LIO with 0x0202;
 * a wrong CHAP secret is 0x0201 on both. The names on the wire and the profile tell them apart.
 * iscsi_check.c calls down into this file (the status names and the explanation); nothing here
 * calls back up.
 * Facts: shared/spec/netboot-servers-and-failures.md §4 rows 23–24, §5; decoding.md §3.3. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/lab/iscsi_check.h"
#include "core/base/util.h"
#include "core/site/profile.h"

static const char fix_chap_missing[] = "give the Pi the CHAP user and secret (iscsi_username= and "
				       "iscsi_password= in cmdline.txt) or remove incominguser "
				       "from the target";
static const char fix_chap[] = "make the Pi's CHAP secret equal the target's incominguser secret "
			       "(site.secrets and the target config come from the same export)";
static const char fix_acl[] = "add the initiator to the target's ACL (tgt: initiator-name; LIO: "
			      "tpg1/acls create) or fix the initiator name the Pi sends";
static const char fix_acl_or_missing[] = "tgt-admin --show: the target must exist and its ACL "
					 "must list the Pi's initiator-name (or its address); "
					 "re-apply the exported config (tgt-admin --update ALL)";
static const char fix_name[] = "correct the target name in the Pi's cmdline.txt or in the target "
			       "config so both are the same IQN";

/* RFC 7143 §11.13.5 login status classes and details. */
const char *iscsi_login_status_text(int status)
{
	switch (status) {
	case 0x0000: return "success";
	case 0x0101: return "target moved temporarily";
	case 0x0102: return "target moved permanently";
	case 0x0200: return "initiator error";
	case 0x0201: return "authentication failure";
	case 0x0202: return "authorization failure";
	case 0x0203: return "target not found";
	case 0x0204: return "target removed";
	case 0x0205: return "unsupported version";
	case 0x0206: return "too many connections";
	case 0x0207: return "missing parameter";
	case 0x0208: return "can't include in session";
	case 0x0209: return "session type not supported";
	case 0x020a: return "session does not exist";
	case 0x020b: return "invalid request during login";
	case 0x0300: return "target error";
	case 0x0301: return "service unavailable";
	case 0x0302: return "out of resources";
	default: return "unknown status";
	}
}

static bool listed(const struct iscsi_login_facts *f, const char *name)
{
	for (size_t i = 0; i < f->n_targets; i++)
		if (f->targets[i] && strcmp(f->targets[i], name) == 0)
			return true;
	return false;
}

/* A name the target reports that is the same iSCSI name only after RFC 3722's case folding. */
static const char *listed_other_case(const struct iscsi_login_facts *f, const char *name)
{
	for (size_t i = 0; i < f->n_targets; i++)
		if (f->targets[i] && strcmp(f->targets[i], name) != 0 &&
		    iqn_equal(f->targets[i], name))
			return f->targets[i];
	return NULL;
}

static char *explain_chap(const struct iscsi_login_facts *f, const char **fix)
{
	if (!f->chap_user) {
		*fix = fix_chap_missing;
		return xasprintf("the target requires CHAP for %s but the Pi sends no CHAP "
				 "credentials (login status 0x0201, authentication failure)",
				 f->target);
	}
	*fix = fix_chap;
	return xasprintf("CHAP failed: target %s rejected user \"%s\" with the secret the Pi uses "
			 "(login status 0x0201): the secret, or the user name, differs from the "
			 "target's incominguser",
			 f->target, f->chap_user);
}

/* A listed or profile name within a few edits of the one asked for: a typo. */
static const char *near_name(const struct iscsi_login_facts *f)
{
	for (size_t i = 0; i < f->n_targets; i++)
		if (f->targets[i] && str_distance(f->targets[i], f->target, false) <= 3)
			return f->targets[i];
	if (f->profile_target && str_distance(f->profile_target, f->target, false) <= 3)
		return f->profile_target;
	return NULL;
}

static char *explain_not_found(const struct iscsi_login_facts *f, const char *extra,
			       const char **fix)
{
	bool tgt = f->target_kind == TARGET_TGT;
	const char *near = near_name(f);
	if (!near && f->discovery_done && f->target_kind != TARGET_LIO) {
		*fix = fix_acl;
		return xasprintf("initiator IQN %s is not in the ACL of target %s (tgt reports this "
				 "as target-not-found, login status 0x0203), unless that target does "
				 "not exist at all: SendTargets as this initiator does not list it, "
				 "which is how tgt hides targets outside the ACL%s",
				 f->initiator, f->target, extra);
	}
	*fix = fix_name;
	return xasprintf("target %s does not exist%s%s (login status 0x0203, target not found)%s%s%s",
			 f->target, f->portal ? " on " : "", f->portal ? f->portal : "",
			 near ? "; did you mean " : "", near ? near : "",
			 tgt ? "" : "; tgt also answers 0x0203 when the initiator is outside the ACL");
}

char *iscsi_login_explain(const struct iscsi_login_facts *f, const char **fix)
{
	int st = f->status;
	bool lio = f->target_kind == TARGET_LIO;
	bool name_listed = listed(f, f->target);
	bool name_known = name_listed || (f->profile_target && !strcmp(f->profile_target, f->target));
	char extra[512] = "";
	if (f->profile_initiator && strcmp(f->profile_initiator, f->initiator) != 0)
		snprintf(extra, sizeof(extra), " (the profile names the Pi's initiator %s)",
			 f->profile_initiator);
	*fix = NULL;
	if (st == 0x0201)
		return explain_chap(f, fix);
	const char *spelt = st == 0x0203 ? listed_other_case(f, f->target) : NULL;
	if (spelt) {
		*fix = "write the target name in the profile (target =) exactly as the target "
		       "reports it";
		return xasprintf("the target reports itself as %s and the Pi asks for %s: the same "
				 "iSCSI name under RFC 3722's case folding, but the target compares "
				 "the names as written (login status 0x0203)",
				 spelt, f->target);
	}
	bool other_ini = f->profile_initiator && strcmp(f->profile_initiator, f->initiator) != 0;
	if (st == 0x0203 && name_known && !name_listed && !lio && !other_ini) {
		/* the profile's names, the target not seen on the server: tgt hides a target from
		 * an initiator outside its ACL and says "not found" to its login, as for a missing
		 * target (a Pi sending another initiator than the profile's is the ACL case) */
		*fix = fix_acl_or_missing;
		return xasprintf("initiator IQN %s is not in the ACL of target %s, or that target is "
				 "not defined on the server: tgt answers both with login status 0x0203 "
				 "(target not found)%s%s",
				 f->initiator, f->target,
				 f->discovery_done ? ", and SendTargets as this initiator does not "
						     "list it"
						   : "",
				 extra);
	}
	if (st == 0x0202 || (st == 0x0203 && name_known && !lio)) {
		*fix = fix_acl;
		return xasprintf("initiator IQN %s is not in the ACL of target %s%s%s", f->initiator,
				 f->target,
				 st == 0x0203 ? " (tgt reports this as target-not-found, login "
						"status 0x0203)"
					      : " (login status 0x0202, authorization failure)",
				 extra);
	}
	if (st == 0x0203)
		return explain_not_found(f, extra, fix);
	if (st > 0)
		return xasprintf("login to %s refused: status 0x%04x, %s", f->target, st,
				 iscsi_login_status_text(st));
	return xasprintf("login to %s failed: %s", f->target, f->error ? f->error : "no answer");
}
