/* decode — the packet decoder: link-layer frames in, typed events (capture/event.h) out.
 * One decoder per capture; it keeps the flow state that spans packets (TFTP transfers across
 * the TID port change, iSCSI and RPC-over-TCP streams, RPC calls waiting for replies), all in
 * bounded tables that evict the oldest flow. Nothing is printed here: events and per-packet
 * summaries go to the callbacks the caller installs. */
#ifndef PNB_CAPTURE_DECODE_H
#define PNB_CAPTURE_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "capture/event.h"

/* Link types we decode (values of pcap_datalink()). */
enum {
	PNB_DLT_EN10MB = 1,
	PNB_DLT_RAW = 12,     /* raw IP (libpcap maps LINKTYPE_RAW 101 to this on Linux) */
	PNB_DLT_RAW_BSD = 14, /* DLT_RAW on OpenBSD */
	PNB_DLT_LINUX_SLL = 113,
	PNB_DLT_IPV4 = 228,
	PNB_DLT_LINUX_SLL2 = 276
};

/* What the decoder learned about one packet; handed to the packet callback after the
 * packet's events, so a printer can write one line per packet. Pointers are valid only during
 * the callback. */
struct pnb_packet {
	uint64_t frame;
	struct timeval ts;
	uint32_t caplen, wirelen;
	uint8_t src_mac[6], dst_mac[6];
	uint16_t vlan;
	uint16_t ethertype;        /* 0 for 802.3 LLC frames */
	bool ip;                   /* IPv4 header decoded */
	bool fragment;             /* a non-first IPv4 fragment (counted, not decoded) */
	uint8_t ipproto;           /* 6 TCP, 17 UDP, … */
	uint32_t src_ip, dst_ip;   /* host order */
	uint16_t sport, dport;
	uint8_t tcp_flags;         /* FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 */
	uint32_t tcp_seq, tcp_ack;
	uint32_t payload_len;      /* UDP / TCP payload bytes on the wire (per the headers; may
				      be more than was captured) */
	uint32_t l4_wire_len;      /* IPv4 total length minus the IP header */
	unsigned n_events;         /* events this packet produced */
	const char *trunc_why;     /* set when the packet was cut short / malformed */
	const char *dlt_unknown;   /* set when the link type is not decoded */
	bool raw;                  /* raw IP link type: there are no MAC addresses */
};

typedef void (*pnb_packet_fn)(const struct pnb_packet *pkt, void *user);

struct decoder_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t fragments;        /* non-first IPv4 fragments */
	uint64_t truncated;        /* packets cut short or malformed */
	uint64_t events[EV_KIND_COUNT];
	uint64_t flows_evicted;    /* flow-table entries dropped to stay bounded */
};

struct pnb_decoder;

/* Creates a decoder that calls ev_fn for every event (may be NULL) and pkt_fn after every
 * packet (may be NULL). The caller owns the result; free with decoder_free. */
struct pnb_decoder *decoder_new(pnb_event_fn ev_fn, pnb_packet_fn pkt_fn, void *user);
void decoder_free(struct pnb_decoder *d);
/* Decodes one captured frame of link type dlt. frame numbers count from 1 in call order. */
void decoder_packet(struct pnb_decoder *d, int dlt, const struct timeval *ts, uint32_t caplen,
		    uint32_t wirelen, const uint8_t *bytes);
/* Time passes without packets (live capture idle): ends idle TFTP transfers (EV_TFTP_XFER). */
void decoder_tick(struct pnb_decoder *d, struct timeval now);
/* End of input: every transfer still open ends now (timeout or incomplete). */
void decoder_finish(struct pnb_decoder *d);
const struct decoder_stats *decoder_stats(const struct pnb_decoder *d);
/* True when the link type is one decoder_packet understands. */
bool decoder_dlt_supported(int dlt);

/* Names for printers. */
#define TFTP_ERROR_CODES 9 /* named codes: RFC 1350's 0-7 and RFC 2347's 8 */
const char *tftp_error_name(uint16_t code);      /* "File not found" … */
const char *iscsi_opcode_name(uint8_t opcode);   /* "Login Request" … */
const char *iscsi_login_status_name(uint8_t cls, uint8_t detail);
const char *scsi_opcode_name(uint8_t op);        /* "READ(10)" … */
const char *dhcp_msg_name(uint8_t type);         /* "Discover" … */
const char *rpc_prog_name(uint32_t prog);        /* "portmap", "MOUNT", "NFS" */
const char *rpc_proc_name(uint32_t prog, uint32_t vers, uint32_t proc);
const char *nfs_status_name(uint32_t st);        /* "OK", "NOENT", "ACCES", "STALE" … */

#endif
