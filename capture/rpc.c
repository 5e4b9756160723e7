/* rpc — ONC RPC (RFC 5531) for the NFS root path: portmap/rpcbind (RFC 1833), MOUNT and NFS
 * v2/v3 (RFC 1094, 1813), v4 NULL/COMPOUND. Calls are remembered by (xid, client) so replies,
 * which carry no program or procedure, can be named and their status read. A portmap GETPORT
 * answer for MOUNT or NFS teaches the decoder that port. Over TCP, record marking (§11) is
 * followed and a message is decoded when its last byte arrives (as tshark does).
 *
 *  call:  xid msg_type=0 rpcvers=2 prog vers proc cred{flavor,len,body} verf{…} args
 *  reply: xid msg_type=1 reply_stat [accepted: verf accept_stat results | denied: reject_stat]
 */
#include <stdlib.h>
#include <string.h>

#include "capture/dec.h"
#include "capture/flow.h"
#include "core/base/util.h"

#define RPC_CALLS 2048
#define RPC_STREAMS 256
#define RPC_KEEP 1024u    /* bytes of a TCP record kept for decoding its header */
#define PROG_PORTMAP 100000u
#define PROG_NFS 100003u
#define PROG_MOUNT 100005u

struct call {
	uint32_t prog, vers, proc;
	uint32_t getport_prog;   /* portmap GETPORT: the program asked about */
};

struct rstream {
	bool seq_known, synced;
	uint32_t next_seq;
	uint32_t need;           /* bytes left in the current record fragment */
	uint32_t have;           /* bytes of it kept in buf */
	uint8_t mark[4];
	uint32_t mark_got;
	uint8_t buf[RPC_KEEP];
};

struct rpc_state {
	struct flow_table *calls;
	struct flow_table *streams;
	uint16_t ports[16];      /* learned MOUNT/NFS ports */
	unsigned n_ports;
};

static struct rpc_state *state(struct dctx *c)
{
	if (!c->rpc) {
		c->rpc = xcalloc(1, sizeof(*c->rpc));
		c->rpc->calls = flow_table_new(RPC_CALLS, sizeof(struct call), NULL, NULL);
		c->rpc->streams = flow_table_new(RPC_STREAMS, sizeof(struct rstream), NULL, NULL);
	}
	return c->rpc;
}

void rpc_state_free(struct rpc_state *s)
{
	if (!s)
		return;
	flow_table_free(s->calls);
	flow_table_free(s->streams);
	free(s);
}

bool rpc_port_known(struct dctx *c, uint16_t port);
bool rpc_port_known(struct dctx *c, uint16_t port)
{
	if (!c->rpc)
		return false;
	for (unsigned i = 0; i < c->rpc->n_ports; i++)
		if (c->rpc->ports[i] == port)
			return true;
	return false;
}

static void port_learn(struct rpc_state *s, uint32_t port)
{
	if (!port || port > 65535 || port == 2049 || port == 111)
		return;
	for (unsigned i = 0; i < s->n_ports; i++)
		if (s->ports[i] == port)
			return;
	s->ports[s->n_ports++ % PNB_ARRAY_LEN(s->ports)] = (uint16_t)port;
	if (s->n_ports > PNB_ARRAY_LEN(s->ports))
		s->n_ports = PNB_ARRAY_LEN(s->ports);
}

static bool known_prog(uint32_t prog)
{
	return prog == PROG_PORTMAP || prog == PROG_NFS || prog == PROG_MOUNT;
}

static struct flow_key call_key(uint32_t xid, uint32_t ip, uint16_t port)
{
	struct flow_key k = {xid, ip, port, 0, 111};
	return k;
}

bool rpc_claims(struct dctx *c, const uint8_t *p, size_t len)
{
	if (len < 24)
		return false;
	uint32_t type = at_be32(p, len, 4);
	if (type == 0)
		return at_be32(p, len, 8) == 2 && known_prog(at_be32(p, len, 12));
	if (type != 1 || !c->rpc)
		return false;
	struct flow_key k = call_key(at_be32(p, len, 0), c->pkt.dst_ip, c->pkt.dport);
	return flow_get(c->rpc->calls, &k) != NULL;
}

static void skip_opaque(struct cur *k)
{
	uint32_t n = cur_be32(k);
	cur_skip(k, ((size_t)n + 3) & ~(size_t)3);
}

/* Remembers a call so its reply can be named (even when the rest of the call was cut). */
static struct call *call_remember(struct dctx *c, const struct ev_rpc *r)
{
	struct rpc_state *s = state(c);
	struct flow_key key = call_key(r->xid, c->pkt.src_ip, c->pkt.sport);
	struct call *slot = dec_flow(c, s->calls, &key);
	struct call cl = {r->prog, r->vers, r->proc, 0};
	*slot = cl;
	return slot;
}

