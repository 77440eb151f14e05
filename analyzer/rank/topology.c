/* topology.c - the PCI picture (topology.h): devices, parents, IOMMU groups, claiming VMs and
 * problem devices, from the fact store through factstore_query() only.
 *
 * Sources, best first: the device view (lspci, sysfs, config rows); lspci -t edges; bridge bus
 * windows from lspci -vv ("	Bus: primary=00, secondary=01, subordinate=01, sec-latency=0")
 * and the kernel log ("pci 0000:00:01.0: PCI bridge to [bus 02]"); group membership from
 * iommu_groups rows and kernel or QEMU lines ("pci 0000:00:01.0: Adding to iommu group 1",
 * "vfio 0000:01:00.0: group 1 is not viable"); VMs from vm_hostdevs and QEMU command lines
 * ("-device vfio-pci,host=0000:01:00.0,id=hostpci0.0").
 */
#include "rank/topology.h"

#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "common/pciaddr.h"
#include "common/str.h"
#include "common/xalloc.h"
#include "facts/factstore.h"
#include "rank/readiness.h"
#include "rank/result.h"

/* Devices appended since the last sort that find() scans linearly. */
#define UNSORTED_TAIL 32

/* Rows a line-derived query may return; the store bounds the work too (MAX_SQL_STEPS). */
#define LINE_QUERY_LIMIT "20000"

struct bridge {
	uint16_t domain;
	int secondary, subordinate;
	const char *bdf; /* arena string: stable while topo.v is re-sorted */
};

struct topo {
	struct arena *a;
	struct pci_device *v;
	size_t n, cap, n_sorted;
	size_t dropped;
	struct bridge *br;
	size_t n_br, cap_br;
	bool have_tree;
};

static int cmp_dev(const void *a, const void *b)
{
	return strcmp(((const struct pci_device *)a)->bdf, ((const struct pci_device *)b)->bdf);
}

static void resort(struct topo *t)
{
	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), cmp_dev);
	t->n_sorted = t->n;
}

static struct pci_device *find(struct topo *t, const char *bdf)
{
	struct pci_device key = { .bdf = bdf };
	struct pci_device *d =
		t->n_sorted ? bsearch(&key, t->v, t->n_sorted, sizeof(*t->v), cmp_dev) : NULL;

	for (size_t i = t->n_sorted; !d && i < t->n; i++)
		if (strcmp(t->v[i].bdf, bdf) == 0)
			d = &t->v[i];
	return d;
}

/* The canonical "dddd:bb:dd.f" of a text value, or false. */
static bool canon(struct str s, char buf[PCIADDR_STR_MAX], struct pciaddr *pa)
{
	struct pciaddr tmp;

	if (!pa)
		pa = &tmp;
	if (!pciaddr_parse(str_trim(s), false, pa))
		return false;
	pciaddr_format(pa, buf);
	return true;
}

static struct pci_device *find_or_add(struct topo *t, const char *bdf, const char *source)
{
	struct pci_device *d = find(t, bdf);

	if (d)
		return d;
	if (t->n >= MAX_TOPOLOGY_DEVICES) {
		t->dropped++;
		return NULL;
	}
	t->v = xgrow(t->v, &t->cap, t->n + 1, sizeof(*t->v));
	d = &t->v[t->n++];
	*d = (struct pci_device){
		.bdf = arena_strdup(t->a, bdf),
		.class_code = -1,
		.iommu_group = -1,
		.boot_vga = -1,
		.flr = -1,
		.pm_no_soft_reset = -1,
		.secondary_bus = -1,
		.subordinate_bus = -1,
		.source = source,
	};
	if (t->n - t->n_sorted >= UNSORTED_TAIL) {
		resort(t); /* keeps lookups O(log n); no caller holds a device across this call */
		d = find(t, bdf);
	}
	return d;
}

static const char *text_or_null(struct arena *a, const struct fs_value *v)
{
	return v->type == FS_TEXT && v->s.len ? arena_str(a, v->s).ptr : NULL;
}

