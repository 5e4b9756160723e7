/* shim_words — where seed 002's scsipub shim (a kernel that carries its own initramfs) takes its
 * iSCSI root from. Its guide: iscsi.ip=, iscsi.target=, iscsi.port= and iscsi.mode= (pivot,
 * kexec, usb) on the kernel command line take precedence over DHCP: option 17, the root path as
 * iscsi:SERVER:PROTO:PORT:LUN:TARGET (RFC 4173), and option 224, the mode (pivot when absent).
 * It does not read pinetboot's iscsi_* words. Its initiator name, CHAP words and a LUN on the
 * command line are not documented. */
#ifndef PNB_CORE_SHIM_WORDS_H
#define PNB_CORE_SHIM_WORDS_H

struct shim_root {
	char *portal, *target; /* heap; NULL when no source names it */
	int port;	       /* 3260 when not given */
	int lun;	       /* option 17's; -1 when it does not name one */
	char *mode;	       /* heap; "pivot" when neither source names one */
	char from[160];	       /* which sources gave values, e.g. "DHCP option 17; cmdline.txt
				  iscsi.ip iscsi.target" */
};

/* Reads cmdline (a kernel command line), opt17 and opt224 (the DHCP options' text; NULL or ""
 * when not sent) into r. Returns 0, or -1 with *err a heap message naming the malformed value
 * (caller frees). r is filled as far as it could be and must be shim_root_done()'d either way. */
int shim_root_parse(const char *cmdline, const char *opt17, const char *opt224, struct shim_root *r,
		    char **err);
void shim_root_done(struct shim_root *r);

#endif
