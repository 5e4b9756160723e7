/* profile_validate — checks that need more than one value: required keys, the server's subnet
 * against the range, router and Pi addresses, model capabilities against the TFTP prefix, and
 * values that must differ between Pis (MAC, serial, IQNs, backing files, addresses). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/site/dhcp_option.h"
#include "core/site/profile_priv.h"
#include "core/site/tftp_dir.h"
#include "core/base/util.h"

static int line_or(int line, int fallback)
{
	return line ? line : fallback;
}

static bool in_subnet(const struct site *s, uint32_t a)
{
	uint32_t m = ipv4_netmask(s->prefix_len);
	return (a & m) == (s->address & m);
}

static bool is_net_or_bcast(const struct site *s, uint32_t a)
{
	uint32_t m = ipv4_netmask(s->prefix_len);
	return (a & ~m) == 0 || (a & ~m) == ~m;
}

static bool full_dhcp(const struct site *s)
{
	return s->dhcp == DHCP_FULL || s->dhcp == DHCP_ISC || s->dhcp == DHCP_KEA;
}

/* The DHCP range the address checks compare with; false when they do not apply (the server
 * has no address yet). */
static bool dhcp_range_of(const struct site *s, uint32_t *lo, uint32_t *hi)
{
	if (!s->address)
		return false;
	site_dhcp_range(s, lo, hi);
	return true;
}

/* Where a lies: 0 a host address in the server's subnet, 1 outside it, 2 its network or
 * broadcast address. */
static int subnet_fault(const struct site *s, uint32_t a)
{
	return !in_subnet(s, a) ? 1 : is_net_or_bcast(s, a) ? 2 : 0;
}

#define SERVER_ERR(key, ...) \
	problems_add(ps, PROBLEM_ERROR, s->path, line_or(s->key_line[key], s->line), "[server]", \
		     profile_server_key_names[key], __VA_ARGS__)
#define SERVER_WARN(key, ...) \
	problems_add(ps, PROBLEM_WARNING, s->path, line_or(s->key_line[key], s->line), \
		     "[server]", profile_server_key_names[key], __VA_ARGS__)

static void validate_dhcp(const struct site *s, struct problems *ps)
{
	char a[16], b[16];
	if (!full_dhcp(s)) {
		static const enum profile_server_key only_full[] = {SK_RANGE, SK_ROUTER, SK_DNS};
		for (size_t i = 0; i < PNB_ARRAY_LEN(only_full); i++)
			if (s->key_line[only_full[i]])
				SERVER_WARN(only_full[i], "is used only when dhcp = full, isc or kea "
							  "(dhcp is %s here, so it is ignored)",
					    dhcp_mode_names[s->dhcp]);
		return;
	}
	uint32_t lo, hi;
	if (!dhcp_range_of(s, &lo, &hi))
		return;
	int flo = s->range_start ? subnet_fault(s, lo) : 0;
	int fhi = s->range_start ? subnet_fault(s, hi) : 0;
	if (flo == 1 || fhi == 1)
		SERVER_ERR(SK_RANGE, "lies outside the server's subnet (expected addresses inside "
				     "the subnet of address)");
	else if (flo || fhi)
		SERVER_ERR(SK_RANGE, "includes the network or broadcast address (expected host "
				     "addresses only)");
	else if (s->address >= lo && s->address <= hi) {
		ipv4_format(s->address, a);
		ipv4_format(lo, b);
		if (s->range_start)
			SERVER_ERR(SK_RANGE, "contains the server's own address %s (expected a range "
					     "that leaves it out)",
				   a);
		else
			SERVER_ERR(SK_ADDRESS, "%s lies inside the DHCP range derived from the subnet "
					       "(%s-…), which would hand it out (fix: set range = FIRST-LAST "
					       "without it)",
				   a, b);
	}
	if (s->router && !in_subnet(s, s->router)) {
		ipv4_format(s->router, a);
		SERVER_ERR(SK_ROUTER, "%s is outside the server's subnet (expected a gateway the "
				      "Pis can reach directly)",
			   a);
	} else if (s->router && s->router >= lo && s->router <= hi) {
		ipv4_format(lo, a);
		ipv4_format(hi, b);
		SERVER_ERR(SK_ROUTER, "lies inside the DHCP range %s-%s (expected an address "
				      "outside it)",
			   a, b);
	}
}

