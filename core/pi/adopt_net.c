/* adopt_net — the copy's network managers keep eth0, the root's link (see adopt_net.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "core/base/fsutil.h"
#include "core/base/util.h"
#include "core/pi/adopt_net.h"
#include "core/pi/adopt_verify.h"

/* Config files this big are not a Pi's: left alone. */
#define NET_FILE_MAX (1u << 20)

static void say(adopt_net_say fn, void *ud, bool warn, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void say(adopt_net_say fn, void *ud, bool warn, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *t = xvasprintf(fmt, ap);
	va_end(ap);
	fn(ud, warn, t);
	free(t);
}

/* The names in directory rel beneath root ending in suffix (not hidden), sorted; *n of them.
 * A directory that is missing or a link (merged /usr's /lib) gives none. Heap (strv_free). */
static char **list_dir(const char *root, const char *rel, const char *suffix, size_t *n)
{
	*n = 0;
	char **v = NULL;
	int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int dfd = rootfd < 0 ? -1 : fs_open_dir_beneath(rootfd, rel, false, 0);
	DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
	if (!d && dfd >= 0)
		close(dfd);
	for (struct dirent *e; d && (e = readdir(d));) {
		if (e->d_name[0] == '.' || !str_endswith(e->d_name, suffix) ||
		    strlen(e->d_name) == strlen(suffix) || strlen(e->d_name) > 200)
			continue;
		v = xrealloc(v, (*n + 1) * sizeof(*v));
		v[(*n)++] = xstrdup(e->d_name);
	}
	if (d)
		closedir(d);
	if (rootfd >= 0)
		close(rootfd);
	for (size_t i = 1; i < *n; i++) /* insertion sort: a handful of names */
		for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			char *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v;
}

static bool in_list(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

/* fnmatch of an interface-name pattern: one longer than 64 is no name's (and many stars in a
 * long pattern would make fnmatch backtrack for ages). */
static bool glob_fits(const char *pattern, const char *s)
{
	return strlen(pattern) <= 64 && fnmatch(pattern, s, 0) == 0;
}

/* ---- NetworkManager, dhcpcd, ifupdown ---- */

static int keep_nm(const char *root, adopt_net_say fn, void *ud)
{
	struct stat st;
	if (fs_lstat_beneath(root, "etc/NetworkManager", &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	static const char conf[] =
	    "# pinetboot adopt: the root is on the network over eth0; NetworkManager must not\n"
	    "# take the link down to configure it again (the root would hang).\n"
	    "[keyfile]\nunmanaged-devices=interface-name:eth0\n";
	if (fs_write_beneath(root, ADOPT_NET_NM_FILE, conf, strlen(conf), 0644) < 0) {
		say(fn, ud, true, "cannot write /%s in the copy: %s", ADOPT_NET_NM_FILE,
		    strerror(errno));
		return 0;
	}
	say(fn, ud, false, "NetworkManager in the copy leaves eth0 alone");
	return 1;
}

static int keep_dhcpcd(const char *root, adopt_net_say fn, void *ud)
{
	size_t len;
	char *t = fs_read_beneath(root, "etc/dhcpcd.conf", NET_FILE_MAX, &len);
	if (!t)
		return 0;
	int r = 1;
	if (!strstr(t, "\ndenyinterfaces eth0")) { /* else an earlier run's */
		/* appended to the text read above (not read again) */
		char *data = xasprintf(
		    "%s\n# pinetboot adopt: eth0 carries the root\ndenyinterfaces eth0\n", t);
		r = fs_write_beneath(root, "etc/dhcpcd.conf", data, strlen(data), 0644) == 0;
		if (r)
			say(fn, ud, false, "dhcpcd in the copy leaves eth0 alone");
		free(data);
	}
	free(t);
	return r;
}

/* rel beneath root through adopt_ifupdown_manual: 1 when it was changed, 2 when an earlier
 * run did, else 0. */
static int ifupdown_file(const char *root, const char *rel)
{
	size_t len;
	char *t = fs_read_beneath(root, rel, NET_FILE_MAX, &len);
	char *n = t ? adopt_ifupdown_manual(t) : NULL;
	int r = 0;
	if (n)
		r = fs_write_beneath(root, rel, n, strlen(n), 0644) == 0 ? 1 : 0;
	else if (t && strstr(t, "# pinetboot adopt: was \"iface eth0"))
		r = 2;
	free(t);
	free(n);
	return r;
}

static int keep_ifupdown(const char *root, adopt_net_say fn, void *ud)
{
	int nif = ifupdown_file(root, "etc/network/interfaces");
	size_t n;
	char **v = list_dir(root, "etc/network/interfaces.d", "", &n);
	for (size_t i = 0; i < n; i++) {
		char *rel = xasprintf("etc/network/interfaces.d/%s", v[i]);
		nif |= ifupdown_file(root, rel);
		free(rel);
	}
	strv_free(v, n);
	if (nif & 1)
		say(fn, ud, false,
		    "ifupdown in the copy leaves eth0 alone (iface eth0 inet manual)");
	return nif ? 1 : 0;
}

/* ---- netplan ---- */

static yaml_node_t *map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		if (k && k->type == YAML_SCALAR_NODE && k->data.scalar.length == strlen(key) &&
		    !memcmp(k->data.scalar.value, key, k->data.scalar.length))
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

/* A scalar's text (heap), or NULL when node is not a scalar or holds a NUL. */
static char *scalar(yaml_node_t *n)
{
	if (!n || n->type != YAML_SCALAR_NODE ||
	    memchr(n->data.scalar.value, '\0', n->data.scalar.length))
		return NULL;
	return xstrndup((const char *)n->data.scalar.value, n->data.scalar.length);
}

/* A netplan id that can be written back as a plain YAML key. */
static bool plain_id(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");
	return n > 0 && n <= 64 && !s[n] && s[0] != '-' && s[0] != '.';
}

/* Whether text is YAML no deeper than 32 collections in at most 100,000 events. libyaml scans a
 * flow collection nested n deep in time n squared (half a million brackets: half an hour), so
 * a hostile file is read event by event first and dropped at the 33rd level; a netplan file
 * has about five. */
static bool yaml_shallow(const char *text, size_t len)
{
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p))
		return false;
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	int depth = 0;
	bool ok = false;
	for (long n = 0; n < 100000; n++) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev))
			break;
		yaml_event_type_t t = ev.type;
		yaml_event_delete(&ev);
		if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT)
			depth++;
		else if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT)
			depth--;
		if (depth > 32)
			break;
		if (t == YAML_STREAM_END_EVENT) {
			ok = true;
			break;
		}
	}
	yaml_parser_delete(&p);
	return ok;
}

