/* shim_words — seed 002's shim root words (see shim_words.h for the facts). */
#include "core/server/shim_words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/util.h"
#include "core/server/bootfiles.h"
#include "core/site/profile.h"

static void set(char **dst, const char *v, size_t n)
{
	free(*dst);
	*dst = xstrndup(v, n);
}

/* Appends a source ("; " before it) or, with word, one of its words (" " before it). */
static void add_from(struct shim_root *r, const char *what, bool word)
{
	size_t n = strlen(r->from);
	snprintf(r->from + n, sizeof(r->from) - n, "%s%s", !n ? "" : word ? " " : "; ", what);
}

/* The command line's words; the last of a repeated one wins, as a loop over /proc/cmdline
 * that assigns each would have it. */
static void words(const char *cmdline, char **ip, char **target, char **port, char **mode)
{
	static const char *const keys[] = {
	    "iscsi.ip=", "iscsi.target=", "iscsi.port=", "iscsi.mode="};
	char **slot[] = {ip, target, port, mode};
	for (const char *p = cmdline; *p;) {
		p += strspn(p, " \t\r\n");
		size_t n = strcspn(p, " \t\r\n");
		for (size_t k = 0; n && k < PNB_ARRAY_LEN(keys); k++) {
			size_t kl = strlen(keys[k]);
			if (n >= kl && !strncmp(p, keys[k], kl))
				set(slot[k], p + kl, n - kl);
		}
		p += n;
	}
}

static bool port_parse(const char *s, int *port)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < 1 || v > 65535)
		return false;
	*port = (int)v;
	return true;
}

int shim_root_parse(const char *cmdline, const char *opt17, const char *opt224, struct shim_root *r,
		    char **err)
{
	memset(r, 0, sizeof(*r));
	r->port = 3260;
	r->lun = -1;
	*err = NULL;
	if (opt17 && *opt17) {
		struct boot_params bp;
		memset(&bp, 0, sizeof(bp));
		if (strncmp(opt17, "iscsi:", 6) != 0 ||
		    bootparams_parse_iscsi_path(opt17 + 6, &bp) < 0) {
			bootparams_done(&bp);
			*err =
			    xasprintf("DHCP option 17 \"%s\" is not an iSCSI root path (expected "
				      "iscsi:SERVER:PROTO:PORT:LUN:TARGET-IQN)",
				      opt17);
			return -1;
		}
		r->portal = bp.portal ? xstrdup(bp.portal) : NULL;
		r->target = xstrdup(bp.target);
		r->port = bp.port;
		r->lun = bp.lun;
		bootparams_done(&bp);
		add_from(r, "DHCP option 17", false);
	}
	char *ip = NULL, *target = NULL, *port = NULL, *mode = NULL;
	words(cmdline ? cmdline : "", &ip, &target, &port, &mode);
	uint32_t a;
	int rc = 0;
	if (ip && !ipv4_parse(ip, &a))
		*err = xasprintf("iscsi.ip=%s is not an IPv4 address", ip);
	else if (port && !port_parse(port, &r->port))
		*err = xasprintf("iscsi.port=%s is not a TCP port", port);
	else if (target && !iqn_valid(target))
		*err = xasprintf("iscsi.target=%s is not an iSCSI name", target);
	if (*err) {
		rc = -1;
	} else {
		if (ip || target || port)
			add_from(r, "cmdline.txt", false);
		if (ip) {
			free(r->portal);
			r->portal = xstrdup(ip);
			add_from(r, "iscsi.ip", true);
		}
		if (target) {
			free(r->target);
			r->target = xstrdup(target);
			add_from(r, "iscsi.target", true);
		}
		if (port)
			add_from(r, "iscsi.port", true);
	}
	r->mode = xstrdup(mode ? mode : opt224 && *opt224 ? opt224 : "pivot");
	free(ip);
	free(target);
	free(port);
	free(mode);
	return rc;
}

void shim_root_done(struct shim_root *r)
{
	free(r->portal);
	free(r->target);
	free(r->mode);
	memset(r, 0, sizeof(*r));
}
