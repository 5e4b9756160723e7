/* diagnose_tftp — stages 4 and 5: which files the Pi asked for, under which prefix, which
 * arrived, and which misses matter. Probes (tsize, "Early terminate"), bootsig.bin,
 * recovery.elf, pieeprom.sig and overlay_map.dtb misses are normal Pi noise and say nothing.
 * Facts: spec/eeprom-otp.md §5.4, §5.6–5.8, spec/netboot-servers-and-failures.md §3.3, §3.5, §4. */
#include "core/monitor/diagnose_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum file_kind {
	FK_OTHER,
	FK_NOISE,
	FK_BOOTCODE,
	FK_START,
	FK_FIXUP,
	FK_CONFIG,
	FK_CMDLINE,
	FK_DTB,
	FK_KERNEL,
	FK_INITRAMFS
};

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static enum file_kind file_kind(const char *path)
{
	static const char *const noise[] = {
	    "bootsig.bin",  "recovery.elf", "recover4.elf", "recovery.bin", "recovery5.elf",
	    "pieeprom.sig", "pieeprom.upd", "vl805.sig",    "vl805.bin",    "overlay_map.dtb",
	    "dt-blob.bin",  "autoboot.txt", "bootcfg.txt",  "usercfg.txt",  "syscfg.txt"};
	const char *b = base_name(path);
	for (size_t i = 0; i < PNB_ARRAY_LEN(noise); i++)
		if (b[0] == noise[i][0] && strcmp(b, noise[i]) == 0) /* first byte: most differ */
			return FK_NOISE;
	if (str_startswith(b, "armstub") || str_endswith(b, ".dtbo"))
		return FK_NOISE;
	if (strcmp(b, "bootcode.bin") == 0)
		return FK_BOOTCODE;
	if (str_startswith(b, "start") && str_endswith(b, ".elf"))
		return FK_START;
	if (str_startswith(b, "fixup") && str_endswith(b, ".dat"))
		return FK_FIXUP;
	if (strcmp(b, "config.txt") == 0)
		return FK_CONFIG;
	if (strcmp(b, "cmdline.txt") == 0)
		return FK_CMDLINE;
	if (str_endswith(b, ".dtb"))
		return FK_DTB;
	if (str_startswith(b, "initramfs") || str_startswith(b, "initrd"))
		return FK_INITRAMFS;
	if (str_startswith(b, "kernel") || str_startswith(b, "vmlinuz") || strcmp(b, "Image") == 0)
		return FK_KERNEL;
	return FK_OTHER;
}

static bool kind_is_kernel_stage(enum file_kind k)
{
	return k == FK_CMDLINE || k == FK_DTB || k == FK_KERNEL || k == FK_INITRAMFS;
}

/* The directory part before the first '/', or "" (overlays/ is not a prefix). */
static void path_prefix(const char *path, char *out, size_t len)
{
	const char *s = strchr(path, '/');
	out[0] = '\0';
	if (!s || s == path || (size_t)(s - path) >= len || str_startswith(path, "overlays/"))
		return;
	memcpy(out, path, (size_t)(s - path));
	out[s - path] = '\0';
}

static bool is_serial_dir(const char *p)
{
	if (strlen(p) != 8)
		return false;
	for (int i = 0; i < 8; i++)
		if (!isxdigit((unsigned char)p[i]))
			return false;
	return true;
}

static struct file_rec *file_get(struct pistate *ps, const char *name, bool add)
{
	for (size_t i = 0; i < ps->n_files; i++)
		if (strcmp(ps->files[i].name, name) == 0)
			return &ps->files[i];
	if (!add || ps->n_files >= 512) /* a bound against captures full of random names */
		return NULL;
	if (ps->n_files == ps->cap_files) {
		ps->cap_files = ps->cap_files ? ps->cap_files * 2 : 16;
		ps->files = xrealloc(ps->files, ps->cap_files * sizeof(*ps->files));
	}
	struct file_rec *f = &ps->files[ps->n_files++];
	memset(f, 0, sizeof(*f));
	f->name = xstrdup(name);
	return f;
}

/* Key firmware files: the ones whose absence under the prefix makes the Pi drop it. */
static bool is_prefix_probe(const struct pistate *ps, enum file_kind k)
{
	if (model_is_pi3_family(ps->pub.model))
		return k == FK_START;
	const struct pi_model_info *mi = model_info(ps->pub.model);
	bool pi5 = mi->eeprom_family && strcmp(mi->eeprom_family, "2712") == 0;
	return k == FK_START || (k == FK_CONFIG && (pi5 || ps->pub.model == PI_MODEL_UNKNOWN));
}

