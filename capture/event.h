/* event — what the decoders tell the rest of the program. Decoders (capture/) turn packets
 * into these typed events; the diagnosis engine (core/diagnose) and the printers (text, JSON,
 * the wizard's pane) consume them. Pointers inside an event point into the packet and are
 * valid only during the callback: a consumer copies what it keeps. */
#ifndef PNB_CAPTURE_EVENT_H
#define PNB_CAPTURE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

/* Seconds from b to a (negative when a is earlier): event times are struct timeval. */
static inline double pnb_tv_sub(struct timeval a, struct timeval b)
{
	return (double)(a.tv_sec - b.tv_sec) + (double)(a.tv_usec - b.tv_usec) / 1e6;
}

/* A byte range inside the packet (not NUL-terminated). len 0 with p NULL = absent. */
struct pnb_bytes {
	const uint8_t *p;
	uint16_t len;
};

enum pnb_event_kind {
	EV_DHCP,          /* one BOOTP/DHCP message */
	EV_ARP,           /* request or reply */
	EV_TFTP,          /* one TFTP packet: RRQ/WRQ/DATA/ACK/ERROR/OACK */
	EV_TFTP_XFER,     /* a TFTP transfer ended: complete, error, aborted or timed out */
	EV_TCP,           /* SYN / SYN-ACK / RST / FIN on a port the monitor watches */
	EV_ISCSI,         /* one iSCSI PDU (reassembled) */
	EV_RPC,           /* ONC RPC call or reply (portmap, MOUNT, NFS) */
	EV_NETCONSOLE,    /* one line of the bootloader's UDP log */
	EV_STP,           /* a spanning-tree BPDU */
	EV_TRUNCATED,     /* a packet cut short or malformed: counted, not decoded further */
	EV_KIND_COUNT
};

/* ---- DHCP ---- */
struct ev_dhcp {
	uint8_t op;        /* 1 request, 2 reply */
	uint8_t msg_type;  /* option 53 (0 = plain BOOTP) */
	uint8_t hops;
	uint32_t xid;
	uint16_t secs, flags;
	uint32_t ciaddr, yiaddr, siaddr, giaddr; /* host order */
	uint8_t chaddr[6];
	struct pnb_bytes sname, file;            /* header fields, when not overloaded */
	uint32_t server_id;                      /* option 54, 0 = absent */
	uint32_t requested_ip;                   /* option 50 */
	uint32_t subnet_mask, router;            /* options 1, 3 */
	struct pnb_bytes vendor_class;           /* option 60 */
	struct pnb_bytes vendor_opts;            /* option 43 raw */
	struct pnb_bytes tftp_server;            /* option 66 */
	struct pnb_bytes bootfile;               /* option 67 */
	struct pnb_bytes client_guid;            /* option 97 raw (type byte first) */
	struct pnb_bytes param_list;             /* option 55 */
	bool has_arch;
	uint16_t client_arch;                    /* option 93 */
	/* option 43 decoded as PXE sub-options */
	bool pxe_valid;                          /* option 43 parsed as TLVs cleanly */
	bool has_pxe_menu;                       /* sub-option 9 present */
	struct pnb_bytes pxe_menu_text;          /* first menu entry's description */
	uint16_t pxe_menu_type;
	bool has_pxe_discovery;                  /* sub-option 6 */
	uint8_t pxe_discovery;
	struct pnb_bytes pxe_prompt;             /* sub-option 10 text (after the timeout byte) */
	/* option 97 decoded the Pi way (type 0, FourCC, revision LE, MAC LSBs, serial LE) */
	bool pi_guid;
	char pi_fourcc[5];                       /* "RPi4", "RPi5"; "" if not a Pi GUID */
	uint32_t pi_revision;
	uint32_t pi_serial;
	bool overload_used;                      /* option 52 present */
	unsigned n_options;
	/* every option in order, for printers: code and value */
	struct {
		uint8_t code;
		struct pnb_bytes val;
	} opts[64];
	unsigned n_opts_stored;
	/* additions (capture branch): */
	uint8_t htype, hlen;                     /* hardware type / length of chaddr */
	bool cookie;                             /* DHCP magic cookie present (else plain BOOTP) */
	/* additions (logs branch): */
	bool log_partial;                        /* read from a log that shows only some options,
						    or only their first bytes (dnsmasq without
						    log-dhcp, or its "..."): an option absent here
						    may have been sent */
	bool log_opt43;                          /* the log says option 43 was sent (a dnsmasq
						    PXE reply) without showing it */
	uint8_t log_menu_len;                    /* bytes of menu text PXE sub-option 9 holds (its
						    length less type and length bytes) when the log
						    shows that but not the text (0 = unknown) */
};

/* ---- ARP ---- */
struct ev_arp {
	uint16_t op; /* 1 request, 2 reply */
	uint8_t sha[6], tha[6];
	uint32_t spa, tpa;
};

/* ---- TFTP ---- */
enum tftp_opcode { TFTP_RRQ = 1, TFTP_WRQ, TFTP_DATA, TFTP_ACK, TFTP_ERROR, TFTP_OACK };

