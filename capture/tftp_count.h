/* tftp_count — what one TFTP transfer has counted so far, and the end event made from it.
 * Two readers follow transfers: the decoder from the packets (tftp.c) and the tshark log
 * reader from tshark's lines (log_tshark.c). Both keep a tftp_count and end a transfer through
 * tftp_count_end, so an ended transfer reads the same whichever way it was seen. */
#ifndef PNB_CAPTURE_TFTP_COUNT_H
#define PNB_CAPTURE_TFTP_COUNT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include "capture/event.h"

struct tftp_count {
	struct timeval start, last; /* the request; the latest packet */
	int32_t blksize;	    /* 512 until an OACK says otherwise */
	int64_t tsize;		    /* -1: not announced */
	uint64_t bytes;
	uint32_t blocks, retrans;
	uint16_t last_block;
	bool oack, any_data;
};

/* A transfer requested at ts: nothing counted, RFC 1350's block size, no size known. */
void tftp_count_start(struct tftp_count *n, struct timeval ts);
/* The server's OACK: its blksize (> 0) and tsize (>= 0) replace the defaults. */
void tftp_count_oack(struct tftp_count *n, int32_t blksize, int64_t tsize);
/* The counting part of an end event: end, error code and side, sizes, probe and duration.
 * The caller fills who (addresses, MAC) and the strings (file, message), whose life it owns. */
void tftp_count_end(const struct tftp_count *n, struct ev_tftp_xfer *e, enum tftp_xfer_end end,
		    uint16_t code, bool from_client);

#endif