/* The ids of text's network.ethernets entries that are eth0: the id itself (without a match
 * that names something else), set-name: eth0, or a match name that eth0 fits. Added to *ids
 * (heap, strv_free) once each. -1 when text is no YAML libyaml reads (or too deep). */
static int netplan_ids(const char *text, size_t len, char ***ids, size_t *n)
{
	yaml_parser_t p;
	yaml_document_t doc;
	if (!yaml_shallow(text, len) || !yaml_parser_initialize(&p))
		return -1;
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	int rc = yaml_parser_load(&p, &doc) ? 0 : -1;
	yaml_parser_delete(&p);
	if (rc < 0)
		return -1;
	yaml_node_t *eths =
	    map_get(&doc, map_get(&doc, yaml_document_get_root_node(&doc), "network"), "ethernets");
	for (yaml_node_pair_t *e =
		 eths && eths->type == YAML_MAPPING_NODE ? eths->data.mapping.pairs.start : NULL;
	     e && e < eths->data.mapping.pairs.top; e++) {
		char *id = scalar(yaml_document_get_node(&doc, e->key));
		yaml_node_t *def = yaml_document_get_node(&doc, e->value);
		char *set_name = scalar(map_get(&doc, def, "set-name"));
		char *mname = scalar(map_get(&doc, map_get(&doc, def, "match"), "name"));
		bool is = id && def && def->type == YAML_MAPPING_NODE &&
			  ((set_name && !strcmp(set_name, "eth0")) ||
			   (mname && glob_fits(mname, "eth0")) ||
			   (!mname && !set_name && !strcmp(id, "eth0")));
		if (is && plain_id(id) && !in_list(*ids, *n, id)) {
			*ids = xrealloc(*ids, (*n + 1) * sizeof(**ids));
			(*ids)[(*n)++] = id; /* now *ids' */
			id = NULL;
		}
		free(id);
		free(set_name);
		free(mname);
	}
	yaml_document_delete(&doc);
	return 0;
}

