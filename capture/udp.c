/* udp — UDP (RFC 768) and the choice of application decoder: DHCP on 67/68/4011, TFTP on 69
 * and on the ports of transfers it is tracking, NETCONSOLE to 6666, ONC RPC on 111/2049 and
 * wherever a call or a learned MOUNT port says so.
 *
 *  src port(2) dst port(2) length(2) checksum(2)   (length covers the header)
 */
#include "capture/dec.h"

static bool port_is(const struct pnb_packet *p, uint16_t port)
{
	return p->sport == port || p->dport == port;
}

void udp_decode(struct dctx *c, const uint8_t *p, size_t len)
{
	struct cur k = cur_make(p, len);
	c->pkt.sport = cur_be16(&k);
	c->pkt.dport = cur_be16(&k);
	uint16_t ulen = cur_be16(&k);
	cur_skip(&k, 2);
	if (k.trunc) {
		dec_truncated(c, "UDP header cut short");
		return;
	}
	size_t n = cur_left(&k);
	if (ulen >= 8 && (size_t)ulen - 8 < n)
		n = (size_t)ulen - 8; /* the UDP length wins over trailing bytes */
	uint32_t wire = ulen >= 8 ? (uint32_t)ulen - 8 : (uint32_t)n;
	if (c->pkt.l4_wire_len >= 8 && wire > c->pkt.l4_wire_len - 8)
		wire = c->pkt.l4_wire_len - 8; /* a UDP length beyond the IP packet is bogus */
	c->pkt.payload_len = wire < n ? (uint32_t)n : wire;
	const uint8_t *pl = k.p;
	const struct pnb_packet *pk = &c->pkt;
	if (port_is(pk, 67) || port_is(pk, 68) || port_is(pk, 4011))
		dhcp_decode(c, pl, n);
	else if (port_is(pk, 69) || tftp_claims(c))
		tftp_decode(c, pl, n);
	else if (pk->dport == 6666)
		netconsole_decode(c, pl, n);
	else if (port_is(pk, 111) || port_is(pk, 2049) || rpc_claims(c, pl, n))
		rpc_decode(c, pl, n);
}
