/* Unit tests: pinetboot's LIO objects merged into rtslib-fb's saveconfig.json (lio_merge). The
 * admin's storage objects and targets survive, pinetboot's are replaced, conflicts and hostile
 * files are refused with a message, and merging twice changes nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/server/lio_live.h"
#include "core/server/lio_merge.h"

#define BASE "iqn.2026-11.lan.example"

/* What the renderer writes for one Pi (templates/lio.json.tmpl, shortened to what matters). */
#define OURS_SO(name, dev) "{\"name\":\"" name "\",\"plugin\":\"fileio\",\"dev\":\"" dev "\",\"size\":1048576}"
#define OURS_T(wwn, so)                                                                            \
	"{\"fabric\":\"iscsi\",\"wwn\":\"" wwn "\",\"tpgs\":[{\"tag\":1,\"luns\":[{\"index\":0,"    \
	"\"storage_object\":\"" so "\"}],\"node_acls\":[{\"node_wwn\":\"" BASE ":kitchen\","         \
	"\"chap_userid\":\"kitchen\",\"chap_password\":\"ourSecret123456\"}]}]}"
static const char ours[] = "{\"storage_objects\":[" OURS_SO("kitchen", "/srv/kitchen.img")
			   "],\"targets\":[" OURS_T(BASE ":root-kitchen", "/backstores/fileio/kitchen") "]}";
/* The Pi's target under a name the profile sets outside iqn_base. */
static const char ours_custom[] = "{\"storage_objects\":[" OURS_SO("kitchen", "/srv/kitchen.img")
				  "],\"targets\":[" OURS_T("iqn.2020-01.other:pi",
							  "/backstores/fileio/kitchen") "]}";

/* The admin's own objects, as targetctl save writes them. */
#define ADMIN_SO                                                                                   \
	"{\"attributes\":{\"block_size\":512},\"dev\":\"/srv/nas.img\",\"name\":\"nas\","           \
	"\"plugin\":\"fileio\",\"size\":2097152,\"write_back\":true,\"wwn\":\"0123\"}"
#define ADMIN_T                                                                                    \
	"{\"fabric\":\"iscsi\",\"wwn\":\"iqn.2003-01.org.admin:nas\",\"tpgs\":[{\"tag\":1,"         \
	"\"luns\":[{\"index\":0,\"storage_object\":\"/backstores/fileio/nas\"}],\"node_acls\":[{"    \
	"\"node_wwn\":\"iqn.2003-01.org.admin:client\",\"chap_password\":\"adminSecret99\"}]}]}"
#define FABRIC "\"fabric_modules\":[{\"name\":\"iscsi\",\"discovery_enable_auth\":false}]"

static json_t *merged(const char *old, const char *mine)
{
	char *err = NULL;
	size_t len = 0;
	char *out = lio_merge(old, old ? strlen(old) : 0, mine, strlen(mine), BASE, &len, &err);
	if (!out)
		fail_msg("refused: %s", err);
	assert_int_equal(len, strlen(out));
	json_t *j = json_loads(out, 0, NULL);
	assert_non_null(j);
	/* merging the result again changes nothing */
	char *err2 = NULL;
	size_t len2 = 0;
	char *again = lio_merge(out, len, mine, strlen(mine), BASE, &len2, &err2);
	assert_non_null(again);
	assert_string_equal(again, out);
	free(again);
	free(out);
	return j;
}

static const char *name_at(json_t *j, const char *list, size_t i, const char *key)
{
	return json_string_value(json_object_get(json_array_get(json_object_get(j, list), i), key));
}

static void test_no_file_yet(void **state)
{
	(void)state;
	for (int blank = 0; blank < 2; blank++) {
		json_t *j = merged(blank ? " \n" : NULL, ours);
		assert_int_equal(json_array_size(json_object_get(j, "storage_objects")), 1);
		assert_string_equal(name_at(j, "targets", 0, "wwn"), BASE ":root-kitchen");
		json_decref(j);
	}
}

