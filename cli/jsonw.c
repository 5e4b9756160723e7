/* jsonw — key/value pairs for --json output, over cli_json's string escaping. */
#include "cli/jsonw.h"

#include "cli/cli_json.h"

void jsonw_kv(FILE *f, const char *key, const char *value)
{
	cli_json_str(f, key);
	fputc(':', f);
	cli_json_str(f, value);
}

void jsonw_icheck_lines(FILE *f, const struct iscsi_check *c)
{
	fputc('[', f);
	for (size_t i = 0; c && i < c->n_lines; i++) {
		fprintf(f, "%s{", i ? "," : "");
		jsonw_kv(f, "step", icheck_step_names[c->lines[i].step]);
		fputc(',', f);
		jsonw_kv(f, "level", icheck_level_names[c->lines[i].level]);
		fputc(',', f);
		jsonw_kv(f, "text", c->lines[i].text);
		fputc('}', f);
	}
	fputc(']', f);
}
