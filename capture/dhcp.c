/* dhcp — BOOTP/DHCP (RFC 951, 2131, 2132), PXE (RFC 4578, PXE 2.1) and the Raspberry Pi's
 * option 97. Options are walked in two passes (the meaning of 43 depends on 60, which may come
 * later), option 52 overload is followed (options, then file, then sname: RFC 2131 §4.1), and
 * every length is checked against its enclosing area.
 *
 *  op htype hlen hops | xid(4) | secs(2) flags(2) | ciaddr yiaddr siaddr giaddr |
 *  chaddr(16) | sname(64) | file(128) | cookie 63 82 53 63 | options: code len value … 255
 */
#include <string.h>

#include "capture/dec.h"
#include "core/base/util.h"

#define BOOTP_FIXED 236
#define DHCP_COOKIE 0x63825363u

struct dhcp_walk {
	struct pnb_event *ev;
	const char *why;   /* first malformation seen */
};

static struct pnb_bytes bytes_of(const uint8_t *p, size_t n)
{
	struct pnb_bytes b = {n ? p : NULL, (uint16_t)n};
	return b;
}

/* Printable C-string field of fixed size: up to the first NUL. */
static struct pnb_bytes fixed_string(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n && p[i])
		i++;
	return bytes_of(p, i);
}

/* Option 97 the Pi way: type 0, then either FourCC "RPi4"/"RPi5", board revision (LE), the
 * MAC's low 4 bytes, serial (LE); or (DHCP_OPTION97=0, 3B+) the serial repeated four times. */
void dhcp_pi_guid_decode(struct ev_dhcp *d)
{
	const uint8_t *g = d->client_guid.p;
	if (d->client_guid.len != 17 || g[0] != 0)
		return;
	g++;
	if (g[0] == 'R' && g[1] == 'P' && g[2] == 'i' && g[3] >= '0' && g[3] <= '9') {
		memcpy(d->pi_fourcc, g, 4);
		d->pi_fourcc[4] = 0;
		d->pi_revision = le32_at(g + 4);
		d->pi_serial = le32_at(g + 12);
		d->pi_guid = true;
	} else if (!memcmp(g, g + 4, 4) && !memcmp(g, g + 8, 4) && !memcmp(g, g + 12, 4) &&
		   le32_at(g) != 0x44444444u && le32_at(g) != 0) {
		d->pi_serial = le32_at(g);
		d->pi_guid = true;
	}
}

/* The next option of an area laid out as DHCP options are (RFC 2132 §2; PXE sub-options too):
 * code 0 is padding, 255 ends the area, any other code has a length byte and that many bytes.
 * Returns 1 with *code and the value in *v, 0 at the end, -1 when an option runs past the area. */
static int option_next(struct cur *k, uint8_t *code, struct cur *v)
{
	while (cur_left(k) > 0) {
		uint8_t c = cur_u8(k);
		if (c == 0)
			continue;
		if (c == 255)
			return 0;
		uint8_t n = cur_u8(k);
		if (k->trunc || !cur_has(k, n))
			return -1;
		*code = c;
		*v = cur_sub(k, n);
		return 1;
	}
	return 0;
}

/* PXE sub-options inside option 43 (PXE 2.1): TLVs bounded by the option's own length. */
void dhcp_pxe_decode(struct ev_dhcp *d)
{
	struct cur k = cur_make(d->vendor_opts.p, d->vendor_opts.len), v;
	uint8_t code;
	int more;
	d->pxe_valid = true;
	while ((more = option_next(&k, &code, &v)) > 0) {
		size_t n = cur_left(&v);
		if (code == 6 && n >= 1) {
			d->has_pxe_discovery = true;
			d->pxe_discovery = v.p[0];
		} else if (code == 9 && !d->has_pxe_menu && n >= 3) {
			d->pxe_menu_type = cur_be16(&v);
			uint8_t dl = cur_u8(&v);
			if (!cur_has(&v, dl)) {
				d->pxe_valid = false;
				return;
			}
			d->has_pxe_menu = true;
			d->pxe_menu_text = bytes_of(v.p, dl);
		} else if (code == 10 && n >= 1) {
			d->pxe_prompt = bytes_of(v.p + 1, (uint16_t)(n - 1));
		}
	}
	if (more < 0)
		d->pxe_valid = false;
}

