/* stp — Spanning Tree BPDUs (IEEE 802.1D / 802.1w / 802.1s), carried in 802.3 LLC frames
 * (DSAP 0x42) to 01:80:c2:00:00:00. A switch port running classic STP blocks for ~30 s after
 * link-up, longer than the Pi ROM waits for DHCP: presence alone is evidence.
 *
 *  proto id(2)=0 version(1) type(1) flags(1) root id(8) root cost(4) bridge id(8) port(2)
 *  msg age(2) max age(2) hello(2) forward delay(2)   (times in 1/256 s)
 */
#include "capture/dec.h"

void stp_decode(struct dctx *c, const uint8_t *p, size_t len)
{
	struct cur k = cur_make(p, len);
	uint16_t proto = cur_be16(&k);
	struct pnb_event ev;
	dec_event_init(c, &ev, EV_STP);
	ev.u.stp.version = cur_u8(&k);
	ev.u.stp.bpdu_type = cur_u8(&k);
	if (k.trunc || proto != 0) {
		dec_truncated(c, "STP BPDU cut short");
		return;
	}
	if (ev.u.stp.bpdu_type != 0x80) { /* TCN BPDUs stop after the type */
		ev.u.stp.flags = cur_u8(&k);
		cur_skip(&k, 8 + 4 + 8 + 2 + 2 + 2 + 2);
		uint16_t fd = cur_be16(&k);
		if (!k.trunc)
			ev.u.stp.forward_delay = fd / 256;
	}
	dec_emit(c, &ev);
}