struct ev_tftp {
	uint16_t opcode;
	struct pnb_bytes filename, mode;          /* RRQ/WRQ */
	uint16_t block;                           /* DATA/ACK */
	uint16_t data_len;                        /* DATA payload length */
	uint16_t error_code;                      /* ERROR */
	struct pnb_bytes error_msg;
	/* options (RRQ/WRQ/OACK): -1 = absent */
	int64_t tsize;
	int32_t blksize, timeout, windowsize;
	const char *transfer_file;                /* DATA/ACK/ERROR/OACK: the file of the transfer
						     this packet belongs to (tracker-owned, valid
						     during the callback), NULL if unknown */
	bool retransmission;                      /* a DATA block seen before in this transfer */
	/* additions (capture branch): */
	struct pnb_bytes options;                 /* RRQ/WRQ/OACK: the raw name\0value\0… area */
	uint32_t block_full;                      /* DATA/ACK: block number unwrapped (epochs) */
	bool to_server;                           /* sent by the transfer's client (RRQ side) */
};

enum tftp_xfer_end { XFER_COMPLETE, XFER_ERROR, XFER_ABORTED, XFER_TIMEOUT };

struct ev_tftp_xfer {
	const char *filename;      /* valid during the callback */
	uint8_t client_mac[6];
	uint32_t client_ip, server_ip;
	enum tftp_xfer_end end;
	uint16_t error_code;       /* XFER_ERROR: from which side, see error_from_client */
	bool error_from_client;
	const char *error_msg;
	uint64_t bytes;
	uint32_t blocks, retransmissions;
	int32_t blksize;
	int64_t tsize;             /* announced, -1 = unknown */
	bool probe;                /* tsize probe: OACK then the client aborted (normal for Pis) */
	double duration;           /* seconds, first RRQ to last packet */
};

/* ---- TCP (only the flags the diagnosis needs) ---- */
struct ev_tcp {
	bool syn, ack, rst, fin;
	uint32_t seq;
};

/* ---- iSCSI ---- */
struct ev_iscsi {
	uint8_t opcode;            /* RFC 7143 opcode (0x03 Login Req, 0x23 Login Resp, …) */
	bool immediate, final;
	uint32_t itt;
	uint64_t lun;
	uint32_t data_len;
	/* Login */
	uint8_t csg, nsg;
	bool transit;
	uint8_t status_class, status_detail;   /* Login Response */
	struct pnb_bytes text;                 /* key=value\0… data segment (Login / Text), as far
						  as captured */
	struct pnb_bytes initiator_name, target_name, auth_method, session_type;
	/* SCSI */
	uint8_t cdb_opcode;                    /* SCSI Command: CDB byte 0 */
	uint8_t scsi_status, response;         /* SCSI Response */
	bool resynced;                         /* first PDU after joining mid-stream */
	/* additions (capture branch): */
	uint32_t expected_len;                 /* SCSI Command: expected data transfer length */
	uint64_t lba;                          /* READ/WRITE(6/10/12/16): first block */
	uint32_t blocks;                       /* READ/WRITE: transfer length in blocks */
	bool has_sense;                        /* SCSI Response carried sense data */
	uint8_t sense_key, asc, ascq;          /* e.g. 02/3a/00 NOT READY, medium not present */
	uint8_t logout_reason;                 /* Logout Request: 0 close session, 1 connection… */
	uint8_t logout_response;               /* Logout Response: 0 closed, 1 CID not found… */
	uint8_t reject_reason;                 /* Reject: RFC 7143 §11.17.1 reason code */
	/* additions (logs branch): */
	bool log_class_only;                   /* Login Response read from an initiator's log
						  that says refused, not which detail */
};

/* ---- ONC RPC: portmap, MOUNT, NFS ---- */
struct ev_rpc {
	uint32_t xid;
	bool reply;
	uint32_t prog, vers, proc;             /* call; for replies taken from the matched call */
	bool matched;                          /* reply matched to a call */
	uint32_t reply_stat, accept_stat;      /* replies */
	uint32_t low_vers, high_vers;          /* PROG_MISMATCH */
	bool has_status;
	uint32_t status;                       /* MOUNT / NFS result status */
	struct pnb_bytes path;                 /* MOUNT MNT dirpath */
};

/* ---- NETCONSOLE ---- */
struct ev_netconsole {
	struct pnb_bytes line;
};

/* ---- STP ---- */
struct ev_stp {
	uint8_t version;                       /* 0 STP, 2 RSTP, 3 MSTP */
	uint8_t bpdu_type;
	uint8_t flags;
	uint16_t forward_delay;                /* seconds */
};

struct pnb_event {
	enum pnb_event_kind kind;
	uint64_t frame;                        /* 1-based packet number in the capture */
	struct timeval ts;
	uint8_t src_mac[6], dst_mac[6];
	uint16_t vlan;                         /* 0 = untagged */
	uint32_t src_ip, dst_ip;               /* host order, 0 if not IP */
	uint16_t sport, dport;
	union {
		struct ev_dhcp dhcp;
		struct ev_arp arp;
		struct ev_tftp tftp;
		struct ev_tftp_xfer xfer;
		struct ev_tcp tcp;
		struct ev_iscsi iscsi;
		struct ev_rpc rpc;
		struct ev_netconsole netconsole;
		struct ev_stp stp;
	} u;
	const char *why;                       /* EV_TRUNCATED: what was wrong */
};

typedef void (*pnb_event_fn)(const struct pnb_event *ev, void *user);

#endif