static void call_decode(struct dctx *c, struct cur *k, struct pnb_event *ev)
{
	struct ev_rpc *r = &ev->u.rpc;
	uint32_t rpcvers = cur_be32(k);
	r->prog = cur_be32(k);
	r->vers = cur_be32(k);
	r->proc = cur_be32(k);
	if (rpcvers != 2 || !known_prog(r->prog) || k->trunc) {
		ev->kind = EV_KIND_COUNT; /* not portmap/MOUNT/NFS (or not RPC): not ours */
		return;
	}
	struct call *cl = call_remember(c, r);
	cur_skip(k, 4); /* cred flavor */
	skip_opaque(k);
	cur_skip(k, 4); /* verf flavor */
	skip_opaque(k);
	if (k->trunc) {
		ev->why = "RPC call header cut short";
		return;
	}
	if (r->prog == PROG_MOUNT && (r->proc == 1 || r->proc == 3)) {
		uint32_t n = cur_be32(k);
		if (!k->trunc && n <= 1024 && cur_has(k, n)) {
			r->path.p = n ? k->p : NULL;
			r->path.len = (uint16_t)n;
		}
	} else if (r->prog == PROG_PORTMAP && r->vers == 2 && r->proc == 3) {
		cl->getport_prog = cur_be32(k);
	}
}

static bool has_result_status(uint32_t prog, uint32_t vers, uint32_t proc)
{
	if (prog == PROG_MOUNT)
		return proc == 1;
	if (prog != PROG_NFS || proc == 0)
		return false;
	if (vers == 2)
		return proc != 3 && proc != 7;
	return true;
}

static void reply_decode(struct dctx *c, struct cur *k, struct pnb_event *ev)
{
	struct ev_rpc *r = &ev->u.rpc;
	r->reply = true;
	r->reply_stat = cur_be32(k);
	struct call *cl = NULL;
	if (c->rpc) {
		struct flow_key key = call_key(r->xid, c->pkt.dst_ip, c->pkt.dport);
		cl = flow_get(c->rpc->calls, &key);
	}
	if (cl) {
		r->matched = true;
		r->prog = cl->prog;
		r->vers = cl->vers;
		r->proc = cl->proc;
	}
	if (r->reply_stat == 0) {
		cur_skip(k, 4);
		skip_opaque(k);
		r->accept_stat = cur_be32(k);
		if (r->accept_stat == 2) {
			r->low_vers = cur_be32(k);
			r->high_vers = cur_be32(k);
		} else if (r->accept_stat == 0 && cl) {
			if (has_result_status(cl->prog, cl->vers, cl->proc)) {
				r->status = cur_be32(k);
				r->has_status = !k->trunc;
			} else if (cl->getport_prog == PROG_MOUNT || cl->getport_prog == PROG_NFS) {
				uint32_t port = cur_be32(k);
				if (!k->trunc)
					port_learn(c->rpc, port);
			}
		}
	} else {
		r->accept_stat = cur_be32(k); /* reject_stat */
	}
	if (k->trunc)
		ev->why = "RPC reply cut short";
}

/* One RPC message (a UDP payload or a reassembled TCP record). */
void rpc_decode(struct dctx *c, const uint8_t *p, size_t len)
{
	struct cur k = cur_make(p, len);
	struct pnb_event ev;
	dec_event_init(c, &ev, EV_RPC);
	memset(&ev.u.rpc, 0, sizeof(ev.u.rpc));
	ev.u.rpc.xid = cur_be32(&k);
	uint32_t type = cur_be32(&k);
	if (k.trunc || type > 1)
		return; /* not RPC after all (111/2049 carry nothing else we know) */
	if (type == 0)
		call_decode(c, &k, &ev);
	else
		reply_decode(c, &k, &ev);
	const char *why = ev.why;
	ev.why = NULL;
	if (ev.kind != EV_RPC)
		return;
	dec_emit(c, &ev);
	if (why)
		dec_truncated(c, why);
}

static void rstream_feed(struct dctx *c, struct rstream *s, const uint8_t *p, size_t n)
{
	while (n > 0) {
		if (!s->need) { /* a record mark */
			size_t t = 4 - s->mark_got < n ? 4 - s->mark_got : n;
			memcpy(s->mark + s->mark_got, p, t);
			s->mark_got += (uint32_t)t;
			p += t;
			n -= t;
			if (s->mark_got < 4)
				return;
			s->mark_got = 0;
			s->need = ((uint32_t)s->mark[0] << 24 | (uint32_t)s->mark[1] << 16 |
				   (uint32_t)s->mark[2] << 8 | s->mark[3]) & 0x7fffffffu;
			s->have = 0;
			if (s->need < 8 || s->need > (16u << 20)) {
				s->synced = false; /* not a record mark: wait for a new start */
				s->need = 0;
				return;
			}
			continue;
		}
		size_t t = s->need < n ? s->need : n;
		if (s->have < RPC_KEEP) {
			size_t keep = RPC_KEEP - s->have < t ? RPC_KEEP - s->have : t;
			memcpy(s->buf + s->have, p, keep);
			s->have += (uint32_t)keep;
		}
		s->need -= (uint32_t)t;
		p += t;
		n -= t;
		if (!s->need)
			rpc_decode(c, s->buf, s->have);
	}
}

