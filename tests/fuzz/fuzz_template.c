/* libFuzzer harness: the template parser and renderer. Any text must either parse (and then
 * render without reading outside its values) or give problems; never crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/server/template.h"

static const char *const root_f[] = {"server.address", "server.dhcp", "site.empty"};
static const char *const pi_f[] = {"pi.name", "pi.mac"};
static const char *const file_f[] = {"file.path"};
static const struct tmpl_list_schema lists[] = {{"pis", pi_f, 2}, {"files", file_f, 1}};
static const struct tmpl_schema schema = {root_f, 3, lists, 2};
static const char *const root_v[] = {"192.168.20.1", "proxy", ""};
static const char *const pi_v[] = {"kitchen", "dc:a6:32:1c:6a:2a", "garage", NULL};
static const char *const file_v[] = {"a\"b'c\n"};
static const struct tmpl_list_data list_v[] = {{2, pi_v}, {1, file_v}};
static const struct tmpl_data data = {root_v, list_v};

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t size)
{
	struct problems ps;
	problems_init(&ps);
	struct tmpl *t = tmpl_parse("fuzz.tmpl", (const char *)d, size, &schema, &ps);
	if (t) {
		struct sbuf out;
		sbuf_init(&out);
		tmpl_render(t, &data, &out);
		sbuf_done(&out);
		tmpl_free(t);
	} else if (ps.n == 0) {
		abort(); /* a rejected template must say why */
	}
	problems_done(&ps);
	return 0;
}
