/* cli_json — JSON strings, key/value pairs, problem lists and check lines for --json output. */
#include "cli/cli_json.h"

#include <stdarg.h>
#include <string.h>

#include "core/base/util.h"

void cli_json_strn(FILE *f, const char *s, size_t n)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	struct sbuf b;
	sbuf_init(&b);
	sbuf_add_json(&b, s, n);
	fwrite(b.buf, 1, b.len, f);
	sbuf_done(&b);
}

void cli_json_str(FILE *f, const char *s)
{
	cli_json_strn(f, s, s ? strlen(s) : 0);
}

void cli_json_problem(FILE *f, const struct problem *p)
{
	static const char *const sev[] = {"error", "warning", "note"};
	fprintf(f, "{\"severity\":\"%s\",\"file\":", sev[p->severity]);
	cli_json_str(f, p->file);
	fprintf(f, ",\"line\":%d,\"section\":", p->line);
	cli_json_str(f, p->section);
	fputs(",\"key\":", f);
	cli_json_str(f, p->key);
	fputs(",\"message\":", f);
	cli_json_str(f, p->message);
	fputc('}', f);
}

void cli_json_problems(FILE *f, const struct problems *ps)
{
	fputc('[', f);
	for (size_t i = 0; i < ps->n; i++) {
		if (i)
			fputc(',', f);
		cli_json_problem(f, &ps->items[i]);
	}
	fputc(']', f);
}

void cli_json_kv(FILE *f, const char *key, const char *value)
{
	cli_json_str(f, key);
	fputc(':', f);
	cli_json_str(f, value);
}

void cli_json_kvs(FILE *f, const char *key, ...)
{
	va_list ap;
	va_start(ap, key);
	for (const char *k = key; k; k = va_arg(ap, const char *)) {
		if (k != key)
			fputc(',', f);
		cli_json_kv(f, k, va_arg(ap, const char *));
	}
	va_end(ap);
}

void cli_json_icheck_lines(FILE *f, const struct iscsi_check *c)
{
	fputc('[', f);
	for (size_t i = 0; c && i < c->n_lines; i++) {
		fprintf(f, "%s{", i ? "," : "");
		cli_json_kvs(f, "step", icheck_step_names[c->lines[i].step], "level",
			     icheck_level_names[c->lines[i].level], "text", c->lines[i].text, NULL);
		fputc('}', f);
	}
	fputc(']', f);
}