static int int_or(const struct fs_value *v, int dflt)
{
	return v->type == FS_INT ? (int)v->i : dflt;
}

/* ---- devices ---- */

static int on_device(void *ctx, int ncols, const char *const *names, const struct fs_value *v)
{
	struct topo *t = ctx;
	char bdf[PCIADDR_STR_MAX];
	struct pci_device *d;

	(void)names;
	if (ncols < 12 || v[0].type != FS_TEXT || !canon(v[0].s, bdf, NULL))
		return 0;
	d = find_or_add(t, bdf, NULL);
	if (!d)
		return 0;
	d->vendor_device = text_or_null(t->a, &v[1]);
	d->vendor_name = text_or_null(t->a, &v[2]);
	d->device_name = text_or_null(t->a, &v[3]);
	d->class_name = text_or_null(t->a, &v[4]);
	d->class_code = int_or(&v[5], -1);
	d->driver = text_or_null(t->a, &v[6]);
	d->iommu_group = v[7].type == FS_INT ? v[7].i : -1;
	d->boot_vga = int_or(&v[8], -1);
	d->flr = int_or(&v[9], -1);
	d->pm_no_soft_reset = int_or(&v[10], -1);
	d->source = text_or_null(t->a, &v[11]);
	d->is_bridge = d->class_code == 0x0604 || d->class_code == 0x0609;
	d->passthrough = d->driver && strcmp(d->driver, "vfio-pci") == 0;
	return 0;
}

static const char sql_devices[] =
	"SELECT bdf, vendor_device, vendor_name, device_name, class_name, class, driver, "
	"iommu_group, boot_vga, CASE WHEN max(coalesce(flr, -1), coalesce(af_flr, -1)) < 0 THEN "
	"NULL ELSE max(coalesce(flr, 0), coalesce(af_flr, 0)) END, pm_no_soft_reset, "
	"(SELECT group_concat(DISTINCT source) FROM devices x WHERE x.bdf = device.bdf) "
	"FROM device ORDER BY bdf";

/* sysfs reset_method ("flr bus"): facts(scope 'sysfs', subject bdf, key 'reset_method') */
static int on_reset_method(void *ctx, int ncols, const char *const *names, const struct fs_value *v)
{
	struct topo *t = ctx;
	char bdf[PCIADDR_STR_MAX];
	struct pci_device *d;

	(void)names;
	if (ncols < 2 || v[0].type != FS_TEXT || !canon(v[0].s, bdf, NULL))
		return 0;
	d = find(t, bdf);
	if (d && v[1].type == FS_TEXT)
		d->reset_method = arena_str(t->a, str_trim(v[1].s)).ptr;
	return 0;
}

/* ---- IOMMU groups ---- */

static void add_member(struct topo *t, int64_t grp, const char *bdf)
{
	struct pci_device *d = find_or_add(t, bdf, "log");

	/* sources that disagree: the device view (lspci, sysfs) came first and wins */
	if (d && grp >= 0 && d->iommu_group < 0)
		d->iommu_group = grp;
}

static int on_group_row(void *ctx, int ncols, const char *const *names, const struct fs_value *v)
{
	struct topo *t = ctx;
	char bdf[PCIADDR_STR_MAX];

	(void)names;
	if (ncols < 2 || v[0].type != FS_INT || v[1].type != FS_TEXT || !canon(v[1].s, bdf, NULL))
		return 0;
	add_member(t, v[0].i, bdf);
	return 0;
}

/* The group number after `after` in s ("Adding to iommu group 14", "group 1 is not viable"). */
static bool group_after(struct str s, const char *after, int64_t *out)
{
	long at = str_find(s, after);
	uint64_t n;

	if (at < 0)
		return false;
	s = str_sub(s, (size_t)at + strlen(after), s.len);
	if (!str_take_u64(&s, 10, 1000000, &n))
		return false;
	*out = (int64_t)n;
	return true;
}