static const char *prefix_kind_of(const struct pistate *ps, const char *p, char *buf, size_t len)
{
	char m[18];
	mac_format(ps->pub.mac, '-', m);
	if (strcmp(p, m) == 0)
		return "mac";
	if (is_serial_dir(p))
		return "serial";
	snprintf(buf, len, "string:%s", p);
	return buf;
}

static void prefix_miss(struct diag *d, struct pistate *ps, const char *name, const char *p,
			const struct pnb_event *ev)
{
	char exp[40], buf[64];
	const char *kind;
	if (pi_fired(ps, R_PREFIX_MISMATCH) || pi_fired(ps, R_PREFIX_DIR_MISSING))
		return; /* the first miss is the evidence; start.elf after start4.elf adds nothing
			 */
	if (!ps->prefix_missed) {
		ps->prefix_missed = true;
		ps->prefix_miss_frame = ev->frame;
		snprintf(ps->prefix_miss_file, sizeof(ps->prefix_miss_file), "%s", name);
	}
	if (ps->prof && ps->prof->prefix == TFTP_PREFIX_NONE)
		return; /* flat layout: the Pi drops the missed prefix and finds its files in the
			 * root, where the profile put them */
	if (!prof_prefix(ps, exp, sizeof(exp), &kind))
		return; /* without a profile, wait: the Pi drops the prefix and tries the root */
	bool pi3 = model_is_pi3_family(ps->pub.model);
	if (pi3 && ps->prof->prefix != TFTP_PREFIX_SERIAL)
		return; /* a Pi 3 always probes its serial; a flat or MAC layout is fine */
	struct sbuf e;
	ev_text(d, &e, ev, "RRQ %s, ERROR 1 File not found", name);
	if (strcmp(p, exp) != 0) {
		const char *pk = prefix_kind_of(ps, p, buf, sizeof(buf));
		int code = ps->prof->prefix == TFTP_PREFIX_SERIAL ? 0
			   : ps->prof->prefix == TFTP_PREFIX_MAC  ? 2
								  : 1;
		pi_report(
		    ps, R_PREFIX_MISMATCH, 0, ev->frame,
		    xasprintf("asked for %s, got File not found; the profile lays this Pi out "
			      "by %s %s",
			      name, kind, exp),
		    sbuf_take(&e),
		    xasprintf("set TFTP_PREFIX=%d%s%s in the Pi's EEPROM, or tftp_prefix = %s in "
			      "the profile (then export/apply)",
			      code, code == 1 ? " with TFTP_PREFIX_STR=" : "", code == 1 ? exp : "",
			      pk));
	} else {
		pi_report(
		    ps, R_PREFIX_DIR_MISSING, 0, ev->frame,
		    xasprintf("asked for %s, got File not found: the Pi's own TFTP directory "
			      "%s/ is missing or has no %s",
			      name, exp, base_name(name)),
		    sbuf_take(&e),
		    xasprintf("copy the boot files to %s/%s/ (pinetboot apply)",
			      d->site && d->site->tftp_root ? d->site->tftp_root : "TFTP_ROOT",
			      exp));
	}
}

