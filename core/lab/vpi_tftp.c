/* vpi_tftp — TFTP as the Pi's loaders do it: the Pi 3 ROM's plain 512-byte RRQ, and the
 * bootloader/firmware's RRQ with tsize=0 and blksize, the existence probe that aborts after the
 * OACK with ERROR 0 "Early terminate", lock-step transfers without windowsize.
 * Facts: shared/spec/eeprom-otp.md §5.4, §5.8; decoding.md §2. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/base/deadline.h"
#include "core/base/util.h"
#include "core/lab/vpi.h"

#define TFTP_TRIES 5
#define TFTP_WAIT_MS 1000
/* an initramfs is kept whole to be looked into: Raspberry Pi OS's are 10 to 30 MiB */
#define KEEP_MAX (128 * 1024 * 1024)

static size_t put_str(uint8_t *p, size_t at, size_t cap, const char *s)
{
	size_t n = strlen(s) + 1;
	if (at + n > cap)
		return at;
	memcpy(p + at, s, n);
	return at + n;
}

static size_t build_rrq(const struct vpi *v, const char *file, enum vpi_tftp_how how,
			uint8_t *p, size_t cap)
{
	size_t n = 2;
	p[0] = 0;
	p[1] = 1;
	n = put_str(p, n, cap, file);
	n = put_str(p, n, cap, "octet");
	if (how != TFTP_PLAIN) {
		char bs[8];
		/* 1024 is what the RRQ carries in the captured logs (§5.8) */
		snprintf(bs, sizeof(bs), "%d", 1024);
		n = put_str(p, n, cap, "tsize");
		n = put_str(p, n, cap, "0");
		n = put_str(p, n, cap, "blksize");
		n = put_str(p, n, cap, bs);
	}
	(void)v;
	return n;
}

static void send_to(int fd, uint32_t ip, uint16_t port, const void *p, size_t n)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(ip)};
	sendto(fd, p, n, 0, (struct sockaddr *)&to, sizeof(to));
}

static void send_error(int fd, uint32_t ip, uint16_t port, uint16_t code, const char *msg)
{
	uint8_t p[64] = {0, 5, (uint8_t)(code >> 8), (uint8_t)code};
	size_t n = put_str(p, 4, sizeof(p), msg);
	send_to(fd, ip, port, p, n);
}

static void send_ack(int fd, uint32_t ip, uint16_t port, uint16_t block)
{
	uint8_t p[4] = {0, 4, (uint8_t)(block >> 8), (uint8_t)block};
	send_to(fd, ip, port, p, 4);
}

/* Reads an OACK's options; only blksize and tsize matter to the Pi. */
static void parse_oack(const uint8_t *p, size_t n, size_t *blksize, uint64_t *tsize)
{
	size_t i = 2;
	while (i < n) {
		const char *k = (const char *)p + i;
		size_t kl = strnlen(k, n - i);
		if (i + kl + 1 >= n)
			break;
		const char *val = k + kl + 1;
		size_t vl = strnlen(val, n - i - kl - 1);
		if (!strcasecmp(k, "blksize"))
			*blksize = strtoul(val, NULL, 10);
		else if (!strcasecmp(k, "tsize"))
			*tsize = strtoull(val, NULL, 10);
		i += kl + 1 + vl + 1;
	}
}

struct xfer {
	int fd;
	uint32_t server;
	uint16_t tid;      /* server's transfer port, 0 until the first answer */
	size_t blksize;
	uint16_t expect;   /* next DATA block */
	struct sbuf keep;
	bool keeping;
};

/* The next packet of this transfer within wait_ms (packets from elsewhere do not extend it). */
static int wait_packet(struct xfer *x, uint8_t *buf, size_t cap, long wait_ms)
{
	struct pollfd p = {.fd = x->fd, .events = POLLIN};
	struct deadline dl;
	deadline_start(&dl, wait_ms < TFTP_WAIT_MS ? wait_ms : TFTP_WAIT_MS);
	for (;;) {
		int ms = deadline_poll_ms(&dl, 0);
		if (ms == 0 || poll(&p, 1, ms) <= 0)
			return -1;
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(x->fd, buf, cap, 0, (struct sockaddr *)&from, &fl);
		if (n < 4 || ntohl(from.sin_addr.s_addr) != x->server)
			continue;
		uint16_t port = ntohs(from.sin_port);
		if (x->tid && port != x->tid)
			continue; /* another transfer's packet (RFC 1350 §4) */
		x->tid = port;
		return (int)n;
	}
}

