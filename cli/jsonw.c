/* jsonw — JSON string escaping for --json output. */
#include "cli/jsonw.h"

void jsonw_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

void jsonw_kv(FILE *f, const char *key, const char *value)
{
	jsonw_str(f, key);
	fputc(':', f);
	jsonw_str(f, value);
}