static void firmware_missing(struct diag *d, struct pistate *ps, const char *name,
			     const struct pnb_event *ev, enum diag_rule r)
{
	if (pi_fired(ps, r) && ps->pub.verdicts[ps->fired[r] - 1].failure)
		return; /* the first missing file tells; the Pi's fallbacks add nothing */
	struct sbuf e;
	ev_text(d, &e, ev, "RRQ %s, ERROR 1 File not found", name);
	if (ps->prefix_missed)
		sbuf_printf(&e, "; earlier %s was missing too (%s)", ps->prefix_miss_file,
			    frame_name(d, ps->prefix_miss_frame, (char[160]){0}));
	for (unsigned i = 0; i < ps->n_offers; i++)
		if (ps->offers[i].has67) {
			sbuf_printf(&e,
				    "; the offer's boot file \"%s\" (option 67) is ignored by "
				    "the Pi",
				    ps->offers[i].opt67);
			break;
		}
	const char *root = d->site && d->site->tftp_root ? d->site->tftp_root : "the TFTP root";
	switch (r) {
	case R_BOOTCODE_MISSING:
		pi_report(
		    ps, r, 0, ev->frame,
		    xstrdup("the Pi 3 ROM asked for bootcode.bin and the TFTP root has none"),
		    sbuf_take(&e),
		    xasprintf("put bootcode.bin (from the firmware's boot partition) in %s", root));
		break;
	case R_FIRMWARE_NOT_FOUND:
		pi_report(
		    ps, r, 0, ev->frame,
		    xasprintf("asked for %s, got File not found: no firmware where the Pi "
			      "looks",
			      name),
		    sbuf_take(&e),
		    xasprintf("copy the boot partition (start*.elf, fixup*.dat, config.txt) to "
			      "%s under the Pi's directory (pinetboot apply)",
			      root));
		break;
	case R_INITRAMFS_MISSING:
		pi_report(
		    ps, r, 0, ev->frame,
		    xasprintf("config.txt names the initramfs %s, which is not on the TFTP "
			      "server",
			      base_name(name)),
		    sbuf_take(&e),
		    xstrdup("build it (update-initramfs -c -k VERSION with iscsi.initramfs for "
			    "iSCSI) and copy it next to the kernel, or fix the initramfs line"));
		break;
	default:
		pi_report(
		    ps, R_KERNEL_MISSING, 0, ev->frame,
		    xasprintf("asked for %s, got File not found", name), sbuf_take(&e),
		    xstrdup("copy the whole boot partition (kernel, dtbs, cmdline.txt) to the "
			    "Pi's TFTP directory"));
		break;
	}
}

static void file_error(struct diag *d, struct pistate *ps, const char *name, uint16_t code,
		       const struct pnb_event *ev)
{
	struct file_rec *f = file_get(ps, name, true);
	if (!f || (f->err_frame && f->err_frame >= f->rrq_frame))
		return; /* ERROR packet and transfer summary: one report */
	f->err_frame = ev->frame ? ev->frame : 1;
	if (code == 2) {
		struct sbuf e;
		ev_text(d, &e, ev, "RRQ %s, ERROR 2 Access violation", name);
		pi_report(
		    ps, R_ACCESS_VIOLATION, ps->kernel_started ? 5 : 4, ev->frame,
		    xasprintf("the TFTP server refused %s (access violation)", name), sbuf_take(&e),
		    xstrdup("make the file world-readable and inside the TFTP root (tftpd-hpa "
			    "--secure serves only below it; check symlinks)"));
		return;
	}
	if (code != 1)
		return;
	f->not_found = true;
	enum file_kind k = file_kind(name);
	char p[40];
	path_prefix(name, p, sizeof(p));
	if (k == FK_NOISE || k == FK_OTHER)
		return;
	if (k == FK_BOOTCODE) {
		firmware_missing(d, ps, name, ev, R_BOOTCODE_MISSING);
	} else if (p[0] && is_prefix_probe(ps, k) && !ps->kernel_started) {
		prefix_miss(d, ps, name, p, ev);
	} else if (k == FK_START || k == FK_FIXUP) {
		if (!(k == FK_START && ps->have_start) && !ps->kernel_started)
			firmware_missing(d, ps, name, ev, R_FIRMWARE_NOT_FOUND);
	} else if (k == FK_CONFIG) {
		if (is_prefix_probe(ps, k) && !ps->kernel_started)
			firmware_missing(d, ps, name, ev, R_FIRMWARE_NOT_FOUND);
	} else if (k == FK_INITRAMFS) {
		firmware_missing(d, ps, name, ev, R_INITRAMFS_MISSING);
	} else {
		firmware_missing(d, ps, name, ev, R_KERNEL_MISSING);
	}
}

static void prefix_dropped(struct diag *d, struct pistate *ps, const char *name,
			   const struct pnb_event *ev)
{
	ps->prefix_dropped = true;
	if (model_is_pi3_family(ps->pub.model) || pi_fired(ps, R_PREFIX_MISMATCH) ||
	    pi_fired(ps, R_PREFIX_DIR_MISSING))
		return; /* Pi 3 flat layouts are normal; the profile check said more */
	char p[40];
	path_prefix(ps->prefix_miss_file, p, sizeof(p));
	struct sbuf e;
	ev_text(d, &e, ev, "%s not found (%s), then RRQ %s", ps->prefix_miss_file,
		frame_name(d, ps->prefix_miss_frame, (char[160]){0}), name);
	pi_report(
	    ps, R_PREFIX_DROPPED, 0, ev->frame,
	    xasprintf("no firmware under %s/, so the Pi dropped the prefix and reads the TFTP "
		      "root",
		      p),
	    sbuf_take(&e),
	    xasprintf("put this Pi's boot files in %s/ (or keep the shared root on purpose)", p));
}

