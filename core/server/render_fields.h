/* render_fields — the fields the templates see (one X-macro table per scope; the names are what
 * templates write, e.g. {{server.address}}, {{pi.mac}}), and the state shared by render.c (the
 * values) and render_files.c (templates → files). Internal to render. */
#ifndef PNB_CORE_RENDER_FIELDS_H
#define PNB_CORE_RENDER_FIELDS_H

#include "core/base/problems.h"
#include "core/site/profile.h"
#include "core/server/render.h"

#define RENDER_ROOT_FIELDS(X)                                                                    \
	X(R_PROFILE, "site.profile")           /* file name of the profile */                   \
	X(R_PI_COUNT, "site.pi_count")                                                            \
	X(R_FORMAT, "site.format")             /* files | ansible */                             \
	X(R_INTERFACE, "server.interface")                                                        \
	X(R_ADDRESS, "server.address")         /* 192.168.20.1 */                                \
	X(R_PREFIX_LEN, "server.prefix_len")                                                      \
	X(R_NETMASK, "server.netmask")                                                            \
	X(R_NETWORK, "server.network")                                                            \
	X(R_BROADCAST, "server.broadcast")                                                        \
	X(R_CIDR, "server.cidr")               /* 192.168.20.0/24 */                             \
	X(R_DHCP, "server.dhcp")               /* proxy | full | isc | kea | none */             \
	X(R_DHCP_DNSMASQ, "server.dhcp_dnsmasq") /* yes when dnsmasq does DHCP */                \
	X(R_TFTP, "server.tftp")                                                                  \
	X(R_TFTP_ROOT, "server.tftp_root")                                                        \
	X(R_ROOT, "server.root")               /* iscsi | nfs */                                 \
	X(R_TARGET, "server.iscsi_target")     /* tgt | lio | external */                      \
	X(R_IQN_BASE, "server.iqn_base")                                                          \
	X(R_INITRAMFS, "server.initramfs")                                                        \
	X(R_NFS_ROOT, "server.nfs_root")                                                          \
	X(R_RANGE_START, "server.range_start")                                                    \
	X(R_RANGE_END, "server.range_end")                                                        \
	X(R_ROUTER, "server.router")                                                              \
	X(R_DNS, "server.dns")                                                                    \
	X(R_REPLY_DELAY, "server.reply_delay") /* seconds, empty when none is needed */          \
	X(R_PXE_MENU, "server.pxe_menu")       /* "Raspberry Pi Boot   " */                      \
	X(R_OPT43_HEX, "server.option43_hex")  /* 06:01:03:… (ISC dhcpd) */                      \
	X(R_OPT43_DATA, "server.option43_data") /* 060103… (Kea) */                              \
	X(R_LUN, "server.lun")                 /* LUN of a Pi's disk: tgt 1, LIO 0 */            \
	X(R_KEA_TEST, "server.kea_test")       /* Kea class test: PXEClient and a known MAC */