static int on_group_line(void *ctx, int ncols, const char *const *names, const struct fs_value *v)
{
	struct topo *t = ctx;
	char bdf[PCIADDR_STR_MAX];
	int64_t grp;

	(void)names;
	if (ncols < 2 || v[0].type != FS_TEXT || v[1].type != FS_TEXT || !canon(v[0].s, bdf, NULL))
		return 0;
	if (group_after(v[1].s, "to iommu group ", &grp) ||
	    group_after(v[1].s, " to group ", &grp) || group_after(v[1].s, ": group ", &grp))
		add_member(t, grp, bdf);
	return 0;
}

static int cmp_member(const void *a, const void *b)
{
	const struct pci_device *x = *(const struct pci_device *const *)a;
	const struct pci_device *y = *(const struct pci_device *const *)b;

	if (x->iommu_group != y->iommu_group)
		return x->iommu_group < y->iommu_group ? -1 : 1;
	return strcmp(x->bdf, y->bdf);
}

/* Builds res->groups (by number, members by bdf) from the devices' group numbers. */
static void build_groups(struct topo *t, struct result *res)
{
	const struct pci_device **m = xcalloc(t->n ? t->n : 1, sizeof(*m));
	size_t nm = 0, ng = 0;

	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].iommu_group >= 0)
			m[nm++] = &t->v[i];
	qsort(m, nm, sizeof(*m), cmp_member);
	for (size_t i = 0; i < nm; i++)
		if (i == 0 || m[i]->iommu_group != m[i - 1]->iommu_group)
			ng++;
	res->groups = arena_alloc(&res->arena, (ng ? ng : 1) * sizeof(*res->groups));
	for (size_t i = 0, g = 0; i < nm; g++) {
		size_t j = i;
		struct iommu_group_info *gi = &res->groups[g];

		while (j < nm && m[j]->iommu_group == m[i]->iommu_group)
			j++;
		gi->id = m[i]->iommu_group;
		gi->members = arena_alloc(&res->arena, (j - i) * sizeof(*gi->members));
		for (size_t k = i; k < j; k++)
			gi->members[gi->n_members++] = m[k]->bdf;
		i = j;
	}
	res->n_groups = ng;
	free(m);
}

/* ---- parents ---- */

static int on_tree(void *ctx, int ncols, const char *const *names, const struct fs_value *v)
{
	struct topo *t = ctx;
	char child[PCIADDR_STR_MAX], parent[PCIADDR_STR_MAX];
	struct pci_device *d, *p = NULL;
	const char *parent_bdf = NULL; /* arena string: find_or_add() may move t->v */

	(void)names;
	if (ncols < 2 || v[1].type != FS_TEXT || !canon(v[1].s, child, NULL))
		return 0;
	if (v[0].type == FS_TEXT && canon(v[0].s, parent, NULL)) {
		p = find_or_add(t, parent, "lspci -t");
		if (p) {
			p->is_bridge = true;
			parent_bdf = p->bdf;
		}
	}
	d = find_or_add(t, child, "lspci -t");
	if (!d)
		return 0;
	t->have_tree = true;
	d->parent = parent_bdf;
	return 0;
}

static void add_bridge(struct topo *t, const char *bdf, uint16_t domain, uint64_t sec, uint64_t sub)
{
	struct pci_device *d = find_or_add(t, bdf, "log");

	if (!d || sec > 255 || sub > 255 || sub < sec || t->n_br >= MAX_TOPOLOGY_DEVICES)
		return;
	d->is_bridge = true;
	d->secondary_bus = (int)sec;
	d->subordinate_bus = (int)sub;
	t->br = xgrow(t->br, &t->cap_br, t->n_br + 1, sizeof(*t->br));
	t->br[t->n_br++] = (struct bridge){
		.domain = domain, .secondary = (int)sec, .subordinate = (int)sub, .bdf = d->bdf
	};
}

