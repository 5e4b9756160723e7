/* vpi_nfs — the NFS root as the Pi's kernel (nfsroot=) or klibc nfsmount finds it: portmap v2
 * GETPORT for MOUNT v3, the MNT call for the export path, NFS v3 GETATTR on the file handle it got
 * (the first read of the root), then LOOKUP and READs of /etc/fstab as systemd does early on:
 * the READs are what a monitor on the wire sees as the root in use. ONC RPC through libtirpc.
 * Facts: shared/spec/decoding.md §4 (RFC 1813, RFC 1833), netboot-servers-and-failures.md §3.6,
 * §4 rows 17, 18, 20. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <rpc/pmap_clnt.h>
#include <rpc/rpc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/server/bootfiles.h"
#include "core/base/util.h"
#include "core/lab/vpi.h"

#define MOUNT_PROG 100005
#define MOUNT_V3 3
#define MOUNTPROC3_MNT 1
#define NFS_PROG 100003
#define NFS_V3 3
#define NFSPROC3_GETATTR 1
#define NFSPROC3_LOOKUP 3
#define NFSPROC3_READ 6
#define FATTR3_WORDS 21 /* type mode nlink uid gid, then size used rdev fsid fileid a/m/ctime */
#define FSTAB_MAX 65536
#define FHSIZE3 64

struct fh3 {
	u_int len;
	char data[FHSIZE3];
};

struct mnt3res {
	u_int status;
	struct fh3 fh;
};

static bool_t xdr_path(XDR *x, void *arg)
{
	return xdr_string(x, (char **)arg, 1024);
}

static bool_t xdr_fh3(XDR *x, struct fh3 *fh)
{
	char *p = fh->data;
	return xdr_bytes(x, &p, &fh->len, FHSIZE3);
}

/* mountres3: status, then on success the handle and the auth flavours (read and dropped). */
static bool_t xdr_mnt3res(XDR *x, void *arg)
{
	struct mnt3res *r = arg;
	if (!xdr_u_int(x, &r->status))
		return FALSE;
	if (r->status != 0)
		return TRUE;
	u_int n, flavour;
	if (!xdr_fh3(x, &r->fh) || !xdr_u_int(x, &n) || n > 64)
		return FALSE;
	for (u_int i = 0; i < n; i++)
		if (!xdr_u_int(x, &flavour))
			return FALSE;
	return TRUE;
}

static bool_t xdr_fh3_arg(XDR *x, void *arg)
{
	return xdr_fh3(x, arg);
}

/* GETATTR3res: status, then fattr3 whose first word is the file type (2 = directory). */
static bool_t xdr_getattr_head(XDR *x, void *arg)
{
	u_int *st = arg;
	return xdr_u_int(x, &st[0]) && (st[0] != 0 || xdr_u_int(x, &st[1]));
}

/* post_op_attr: a bool, then the fattr3 words when it is true; *size gets fattr3's size. */
static bool_t xdr_post_op_attr(XDR *x, uint64_t *size)
{
	bool_t follows;
	u_int w[FATTR3_WORDS];
	if (!xdr_bool(x, &follows))
		return FALSE;
	if (!follows)
		return TRUE;
	for (int i = 0; i < FATTR3_WORDS; i++)
		if (!xdr_u_int(x, &w[i]))
			return FALSE;
	*size = (uint64_t)w[5] << 32 | w[6];
	return TRUE;
}

struct lookup3 {
	struct fh3 dir;
	char *name;
	u_int status;
	struct fh3 fh;
	uint64_t size;
};

static bool_t xdr_lookup3_args(XDR *x, void *arg)
{
	struct lookup3 *l = arg;
	return xdr_fh3(x, &l->dir) && xdr_string(x, &l->name, 255);
}

/* LOOKUP3res: status, then on success the object's handle and attributes (the rest unread). */
static bool_t xdr_lookup3_res(XDR *x, void *arg)
{
	struct lookup3 *l = arg;
	if (!xdr_u_int(x, &l->status))
		return FALSE;
	return l->status != 0 || (xdr_fh3(x, &l->fh) && xdr_post_op_attr(x, &l->size));
}

