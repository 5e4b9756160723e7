/* arp — Address Resolution Protocol for IPv4 over Ethernet (RFC 826).
 *
 *  htype(2)=1 ptype(2)=0x0800 hlen(1)=6 plen(1)=4 op(2) sha(6) spa(4) tha(6) tpa(4)
 */
#include "capture/dec.h"

void arp_decode(struct dctx *c, const uint8_t *p, size_t len)
{
	struct cur k = cur_make(p, len);
	uint16_t htype = cur_be16(&k), ptype = cur_be16(&k);
	uint8_t hlen = cur_u8(&k), plen = cur_u8(&k);
	if (k.trunc) {
		dec_truncated(c, "ARP header cut short");
		return;
	}
	if (htype != 1 || ptype != 0x0800 || hlen != 6 || plen != 4)
		return; /* not Ethernet/IPv4 ARP: nothing the monitor uses */
	struct pnb_event ev;
	dec_event_init(c, &ev, EV_ARP);
	ev.u.arp.op = cur_be16(&k);
	cur_copy(&k, ev.u.arp.sha, 6);
	ev.u.arp.spa = cur_be32(&k);
	cur_copy(&k, ev.u.arp.tha, 6);
	ev.u.arp.tpa = cur_be32(&k);
	if (k.trunc) {
		dec_truncated(c, "ARP message cut short");
		return;
	}
	dec_emit(c, &ev);
}
