/* tftp_count — see tftp_count.h. */
#include "capture/tftp_count.h"

#include <string.h>

void tftp_count_start(struct tftp_count *n, struct timeval ts)
{
	memset(n, 0, sizeof(*n));
	n->start = n->last = ts;
	n->blksize = 512;
	n->tsize = -1;
}

void tftp_count_oack(struct tftp_count *n, int32_t blksize, int64_t tsize)
{
	n->oack = true;
	if (blksize > 0)
		n->blksize = blksize;
	if (tsize >= 0)
		n->tsize = tsize;
}

void tftp_count_end(const struct tftp_count *n, struct ev_tftp_xfer *e, enum tftp_xfer_end end,
		    uint16_t code, bool from_client)
{
	e->end = end;
	e->error_code = code;
	e->error_from_client = from_client;
	e->bytes = n->bytes;
	e->blocks = n->blocks;
	e->retransmissions = n->retrans;
	e->blksize = n->blksize;
	e->tsize = n->tsize;
	/* an OACK and then the client's abort, no data: the size probe Pi 4/5 make for each file */
	e->probe = n->oack && !n->any_data && end == XFER_ABORTED;
	double d = pnb_tv_sub(n->last, n->start);
	e->duration = d > 0 ? d : 0;
}