static void validate_server(const struct site *s, struct problems *ps)
{
	/* A loaded file without a [server] section already says so; its keys are not "missing"
	 * one by one. */
	bool server_absent = s->path && !s->line;
	if (server_absent)
		return;
	if (!s->key_line[SK_INTERFACE] && s->interface[0] == '\0')
		problems_add(ps, PROBLEM_ERROR, s->path, s->line, "[server]", "interface",
			     "is missing (expected the interface the Pis are on, e.g. eth0)");
	if (!s->address && !s->key_line[SK_ADDRESS])
		problems_add(ps, PROBLEM_ERROR, s->path, s->line, "[server]", "address",
			     "is missing (expected the server's address with prefix, e.g. "
			     "192.168.20.1/24)");
	validate_dhcp(s, ps);
	if (s->key_line[SK_REPLY_DELAY] && s->dhcp != DHCP_PROXY)
		SERVER_WARN(SK_REPLY_DELAY, "is used only when dhcp = proxy (ignored here)");
	if (s->root == ROOT_NFS) {
		static const enum profile_server_key iscsi_only[] = {SK_ISCSI_TARGET, SK_INITRAMFS,
								     SK_ISCSI_PORTAL};
		for (size_t i = 0; i < PNB_ARRAY_LEN(iscsi_only); i++)
			if (s->key_line[iscsi_only[i]])
				SERVER_WARN(iscsi_only[i], "is used only when root = iscsi (root is "
							   "nfs here, so it is ignored)");
	} else if (s->key_line[SK_NFS_ROOT]) {
		SERVER_WARN(SK_NFS_ROOT, "is used only when root = nfs (ignored here)");
	}
	if (s->tftp_root && s->nfs_root && s->root == ROOT_NFS && !strcmp(s->tftp_root, s->nfs_root))
		SERVER_ERR(SK_NFS_ROOT, "is the same directory as tftp_root (expected separate "
					"directories: every file under tftp_root is readable by "
					"anyone over TFTP)");
}

/* Path a is b or below it. */
static bool path_within(const char *a, const char *b)
{
	size_t n = strlen(b);
	while (n > 1 && b[n - 1] == '/')
		n--;
	return strncmp(a, b, n) == 0 && (a[n] == '/' || a[n] == '\0');
}

#define PI_ERR(key, ...) \
	problems_add(ps, PROBLEM_ERROR, s->path, line_or(p->key_line[key], p->line), label, \
		     profile_pi_key_names[key], __VA_ARGS__)
#define PI_WARN(key, ...) \
	problems_add(ps, PROBLEM_WARNING, s->path, line_or(p->key_line[key], p->line), label, \
		     profile_pi_key_names[key], __VA_ARGS__)

static void validate_model(const struct site *s, const struct pi *p, const char *label,
			   struct problems *ps)
{
	const struct pi_model_info *mi = model_info(p->model);
	if (!p->key_line[PK_MODEL])
		problems_add(ps, PROBLEM_ERROR, s->path, p->line, label, "model",
			     "is missing (expected one of %s)", model_names_list());
	else if (p->model != PI_MODEL_UNKNOWN && mi->enable == NETBOOT_NEVER)
		PI_ERR(PK_MODEL, "the %s has no Ethernet port and cannot boot from the network "
				 "(expected a model that can: 2B, 3B, 3B+, CM3, CM3+, 4B, 400, CM4, "
				 "5, 500 or CM5)",
		       mi->long_name);
	else if (p->model != PI_MODEL_UNKNOWN && !mi->ethernet)
		problems_add(ps, PROBLEM_NOTE, s->path, p->key_line[PK_MODEL], label, "model",
			     "the %s has no Ethernet of its own; it netboots only on a carrier "
			     "board with a LAN951x chip",
			     mi->long_name);
}

