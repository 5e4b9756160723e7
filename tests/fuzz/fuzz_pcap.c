/* fuzz_pcap — the whole path from a capture file: libpcap's pcap/pcapng reader (through
 * fmemopen) and every decoder behind it, for any link type we handle. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *fp = fmemopen((void *)data, size, "rb");
	if (!fp)
		return 0;
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_fopen_offline(fp, err);
	if (!p) {
		fclose(fp);
		return 0;
	}
	struct fz f;
	fz_init(&f);
	struct pcap_pkthdr *h;
	const u_char *pkt;
	int dlt = pcap_datalink(p);
	for (int i = 0; i < 10000 && pcap_next_ex(p, &h, &pkt) == 1; i++) {
		uint8_t *copy = malloc(h->caplen ? h->caplen : 1);
		memcpy(copy, pkt, h->caplen);
		decoder_packet(f.d, dlt, &h->ts, h->caplen, h->len, copy);
		free(copy);
	}
	fz_done(&f);
	pcap_close(p);
	return 0;
}
