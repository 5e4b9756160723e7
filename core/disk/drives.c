/* drives — libudev enumeration, mount/holder/system analysis, classification, hotplug. */
#include "core/disk/drives.h"

#include <dirent.h>
#include <errno.h>
#include <libudev.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/base/util.h"

#define DRIVE_NAME(id, name) name,
const char *const drive_bus_names[BUS_COUNT] = {DRIVE_BUSES(DRIVE_NAME)};
#undef DRIVE_NAME
const char *const drive_class_names[] = {"safe", "system", "read-only", "mounted", "too small"};

/* Mount points whose disk runs this machine. */
static const char *const system_mounts[] = {"/", "/boot", "/boot/firmware", "/boot/efi", "/usr",
					    "/var", "/home", "/etc"};

struct mount {
	dev_t dev;
	char *where;
};
struct sysinfo {
	struct mount *m;
	size_t n;
	char **swaps; /* device names ("sda3", "dm-1") used as swap */
	size_t n_swaps;
};

static void strv_add(char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
}

/* mountinfo escapes blanks as \040 etc. */
static void unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] && r[3]) {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = 0;
}

static void sysinfo_load(struct sysinfo *si)
{
	memset(si, 0, sizeof(*si));
	const char *mi = getenv("PNB_MOUNTINFO");
	FILE *f = fopen(mi && *mi ? mi : "/proc/self/mountinfo", "r");
	char line[4096];
	while (f && fgets(line, sizeof(line), f)) {
		unsigned maj, min;
		char where[PATH_MAX];
		if (sscanf(line, "%*u %*u %u:%u %*s %4095s", &maj, &min, where) != 3)
			continue;
		unescape(where);
		si->m = xrealloc(si->m, (si->n + 1) * sizeof(*si->m));
		si->m[si->n++] = (struct mount){makedev(maj, min), xstrdup(where)};
	}
	if (f)
		fclose(f);
	const char *sw = getenv("PNB_SWAPS");
	f = fopen(sw && *sw ? sw : "/proc/swaps", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char path[PATH_MAX], real[PATH_MAX];
		if (line[0] != '/' || sscanf(line, "%4095s", path) != 1)
			continue;
		unescape(path);
		const char *p = realpath(path, real) ? real : path;
		const char *base = strrchr(p, '/') ? strrchr(p, '/') + 1 : p;
		strv_add(&si->swaps, &si->n_swaps, base);
	}
	if (f)
		fclose(f);
}

static void sysinfo_done(struct sysinfo *si)
{
	for (size_t i = 0; i < si->n; i++)
		free(si->m[i].where);
	free(si->m);
	strv_free(si->swaps, si->n_swaps);
}

static const char *attr(struct udev_device *d, const char *name)
{
	const char *v = udev_device_get_sysattr_value(d, name);
	return v ? v : "";
}

/* Model strings come from hardware: control characters and udev's '_' become spaces. */
static char *clean(const char *s)
{
	char *c = xstrdup(s ? s : "");
	for (char *p = c; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '_')
			*p = ' ';
	char *t = str_trim(c);
	memmove(c, t, strlen(t) + 1);
	return c;
}

/* A udev property when udevd recorded one, else the sysfs attribute of the parent device
 * (scsi, mmc card, nvme controller) or of the disk itself (virtio). Heap string. */
static char *prop_or_attr(struct udev_device *d, const char *prop, const char *attr_name)
{
	const char *v = udev_device_get_property_value(d, prop);
	struct udev_device *parent = udev_device_get_parent(d);
	if ((!v || !*v) && parent)
		v = udev_device_get_sysattr_value(parent, attr_name);
	if (!v || !*v)
		v = udev_device_get_sysattr_value(d, attr_name);
	return clean(v);
}