static void validate_prefix(const struct site *s, const struct pi *p, const char *label,
			    struct problems *ps)
{
	const struct pi_model_info *mi = model_info(p->model);
	if (!p->key_line[PK_MAC] && !p->key_line[PK_SERIAL]) {
		problems_add(ps, PROBLEM_ERROR, s->path, p->line, label, NULL,
			     "has neither mac nor serial (expected at least one, to recognise "
			     "the Pi)");
		return;
	}
	if (p->prefix == TFTP_PREFIX_SERIAL && !p->key_line[PK_SERIAL] && p->has_mac)
		PI_ERR(PK_TFTP_PREFIX, "is serial but the Pi has no serial (add serial = … from "
				       "/proc/cpuinfo%s)",
		       mi->tftp_prefix_settable || p->model == PI_MODEL_UNKNOWN
			       ? ", or set tftp_prefix = mac"
			       : "; this model always looks for its serial directory");
	if (p->prefix == TFTP_PREFIX_MAC && !p->key_line[PK_MAC] && p->has_serial)
		PI_ERR(PK_TFTP_PREFIX, "is mac but the Pi has no mac (add mac = …)");
	if (p->prefix != TFTP_PREFIX_SERIAL && p->prefix != TFTP_PREFIX_NONE &&
	    p->model != PI_MODEL_UNKNOWN &&
	    !mi->tftp_prefix_settable)
		PI_ERR(PK_TFTP_PREFIX, "the %s always looks for its serial directory (expected "
				       "serial; only Pi 4/400/CM4/5/500/CM5 EEPROMs have "
				       "TFTP_PREFIX)",
		       mi->long_name);
	/* A Pi 3's MAC is b8:27:eb plus the low 24 bits of its serial. */
	if (model_is_pi3_family(p->model) && p->has_mac && p->has_serial && p->mac[0] == 0xb8 &&
	    p->mac[1] == 0x27 && p->mac[2] == 0xeb) {
		char tail[7];
		snprintf(tail, sizeof(tail), "%02x%02x%02x", p->mac[3], p->mac[4], p->mac[5]);
		if (strcmp(tail, p->serial + 2) != 0)
			PI_WARN(PK_MAC, "does not match serial %s (a Pi 3's MAC ends with the last 6 "
					"digits of its serial; one of them is probably mistyped)",
				p->serial);
	}
}

static void validate_ip(const struct site *s, const struct pi *p, const char *label,
			struct problems *ps)
{
	if (!p->ip)
		return;
	if (!full_dhcp(s)) {
		PI_WARN(PK_IP, "is used only when dhcp = full, isc or kea (in %s mode the "
			       "network's own DHCP server picks the Pi's address)",
			dhcp_mode_names[s->dhcp]);
		return;
	}
	uint32_t lo, hi;
	if (!dhcp_range_of(s, &lo, &hi))
		return;
	int fault = subnet_fault(s, p->ip);
	if (fault == 1)
		PI_ERR(PK_IP, "is outside the server's subnet (expected an address in the subnet "
			      "of [server] address)");
	else if (fault == 2)
		PI_ERR(PK_IP, "is the network or broadcast address of the subnet (expected a host "
			      "address)");
	else if (p->ip == s->address)
		PI_ERR(PK_IP, "is the server's own address (expected an address of its own)");
	else if (p->ip == s->router)
		PI_ERR(PK_IP, "is the router's address (expected an address of its own)");
	else if (p->ip >= lo && p->ip <= hi)
		PI_WARN(PK_IP, "lies inside the DHCP range, which may hand it to another client "
			       "first (fix: an address outside range)");
}

