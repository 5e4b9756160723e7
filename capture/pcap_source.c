/* pcap_source — libpcap files and live interfaces. */
#include "capture/pcap_source.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/remote.h"
#include "core/base/place.h"
#include "core/base/runcmd.h"
#include "core/base/util.h"

/* Live snaplen: jumbo frames fit. libpcap gives an immediate-mode handle fixed-size ring
 * slots of about this size, so a smaller snaplen means more packets buffered per MB (65535
 * would leave 500 slots in 32 MB and drop bursts). Longer packets (GRO) are cut; the decoders
 * count the missing bytes from the IP/UDP/TCP lengths. */
#define PNB_SNAPLEN 9216

const char source_live_filter[] =
	"arp or (ether dst 01:80:c2:00:00:00) or "
	"(udp and not port 53 and not port 5353 and not port 123 and not port 137 and not port 138 "
	"and not port 1900 and not port 5355) or "
	"(tcp and (port 3260 or port 860 or port 2049 or port 111 or port 20048)) or "
	"(vlan and (arp or udp or (tcp and (port 3260 or port 860 or port 2049 or port 111 "
	"or port 20048))))";

struct source {
	pcap_t *p;
	pcap_dumper_t *dump;
	bool live;
	int child;         /* ssh:// captures: the ssh process, its pcap stream on fd, */
	int fd;            /* its stderr in errfd (an unlinked file: readable after root is gone) */
	int errfd;
	char *spec;
	int pending;     /* SOURCE_EOF / SOURCE_ERROR met after packets: reported next call */
	bool held;       /* source_peek read the next packet; hh/hd stay valid until the next
			    pcap_next_ex, which only source_dispatch calls after consuming it */
	struct pcap_pkthdr *hh;
	const u_char *hd;
	char err[PCAP_ERRBUF_SIZE + 128];
};

struct source *source_open_file(const char *path, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_open_offline(path, ebuf);
	if (!p) {
		snprintf(err, errlen, "%s: cannot read as a capture file (pcap or pcapng): %s", path,
			 ebuf);
		return NULL;
	}
	struct source *s = xcalloc(1, sizeof(*s));
	s->p = p;
	return s;
}

static int live_fail(pcap_t *p, const char *iface, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s: %s", iface, what, pcap_geterr(p));
	pcap_close(p);
	return -1;
}

struct source *source_open_live(const char *iface, const char *filter, unsigned buffer_mb,
				char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(iface, ebuf);
	if (!p) {
		snprintf(err, errlen, "%s: %s", iface, ebuf);
		return NULL;
	}
	pcap_set_snaplen(p, PNB_SNAPLEN);
	pcap_set_promisc(p, 1);
	pcap_set_immediate_mode(p, 1);
	pcap_set_buffer_size(p, (int)(buffer_mb ? buffer_mb : 32) * 1024 * 1024);
	int rc = pcap_activate(p);
	if (rc < 0) {
		const char *hint = rc == PCAP_ERROR_PERM_DENIED ? " (run as root or give the "
								   "binary cap_net_raw)"
								 : "";
		snprintf(err, errlen, "%s: cannot capture: %s%s", iface,
			 rc == PCAP_ERROR_NO_SUCH_DEVICE ? "no such interface" : pcap_geterr(p), hint);
		pcap_close(p);
		return NULL;
	}
	struct bpf_program prog;
	if (pcap_compile(p, &prog, filter ? filter : source_live_filter, 1,
			 PCAP_NETMASK_UNKNOWN) < 0) {
		live_fail(p, iface, "capture filter", err, errlen);
		return NULL;
	}
	rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc < 0 || pcap_setnonblock(p, 1, ebuf) < 0) {
		live_fail(p, iface, "setting up the handle", err, errlen);
		return NULL;
	}
	struct source *s = xcalloc(1, sizeof(*s));
	s->p = p;
	s->live = true;
	return s;
}

/* The ssh process ended (its stream did): SOURCE_EOF when it exited 0, else SOURCE_ERROR with
 * its status and stderr line in s->err. */