/* lspci -vv: "Bus: primary=00, secondary=01, subordinate=01, sec-latency=0" under a bridge */
static int on_bus_line(void *ctx, int ncols, const char *const *names, const struct fs_value *v)
{
	struct topo *t = ctx;
	char bdf[PCIADDR_STR_MAX];
	struct pciaddr pa;
	struct str s;
	uint64_t sec, sub;
	long at;

	(void)names;
	if (ncols < 2 || v[0].type != FS_TEXT || v[1].type != FS_TEXT || !canon(v[0].s, bdf, &pa))
		return 0;
	s = v[1].s;
	at = str_find(s, "secondary=");
	if (at < 0)
		return 0;
	s = str_sub(s, (size_t)at + strlen("secondary="), s.len);
	if (!str_take_u64(&s, 16, 255, &sec))
		return 0;
	at = str_find(s, "subordinate=");
	if (at < 0)
		return 0;
	s = str_sub(s, (size_t)at + strlen("subordinate="), s.len);
	if (!str_take_u64(&s, 16, 255, &sub))
		return 0;
	add_bridge(t, bdf, pa.domain, sec, sub);
	return 0;
}

/* kernel: "pci 0000:00:1c.0: PCI bridge to [bus 02-03]" or "[bus 02]" */
static int on_bridge_line(void *ctx, int ncols, const char *const *names, const struct fs_value *v)
{
	struct topo *t = ctx;
	char bdf[PCIADDR_STR_MAX];
	struct pciaddr pa;
	struct str s;
	uint64_t sec, sub;
	long at;

	(void)names;
	if (ncols < 2 || v[0].type != FS_TEXT || v[1].type != FS_TEXT || !canon(v[0].s, bdf, &pa))
		return 0;
	s = v[1].s;
	at = str_find(s, "PCI bridge to [bus ");
	if (at < 0)
		return 0;
	s = str_sub(s, (size_t)at + strlen("PCI bridge to [bus "), s.len);
	if (!str_take_u64(&s, 16, 255, &sec))
		return 0;
	sub = sec;
	if (s.len && s.ptr[0] == '-') {
		s = str_sub(s, 1, s.len);
		if (!str_take_u64(&s, 16, 255, &sub))
			return 0;
	}
	if (find(t, bdf) && find(t, bdf)->secondary_bus >= 0)
		return 0; /* lspci already said */
	add_bridge(t, bdf, pa.domain, sec, sub);
	return 0;
}

/* Parent from bus windows: the bridge whose secondary bus is the device's bus; failing that
 * the narrowest window holding it. NULL: a root bus, or a bus no known bridge leads to. */
static const char *parent_by_bus(const struct topo *t, const struct pci_device *d)
{
	struct pciaddr pa;
	const struct bridge *best = NULL;

	if (!pciaddr_parse(str_from_cstr(d->bdf), false, &pa))
		return NULL;
	for (size_t i = 0; i < t->n_br; i++) {
		const struct bridge *b = &t->br[i];

		if (b->domain != pa.domain || strcmp(b->bdf, d->bdf) == 0 ||
		    pa.bus < b->secondary || pa.bus > b->subordinate)
			continue;
		if (b->secondary == pa.bus)
			return b->bdf;
		if (!best || b->subordinate - b->secondary < best->subordinate - best->secondary)
			best = b;
	}
	return best ? best->bdf : NULL;
}

/* ---- VMs and problems ---- */

static void claim(struct topo *t, struct pci_device *d, const struct fs_value *vmid,
		  const struct fs_value *name)
{
	d->passthrough = true;
	if (!d->vm) {
		d->vm = text_or_null(t->a, vmid);
		d->vm_name = text_or_null(t->a, name);
	}
}