static void validate_root(const struct site *s, const struct pi *p, const char *label,
			  struct problems *ps)
{
	if (s->root == ROOT_NFS) {
		static const enum profile_pi_key iscsi_only[] = {PK_BACKING, PK_SIZE, PK_CHAP,
								 PK_INITIATOR, PK_TARGET,
								 PK_ISCSI_PORTAL, PK_LUN};
		for (size_t i = 0; i < PNB_ARRAY_LEN(iscsi_only); i++)
			if (p->key_line[iscsi_only[i]])
				PI_WARN(iscsi_only[i], "is used only when root = iscsi (root is nfs "
						       "here, so it is ignored)");
		if (p->nfs_path && s->tftp_root && path_within(p->nfs_path, s->tftp_root))
			PI_ERR(PK_NFS_PATH, "lies inside tftp_root %s (expected a directory outside "
					    "it: TFTP serves every file there to anyone)",
			       s->tftp_root);
		return;
	}
	if (p->key_line[PK_NFS_PATH])
		PI_WARN(PK_NFS_PATH, "is used only when root = nfs (ignored here)");
	if (p->backing && s->tftp_root && path_within(p->backing, s->tftp_root))
		PI_ERR(PK_BACKING, "lies inside tftp_root %s (expected a file outside it: TFTP "
				   "would serve the whole root disk to anyone)",
		       s->tftp_root);
	if (s->iscsi_target == TARGET_EXTERNAL) {
		/* the NAS owns the disk: pinetboot neither creates nor grows it */
		if (p->key_line[PK_BACKING])
			PI_WARN(PK_BACKING, "is not used with iscsi_target = external (the target "
					    "host owns the disk)");
	} else if (p->lun == 0 && s->iscsi_target == TARGET_TGT) {
		PI_ERR(PK_LUN, "is 0, which tgt keeps for its controller (expected 1 or more)");
	}
	for (int k = 0; k < p->n_dhcp_options; k++) {
		char isc[32];
		bool carried = s->dhcp != DHCP_NONE &&
			       ((s->dhcp != DHCP_ISC && s->dhcp != DHCP_KEA) ||
				dhcp_option_isc_name(atoi(p->dhcp_option[k]), isc, sizeof(isc)));
		if (!carried)
			PI_ERR(PK_DHCP_OPTION, "\"%s\" cannot be sent with dhcp = %s (expected "
					       "dnsmasq, dhcp = proxy or full; ISC dhcpd and Kea take "
					       "the text options 14, 17, 18, 40, 47, 64 and the "
					       "site-specific codes 224-254)",
			       p->dhcp_option[k], dhcp_mode_names[s->dhcp]);
	}
	if (p->initiator && p->target && iqn_equal(p->initiator, p->target))
		PI_ERR(PK_TARGET, "is the same name as the initiator (expected the target and the "
				  "initiator to have names of their own)");
}

/* ---- values that must differ between Pis ---- */

/* The value of key k that must be unique, as written to the file (heap), or NULL. */
static char *unique_value(const struct pi *p, enum profile_pi_key k)
{
	if (k == PK_TFTP_PREFIX && p->prefix != TFTP_PREFIX_STRING)
		return NULL; /* serial and mac directories differ by construction */
	return profile_pi_value(p, k);
}

static bool pi5_family(const struct pi *p)
{
	const char *f = model_info(p->model)->eeprom_family;
	return f && !strcmp(f, "2712");
}

/* A serial shared by two Pi 5s is the documented low-32-bit collision (EE#563): harmless when
 * neither Pi uses the serial directory, an error otherwise. */
static void report_serial_dup(const struct site *s, const struct pi *p, const struct pi *q,
			      const char *label, struct problems *ps)
{
	if (pi5_family(p) && pi5_family(q)) {
		bool harmless = p->prefix != TFTP_PREFIX_SERIAL && q->prefix != TFTP_PREFIX_SERIAL;
		problems_add(ps, harmless ? PROBLEM_WARNING : PROBLEM_ERROR, s->path,
			     line_or(p->key_line[PK_SERIAL], p->line), label, "serial",
			     "\"%s\" is also the serial of [pi \"%s\"] (line %d): a Pi 5 uses only "
			     "the low 32 bits of its serial, so two can collide%s",
			     p->serial, q->name, line_or(q->key_line[PK_SERIAL], q->line),
			     harmless ? "; both use another tftp_prefix, so they still boot"
				      : " (set tftp_prefix = mac on both)");
		return;
	}
	problems_add(ps, PROBLEM_ERROR, s->path, line_or(p->key_line[PK_SERIAL], p->line), label,
		     "serial", "\"%s\" is also used by [pi \"%s\"] (line %d) (expected each Pi to "
			       "have its own)",
		     p->serial, q->name, line_or(q->key_line[PK_SERIAL], q->line));
}

