/* log_facts — what the logs of one set learn together: client IP → MAC (a TFTP log names
 * the Pi by address, a DHCP log by MAC), the TFTP root to strip from logged paths, which Pis
 * had their kernel sent (a later DHCP of theirs is Linux's), and the notes that say what the
 * reader had to assume. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/log_int.h"
#include "core/base/util.h"

void log_note(struct log_set *set, const char *fmt, ...)
{
	if (set->n_notes == PNB_ARRAY_LEN(set->notes))
		return;
	va_list ap;
	va_start(ap, fmt);
	set->notes[set->n_notes++] = xvasprintf(fmt, ap);
	va_end(ap);
}
static struct log_ipmap *ip_slot(struct log_set *set, uint32_t ip)
{
	size_t h = (ip * 2654435761u) & (LOG_IPMAP - 1);
	while (set->ipmap[h].ip && set->ipmap[h].ip != ip)
		h = (h + 1) & (LOG_IPMAP - 1);
	return &set->ipmap[h];
}

void log_ip_learn(struct log_set *set, uint32_t ip, const uint8_t mac[6])
{
	if (!ip)
		return;
	struct log_ipmap *m = ip_slot(set, ip);
	if (!m->ip) {
		if (set->n_ip >= LOG_IPMAP / 4 * 3) { /* a huge network: forget, stay bounded */
			memset(set->ipmap, 0, sizeof(set->ipmap));
			set->n_ip = 0;
			m = ip_slot(set, ip);
		}
		set->n_ip++;
		m->ip = ip;
	}
	memcpy(m->mac, mac, 6);
}

void log_mac_later(struct log_src *s, uint32_t ip, uint8_t mac[6])
{
	struct log_ipmap *m = ip ? ip_slot(s->set, ip) : NULL;
	if (m && m->ip) {
		memcpy(mac, m->mac, 6);
		return;
	}
	memset(mac, 0, 6);
	s->defer_ip = ip;
}

bool log_resolve(struct log_src *s, struct pnb_event *ev, uint32_t ip)
{
	uint8_t mac[6];
	if (!log_ip_mac(s->set, ip, mac))
		return false;
	switch (ev->kind) {
	case EV_TFTP_XFER:
		memcpy(ev->u.xfer.client_mac, mac, 6);
		memcpy(ev->dst_mac, mac, 6);
		break;
	case EV_ARP:
		memcpy(ev->u.arp.sha, mac, 6);
		memcpy(ev->src_mac, mac, 6);
		break;
	case EV_RPC:
		memcpy(ev->u.rpc.reply ? ev->dst_mac : ev->src_mac, mac, 6);
		break;
	default:
		memcpy(ev->src_mac, mac, 6);
		break;
	}
	return true;
}

bool log_ip_mac(struct log_set *set, uint32_t ip, uint8_t mac[6])
{
	struct log_ipmap *m = ip ? ip_slot(set, ip) : NULL;
	if (m && m->ip) {
		memcpy(mac, m->mac, 6);
		return true;
	}
	if (!set->has_last_boot)
		return false;
	/* A proxy DHCP server's log names the Pi by MAC and its TFTP log by IP; the address came
	 * from another server. The Pi that got the last boot offer is the best guess: say so. */
	memcpy(mac, set->last_boot_mac, 6);
	log_ip_learn(set, ip, mac);
	char a[16], ms[18];
	ipv4_format(ip, a);
	mac_format(mac, ':', ms);
	log_note(set,
		 "no DHCP line names the MAC of %s: taken as %s, the Pi that got the last boot "
		 "offer (add the address server's log to be sure)",
		 a, ms);
	return true;
}

const char *log_tftp_rel(struct log_set *set, const char *path)
{
	if (set->tftp_root && strncmp(path, set->tftp_root, set->root_len) == 0 &&
	    path[set->root_len] == '/')
		return path + set->root_len + 1;
	if (path[0] != '/')
		return path;
	/* Not given: the root is what comes before the Pi's directory (8 hex digits, or a MAC
	 * with dashes) or before a file the loaders ask for in the root. */
	static const char *const top[] = {"bootcode.bin", "bootsig.bin", "start.elf", "start4.elf",
					  "config.txt", "autoboot.txt", "recovery.elf",
					  "recover4.elf", "fixup.dat", "fixup4.dat", "pieeprom.sig"};
	const char *best = NULL;
	for (const char *p = path; (p = strchr(p, '/')); p++) {
		const char *c = p + 1, *e = strchr(c, '/');
		size_t n = e ? (size_t)(e - c) : strlen(c);
		bool hex8 = n == 8, macd = n == 17;
		for (size_t i = 0; i < n && (hex8 || macd); i++) {
			bool hx = (c[i] >= '0' && c[i] <= '9') || (c[i] >= 'a' && c[i] <= 'f');
			hex8 = hex8 && hx;
			macd = macd && (i % 3 == 2 ? c[i] == '-' : hx);
		}
		if (e && (hex8 || macd)) {
			best = c;
			break;
		}
		if (!e)
			for (size_t i = 0; i < PNB_ARRAY_LEN(top); i++)
				if (strcmp(c, top[i]) == 0)
					best = c;
	}
	if (!best)
		return path;
	if (!set->noted_root && best - path > 1) {
		set->noted_root = true;
		log_note(set, "TFTP root taken as %.*s (from the file names; --site gives it)",
			 (int)(best - path - 1), path);
		/* The same root for every later path of the set. */
		free(set->tftp_root);
		set->tftp_root = xstrndup(path, (size_t)(best - path - 1));
		set->root_len = strlen(set->tftp_root);
	}
	return best;
}

void log_kernel_sent(struct log_set *set, const uint8_t mac[6], const char *file)
{
	static const uint8_t zero[6];
	if (!memcmp(mac, zero, 6))
		return; /* not known yet (see log_mac_later) */
	const char *b = strrchr(file, '/');
	b = b ? b + 1 : file;
	if (strncmp(b, "kernel", 6) != 0 && strncmp(b, "vmlinuz", 7) != 0 &&
	    strncmp(b, "zImage", 6) != 0 && strcmp(b, "Image") != 0)
		return;
	for (size_t i = 0; i < set->n_ksent; i++)
		if (memcmp(set->ksent[i], mac, 6) == 0)
			return;
	if (set->n_ksent < PNB_ARRAY_LEN(set->ksent))
		memcpy(set->ksent[set->n_ksent++], mac, 6);
}

void log_guess_class(struct log_src *s, struct ev_dhcp *h)
{
	struct log_set *set = s->set;
	for (size_t i = 0; i < set->n_ksent; i++)
		if (memcmp(set->ksent[i], h->chaddr, 6) == 0)
			return; /* Linux's own DHCP: no class */
	h->vendor_class = log_keep(s, "PXEClient", 9);
	if (!set->noted_class) {
		set->noted_class = true;
		log_note(set, "%s: the DHCP lines do not show the vendor class (dnsmasq without "
			      "log-dhcp, dhcpd, Kea): a request before the Pi's kernel was sent is taken as its "
			      "boot ROM's",
			 s->name);
	}
}

void log_note_undumped(struct log_src *s)
{
	if (s->set->noted_opts)
		return;
	s->set->noted_opts = true;
	log_note(s->set, "%s: offers are logged without their options: an offer is taken to carry "
			 "no PXE menu (option 43) unless the log says it did; a Pi that ignores it "
			 "agrees, one that acts on it overrules",
		 s->name);
}

