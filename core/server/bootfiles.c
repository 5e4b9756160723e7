/* bootfiles — kernel command line and config.txt, as the Pi's initramfs and firmware read them. */
#include "core/server/bootfiles.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
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

/* The model filters a board answers to. [pi4] covers the 400 and the CM4, [pi5] the 500 and
 * the CM5, [pi3] every BCM2837 board but the 2B v1.2, which is a [pi2]. */
static bool model_filter_matches(const char *f, enum pi_model m)
{
	static const struct {
		enum pi_model m;
		const char *filters;
	} tab[] = {
	    {PI_2B, " pi2 "},
	    {PI_3B, " pi3 "},
	    {PI_3BPLUS, " pi3 pi3+ "},
	    {PI_3APLUS, " pi3 pi3+ "},
	    {PI_CM3, " pi3 cm3 "},
	    {PI_CM3PLUS, " pi3 cm3 cm3+ "},
	    {PI_4B, " pi4 "},
	    {PI_400, " pi4 pi400 "},
	    {PI_CM4, " pi4 cm4 "},
	    {PI_5, " pi5 "},
	    {PI_500, " pi5 pi500 "},
	    {PI_CM5, " pi5 cm5 "},
	};
	char key[16];
	if (strlen(f) > sizeof(key) - 3)
		return false;
	snprintf(key, sizeof(key), " %s ", f);
	for (char *k = key; *k; k++)
		*k = (char)tolower((unsigned char)*k);
	for (size_t i = 0; i < PNB_ARRAY_LEN(tab); i++)
		if (tab[i].m == m)
			return strstr(tab[i].filters, key) != NULL;
	return false;
}

static bool is_model_filter(const char *f)
{
	static const char *const names[] = {"pi0",   "pi0w", "pi02", "pi1",   "pi2",   "pi3",
					    "pi3+",  "pi4",  "pi400", "pi5",  "pi500", "cm1",
					    "cm3",   "cm3+", "cm4",   "cm4s", "cm5"};
	for (size_t i = 0; i < PNB_ARRAY_LEN(names); i++)
		if (!strcasecmp(f, names[i]))
			return true;
	return false;
}

/* The state of the conditional filters while reading. Each slot is 0 (no filter of that kind
 * open), 1 (open and matching) or -1 (open and not matching). */
struct filters {
	int model, serial, board, other;
	bool none;
};

static bool filters_apply(const struct filters *f)
{
	return !f->none && f->model >= 0 && f->serial >= 0 && f->board >= 0 && f->other >= 0;
}

static bool filters_open(const struct filters *f)
{
	return f->none || f->model || f->serial || f->board || f->other;
}

static void filter_enter(struct filters *f, const char *sec, const struct config_board *b)
{
	if (!strcasecmp(sec, "all")) {
		memset(f, 0, sizeof(*f));
	} else if (!strcasecmp(sec, "none")) {
		f->none = true;
	} else if (is_model_filter(sec)) {
		f->model = b && model_filter_matches(sec, b->model) ? 1 : -1;
	} else if (!strncasecmp(sec, "0x", 2)) {
		/* the serial filter compares the low 8 hex digits */
		const char *hex = sec + 2;
		size_t n = strlen(hex);
		bool ok = b && b->serial && n >= 8 && !strcasecmp(hex + n - 8, b->serial);
		f->serial = ok ? 1 : -1;
	} else if (!strncasecmp(sec, "board-type=", 11)) {
		unsigned long t = strtoul(sec + 11, NULL, 16);
		f->board = b && t == model_info(b->model)->rev_type ? 1 : -1;
	} else {
		/* [gpioN=…], [EDID=…], [HDMI:N], [tryboot], [partition=…]: what they test is not
		 * known here; the lines after them are taken as not applying */
		f->other = -1;
	}
}

/* "initramfs FILE[ followkernel|ADDR]": FILE */
static void initramfs_line(struct config_txt *ct, char *rest)
{
	char *f = str_trim(rest), *sp = strpbrk(f, " \t");
	if (sp)
		*sp = '\0';
	if (*f)
		set(&ct->initramfs, f);
}

void config_txt_parse(const char *text, const struct config_board *b, struct config_txt *ct)
{
	memset(ct, 0, sizeof(*ct));
	ct->arm_64bit = -1;
	char *copy = xstrdup(text), *save = NULL;
	struct filters f = {0};
	for (char *l = strtok_r(copy, "\r\n", &save); l; l = strtok_r(NULL, "\r\n", &save)) {
		char *hash = strchr(l, '#');
		if (hash)
			*hash = '\0';
		str_trim(l);
		size_t n = strlen(l);
		if (n > 2 && l[0] == '[' && l[n - 1] == ']') {
			l[n - 1] = '\0';
			filter_enter(&f, str_trim(l + 1), b);
			continue;
		}
		if (!*l || !filters_apply(&f))
			continue;
		char *eq = strchr(l, '=');
		if (!strncmp(l, "initramfs", 9) && (l[9] == ' ' || l[9] == '\t')) {
			initramfs_line(ct, l + 10);
			continue;
		}
		if (!eq)
			continue;
		*eq = '\0';
		char *key = str_trim(l), *val = str_trim(eq + 1);
		if (!strcmp(key, "kernel"))
			set(&ct->kernel, val);
		else if (!strcmp(key, "ramfsfile"))
			set(&ct->initramfs, val);
		else if (!strcmp(key, "start_file"))
			set(&ct->start_file, val);
		else if (!strcmp(key, "auto_initramfs"))
			ct->auto_initramfs = atoi(val) != 0;
		else if (!strcmp(key, "arm_64bit"))
			ct->arm_64bit = atoi(val) != 0;
	}
	ct->ends_filtered = filters_open(&f);
	free(copy);
}