/* Bytes the capture did not keep: fine inside a record body, else the framing is lost. */
static void rstream_skip(struct dctx *c, struct rstream *s, uint32_t n)
{
	if (!n || !s->synced)
		return;
	if (s->need && s->need >= n) {
		s->need -= n;
		if (!s->need)
			rpc_decode(c, s->buf, s->have);
		return;
	}
	s->synced = false;
	s->need = 0;
}

void rpc_tcp_decode(struct dctx *c, const uint8_t *p, size_t len)
{
	struct rpc_state *st = state(c);
	const struct pnb_packet *pk = &c->pkt;
	struct flow_key k = {pk->src_ip, pk->dst_ip, pk->sport, pk->dport, 2049};
	struct rstream *s = dec_flow(c, st->streams, &k);
	uint32_t seq = pk->tcp_seq;
	if (pk->tcp_flags & 0x02) {
		memset(s, 0, sizeof(*s));
		s->seq_known = s->synced = true;
		s->next_seq = ++seq;
	}
	uint32_t wire = pk->payload_len > len ? pk->payload_len : (uint32_t)len;
	if (!wire)
		return;
	if (!s->seq_known || seq != s->next_seq) {
		/* joined mid-stream, a gap or a retransmission: trust a segment that starts with
		 * a plausible record mark followed by an RPC header, skip anything else */
		int32_t off = (int32_t)(seq - s->next_seq);
		if (s->seq_known && off < 0) {
			uint32_t dup = (uint32_t)-(int64_t)off;
			if (!s->synced || dup >= len)
				return;
			p += dup;
			len -= dup;
			wire -= dup;
			seq = s->next_seq;
		} else {
			memset(s, 0, sizeof(*s));
			s->seq_known = true;
			s->synced = len >= 12 && (at_be32(p, len, 0) & 0x7fffffffu) >= 8 &&
				    at_be32(p, len, 8) <= 1;
		}
	}
	s->next_seq = seq + wire;
	if (s->synced) {
		rstream_feed(c, s, p, len);
		rstream_skip(c, s, wire - (uint32_t)len);
	}
}

const char *rpc_prog_name(uint32_t prog)
{
	switch (prog) {
	case PROG_PORTMAP: return "portmap";
	case PROG_NFS: return "NFS";
	case PROG_MOUNT: return "MOUNT";
	default: return "RPC";
	}
}

const char *rpc_proc_name(uint32_t prog, uint32_t vers, uint32_t proc)
{
	static const char *const pmap2[] = {"NULL", "SET", "UNSET", "GETPORT", "DUMP", "CALLIT"};
	static const char *const rpcb[] = {"NULL", "SET", "UNSET", "GETADDR", "DUMP", "CALLIT",
					   "GETTIME", "UADDR2TADDR", "TADDR2UADDR", "GETVERSADDR",
					   "INDIRECT", "GETADDRLIST", "GETSTAT"};
	static const char *const mnt[] = {"NULL", "MNT", "DUMP", "UMNT", "UMNTALL", "EXPORT"};
	static const char *const nfs2[] = {"NULL", "GETATTR", "SETATTR", "ROOT", "LOOKUP",
					   "READLINK", "READ", "WRITECACHE", "WRITE", "CREATE",
					   "REMOVE", "RENAME", "LINK", "SYMLINK", "MKDIR", "RMDIR",
					   "READDIR", "STATFS"};
	static const char *const nfs3[] = {"NULL", "GETATTR", "SETATTR", "LOOKUP", "ACCESS",
					   "READLINK", "READ", "WRITE", "CREATE", "MKDIR",
					   "SYMLINK", "MKNOD", "REMOVE", "RMDIR", "RENAME", "LINK",
					   "READDIR", "READDIRPLUS", "FSSTAT", "FSINFO", "PATHCONF",
					   "COMMIT"};
	static const char *const nfs4[] = {"NULL", "COMPOUND"};
#define PICK(t) return proc < PNB_ARRAY_LEN(t) ? t[proc] : "unknown procedure"
	if (prog == PROG_PORTMAP) {
		if (vers == 2)
			PICK(pmap2);
		PICK(rpcb);
	}
	if (prog == PROG_MOUNT)
		PICK(mnt);
	if (prog == PROG_NFS) {
		if (vers == 2)
			PICK(nfs2);
		if (vers == 4)
			PICK(nfs4);
		PICK(nfs3);
	}
#undef PICK
	return "unknown procedure";
}

const char *nfs_status_name(uint32_t st)
{
	switch (st) {
	case 0: return "OK";
	case 1: return "PERM";
	case 2: return "NOENT";
	case 5: return "IO";
	case 6: return "NXIO";
	case 13: return "ACCES";
	case 17: return "EXIST";
	case 20: return "NOTDIR";
	case 21: return "ISDIR";
	case 22: return "INVAL";
	case 28: return "NOSPC";
	case 30: return "ROFS";
	case 63: return "NAMETOOLONG";
	case 70: return "STALE";
	case 10004: return "NOTSUPP";
	case 10006: return "SERVERFAULT";
	case 10008: return "JUKEBOX";
	default: return "error";
	}
}
