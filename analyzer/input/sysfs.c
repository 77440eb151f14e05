/* sysfs.c - a PCI device's sysfs attributes and the IOMMU group layout as rows.
 *
 * Real values, from this machine's /sys/bus/pci/devices/0000:00:02.0/:
 *   vendor      0x8086          class   0x030000      boot_vga 1
 *   resource    0x00000000a0000000 0x00000000a0ffffff 0x0000000000140204
 *   driver      -> ../../../bus/pci/drivers/i915 (stored as text by collect)
 */
#include "input/sysfs.h"

#include <string.h>

#include "common/limits.h"

/* IORESOURCE_* flags of the `resource` file (include/linux/ioport.h) */
#define IORES_IO       0x00000100u
#define IORES_MEM      0x00000200u
#define IORES_PREFETCH 0x00002000u
#define IORES_MEM_64   0x00100000u
#define IORES_UNSET    0x20000000u
#define IORES_DISABLED 0x10000000u

struct str sysfs_link_name(struct str target)
{
	struct str t = str_trim(target);
	long slash;

	while (t.len && t.ptr[t.len - 1] == '/')
		t.len--;
	while ((slash = str_find_char(t, '/')) >= 0)
		t = str_sub(t, (size_t)slash + 1, t.len);
	return t;
}

static bool hex_value(struct str v, uint64_t max, uint64_t *out)
{
	return str_to_u64(str_trim(v), 0, 0, max, out);
}

static void add_kv(struct parse_out *out, struct str subject, const char *key, struct str value)
{
	struct kv_row *kv;

	if (out->kvs.n >= MAX_ROWS)
		return;
	kv = VEC_PUSH(&out->kvs);
	kv->scope = STR_LIT("sysfs");
	kv->subject = subject;
	kv->key = arena_str(&out->arena, str_from_cstr(key));
	kv->value = value;
}

/* resource: one "start end flags" line per resource; 0..5 are BARs, 6 the expansion ROM. */
static void regions_from_resource(struct str text, struct device_row *d)
{
	struct str line;

	for (int idx = 0; idx < MAX_REGIONS && str_next_line(&text, &line); idx++) {
		struct str w[3];
		uint64_t start, end, flags;
		struct pci_region *r = &d->regions[idx];
		int n = 0;

		while (n < 3 && str_next_word(&line, &w[n]))
			n++;
		if (n < 3 || !hex_value(w[0], UINT64_MAX, &start) ||
		    !hex_value(w[1], UINT64_MAX, &end) || !hex_value(w[2], UINT64_MAX, &flags))
			continue;
		if (flags == 0 && start == 0 && end == 0)
			continue;
		r->index = (uint8_t)idx;
		r->present = true;
		r->is_io = (flags & IORES_IO) != 0;
		r->is_pref = (flags & IORES_PREFETCH) != 0;
		r->is_64 = (flags & IORES_MEM_64) != 0;
		r->unassigned = (flags & IORES_UNSET) != 0;
		r->disabled = (flags & IORES_DISABLED) != 0;
		r->has_addr = start != 0;
		r->addr = start;
		r->size = end > start ? end - start + 1 : 0;
	}
}

static void apply_attr(struct device_row *d, const char *name, struct str v)
{
	uint64_t x;

	if (strcmp(name, "vendor") == 0 && hex_value(v, 0xffff, &x)) {
		d->vendor = (uint16_t)x;
		d->has_ids = true;
	} else if (strcmp(name, "device") == 0 && hex_value(v, 0xffff, &x)) {
		d->device = (uint16_t)x;
	} else if (strcmp(name, "subsystem_vendor") == 0 && hex_value(v, 0xffff, &x)) {
		d->subsys_vendor = (uint16_t)x;
		d->has_subsys = true;
	} else if (strcmp(name, "subsystem_device") == 0 && hex_value(v, 0xffff, &x)) {
		d->subsys_device = (uint16_t)x;
	} else if (strcmp(name, "class") == 0 && hex_value(v, 0xffffff, &x)) {
		d->class_code = (uint32_t)(x >> 8);
		d->has_class = true;
	} else if (strcmp(name, "revision") == 0 && hex_value(v, 0xff, &x)) {
		d->rev = (int16_t)x;
	} else if (strcmp(name, "boot_vga") == 0) {
		d->boot_vga = str_eq_cstr(str_trim(v), "1");
	} else if (strcmp(name, "driver") == 0) {
		d->driver = sysfs_link_name(v);
	} else if (strcmp(name, "iommu_group") == 0) {
		if (str_to_u64(sysfs_link_name(v), 10, 0, INT32_MAX, &x))
			d->iommu_group = (int32_t)x;
	} else if (strcmp(name, "resource") == 0) {
		regions_from_resource(v, d);
	}
}

void sysfs_device_rows(const struct pciaddr *bdf, const struct sysfs_attr *attrs, size_t n,
		       struct parse_out *out)
{
	char buf[PCIADDR_STR_MAX];
	struct str subject = arena_str(&out->arena, str_from_cstr(pciaddr_format(bdf, buf)));
	struct device_row *d;

	if (out->devices.n >= MAX_ROWS)
		return;
	d = VEC_PUSH(&out->devices);
	d->bdf = *bdf;
	d->rev = -1;
	d->iommu_group = -1;
	d->source = STR_LIT("sysfs");
	for (size_t i = 0; i < n; i++) {
		struct str v = str_trim(attrs[i].value);

		if (strcmp(attrs[i].name, "driver") == 0 ||
		    strcmp(attrs[i].name, "iommu_group") == 0)
			v = sysfs_link_name(v);
		apply_attr(d, attrs[i].name, attrs[i].value);
		add_kv(out, subject, attrs[i].name, v);
	}
	/* only vendor and device together make ids */
	if (d->has_ids && d->vendor == 0 && d->device == 0)
		d->has_ids = false;
}

size_t sysfs_group_rows(int32_t group, struct str text, struct parse_out *out)
{
	struct str line;
	uint32_t lineno = 0;
	size_t added = 0;

	while (str_next_line(&text, &line)) {
		struct pciaddr a;
		struct group_row *g;

		lineno++;
		line = str_trim(line);
		if (!line.len)
			continue;
		if (!pciaddr_parse(line, false, &a)) {
			parse_warn(out, lineno,
				   "iommu group %d: '%.*s' is not a PCI address, skipping", group,
				   (int)(line.len > 64 ? 64 : line.len), line.ptr);
			continue;
		}
		if (out->groups.n >= MAX_ROWS)
			break;
		g = VEC_PUSH(&out->groups);
		g->lineno = lineno;
		g->group = group;
		g->bdf = a;
		added++;
	}
	return added;
}
