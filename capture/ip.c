/* ip — IPv4 (RFC 791). The payload is clamped to the total length, so Ethernet padding never
 * reaches a decoder. Non-first fragments are counted and not decoded (their ports are unknown);
 * a first fragment is decoded as far as it goes.
 *
 *  ver/ihl(1) tos(1) total len(2) id(2) flags/frag off(2) ttl(1) proto(1) cksum(2)
 *  src(4) dst(4) [options]
 */
#include "capture/dec.h"

void ipv4_decode(struct dctx *c, const uint8_t *p, size_t len)
{
	struct cur k = cur_make(p, len);
	uint8_t vihl = cur_u8(&k);
	cur_skip(&k, 1);
	uint16_t total = cur_be16(&k);
	cur_skip(&k, 2);
	uint16_t frag = cur_be16(&k);
	cur_skip(&k, 1);
	uint8_t proto = cur_u8(&k);
	cur_skip(&k, 2);
	uint32_t src = cur_be32(&k), dst = cur_be32(&k);
	if (k.trunc) {
		dec_truncated(c, "IPv4 header cut short");
		return;
	}
	size_t ihl = (size_t)(vihl & 0x0f) * 4;
	if ((vihl >> 4) != 4 || ihl < 20 || total < ihl) {
		dec_truncated(c, "IPv4 header invalid (version, header or total length)");
		return;
	}
	c->pkt.ip = true;
	c->pkt.l4_wire_len = total - (uint32_t)ihl;
	c->pkt.ipproto = proto;
	c->pkt.src_ip = src;
	c->pkt.dst_ip = dst;
	if (frag & 0x1fff) {
		c->pkt.fragment = true;
		c->stats->fragments++;
		return;
	}
	size_t n = total < len ? total : len;
	if (ihl > n) {
		dec_truncated(c, "IPv4 options cut short");
		return;
	}
	if (proto == 17)
		udp_decode(c, p + ihl, n - ihl);
	else if (proto == 6)
		tcp_decode(c, p + ihl, n - ihl);
}
