/* log_int — what the log parsers share (internal to capture/log_*.c): one source's state, the
 * split line (time, program, message), the queue of events a line produced and the helpers
 * that build events. Every parser reads only the NUL-terminated message it is given and writes
 * events through log_ev(); bytes an event points at live in the line or in the source's
 * per-line scratch, both valid until the line's events are delivered. */
#ifndef PNB_CAPTURE_LOG_INT_H
#define PNB_CAPTURE_LOG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "capture/event.h"
#include "capture/log.h"
#include "capture/tftp_count.h"

#define LOG_QMAX 16
#define LOG_SCRATCH 8192
#define LOG_IPMAP 4096 /* power of two; cleared when 3/4 full (bounded memory) */

struct log_line {
	char *msg;            /* message after the prefix, NUL-terminated, may be edited */
	char prog[32];        /* syslog tag without [pid]: "dnsmasq-dhcp", "" when none */
	struct timeval ts;
	bool has_ts;
	bool abs_ts;          /* a wall-clock time (not seconds since boot, not none) */
	bool kernel_ts;       /* "[ 1.234]": seconds since the kernel started */
};

/* A DHCP reply (or request) being gathered over several lines: dnsmasq's log-dhcp block keyed
 * by xid, or the Pi 4/5 bootloader's "DHCP src:" dump. Flushed into one EV_DHCP. */
struct log_dhcp_acc {
	bool open;
	uint64_t frame;
	struct timeval ts;
	uint32_t xid;
	struct ev_dhcp h;
	uint8_t src_mac[6], dst_mac[6];
	uint32_t src_ip, dst_ip;
	uint8_t opt43[255];
	uint8_t opt43_len;
	uint8_t vclass[64];
	uint8_t vclass_len;
	uint8_t menu[64];
	uint8_t menu_len;
	uint8_t opt66[64];     /* TFTP server name, as text */
	uint8_t opt66_len;
	uint8_t hex_sub;       /* UART: the PXE sub-option whose hex dump follows */
	uint8_t hex_left;
	uint8_t opt43_cut;     /* dnsmasq: option 43 shown shortened ("...") */
	bool sent_seen;        /* dnsmasq: the reply's send time is known */
	bool dump43, in43;     /* dhcpdump: a block is open / option 43's hex goes on */
	/* tshark -V: every field is shown, so the message is whole (not log_partial) */
	bool detail;
	uint8_t guid[17];      /* option 97 as sent (type byte first) */
	uint8_t guid_len;
	uint8_t params[64];    /* option 55 */
	uint8_t n_params;
	char bootfile[128];    /* option 67 */
};

/* dnsmasq log-dhcp: a client's request, held until the dump that belongs to it ends. dnsmasq
 * logs the client's vendor class and host name before the request line, but the parameter list
 * it asked for ("requested options:") only after the reply's line, so the request is sent once
 * those lines (same xid) are over, with all three filled in, and before the reply. One at a time:
 * any line of another transaction, the end of the input, or a followed log that stays quiet for
 * LOG_HOLD_MS sends it. */
struct log_dhcp_req {
	bool open;
	bool replied;          /* the reply's line came: its "requested options:" follow */
	uint64_t frame;
	struct timeval ts;
	uint32_t xid, ip;
	uint8_t type;
	uint8_t mac[6];
	uint8_t vclass[64];
	uint8_t vclass_len;
	uint8_t host[64];      /* option 12 ("client provides name:") */
	uint8_t host_len;
	uint8_t params[64];    /* option 55 ("requested options:") */
	uint8_t n_params;
	int64_t held_ms;       /* monotonic time it was held (LOG_HOLD_MS) */
};
#define LOG_HOLD_MS 1000

/* One packet as tshark shows it (a summary line or a -V block): what log_tshark.c turns into
 * the decoders' events. Ports and MACs are 0 where the text does not show them. */
struct log_tpkt {
	uint64_t frame;
	struct timeval ts;
	uint8_t src_mac[6], dst_mac[6];
	uint32_t src_ip, dst_ip;
	uint16_t sport, dport;
	uint32_t len;          /* the frame's length (summary: DATA payload from it) */
	enum { TP_NONE, TP_TFTP, TP_ARP, TP_TCP, TP_STP } proto;
	/* TFTP */
	uint16_t opcode, block, code;
	bool last;             /* the summary's "(last)" */
	int32_t data_len;      /* -1: not shown */
	int32_t blksize;
	int64_t tsize;
	char file[256], msg[64];
	/* ARP */
	uint16_t arp_op;
	uint32_t spa, tpa;
	/* TCP */
	bool syn, ack, rst, fin;
	uint32_t seq;
	/* STP */
	uint8_t stp_version, bpdu_type, bpdu_flags;
	uint16_t forward_delay;
};