static enum drive_bus find_bus(struct udev_device *d, const char *name)
{
	if (str_startswith(name, "loop"))
		return BUS_LOOP;
	const char *idbus = udev_device_get_property_value(d, "ID_BUS");
	bool usb = idbus && !strcmp(idbus, "usb"), mmc = false, sdio = false, nvme = false,
	     virtio = false, ata = idbus && !strcmp(idbus, "ata"), scsi = false;
	for (struct udev_device *p = udev_device_get_parent(d); p; p = udev_device_get_parent(p)) {
		const char *s = udev_device_get_subsystem(p);
		if (!s)
			continue;
		usb |= !strcmp(s, "usb");
		mmc |= !strcmp(s, "mmc");
		sdio |= !strcmp(s, "sdio");
		nvme |= !strcmp(s, "nvme");
		virtio |= !strcmp(s, "virtio");
		ata |= !strcmp(s, "ata");
		scsi |= !strcmp(s, "scsi");
	}
	return usb ? BUS_USB : sdio ? BUS_SDIO : mmc ? BUS_MMC : nvme ? BUS_NVME : virtio ? BUS_VIRTIO
		: ata ? BUS_ATA : scsi ? BUS_SCSI : BUS_UNKNOWN;
}

static dev_t devnum_of_sysdir(const char *sysdir)
{
	char *p = xasprintf("%s/dev", sysdir);
	FILE *f = fopen(p, "r");
	free(p);
	unsigned maj = 0, min = 0;
	if (f) {
		if (fscanf(f, "%u:%u", &maj, &min) != 2)
			maj = min = 0;
		fclose(f);
	}
	return makedev(maj, min);
}

/* Holders of the block device at sysdir, recursively (dm on partition, LVM on md …). */
static void add_holders(struct drive *dr, const char *sysdir, int depth)
{
	char *p = xasprintf("%s/holders", sysdir);
	DIR *dir = opendir(p);
	free(p);
	struct dirent *e;
	while (dir && depth < 8 && (e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		strv_add(&dr->holders, &dr->n_holders, e->d_name);
		char *sub = xasprintf("/sys/class/block/%s", e->d_name);
		add_holders(dr, sub, depth + 1);
		free(sub);
	}
	if (dir)
		closedir(dir);
}

static bool is_system_mount(const char *where)
{
	for (size_t i = 0; i < PNB_ARRAY_LEN(system_mounts); i++)
		if (!strcmp(where, system_mounts[i]))
			return true;
	return false;
}

/* One member (the disk, a partition or a holder): its mounts and swap use. */
static void check_member(struct drive *dr, const struct sysinfo *si, const char *name, dev_t dev)
{
	for (size_t i = 0; i < si->n; i++) {
		if (si->m[i].dev != dev || major(dev) == 0)
			continue;
		char *s = xasprintf("%s on %s", name, si->m[i].where);
		strv_add(&dr->mounts, &dr->n_mounts, s);
		free(s);
		dr->mounted = true;
		int rank = !strcmp(si->m[i].where, "/") ? 3 : is_system_mount(si->m[i].where) ? 2 : 0;
		if (rank > dr->system_rank) {
			dr->system = true;
			dr->system_rank = rank;
			free(dr->system_why);
			dr->system_why = xasprintf("%s holds %s", name, si->m[i].where);
		}
	}
	for (size_t i = 0; i < si->n_swaps; i++) {
		if (strcmp(si->swaps[i], name) != 0)
			continue;
		dr->mounted = true;
		if (!dr->system) {
			dr->system = true;
			dr->system_rank = 1;
			dr->system_why = xasprintf("%s is swap", name);
		}
	}
}

/* Calls fn on each block device of DEVTYPE devtype ("disk", "partition"), only those below
 * parent when it is not NULL; fn borrows the device for the call. */
static void each_block_device(struct udev *udev, struct udev_device *parent, const char *devtype,
			      void (*fn)(struct udev_device *dev, void *ctx), void *ctx)
{
	struct udev_enumerate *en = udev_enumerate_new(udev);
	if (!en)
		return;
	if (parent)
		udev_enumerate_add_match_parent(en, parent);
	udev_enumerate_add_match_subsystem(en, "block");
	udev_enumerate_add_match_property(en, "DEVTYPE", devtype);
	udev_enumerate_scan_devices(en);
	struct udev_list_entry *e;
	udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en))
	{
		struct udev_device *d = udev_device_new_from_syspath(udev, udev_list_entry_get_name(e));
		if (!d)
			continue;
		fn(d, ctx);
		udev_device_unref(d);
	}
	udev_enumerate_unref(en);
}

