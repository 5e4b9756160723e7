/* lint — rules of the trade a site profile shows by itself. */
#include "core/server/lint.h"

#include <stdlib.h>
#include <string.h>

#include "core/base/util.h"


char *lint_under_root(const char *root, const char *path)
{
	if (!root || !strcmp(root, "/") || !*root)
		return xstrdup(path);
	size_t n = strlen(root);
	return xasprintf("%.*s%s", (int)(root[n - 1] == '/' ? n - 1 : n), root, path);
}

const struct pi *lint_first_pi(const struct site *s, bool (*pred)(const struct pi *))
{
	for (size_t i = 0; i < s->n_pis; i++)
		if (pred(&s->pis[i]))
			return &s->pis[i];
	return NULL;
}

static bool needs_delay(const struct pi *p)
{
	return model_info(p->model)->proxy_reply_delay;
}

static bool onlink_only(const struct pi *p)
{
	return model_info(p->model)->tftp_onlink_only;
}

static bool eeprom_pi(const struct pi *p)
{
	return model_uses_eeprom(p->model);
}

static int at(int line, int fallback)
{
	return line ? line : fallback;
}

/* Spec §4 row 5 (FW#934, FW#859): the Pi 3 ROM locks into a loop when the main and the proxy
 * offer arrive within about 2 s of each other. */
static void rule_reply_delay(const struct site *s, struct problems *ps)
{
	const struct pi *p;
	if (s->dhcp != DHCP_PROXY || s->reply_delay != 0 || !(p = lint_first_pi(s, needs_delay)))
		return;
	problems_add(ps, PROBLEM_ERROR, s->path, at(s->key_line[SK_REPLY_DELAY], s->line),
		     "[server]", "reply_delay",
		     "is 0 in proxy mode while [pi \"%s\"] is a %s, whose boot ROM loops when the "
		     "proxy offer arrives with the main one (fix: reply_delay = auto, or 1 to 2)",
		     p->name, model_info(p->model)->long_name);
}

/* Spec §4 rows 8–9 (FW#670, boot-net.adoc): the 3B ROM ARPs for an off-subnet TFTP server
 * instead of using a gateway, and drops relayed offers (hops check). */
static void rule_onlink(const struct site *s, struct problems *ps)
{
	const struct pi *p;
	if (!(p = lint_first_pi(s, onlink_only)))
		return;
	if (s->dhcp == DHCP_NONE)
		problems_add(ps, PROBLEM_WARNING, s->path, at(s->key_line[SK_DHCP], s->line),
			     "[server]", "dhcp",
			     "is none: another DHCP server must name this server for TFTP, but a "
			     "%s ([pi \"%s\"]) reaches TFTP only on its own subnet and cannot boot "
			     "through a DHCP relay (fix: keep this server on the Pi's subnet, or use "
			     "dhcp = proxy here)",
			     model_info(p->model)->long_name, p->name);
	else if (s->dhcp == DHCP_ISC || s->dhcp == DHCP_KEA)
		problems_add(ps, PROBLEM_NOTE, s->path, at(s->key_line[SK_DHCP], s->line),
			     "[server]", "dhcp",
			     "the %s fragment must be served on the Pis' own subnet, not through a "
			     "relay: a %s ([pi \"%s\"]) rejects relayed offers and cannot reach an "
			     "off-subnet TFTP server",
			     dhcp_mode_names[s->dhcp], model_info(p->model)->long_name, p->name);
}

/* Pi 4/5 EEPROMs take no offer without the "Raspberry Pi Boot" option 43 (TB-PI5); with
 * dhcp = none that is up to the other server. */
static void rule_foreign_dhcp(const struct site *s, struct problems *ps)
{
	const struct pi *p;
	if (s->dhcp != DHCP_NONE || !(p = lint_first_pi(s, eeprom_pi)))
		return;
	problems_add(ps, PROBLEM_NOTE, s->path, at(s->key_line[SK_DHCP], s->line), "[server]",
		     "dhcp",
		     "is none: the network's DHCP server must send option 43 with \"Raspberry Pi "
		     "Boot\" and option 66 naming this server, or each Pi 4/5 needs TFTP_IP in its "
		     "EEPROM (option 67, the boot file name, is ignored by every Pi)");
}

/* Fleet storms (tests/lab/t_fleet_storm.sh, bench/fleet.sh: 100 Pis booting at once from
 * export output). dnsmasq is single-threaded and waits out a dhcp-reply-delay, and the ping it
 * sends before offering a new dynamic address, without answering anyone else: with a fleet
 * that wait is paid by every Pi. A fixed address (dhcp-host with an IP) is not pinged. */
#define FLEET_NOTE_PIS 20

static bool no_ip(const struct pi *p)
{
	return p->ip == 0;
}

static void rule_fleet_dhcp(const struct site *s, struct problems *ps)
{
	if (s->n_pis < FLEET_NOTE_PIS)
		return;
	int line = at(s->key_line[SK_DHCP], s->line);
	const struct pi *p;
	if (s->dhcp == DHCP_PROXY && s->reply_delay != 0 && (s->reply_delay > 0 ||
							      lint_first_pi(s, needs_delay)))
		problems_add(ps, PROBLEM_NOTE, s->path, line, "[server]", "dhcp",
			     "is proxy with a reply delay for the Pi 3s: dnsmasq answers no other "
			     "Pi while it waits it out, so when all %zu Pis boot at once every one "
			     "is held up (lab, 100 Pis with 10 Pi 3s: about twice as long to root); "
			     "dhcp = full with an ip = for each Pi needs no delay",
			     s->n_pis);
	else if (s->dhcp == DHCP_FULL && (p = lint_first_pi(s, no_ip)))
		problems_add(ps, PROBLEM_NOTE, s->path, line, "[server]", "dhcp",
			     "is full and [pi \"%s\"] has no ip =: dnsmasq pings each new address "
			     "before it offers it, one at a time, so when all %zu Pis boot at once "
			     "they queue (lab, 100 Pis: over 20 s, and Pi 3 ROMs gave up); an ip = "
			     "for each Pi is offered at once (2 to 3 s)",
			     p->name, s->n_pis);
}

/* Spec §3.6 and §4 rows 17–20. */
static void rule_nfs(const struct site *s, struct problems *ps)
{
	if (s->root != ROOT_NFS || s->n_pis == 0)
		return;
	problems_add(ps, PROBLEM_NOTE, s->path, at(s->key_line[SK_ROOT], s->line), "[server]",
		     "root",
		     "is nfs: each Pi's cmdline.txt needs nfsroot=…,vers=3 (the kernel defaults "
		     "to v2 and Bookworm's klibc nfsmount rejects v4 and proto=), the export "
		     "needs rw,no_root_squash, and the Pi's network manager must leave eth0 "
		     "alone while the root is on it");
}

void lint_site(const struct site *s, struct problems *ps)
{
	rule_reply_delay(s, ps);
	rule_onlink(s, ps);
	rule_foreign_dhcp(s, ps);
	rule_nfs(s, ps);
	rule_fleet_dhcp(s, ps);
	problems_sort(ps);
}