void config_txt_done(struct config_txt *ct)
{
	free(ct->kernel);
	free(ct->initramfs);
	free(ct->start_file);
	memset(ct, 0, sizeof(*ct));
}

size_t config_txt_kernels(const struct config_txt *ct, enum pi_model m, const char *out[4])
{
	if (ct->kernel && *ct->kernel) {
		out[0] = ct->kernel;
		return 1;
	}
	const char *soc = model_info(m)->soc;
	size_t n = 0;
	if (!strcmp(soc, "BCM2712")) { /* 64-bit only; the generic arm64 kernel is the fallback */
		out[n++] = "kernel_2712.img";
		out[n++] = "kernel8.img";
	} else if (!strcmp(soc, "BCM2711")) {
		if (ct->arm_64bit != 0)
			out[n++] = "kernel8.img";
		if (ct->arm_64bit != 1) {
			out[n++] = "kernel7l.img";
			out[n++] = "kernel7.img";
		}
	} else {
		if (ct->arm_64bit == 1)
			out[n++] = "kernel8.img";
		else {
			out[n++] = "kernel7.img";
			if (ct->arm_64bit < 0)
				out[n++] = "kernel8.img";
			out[n++] = "kernel.img";
		}
	}
	return n;
}

char *config_txt_initramfs(const struct config_txt *ct, const char *kernel, bool *automatic)
{
	*automatic = false;
	if (ct->initramfs)
		return xstrdup(ct->initramfs);
	if (!ct->auto_initramfs || !kernel || strncmp(kernel, "kernel", 6) != 0 ||
	    !str_endswith(kernel, ".img"))
		return NULL;
	/* kernel8.img → initramfs8, kernel_2712.img → initramfs_2712, kernel.img → initramfs */
	*automatic = true;
	return xasprintf("initramfs%.*s", (int)(strlen(kernel) - 10), kernel + 6);
}

char *config_txt_kernel_list(const char *const names[], size_t n)
{
	struct sbuf b;
	sbuf_init(&b);
	for (size_t i = 0; i < n; i++)
		sbuf_printf(&b, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", names[i]);
	return sbuf_take(&b);
}

static bool has_line(const char *text, size_t len, const char *line, size_t n)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (l == n && memcmp(p, line, n) == 0)
			return true;
		p += l + 1;
	}
	return false;
}

char *config_txt_merge(const char *old, size_t old_len, const char *add, size_t *out_len)
{
	struct sbuf b, pending;
	sbuf_init(&b);
	sbuf_init(&pending);
	sbuf_addn(&b, old, old_len);
	char *text = xstrndup(old, old_len);
	struct config_txt ct;
	config_txt_parse(text, NULL, &ct);
	free(text);
	bool need_all = ct.ends_filtered, added = false;
	config_txt_done(&ct);
	for (const char *p = add; *p;) {
		size_t l = strcspn(p, "\n");
		bool comment = p[0] == '#';
		if (l > 0 && comment) {
			sbuf_addn(&pending, p, l); /* kept only if a setting follows */
			sbuf_addc(&pending, '\n');
		} else if (l > 0 && !has_line(old, old_len, p, l)) {
			if (b.len > 0 && b.buf[b.len - 1] != '\n')
				sbuf_addc(&b, '\n');
			if (need_all && !added)
				sbuf_add(&b, "[all]\n");
			if (pending.len)
				sbuf_addn(&b, pending.buf, pending.len);
			sbuf_addn(&b, p, l);
			sbuf_addc(&b, '\n');
			added = true;
		}
		if (!comment && l > 0)
			sbuf_reset(&pending);
		p += l + (p[l] == '\n');
	}
	sbuf_done(&pending);
	*out_len = b.len;
	return sbuf_take(&b);
}

char *config_txt_profile_lines(const struct pi *p)
{
	struct sbuf b;
	sbuf_init(&b);
	if (p->kernel)
		sbuf_printf(&b, "# pinetboot: the kernel [pi \"%s\"] names\nkernel=%s\n", p->name,
			    p->kernel);
	if (p->config_extra)
		sbuf_printf(&b, "# pinetboot: config_extra of [pi \"%s\"]\n%s\n", p->name,
			    p->config_extra);
	if (p->initramfs)
		sbuf_printf(&b,
			    "# pinetboot: the initramfs [pi \"%s\"] names (it reaches the network "
			    "root)\ninitramfs %s followkernel\n",
			    p->name, p->initramfs);
	if (!b.len)
		sbuf_add(&b, "");
	return sbuf_take(&b);
}
