/* dhcp_option — which [pi] dhcp_option codes each DHCP server can carry, and how it spells
 * them. dnsmasq sends any code as text; ISC dhcpd and Kea need an option they already know as
 * text, or a site-specific code (224-254) they have no definition for. Profile validation and
 * the renderer both ask here, so a code validation lets through always renders. */
#ifndef PNB_CORE_SITE_DHCP_OPTION_H
#define PNB_CORE_SITE_DHCP_OPTION_H

#include <stdbool.h>
#include <stddef.h>

/* ISC dhcpd's name for code (e.g. "root-path", or "unknown-224" for a site-specific code,
 * which dhcpd sends as the given text) into name; false when ISC dhcpd and Kea cannot carry a
 * text value under that code. Kea takes the same codes as hex bytes of the text (csv-format
 * false), which it accepts for its string options and for codes it does not define. */
bool dhcp_option_isc_name(int code, char *name, size_t len);

#endif