static int transfer(struct vpi *v, struct xfer *x, const char *file, enum vpi_tftp_how how,
		    struct vpi_tftp_result *r)
{
	uint8_t buf[2048], rrq[512], last[4];
	size_t rrq_len = build_rrq(v, file, how, rrq, sizeof(rrq)), last_len = 0;
	int tries = 0;
	send_to(x->fd, x->server, 69, rrq, rrq_len);
	for (;;) {
		/* the whole transfer within simulate's --timeout: a server that trickles a file
		 * without end (block numbers wrap) is stopped too */
		long left = vpi_time_left_ms(v);
		if (left <= 0) {
			r->timeout = true;
			return -1;
		}
		int n = wait_packet(x, buf, sizeof(buf), left);
		if (n < 0) {
			if (++tries >= TFTP_TRIES) {
				r->timeout = true;
				return -1;
			}
			if (!x->tid)
				send_to(x->fd, x->server, 69, rrq, rrq_len);
			else if (last_len)
				send_to(x->fd, x->server, x->tid, last, last_len);
			continue;
		}
		tries = 0;
		uint16_t op = (uint16_t)(buf[0] << 8 | buf[1]);
		if (op == 5) {
			r->error_code = (uint16_t)(buf[2] << 8 | buf[3]);
			snprintf(r->error_msg, sizeof(r->error_msg), "%.*s", n - 4, (char *)buf + 4);
			return -1;
		}
		r->found = true;
		if (op == 6) {
			parse_oack(buf, (size_t)n, &x->blksize, &r->bytes);
			if (how == TFTP_PROBE) {
				send_error(x->fd, x->server, x->tid, 0, "Early terminate");
				return 0;
			}
			send_ack(x->fd, x->server, x->tid, 0);
			memcpy(last, (uint8_t[]){0, 4, 0, 0}, 4);
			last_len = 4;
			continue;
		}
		if (op != 3)
			continue;
		uint16_t block = (uint16_t)(buf[2] << 8 | buf[3]);
		if (how == TFTP_PROBE) {
			send_error(x->fd, x->server, x->tid, 0, "Early terminate");
			return 0;
		}
		if (block == x->expect) {
			size_t len = (size_t)n - 4;
			if (x->keeping && x->keep.len + len <= KEEP_MAX)
				sbuf_addn(&x->keep, (const char *)buf + 4, len);
			if (x->expect == 1)
				r->bytes = 0;
			r->bytes += len;
			x->expect++;
			send_ack(x->fd, x->server, x->tid, block);
			memcpy(last, (uint8_t[]){0, 4, buf[2], buf[3]}, 4);
			last_len = 4;
			if (len < x->blksize)
				return 0;
		} else {
			send_ack(x->fd, x->server, x->tid, block); /* duplicate: ack again */
		}
	}
}

int vpi_tftp_get(struct vpi *v, const char *file, enum vpi_tftp_how how, bool keep,
		 struct vpi_tftp_result *r)
{
	memset(r, 0, sizeof(*r));
	if (vpi_time_left_ms(v) <= 0) {
		r->timeout = true;
		vpi_log(v, "TFTP %s: not asked, the --timeout is used up", file);
		return -1;
	}
	if (v->tftp_silent && v->tftp_silent == v->tftp_server) {
		/* The real Pi would go on asking; its answer would be the same silence. */
		r->timeout = true;
		vpi_log(v, "TFTP %s: not asked, the server answered nothing before", file);
		return -1;
	}
	struct xfer x = {.server = v->tftp_server, .blksize = 512, .expect = 1, .keeping = keep};
	sbuf_init(&x.keep);
	x.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in me = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(v->ip)};
	if (x.fd < 0 || bind(x.fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
		snprintf(r->error_msg, sizeof(r->error_msg), "local socket: %s", strerror(errno));
		if (x.fd >= 0)
			close(x.fd);
		return -1;
	}
	int rc = transfer(v, &x, file, how, r);
	close(x.fd);
	if (x.tid)
		v->tftp_answered = true;
	else if (r->timeout && !v->tftp_answered && !v->tftp_silent) {
		v->tftp_silent = v->tftp_server;
		snprintf(v->tftp_silent_file, sizeof(v->tftp_silent_file), "%s", file);
	}
	const char *how_s = how == TFTP_PROBE ? "probe" : "RRQ";
	if (rc == 0) {
		vpi_log(v, "TFTP %s %s: %s, %llu bytes", how_s, file,
			how == TFTP_PROBE ? "exists" : "complete", (unsigned long long)r->bytes);
		if (keep) {
			r->kept = x.keep.len;
			r->data = x.keep.buf ? sbuf_take(&x.keep) : xstrdup("");
		}
	} else if (r->timeout) {
		vpi_log(v, "TFTP %s %s: no answer", how_s, file);
	} else {
		vpi_log(v, "TFTP %s %s: error %u \"%s\"", how_s, file, r->error_code, r->error_msg);
	}
	sbuf_done(&x.keep);
	return rc;
}