struct part_visit {
	struct drive *dr;
	const struct sysinfo *si;
};

/* A partition of the drive: listed, and its mounts and holders count as the drive's. */
static void add_part(struct udev_device *p, void *ctx)
{
	struct part_visit *v = ctx;
	const char *pname = udev_device_get_sysname(p);
	strv_add(&v->dr->parts, &v->dr->n_parts, pname);
	check_member(v->dr, v->si, pname, udev_device_get_devnum(p));
	add_holders(v->dr, udev_device_get_syspath(p), 0);
}

static void analyse(struct drive *dr, struct udev *udev, struct udev_device *dev, const struct sysinfo *si)
{
	const char *sys = udev_device_get_syspath(dev);
	check_member(dr, si, dr->name, dr->devnum);
	add_holders(dr, sys, 0);
	struct part_visit v = {dr, si};
	each_block_device(udev, dev, "partition", add_part, &v);
	for (size_t i = 0; i < dr->n_holders; i++) {
		char *sysdir = xasprintf("/sys/class/block/%s", dr->holders[i]);
		check_member(dr, si, dr->holders[i], devnum_of_sysdir(sysdir));
		free(sysdir);
	}
}

static bool skip_name(const char *n)
{
	return str_startswith(n, "ram") || str_startswith(n, "zram") || str_startswith(n, "sr") ||
	       str_startswith(n, "dm-") || str_startswith(n, "md") || str_startswith(n, "nbd") ||
	       (str_startswith(n, "mmcblk") && strstr(n, "boot")) || str_endswith(n, "rpmb");
}

static void drive_done(struct drive *d)
{
	free(d->name);
	free(d->devnode);
	free(d->vendor);
	free(d->model);
	free(d->serial);
	strv_free(d->parts, d->n_parts);
	strv_free(d->holders, d->n_holders);
	strv_free(d->mounts, d->n_mounts);
	free(d->system_why);
	free(d->backing);
}

static bool drive_fill(struct drive *dr, struct udev *udev, struct udev_device *dev, const struct sysinfo *si)
{
	const char *name = udev_device_get_sysname(dev);
	uint64_t sectors = strtoull(attr(dev, "size"), NULL, 10);
	if (!name || skip_name(name) || sectors == 0)
		return false;
	memset(dr, 0, sizeof(*dr));
	dr->name = xstrdup(name);
	const char *node = udev_device_get_devnode(dev);
	dr->devnode = node ? xstrdup(node) : xasprintf("/dev/%s", name);
	dr->size = sectors * 512;
	dr->devnum = udev_device_get_devnum(dev);
	dr->removable = !strcmp(attr(dev, "removable"), "1");
	dr->readonly = !strcmp(attr(dev, "ro"), "1");
	dr->bus = find_bus(dev, name);
	dr->vendor = prop_or_attr(dev, "ID_VENDOR", "vendor");
	dr->model = prop_or_attr(dev, "ID_MODEL", dr->bus == BUS_MMC || dr->bus == BUS_SDIO ? "name" : "model");
	dr->serial = prop_or_attr(dev, "ID_SERIAL_SHORT", "serial");
	if (dr->bus == BUS_LOOP) {
		const char *b = udev_device_get_sysattr_value(dev, "loop/backing_file");
		if (b && *b) {
			dr->backing = xstrdup(b);
			str_trim(dr->backing);
		}
	}
	analyse(dr, udev, dev, si);
	return true;
}

/* Loop devices over the same file (losetup -o for a partition) share their mounts: a mounted
 * partition loop makes the whole-image loop unsafe too. */
