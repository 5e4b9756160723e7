/* tcp — TCP (RFC 793) for the ports the monitor watches: iSCSI (3260, 860), NFS (2049),
 * portmap (111) and learned MOUNT ports. SYN, RST and FIN become EV_TCP (refused logins show
 * as RST); payloads go to the stream decoders, which reassemble.
 *
 *  src(2) dst(2) seq(4) ack(4) off/flags(2) window(2) cksum(2) urg(2) [options]
 */
#include "capture/dec.h"

bool rpc_port_known(struct dctx *c, uint16_t port);

static bool watched(struct dctx *c, uint16_t port)
{
	return port == 3260 || port == 860 || port == 2049 || port == 111 ||
	       rpc_port_known(c, port);
}

void tcp_decode(struct dctx *c, const uint8_t *p, size_t len)
{
	struct cur k = cur_make(p, len);
	struct pnb_packet *pk = &c->pkt;
	pk->sport = cur_be16(&k);
	pk->dport = cur_be16(&k);
	pk->tcp_seq = cur_be32(&k);
	pk->tcp_ack = cur_be32(&k);
	uint8_t off = cur_u8(&k);
	pk->tcp_flags = cur_u8(&k);
	if (k.trunc) {
		dec_truncated(c, "TCP header cut short");
		return;
	}
	size_t hlen = (size_t)(off >> 4) * 4;
	if (hlen < 20 || hlen > len) {
		dec_truncated(c, "TCP header length invalid or cut short");
		return;
	}
	pk->payload_len = pk->l4_wire_len > hlen ? pk->l4_wire_len - (uint32_t)hlen : 0;
	if (pk->payload_len < len - hlen)
		pk->payload_len = (uint32_t)(len - hlen);
	if (!watched(c, pk->sport) && !watched(c, pk->dport))
		return;
	if (pk->tcp_flags & 0x07) { /* FIN, SYN, RST */
		struct pnb_event ev;
		dec_event_init(c, &ev, EV_TCP);
		ev.u.tcp.fin = pk->tcp_flags & 0x01;
		ev.u.tcp.syn = pk->tcp_flags & 0x02;
		ev.u.tcp.rst = pk->tcp_flags & 0x04;
		ev.u.tcp.ack = pk->tcp_flags & 0x10;
		ev.u.tcp.seq = pk->tcp_seq;
		dec_emit(c, &ev);
	}
	if (pk->sport == 3260 || pk->dport == 3260 || pk->sport == 860 || pk->dport == 860)
		iscsi_decode(c, p + hlen, len - hlen);
	else
		rpc_tcp_decode(c, p + hlen, len - hlen);
}
