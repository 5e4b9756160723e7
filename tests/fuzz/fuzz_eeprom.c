/* libFuzzer harness: the pieeprom.bin section walker and bootconf replacement. The input is
 * laid over a 512 KiB erased image (so small inputs reach the walker), or used whole when it
 * is exactly an image's size. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/pi/eeprom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t img_buf[EEPROM_SIZE_2711];
	const uint8_t *buf = data;
	size_t n = size;
	if (size != EEPROM_SIZE_2711 && size != EEPROM_SIZE_2712) {
		memset(img_buf, 0xff, sizeof(img_buf));
		memcpy(img_buf, data, size < sizeof(img_buf) ? size : sizeof(img_buf));
		buf = img_buf;
		n = sizeof(img_buf);
	}
	struct eeprom_image img;
	if (eeprom_load_buffer(&img, buf, n) == 0) {
		const struct eeprom_section *s = eeprom_find_file(&img, "bootconf.txt");
		size_t len;
		if (s && eeprom_file_content(&img, s, &len)) {
			static const char conf[] = "[all]\nBOOT_ORDER=0xf21\n";
			eeprom_replace_file(&img, "bootconf.txt", (const uint8_t *)conf,
					    sizeof(conf) - 1);
		}
		uint32_t ts;
		eeprom_get_timestamp(&img, &ts);
		eeprom_set_timestamp(&img, 1700000000);
		struct eeprom_version v;
		eeprom_get_version(&img, &v);
	}
	eeprom_done(&img);
	return 0;
}