/* One ONC RPC message of a tshark packet (portmap, MOUNT, NFS): the fields are gathered
 * straight into the event it becomes (its path, which the event points at, waits in path[]). */
struct log_trpc {
	struct ev_rpc e;
	char path[256];
};

/* One iSCSI PDU of a tshark packet. */
struct log_tpdu {
	uint8_t op, cdb;
	bool transit, has_status;
	uint8_t csg, nsg;
	uint16_t status;
	uint64_t lun;
	char ini[224], tgt[224], auth[32], stype[16];
};

#define LOG_TXFERS 16
/* A TFTP transfer followed through tshark's packets (the decoder's tracker sees the bytes;
 * here the lines say the same things). */
struct log_txfer {
	bool used, ended;
	uint32_t cip, sip;
	uint16_t cport;        /* 0: the text shows no ports */
	uint8_t mac[6];
	struct tftp_count cnt;
	char file[256];
};

/* What the tshark parsers keep between the lines of one log. */
struct log_tshark {
	struct log_txfer xf[LOG_TXFERS];
	/* -V: the frame being read */
	bool in_frame, frame_dhcp;
	bool blank;            /* the line before was blank */
	int sect;
	struct log_tpkt pkt;
	struct log_tpdu pdu;
	bool pdu_open;
	struct log_trpc rpc;
	bool rpc_open;
	uint8_t opt;           /* the DHCP option whose lines follow */
	uint8_t sub, sub_len;  /* the option 43 sub-option whose value follows */
	bool sub_done;
	/* a summary line under Wireshark's column header: its details may follow (an export
	   "as plain text" with both), and then they are the packet */
	bool after_header, have_held;
	struct log_tpkt held;
	struct log_tpdu held_pdu[4];
	unsigned n_held_pdu;
	bool noted_nomac;
};

struct log_src {
	struct log_set *set;
	unsigned idx;
	int child;                /* journal sources: the ssh or journalctl process, ended on
				     free; its stderr in errfd (an unlinked file) */
	int errfd;
	char *err;                /* why it failed (the command's exit and complaint), or NULL */
	char *name;
	FILE *f;
	bool close_it, eof;
	char *buf;
	size_t cap;
	size_t part;              /* bytes of a stream's line read so far (kept across EAGAIN) */
	bool part_over;           /* ... and it ran past LOG_LINE_MAX */
	bool overlong;            /* the line just read ran past LOG_LINE_MAX: skip it */
	const char *map;          /* a regular file, mapped: lines are copied out of it (no read
				     syscalls or stdio buffer copies on a journal of millions) */
	size_t map_len, map_pos;
	uint64_t lineno;
	struct log_stats st;
	/* time */
	struct timeval last_ts;
	bool have_ts;
	int year;                 /* syslog lines without a year */
	int c_mon, c_day, c_hour, c_min; /* cache of the last syslog minute */
	time_t c_base;
	/* host_tag's last answer: a journal repeats "host prog[pid]: " line after line.
	 * tag_len 0: none kept. */
	char tag_text[96];
	size_t tag_len;
	char tag_prog[32];
	/* the events of the current line, delivered before the next line is read */
	struct pnb_event q[LOG_QMAX];
	uint32_t q_ip[LOG_QMAX];  /* the client address whose MAC an event still needs */
	unsigned nq, qhead;
	uint32_t defer_ip;        /* events of this line wait for that address's MAC */
	uint8_t scratch[LOG_SCRATCH];
	size_t scratch_used;
	/* parser state */
	uint64_t frame;           /* frame of the current line */
	struct timeval ts;        /* time of the current line */
	struct log_dhcp_acc acc;  /* dnsmasq xid block / UART offer dump */
	uint32_t client_xid;      /* dnsmasq: xid of the client facts gathered below */
	uint8_t client_vclass[64];
	uint8_t client_vclass_len;
	uint32_t host_xid;        /* dnsmasq: xid of "client provides name:" below */
	uint8_t client_host[64];
	uint8_t client_host_len;
	struct log_dhcp_req req;  /* dnsmasq: the request held for its dump */
	uint32_t err_ip;          /* dnsmasq-tftp: "error N … received from IP" waiting for its
				     file */
	struct timeval prev_tftp_ts; /* dnsmasq-tftp: the client's previous file ended then */
	uint32_t prev_tftp_ip;
	uint16_t err_code;
	char err_msg[64];
	uint8_t pi_mac[6];        /* the Pi this file is about (UART / kernel console) */
	bool has_pi_mac;
	uint32_t pi_ip, tftp_ip;  /* UART: the address the Pi took and its TFTP server */
	uint8_t tftp_mac[6];
	char uart_file[256];      /* UART: the file of the last TFTP_GET */
	bool uart_dhcp_started;
	bool uart_acked;          /* UART: an ACK was printed since the last offer */
	uint32_t uart_srv;        /* UART: the server whose offer carried an address */
	bool decided, relative;   /* no wall-clock time up to its first event's line */
	bool have_abs;            /* a line so far had a wall-clock time */
	bool late;                /* ... and was the kernel's ("[ 1.234]"): it runs after the
				     boot files, so it goes after the other logs */
	bool anchored;
	bool terminal;            /* its last Pi line ended the boot attempt (a kernel panic,
				     "NETBOOT init failed"): the time after it is silence */
	struct timeval anchor;    /* added to its times once placed among the others */
	bool kernel_dhcp_sent;
	uint32_t iscsi_ip;
	struct log_tshark *tsk;   /* tshark text: allocated on its first line, NULL otherwise */
};