/* For a Pi 5, the earlier Pi 5 with the same serial if there is one (the collision to
 * explain), else q. */
static const struct pi *serial_partner(const struct site *s, const struct pi *p, size_t i,
				       const struct pi *q)
{
	if (!pi5_family(p))
		return q;
	for (size_t j = 0; j < i; j++)
		if (pi5_family(&s->pis[j]) && s->pis[j].has_serial &&
		    !strcmp(s->pis[j].serial, p->serial))
			return &s->pis[j];
	return q;
}

struct dup_rule {
	enum profile_pi_key key;
	bool case_fold;
	enum problem_severity sev;
	bool when_nfs, when_iscsi;
};

static const struct dup_rule dup_rules[] = {
	{PK_MAC, false, PROBLEM_ERROR, true, true},
	{PK_SERIAL, false, PROBLEM_ERROR, true, true},
	{PK_INITIATOR, true, PROBLEM_ERROR, false, true}, /* RFC 3722: one name in any case */
	{PK_TARGET, true, PROBLEM_ERROR, false, true},
	{PK_BACKING, false, PROBLEM_ERROR, false, true},
	{PK_NFS_PATH, false, PROBLEM_ERROR, true, false},
	{PK_IP, false, PROBLEM_ERROR, true, true},
	{PK_TFTP_PREFIX, true, PROBLEM_ERROR, true, true},
	{PK_HOSTNAME, true, PROBLEM_WARNING, true, true},
};

struct dup_entry {
	char *value;
	size_t index;
};

/* ctx points at the rule's case_fold (qsort_r passes it along; no global needed). */
static int dup_cmp(const void *x, const void *y, void *ctx)
{
	const struct dup_entry *a = x, *b = y;
	bool fold = *(const bool *)ctx;
	int c = fold ? strcasecmp(a->value, b->value) : strcmp(a->value, b->value);
	return c ? c : (a->index > b->index) - (a->index < b->index);
}

static void report_dup(const struct site *s, struct problems *ps, const struct dup_rule *r,
		       const struct pi *p, const struct pi *q, const char *va)
{
	char *label = profile_pi_label(p->name);
	if (r->key == PK_SERIAL)
		report_serial_dup(s, p, serial_partner(s, p, (size_t)(p - s->pis), q), label, ps);
	else
		problems_add(ps, r->sev, s->path, line_or(p->key_line[r->key], p->line), label,
			     profile_pi_key_names[r->key],
			     "\"%s\" is also used by [pi \"%s\"] (line %d) (expected each Pi to "
			     "have its own)",
			     va, q->name, line_or(q->key_line[r->key], q->line));
	free(label);
}

/* Sorts the values so a fleet of a thousand Pis costs n log n, then reports each repeat
 * against the first Pi (in file order) that has the value. */
static void dup_check(const struct site *s, struct problems *ps, const struct dup_rule *r)
{
	if ((s->root == ROOT_NFS && !r->when_nfs) || (s->root == ROOT_ISCSI && !r->when_iscsi))
		return;
	struct dup_entry *e = xmalloc((s->n_pis + 1) * sizeof(*e));
	size_t n = 0;
	for (size_t i = 0; i < s->n_pis; i++) {
		char *v = unique_value(&s->pis[i], r->key);
		if (v)
			e[n++] = (struct dup_entry){v, i};
	}
	bool fold = r->case_fold;
	qsort_r(e, n, sizeof(*e), dup_cmp, &fold);
	for (size_t g = 0; g < n;) {
		size_t end = g + 1;
		while (end < n && (r->case_fold ? strcasecmp(e[g].value, e[end].value)
						: strcmp(e[g].value, e[end].value)) == 0)
			end++;
		for (size_t k = g + 1; k < end; k++)
			report_dup(s, ps, r, &s->pis[e[k].index], &s->pis[e[g].index], e[k].value);
		g = end;
	}
	for (size_t i = 0; i < n; i++)
		free(e[i].value);
	free(e);
}

static int str_ptr_cmp(const void *x, const void *y)
{
	return strcmp((*(const struct pi *const *)x)->target, (*(const struct pi *const *)y)->target);
}

