/* pcap_source — where packets come from: a pcap/pcapng file or a live interface, through
 * libpcap. Live capture is non-blocking with a selectable fd for the caller's poll loop, an
 * immediate-mode handle with a large buffer and a BPF filter for what the monitor decodes.
 * Optionally saves every packet it reads (-w). No printing: errors come back as text. */
#ifndef PNB_CAPTURE_PCAP_SOURCE_H
#define PNB_CAPTURE_PCAP_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "capture/decode.h"

/* The live capture filter: DHCP/BOOTP and proxyDHCP, TFTP (its transfers run between
 * ephemeral ports, which BPF cannot follow, so all UDP except chatty well-known services;
 * the decoder tracks the TIDs), ARP, iSCSI, NFS/MOUNT/portmap, NETCONSOLE and STP BPDUs,
 * with or without an 802.1Q tag. */
extern const char source_live_filter[];

struct source;

/* Opens a capture file (pcap or pcapng, any byte order / time resolution). NULL on error
 * with a message in err. The caller owns the result; close with source_close. */
struct source *source_open_file(const char *path, char *err, size_t errlen);
/* Opens iface for live capture (needs CAP_NET_RAW): immediate mode, buffer_mb of kernel
 * buffer, the filter above (or filter when not NULL), non-blocking. */
struct source *source_open_live(const char *iface, const char *filter, unsigned buffer_mb,
				char *err, size_t errlen);
/* Captures on the boot server: ssh://USER@HOST[:PORT]/IFACE runs tcpdump there (the filter
 * above, pcap on stdout, as Wireshark's sshdump) through ssh (PINETBOOT_SSH, no local shell) and
 * reads that stream as a live capture. Waits for tcpdump's file header; NULL with err (ssh's or
 * tcpdump's own complaint, escaped) when ssh or tcpdump fails. */
struct source *source_open_ssh(const char *spec, char *err, size_t errlen);
/* source_open_ssh in two halves, for a face that must not wait (the wizard): start runs ssh and
 * returns at once (NULL with err for a bad address); source_fd is the pipe to poll, and
 * source_ssh_ready says 1 the capture is open (a live source like any other), 0 not yet, -1 it
 * failed (err). Until it is open, only source_fd, source_ssh_ready and source_close apply. */
struct source *source_start_ssh(const char *spec, char *err, size_t errlen);
int source_ssh_ready(struct source *s, char *err, size_t errlen);
void source_close(struct source *s);
/* Starts saving every packet read from now on to path (pcap format). 0 or -1 with err. */
int source_save(struct source *s, const char *path, char *err, size_t errlen);
int source_datalink(const struct source *s);
/* libpcap's name for it ("EN10MB", "RAW", "IEEE802_11"…), never NULL. */
const char *source_datalink_name(const struct source *s);
/* The fd to poll for readability (live), or -1 (files). */
int source_fd(const struct source *s);
enum { SOURCE_EOF = -2, SOURCE_ERROR = -1 };
/* Reads up to max packets into the decoder. Returns the number read (0: nothing ready on a
 * live handle), SOURCE_EOF at the end of a file, SOURCE_ERROR with source_error() set (a
 * truncated file ends this way after the packets before the damage were decoded). */
int source_dispatch(struct source *s, struct pnb_decoder *d, int max);
/* The time of the next packet, read ahead and kept for the next source_dispatch (so sources
 * can be merged by time and a replay paced): 1 with ts set, 0 nothing ready (live), or
 * SOURCE_EOF / SOURCE_ERROR. */
int source_peek(struct source *s, struct timeval *ts);
const char *source_error(const struct source *s);
/* Kernel counters of a live capture; false for files. */
bool source_stats(struct source *s, uint64_t *received, uint64_t *dropped);
/* After opening as root: switch to SUDO_UID/SUDO_GID when set, else to `nobody`. No-op when
 * not root. 0, or -1 with err (the caller must not go on as root). */
int source_drop_root(char *err, size_t errlen);

#endif