#define RENDER_PI_FIELDS(X)                                                                      \
	X(P_NAME, "pi.name")                                                                      \
	X(P_HOSTNAME, "pi.hostname")                                                              \
	X(P_MODEL, "pi.model")                                                                    \
	X(P_MODEL_LONG, "pi.model_long")                                                          \
	X(P_PI3, "pi.pi3")                     /* yes for the Pi 3 family (ROM quirks) */        \
	X(P_EEPROM, "pi.eeprom")               /* yes for Pi 4/5 (bootconf.txt) */               \
	X(P_SERIAL, "pi.serial")                                                                  \
	X(P_MAC, "pi.mac")                     /* dc:a6:32:1c:6a:2a */                           \
	X(P_MAC_DASH, "pi.mac_dash")           /* dc-a6-32-1c-6a-2a */                           \
	X(P_IP, "pi.ip")                                                                          \
	X(P_TFTP_DIR, "pi.tftp_dir")           /* directory under the TFTP root */               \
	X(P_TFTP_PATH, "pi.tftp_path")                                                            \
	X(P_TFTP_FLAT, "pi.tftp_flat") /* tftp_prefix = none: the files live in the TFTP root */ \
	X(P_TFTP_PREFIX, "pi.tftp_prefix")     /* serial | mac | string */                       \
	X(P_BOOTCONF_PREFIX, "pi.bootconf_prefix") /* TFTP_PREFIX value 0/1/2 */                 \
	X(P_PREFIX_STR, "pi.prefix_str")                                                          \
	X(P_BOOT_ORDER, "pi.boot_order")                                                          \
	X(P_TFTP_IP, "pi.tftp_ip")             /* set when the DHCP server is not ours */        \
	X(P_INITIATOR, "pi.initiator")                                                            \
	X(P_TARGET, "pi.target")                                                                  \
	X(P_BACKING, "pi.backing")                                                                \
	X(P_BACKSTORE, "pi.backstore")                                                            \
	X(P_SIZE, "pi.size")                                                                      \
	X(P_CHAP, "pi.chap")                                                                      \
	X(P_CHAP_USER, "pi.chap_user")                                                            \
	X(P_CHAP_SECRET, "pi.chap_secret")                                                        \
	X(P_LUN, "pi.lun")                                                                        \
	X(P_LUN_SET, "pi.lun_set")   /* the profile gives the LUN: the target config sets it */   \
	X(P_PORTAL, "pi.portal")     /* IPV4:PORT the Pi logs in to */                           \
	X(P_BOOT_MOUNT, "pi.boot_mount") /* /boot/firmware or /boot */                           \
	X(P_BOOT_NFS, "pi.boot_nfs") /* its TFTP directory is mounted there over NFS */          \
	X(P_ROOT_UUID, "pi.root_uuid")                                                            \
	X(P_ROOT_DEV, "pi.root_dev")           /* UUID=… or the iSCSI by-path partition 2 */     \
	X(P_BOOT_DEV, "pi.boot_dev")                                                              \
	X(P_NFS_PATH, "pi.nfs_path")                                                              \
	X(P_KERNEL, "pi.kernel")                                                                  \
	X(P_INITRAMFS_FILE, "pi.initramfs_file")                                                  \
	X(P_KERNEL_FILE, "pi.kernel_file")                                                        \
	X(P_CONFIG_LINES, "pi.config_lines")                                                      \
	X(P_DHCP_OPTS, "pi.dhcp_opts")       /* "yes" when the Pi has dhcp_option keys */         \
	X(P_DNSMASQ_OPTS, "pi.dnsmasq_opts") /* its dhcp-option-force lines */                    \
	X(P_DHCPD_OPTS, "pi.dhcpd_opts")     /* its option lines inside the host block */        \
	X(P_KEA_OPTS, "pi.kea_opts")         /* its reservation option-data entries (JSON) */    \
	X(P_ROOT_ARGS, "pi.root_args")         /* cmdline words for the root */                  \
	X(P_JSON_SEP, "pi.json_sep")           /* "," except after the last Pi with a MAC */   \
	X(P_SEP, "pi.sep")                     /* "," except after the last Pi */               \
	X(P_SIZE_BYTES, "pi.size_bytes")       /* size, else the backing file's; may be empty */ \
	X(P_LIO_PLUGIN, "pi.lio_plugin")       /* block for /dev/…, else fileio */              \
	X(P_LIO_SO_PATH, "pi.lio_so_path")     /* /backstores/PLUGIN/NAME */                    \
	X(P_PORTAL_IP, "pi.portal_ip")                                                            \
	X(P_PORTAL_PORT, "pi.portal_port")

#define RENDER_FILE_FIELDS(X)                                                                    \
	X(F_PATH, "file.path")                                                                    \
	X(F_INSTALL, "file.install")                                                              \
	X(F_DAEMON, "file.daemon")                                                                \
	X(F_MODE, "file.mode")                                                                    \
	X(F_LINES, "file.lines")                                                                  \
	X(F_MERGED, "file.merged")     /* LIO's saveconfig.json: merged, others' targets kept */  \
	X(F_RELOAD, "file.reload")                                                                \
	X(F_HANDLER, "file.handler")                                                              \
	X(F_NOTE, "file.note")

#define RENDER_FIELD_ENUM(id, name) id,
enum { RENDER_ROOT_FIELDS(RENDER_FIELD_ENUM) R_COUNT };
enum { RENDER_PI_FIELDS(RENDER_FIELD_ENUM) P_COUNT };
enum { RENDER_FILE_FIELDS(RENDER_FIELD_ENUM) F_COUNT };
#undef RENDER_FIELD_ENUM

struct render_ctx {
	const struct site *s;
	const struct render_opts *o;
	struct problems *ps;
	char *root[R_COUNT];
	char **pis; /* n_pis × P_COUNT */
};

void render_ctx_init(struct render_ctx *c, const struct site *s, const struct render_opts *o,
		     struct problems *ps);
void render_ctx_done(struct render_ctx *c);
/* Parses the templates and renders every file into out. Returns 0 or -1 with problems. */
int render_files(struct render_ctx *c, struct render_set *out);

#endif
