/* cli_json — JSON strings and problem lists for --json output. */
#include "cli/cli_json.h"

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
