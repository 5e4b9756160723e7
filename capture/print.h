/* print — the monitor's printers: one text line per packet (tcpdump -v style, Pi-aware) and
 * JSON lines (one object per event). Output goes through a struct pnb_out callback, so the
 * wizard's pane, stdout or a file all work; nothing here knows about terminals. */
#ifndef PNB_CAPTURE_PRINT_H
#define PNB_CAPTURE_PRINT_H

#include "capture/decode.h"
#include "capture/event.h"
#include "capture/fmt.h"

/* Wraps a FILE * (stdout) as a pnb_out. */
struct pnb_out pnb_out_file(void *file);

/* Text: feed it every event and every packet (decoder callbacks); it writes
 *   HH:MM:SS.uuuuuu #FRAME SRC > DST: SUMMARY[; SUMMARY…]
 * per packet, and one extra line per ended TFTP transfer. Caller owns the printer. */
struct text_printer;
struct text_printer *text_printer_new(const struct pnb_out *out);
void text_printer_free(struct text_printer *tp);
void text_printer_event(struct text_printer *tp, const struct pnb_event *ev);
void text_printer_packet(struct text_printer *tp, const struct pnb_packet *pkt);
/* One event that came without a packet (a log line): its own line,
 *   HH:MM:SS.uuuuuu ORIGIN SUMMARY
 * origin says where it came from ("dnsmasq.log:12"; NULL: "event"). */
void text_printer_event_line(struct text_printer *tp, const struct pnb_event *ev,
			     const char *origin);
/* Writes what is pending (transfer ends from decoder_finish / decoder_tick). */
void text_printer_flush(struct text_printer *tp);
/* The summary part of one event ("DHCP Offer xid 0x… …"), for the wizard's timeline. */
void text_event_summary(struct line *l, const struct pnb_event *ev);

/* JSON lines: one object per event, fields documented in pinetboot(1) (JSON OUTPUT). */
struct json_printer;
struct json_printer *json_printer_new(const struct pnb_out *out);
void json_printer_free(struct json_printer *jp);
void json_printer_event(struct json_printer *jp, const struct pnb_event *ev);

/* The first value of DHCP option code in d (as stored in d->opts), or an empty range. */
struct pnb_bytes dhcp_option(const struct ev_dhcp *d, uint8_t code);

/* The kind names used in both outputs: "dhcp", "arp", "tftp", "tftp_xfer", … */
const char *event_kind_name(enum pnb_event_kind k);
const char *xfer_end_name(enum tftp_xfer_end e); /* "complete", "error", "aborted", "timeout" */

#endif