struct log_ipmap {
	uint32_t ip;
	uint8_t mac[6];
};

struct log_set {
	pnb_event_fn fn;
	void *user;
	char *tftp_root;
	size_t root_len;
	struct log_src *src[LOG_MAX_SOURCES];
	size_t n;
	struct log_ipmap ipmap[LOG_IPMAP];  /* client IP → MAC from DHCP lines (open hash) */
	size_t n_ip;
	uint8_t last_boot_mac[6];           /* the Pi that got the last boot offer */
	bool has_last_boot;
	char *notes[16];
	size_t n_notes;
	bool noted_year, noted_ipguess, noted_tod, noted_root, noted_class, noted_opts;
	struct timeval last_delivered;
	int year_hint;                      /* the year of a dated line of another log */
	uint8_t ksent[64][6];               /* Pis whose kernel was sent: later DHCP is Linux's */
	size_t n_ksent;
};

/* A fresh event of the current line, queued in order (NULL when the queue is full). */
struct pnb_event *log_ev(struct log_src *s, enum pnb_event_kind kind);
/* The same, stamped with frame and ts (a message gathered over lines, or one packet of many,
 * keeps the frame and time of its start rather than the line being read). */
struct pnb_event *log_ev_at(struct log_src *s, enum pnb_event_kind kind, uint64_t frame,
			    struct timeval ts);
