/* dhcp_option — the codes ISC dhcpd and Kea carry as text. */
#include "core/site/dhcp_option.h"

#include <stdio.h>

/* RFC 2132 options whose type is text in both ISC dhcpd and Kea (domain-name is left out:
 * Kea parses it as an FQDN). */
static const struct {
	int code;
	const char *isc;
} text_options[] = {
    {14, "merit-dump"},	    {17, "root-path"},	   {18, "extensions-path"},
    {40, "nis-domain"},	    {47, "netbios-scope"}, {64, "nisplus-domain"},
};

bool dhcp_option_isc_name(int code, char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(text_options) / sizeof(text_options[0]); i++)
		if (text_options[i].code == code) {
			snprintf(name, len, "%s", text_options[i].isc);
			return true;
		}
	if (code >= 224 && code <= 254) { /* site-specific: neither server defines them */
		snprintf(name, len, "unknown-%d", code);
		return true;
	}
	if (len)
		name[0] = '\0';
	return false;
}
