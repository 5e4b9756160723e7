/* lio_merge — pinetboot's LIO objects merged into rtslib-fb's saveconfig.json (jansson). */
#include "core/server/lio_merge.h"

#include <stdbool.h>
#include <string.h>

#include <jansson.h>

#include "core/base/util.h"

/* "/backstores/PLUGIN/NAME", the path a LUN names its storage object by (rtslib's LUN.setup
 * splits it so), or NULL when so is not an object with string plugin and name. Heap. */
static char *so_path(json_t *so)
{
	const char *plugin = json_string_value(json_object_get(so, "plugin"));
	const char *name = json_string_value(json_object_get(so, "name"));
	return plugin && name ? xasprintf("/backstores/%s/%s", plugin, name) : NULL;
}

static const char *wwn_of(json_t *t)
{
	return json_string_value(json_object_get(t, "wwn"));
}

/* The storage_object path of every LUN of every TPG of target t, into the array paths. */
static void lun_paths(json_t *t, json_t *paths)
{
	size_t i, j;
	json_t *tpg, *lun;
	json_array_foreach(json_object_get(t, "tpgs"), i, tpg)
		json_array_foreach(json_object_get(tpg, "luns"), j, lun) {
			json_t *p = json_object_get(lun, "storage_object");
			if (json_is_string(p))
				json_array_append(paths, p);
		}
}

