/* pnb_replay — sends the frames of a capture file out of an interface (pcap_inject), for the
 * live monitor test and the live benchmark. Only ever used on veth pairs inside test network
 * namespaces.
 *   pnb_replay IFACE FILE [SECONDS [PPS]]
 * With SECONDS, the file is sent again and again for that long, at most PPS frames per second
 * (0 = as fast as possible). Prints "sent N frames in S s (R/s)". */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct frame {
	uint32_t len;
	uint8_t *p;
};

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: pnb_replay IFACE FILE [SECONDS [PPS]]\n");
		return 2;
	}
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *in = pcap_open_offline(argv[2], err);
	if (!in) {
		fprintf(stderr, "pnb_replay: %s\n", err);
		return 2;
	}
	struct frame *fr = NULL;
	size_t n = 0, cap = 0;
	struct pcap_pkthdr *h;
	const u_char *d;
	while (pcap_next_ex(in, &h, &d) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			fr = realloc(fr, cap * sizeof(*fr));
		}
		fr[n].len = h->caplen;
		fr[n].p = malloc(h->caplen);
		memcpy(fr[n].p, d, h->caplen);
		n++;
	}
	pcap_close(in);
	pcap_t *out = pcap_open_live(argv[1], 65535, 0, 10, err);
	if (!out) {
		fprintf(stderr, "pnb_replay: %s\n", err);
		return 2;
	}
	double secs = argc > 3 ? atof(argv[3]) : 0, pps = argc > 4 ? atof(argv[4]) : 0;
	double t0 = now();
	unsigned long long sent = 0;
	do {
		for (size_t i = 0; i < n; i++) {
			if (pcap_inject(out, fr[i].p, fr[i].len) < 0) {
				fprintf(stderr, "pnb_replay: %s\n", pcap_geterr(out));
				return 1;
			}
			sent++;
			if (pps > 0)
				while ((double)sent / (now() - t0 + 1e-9) > pps)
					;
			else if (!secs && (i & 15) == 15) {
				struct timespec ts = {0, 200000};
				nanosleep(&ts, NULL); /* a gentle pace for the functional test */
			}
			if (secs && now() - t0 >= secs)
				break;
		}
	} while (secs && now() - t0 < secs);
	double dt = now() - t0;
	printf("sent %llu frames in %.2f s (%.0f/s)\n", sent, dt, (double)sent / dt);
	pcap_close(out);
	for (size_t i = 0; i < n; i++)
		free(fr[i].p);
	free(fr);
	return 0;
}