static int on_hostdev(void *ctx, int ncols, const char *const *names, const struct fs_value *v)
{
	struct topo *t = ctx;
	struct pciaddr pa;
	char bdf[PCIADDR_STR_MAX];

	(void)names;
	if (ncols < 4 || v[0].type != FS_TEXT || !pciaddr_parse(str_trim(v[0].s), true, &pa))
		return 0;
	if (pa.func == PCIADDR_ALL_FUNCS || int_or(&v[1], 0) == 1) {
		/* every function of the slot the inputs know */
		struct pciaddr slot = pa;
		bool any = false;

		slot.func = PCIADDR_ALL_FUNCS;
		for (size_t i = 0; i < t->n; i++) {
			struct pciaddr da;

			if (pciaddr_parse(str_from_cstr(t->v[i].bdf), false, &da) &&
			    pciaddr_covers(&slot, &da)) {
				claim(t, &t->v[i], &v[2], &v[3]);
				any = true;
			}
		}
		if (any)
			return 0;
		pa.func = 0;
	}
	pciaddr_format(&pa, bdf);
	struct pci_device *d = find_or_add(t, bdf, "vm config");
	if (d)
		claim(t, d, &v[2], &v[3]);
	return 0;
}

static int on_qemu_line(void *ctx, int ncols, const char *const *names, const struct fs_value *v)
{
	struct topo *t = ctx;
	char bdf[PCIADDR_STR_MAX];
	struct pci_device *d;
	struct fs_value none = { .type = FS_NULL };

	(void)names;
	if (ncols < 2 || v[0].type != FS_TEXT || !canon(v[0].s, bdf, NULL))
		return 0;
	d = find_or_add(t, bdf, "log");
	if (d)
		claim(t, d, &v[1], &none);
	return 0;
}

/* kernel enumeration: "pci 0000:00:01.0: [8086:3c02] type 01 class 0x060400"; fills ids and
 * class when no lspci or sysfs row did */
static void on_enum_line(struct topo *t, const char *bdf, struct str s)
{
	struct pci_device *d;
	long at = str_find(s, ": [");
	uint64_t cls;

	if (at < 0 || !str_contains(s, "] type 0"))
		return;
	struct str ids = str_sub(s, (size_t)at + 3, 9);
	long c = str_find(s, " class 0x");
	if (c < 0 || ids.len != 9 || ids.ptr[4] != ':')
		return;
	struct str num = str_sub(s, (size_t)c + strlen(" class 0x"), 6);
	if (num.len != 6 || !str_to_u64(num, 16, 0, 0xffffff, &cls))
		return;
	d = find_or_add(t, bdf, "log");
	if (!d)
		return;
	if (!d->vendor_device)
		d->vendor_device = arena_str(t->a, ids).ptr;
	if (d->class_code < 0) {
		d->class_code = (int)(cls >> 8);
		d->is_bridge = d->is_bridge || d->class_code == 0x0604 || d->class_code == 0x0609;
	}
}

/* One pass over the lines that name a device: bridge windows, group numbers, QEMU hosts (a
 * QEMU line can name both: "-device vfio-pci,host=0000:01:00.0,...: vfio 0000:01:00.0: group 1
 * is not viable"). */
static int on_line(void *ctx, int ncols, const char *const *names, const struct fs_value *v)
{
	if (ncols < 3 || v[1].type != FS_TEXT)
		return 0;
	if (str_contains(v[1].s, "PCI bridge to [bus "))
		return on_bridge_line(ctx, ncols, names, v);
	if (str_contains(v[1].s, "] type 0")) {
		char bdf[PCIADDR_STR_MAX];

		if (v[0].type == FS_TEXT && canon(v[0].s, bdf, NULL))
			on_enum_line(ctx, bdf, v[1].s);
		return 0;
	}
	if (str_contains(v[1].s, "vfio-pci,host="))
		on_qemu_line(ctx, 2, names, (const struct fs_value[]){ v[0], v[2] });
	return on_group_line(ctx, ncols, names, v);
}

