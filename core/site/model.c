/* model — per-model network boot capabilities (one table). */
#include "core/site/model.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "core/base/util.h"

#define PI3_FW "start.elf fixup.dat"
#define PI4_FW "start4.elf fixup4.dat"

static const struct pi_model_info models[PI_MODEL_COUNT] = {
	[PI_MODEL_UNKNOWN] = {PI_MODEL_UNKNOWN, "unknown", "unknown Raspberry Pi", "?", 0xff,
			      NETBOOT_NEVER, false, false, false, false, false, false, false, NULL,
			      NULL, "", "", "", NULL, 0, 0},
	[PI_2B] = {PI_2B, "2B", "Raspberry Pi 2 Model B v1.2", "BCM2837", 0x04, NETBOOT_OTP, true,
		   true, true, true, true, true, false, NULL, NULL, PI3_FW, "bcm2710-rpi-2-b.dtb",
		   "kernel7.img", NULL, 5, 5000},
	[PI_3B] = {PI_3B, "3B", "Raspberry Pi 3 Model B", "BCM2837", 0x08, NETBOOT_OTP, true, true,
		   true, true, true, true, false, NULL, NULL, PI3_FW, "bcm2710-rpi-3-b.dtb",
		   "kernel8.img", NULL, 5, 5000},
	[PI_3BPLUS] = {PI_3BPLUS, "3B+", "Raspberry Pi 3 Model B+", "BCM2837", 0x0d,
		       NETBOOT_FACTORY, true, true, false, true, false, true, false, NULL, NULL,
		       PI3_FW, "bcm2710-rpi-3-b-plus.dtb", "kernel8.img", NULL, 5, 5000},
	[PI_3APLUS] = {PI_3APLUS, "3A+", "Raspberry Pi 3 Model A+", "BCM2837", 0x0e,
		       NETBOOT_NEVER, false, true, false, true, false, true, false, NULL, NULL,
		       PI3_FW, "bcm2710-rpi-3-a-plus.dtb", "kernel8.img", NULL, 5, 5000},
	[PI_CM3] = {PI_CM3, "CM3", "Raspberry Pi Compute Module 3", "BCM2837", 0x0a, NETBOOT_OTP,
		    false, true, true, true, true, true, false, NULL, NULL, PI3_FW,
		    "bcm2710-rpi-cm3.dtb", "kernel8.img", NULL, 5, 5000},
	[PI_CM3PLUS] = {PI_CM3PLUS, "CM3+", "Raspberry Pi Compute Module 3+", "BCM2837", 0x10,
			NETBOOT_OTP, false, true, false, true, false, true, false, NULL, NULL,
			PI3_FW, "bcm2710-rpi-cm3.dtb", "kernel8.img", NULL, 5, 5000},
	[PI_4B] = {PI_4B, "4B", "Raspberry Pi 4 Model B", "BCM2711", 0x11, NETBOOT_EEPROM, true,
		   false, false, false, false, false, true, "2711", "pi4", PI4_FW,
		   "bcm2711-rpi-4-b.dtb", "kernel8.img", "RPi4", 0, 4000},
	[PI_400] = {PI_400, "400", "Raspberry Pi 400", "BCM2711", 0x13, NETBOOT_EEPROM, true, false,
		    false, false, false, false, true, "2711", "pi400", PI4_FW,
		    "bcm2711-rpi-400.dtb", "kernel8.img", "RPi4", 0, 4000},
	[PI_CM4] = {PI_CM4, "CM4", "Raspberry Pi Compute Module 4", "BCM2711", 0x14,
		    NETBOOT_EEPROM, true, false, false, false, false, false, true, "2711", "cm4",
		    PI4_FW, "bcm2711-rpi-cm4.dtb", "kernel8.img", "RPi4", 0, 4000},
	[PI_5] = {PI_5, "5", "Raspberry Pi 5", "BCM2712", 0x17, NETBOOT_EEPROM, true, false, false,
		  false, false, false, true, "2712", "pi5", "", "bcm2712-rpi-5-b.dtb",
		  "kernel_2712.img", "RPi5", 0, 4000},
	[PI_500] = {PI_500, "500", "Raspberry Pi 500", "BCM2712", 0x19, NETBOOT_EEPROM, true, false,
		    false, false, false, false, true, "2712", "pi500", "", "bcm2712-rpi-500.dtb",
		    "kernel_2712.img", "RPi5", 0, 4000},
	[PI_CM5] = {PI_CM5, "CM5", "Raspberry Pi Compute Module 5", "BCM2712", 0x18,
		    NETBOOT_EEPROM, true, false, false, false, false, false, true, "2712", "cm5",
		    "", "bcm2712-rpi-cm5-cm5io.dtb", "kernel_2712.img", "RPi5", 0, 4000},
};

const struct pi_model_info *model_info(enum pi_model m)
{
	if ((int)m < 0 || m >= PI_MODEL_COUNT)
		m = PI_MODEL_UNKNOWN;
	return &models[m];
}

/* Compares ignoring case and the spellings people use for "+": "3B+", "3b plus", "3bplus". */
static void normalise(const char *in, char *out, size_t outlen)
{
	size_t o = 0;
	if (strncasecmp(in, "pi", 2) == 0 && in[2] != '\0')
		in += 2;
	for (; *in && o + 5 < outlen; in++) {
		if (isspace((unsigned char)*in) || *in == '-' || *in == '_')
			continue;
		out[o++] = (char)toupper((unsigned char)*in);
	}
	out[o] = '\0';
	char *plus = strstr(out, "PLUS");
	if (plus && plus[4] == '\0')
		strcpy(plus, "+");
}

enum pi_model model_from_name(const char *name)
{
	char norm[32];
	if (!name)
		return PI_MODEL_UNKNOWN;
	normalise(name, norm, sizeof(norm));
	if (strcmp(norm, "4") == 0)
		return PI_4B;
	if (strcmp(norm, "3") == 0)
		return PI_3B;
	if (strcmp(norm, "5B") == 0)
		return PI_5;
	for (int m = 1; m < PI_MODEL_COUNT; m++)
		if (strcmp(norm, models[m].name) == 0)
			return (enum pi_model)m;
	return PI_MODEL_UNKNOWN;
}

const char *model_names_list(void)
{
	return "2B, 3B, 3B+, 3A+, CM3, CM3+, 4B, 400, CM4, 5, 500, CM5";
}

bool model_is_pi3_family(enum pi_model m)
{
	return strcmp(model_info(m)->soc, "BCM2837") == 0;
}

bool model_uses_eeprom(enum pi_model m)
{
	return model_info(m)->enable == NETBOOT_EEPROM;
}
