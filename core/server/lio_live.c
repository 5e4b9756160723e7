/* lio_live — the running LIO objects `targetctl restore` would destroy (see lio_live.h). */
#include "core/server/lio_live.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "core/base/fsutil.h"
#include "core/base/runcmd.h"
#include "core/base/util.h"
#include "core/server/lio_merge.h"

/* How many unsaved objects a message names before "and N more". */
#define LIO_UNSAVED_NAMED 8

/* An integer key (tag, index, port) as text; "?" for anything else (hostile JSON). */
static char *num(json_t *v)
{
	return json_is_integer(v) ? xasprintf("%lld", (long long)json_integer_value(v))
				  : xstrdup("?");
}

static const char *str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "?";
}

/* A WWN as rtslib keeps it: it lower-cases every WWN it is given (utils._cleanse_wwn), so the
 * running configuration shows a target the file names iqn.…:Pi as iqn.…:pi. ASCII only (as
 * the module does); heap. */
static char *wwn(json_t *obj, const char *key)
{
	char *w = xstrdup(str(obj, key));
	for (char *c = w; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	return w;
}

/* names is an array (every name, in order) or an object (a set: the name as a key). */
static void add_name(json_t *names, char *name)
{
	if (json_is_object(names))
		json_object_set_new(names, name, json_true());
	else
		json_array_append_new(names, json_string(name));
	free(name);
}

/* The identity of each object of a saveconfig (see lio_live.h), as the names a message uses. */
static void object_names(json_t *conf, json_t *names)
{
	size_t i, j, k;
	json_t *so, *t, *tpg, *o;
	json_array_foreach(json_object_get(conf, "storage_objects"), i, so)
		add_name(names, xasprintf("backstore /backstores/%s/%s", str(so, "plugin"),
					  str(so, "name")));
	json_array_foreach(json_object_get(conf, "targets"), i, t) {
		char *tw = wwn(t, "wwn");
		add_name(names, xasprintf("target %s", tw));
		json_array_foreach(json_object_get(t, "tpgs"), j, tpg) {
			char *tag = num(json_object_get(tpg, "tag"));
			add_name(names, xasprintf("TPG %s of target %s", tag, tw));
			json_array_foreach(json_object_get(tpg, "luns"), k, o) {
				char *idx = num(json_object_get(o, "index"));
				add_name(names, xasprintf("LUN %s (%s) of target %s TPG %s", idx,
							  str(o, "storage_object"), tw, tag));
				free(idx);
			}
			json_array_foreach(json_object_get(tpg, "node_acls"), k, o) {
				char *nw = wwn(o, "node_wwn");
				add_name(names, xasprintf("ACL %s of target %s TPG %s", nw, tw, tag));
				free(nw);
			}
			json_array_foreach(json_object_get(tpg, "portals"), k, o) {
				char *port = num(json_object_get(o, "port"));
				add_name(names, xasprintf("portal %s:%s of target %s TPG %s",
							  str(o, "ip_address"), port, tw, tag));
				free(port);
			}
			free(tag);
		}
		free(tw);
	}
}

static json_t *load(const char *text, size_t len, const char *what, char **err)
{
	if (lio_blank(text, len))
		return json_object();
	json_error_t je;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(j)) {
		*err = xasprintf("%s is not saveconfig JSON (line %d: %s)", what, je.line,
				 j ? "not an object" : je.text);
		json_decref(j);
		return NULL;
	}
	return j;
}

char *lio_unsaved(const char *saved, size_t saved_len, const char *running, size_t running_len,
		  char **err)
{
	*err = NULL;
	json_t *s = load(saved, saved_len, "the saved configuration", err);
	json_t *r = s ? load(running, running_len, "the running configuration", err) : NULL;
	if (!r) {
		json_decref(s);
		return NULL;
	}
	json_t *have = json_object(), *run = json_array();
	object_names(s, have);
	object_names(r, run);
	struct sbuf b;
	sbuf_init(&b);
	size_t n = 0, i;
	json_t *v;
	json_array_foreach(run, i, v) {
		if (json_object_get(have, json_string_value(v)))
			continue;
		if (n < LIO_UNSAVED_NAMED)
			sbuf_printf(&b, "%s%s", n ? ", " : "", json_string_value(v));
		n++;
	}
	if (n > LIO_UNSAVED_NAMED)
		sbuf_printf(&b, " and %zu more", n - LIO_UNSAVED_NAMED);
	json_decref(have);
	json_decref(run);
	json_decref(s);
	json_decref(r);
	if (n == 0) {
		sbuf_done(&b);
		return NULL;
	}
	return sbuf_take(&b);
}

/* The running configuration as `targetctl save` writes it (heap), or NULL with *why NULL when
 * LIO is not loaded, or NULL with a heap *why. */
static char *running_config(const char *configfs, size_t *len, char **why)
{
	*why = NULL;
	struct stat cfs;
	if (stat(configfs, &cfs) != 0 && (errno == ENOENT || errno == ENOTDIR))
		return NULL;
	char *dir = xasprintf("%s/pinetboot-lio.XXXXXX", fs_tmpdir());
	if (!mkdtemp(dir)) {
		*why = xasprintf("no private directory for `targetctl save`: %s", fs_strerror(errno));
		free(dir);
		return NULL;
	}
	/* rtslib writes FILE.temp beside FILE, then copies it: both in our own 0700 directory */
	char *file = xasprintf("%s/running.json", dir);
	char *argv[] = {"targetctl", "save", file, NULL};
	char *out = NULL, *text = NULL;
	size_t out_len;
	int st = runcmd_capture(argv, NULL, LIO_SAVE_TIMEOUT, &out, &out_len), e = errno;
	out[strcspn(out, "\n")] = '\0';
	if (st == 0) {
		text = fs_read_file_max(file, LIO_SAVECONFIG_MAX, len);
		if (!text)
			*why = xasprintf("`targetctl save` wrote nothing readable: %s",
					 fs_strerror(errno));
	} else {
		*why = st == 127  ? xasprintf("`targetctl` cannot be run: %s", fs_strerror(e))
		       : st == -1 ? xasprintf("`targetctl save` did not finish within %d s",
					      LIO_SAVE_TIMEOUT)
				  : xasprintf("`targetctl save` failed (exit %d): %s", st, out);
	}
	free(out);
	fs_remove_tree(dir);
	free(file);
	free(dir);
	return text;
}

char *lio_live_refusal(const char *saved, size_t saved_len, const char *configfs)
{
	size_t len = 0;
	char *why, *err, *msg = NULL;
	char *running = running_config(configfs, &len, &why);
	if (why) {
		msg = xasprintf("the running LIO configuration cannot be read (%s): `targetctl "
				"restore` would replace it unseen, so it is not run",
				why);
		free(why);
		return msg;
	}
	if (!running) /* LIO not loaded: nothing runs that the restore could destroy */
		return NULL;
	char *names = lio_unsaved(saved, saved_len, running, len, &err);
	free(running);
	if (err) {
		msg = xasprintf("%s: `targetctl restore` would replace it unseen, so it is not run",
				err);
		free(err);
	} else if (names) {
		msg = xasprintf("the running LIO configuration holds what this file does not (%s): "
				"`targetctl restore` would destroy them; save them with `targetcli "
				"saveconfig`, or remove them, then apply again",
				names);
		free(names);
	}
	return msg;
}
