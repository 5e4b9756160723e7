/* vpi_core — the virtual Pi's identity and bookkeeping, below its boot sequence: making and
 * freeing one, the clock and deadline, the log, and marking a stage done or failed. The boot
 * steps (vpi.c, vpi_dhcp.c, vpi_tftp.c, vpi_nfs.c, ...) call down into these; nothing here
 * calls up. */
#include "core/lab/vpi.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/deadline.h"
#include "core/base/util.h"
#include "core/site/tftp_dir.h"

/* A plausible new-style revision code for the model (bit 23 set, 2 GB, Sony UK, the model's
 * SoC and type), sent in option 97 the way the EEPROM bootloader does. */
static uint32_t revision_of(const struct pi_model_info *mi)
{
	uint32_t proc = !strcmp(mi->soc, "BCM2711") ? 3 : !strcmp(mi->soc, "BCM2712") ? 4 : 2;
	return 1u << 23 | 2u << 20 | proc << 12 | (uint32_t)mi->rev_type << 4 | 1;
}

/* The directory the Pi asks under ("511e57f7/"), "" when the profile lacks its name; an
 * override with no string asks under the Pi's name (fault injection). */
static void prefix_dir(const struct pi *p, enum tftp_prefix_kind k, const char *str, char *out,
		       size_t len)
{
	char d[PI_TFTP_DIR_MAX];
	if (pi_tftp_dir_name_as(p, k, str ? str : p->name, d) && *d)
		snprintf(out, len, "%s/", d);
	else
		snprintf(out, len, "%s", "");
}

struct vpi *vpi_new(const struct site *s, const struct pi *p, const char *lower,
		    const struct vpi_opts *o, char **err)
{
	*err = NULL;
	const struct pi_model_info *mi = model_info(p->model);
	if (!mi->ethernet || mi->enable == NETBOOT_NEVER) {
		*err = xasprintf("a %s cannot boot from the network", mi->long_name);
		return NULL;
	}
	if (!p->has_mac || !p->has_serial) {
		*err = xasprintf("Pi \"%s\" needs mac and serial in the profile to be simulated",
				 p->name);
		return NULL;
	}
	if (strlen(lower) >= IF_NAMESIZE) {
		*err = xasprintf("\"%s\" is not an interface name", lower);
		return NULL;
	}
	struct vpi *v = xcalloc(1, sizeof(*v));
	v->name = xstrdup(p->name);
	v->model = p->model;
	v->mi = mi;
	memcpy(v->mac, p->mac, 6);
	memcpy(v->serial, p->serial, 9);
	v->revision = revision_of(mi);
	v->site = s;
	v->pi = p;
	v->o = *o;
	if (v->o.timeout <= 0)
		v->o.timeout = 90;
	snprintf(v->lower, sizeof(v->lower), "%s", lower);
	v->raw = -1;
	prefix_dir(p, p->prefix, p->prefix_str, v->profile_dir, sizeof(v->profile_dir));
	if (o->prefix_set)
		prefix_dir(p, o->prefix, o->prefix_str, v->prefix_dir, sizeof(v->prefix_dir));
	else
		memcpy(v->prefix_dir, v->profile_dir, sizeof(v->prefix_dir));
	deadline_start(&v->clock, (int64_t)v->o.timeout * 1000);
	return v;
}

void vpi_net_down(struct vpi *v)
{
	if (v->raw >= 0) {
		close(v->raw);
		v->raw = -1;
	}
	iscsi_check_free(v->ic); /* logs out while the Pi's link is still there */
	v->ic = NULL;
	vpi_local_down(v);
}

void vpi_free(struct vpi *v)
{
	if (!v)
		return;
	vpi_net_down(v);
	for (int i = 0; i < STAGE_COUNT; i++)
		free(v->st[i].detail);
	strv_free(v->log, v->n_log);
	free(v->name);
	free(v->rule);
	free(v->cause);
	free(v->fix);
	free(v->prefix_used);
	free(v->config_txt);
	free(v->cmdline_txt);
	free(v->initramfs_name);
	free(v);
}

long vpi_elapsed_ms(const struct vpi *v)
{
	return (long)deadline_spent_ms(&v->clock);
}

bool vpi_cancelled(const struct vpi *v)
{
	return v->o.cancel && *v->o.cancel;
}

long vpi_time_left_ms(const struct vpi *v)
{
	if (vpi_cancelled(v))
		return 0;
	return (long)deadline_left_ms(&v->clock);
}

void vpi_log(struct vpi *v, const char *fmt, ...)
{
	struct sbuf b;
	va_list ap;
	sbuf_init(&b);
	long ms = vpi_elapsed_ms(v);
	sbuf_printf(&b, "+%ld.%03ld ", ms / 1000, ms % 1000);
	va_start(ap, fmt);
	sbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	v->log = xrealloc(v->log, (v->n_log + 1) * sizeof(char *));
	v->log[v->n_log++] = sbuf_take(&b);
}

static void set_detail(struct vpi *v, enum boot_stage s, const char *fmt, va_list ap)
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_vprintf(&b, fmt, ap);
	free(v->st[s].detail);
	v->st[s].detail = sbuf_take(&b);
}

void vpi_stage_done(struct vpi *v, enum boot_stage s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_detail(v, s, fmt, ap);
	va_end(ap);
	v->st[s].state = STATE_DONE;
	if ((int)s > v->reached)
		v->reached = (int)s;
}

int vpi_fail(struct vpi *v, enum boot_stage s, const char *rule, const char *fix,
	     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_detail(v, s, fmt, ap);
	va_end(ap);
	v->st[s].state = STATE_FAILED;
	v->failed = (int)s;
	free(v->rule);
	free(v->cause);
	free(v->fix);
	v->rule = xstrdup(rule);
	v->cause = xstrdup(v->st[s].detail);
	v->fix = fix ? xstrdup(fix) : NULL;
	return -1;
}