static void merge_loops(struct drive_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct drive *a = &l->d[i];
		for (size_t j = 0; a->backing && j < l->n; j++) {
			const struct drive *b = &l->d[j];
			if (i == j || !b->backing || strcmp(a->backing, b->backing) != 0 || !b->mounted)
				continue;
			a->mounted = true;
			for (size_t k = 0; k < b->n_mounts; k++)
				if (!strchr(b->mounts[k], '(')) {
					char *s = xasprintf("%s (same file as %s)", b->mounts[k], b->name);
					strv_add(&a->mounts, &a->n_mounts, s);
					free(s);
				}
			if (b->system && !a->system) {
				a->system = true;
				a->system_why = xasprintf("%s (same file as %s)", b->system_why, b->name);
			}
		}
	}
}

struct disk_visit {
	struct drive_list *out;
	struct udev *udev;
	const struct sysinfo *si;
};

static void add_disk(struct udev_device *dev, void *ctx)
{
	struct disk_visit *v = ctx;
	struct drive_list *out = v->out;
	out->d = xrealloc(out->d, (out->n + 1) * sizeof(*out->d));
	if (drive_fill(&out->d[out->n], v->udev, dev, v->si))
		out->n++;
}

int drives_scan(struct drive_list *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	struct udev *udev = udev_new();
	if (!udev) {
		snprintf(err, errlen, "cannot talk to udev: %s", strerror(errno));
		return -1;
	}
	struct sysinfo si;
	sysinfo_load(&si);
	struct disk_visit v = {out, udev, &si};
	each_block_device(udev, NULL, "disk", add_disk, &v);
	udev_unref(udev);
	sysinfo_done(&si);
	merge_loops(out);
	return 0;
}

void drive_list_done(struct drive_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		drive_done(&l->d[i]);
	free(l->d);
	memset(l, 0, sizeof(*l));
}

const struct drive *drive_list_find(const struct drive_list *l, const char *path)
{
	char real[PATH_MAX];
	const char *p = realpath(path, real) ? real : path;
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->d[i].devnode, p) || !strcmp(l->d[i].devnode, path) ||
		    !strcmp(l->d[i].name, path))
			return &l->d[i];
	return NULL;
}

enum drive_class drive_classify(const struct drive *d, uint64_t image_size)
{
	if (d->system)
		return DRIVE_SYSTEM;
	if (d->readonly)
		return DRIVE_READONLY;
	if (d->mounted)
		return DRIVE_MOUNTED;
	if (image_size && d->size < image_size)
		return DRIVE_TOO_SMALL;
	return DRIVE_SAFE;
}

char *drive_class_reason(const struct drive *d, uint64_t image_size)
{
	switch (drive_classify(d, image_size)) {
	case DRIVE_SYSTEM: return xasprintf("system disk: %s", d->system_why ? d->system_why : "in use by this machine");
	case DRIVE_READONLY: return xstrdup("read-only (write-protect switch on the card or adapter?)");
	case DRIVE_MOUNTED: return xasprintf("mounted: %s", d->n_mounts ? d->mounts[0] : "in use");
	case DRIVE_TOO_SMALL:
		return xasprintf("too small: %llu MiB for a %llu MiB image",
				 (unsigned long long)(d->size >> 20), (unsigned long long)(image_size >> 20));
	case DRIVE_SAFE: break;
	}
	return xstrdup("safe");
}

enum drive_verdict drive_verdict(const struct drive *d, uint64_t image_size, char **why)
{
	if (!d) {
		*why = xstrdup("not a whole disk (a partition? write to the disk it belongs to)");
		return DRIVE_OVERRIDE;
	}
	enum drive_class c = drive_classify(d, image_size);
	*why = drive_class_reason(d, image_size);
	return c == DRIVE_SAFE ? DRIVE_CONFIRM : c == DRIVE_TOO_SMALL ? DRIVE_REFUSE : DRIVE_OVERRIDE;
}

enum drive_verdict drive_verdict_path(const char *path, uint64_t image_size, char **why)
{
	struct drive_list l;
	char err[256];
	if (drives_scan(&l, err, sizeof(err)) < 0) {
		*why = xstrdup(err);
		return DRIVE_REFUSE;
	}
	enum drive_verdict v = drive_verdict(drive_list_find(&l, path), image_size, why);
	drive_list_done(&l);
	return v;
}

