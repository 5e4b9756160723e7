/* lint — the rules of the trade (spec/netboot-servers-and-failures.md §3–4) applied to a site
 * profile and to the server files really installed under a root directory. Every finding is a
 * problem with file:line, what is wrong and the fix; errors are things that stop a Pi from
 * booting, warnings things that work but are fragile, notes things worth knowing. */
#ifndef PNB_CORE_LINT_H
#define PNB_CORE_LINT_H

#include "core/base/problems.h"
#include "core/site/profile.h"

/* Rules a valid profile alone can show: proxy DHCP with a Pi 3 and no reply delay, a Pi 3B
 * whose TFTP server may be off its subnet, NFS root notes. */
void lint_site(const struct site *s, struct problems *ps);

/* Rules about the installed files under root ("/" for the live system): dnsmasq (menu text,
 * reply delay, option 67), ISC dhcpd, /etc/exports, tgt, tftpd-hpa, and each Pi's
 * cmdline.txt and NFS-root fstab. Files that do not exist are skipped. */
void lint_installed(const struct site *s, const char *root, struct problems *ps);

/* Rules about the TFTP tree under root + the profile's tftp_root: each Pi's directory, the
 * firmware, device tree, kernel, cmdline.txt and initramfs its model asks for, bootcode.bin
 * for the Pi 3 family (core/server/lint_tftp.c). Skipped when the TFTP root is not there. */
void lint_tftp_tree(const struct site *s, const char *root, struct problems *ps);
/* Of those, only the initramfs each Pi's config.txt loads (named, there, and able to reach the
 * root: iSCSI login or NFS), for Pis whose directory holds a kernel: the wizard's Review. */
void lint_initramfs(const struct site *s, const char *root, struct problems *ps);

/* ---- shared by the lint rule files ---- */
/* root + path ("/" = the live system). Heap string, caller frees. */
char *lint_under_root(const char *root, const char *path);
/* The directory the Pi asks for under the TFTP root ("511e57f7", "dc-a6-32-1c-6a-2a"), or NULL
 * when the profile lacks what the prefix needs. Heap string, caller frees. */
/* The first Pi of s for which pred holds, or NULL (shared by the lint rule files). */
const struct pi *lint_first_pi(const struct site *s, bool (*pred)(const struct pi *));

#endif
