/* libFuzzer harness for the virtual Pi's and iscsi-check's decoders: the first byte picks one —
 * a DHCP reply (vpi_dhcp_parse, xid and chaddr taken from the input so deep paths are reached),
 * a disk image (part_table_read over the bytes; more in fuzz_parttable), a kernel command line, a config.txt. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/server/bootfiles.h"
#include "core/disk/parttable.h"
#include "core/lab/vpi.h"

static void dhcp(const uint8_t *p, size_t n)
{
	struct vpi v;
	memset(&v, 0, sizeof(v));
	v.model = n > 1 && (p[1] & 1) ? PI_3B : PI_4B;
	v.mi = model_info(v.model);
	if (n >= 34) {
		v.xid = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
		memcpy(v.mac, p + 28, 6);
	}
	uint8_t type;
	struct vpi_offer o;
	vpi_dhcp_parse(&v, p, n, &type, &o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	char *text = malloc(n + 1);
	memcpy(text, p, n);
	text[n] = '\0';
	switch (data[0] % 4) {
	case 0:
		dhcp(p, n);
		break;
	case 1: {
		struct disk_mem m = {p, n};
		struct part_table pt;
		part_table_read(disk_mem_read, &m, n, 512, &pt);
		break;
	}
	case 2: {
		struct boot_params bp;
		char *err = NULL;
		bootparams_parse(text, &bp, &err);
		bootparams_root_lun(&bp);
		bootparams_done(&bp);
		free(err);
		break;
	}
	default: {
		struct config_txt ct;
		struct config_board b = {PI_CM4, "511e57f7"};
		config_txt_parse(text, &b, &ct);
		const char *k[4];
		size_t nk = config_txt_kernels(&ct, b.model, k);
		bool automatic;
		free(config_txt_initramfs(&ct, nk ? k[nk - 1] : "kernel8.img", &automatic));
		size_t len;
		free(config_txt_merge(text, strlen(text), "# c\nkernel=x\n", &len));
		config_txt_done(&ct);
	}
	}
	free(text);
	return 0;
}
