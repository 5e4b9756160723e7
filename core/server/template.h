/* template — the small template language the generated files are written in.
 *
 *   {{server.address}}            a field (names are resolved when the template is parsed, so a
 *                                 typo is a file:line error, not an empty string at run time)
 *   {{pi.name|json}}              a field as a JSON string ("…"); |yaml gives a single-quoted
 *                                 YAML scalar, |sh a single-quoted shell word
 *   {{#pis}} … {{/pis}}           repeat for every item of a list; inside, the item's fields
 *                                 (pi.*) and the root fields are visible
 *   {{#if NAME}} … {{else}} … {{/if}}    NAME is non-empty ("!NAME": is empty);
 *   {{#if NAME == "text"}}, {{#if NAME != "text"}}
 *   {{! a comment }}
 *   \{{                           a literal "{{" (for Jinja text in the Ansible templates)
 *
 * A block tag ({{#…}}, {{/…}}, {{else}}, {{! …}}) alone on its line takes the whole line with it,
 * so templates can be indented and commented without leaving blank lines in the output.
 * Values are inserted verbatim (configuration files, not HTML): the profile checks every value
 * for the places it lands (core/base/place); blocks nest at most 64 deep. */
#ifndef PNB_CORE_TEMPLATE_H
#define PNB_CORE_TEMPLATE_H

#include <stddef.h>

#include "core/base/problems.h"
#include "core/base/util.h"

/* The names a template may use: the root fields and, per list, the list's name and its item
 * fields. The caller owns the arrays; they must outlive the parsed template. */
struct tmpl_list_schema {
	const char *name;	   /* "pis" */
	const char *const *fields; /* "pi.name", … */
	size_t n_fields;
};
struct tmpl_schema {
	const char *const *fields;
	size_t n_fields;
	const struct tmpl_list_schema *lists;
	size_t n_lists;
};

/* Values to render with, in schema order. A list's values are items × fields, row-major.
 * NULL values render as "". */
struct tmpl_list_data {
	size_t n_items;
	const char *const *values;
};
struct tmpl_data {
	const char *const *values;
	const struct tmpl_list_data *lists;
};

struct tmpl;

/* Parses text (name is used in messages as name:line). Returns a template the caller releases
 * with tmpl_free, or NULL with every problem found added to ps. */
struct tmpl *tmpl_parse(const char *name, const char *text, size_t len,
			const struct tmpl_schema *schema, struct problems *ps);
void tmpl_free(struct tmpl *t);
/* Appends the rendered text to out. */
void tmpl_render(const struct tmpl *t, const struct tmpl_data *d, struct sbuf *out);

#endif