static int keep_netplan(const char *root, adopt_net_say fn, void *ud)
{
	static const char *const dirs[] = {"etc/netplan", "usr/lib/netplan", "lib/netplan"};
	const char *mine = strrchr(ADOPT_NET_NETPLAN_FILE, '/') + 1;
	char **ids = NULL;
	size_t nids = 0, nfiles = 0;
	for (size_t d = 0; d < PNB_ARRAY_LEN(dirs); d++) {
		size_t n;
		char **v = list_dir(root, dirs[d], ".yaml", &n);
		for (size_t i = 0; i < n; i++) {
			if (d == 0 && !strcmp(v[i], mine))
				continue; /* an earlier run's */
			char *rel = xasprintf("%s/%s", dirs[d], v[i]);
			size_t len;
			char *t = fs_read_beneath(root, rel, NET_FILE_MAX, &len);
			nfiles++;
			if (!t || netplan_ids(t, len, &ids, &nids) < 0)
				say(fn, ud, true,
				    "netplan: /%s in the copy could not be read as YAML: left as "
				    "it is",
				    rel);
			free(t);
			free(rel);
		}
		strv_free(v, n);
	}
	if (!nfiles)
		return 0;
	if (!nids) {
		say(fn, ud, true,
		    "netplan in the copy has no ethernets entry for eth0: nothing marked critical "
		    "(if networkd manages eth0 some other way it may drop the root's address)");
		return 0;
	}
	struct sbuf b;
	sbuf_init(&b);
	sbuf_add(
	    &b, "# pinetboot adopt: the root is on the network over eth0. critical: networkd keeps "
		"the\n"
		"# address and routes the initramfs gave eth0 (KeepConfiguration=); without it, a\n"
		"# restart or an expired lease drops them and the root hangs.\n"
		"network:\n  version: 2\n  ethernets:\n");
	for (size_t i = 0; i < nids; i++)
		sbuf_printf(&b, "    %s:\n      critical: true\n", ids[i]);
	/* 0600: netplan warns about configuration others can read */
	int rc = fs_write_beneath(root, ADOPT_NET_NETPLAN_FILE, b.buf, b.len, 0600);
	if (rc < 0)
		say(fn, ud, true, "cannot write /%s in the copy: %s", ADOPT_NET_NETPLAN_FILE,
		    strerror(errno));
	else
		say(fn, ud, false,
		    "netplan in the copy keeps eth0's address (critical: true for %s%s)", ids[0],
		    nids > 1 ? " and more" : "");
	sbuf_done(&b);
	strv_free(ids, nids);
	return rc < 0 ? 0 : 1;
}

/* ---- systemd-networkd ---- */

/* Whether a .network file's [Match] can pick eth0, a wired link with no kind. */
struct match {
	bool out;      /* a condition rules eth0 out */
	bool name_pos; /* Name= lists patterns ... */
	bool name_hit; /* ... and eth0 fits one */
};

/* Whether the value (a space-separated list of globs, "!" before it inverts) admits s. */
static bool list_admits(const char *value, const char *s)
{
	bool inv = value[0] == '!';
	char *v = xstrdup(value + inv), *save = NULL;
	bool hit = false;
	for (char *w = strtok_r(v, " \t", &save); w && !hit; w = strtok_r(NULL, " \t", &save))
		hit = glob_fits(w, s);
	free(v);
	return inv ? !hit : hit;
}

static int match_cb(void *user, const char *section, const char *name, const char *value)
{
	struct match *m = user;
	if (strcmp(section, "Match") != 0 || !*value)
		return 1;
	if (!strcmp(name, "Name")) {
		if (value[0] == '!')
			m->out |= !list_admits(value, "eth0");
		else {
			m->name_pos = true;
			m->name_hit |= list_admits(value, "eth0");
		}
	} else if (!strcmp(name, "Type"))
		m->out |= !list_admits(value, "ether");
	else if (!strcmp(name, "Kind") || !strcmp(name, "WLANInterfaceType") ||
		 !strcmp(name, "SSID") || !strcmp(name, "BSSID"))
		/* eth0 has no kind and is no wireless link: only a negated list admits it */
		m->out |= value[0] != '!';
	/* MACAddress=, Driver=, Path=, Host=, Virtualization=...: cannot be told here, may match */
	return 1;
}

