/* lint_files — rules of the trade checked against what is really installed under a root
 * directory: the dnsmasq and dhcpd configs, /etc/exports, tgt, tftpd-hpa, and each Pi's
 * cmdline.txt and (NFS root) fstab. Facts: spec/netboot-servers-and-failures.md §3–5. */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/server/lint.h"
#include "core/server/render.h"
#include "core/base/util.h"
#include "core/site/tftp_dir.h"

#define MENU_TEXT "Raspberry Pi Boot"

struct lint_ctx {
	const struct site *s;
	const char *root;
	struct problems *ps;
	/* dnsmasq facts gathered over all its files */
	char *proxy_file;
	int proxy_line;
	bool has_reply_delay, has_menu;
	bool dnsmasq_menu, enable_tftp;
	char *range_file; /* the first dnsmasq dhcp-range of any kind */
	int range_line;
	char *boot_file;
	int boot_line;
	/* the tgt <target> block being read */
	const struct pi *tgt_pi;
	char *tgt_file;
	int tgt_line;
	bool tgt_acl, tgt_acl_ok, tgt_chap, tgt_seen;
	char tgt_addr[64]; /* the first initiator-address of the block ("" none) */
	bool tgt_any_addr; /* the block has an initiator-address line at all */
	bool *tgt_found; /* per Pi */
	bool dhcpd_includes; /* some .conf in /etc/dhcp includes pinetboot's fragment */
};

typedef void (*line_fn)(struct lint_ctx *c, const char *file, int line, char *text);

/* Calls fn for each line of path (no newline); returns false when the file is not there. */
static bool each_line(struct lint_ctx *c, const char *path, line_fn fn)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	int line = 0;
	while ((n = getline(&buf, &cap, f)) >= 0) {
		line++;
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			buf[--n] = '\0';
		fn(c, path, line, buf);
	}
	free(buf);
	fclose(f);
	return true;
}

/* Calls each_line on every regular config file in dir (sorted; skips backups and dpkg
 * leftovers), and on the single files given. */