struct read3 {
	struct fh3 fh;
	uint64_t offset;
	u_int count;
	u_int status;
	bool_t eof;
	char *buf;      /* where the data goes, count bytes of room */
	u_int got;
};

static bool_t xdr_read3_args(XDR *x, void *arg)
{
	struct read3 *r = arg;
	u_int hi = (u_int)(r->offset >> 32), lo = (u_int)r->offset;
	return xdr_fh3(x, &r->fh) && xdr_u_int(x, &hi) && xdr_u_int(x, &lo) &&
	       xdr_u_int(x, &r->count);
}

/* READ3res: status, file attributes, count, eof, then the data. */
static bool_t xdr_read3_res(XDR *x, void *arg)
{
	struct read3 *r = arg;
	uint64_t size;
	u_int count;
	if (!xdr_u_int(x, &r->status) || !xdr_post_op_attr(x, &size))
		return FALSE;
	if (r->status != 0)
		return TRUE;
	return xdr_u_int(x, &count) && xdr_bool(x, &r->eof) &&
	       xdr_bytes(x, &r->buf, &r->got, r->count);
}

static const char *mount_status_text(u_int st)
{
	switch (st) {
	case 1: return "PERM: not owner";
	case 2: return "NOENT: no such export path";
	case 5: return "IO error";
	case 13:
		return "ACCES: that path is not exported to this client (a wrong path, or the "
		       "export's client list leaves the Pi out)";
	case 20: return "NOTDIR: the path is not a directory";
	case 22: return "INVAL";
	case 63: return "NAMETOOLONG";
	case 10004: return "NOTSUPP";
	case 10006: return "SERVERFAULT";
	default: return "unknown status";
	}
}

/* Splits nfsroot=[server:]path[,options]; the server defaults to the boot server. */
static void split_nfsroot(const struct vpi *v, const char *nfsroot, uint32_t *server, char *path,
			  size_t cap)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", nfsroot);
	char *comma = strchr(buf, ',');
	if (comma)
		*comma = '\0';
	char *colon = strchr(buf, ':');
	*server = v->tftp_server;
	if (colon) {
		*colon = '\0';
		ipv4_parse(buf, server);
		snprintf(path, cap, "%s", colon + 1);
	} else {
		snprintf(path, cap, "%s", buf);
	}
}

static CLIENT *udp_client(uint32_t server, u_short port, u_long prog, u_long vers)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port),
				.sin_addr.s_addr = htonl(server)};
	int sock = RPC_ANYSOCK;
	struct timeval retry = {1, 0};
	return clntudp_create(&a, prog, vers, retry, &sock);
}

/* portmap v2 GETPORT, the way klibc's nfsmount and the kernel's nfsroot find mountd. */
static enum clnt_stat call(struct vpi *v, uint32_t server, u_short port, u_long prog,
			   u_long vers, u_long proc, xdrproc_t xargs, void *args, xdrproc_t xres,
			   void *res);

/* The port of prog/vers, 0 when none; *answered (may be NULL) says whether portmap answered. */
static u_short getport(struct vpi *v, uint32_t server, u_long prog, u_long vers, bool *answered)
{
	/* the GETPORT call pmap_getport makes, but within simulate's --timeout */
	struct pmap want = {.pm_prog = prog, .pm_vers = vers, .pm_prot = IPPROTO_UDP};
	u_short port = 0;
	bool ok = call(v, server, PMAPPORT, PMAPPROG, PMAPVERS, PMAPPROC_GETPORT,
		       (xdrproc_t)xdr_pmap, &want, (xdrproc_t)xdr_u_short, &port) == RPC_SUCCESS;
	if (!ok)
		port = 0;
	if (answered)
		*answered = ok;
	vpi_log(v, "portmap GETPORT prog %lu v%lu udp: %u", prog, vers, port);
	return port;
}