static bool has_string(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
		if (s && json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return true;
	return false;
}

/* The JSON array under key of obj: an absent key is an empty array (rtslib's .get(key, [])),
 * anything else than an array an error. */
/* what: "" for the existing file (the caller names it), else a prefix naming the text. */
static json_t *array_at(json_t *obj, const char *key, const char *what, char **err)
{
	json_t *a = json_object_get(obj, key);
	if (!a) {
		a = json_array();
		json_object_set_new(obj, key, a);
	}
	if (!json_is_array(a)) {
		*err = xasprintf("%s\"%s\" is not a list (expected rtslib-fb's saveconfig.json)",
				 what, key);
		return NULL;
	}
	return a;
}

static json_t *parse(const char *text, size_t len, const char *what, char **err)
{
	json_error_t je;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		*err = xasprintf("%sdoes not parse as JSON at line %d, column %d: %s (pinetboot "
				 "leaves it alone: fix or move it, then apply again)",
				 what, je.line, je.column, je.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		*err = xasprintf("%sis not a JSON object (expected rtslib-fb's saveconfig.json)",
				 what);
		json_decref(j);
		return NULL;
	}
	return j;
}

bool lio_blank(const char *s, size_t len)
{
	for (size_t i = 0; s && i < len; i++) /* a NUL byte is not blank: strchr finds the end */
		if (s[i] == '\0' || !strchr(" \t\r\n", s[i]))
			return false;
	return true;
}

struct ours {
	json_t *sos, *targets; /* the rendered arrays */
	json_t *so_paths;      /* their /backstores/… paths */
	json_t *wwns;          /* their IQNs */
};

/* Is existing target t pinetboot's? By iqn_base, or (an IQN the profile sets outside it) by
 * being what an earlier apply wrote: the rendered IQN with every LUN on a rendered backstore. */
static bool target_is_ours(json_t *t, const char *prefix, const struct ours *o)
{
	const char *wwn = wwn_of(t);
	if (!wwn)
		return false;
	if (strncmp(wwn, prefix, strlen(prefix)) == 0)
		return true;
	if (!has_string(o->wwns, wwn))
		return false;
	json_t *paths = json_array();
	lun_paths(t, paths);
	bool mine = json_array_size(paths) > 0;
	size_t i;
	json_t *p;
	json_array_foreach(paths, i, p)
		mine = mine && has_string(o->so_paths, json_string_value(p));
	json_decref(paths);
	return mine;
}

/* Drops pinetboot's targets from targets (their backstore paths into dropped_paths), keeps the
 * admin's (their paths into admin_paths). -1 with *err when an admin target has an IQN ours. */
static int sort_targets(json_t *targets, const char *prefix, const struct ours *o,
			json_t *dropped_paths, json_t *admin_paths, char **err)
{
	for (size_t i = 0; i < json_array_size(targets);) {
		json_t *t = json_array_get(targets, i);
		if (target_is_ours(t, prefix, o)) {
			lun_paths(t, dropped_paths);
			json_array_remove(targets, i);
			continue;
		}
		if (has_string(o->wwns, wwn_of(t))) {
			*err = xasprintf("target %s is already there and is not "
					 "pinetboot's (its LUNs are not on the Pi's backstore): pinetboot "
					 "will not replace it (remove it, or give the Pi another target "
					 "name)",
					 wwn_of(t));
			return -1;
		}
		lun_paths(t, admin_paths);
		i++;
	}
	return 0;
}

/* Drops the backstores pinetboot's old targets used and its own unused ones, keeps the
 * admin's; -1 with *err when a backstore pinetboot renders is the admin's. */
static int sort_sos(json_t *sos, const struct ours *o, json_t *dropped_paths, json_t *admin_paths,
		    char **err)
{
	for (size_t i = 0; i < json_array_size(sos);) {
		json_t *so = json_array_get(sos, i);
		char *path = so_path(so);
		bool admin_uses = has_string(admin_paths, path);
		bool ours_used = has_string(dropped_paths, path);
		bool we_render = has_string(o->so_paths, path);
		const char *why = NULL;
		if (admin_uses && (ours_used || we_render))
			why = "a target that is not pinetboot's uses it";
		else if (!admin_uses && !ours_used && we_render) {
			/* used by no target: pinetboot's only when it is exactly what is rendered */
			size_t k;
			json_t *r;
			bool same = false;
			json_array_foreach(o->sos, k, r) {
				char *rp = so_path(r);
				same = same || (rp && strcmp(rp, path) == 0 && json_equal(r, so));
				free(rp);
			}
			if (!same)
				why = "no target uses it and it is not the one pinetboot renders";
		}
		if (why) {
			*err = xasprintf("backstore %s is already there and is not "
					 "pinetboot's (%s): pinetboot will not replace it (remove or "
					 "rename it)",
					 path, why);
			free(path);
			return -1;
		}
		free(path);
		if (!admin_uses && (ours_used || we_render)) {
			json_array_remove(sos, i);
			continue;
		}
		i++;
	}
	return 0;
}

char *lio_redact(const char *text, size_t len)
{
	static const char *const keys[] = {"\"chap_password\"", "\"chap_mutual_password\""};
	struct sbuf b;
	sbuf_init(&b);
	for (size_t i = 0; i < len;) {
		size_t k = 0, klen = 0;
		for (; k < PNB_ARRAY_LEN(keys); k++) {
			klen = strlen(keys[k]);
			if (klen <= len - i && memcmp(text + i, keys[k], klen) == 0)
				break;
		}
		if (k == PNB_ARRAY_LEN(keys)) {
			sbuf_addc(&b, text[i++]);
			continue;
		}
		/* the key, blanks and the colon, then the string value up to its closing quote */
		size_t j = i + klen;
		while (j < len && (text[j] == ' ' || text[j] == ':'))
			j++;
		if (j >= len || text[j] != '"') {
			sbuf_addn(&b, text + i, j - i);
			i = j;
			continue;
		}
		size_t e = j + 1;
		while (e < len && text[e] != '"' && text[e] != '\n')
			e += text[e] == '\\' && e + 1 < len ? 2 : 1;
		sbuf_addn(&b, text + i, j + 1 - i);
		sbuf_add(&b, "<secret>");
		i = e; /* the closing quote (or the line's end) is copied on */
	}
	return sbuf_take(&b);
}

char *lio_merge(const char *old, size_t old_len, const char *ours_text, size_t ours_len,
		const char *iqn_base, size_t *out_len, char **err)
{
	*err = NULL;
	char *out = NULL, *prefix = xasprintf("%s:", iqn_base ? iqn_base : "");
	json_t *have = NULL, *mine = parse(ours_text, ours_len, "the rendered LIO JSON: ", err);
	struct ours o = {0};
	json_t *dropped = json_array(), *admin = json_array();
	if (!mine)
		goto done;
	have = lio_blank(old, old_len) ? json_object() : parse(old, old_len, "", err);
	if (!have)
		goto done;
	o.sos = array_at(mine, "storage_objects", "the rendered LIO JSON: ", err);
	o.targets = o.sos ? array_at(mine, "targets", "the rendered LIO JSON: ", err) : NULL;
	json_t *sos = o.targets ? array_at(have, "storage_objects", "", err) : NULL;
	json_t *targets = sos ? array_at(have, "targets", "", err) : NULL;
	if (!targets)
		goto done;
	o.so_paths = json_array();
	o.wwns = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(o.sos, i, v) {
		char *p = so_path(v);
		if (p)
			json_array_append_new(o.so_paths, json_string(p));
		free(p);
	}
	json_array_foreach(o.targets, i, v)
		if (wwn_of(v))
			json_array_append_new(o.wwns, json_string(wwn_of(v)));
	if (sort_targets(targets, prefix, &o, dropped, admin, err) < 0 ||
	    sort_sos(sos, &o, dropped, admin, err) < 0)
		goto done;
	json_array_extend(sos, o.sos);
	json_array_extend(targets, o.targets);
	char *text = json_dumps(have, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!text) {
		*err = xstrdup("the merged LIO configuration cannot be written as JSON");
		goto done;
	}
	out = xasprintf("%s\n", text);
	free(text);
	*out_len = strlen(out);
done:
	json_decref(o.so_paths);
	json_decref(o.wwns);
	json_decref(dropped);
	json_decref(admin);
	json_decref(have);
	json_decref(mine);
	free(prefix);
	return out;
}
