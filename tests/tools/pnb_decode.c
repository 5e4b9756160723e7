/* pnb_decode IMAGE — decodes IMAGE with core/image (liblzma's threaded decoder for multi-block
 * .xz) to nowhere and prints "BYTES THREADS SHA256-of-source"; the decode-only baseline of
 * bench/flash.sh. */
#include <stdio.h>
#include <stdlib.h>

#include "core/disk/image.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: pnb_decode IMAGE\n");
		return 2;
	}
	char err[300], sha[65];
	struct image *im = image_open(argv[1], err, sizeof(err));
	if (!im) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	static char buf[4 << 20];
	unsigned long long total = 0;
	ssize_t n;
	while ((n = image_read(im, buf, sizeof(buf))) > 0)
		total += (unsigned long long)n;
	if (n < 0 || image_sha256_finish(im, sha) < 0) {
		fprintf(stderr, "%s\n", image_error(im));
		return 1;
	}
	printf("%llu %d %s\n", total, image_threads(im), sha);
	image_free(im);
	return 0;
}