/* The version of the copy's systemd (the number in libsystemd-shared-NNN.so), 0 unknown. */
static int systemd_version(const char *root)
{
	static const char *const dirs[] = {"usr/lib/systemd", "lib/systemd"};
	int best = 0;
	for (size_t d = 0; d < PNB_ARRAY_LEN(dirs); d++) {
		size_t n;
		char **v = list_dir(root, dirs[d], ".so", &n);
		for (size_t i = 0; i < n; i++) {
			int ver;
			char tail[4];
			if (sscanf(v[i], "libsystemd-shared-%d%3s", &ver, tail) == 2 &&
			    !strcmp(tail, ".so") && ver > best && ver < 10000)
				best = ver;
		}
		strv_free(v, n);
	}
	return best;
}

static int keep_networkd(const char *root, adopt_net_say fn, void *ud)
{
	/* lexical order across the directories, the same name in /etc replacing the others */
	static const char *const dirs[] = {"etc/systemd/network", "usr/lib/systemd/network",
					   "lib/systemd/network"};
	char **seen = NULL, **hits = NULL;
	size_t nseen = 0, nhits = 0;
	for (size_t d = 0; d < PNB_ARRAY_LEN(dirs); d++) {
		size_t n;
		char **v = list_dir(root, dirs[d], ".network", &n);
		for (size_t i = 0; i < n; i++) {
			if (in_list(seen, nseen, v[i]))
				continue;
			seen = xrealloc(seen, (nseen + 1) * sizeof(*seen));
			seen[nseen++] = xstrdup(v[i]);
			char *rel = xasprintf("%s/%s", dirs[d], v[i]);
			size_t len;
			/* a link (masked: /dev/null) or an empty file is no configuration */
			char *t = fs_read_beneath(root, rel, NET_FILE_MAX, &len);
			struct match m = {0};
			if (t && len > 0 && !memchr(t, '\0', len)) {
				ini_parse_string(t, match_cb, &m);
				if (!m.out && (!m.name_pos || m.name_hit)) {
					hits = xrealloc(hits, (nhits + 1) * sizeof(*hits));
					hits[nhits++] = xstrdup(v[i]);
				}
			}
			free(t);
			free(rel);
		}
		strv_free(v, n);
	}
	strv_free(seen, nseen);
	if (!nhits)
		return 0;
	int ver = systemd_version(root);
	/* KeepConfiguration= came in systemd 243; before, [DHCP] CriticalConnection= */
	const char *body = ver > 0 && ver < 243 ? "[DHCP]\nCriticalConnection=yes\n"
						: "[Network]\nKeepConfiguration=yes\n";
	char *text = xasprintf(
	    "# pinetboot adopt: the root is on the network over eth0; systemd-networkd must keep\n"
	    "# the address and routes the initramfs gave it (dropping them hangs the root).\n%s",
	    body);
	int done = 0;
	for (size_t i = 0; i < nhits; i++) {
		char *rel = xasprintf("etc/systemd/network/%s.d/%s", hits[i], ADOPT_NET_DROPIN);
		if (fs_write_beneath(root, rel, text, strlen(text), 0644) == 0)
			done++;
		else
			say(fn, ud, true, "cannot write /%s in the copy: %s", rel, strerror(errno));
		free(rel);
	}
	if (done)
		say(fn, ud, false,
		    "systemd-networkd in the copy keeps eth0's address (%s in a drop-in for %s%s)",
		    ver > 0 && ver < 243 ? "CriticalConnection=yes" : "KeepConfiguration=yes",
		    hits[0], nhits > 1 ? " and the other .network files that can match eth0" : "");
	free(text);
	strv_free(hits, nhits);
	return done ? 1 : 0;
}

const char *adopt_net_change(const char *manager)
{
	static const char *const change[][2] = {
	    {"NetworkManager", "eth0 unmanaged (conf.d)"},
	    {"dhcpcd", "denyinterfaces eth0"},
	    {"ifupdown", "iface eth0 inet manual"},
	    {"netplan", "critical: true on eth0"},
	    {"systemd-networkd", "KeepConfiguration=yes drop-ins for eth0's .network"},
	};
	for (size_t i = 0; i < PNB_ARRAY_LEN(change); i++)
		if (!strcmp(change[i][0], manager))
			return change[i][1];
	return NULL;
}

int adopt_net_keep_eth0(const char *root, adopt_net_say fn, void *ud)
{
	return keep_nm(root, fn, ud) + keep_dhcpcd(root, fn, ud) + keep_ifupdown(root, fn, ud) +
	       keep_netplan(root, fn, ud) + keep_networkd(root, fn, ud);
}
