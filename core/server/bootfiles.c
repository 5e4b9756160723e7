/* bootfiles — kernel command line and config.txt, as the Pi's initramfs and firmware read them. */
#include "core/server/bootfiles.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/base/util.h"

static void set(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

/* Splits "a:b:[v6]:c" at colons outside brackets; returns the number of fields (≤ max). */
static int split_colons(char *s, char **f, int max)
{
	int n = 0, depth = 0;
	f[n++] = s;
	for (char *p = s; *p; p++) {
		if (*p == '[')
			depth++;
		else if (*p == ']')
			depth--;
		else if (*p == ':' && depth == 0 && n < max) {
			*p = '\0';
			f[n++] = p + 1;
		}
	}
	return n;
}

static bool is_iscsi_name(const char *s)
{
	return !strncmp(s, "iqn.", 4) || !strncmp(s, "eui.", 4) || !strncmp(s, "naa.", 4);
}

int bootparams_parse_iscsi_path(const char *path, struct boot_params *bp)
{
	char *copy = xstrdup(path), *rest = copy;
	char *at = strchr(copy, '@');
	if (at) {
		*at = '\0';
		char *auth[4];
		int na = split_colons(copy, auth, 4);
		if (na >= 2) {
			set(&bp->chap_user, auth[0]);
			set(&bp->chap_password, auth[1]);
		}
		rest = at + 1;
	}
	char *f[16];
	int n = split_colons(rest, f, 16), t = -1;
	for (int i = 1; i < n; i++)
		if (is_iscsi_name(f[i])) {
			t = i;
			break;
		}
	/* server:proto:port:lun:target, or dracut's server:proto:port:iface:netdev:lun:target */
	if (t < 4) {
		free(copy);
		return -1;
	}
	for (int i = t + 1; i < n; i++)
		f[i][-1] = ':'; /* the target name keeps its own colons */
	char *server = f[0];
	size_t sl = strlen(server);
	if (sl > 1 && server[0] == '[' && server[sl - 1] == ']') {
		server[sl - 1] = '\0';
		server++;
	}
	if (*server)
		set(&bp->portal, server);
	bp->port = *f[2] ? atoi(f[2]) : 3260;
	bp->lun = *f[t - 1] ? atoi(f[t - 1]) : 0;
	set(&bp->target, f[t]);
	bp->iscsi = true;
	free(copy);
	return 0;
}

/* initramfs-tools reads the lowercase iscsi_* words; the uppercase ISCSI_* forms reach /init as
 * environment variables and work too. dracut reads rd.iscsi.*. */
static const struct {
	const char *key;
	const char *flavour;
	size_t field;
} discrete[] = {
	{"iscsi_initiator", "initramfs-tools", offsetof(struct boot_params, initiator)},
	{"iscsi_target_name", "initramfs-tools", offsetof(struct boot_params, target)},
	{"iscsi_target_ip", "initramfs-tools", offsetof(struct boot_params, portal)},
	{"iscsi_username", "initramfs-tools", offsetof(struct boot_params, chap_user)},
	{"iscsi_password", "initramfs-tools", offsetof(struct boot_params, chap_password)},
	{"rd.iscsi.initiator", "dracut", offsetof(struct boot_params, initiator)},
	{"rd.iscsi.target.name", "dracut", offsetof(struct boot_params, target)},
	{"rd.iscsi.target.ip", "dracut", offsetof(struct boot_params, portal)},
	{"rd.iscsi.username", "dracut", offsetof(struct boot_params, chap_user)},
	{"rd.iscsi.password", "dracut", offsetof(struct boot_params, chap_password)},
};

static bool parse_discrete(struct boot_params *bp, const char *key, const char *val)
{
	for (size_t i = 0; i < PNB_ARRAY_LEN(discrete); i++) {
		if (strcasecmp(key, discrete[i].key) != 0)
			continue;
		set((char **)((char *)bp + discrete[i].field), val);
		bp->flavour = discrete[i].flavour;
		bp->iscsi = true;
		return true;
	}
	if (!strcasecmp(key, "iscsi_target_port") || !strcmp(key, "rd.iscsi.target.port")) {
		bp->port = atoi(val);
		return true;
	}
	return false;
}

static int parse_word(struct boot_params *bp, char *w, char **err)
{
	char *eq = strchr(w, '=');
	if (!eq)
		return 0;
	*eq = '\0';
	const char *key = w, *val = eq + 1;
	if (parse_discrete(bp, key, val))
		return 0;
	bool root = strcmp(key, "root") == 0, netroot = strcmp(key, "netroot") == 0;
	if ((root || netroot) && !strncmp(val, "iscsi:", 6)) {
		bp->flavour = netroot ? "dracut" : (bp->flavour ? bp->flavour : "rfc4173");
		if (bootparams_parse_iscsi_path(val + 6, bp) < 0) {
			if (*err)
				return -1; /* the first malformed word is the one reported */
			*err = xasprintf("%s=%s is not an iSCSI root path (expected "
					 "iscsi:SERVER:PROTO:PORT:LUN:TARGET-IQN)",
					 key, val);
			return -1;
		}
		return 0;
	}
	if (root)
		set(&bp->root, val);
	else if (!strcmp(key, "nfsroot"))
		set(&bp->nfsroot, val);
	else if (!strcmp(key, "ip"))
		set(&bp->ip, val);
	return 0;
}

int bootparams_parse(const char *cmdline, struct boot_params *bp, char **err)
{
	memset(bp, 0, sizeof(*bp));
	bp->port = 3260;
	bp->lun = -1;
	*err = NULL;
	char *copy = xstrdup(cmdline), *save = NULL;
	int rc = 0;
	for (char *w = strtok_r(copy, " \t\r\n", &save); w; w = strtok_r(NULL, " \t\r\n", &save))
		if (parse_word(bp, w, err) < 0 && rc == 0)
			rc = -1;
	free(copy);
	return rc;
}

bool bootparams_by_path(const char *path, struct iscsi_by_path *bp)
{
	static const char pre[] = "/dev/disk/by-path/ip-";
	memset(bp, 0, sizeof(*bp));
	if (!path || strncmp(path, pre, sizeof(pre) - 1) != 0)
		return false;
	const char *p = path + sizeof(pre) - 1, *iscsi = strstr(p, "-iscsi-");
	const char *lun = NULL;
	for (const char *q = strstr(p, "-lun-"); q; q = strstr(q + 1, "-lun-"))
		lun = q; /* the last one: an IQN may itself contain "-lun-" */
	if (!iscsi || !lun || lun < iscsi + 7 || (size_t)(iscsi - p) >= sizeof(bp->portal) ||
	    (size_t)(lun - iscsi - 7) >= sizeof(bp->target))
		return false;
	memcpy(bp->portal, p, (size_t)(iscsi - p));
	memcpy(bp->target, iscsi + 7, (size_t)(lun - iscsi - 7));
	char *end;
	bp->lun = (int)strtol(lun + 5, &end, 10);
	if (end == lun + 5)
		return false;
	if (!strncmp(end, "-part", 5))
		bp->part = (int)strtol(end + 5, &end, 10);
	return *end == '\0';
}

int bootparams_root_lun(const struct boot_params *bp)
{
	struct iscsi_by_path byp;
	if (bootparams_by_path(bp->root, &byp))
		return byp.lun;
	if (bp->root && (!strncasecmp(bp->root, "UUID=", 5) || !strncasecmp(bp->root, "PARTUUID=", 9) ||
			 !strncasecmp(bp->root, "LABEL=", 6)))
		return -1;
	return bp->lun < 0 ? 0 : bp->lun;
}

void bootparams_done(struct boot_params *bp)
{
	free(bp->root);
	free(bp->initiator);
	free(bp->target);
	free(bp->portal);
	free(bp->chap_user);
	free(bp->chap_password);
	free(bp->nfsroot);
	free(bp->ip);
	memset(bp, 0, sizeof(*bp));
}

static bool section_applies(const char *sec, const char *filter)
{
	if (!strcasecmp(sec, "all") || !strcasecmp(sec, "none"))
		return strcasecmp(sec, "all") == 0;
	if (filter && !strcasecmp(sec, filter))
		return true;
	/* [pi4] also covers the 400 and CM4 the way the firmware's model filters do */
	return filter && strlen(sec) == 3 && !strncasecmp(filter, sec, 3);
}

void config_txt_parse(const char *text, const char *filter, struct config_txt *ct)
{
	memset(ct, 0, sizeof(*ct));
	char *copy = xstrdup(text), *save = NULL;
	bool on = true;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(l, '#');
		if (hash)
			*hash = '\0';
		str_trim(l);
		size_t n = strlen(l);
		if (n > 2 && l[0] == '[' && l[n - 1] == ']') {
			l[n - 1] = '\0';
			on = section_applies(l + 1, filter);
			continue;
		}
		if (!on || !*l)
			continue;
		if (!strncmp(l, "initramfs", 9) && (l[9] == ' ' || l[9] == '\t')) {
			char *f = str_trim(l + 10), *sp = strpbrk(f, " \t");
			if (sp)
				*sp = '\0';
			set(&ct->initramfs, f);
		} else if (!strncmp(l, "kernel=", 7)) {
			set(&ct->kernel, str_trim(l + 7));
		} else if (!strncmp(l, "start_file=", 11)) {
			set(&ct->start_file, str_trim(l + 11));
		} else if (!strncmp(l, "auto_initramfs=", 15)) {
			ct->auto_initramfs = atoi(l + 15) != 0;
		}
	}
	free(copy);
}

void config_txt_done(struct config_txt *ct)
{
	free(ct->kernel);
	free(ct->initramfs);
	free(ct->start_file);
	memset(ct, 0, sizeof(*ct));
}