/* Copies n bytes into the line's scratch (NULL range when full). */
struct pnb_bytes log_keep(struct log_src *s, const void *p, size_t n);
void log_note(struct log_set *set, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* IP ↔ MAC learned from DHCP lines; a lookup falls back to the Pi that got the last boot offer
 * (said once in the notes). */
void log_ip_learn(struct log_set *set, uint32_t ip, const uint8_t mac[6]);
bool log_ip_mac(struct log_set *set, uint32_t ip, uint8_t mac[6]);
/* The MAC of ip as learned so far; when no line of any log named it yet, the events this line
 * makes wait: another log's DHCP line of the same moment may be read later (logs are read
 * ahead), so the MAC is looked up when they are delivered (log_ip_mac then). */
void log_mac_later(struct log_src *s, uint32_t ip, uint8_t mac[6]);
/* At delivery: fills the MAC of an event that waited; false when none is known. */
bool log_resolve(struct log_src *s, struct pnb_event *ev, uint32_t ip);
/* A DHCP request whose vendor class the log does not show: the boot ROM's (PXEClient) until
 * the Pi's kernel was sent, Linux's after. Fills h->vendor_class. */
void log_guess_class(struct log_src *s, struct ev_dhcp *h);
/* Where the address of DHCP option code goes in h (50, 54, 1, 3), or NULL for other options. */
uint32_t *log_dhcp_addr(struct ev_dhcp *h, unsigned code);
void log_kernel_sent(struct log_set *set, const uint8_t mac[6], const char *file);
/* An offer the log shows without its options (said once in the notes). */
void log_note_undumped(struct log_src *s);
/* Strips the TFTP root (given, or learned from the first path that shows it). */
const char *log_tftp_rel(struct log_set *set, const char *path);

/* Events in the decoders' shape. */
/* The gathered DHCP messages, if any: a held dnsmasq request, then the reply being gathered. */
void log_ev_dhcp_flush(struct log_src *s);
void log_ev_reply_flush(struct log_src *s); /* only the reply (log_ev_dhcp_flush's second half) */
void log_dnsmasq_req_flush(struct log_src *s); /* only the held request (log_dnsmasq.c) */
void log_ev_rrq(struct log_src *s, const uint8_t mac[6], uint32_t cip, uint32_t sip,
		const char *file);
void log_ev_xfer(struct log_src *s, const uint8_t mac[6], uint32_t cip, uint32_t sip,
		 const char *file, enum tftp_xfer_end end, uint16_t code, const char *msg,
		 bool from_client, uint64_t bytes);
/* A DHCP message without an option dump: type, client MAC, addresses. */
struct pnb_event *log_ev_dhcp(struct log_src *s, uint8_t type, const uint8_t mac[6],
			      uint32_t yiaddr, uint32_t server);

/* log_prefix.c: a line split into time, program and message (msgbuf holds a JSON message);
 * seconds since boot or a time of day at the start of a message. */
void log_split(struct log_src *s, char *line, struct log_line *l, char *msgbuf, size_t mlen);
bool log_rel_time(char **pp, struct timeval *tv);
bool log_tod_time(struct log_src *s, char **pp, struct timeval *tv);
/* ".123456" (or ",123") after seconds: microseconds (0 without); advances *p past it. */
long log_frac_us(const char **p);
/* A date and time of day read from a log without a zone, as this host's local time (its
 * daylight saving time as mktime finds it). */
time_t log_local_time(int year, int mon, int day, int hour, int min, int sec);

/* Small scanners over NUL-terminated text. */
const char *log_skip_ws(const char *p);
/* p starts with w: advance past it. Inline, and a byte loop: every parser tries a row of
 * words on each line, most fail on the first byte, and the words are short. */
static inline bool log_word(const char **p, const char *w)
{
	const char *q = *p;
	while (*w && *q == *w)
		q++, w++;
	if (*w)
		return false;
	*p = q;
	return true;
}
bool log_mac(const char **p, uint8_t mac[6]);           /* aa:bb:cc:dd:ee:ff (or 1-digit) */
bool log_ip(const char **p, uint32_t *ip);              /* dotted quad */
bool log_ip_after(const char **p, const char *marker, uint32_t *ip); /* the quad after marker */
bool log_uint(const char **p, uint64_t *v);
const char *log_find(const char *hay, const char *needle);
const char *log_after(const char *hay, const char *marker); /* past the first marker, or NULL */
/* Copies the next token (up to space or one of stop) into out. */
size_t log_token(const char **p, char *out, size_t n, const char *stop);
/* Keeps n bytes of text (at most cap: the rest is cut) in a byte field of a packet being read
 * (the vendor class, the TFTP server name); returns the length kept. cap is at most 255. */
uint8_t log_field_set(uint8_t *field, size_t cap, const char *text, size_t n);

/* log_remote.c: journal:UNIT and ssh://USER@HOST[:PORT]/journal/UNIT sources. */
bool log_remote_is(const char *spec);
int log_remote_open(struct log_set *set, const char *spec, char *err, size_t errlen);
/* Its name checked as log_remote_open would, nothing started. 0, or -1 with err. */
int log_remote_check(const char *spec, char *err, size_t errlen);
/* The command's output ended: reaps it, and a non-zero exit becomes r->err. */
void log_remote_ended(struct log_src *r);
void log_remote_close(struct log_src *r);

/* The parsers: true when the line was understood (it produced or fed an event). */
bool log_parse_dnsmasq(struct log_src *s, struct log_line *l);
bool log_parse_dhcpd(struct log_src *s, struct log_line *l);
bool log_parse_kea(struct log_src *s, struct log_line *l);
bool log_parse_tftpd(struct log_src *s, struct log_line *l);
bool log_parse_tgtd(struct log_src *s, struct log_line *l);
bool log_parse_nfsd(struct log_src *s, struct log_line *l);
bool log_parse_uart(struct log_src *s, struct log_line *l);
bool log_parse_kernel(struct log_src *s, struct log_line *l);
bool log_parse_tcpdump(struct log_src *s, struct log_line *l);
bool log_parse_dhcpdump(struct log_src *s, struct log_line *l);
bool log_parse_tshark(struct log_src *s, struct log_line *l);   /* summary lines */
bool log_parse_tshark_v(struct log_src *s, struct log_line *l); /* -V detail */

/* log_tshark.c: a tshark packet into events (TFTP transfers followed, MACs from the text or,
 * when it shows none, from another log by address); the end of the text. */
struct log_tshark *log_tshark_state(struct log_src *s);
void log_tshark_packet(struct log_src *s, const struct log_tpkt *p);
void log_tshark_iscsi(struct log_src *s, const struct log_tpkt *p, const struct log_tpdu *u);
void log_tshark_rpc(struct log_src *s, const struct log_tpkt *p, const struct log_trpc *r);
void log_tshark_finish(struct log_src *s);
void log_tshark_v_end(struct log_src *s); /* log_tshark_v.c: the open -V frame ends */

#endif