static void mark_problems(struct topo *t, const struct result *res)
{
	for (size_t i = 0; i < res->n_findings; i++) {
		const struct finding *f = &res->findings[i];
		char bdf[PCIADDR_STR_MAX];
		struct pci_device *d;

		if (!f->subject.kind || strcmp(f->subject.kind, "device") != 0 || !f->subject.id ||
		    !canon(str_from_cstr(f->subject.id), bdf, NULL))
			continue;
		d = find_or_add(t, bdf, "finding");
		if (!d)
			continue;
		const char **p = arena_alloc(t->a, (d->n_problems + 1) * sizeof(*p));
		for (size_t k = 0; k < d->n_problems; k++)
			p[k] = d->problems[k];
		p[d->n_problems++] = f->id;
		d->problems = p;
		if (!d->device_name && f->subject.name && strcmp(f->subject.name, bdf) != 0)
			d->device_name = f->subject.name;
	}
}

/* Class names as lspci prints them (pci.ids), for devices only a log line describes. */
static const char *class_name_of(int code)
{
	static const struct {
		int code; /* base<<8|sub, or base<<8|0xff for the base class */
		const char *name;
	} names[] = {
		{ 0x0100, "SCSI storage controller" },
		{ 0x0101, "IDE interface" },
		{ 0x0104, "RAID bus controller" },
		{ 0x0106, "SATA controller" },
		{ 0x0107, "Serial Attached SCSI controller" },
		{ 0x0108, "Non-Volatile memory controller" },
		{ 0x01ff, "Mass storage controller" },
		{ 0x0200, "Ethernet controller" },
		{ 0x0280, "Network controller" },
		{ 0x02ff, "Network controller" },
		{ 0x0300, "VGA compatible controller" },
		{ 0x0302, "3D controller" },
		{ 0x03ff, "Display controller" },
		{ 0x0403, "Audio device" },
		{ 0x04ff, "Multimedia controller" },
		{ 0x05ff, "Memory controller" },
		{ 0x0600, "Host bridge" },
		{ 0x0601, "ISA bridge" },
		{ 0x0604, "PCI bridge" },
		{ 0x06ff, "Bridge" },
		{ 0x07ff, "Communication controller" },
		{ 0x0800, "PIC" },
		{ 0x08ff, "System peripheral" },
		{ 0x0c03, "USB controller" },
		{ 0x0c05, "SMBus" },
		{ 0x0cff, "Serial bus controller" },
		{ 0x11ff, "Signal processing controller" },
	};

	for (int pass = 0; pass < 2 && code >= 0; pass++)
		for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
			if (names[i].code == (pass ? ((code & 0xff00) | 0xff) : code))
				return names[i].name;
	return NULL;
}

/* ---- tree order ---- */

/* Breaks parent cycles (hostile input) by walking up at most MAX_TOPOLOGY_DEPTH steps. */
static void fix_depths(struct topo *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct pci_device *d = &t->v[i];
		int depth = 0;

		for (const char *p = d->parent; p; depth++) {
			struct pci_device *up = find(t, p);

			if (!up || depth >= MAX_TOPOLOGY_DEPTH) {
				d->parent = NULL;
				depth = 0;
				break;
			}
			p = up->parent;
		}
		d->depth = depth;
	}
}

static void emit(const struct topo *t, size_t i, struct pci_device *out, size_t *n_out, bool *done,
		 int level)
{
	if (done[i] || level > MAX_TOPOLOGY_DEPTH)
		return;
	done[i] = true;
	out[(*n_out)++] = t->v[i];
	for (size_t c = 0; c < t->n; c++)
		if (!done[c] && t->v[c].parent && strcmp(t->v[c].parent, t->v[i].bdf) == 0)
			emit(t, c, out, n_out, done, level + 1);
}

/* Copies the devices into res in tree order: roots by bdf, each followed by its subtree. */
static void order_tree(struct topo *t, struct result *res)
{
	bool *done = xcalloc(t->n ? t->n : 1, sizeof(*done));
	struct pci_device *out = arena_alloc(&res->arena, (t->n ? t->n : 1) * sizeof(*out));
	size_t n_out = 0;

	for (size_t i = 0; i < t->n; i++)
		if (!t->v[i].parent)
			emit(t, i, out, &n_out, done, 0);
	for (size_t i = 0; i < t->n; i++) /* anything a cycle left behind */
		if (!done[i]) {
			t->v[i].parent = NULL;
			emit(t, i, out, &n_out, done, 0);
		}
	res->devices = out;
	res->n_devices = n_out;
	free(done);
}

