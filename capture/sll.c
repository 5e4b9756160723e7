/* sll — Linux "cooked" capture headers, as written by `tcpdump -i any` (libpcap pcap-linktype).
 *
 * SLL  (DLT 113, 16 bytes): packet type(2) ARPHRD(2) addr len(2) addr(8) protocol(2)
 * SLL2 (DLT 276, 20 bytes): protocol(2) rsvd(2) ifindex(4) ARPHRD(2) packet type(1)
 *                           addr len(1) addr(8)
 * The link-layer address is the sender's; the destination is not recorded.
 */
#include <string.h>

#include "capture/dec.h"

static void sll_addr(struct dctx *c, const uint8_t addr[8], unsigned alen)
{
	if (alen == 6)
		memcpy(c->pkt.src_mac, addr, 6);
}

void sll_decode(struct dctx *c, const uint8_t *p, size_t len)
{
	struct cur k = cur_make(p, len);
	uint8_t addr[8];
	cur_skip(&k, 4); /* packet type, ARPHRD type */
	unsigned alen = cur_be16(&k);
	cur_copy(&k, addr, 8);
	uint16_t proto = cur_be16(&k);
	if (k.trunc) {
		dec_truncated(c, "Linux cooked header cut short");
		return;
	}
	sll_addr(c, addr, alen);
	ethertype_decode(c, proto, k.p, cur_left(&k));
}

void sll2_decode(struct dctx *c, const uint8_t *p, size_t len)
{
	struct cur k = cur_make(p, len);
	uint8_t addr[8];
	uint16_t proto = cur_be16(&k);
	cur_skip(&k, 2 + 4 + 2 + 1); /* reserved, ifindex, ARPHRD type, packet type */
	unsigned alen = cur_u8(&k);
	cur_copy(&k, addr, 8);
	if (k.trunc) {
		dec_truncated(c, "Linux cooked v2 header cut short");
		return;
	}
	sll_addr(c, addr, alen);
	ethertype_decode(c, proto, k.p, cur_left(&k));
}