static void option_store(struct ev_dhcp *d, uint8_t code, const uint8_t *v, uint8_t n)
{
	d->n_options++;
	if (d->n_opts_stored < PNB_ARRAY_LEN(d->opts)) {
		d->opts[d->n_opts_stored].code = code;
		d->opts[d->n_opts_stored].val = bytes_of(v, n);
		d->n_opts_stored++;
	}
	struct pnb_bytes b = bytes_of(v, n);
#define FIRST(field) \
	do { \
		if (!d->field.len) \
			d->field = b; \
	} while (0)
	switch (code) {
	case 1: if (n == 4 && !d->subnet_mask) d->subnet_mask = at_be32(v, n, 0); break;
	case 3: if (n >= 4 && !d->router) d->router = at_be32(v, n, 0); break;
	case 43: FIRST(vendor_opts); break;
	case 50: if (n == 4 && !d->requested_ip) d->requested_ip = at_be32(v, n, 0); break;
	case 52: d->overload_used = true; break;
	case 53: if (n >= 1 && !d->msg_type) d->msg_type = v[0]; break;
	case 54: if (n == 4 && !d->server_id) d->server_id = at_be32(v, n, 0); break;
	case 55: FIRST(param_list); break;
	case 60: FIRST(vendor_class); break;
	case 66: FIRST(tftp_server); break;
	case 67: FIRST(bootfile); break;
	case 93:
		if (n >= 2 && !d->has_arch) {
			d->has_arch = true;
			d->client_arch = (uint16_t)(v[0] << 8 | v[1]);
		}
		break;
	case 97: FIRST(client_guid); break;
	default: break;
	}
#undef FIRST
}

/* Walks one option area. Returns the option 52 value seen in it (0 = none). */
static uint8_t options_walk(struct dhcp_walk *w, const uint8_t *p, size_t len)
{
	struct cur k = cur_make(p, len), v;
	uint8_t code, overload = 0;
	int more;
	while ((more = option_next(&k, &code, &v)) > 0) {
		uint8_t n = (uint8_t)cur_left(&v);
		if (code == 52 && n >= 1)
			overload = v.p[0];
		option_store(&w->ev->u.dhcp, code, v.p, n);
	}
	if (more < 0 && !w->why)
		w->why = "DHCP option runs past the end of the packet";
	return overload;
}

void dhcp_decode(struct dctx *c, const uint8_t *p, size_t len)
{
	if (len < BOOTP_FIXED) {
		dec_truncated(c, "BOOTP header cut short");
		return;
	}
	struct pnb_event ev;
	dec_event_init(c, &ev, EV_DHCP);
	struct ev_dhcp *d = &ev.u.dhcp;
	memset(d, 0, sizeof(*d));
	struct cur k = cur_make(p, len);
	d->op = cur_u8(&k);
	d->htype = cur_u8(&k);
	d->hlen = cur_u8(&k);
	d->hops = cur_u8(&k);
	d->xid = cur_be32(&k);
	d->secs = cur_be16(&k);
	d->flags = cur_be16(&k);
	d->ciaddr = cur_be32(&k);
	d->yiaddr = cur_be32(&k);
	d->siaddr = cur_be32(&k);
	d->giaddr = cur_be32(&k);
	cur_copy(&k, d->chaddr, 6);
	const uint8_t *sname = p + 44, *file = p + 108;
	struct dhcp_walk w = {&ev, NULL};
	uint8_t overload = 0;
	d->cookie = at_be32(p, len, BOOTP_FIXED) == DHCP_COOKIE;
	if (d->cookie)
		overload = options_walk(&w, p + 240, len - 240);
	if (overload & 1)
		options_walk(&w, file, 128);
	else
		d->file = fixed_string(file, 128);
	if (overload & 2)
		options_walk(&w, sname, 64);
	else
		d->sname = fixed_string(sname, 64);
	if (d->vendor_opts.len && d->vendor_class.len >= 9 &&
	    !memcmp(d->vendor_class.p, "PXEClient", 9))
		dhcp_pxe_decode(d);
	dhcp_pi_guid_decode(d);
	dec_emit(c, &ev);
	if (w.why)
		dec_truncated(c, w.why);
}

const char *dhcp_msg_name(uint8_t type)
{
	static const char *const names[] = {"BOOTP", "Discover", "Offer", "Request", "Decline",
					    "ACK", "NAK", "Release", "Inform", "ForceRenew",
					    "LeaseQuery", "LeaseUnassigned", "LeaseUnknown",
					    "LeaseActive"};
	return type < PNB_ARRAY_LEN(names) ? names[type] : "Unknown";
}