/* One UDP call to prog/vers at server:port; the client is made and destroyed around it. It
 * waits 10 s at most, and never past simulate's --timeout. */
static enum clnt_stat call(struct vpi *v, uint32_t server, u_short port, u_long prog,
			   u_long vers, u_long proc, xdrproc_t xargs, void *args, xdrproc_t xres,
			   void *res)
{
	long left = vpi_time_left_ms(v);
	if (left <= 0)
		return RPC_TIMEDOUT;
	CLIENT *c = udp_client(server, port, prog, vers);
	if (!c)
		return RPC_SYSTEMERROR;
	if (left > 10000)
		left = 10000;
	struct timeval tmo = {left / 1000, (left % 1000) * 1000};
	enum clnt_stat cs = clnt_call(c, proc, xargs, (caddr_t)args, xres, (caddr_t)res, tmo);
	clnt_destroy(c);
	return cs;
}

/* Stage 7: portmap, then MOUNT v3 MNT of the export path. */
static int mount_root(struct vpi *v, uint32_t server, const char *srv, char *path,
		      struct mnt3res *res)
{
	bool answered;
	u_short mport = getport(v, server, MOUNT_PROG, MOUNT_V3, &answered);
	if (!mport)
		return vpi_fail(v, STAGE_ROOT_LOGIN, "no-mountd",
				"start the NFS server (and rpcbind) on the server, with MOUNT v3",
				"portmap on %s %s", srv,
				answered ? "answers, but no MOUNT v3 (mountd) is registered"
					: "does not answer (no rpcbind / portmapper on port 111)");
	memset(res, 0, sizeof(*res));
	enum clnt_stat cs = call(v, server, mport, MOUNT_PROG, MOUNT_V3, MOUNTPROC3_MNT,
				 (xdrproc_t)xdr_path, &path, (xdrproc_t)xdr_mnt3res, res);
	if (cs != RPC_SUCCESS)
		return vpi_fail(v, STAGE_ROOT_LOGIN, "mount-rpc", NULL, "MOUNT %s:%s: %s", srv, path,
				clnt_sperrno(cs));
	vpi_log(v, "MOUNT MNT %s: status %u", path, res->status);
	if (res->status != 0)
		return vpi_fail(v, STAGE_ROOT_LOGIN, res->status == 13 ? "nfs-access" : "nfs-mount",
				"export the Pi's root with that exact path to its address (rw, "
				"no_root_squash) and reload the exports",
				"MOUNT %s:%s refused: %u %s", srv, path, res->status,
				mount_status_text(res->status));
	vpi_stage_done(v, STAGE_ROOT_LOGIN, "NFS MOUNT %s:%s ok", srv, path);
	return 0;
}

/* LOOKUP of name in dir (a handle); 0 with *l filled, or -1. */
static int lookup(struct vpi *v, uint32_t server, u_short port, const struct fh3 *dir,
		  const char *name, struct lookup3 *l)
{
	memset(l, 0, sizeof(*l));
	l->dir = *dir;
	l->name = (char *)name;
	enum clnt_stat cs = call(v, server, port, NFS_PROG, NFS_V3, NFSPROC3_LOOKUP,
				 (xdrproc_t)xdr_lookup3_args, l, (xdrproc_t)xdr_lookup3_res, l);
	return cs == RPC_SUCCESS && l->status == 0 ? 0 : -1;
}

/* /etc/fstab of the root (LOOKUP etc, LOOKUP fstab), read in eight or so READs the way the
 * page cache fills a file: heap text (caller frees), or NULL when the root has none. */
