/* netconsole — the Pi 4/5 bootloader's UDP log (NETCONSOLE= in the EEPROM config, Linux
 * netconsole format: plain text lines, source 6665 to 6666 by default). One datagram may hold
 * several lines; each becomes an EV_NETCONSOLE without its line ending. */
#include <string.h>

#include "capture/dec.h"

void netconsole_decode(struct dctx *c, const uint8_t *p, size_t len)
{
	struct cur k = cur_make(p, len);
	while (cur_left(&k) > 0) {
		const uint8_t *nl = memchr(k.p, '\n', cur_left(&k));
		size_t n = nl ? (size_t)(nl - k.p) : cur_left(&k);
		size_t l = n;
		while (l && (k.p[l - 1] == '\r' || k.p[l - 1] == 0))
			l--;
		if (l) {
			struct pnb_event ev;
			dec_event_init(c, &ev, EV_NETCONSOLE);
			ev.u.netconsole.line.p = k.p;
			ev.u.netconsole.line.len = (uint16_t)(l > 65535 ? 65535 : l);
			dec_emit(c, &ev);
		}
		cur_skip(&k, nl ? n + 1 : n);
	}
}