/* An initiator name that is another Pi's target name would let that Pi log in as the other. */
static void cross_iqn_check(const struct site *s, struct problems *ps)
{
	if (s->root != ROOT_ISCSI || s->n_pis < 2)
		return;
	const struct pi **by_target = xmalloc(s->n_pis * sizeof(*by_target));
	size_t n = 0;
	for (size_t i = 0; i < s->n_pis; i++)
		if (s->pis[i].target)
			by_target[n++] = &s->pis[i];
	qsort(by_target, n, sizeof(*by_target), str_ptr_cmp);
	for (size_t i = 0; i < s->n_pis; i++) {
		const struct pi *p = &s->pis[i];
		if (!p->initiator)
			continue;
		struct pi key = {.target = p->initiator};
		const struct pi *kp = &key;
		const struct pi **hit = bsearch(&kp, by_target, n, sizeof(*by_target), str_ptr_cmp);
		if (!hit || *hit == p)
			continue;
		char *label = profile_pi_label(p->name);
		PI_ERR(PK_INITIATOR, "\"%s\" is the target name of [pi \"%s\"] (expected "
				     "initiator and target names that differ)",
		       p->initiator, (*hit)->name);
		free(label);
	}
	free(by_target);
}

/* Two Pis may not share a TFTP directory (their cmdline.txt would overwrite each other): a
 * string: prefix can equal another Pi's serial or MAC directory. Checked here, where lint and
 * export both look (L3), with the names from core/site/tftp_dir; sorted, so 20,000 Pis stay
 * fast. */
struct dir_of {
	char name[PI_TFTP_DIR_MAX];
	size_t pi;
};

static int dir_of_cmp(const void *a, const void *b)
{
	const struct dir_of *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->pi > y->pi) - (x->pi < y->pi);
}

static void validate_tftp_dirs(const struct site *s, struct problems *ps)
{
	struct dir_of *d = xcalloc(s->n_pis ? s->n_pis : 1, sizeof(*d));
	size_t n = 0;
	for (size_t i = 0; i < s->n_pis; i++)
		if (pi_tftp_dir_name(&s->pis[i], d[n].name))
			d[n++].pi = i;
	qsort(d, n, sizeof(*d), dir_of_cmp);
	for (size_t k = 1; k < n; k++) {
		if (strcmp(d[k].name, d[k - 1].name) != 0)
			continue;
		const struct pi *p = &s->pis[d[k].pi], *q = &s->pis[d[k - 1].pi];
		char *label = profile_pi_label(p->name);
		if (!d[k].name[0]) /* two flat layouts: both Pis' files in the one TFTP root */
			problems_add(ps, PROBLEM_ERROR, s->path,
				     line_or(p->key_line[PK_TFTP_PREFIX], p->line), label,
				     "tftp_prefix",
				     "\"none\" (the TFTP root) is also [pi \"%s\"]'s layout, so their "
				     "cmdline.txt and config.txt would overwrite each other (expected at "
				     "most one Pi per server with tftp_prefix = none)",
				     q->name);
		else
			problems_add(ps, PROBLEM_ERROR, s->path,
				     line_or(p->key_line[PK_TFTP_PREFIX], p->line), label,
				     "tftp_prefix",
				     "TFTP directory \"%s\" is also [pi \"%s\"]'s (expected each Pi to "
				     "have its own)",
				     d[k].name, q->name);
		free(label);
	}
	free(d);
}

void profile_validate(const struct site *s, struct problems *ps)
{
	validate_server(s, ps);
	for (size_t i = 0; i < s->n_pis; i++) {
		const struct pi *p = &s->pis[i];
		char *label = profile_pi_label(p->name);
		validate_model(s, p, label, ps);
		validate_prefix(s, p, label, ps);
		validate_ip(s, p, label, ps);
		validate_root(s, p, label, ps);
		free(label);
	}
	for (size_t i = 0; i < PNB_ARRAY_LEN(dup_rules); i++)
		dup_check(s, ps, &dup_rules[i]);
	cross_iqn_check(s, ps);
	validate_tftp_dirs(s, ps);
}