static char *read_fstab(struct vpi *v, uint32_t server, u_short port, const struct fh3 *root,
			unsigned *reads)
{
	struct lookup3 etc, tab;
	*reads = 0;
	if (lookup(v, server, port, root, "etc", &etc) < 0 ||
	    lookup(v, server, port, &etc.fh, "fstab", &tab) < 0)
		return NULL;
	uint64_t size = tab.size < FSTAB_MAX ? tab.size : FSTAB_MAX;
	u_int chunk = size >= 8 ? (u_int)((size + 7) / 8) : 1;
	char *text = xmalloc(size + chunk + 1);
	struct read3 r = {.fh = tab.fh, .count = chunk};
	size_t len = 0;
	while (len <= size && *reads < 64) {
		r.offset = len;
		r.buf = text + len;
		r.got = 0;
		r.eof = FALSE;
		enum clnt_stat cs = call(v, server, port, NFS_PROG, NFS_V3, NFSPROC3_READ,
					 (xdrproc_t)xdr_read3_args, &r, (xdrproc_t)xdr_read3_res, &r);
		++*reads;
		if (cs != RPC_SUCCESS || r.status != 0)
			break;
		len += r.got;
		if (r.eof || r.got == 0)
			break;
	}
	text[len] = '\0';
	vpi_log(v, "NFS LOOKUP etc/fstab, %u READs: %zu bytes", *reads, len);
	return text;
}

/* The fstab line mounting / ("" when none): a diskless Pi's must be the NFS root itself. */
static void fstab_root(const char *fstab, char *spec, size_t cap)
{
	*spec = '\0';
	for (const char *l = fstab; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		char line[512], s[256], mnt[256];
		snprintf(line, sizeof(line), "%.*s", (int)n, l);
		if (sscanf(line, "%255s %255s", s, mnt) == 2 && s[0] != '#' && !strcmp(mnt, "/"))
			snprintf(spec, cap, "%s", s);
		l = nl ? nl + 1 : NULL;
	}
}

int vpi_root_nfs(struct vpi *v, const char *nfsroot)
{
	uint32_t server;
	char path[512], srv[16];
	struct mnt3res res;
	split_nfsroot(v, nfsroot, &server, path, sizeof(path));
	ipv4_format(server, srv);
	if (mount_root(v, server, srv, path, &res) < 0)
		return -1;
	/* Stage 8: the first NFS call on the handle, as the kernel's first read of its root. */
	u_short nport = getport(v, server, NFS_PROG, NFS_V3, NULL);
	u_int st[2] = {99, 0};
	enum clnt_stat cs = call(v, server, nport ? nport : 2049, NFS_PROG, NFS_V3, NFSPROC3_GETATTR,
				 (xdrproc_t)xdr_fh3_arg, &res.fh, (xdrproc_t)xdr_getattr_head, st);
	if (cs != RPC_SUCCESS || st[0] != 0)
		return vpi_fail(v, STAGE_ROOT_IN_USE, "nfs-getattr",
				"check that the server speaks NFS v3 (vers=3 in nfsroot=)",
				"NFS v3 GETATTR of the root of %s:%s failed: %s", srv, path,
				cs != RPC_SUCCESS ? clnt_sperrno(cs) : "NFS error status");
	if (st[1] != 2)
		return vpi_fail(v, STAGE_ROOT_IN_USE, "nfs-not-dir", NULL,
				"the root of %s:%s is not a directory", srv, path);
	unsigned reads;
	char *fstab = read_fstab(v, server, nport ? nport : 2049, &res.fh, &reads), spec[256];
	fstab_root(fstab, spec, sizeof(spec));
	char *want = xasprintf("%s:%s", srv, path);
	if (!fstab)
		vpi_stage_done(v, STAGE_ROOT_IN_USE, "NFS v3 GETATTR of %s: a directory; warning: it "
				"has no /etc/fstab", want);
	else if (*spec && strcmp(spec, want) && strncmp(spec, "/dev/nfs", 8))
		vpi_stage_done(v, STAGE_ROOT_IN_USE, "NFS v3 GETATTR of %s: a directory; warning: its "
				"/etc/fstab mounts %s on / (systemd would remount the root from there; "
				"pinetboot export renders %s)", want, spec, want);
	else
		vpi_stage_done(v, STAGE_ROOT_IN_USE, "NFS v3 GETATTR of %s: a directory; /etc/fstab "
				"read in %u READs%s", want, reads, *spec ? ", / is the NFS root" : "");
	free(want);
	free(fstab);
	return 0;
}