static void test_admin_objects_kept(void **state)
{
	(void)state;
	/* the admin's objects, and pinetboot's of an earlier apply: a Pi that has left the profile
	 * ("garage") and the kitchen with an older backing */
	static const char old[] =
	    "{" FABRIC ",\"storage_objects\":[" ADMIN_SO "," OURS_SO("garage", "/srv/garage.img")
	    "," OURS_SO("kitchen", "/srv/old.img") "],\"targets\":[" OURS_T(
		BASE ":root-garage", "/backstores/fileio/garage") "," ADMIN_T "," OURS_T(BASE
										  ":root-kitchen",
										  "/backstores/fileio/"
										  "kitchen") "]}";
	json_t *j = merged(old, ours);
	json_t *admin_so = json_loads(ADMIN_SO, 0, NULL), *admin_t = json_loads(ADMIN_T, 0, NULL);
	assert_int_equal(json_array_size(json_object_get(j, "storage_objects")), 2);
	assert_true(json_equal(json_array_get(json_object_get(j, "storage_objects"), 0), admin_so));
	assert_string_equal(name_at(j, "storage_objects", 1, "dev"), "/srv/kitchen.img");
	assert_int_equal(json_array_size(json_object_get(j, "targets")), 2);
	assert_true(json_equal(json_array_get(json_object_get(j, "targets"), 0), admin_t));
	assert_string_equal(name_at(j, "targets", 1, "wwn"), BASE ":root-kitchen");
	assert_string_equal(name_at(j, "fabric_modules", 0, "name"), "iscsi");
	json_decref(admin_so);
	json_decref(admin_t);
	json_decref(j);
}

/* A target the profile names outside iqn_base is pinetboot's when it is what an earlier apply
 * wrote (its LUN on the Pi's backstore), so applying twice works. */
static void test_custom_iqn_replaced(void **state)
{
	(void)state;
	static const char old[] = "{\"storage_objects\":[" ADMIN_SO "," OURS_SO("kitchen", "/x.img")
				  "],\"targets\":[" ADMIN_T "," OURS_T("iqn.2020-01.other:pi",
								       "/backstores/fileio/kitchen") "]}";
	json_t *j = merged(old, ours_custom);
	assert_int_equal(json_array_size(json_object_get(j, "targets")), 2);
	assert_string_equal(name_at(j, "storage_objects", 1, "dev"), "/srv/kitchen.img");
	json_decref(j);
}

static const struct refusal {
	const char *what, *old, *mine, *says;
} refusals[] = {
    {"an admin target with the IQN the profile gives the Pi",
     "{\"targets\":[" OURS_T("iqn.2020-01.other:pi", "/backstores/fileio/nas") "]}", ours_custom,
     "target iqn.2020-01.other:pi is already there and is not pinetboot's"},
    {"an admin backstore named as the Pi's, used by an admin target",
     "{\"storage_objects\":[" OURS_SO("kitchen", "/srv/kitchen.img") "],\"targets\":[" OURS_T(
	 "iqn.2003-01.org.admin:k", "/backstores/fileio/kitchen") "]}",
     ours, "backstore /backstores/fileio/kitchen is already there and is not pinetboot's (a "
	   "target that is not pinetboot's uses it)"},
    {"an unused backstore with the Pi's name and another file",
     "{\"storage_objects\":[" OURS_SO("kitchen", "/srv/admins.img") "]}", ours,
     "backstore /backstores/fileio/kitchen is already there and is not pinetboot's (no target"},
    {"not JSON", "targetcli saveconfig", ours, "does not parse as JSON at line 1, column"},
    {"cut short", "{\"targets\":[", ours, "does not parse as JSON"},
    {"a duplicate key", "{\"targets\":[],\"targets\":[]}", ours, "duplicate object key"},
    {"a NUL escape", "{\"targets\":[{\"wwn\":\"a\\u0000b\"}]}", ours, "does not parse as JSON"},
    {"invalid UTF-8", "{\"targets\":[{\"wwn\":\"\xff\xfe\"}]}", ours, "does not parse as JSON"},
    {"a list, not an object", "[]", ours, "is not a JSON object"},
    {"targets that are not a list", "{\"targets\":{}}", ours, "\"targets\" is not a list"},
    {"storage objects that are not a list", "{\"storage_objects\":7}", ours,
     "\"storage_objects\" is not a list"},
};

static void test_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		const struct refusal *r = &refusals[i];
		char *err = NULL;
		size_t len;
		char *out = lio_merge(r->old, strlen(r->old), r->mine, strlen(r->mine), BASE, &len,
				      &err);
		if (out || !err || !strstr(err, r->says))
			fail_msg("%s: got %s", r->what, err ? err : out);
		/* no secret of either side in the message */
		assert_null(strstr(err, "Secret"));
		free(err);
	}
}

/* Nesting far past jansson's depth limit is an error, not a crash. */
static void test_deep_nesting(void **state)
{
	(void)state;
	size_t n = 200000;
	char *deep = malloc(n + 1);
	memset(deep, '[', n);
	deep[n] = '\0';
	char *err = NULL;
	size_t len;
	assert_null(lio_merge(deep, n, ours, strlen(ours), BASE, &len, &err));
	assert_non_null(strstr(err, "does not parse as JSON"));
	free(err);
	free(deep);
}

/* A file of NUL bytes is not an empty one: it is refused, not replaced by pinetboot's objects
 * (strchr finds the terminator, so the blank test once took NUL for a blank). */