static void on_rrq(struct diag *d, const struct pnb_event *ev)
{
	struct pistate *ps = diag_pi_late(d, ev->src_mac, ev, true);
	if (!ps)
		return;
	char name[256];
	size_t n =
	    ev->u.tftp.filename.len < sizeof(name) - 1 ? ev->u.tftp.filename.len : sizeof(name) - 1;
	if (n && ev->u.tftp.filename.p)
		memcpy(name, ev->u.tftp.filename.p, n);
	name[n] = '\0';
	ps->last_frame = ev->frame;
	ps->last_ts = ps->last_tftp_ts = ev->ts;
	if (!ps->n_rrq++) {
		ps->first_rrq_frame = ev->frame;
		ps->first_rrq_ts = ev->ts;
	}
	ps->last_rrq_frame = ev->frame;
	ps->rrq_dst = ev->dst_ip;
	if (!ps->tftp_answered)
		ps->n_rrq_unanswered++;
	/* Pi 3 ROM: the usable offer followed by TFTP is stage 3. */
	st_done(ps, STAGE_BOUND, ev);
	st_progress(ps, STAGE_TFTP_FIRMWARE, ev);
	struct file_rec *f = file_get(ps, name, true);
	if (f) {
		f->n_rrq++;
		f->rrq_frame = ev->frame;
		f->rrq_ts = ev->ts;
		f->server = ev->dst_ip;
	}
	char p[40];
	path_prefix(name, p, sizeof(p));
	enum file_kind k = file_kind(name);
	if (p[0]) {
		if (is_serial_dir(p) && k != FK_OTHER)
			diag_pi_learn_serial(d, ps, p);
		if (!ps->prefix_seen) {
			snprintf(ps->prefix, sizeof(ps->prefix), "%s", p);
			ps->prefix_seen = true;
		}
	} else if (ps->prefix_missed && !ps->prefix_dropped &&
		   (k == FK_START || k == FK_CONFIG || k == FK_FIXUP)) {
		prefix_dropped(d, ps, name, ev);
	}
	if (kind_is_kernel_stage(k) && !ps->kernel_started) {
		ps->kernel_started = true;
		st_done(ps, STAGE_TFTP_FIRMWARE, ev);
		st_progress(ps, STAGE_TFTP_KERNEL, ev);
	}
	if (k == FK_INITRAMFS)
		ps->initramfs_asked = true;
	if (ps->n_rrq_unanswered >= 3)
		tftp_unanswered(d, ps, ev->ts);
}

void dx_tftp(struct diag *d, const struct pnb_event *ev)
{
	const struct ev_tftp *t = &ev->u.tftp;
	if (t->opcode == TFTP_RRQ) {
		on_rrq(d, ev);
		return;
	}
	struct pistate *ps = diag_pi_get(d, ev->dst_mac);
	if (ps) { /* server → Pi: DATA, OACK, ERROR */
		ps->tftp_answered = true;
		ps->n_rrq_unanswered = 0;
		ps->last_ts = ps->last_tftp_ts = ev->ts;
		ps->last_frame = ev->frame;
		if (t->opcode == TFTP_ERROR && t->transfer_file)
			file_error(d, ps, t->transfer_file, t->error_code, ev);
		return;
	}
	ps = diag_pi_get(d, ev->src_mac);
	if (ps) {
		ps->last_ts = ps->last_tftp_ts = ev->ts;
		ps->last_frame = ev->frame;
	}
}