static int remote_ended(struct source *s)
{
	int st = runcmd_wait(s->child);
	s->child = 0;
	if (st == 0)
		return SOURCE_EOF;
	remote_failure(s->spec, "the remote capture", st, s->errfd, s->err, sizeof(s->err));
	return SOURCE_ERROR;
}

struct source *source_start_ssh(const char *spec, char *err, size_t errlen)
{
	struct remote_addr ra;
	if (!remote_parse_iface(spec, &ra, err, errlen))
		return NULL;
	/* The remote shell reads the command: the filter is one single-quoted word (it holds no
	 * quote), every other word was checked above. Packet-buffered (-U): live. */
	char filter[sizeof(source_live_filter) + 2], snap[8];
	snprintf(filter, sizeof(filter), "'%s'", source_live_filter);
	snprintf(snap, sizeof(snap), "%d", PNB_SNAPLEN);
	char *cmd[] = {"tcpdump", "-i", (char *)ra.rest, "-U", "-w", "-", "-s", snap, filter, NULL};
	int child, errfd;
	int fd = remote_spawn(&ra, spec, cmd, &child, &errfd, err, errlen);
	if (fd < 0)
		return NULL;
	struct source *s = xcalloc(1, sizeof(*s));
	s->errfd = errfd;
	s->child = child;
	s->fd = fd;
	s->spec = xstrdup(spec);
	return s;
}

int source_ssh_ready(struct source *s, char *err, size_t errlen)
{
	if (s->p)
		return 1;
	if (s->fd < 0) { /* it failed before */
		snprintf(err, errlen, "%s", s->err);
		return -1;
	}
	struct pollfd pfd = {s->fd, POLLIN, 0};
	if (poll(&pfd, 1, 0) <= 0)
		return 0; /* ssh is still connecting: nothing (not even its end) on the pipe */
	FILE *f = fdopen(s->fd, "r");
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	if (f) {
		/* Unbuffered: poll on the pipe then tells the truth about what is left to read. */
		setvbuf(f, NULL, _IONBF, 0);
		s->p = pcap_fopen_offline(f, ebuf); /* tcpdump writes its file header at once */
	}
	if (!s->p) {
		if (f)
			fclose(f);
		else
			close(s->fd);
		s->fd = -1;
		if (remote_ended(s) == SOURCE_EOF)
			snprintf(s->err, sizeof(s->err), "%s: no capture came back: %s", s->spec, ebuf);
		snprintf(err, errlen, "%s", s->err);
		return -1;
	}
	s->live = true;
	return 1;
}

struct source *source_open_ssh(const char *spec, char *err, size_t errlen)
{
	struct source *s = source_start_ssh(spec, err, errlen);
	int rc = s ? 0 : -1;
	while (rc == 0 && (rc = source_ssh_ready(s, err, errlen)) == 0) {
		struct pollfd pfd = {s->fd, POLLIN, 0};
		poll(&pfd, 1, -1);
	}
	if (rc < 0) {
		source_close(s);
		return NULL;
	}
	return s;
}

void source_close(struct source *s)
{
	if (!s)
		return;
	if (s->dump) {
		pcap_dump_flush(s->dump);
		pcap_dump_close(s->dump);
	}
	if (s->child > 0) {
		kill(s->child, SIGTERM); /* tcpdump on the far side captures for ever */
		runcmd_wait(s->child);
	}
	if (s->p)
		pcap_close(s->p); /* an ssh:// capture's pipe with it */
	else if (s->spec && s->fd >= 0)
		close(s->fd); /* still connecting */
	if (s->spec)
		close(s->errfd);
	free(s->spec);
	free(s);
}

int source_save(struct source *s, const char *path, char *err, size_t errlen)
{
	s->dump = pcap_dump_open(s->p, path);
	if (!s->dump) {
		snprintf(err, errlen, "%s: cannot write the capture: %s", path, pcap_geterr(s->p));
		return -1;
	}
	return 0;
}