static void warn(struct result *res, const char *what, const struct error *e)
{
	struct result_warning *w =
		arena_alloc(&res->arena, (res->n_warnings + 1) * sizeof(*res->warnings));

	if (res->n_warnings)
		memcpy(w, res->warnings, res->n_warnings * sizeof(*w));
	w[res->n_warnings] = (struct result_warning){
		.message = arena_printf(&res->arena, "PCI picture: %s not read: %s", what, e->msg),
	};
	res->warnings = w;
	res->n_warnings++;
}

struct step {
	const char *what;
	const char *sql;
	fs_row_fn fn;
};

static const struct step steps[] = {
	{ "devices", sql_devices, on_device },
	{ "lspci -t rows", "SELECT parent, child FROM pci_tree ORDER BY input_id, lineno",
	  on_tree },
	{ "bridge windows",
	  "SELECT (SELECT d.bdf FROM devices d WHERE d.input_id = l.input_id AND d.lineno <= "
	  "l.lineno AND d.source = 'lspci' ORDER BY d.lineno DESC LIMIT 1), l.msg FROM lines l "
	  "WHERE l.kind = 'lspci' AND l.msg LIKE '%Bus: primary=%' LIMIT " LINE_QUERY_LIMIT,
	  on_bus_line },
	{ "IOMMU groups", "SELECT grp, bdf FROM iommu_groups ORDER BY grp, bdf", on_group_row },
	{ "device lines",
	  "SELECT bdf, msg, vm FROM lines WHERE bdf IS NOT NULL AND (msg LIKE '%PCI bridge to [bus %' "
	  "OR msg LIKE '%] type 0% class 0x%' OR msg LIKE '%to iommu group %' OR msg LIKE '%Adding device % to group %' OR msg LIKE "
	  "'%: group % is not viable%' OR msg LIKE '%vfio-pci,host=%') LIMIT " LINE_QUERY_LIMIT,
	  on_line },
	{ "reset methods",
	  "SELECT subject, value FROM facts WHERE scope = 'sysfs' AND key = 'reset_method'",
	  on_reset_method },
	{ "VM devices",
	  "SELECT h.bdf, h.all_functions, v.vmid, v.name FROM vm_hostdevs h JOIN vms v ON v.id = "
	  "h.vm_id WHERE h.snapshot IS NULL AND h.bdf IS NOT NULL ORDER BY v.vmid, h.name",
	  on_hostdev },
};

int topology_fill(struct factstore *fs, struct result *res)
{
	struct topo t = { .a = &res->arena };
	int ret = 0;

	for (size_t i = 0; i < sizeof(steps) / sizeof(*steps); i++) {
		struct error e = { 0 };

		if (factstore_query(fs, steps[i].sql, NULL, 0, steps[i].fn, &t, &e) < 0) {
			warn(res, steps[i].what, &e);
			ret = -1;
		}
		resort(&t);
	}
	mark_problems(&t, res);
	resort(&t);
	if (t.have_tree) {
		res->tree_source = "lspci -t";
	} else {
		for (size_t i = 0; i < t.n; i++)
			t.v[i].parent = parent_by_bus(&t, &t.v[i]);
		res->tree_source = t.n_br ? "bridge bus numbers" : NULL;
	}
	for (size_t i = 0; i < t.n; i++)
		if (!t.v[i].class_name)
			t.v[i].class_name = class_name_of(t.v[i].class_code);
	fix_depths(&t);
	build_groups(&t, res);
	order_tree(&t, res);
	res->n_devices_dropped = t.dropped;
	if (readiness_fill(fs, res) < 0) {
		struct error e = { .msg = "a ROM or VM query failed" };
		warn(res, "readiness", &e);
		ret = -1;
	}
	free(t.v);
	free(t.br);
	return ret;
}