static void test_nul_bytes_not_blank(void **state)
{
	(void)state;
	char *err = NULL;
	size_t len;
	assert_null(lio_merge("\0\0\0\0", 4, ours, strlen(ours), BASE, &len, &err));
	assert_non_null(strstr(err, "does not parse as JSON"));
	free(err);
	assert_null(lio_merge(" \n\0", 3, ours, strlen(ours), BASE, &len, &err));
	free(err);
}

static void test_redact(void **state)
{
	(void)state;
	static const char diff[] = "-  \"chap_password\": \"adminSecret99\",\n"
				   "+  \"chap_password\": \"we\\\"ird\",\n"
				   "   \"chap_mutual_password\":\"x\", \"chap_userid\": \"u\"\n"
				   "   \"chap_password\": 7\n";
	char *r = lio_redact(diff, strlen(diff));
	assert_string_equal(r, "-  \"chap_password\": \"<secret>\",\n"
			       "+  \"chap_password\": \"<secret>\",\n"
			       "   \"chap_mutual_password\":\"<secret>\", \"chap_userid\": \"u\"\n"
			       "   \"chap_password\": 7\n");
	free(r);
}

/* lio_unsaved: the running objects the saved file lacks, by identity (lio_live.h). */
static char *unsaved(const char *saved, const char *running, char **err)
{
	return lio_unsaved(saved, saved ? strlen(saved) : 0, running, strlen(running), err);
}

static void test_unsaved(void **state)
{
	(void)state;
	char *err, *n;
	static const char saved[] = "{" FABRIC ",\"storage_objects\":[" ADMIN_SO "],\"targets\":["
				    ADMIN_T "]}";
	assert_null(unsaved(saved, saved, &err));
	assert_null(err);
	/* values are not compared: the kernel's dump fills in what the file leaves out */
	assert_null(unsaved("{\"storage_objects\":[" OURS_SO("kitchen", "/srv/kitchen.img") "]}",
			    "{\"storage_objects\":[{\"plugin\":\"fileio\",\"name\":\"kitchen\","
			    "\"attributes\":{\"block_size\":512}}]}",
			    &err));
	/* rtslib lower-cases WWNs: the running iqn.…:pi is the file's iqn.…:Pi */
	assert_null(unsaved("{\"targets\":[{\"wwn\":\"iqn.2026-11.X:Pi\",\"tpgs\":[{\"tag\":1,"
			    "\"node_acls\":[{\"node_wwn\":\"iqn.2026-11.X:Init\"}]}]}]}",
			    "{\"targets\":[{\"wwn\":\"iqn.2026-11.x:pi\",\"tpgs\":[{\"tag\":1,"
			    "\"node_acls\":[{\"node_wwn\":\"iqn.2026-11.x:init\"}]}]}]}",
			    &err));
	/* nothing saved yet: everything running is unsaved, named in order */
	n = unsaved(NULL, "{\"storage_objects\":[" ADMIN_SO "],\"targets\":[" ADMIN_T "]}", &err);
	assert_string_equal(n, "backstore /backstores/fileio/nas, target iqn.2003-01.org.admin:nas, "
			       "TPG 1 of target iqn.2003-01.org.admin:nas, LUN 0 "
			       "(/backstores/fileio/nas) of target iqn.2003-01.org.admin:nas TPG 1, "
			       "ACL iqn.2003-01.org.admin:client of target "
			       "iqn.2003-01.org.admin:nas TPG 1");
	free(n);
	/* a saved object missing from what runs is no loss */
	assert_null(unsaved(saved, "{}", &err));
	/* past eight names: "and N more"; a hostile tag is "?" */
	n = unsaved("", "{\"targets\":[{\"wwn\":\"a\",\"tpgs\":[{\"tag\":\"x\",\"portals\":[{},{},"
			"{},{},{},{},{},{},{}]}]}]}",
		    &err);
	assert_non_null(strstr(n, "TPG ? of target a, portal ?:? of target a TPG ?"));
	assert_non_null(strstr(n, " and 3 more"));
	free(n);
	assert_null(unsaved(saved, "[1]", &err));
	assert_non_null(strstr(err, "the running configuration is not saveconfig JSON"));
	free(err);
	assert_null(unsaved("{\"a\":1,\"a\":2}", "{}", &err));
	assert_non_null(strstr(err, "the saved configuration is not saveconfig JSON"));
	free(err);
}

UNIT_MAIN(
	cmocka_unit_test(test_unsaved),
	cmocka_unit_test(test_redact),
	cmocka_unit_test(test_no_file_yet),
	cmocka_unit_test(test_admin_objects_kept),
	cmocka_unit_test(test_custom_iqn_replaced),
	cmocka_unit_test(test_refused),
	cmocka_unit_test(test_deep_nesting),
	cmocka_unit_test(test_nul_bytes_not_blank))