static void each_file_in(struct lint_ctx *c, const char *dir, const char *suffix, line_fn fn)
{
	char *d = lint_under_root(c->root, dir);
	struct dirent **names;
	int n = scandir(d, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		bool skip = nm[0] == '.' || str_endswith(nm, "~") || str_startswith(nm, "dhclient") || strstr(nm, ".dpkg-") ||
			    strstr(nm, ".pinetboot-") || (suffix && !str_endswith(nm, suffix));
		if (!skip) {
			char *p = xasprintf("%s/%s", d, nm);
			each_line(c, p, fn);
			free(p);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	free(d);
}


static bool needs_spaces(const struct pi *p)
{
	return model_info(p->model)->needs_menu_spaces;
}

static bool needs_delay(const struct pi *p)
{
	return model_info(p->model)->proxy_reply_delay;
}

/* ---- dnsmasq and ISC dhcpd: menu text, reply delay, option 67 ---- */

/* "Raspberry Pi Boot" followed by fewer than 3 spaces, for a Pi 3B in the profile
 * (spec §4 row 4, boot-net.adoc). */
static void check_menu_text(struct lint_ctx *c, const char *file, int line, const char *text,
			    const char *key)
{
	const char *m = strstr(text, MENU_TEXT);
	if (!m)
		return;
	c->has_menu = true;
	const struct pi *p;
	if (strncmp(m + strlen(MENU_TEXT), "   ", 3) == 0 ||
	    !(p = lint_first_pi(c->s, needs_spaces)))
		return;
	problems_add(c->ps, PROBLEM_ERROR, file, line, NULL, key,
		     "the boot menu text \"" MENU_TEXT "\" lacks the 3 trailing spaces the %s "
		     "([pi \"%s\"]) needs, so its ROM ignores the offer (fix: write \"" MENU_TEXT
		     "   \")",
		     model_info(p->model)->long_name, p->name);
}

static bool onlink_only(const struct pi *p)
{
	return model_info(p->model)->tftp_onlink_only;
}

/* A TFTP server named off the Pis' subnet (spec §4 row 8, FW#670): the Pi 3B ROM ARPs for it
 * instead of using the router. Looks at every dotted quad in the directive. */
static void check_tftp_server(struct lint_ctx *c, const char *file, int line, const char *val,
			      const char *key)
{
	const struct pi *p = lint_first_pi(c->s, onlink_only);
	if (!p || !c->s->address)
		return;
	uint32_t mask = ipv4_netmask(c->s->prefix_len);
	char net[16];
	ipv4_format(c->s->address & mask, net);
	for (const char *q = val; *q;) {
		size_t n = strspn(q, "0123456789.");
		char ip[16];
		uint32_t a;
		if (n >= 7 && n < sizeof(ip)) {
			snprintf(ip, sizeof(ip), "%.*s", (int)n, q);
			if (ipv4_parse(ip, &a) && a && (a & mask) != (c->s->address & mask))
				problems_add(c->ps, PROBLEM_ERROR, file, line, NULL, key,
					     "names TFTP server %s, outside the Pis' subnet: the %s "
					     "([pi \"%s\"]) can only reach a TFTP server on its own "
					     "subnet (fix: serve TFTP from an address in %s/%u)",
					     ip, model_info(p->model)->long_name, p->name,
					     net, c->s->prefix_len);
		}
		q += n ? n : 1;
	}
}

/* tftp-root=DIR[,INTERFACE] must be the profile's tftp_root (trailing '/' aside). */
static void check_tftp_root(struct lint_ctx *c, const char *file, int line, const char *val)
{
	size_t n = strcspn(val, ",");
	while (n > 1 && (val[n - 1] == '/' || isspace((unsigned char)val[n - 1])))
		n--;
	const char *want = c->s->tftp_root;
	size_t wn = strlen(want);
	while (wn > 1 && want[wn - 1] == '/')
		wn--;
	if (n == wn && !strncmp(val, want, n))
		return;
	problems_add(c->ps, PROBLEM_ERROR, file, line, NULL, "tftp-root",
		     "is %.*s but the profile's tftp_root is %s, so the Pis' files are not served "
		     "(fix: tftp-root=%s)",
		     (int)n, val, want, want);
}

static void dnsmasq_line(struct lint_ctx *c, const char *file, int line, char *text)
{
	char *t = str_trim(text);
	if (*t == '#' || !*t)
		return;
	char *eq = strchr(t, '=');
	size_t kn = eq ? (size_t)(eq - t) : strlen(t);
	char key[64];
	snprintf(key, sizeof(key), "%.*s", (int)(kn < 63 ? kn : 63), t);
	const char *val = eq ? eq + 1 : "";
	if (!strcmp(key, "pxe-service") || !strncmp(key, "dhcp-option", 11)) {
		check_menu_text(c, file, line, val, key);
		c->dnsmasq_menu |= strstr(val, MENU_TEXT) != NULL;
	}
	if (!strcmp(key, "enable-tftp"))
		c->enable_tftp = true;
	if (!strcmp(key, "tftp-root") && c->s->tftp == TFTP_DNSMASQ && c->s->tftp_root)
		check_tftp_root(c, file, line, val);
	if (!strcmp(key, "dhcp-range") && !c->range_file) {
		c->range_file = xstrdup(file);
		c->range_line = line;
	}
	if (!strcmp(key, "dhcp-reply-delay"))
		c->has_reply_delay = true;
	if (!strcmp(key, "pxe-service") || !strcmp(key, "dhcp-boot") ||
	    (!strncmp(key, "dhcp-option", 11) && (strstr(val, "66,") || strstr(val, "tftp-server"))))
		check_tftp_server(c, file, line, val, key);
	if (!strcmp(key, "dhcp-range") && strstr(val, "proxy") && !c->proxy_file) {
		c->proxy_file = xstrdup(file);
		c->proxy_line = line;
	}
	bool opt67 = !strncmp(key, "dhcp-option", 11) &&
		     (strstr(val, "67,") || strstr(val, "bootfile-name"));
	if ((!strcmp(key, "dhcp-boot") || opt67) && !c->boot_file) {
		c->boot_file = xstrdup(file);
		c->boot_line = line;
	}
}

static void dhcpd_line(struct lint_ctx *c, const char *file, int line, char *text)
{
	char *t = str_trim(text);
	if (*t == '#' || !*t)
		return;
	if (!strncmp(t, "include", 7) && strstr(t, RENDER_DHCPD_FRAGMENT))
		c->dhcpd_includes = true;
	if (strstr(t, "vendor-encapsulated-options") || strstr(t, "option 43"))
		check_menu_text(c, file, line, t, "option 43");
	if (!strncmp(t, "next-server", 11) || strstr(t, "tftp-server-name"))
		check_tftp_server(c, file, line, t, !strncmp(t, "next-server", 11) ? "next-server"
										 : "option 66");
	if ((!strncmp(t, "filename", 8) || strstr(t, "bootfile-name")) && !c->boot_file) {
		c->boot_file = xstrdup(file);
		c->boot_line = line;
	}
}

static void dhcp_verdicts(struct lint_ctx *c)
{
	const struct pi *p;
	if (c->proxy_file && !c->has_reply_delay && (p = lint_first_pi(c->s, needs_delay)) != NULL)
		problems_add(c->ps, PROBLEM_ERROR, c->proxy_file, c->proxy_line, NULL, "dhcp-range",
			     "proxy DHCP without dhcp-reply-delay while the %s ([pi \"%s\"]) "
			     "boots here: its ROM loops when the proxy offer arrives with the main "
			     "one (fix: add dhcp-reply-delay=1)",
			     model_info(p->model)->long_name, p->name);
	/* Spec §4 row 3: offers without the menu are ignored by every Pi. */
	bool dnsmasq_dhcp = c->s->dhcp == DHCP_PROXY || c->s->dhcp == DHCP_FULL;
	if (dnsmasq_dhcp && c->range_file && !c->dnsmasq_menu && c->s->n_pis &&
	    !(c->boot_file && !c->has_menu))
		problems_add(c->ps, PROBLEM_ERROR, c->range_file, c->range_line, NULL, "dhcp-range",
			     "dnsmasq answers DHCP here but sends no \"" MENU_TEXT "\" menu in option "
			     "43 (pxe-service), so every Pi ignores its offers (fix: "
			     "pxe-service=0,\"" MENU_TEXT "   \")");
	if (dnsmasq_dhcp && c->range_file && !c->enable_tftp && c->s->tftp == TFTP_DNSMASQ &&
	    c->s->n_pis)
		problems_add(c->ps, PROBLEM_ERROR, c->range_file, c->range_line, NULL, "enable-tftp",
			     "dnsmasq answers the Pis' DHCP but does not serve TFTP (no enable-tftp), "
			     "while the profile says tftp = dnsmasq: their read requests go "
			     "unanswered (fix: enable-tftp and tftp-root=%s)",
			     site_tftp_root(c->s));
	if (c->boot_file && c->s->n_pis)
		problems_add(c->ps, c->has_menu ? PROBLEM_NOTE : PROBLEM_ERROR, c->boot_file,
			     c->boot_line, NULL, "boot file",
			     "%s (fix: %s)",
			     c->has_menu ? "option 67 / the boot file name is ignored by every Pi"
					 : "the config relies on option 67 / a boot file name, which "
					   "every Pi ignores, and sends no \"" MENU_TEXT "\" option 43",
			     c->has_menu ? "nothing needed for the Pis; other clients may use it"
					 : "add pxe-service=0,\"" MENU_TEXT "   \" (dnsmasq) or "
					   "option 43 with sub-options 6, 9 and 10");
}

/* ---- /etc/exports: NFS root exports (spec §3.6, §4 row 20) ---- */

static bool is_pi_root(const struct site *s, const char *path)
{
	size_t n = strlen(s->nfs_root);
	if (!strncmp(path, s->nfs_root, n) && (path[n] == '/' || path[n] == '\0'))
		return true;
	for (size_t i = 0; i < s->n_pis; i++)
		if (s->pis[i].nfs_path && !strcmp(s->pis[i].nfs_path, path))
			return true;
	return false;
}

static void export_client(struct lint_ctx *c, const char *file, int line, const char *path,
			  const char *client)
{
	char host[256];
	const char *paren = strchr(client, '(');
	size_t hn = paren ? (size_t)(paren - client) : strlen(client);
	snprintf(host, sizeof(host), "%.*s", (int)(hn < 255 ? hn : 255), client);
	const char *opts = paren ? paren + 1 : "";
	char net[16];
	ipv4_format(c->s->address & ipv4_netmask(c->s->prefix_len), net);
	if (!strcmp(host, "*") || !*host)
		problems_add(c->ps, PROBLEM_ERROR, file, line, NULL, path,
			     "a Pi root is exported to every host (fix: export it to the Pis' subnet "
			     "only, e.g. %s/%u)",
			     net, c->s->prefix_len);
	bool no_squash = strstr(opts, "no_root_squash") != NULL;
	if (!no_squash)
		problems_add(c->ps, PROBLEM_ERROR, file, line, NULL, path,
			     "a Pi root is exported with root_squash%s, so root on the Pi cannot "
			     "write its own files (fix: rw,sync,no_subtree_check,no_root_squash)",
			     strstr(opts, "root_squash") ? "" : " (the default)");
}

static void exports_line(struct lint_ctx *c, const char *file, int line, char *text)
{
	char *t = str_trim(text);
	if (*t == '#' || !*t || c->s->root != ROOT_NFS)
		return;
	char *save = NULL;
	char *path = strtok_r(t, " \t", &save);
	if (!path || !is_pi_root(c->s, path))
		return;
	char *pathcopy = xstrdup(path);
	for (char *cl = strtok_r(NULL, " \t", &save); cl; cl = strtok_r(NULL, " \t", &save))
		export_client(c, file, line, pathcopy, cl);
	free(pathcopy);
}

/* ---- tgt: LUN 0 is the controller (spec §4, TGT targets.conf.example) ---- */

static const struct pi *pi_by_target(const struct site *s, const char *iqn)
{
	for (size_t i = 0; i < s->n_pis; i++)
		if (s->pis[i].target && iqn_equal(s->pis[i].target, iqn))
			return &s->pis[i];
	return NULL;
}

/* A Pi's target must let its initiator in, and ask for CHAP exactly when the profile says
 * (spec §4 rows 23–24; DESIGN: tgtd answers 0x0203 to an initiator outside its ACL). */
static void tgt_block_verdict(struct lint_ctx *c)
{
	const struct pi *p = c->tgt_pi;
	if (!p)
		return;
	c->tgt_found[p - c->s->pis] = true;
	if (c->tgt_acl && !c->tgt_acl_ok)
		problems_add(c->ps, PROBLEM_ERROR, c->tgt_file, c->tgt_line, NULL, "initiator-name",
			     "the target of [pi \"%s\"] does not let in its initiator %s, so tgt "
			     "answers the login with 0x0203 \"no such target\" (fix: initiator-name "
			     "%s)",
			     p->name, p->initiator, p->initiator);
	if (!c->tgt_any_addr && !c->tgt_chap)
		problems_add(c->ps, PROBLEM_WARNING, c->tgt_file, c->tgt_line, NULL,
			     "initiator-address",
			     "the target of [pi \"%s\"] has no initiator-address, so tgt-admin binds "
			     "ALL and every initiator logs in whatever its name (fix: "
			     "initiator-address 0.0.0.0/32 with initiator-name %s, as pinetboot "
			     "export writes it)",
			     p->name, p->initiator);
	else if (c->tgt_addr[0] && !c->tgt_chap)
		problems_add(c->ps, PROBLEM_WARNING, c->tgt_file, c->tgt_line, NULL,
			     "initiator-address",
			     "the target of [pi \"%s\"] admits every initiator from %s: tgt lets a "
			     "login in when its address or its name is listed, and without CHAP "
			     "nothing else guards the root (fix: drop initiator-address and keep "
			     "initiator-name %s)",
			     p->name, c->tgt_addr, p->initiator);
	else if (c->tgt_acl_ok && !c->tgt_chap)
		/* name-only, as export writes it: the best tgt's OR can do without a secret */
		problems_add(c->ps, PROBLEM_NOTE, c->tgt_file, c->tgt_line, NULL, "incominguser",
			     "the target of [pi \"%s\"] refuses other initiator names, but a host "
			     "that sends %s from another address logs in too (tgt admits a login "
			     "whose address OR name is bound); only CHAP refuses it (chap = yes)",
			     p->name, p->initiator);
	if (!p->chap && c->tgt_chap)
		problems_add(c->ps, PROBLEM_ERROR, c->tgt_file, c->tgt_line, NULL, "incominguser",
			     "the target of [pi \"%s\"] requires CHAP but the profile says chap = "
			     "no, so the Pi's login fails with 0x0201 (fix: chap = yes, or drop "
			     "incominguser)",
			     p->name);
	else if (p->chap && !c->tgt_chap)
		problems_add(c->ps, PROBLEM_WARNING, c->tgt_file, c->tgt_line, NULL, "incominguser",
			     "the target of [pi \"%s\"] has no incominguser although the profile "
			     "says chap = yes: any host allowed by the ACL logs in without a "
			     "password (fix: pinetboot apply)",
			     p->name);
}

static void tgt_line(struct lint_ctx *c, const char *file, int line, char *text)
{
	char *t = str_trim(text);
	if (*t == '#')
		return;
	if (!strncasecmp(t, "<target", 7) && isspace((unsigned char)t[7])) {
		char *iqn = str_trim(t + 8);
		char *gt = strchr(iqn, '>');
		if (gt)
			*gt = '\0';
		c->tgt_seen = true;
		c->tgt_pi = pi_by_target(c->s, str_trim(iqn));
		if (c->tgt_pi && strcmp(c->tgt_pi->target, str_trim(iqn)) != 0)
			/* one name under RFC 3722, but tgt looks the Pi's spelling up byte for byte */
			problems_add(c->ps, PROBLEM_ERROR, file, line, NULL, "target",
				     "names %s, and [pi \"%s\"] logs in as %s: the same iSCSI name "
				     "once case is folded (RFC 3722), but tgt compares them as written "
				     "and answers 0x0203 (fix: one spelling in both; pinetboot apply "
				     "writes the profile's)",
				     str_trim(iqn), c->tgt_pi->name, c->tgt_pi->target);
		free(c->tgt_file);
		c->tgt_file = xstrdup(file);
		c->tgt_line = line;
		c->tgt_acl = c->tgt_acl_ok = c->tgt_chap = false;
		c->tgt_addr[0] = '\0';
		c->tgt_any_addr = false;
	} else if (!strncasecmp(t, "</target", 8)) {
		tgt_block_verdict(c);
		c->tgt_pi = NULL;
	} else if (!strncasecmp(t, "initiator-name", 14) && c->tgt_pi) {
		c->tgt_acl = true;
		c->tgt_acl_ok |= iqn_equal(str_trim(t + 14), c->tgt_pi->initiator);
	} else if (!strncasecmp(t, "initiator-address", 17) && c->tgt_pi) {
		c->tgt_any_addr = true;
		/* tgt matches no address against an IPv4 /32 entry (prefixes above 31 fail its
		 * netmask test), so 0.0.0.0/32 (what pinetboot writes) or any A/32 only keeps
		 * tgt-admin from binding ALL */
		const char *a = str_trim(t + 17);
		bool none = strchr(a, '.') && str_endswith(a, "/32");
		if (!c->tgt_addr[0] && !none)
			snprintf(c->tgt_addr, sizeof(c->tgt_addr), "%s", a);
	} else if (!strncasecmp(t, "incominguser", 12)) {
		c->tgt_chap = true;
	} else if (!strncasecmp(t, "lun", 3) && isspace((unsigned char)t[3])) {
		char *v = str_trim(t + 4);
		if (!strcmp(v, "0"))
			problems_add(c->ps, PROBLEM_ERROR, file, line, NULL, "lun",
				     "a backing store is set to LUN 0, which tgt keeps for its "
				     "controller (fix: drop the lun line; tgt numbers backing stores "
				     "from 1, and cmdline.txt must name that LUN)");
	}
}

/* Pis with no target at all, once some tgt config is installed. */
static void tgt_missing(struct lint_ctx *c)
{
	if (!c->tgt_seen || c->s->root != ROOT_ISCSI || c->s->iscsi_target != TARGET_TGT)
		return;
	for (size_t i = 0; i < c->s->n_pis; i++)
		if (!c->tgt_found[i])
			problems_add(c->ps, PROBLEM_WARNING, c->s->path,
				     c->s->pis[i].key_line[PK_TARGET] ? c->s->pis[i].key_line[PK_TARGET]
								       : c->s->pis[i].line,
				     NULL, NULL,
				     "[pi \"%s\"]: no installed tgt target is named %s, so its "
				     "login gets 0x0203 (fix: pinetboot apply)",
				     c->s->pis[i].name, c->s->pis[i].target);
}

/* ---- tftpd-hpa serves the directory the profile names ---- */

static void tftpd_line(struct lint_ctx *c, const char *file, int line, char *text)
{
	char *t = str_trim(text);
	if (strncmp(t, "TFTP_DIRECTORY=", 15) != 0 || c->s->tftp != TFTP_HPA)
		return;
	char *v = t + 15;
	size_t n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v[n - 1] = '\0';
		v++;
	}
	if (strcmp(v, c->s->tftp_root) != 0)
		problems_add(c->ps, PROBLEM_ERROR, file, line, NULL, "TFTP_DIRECTORY",
			     "is %s but the profile's tftp_root is %s, so the Pis' files are not "
			     "served (fix: TFTP_DIRECTORY=\"%s\")",
			     v, c->s->tftp_root, c->s->tftp_root);
}

/* ---- each Pi's cmdline.txt (spec §3.6, §4 rows 17, 18, 21; §5 LUN numbering) ---- */

static void check_nfsroot(struct lint_ctx *c, const char *file, const char *word)
{
	const char *opts = strchr(word, ',');
	opts = opts ? opts + 1 : "";
	if (strstr(opts, "vers=4") || strstr(opts, "nfsvers=4"))
		problems_add(c->ps, PROBLEM_ERROR, file, 1, NULL, "nfsroot",
			     "asks for NFS v4, which the kernel's nfsroot and Bookworm's klibc "
			     "nfsmount cannot mount (fix: use vers=3)");
	else if (!strstr(opts, "vers=3") && !strstr(opts, "v3"))
		problems_add(c->ps, PROBLEM_ERROR, file, 1, NULL, "nfsroot",
			     "has no vers=3, so the kernel tries NFS v2, which current servers "
			     "refuse (fix: nfsroot=SERVER:PATH,vers=3)");
	if (strstr(opts, "proto="))
		problems_add(c->ps, PROBLEM_WARNING, file, 1, NULL, "nfsroot",
			     "sets proto=, which Bookworm's klibc nfsmount rejects (fix: drop it)");
}

/* A Pi sets its own lun: LUN numbers other than the target kind's are then meant. */
static bool any_lun_set(const struct site *s)
{
	for (size_t i = 0; i < s->n_pis; i++)
		if (s->pis[i].lun >= 0)
			return true;
	return false;
}

/* root=iscsi:[user:pass[:inuser:inpass]@]server:proto:port[:iface:netdev]:lun:target —
 * the LUN is the field before the target name (which may hold colons). */
static void check_iscsi_lun(struct lint_ctx *c, const char *file, const char *spec)
{
	const char *at = strrchr(spec, '@');
	const char *t = strstr(at ? at : spec, ":iqn.");
	if (!t)
		return;
	const char *l = t;
	while (l > spec && l[-1] != ':' && l[-1] != '@')
		l--;
	long lun = (l == t) ? 0 : strtol(l, NULL, 10); /* an empty field defaults to 0 */
	if (c->s->iscsi_target == TARGET_TGT && lun == 0)
		problems_add(c->ps, PROBLEM_ERROR, file, 1, NULL, "root",
			     "names iSCSI LUN 0, but tgt keeps LUN 0 for its controller and puts "
			     "the disk on LUN 1: the login works and no root is found (fix: LUN 1 "
			     "in the root=iscsi: field before the target name)");
	else if (c->s->iscsi_target == TARGET_LIO && lun != 0 && !any_lun_set(c->s))
		problems_add(c->ps, PROBLEM_ERROR, file, 1, NULL, "root",
			     "names iSCSI LUN %ld, but LIO numbers LUNs from 0 (fix: LUN 0)", lun);
}

static void cmdline_line(struct lint_ctx *c, const char *file, int line, char *text)
{
	if (line != 1)
		return;
	char *save = NULL;
	bool upper = false;
	for (char *w = strtok_r(text, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (!strncmp(w, "nfsroot=", 8))
			check_nfsroot(c, file, w);
		else if (!strncmp(w, "root=iscsi:", 11) || !strncmp(w, "netroot=iscsi:", 14))
			check_iscsi_lun(c, file, strchr(w, ':') + 1);
		else if (!strncmp(w, "root=PARTUUID=", 14) || !strncmp(w, "root=/dev/mmcblk", 16))
			problems_add(c->ps, PROBLEM_ERROR, file, line, NULL, "root",
				     "\"%s\" names the SD card, which a network-booted Pi does not "
				     "have (fix: root=UUID=… of the network root, or the iSCSI/NFS "
				     "root parameters)",
				     w + 5);
		upper |= !strncmp(w, "ISCSI_", 6);
	}
	if (upper)
		problems_add(c->ps, PROBLEM_NOTE, file, line, NULL, "ISCSI_",
			     "upper-case ISCSI_* words work only because the kernel passes them to "
			     "/init as environment; /etc/iscsi/iscsi.initramfs overrides them (the "
			     "documented forms are lower-case iscsi_*=)");
}

/* Spec §4 row 21: an fstab still naming the SD card stops the boot at "waiting for root". */
static void fstab_line(struct lint_ctx *c, const char *file, int line, char *text)
{
	char *t = str_trim(text);
	if (*t == '#' || !*t)
		return;
	if (strstr(t, "mmcblk") || !strncmp(t, "PARTUUID=", 9))
		problems_add(c->ps, PROBLEM_ERROR, file, line, NULL, "fstab",
			     "\"%s\" mounts a partition of the SD card, which a network-booted Pi "
			     "does not have (fix: delete the line, or mount the network root by "
			     "UUID)",
			     t);
}

static void lint_pi_files(struct lint_ctx *c)
{
	for (size_t i = 0; i < c->s->n_pis; i++) {
		const struct pi *p = &c->s->pis[i];
		char *dir = pi_tftp_dir_path(c->s, p);
		if (dir) {
			char *rel = xasprintf("%s/cmdline.txt", dir);
			char *path = lint_under_root(c->root, rel);
			each_line(c, path, cmdline_line);
			free(path);
			free(rel);
			free(dir);
		}
		if (c->s->root == ROOT_NFS && p->nfs_path) {
			char *rel = xasprintf("%s/etc/fstab", p->nfs_path);
			char *path = lint_under_root(c->root, rel);
			each_line(c, path, fstab_line);
			free(path);
			free(rel);
		}
	}
}

/* dhcpd reads dhcpd.conf only: an installed fragment nothing includes sends no Pi anything. */
static void dhcpd_included(struct lint_ctx *c)
{
	if (c->s->dhcp != DHCP_ISC || c->dhcpd_includes)
		return;
	char *frag = lint_under_root(c->root, RENDER_DHCPD_FRAGMENT);
	char *conf = lint_under_root(c->root, RENDER_DHCPD_CONF);
	if (access(frag, F_OK) == 0)
		problems_add(c->ps, PROBLEM_ERROR, conf, 0, NULL, "include",
			     "%s does not include " RENDER_DHCPD_FRAGMENT ", so dhcpd never reads "
			     "the Pis' hosts and boot options and no Pi gets a boot offer (stage 2) "
			     "(fix: add the line '" RENDER_DHCPD_INCLUDE "' at the end of it, as "
			     "pinetboot apply does)",
			     access(conf, F_OK) == 0 ? "it" : "it is missing, so it");
	free(frag);
	free(conf);
}

void lint_installed(const struct site *s, const char *root, struct problems *ps)
{
	struct lint_ctx c = {.s = s, .root = root, .ps = ps};
	c.tgt_found = xcalloc(s->n_pis + 1, sizeof(bool));
	char *p = lint_under_root(root, "/etc/dnsmasq.conf");
	each_line(&c, p, dnsmasq_line);
	free(p);
	each_file_in(&c, "/etc/dnsmasq.d", NULL, dnsmasq_line);
	each_file_in(&c, "/etc/dhcp", ".conf", dhcpd_line);
	dhcp_verdicts(&c);
	dhcpd_included(&c);
	p = lint_under_root(root, "/etc/exports");
	each_line(&c, p, exports_line);
	free(p);
	each_file_in(&c, "/etc/exports.d", ".exports", exports_line);
	p = lint_under_root(root, "/etc/tgt/targets.conf");
	each_line(&c, p, tgt_line);
	free(p);
	each_file_in(&c, "/etc/tgt/conf.d", ".conf", tgt_line);
	tgt_missing(&c);
	p = lint_under_root(root, "/etc/default/tftpd-hpa");
	each_line(&c, p, tftpd_line);
	free(p);
	lint_pi_files(&c);
	lint_tftp_tree(s, root, ps);
	free(c.proxy_file);
	free(c.range_file);
	free(c.boot_file);
	free(c.tgt_file);
	free(c.tgt_found);
	problems_sort(ps);
}