static void file_complete(struct diag *d, struct pistate *ps, const char *name,
			  const struct pnb_event *ev)
{
	struct file_rec *f = file_get(ps, name, true);
	enum file_kind k = file_kind(name);
	if (f) {
		f->complete = true;
		f->not_found = false;
		if (++f->n_complete == 3 && k != FK_CONFIG && k != FK_NOISE) {
			struct sbuf e;
			ev_text(d, &e, ev, "%s transferred completely 3 times, the last", name);
			pi_report(
			    ps, R_TFTP_REPEAT, ps->kernel_started ? 5 : 4, ev->frame,
			    xasprintf("the Pi keeps fetching %s again after complete transfers",
				      name),
			    sbuf_take(&e),
			    xstrdup("use dnsmasq or tftpd-hpa (they negotiate tsize/blksize), "
				    "not netkit tftpd"));
		}
	}
	const struct pi_model_info *mi = model_info(ps->pub.model);
	bool pi5 = mi->eeprom_family && strcmp(mi->eeprom_family, "2712") == 0;
	if (k == FK_START)
		ps->have_start = true;
	if (k == FK_FIXUP)
		ps->have_fixup = true;
	if ((ps->have_start && ps->have_fixup) || (pi5 && k == FK_CONFIG))
		st_done(ps, STAGE_TFTP_FIRMWARE, ev);
	if (k == FK_KERNEL)
		ps->kernel_done = true;
	if (k == FK_INITRAMFS)
		ps->initramfs_done = true;
	if ((k == FK_KERNEL || k == FK_INITRAMFS) && ps->kernel_done &&
	    (!ps->initramfs_asked || ps->initramfs_done)) {
		ps->kernel_done_ts = ev->ts;
		st_done(ps, STAGE_TFTP_KERNEL, ev);
	}
}

static void xfer_cut(struct diag *d, struct pistate *ps, const struct pnb_event *ev)
{
	const struct ev_tftp_xfer *x = &ev->u.xfer;
	int32_t bs = x->blksize > 0 ? x->blksize : 512;
	/* The counter wraps after block 65535: a transfer cut off right there, of a file that
	 * needs more blocks (or of unknown size). */
	bool wrap = x->blocks >= 65500 && (x->tsize <= 0 || x->tsize > 65535LL * bs);
	bool timeout = x->end == XFER_TIMEOUT;
	bool pi_gave_up = !timeout && x->error_from_client && x->duration >= 20.0 && x->blocks > 1;
	if (!wrap && !timeout && !pi_gave_up)
		return; /* an existence probe: normal */
	if (timeout && !x->blocks)
		return; /* an RRQ nobody answered: tftp_unanswered's business */
	struct sbuf e;
	sbuf_init(&e);
	sbuf_printf(&e, "%s: %u blocks (%llu bytes", x->filename, x->blocks,
		    (unsigned long long)x->bytes);
	if (x->tsize > 0)
		sbuf_printf(&e, " of %lld", (long long)x->tsize);
	sbuf_printf(&e, ", blksize %d) in %.1f s, ", bs, x->duration);
	if (timeout)
		sbuf_add(&e, "then silence");
	else
		sbuf_printf(&e, "then ERROR %u \"%s\" from %s", x->error_code,
			    x->error_msg ? x->error_msg : "",
			    x->error_from_client ? "the Pi" : "the server");
	sbuf_add(&e, ", ended ");
	ev_ref(d, &e, ev->frame, ev->ts);
	int stage = ps->kernel_started ? 5 : 4;
	if (wrap) {
		pi_report(
		    ps, R_BLOCK_WRAP, stage, ev->frame,
		    xasprintf("%s needs more than 65535 blocks of %d bytes and the transfer "
			      "stopped at the block-number wrap",
			      x->filename, bs),
		    sbuf_take(&e),
		    xstrdup("update the bootloader (2025-09-23 or later), raise blksize to 1468, "
			    "or shrink the file"));
	} else if (pi_gave_up) {
		pi_report(ps, R_FILE_TIMEOUT, stage, ev->frame,
			  xasprintf("the Pi gave up on %s after %.0f s (TFTP_FILE_TIMEOUT)",
				    x->filename, x->duration),
			  sbuf_take(&e),
			  xstrdup("raise TFTP_FILE_TIMEOUT in the EEPROM (e.g. 300000), shrink the "
				  "initramfs, or use blksize 1468"));
	} else {
		pi_report(
		    ps, R_TFTP_STALL, stage, ev->frame,
		    xasprintf("the transfer of %s stopped and timed out", x->filename),
		    sbuf_take(&e),
		    xstrdup("check the TFTP server's load and the link (duplex, MTU); the Pi 3B "
			    "stops answering ARP during long transfers"));
	}
}

