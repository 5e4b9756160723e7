/* roff — plain text written into a man page (roff source). */
#ifndef PNB_CORE_BASE_ROFF_H
#define PNB_CORE_BASE_ROFF_H

#include <stdio.h>

/* Writes t to f as text, not requests: a leading '.' or '\'' would start a request (a zero-width
 * "\&" goes first), '-' is a hyphen-minus only as "\-", and '\' is the escape character ("\e"). */
void roff_text(FILE *f, const char *t);

#endif
