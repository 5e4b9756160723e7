/* templates — the generated files' templates, compiled into the binary from templates/ by
 * scripts/embed-templates.sh, and overridable with --templates DIR. */
#ifndef PNB_CORE_TEMPLATES_H
#define PNB_CORE_TEMPLATES_H

#include <stddef.h>

struct template_file {
	const char *name; /* file name under templates/, e.g. "dnsmasq.conf.tmpl" */
	const char *data; /* NUL-terminated */
	size_t len;
};

/* The built-in table, terminated by a {NULL, NULL, 0} entry. */
extern const struct template_file templates_builtin[];

#endif
