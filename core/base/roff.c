/* roff — plain text written into a man page; see roff.h. */
#include "core/base/roff.h"

void roff_text(FILE *f, const char *t)
{
	if (*t == '.' || *t == '\'')
		fputs("\\&", f);
	for (; *t; t++) {
		if (*t == '-')
			fputs("\\-", f);
		else if (*t == '\\')
			fputs("\\e", f);
		else
			putc(*t, f);
	}
}
