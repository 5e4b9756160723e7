/* stages — the names of the eight boot stages and what completes each on the wire. */
#include "core/site/stages.h"

const char *const boot_stage_names[STAGE_COUNT] = {
    "none",	   "ROM DHCP discover", "boot offer", "address bound", "TFTP firmware",
    "TFTP kernel", "kernel network",	"root login", "root in use"};

const char *const boot_stage_help[STAGE_COUNT] = {
    "",
    "a DHCP DISCOVER with vendor class PXEClient:Arch:00000:UNDI:002001 (option 97 gives the "
    "model and serial on Pi 4/5)",
    "an offer with option 43 holding \"Raspberry Pi Boot\" and a TFTP server (option 66, "
    "siaddr or option 54)",
    "REQUEST/ACK; the Pi 3 ROM never requests, so the usable offer followed by TFTP counts",
    "bootcode.bin (Pi 3), then start*.elf and fixup*.dat (config.txt on a Pi 5) under the "
    "prefix",
    "device tree, cmdline.txt, kernel and initramfs transferred completely",
    "a second DHCP from the same MAC, without PXEClient: the kernel's or initramfs's",
    "iSCSI login accepted (status 0x0000) or NFS MOUNT answered OK",
    "SCSI READ/WRITE commands (or NFS READs) flowing",
};