enum drive_verdict drive_verdict_target(const char *path, uint64_t image_size, bool *holds_data,
					char **why)
{
	struct stat st;
	*holds_data = false;
	if (lstat(path, &st) != 0) {
		if (errno != ENOENT) {
			*why = xasprintf("cannot be looked at: %s", strerror(errno));
			return DRIVE_REFUSE;
		}
		*why = xstrdup("safe: a new file");
		return DRIVE_CONFIRM;
	}
	if (S_ISLNK(st.st_mode)) {
		char to[4096];
		ssize_t n = readlink(path, to, sizeof(to) - 1);
		to[n > 0 ? n : 0] = '\0';
		struct stat t;
		*holds_data = stat(path, &t) == 0 && (S_ISBLK(t.st_mode) || t.st_size > 0);
		*why = xasprintf("a symbolic link to %s: writing it writes that file", to);
		return DRIVE_OVERRIDE;
	}
	if (S_ISBLK(st.st_mode)) {
		*holds_data = true;
		return drive_verdict_path(path, image_size, why);
	}
	if (!S_ISREG(st.st_mode)) {
		*why = xstrdup("not a file or a disk (a directory, FIFO, socket or character device)");
		return DRIVE_REFUSE;
	}
	*holds_data = st.st_size > 0;
	if (st.st_nlink > 1) {
		*why = xasprintf("a file with %lu names (hard links): writing it changes the others too",
				 (unsigned long)st.st_nlink);
		return DRIVE_OVERRIDE;
	}
	*why = st.st_size > 0 ? xasprintf("a file holding %llu bytes", (unsigned long long)st.st_size)
			      : xstrdup("safe: an empty file");
	return DRIVE_CONFIRM;
}

struct drive_monitor {
	struct udev *udev;
	struct udev_monitor *mon;
};

struct drive_monitor *drive_monitor_new(char *err, size_t errlen)
{
	struct drive_monitor *m = xcalloc(1, sizeof(*m));
	m->udev = udev_new();
	/* udevd rebroadcasts kernel events once it has processed them; where no udevd runs (a
	 * container), listen to the kernel's own events instead. umockdev emulates udevd. */
	bool udevd = access("/run/udev/control", F_OK) == 0 || getenv("UMOCKDEV_DIR");
	m->mon = m->udev ? udev_monitor_new_from_netlink(m->udev, udevd ? "udev" : "kernel") : NULL;
	if (!m->mon || udev_monitor_filter_add_match_subsystem_devtype(m->mon, "block", "disk") < 0 ||
	    udev_monitor_enable_receiving(m->mon) < 0) {
		snprintf(err, errlen, "cannot watch udev for drives: %s", strerror(errno));
		drive_monitor_free(m);
		return NULL;
	}
	return m;
}

void drive_monitor_free(struct drive_monitor *m)
{
	if (!m)
		return;
	if (m->mon)
		udev_monitor_unref(m->mon);
	if (m->udev)
		udev_unref(m->udev);
	free(m);
}

int drive_monitor_fd(const struct drive_monitor *m) { return udev_monitor_get_fd(m->mon); }

int drive_monitor_next(struct drive_monitor *m, struct drive_event *ev)
{
	struct udev_device *d = udev_monitor_receive_device(m->mon);
	if (!d)
		return 0;
	const char *a = udev_device_get_action(d), *n = udev_device_get_sysname(d);
	ev->kind = !a ? DRIVE_EVENT_CHANGE : !strcmp(a, "add") ? DRIVE_EVENT_ADD
		 : !strcmp(a, "remove") ? DRIVE_EVENT_REMOVE : DRIVE_EVENT_CHANGE;
	snprintf(ev->name, sizeof(ev->name), "%s", n ? n : "");
	udev_device_unref(d);
	return 1;
}

struct drive_monitor *drive_watch_start(struct drive_list *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	struct drive_monitor *m = drive_monitor_new(err, errlen);
	if (!m)
		return NULL;
	if (drives_scan(out, err, errlen) < 0) {
		drive_monitor_free(m);
		return NULL;
	}
	return m;
}