int source_datalink(const struct source *s)
{
	return pcap_datalink(s->p);
}

const char *source_datalink_name(const struct source *s)
{
	const char *n = pcap_datalink_val_to_name(pcap_datalink(s->p));
	return n ? n : "unknown";
}

int source_fd(const struct source *s)
{
	if (s->spec)
		return s->fd;
	return s->live ? pcap_get_selectable_fd(s->p) : -1;
}

/* The next packet from libpcap: 1 and h/data, 0 nothing ready (live), or a SOURCE_ code
 * (also remembered in pending, for the call after the packets already counted). */
static int next_packet(struct source *s, struct pcap_pkthdr **h, const u_char **data)
{
	if (s->held) {
		s->held = false;
		*h = s->hh;
		*data = s->hd;
		return 1;
	}
	int rc = pcap_next_ex(s->p, h, data);
	if (rc == 1 || rc == 0)
		return rc;
	if (s->child > 0) {
		s->pending = remote_ended(s); /* the stream ended: why is ssh's exit status */
	} else if (rc == PCAP_ERROR_BREAK) {
		s->pending = SOURCE_EOF;
	} else {
		snprintf(s->err, sizeof(s->err), "%s", pcap_geterr(s->p));
		s->pending = SOURCE_ERROR;
	}
	return s->pending;
}

int source_peek(struct source *s, struct timeval *ts)
{
	if (!s->held && !s->pending) {
		int rc = next_packet(s, &s->hh, &s->hd);
		if (rc != 1)
			return rc;
		s->held = true;
	}
	if (!s->held)
		return s->pending;
	*ts = s->hh->ts;
	return 1;
}

int source_dispatch(struct source *s, struct pnb_decoder *d, int max)
{
	int dlt = pcap_datalink(s->p), n = 0;
	if (s->pending && !s->held)
		return s->pending;
	while (n < max) {
		struct pcap_pkthdr *h;
		const u_char *data;
		/* A pipe blocks where a live handle says "nothing ready": read only what is there. */
		struct pollfd pfd = {s->fd, POLLIN, 0};
		if (s->spec && s->child > 0 && !s->held && poll(&pfd, 1, 0) <= 0)
			break;
		int rc = next_packet(s, &h, &data);
		if (rc == 0)
			break; /* live: nothing ready */
		if (rc < 0)
			return n ? n : rc;
		if (s->dump)
			pcap_dump((u_char *)s->dump, h, data);
		decoder_packet(d, dlt, &h->ts, h->caplen, h->len, data);
		n++;
	}
	if (s->dump && s->live)
		pcap_dump_flush(s->dump);
	return n;
}

const char *source_error(const struct source *s)
{
	return s->err;
}

bool source_stats(struct source *s, uint64_t *received, uint64_t *dropped)
{
	struct pcap_stat st;
	if (!s->live || s->spec || pcap_stats(s->p, &st) < 0)
		return false;
	*received = st.ps_recv;
	*dropped = (uint64_t)st.ps_drop + st.ps_ifdrop;
	return true;
}

int source_drop_root(char *err, size_t errlen)
{
	if (geteuid() != 0)
		return 0;
	uid_t uid;
	gid_t gid;
	const char *su = getenv("SUDO_UID"), *sg = getenv("SUDO_GID");
	if (su && sg && atoi(su) > 0) {
		uid = (uid_t)atoi(su);
		gid = (gid_t)atoi(sg);
	} else {
		struct passwd *pw = getpwnam("nobody");
		if (!pw) {
			snprintf(err, errlen, "cannot drop root: no user 'nobody'");
			return -1;
		}
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	}
	if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
		snprintf(err, errlen, "cannot drop root to uid %u: %s", (unsigned)uid,
			 strerror(errno));
		return -1;
	}
	if (setuid(0) == 0) {
		snprintf(err, errlen, "dropped root but could get it back; refusing to go on");
		return -1;
	}
	return 0;
}
