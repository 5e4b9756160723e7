/* ether — Ethernet II and IEEE 802.3 frames, 802.1Q VLAN tags (IEEE 802.3, 802.1Q).
 *
 *  0        6        12     14
 *  +--------+--------+------+---------
 *  |  dst   |  src   | type | payload        type 0x8100: TCI(2) type(2) follow
 *  +--------+--------+------+---------       type <= 1500: 802.3 length, LLC header follows
 */
#include <string.h>

#include "capture/dec.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8

void ethertype_decode(struct dctx *c, uint16_t type, const uint8_t *p, size_t len)
{
	struct cur k = cur_make(p, len);
	/* Up to two stacked tags (Q-in-Q); the innermost VLAN id is the one reported. */
	for (int i = 0; i < 2 && (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ); i++) {
		uint16_t tci = cur_be16(&k);
		type = cur_be16(&k);
		if (k.trunc) {
			dec_truncated(c, "802.1Q tag cut short");
			return;
		}
		c->pkt.vlan = tci & 0x0fff;
	}
	c->pkt.ethertype = type;
	if (type == ETHERTYPE_IPV4)
		ipv4_decode(c, k.p, cur_left(&k));
	else if (type == ETHERTYPE_ARP)
		arp_decode(c, k.p, cur_left(&k));
}

void ether_decode(struct dctx *c, const uint8_t *p, size_t len)
{
	struct cur k = cur_make(p, len);
	cur_copy(&k, c->pkt.dst_mac, 6);
	cur_copy(&k, c->pkt.src_mac, 6);
	uint16_t type = cur_be16(&k);
	if (k.trunc) {
		dec_truncated(c, "Ethernet header cut short");
		return;
	}
	if (type <= 1500) {
		/* 802.3: the length field, then LLC. Trailer padding is not payload. */
		size_t n = cur_left(&k) < type ? cur_left(&k) : type;
		if (n >= 3 && k.p[0] == 0x42 && k.p[1] == 0x42 && k.p[2] == 0x03)
			stp_decode(c, k.p + 3, n - 3);
		return;
	}
	ethertype_decode(c, type, k.p, cur_left(&k));
}