void dx_xfer(struct diag *d, const struct pnb_event *ev)
{
	const struct ev_tftp_xfer *x = &ev->u.xfer;
	struct pistate *ps = diag_pi_get(d, x->client_mac);
	if (!ps || !x->filename)
		return;
	ps->last_ts = ps->last_tftp_ts = ev->ts;
	ps->last_frame = ev->frame;
	ps->tftp_answered = true;
	ps->n_rrq_unanswered = 0;
	if (x->end == XFER_COMPLETE && !x->probe)
		file_complete(d, ps, x->filename, ev);
	else if (x->end == XFER_ERROR && !x->error_from_client)
		file_error(d, ps, x->filename, x->error_code, ev);
	else if (!x->probe)
		xfer_cut(d, ps, ev);
	if (x->retransmissions > 20 && x->retransmissions * 4 > x->blocks) {
		struct sbuf e;
		ev_text(d, &e, ev, "%s: %u of %u blocks sent again, ended", x->filename,
			x->retransmissions, x->blocks);
		pi_report(
		    ps, R_TFTP_RETRANSMITS, ps->kernel_started ? 5 : 4, ev->frame,
		    xasprintf("a quarter or more of the blocks of %s were retransmitted",
			      x->filename),
		    sbuf_take(&e),
		    xstrdup("check the link (cabling, duplex, a busy switch) and the server's "
			    "load"));
	}
}

void tftp_unanswered(struct diag *d, struct pistate *ps, struct timeval now)
{
	if (!ps->n_rrq || ps->tftp_answered)
		return;
	if (ps->n_rrq_unanswered < 3 && tv_diff(now, ps->first_rrq_ts) < T_TFTP_ANSWER)
		return;
	char dst[16], exp[16];
	struct sbuf e;
	sbuf_init(&e);
	sbuf_printf(&e, "%u RRQs to %s since ", ps->n_rrq, ip_str(ps->rrq_dst, dst));
	ev_ref(d, &e, ps->first_rrq_frame, ps->first_rrq_ts);
	sbuf_add(&e, ", no DATA, OACK or ERROR back");
	if (ps->tftp_ip && ps->rrq_dst != ps->tftp_ip) {
		sbuf_printf(&e, "; the boot offer named TFTP server %s", ip_str(ps->tftp_ip, exp));
		pi_report(
		    ps, R_TFTP_WRONG_SERVER, 0, ps->first_rrq_frame,
		    xasprintf("the Pi sends its TFTP requests to %s%s, not to the TFTP host %s",
			      dst, ps->rrq_dst == ps->addr_server ? " (the DHCP server)" : "", exp),
		    sbuf_take(&e),
		    xstrdup("run TFTP on the host whose offer carries option 43 (the Pi 3 "
			    "ignores siaddr), or set TFTP_IP in the Pi 4/5 EEPROM"));
		return;
	}
	/* The Pi went where the boot offer's siaddr (next-server) sent it, and that host is not
	 * the one that made the offer: the Pi did as told (Pi 3 ROM and Pi 4/5 EEPROM alike go to
	 * siaddr, option 66 or option 54), so the RRQs are not at the wrong server — the offer
	 * names a host without TFTP. Said so, since the TFTP server is usually on the offering
	 * host and next-server is a stale or mistyped setting. */
	const struct offer_rec *bo = ps->boot_offer >= 0 ? &ps->offers[ps->boot_offer] : NULL;
	if (bo && bo->siaddr == ps->rrq_dst && bo->server && bo->server != bo->siaddr) {
		sbuf_printf(&e, "; %s is the next-server (siaddr) of the boot offer from %s", dst,
			    ip_str(bo->server, exp));
		pi_report(ps, R_TFTP_NO_ANSWER, 0, ps->first_rrq_frame,
			  xasprintf("nothing answers TFTP on %s, the next-server (siaddr) the boot "
				    "offer named",
				    dst),
			  sbuf_take(&e),
			  xasprintf("start TFTP on %s, or point next-server (dnsmasq: dhcp-boot's "
				    "server address; ISC dhcpd: next-server) at the TFTP host (%s "
				    "if TFTP runs there)",
				    dst, exp));
		return;
	}
	pi_report(ps, R_TFTP_NO_ANSWER, 0, ps->first_rrq_frame,
		  xasprintf("nothing answers TFTP on %s", dst), sbuf_take(&e),
		  xstrdup("start the TFTP server (enable-tftp in dnsmasq, or tftpd-hpa) and open "
			  "UDP 69 and the transfer ports in the firewall"));
}
