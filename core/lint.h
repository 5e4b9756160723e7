/* lint — the rules of the trade (spec/netboot-servers-and-failures.md §3–4) applied to a site
 * profile and to the server files really installed under a root directory. Every finding is a
 * problem with file:line, what is wrong and the fix; errors are things that stop a Pi from
 * booting, warnings things that work but are fragile, notes things worth knowing. */
#ifndef PNB_CORE_LINT_H
#define PNB_CORE_LINT_H

#include "core/problems.h"
#include "core/profile.h"

/* Rules a valid profile alone can show: proxy DHCP with a Pi 3 and no reply delay, a Pi 3B
 * whose TFTP server may be off its subnet, NFS root notes. */
void lint_site(const struct site *s, struct problems *ps);

/* Rules about the installed files under root ("/" for the live system): dnsmasq (menu text,
 * reply delay, option 67), ISC dhcpd, /etc/exports, tgt, tftpd-hpa, and each Pi's
 * cmdline.txt and NFS-root fstab. Files that do not exist are skipped. */
void lint_installed(const struct site *s, const char *root, struct problems *ps);

/* The first Pi of s for which pred holds, or NULL (shared by the lint rule files). */
const struct pi *lint_first_pi(const struct site *s, bool (*pred)(const struct pi *));

#endif
