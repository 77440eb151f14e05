/* readiness.c - passthrough readiness of the devices that matter (readiness.h): a VM's devices,
 * GPUs, NICs, storage and USB controllers, each with its IOMMU group and peers, reset method,
 * driver, ROM status and boot VGA, and a verdict with its reason.
 *
 * Rules (docs/html-report.md): a group that also holds a host bridge, ISA/LPC bridge, SMBus,
 * memory controller or system peripheral is not isolatable on this board; other endpoints in
 * the group must go to the same VM (or vfio-pci) too; a GPU on a host display driver needs
 * "options vfio-pci ids=..." for every function of its slot; a finding of severity error or
 * worse about the device must be fixed first. Reset: sysfs reset_method when the bundle has
 * it, else FLR from DevCap, PM when NoSoftRst-, bus when the device is alone behind its
 * bridge, none on a root bus without either.
 */
#include "rank/readiness.h"

#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "common/pciaddr.h"
#include "common/sbuf.h"
#include "common/str.h"
#include "common/xalloc.h"
#include "facts/factstore.h"
#include "rank/result.h"

static const char *const verdict_names[] = {
	[READINESS_READY] = "ready",
	[READINESS_AFTER_FIX] = "ready-after-fix",
	[READINESS_NOT_ISOLATABLE] = "not-isolatable",
	[READINESS_UNKNOWN] = "unknown",
};

const char *readiness_verdict_name(enum readiness_verdict v)
{
	if ((unsigned)v > READINESS_UNKNOWN)
		return "unknown";
	return verdict_names[v];
}

/* A ROM fact about a device: a dumped image or a VM's romfile/rombar. */
struct rom_fact {
	const char *bdf;
	const char *text;
};

struct ctx {
	struct result *res;
	const struct pci_device **idx; /* res->devices sorted by bdf */
	struct rom_fact *roms;
	size_t n_roms, cap_roms;
};

static int cmp_idx(const void *a, const void *b)
{
	return strcmp((*(const struct pci_device *const *)a)->bdf,
		      (*(const struct pci_device *const *)b)->bdf);
}

static const struct pci_device *lookup(const struct ctx *c, const char *bdf)
{
	struct pci_device key = { .bdf = bdf };
	const struct pci_device *kp = &key;
	const struct pci_device *const *hit =
		c->res->n_devices
			? bsearch(&kp, c->idx, c->res->n_devices, sizeof(*c->idx), cmp_idx)
			: NULL;

	return hit ? *hit : NULL;
}

static bool same_slot(const char *a, const char *b)
{
	/* "dddd:bb:dd" */
	return strlen(a) >= 10 && strlen(b) >= 10 && strncmp(a, b, 10) == 0;
}

static void add_rom(struct ctx *c, struct str bdf_text, const char *text)
{
	struct pciaddr pa;
	char bdf[PCIADDR_STR_MAX];

	if (c->n_roms >= MAX_TOPOLOGY_DEVICES || !pciaddr_parse(str_trim(bdf_text), true, &pa))
		return;
	if (pa.func == PCIADDR_ALL_FUNCS)
		pa.func = 0;
	pciaddr_format(&pa, bdf);
	c->roms = xgrow(c->roms, &c->cap_roms, c->n_roms + 1, sizeof(*c->roms));
	c->roms[c->n_roms++] =
		(struct rom_fact){ .bdf = arena_strdup(&c->res->arena, bdf), .text = text };
}

/* roms: sig_ok, is_efi, checksum_ok, code_type per image */
static int on_rom(void *vctx, int ncols, const char *const *names, const struct fs_value *v)
{
	struct ctx *c = vctx;
	struct arena *a = &c->res->arena;
	const char *text;

	(void)names;
	if (ncols < 4 || v[0].type != FS_TEXT)
		return 0;
	if (v[1].type == FS_INT && v[1].i == 0)
		text = "dumped, bad signature (not 0xaa55)";
	else if (v[3].type == FS_INT && v[3].i == 0)
		text = "dumped, bad checksum";
	else
		text = arena_printf(a, "dumped, valid (%s)",
				    v[2].type == FS_INT && v[2].i ? "EFI" : "legacy");
	add_rom(c, v[0].s, text);
	return 0;
}

static int on_romfile(void *vctx, int ncols, const char *const *names, const struct fs_value *v)
{
	struct ctx *c = vctx;
	struct arena *a = &c->res->arena;

	(void)names;
	if (ncols < 3 || v[0].type != FS_TEXT)
		return 0;
	if (v[1].type == FS_TEXT && v[1].s.len)
		add_rom(c, v[0].s, arena_printf(a, "romfile %.*s", (int)v[1].s.len, v[1].s.ptr));
	if (v[2].type == FS_INT && v[2].i == 0)
		add_rom(c, v[0].s, "rombar=0 (ROM hidden from the guest)");
	return 0;
}

static const char *kind_of(const struct pci_device *d)
{
	int base = d->class_code >> 8;

	if (d->class_code < 0)
		return "other";
	if (base == 0x03)
		return "gpu";
	if (base == 0x02)
		return "nic";
	if (base == 0x01)
		return "storage";
	if (d->class_code == 0x0c03)
		return "usb";
	if (d->class_code == 0x0403)
		return "audio";
	return "other";
}

/* 0: VM device, 1 GPU, 2 NIC, 3 storage, 4 USB, -1 not listed */
static int rank_of(const struct pci_device *d)
{
	const char *k = kind_of(d);

	if (d->is_bridge)
		return -1;
	if (d->passthrough)
		return 0;
	if (strcmp(k, "gpu") == 0)
		return 1;
	if (strcmp(k, "nic") == 0)
		return 2;
	if (strcmp(k, "storage") == 0)
		return 3;
	if (strcmp(k, "usb") == 0)
		return 4;
	if (d->n_problems || (d->driver && strcmp(d->driver, "vfio-pci") == 0))
		return 0;
	return -1;
}

/* Devices the host needs: host/ISA/other non-PCI bridges, SMBus, memory controllers and
 * system peripherals. */
static bool host_critical(const struct pci_device *p)
{
	int base = p->class_code >> 8;

	if (p->class_code < 0 || p->is_bridge)
		return false;
	return (base == 0x06 && p->class_code != 0x0604 && p->class_code != 0x0609) ||
	       p->class_code == 0x0c05 || base == 0x05 || base == 0x08;
}

static bool goes_along(const struct pci_device *d, const struct pci_device *p)
{
	if (p->driver && (strcmp(p->driver, "vfio-pci") == 0 || strcmp(p->driver, "pci-stub") == 0))
		return true;
	return d->vm && p->vm && strcmp(d->vm, p->vm) == 0;
}

static const char *reset_of(const struct ctx *c, const struct pci_device *d)
{
	if (d->reset_method)
		return *d->reset_method ? arena_printf(&c->res->arena, "sysfs: %s", d->reset_method)
					: "none (sysfs reset_method empty)";
	if (d->flr == 1)
		return "FLR";
	if (d->pm_no_soft_reset == 0)
		return "PM";
	if (d->flr < 0 && d->pm_no_soft_reset < 0)
		return "unknown"; /* no capability data (lspci without root, or no lspci) */
	if (d->parent) {
		const struct pci_device *p = lookup(c, d->parent);
		bool alone = true;

		for (size_t i = 0; i < c->res->n_devices; i++) {
			const struct pci_device *s = &c->res->devices[i];

			if (s->parent && strcmp(s->parent, d->parent) == 0 &&
			    !same_slot(s->bdf, d->bdf))
				alone = false;
		}
		if (p && alone)
			return "bus";
		if (p)
			return "none (bus reset would hit other devices)";
	}
	return d->parent ? "unknown" : "none";
}

static const char *rom_of(const struct ctx *c, const struct pci_device *d)
{
	struct sbuf sb;
	const char *out = NULL;

	for (size_t i = 0; i < d->n_problems; i++)
		if (strstr(d->problems[i], "rom"))
			return arena_printf(&c->res->arena, "problem: %s", d->problems[i]);
	sbuf_init(&sb, 1024);
	for (size_t i = 0; i < c->n_roms; i++)
		if (strcmp(c->roms[i].bdf, d->bdf) == 0) {
			if (sb.len)
				sbuf_addstr(&sb, "; ");
			sbuf_addstr(&sb, c->roms[i].text);
		}
	if (sb.len && !sbuf_failed(&sb))
		out = arena_strdup(&c->res->arena, sb.buf);
	else if (strcmp(kind_of(d), "gpu") == 0)
		out = "no ROM dump in the input";
	sbuf_release(&sb);
	return out;
}

static bool host_display_driver(const char *drv)
{
	static const char *const names[] = { "nvidia", "nouveau",   "amdgpu",
					     "radeon", "i915",	    "xe",
					     "fglrx",  "fglrx_pci", "snd_hda_intel" };

	for (size_t i = 0; drv && i < sizeof(names) / sizeof(*names); i++)
		if (strcmp(drv, names[i]) == 0)
			return true;
	return false;
}

static void add_sep(struct sbuf *sb)
{
	if (sb->len)
		sbuf_addstr(sb, "; ");
}

/* "options vfio-pci ids=10de:2504,10de:228e" over every function of d's slot */
static void put_ids_fix(const struct ctx *c, const struct pci_device *d, struct sbuf *fix)
{
	struct sbuf ids;

	sbuf_init(&ids, 1024);
	for (size_t i = 0; i < c->res->n_devices; i++) {
		const struct pci_device *s = &c->res->devices[i];

		if (!same_slot(s->bdf, d->bdf) || !s->vendor_device ||
		    (ids.len && strstr(ids.buf, s->vendor_device)))
			continue;
		if (ids.len)
			sbuf_addch(&ids, ',');
		sbuf_addstr(&ids, s->vendor_device);
	}
	add_sep(fix);
	if (ids.len)
		sbuf_addf(fix, "bind to vfio-pci: options vfio-pci ids=%s", ids.buf);
	else
		sbuf_addstr(fix, "bind to vfio-pci");
	if (d->driver)
		sbuf_addf(fix, " (and softdep %s pre: vfio-pci)", d->driver);
	sbuf_release(&ids);
}

static void judge(struct ctx *c, const struct pci_device *d, struct readiness *r)
{
	struct arena *a = &c->res->arena;
	const struct iommu_group_info *g = NULL;
	struct sbuf crit, fix, why, along, funcs, notes;

	for (size_t i = 0; i < c->res->n_groups && d->iommu_group >= 0; i++)
		if (c->res->groups[i].id == d->iommu_group)
			g = &c->res->groups[i];
	sbuf_init(&crit, 4096);
	sbuf_init(&fix, MAX_FIX_BYTES);
	sbuf_init(&why, 4096);
	sbuf_init(&along, 4096);
	sbuf_init(&funcs, 4096);
	sbuf_init(&notes, 4096);
	if (g) {
		size_t more = 0, n_crit = 0, n_along = 0, n_funcs = 0;

		r->peers = arena_alloc(a, (MAX_READINESS_PEERS + 1) * sizeof(*r->peers));
		for (size_t i = 0; i < g->n_members; i++) {
			const struct pci_device *p = lookup(c, g->members[i]);
			const char *cls = p && p->class_name ? p->class_name : "device";

			if (strcmp(g->members[i], d->bdf) == 0)
				continue;
			if (r->n_peers < MAX_READINESS_PEERS)
				r->peers[r->n_peers++] =
					arena_printf(a, "%s (%s)", g->members[i], cls);
			else
				more++;
			if (!p || p->is_bridge || goes_along(d, p))
				continue;
			/* the reasons name a few members; the peers list has the rest */
			if (host_critical(p)) {
				if (n_crit++ < 4) {
					add_sep(&crit);
					sbuf_addf(&crit, "%s %s", g->members[i], cls);
				}
			} else if (same_slot(p->bdf, d->bdf)) {
				if (n_funcs++ < 8)
					sbuf_addf(&funcs, "%s%s", funcs.len ? ", " : "",
						  g->members[i]);
			} else if (n_along++ < 8) {
				sbuf_addf(&along, "%s%s", along.len ? ", " : "", g->members[i]);
			}
		}
		if (more)
			r->peers[r->n_peers++] = arena_printf(a, "and %zu more", more);
		if (n_crit > 4)
			sbuf_addf(&crit, " and %zu more", n_crit - 4);
		if (n_along > 8)
			sbuf_addf(&along, " and %zu more", n_along - 8);
	}
	/* findings about the device: errors and blockers must be fixed first, the rest are
	 * named in why */
	for (size_t i = 0; i < c->res->n_findings; i++) {
		const struct finding *f = &c->res->findings[i];

		if (!f->subject.kind || strcmp(f->subject.kind, "device") != 0 || !f->subject.id ||
		    strcmp(f->subject.id, d->bdf) != 0)
			continue;
		if (f->severity >= SEV_ERROR) {
			add_sep(&fix);
			sbuf_addf(&fix, "fix finding %s first", f->id);
		} else {
			add_sep(&notes);
			sbuf_addf(&notes, "see finding %s (%s)", f->id, severity_name(f->severity));
		}
	}
	/* the driver's fix holds whatever the group turns out to be */
	if (strcmp(kind_of(d), "gpu") == 0 && host_display_driver(d->driver))
		put_ids_fix(c, d, &fix);
	if (d->iommu_group < 0) {
		r->verdict = READINESS_UNKNOWN;
		for (size_t i = 0; i < c->res->n_findings; i++)
			if (strncmp(c->res->findings[i].id, "iommu-disabled", 14) == 0) {
				sbuf_addf(&why,
					  "the IOMMU is off (finding %s), so there are no "
					  "groups yet",
					  c->res->findings[i].id);
				goto out;
			}
		sbuf_addstr(&why, "no IOMMU group in the input (IOMMU off, or lspci -vv not run as "
				  "root and no sysfs groups)");
		goto out;
	}
	if (crit.len) {
		r->verdict = READINESS_NOT_ISOLATABLE;
		sbuf_addf(&why,
			  "not isolatable on this board: group %lld shared with %s, which the host "
			  "needs; use another slot (an ACS override only hides the sharing)",
			  (long long)d->iommu_group, crit.buf);
		goto out;
	}
	if (along.len) {
		add_sep(&fix);
		sbuf_addf(&fix, "pass the rest of group %lld with it (or bind it to vfio-pci): %s",
			  (long long)d->iommu_group, along.buf);
	}
	if (funcs.len && d->vm) {
		add_sep(&fix);
		sbuf_addf(&fix,
			  "give VM %s the other functions of the slot too (all functions): %s",
			  d->vm, funcs.buf);
	}
	r->verdict = fix.len ? READINESS_AFTER_FIX : READINESS_READY;
	if (r->n_peers == 0 &&
	    !(d->source && (strstr(d->source, "lspci") || strstr(d->source, "sysfs"))))
		sbuf_addf(&why, "in group %lld; the input does not list the group's other members",
			  (long long)d->iommu_group);
	else if (r->n_peers == 0)
		sbuf_addf(&why, "alone in group %lld", (long long)d->iommu_group);
	else
		sbuf_addf(&why, "group %lld: %s", (long long)d->iommu_group,
			  along.len   ? "shared with other endpoints"
			  : funcs.len ? "only the functions of its own slot besides it; pass them "
					"together"
				      : "only bridges and functions bound to vfio-pci besides it");
	if (strncmp(r->reset, "none", 4) == 0)
		sbuf_addstr(&why, "; no reset method: it may work only once per host boot");
	if (d->boot_vga == 1 && strcmp(kind_of(d), "gpu") == 0)
		sbuf_addstr(&why, "; the host boots on it: keep the host's console off it");
out:
	if (notes.len)
		sbuf_addf(&why, "; %s", notes.buf);
	if (fix.len && !sbuf_failed(&fix))
		r->fix = arena_strdup(a, fix.buf);
	if (!sbuf_failed(&why))
		r->why = arena_strdup(a, why.buf);
	sbuf_release(&crit);
	sbuf_release(&fix);
	sbuf_release(&why);
	sbuf_release(&along);
	sbuf_release(&funcs);
	sbuf_release(&notes);
}

static const char *display_name(struct arena *a, const struct pci_device *d)
{
	if (d->device_name && d->vendor_device)
		return arena_printf(a, "%s [%s]", d->device_name, d->vendor_device);
	if (d->device_name)
		return d->device_name;
	if (d->vendor_device)
		return arena_printf(a, "[%s]", d->vendor_device);
	return d->bdf;
}

int readiness_fill(struct factstore *fs, struct result *res)
{
	struct ctx c = { .res = res };
	struct error e = { 0 };
	int ret = 0;
	size_t n = 0;

	c.idx = xcalloc(res->n_devices ? res->n_devices : 1, sizeof(*c.idx));
	for (size_t i = 0; i < res->n_devices; i++)
		c.idx[i] = &res->devices[i];
	qsort(c.idx, res->n_devices, sizeof(*c.idx), cmp_idx);
	if (factstore_query(
		    fs,
		    "SELECT bdf, sig_ok, is_efi, checksum_ok FROM roms WHERE bdf IS NOT NULL "
		    "ORDER BY bdf, image",
		    NULL, 0, on_rom, &c, &e) < 0 ||
	    factstore_query(
		    fs,
		    "SELECT bdf, romfile, rombar FROM vm_hostdevs WHERE bdf IS NOT NULL AND "
		    "snapshot IS NULL AND (romfile IS NOT NULL OR rombar = 0)",
		    NULL, 0, on_romfile, &c, &e) < 0)
		ret = -1;
	for (size_t i = 0; i < res->n_devices; i++)
		if (rank_of(&res->devices[i]) >= 0)
			n++;
	if (n > MAX_READINESS_ROWS) {
		res->n_readiness_dropped = n - MAX_READINESS_ROWS;
		n = MAX_READINESS_ROWS;
	}
	res->readiness = arena_alloc(&res->arena, (n ? n : 1) * sizeof(*res->readiness));
	for (int rank = 0; rank <= 4; rank++)
		for (size_t i = 0; i < res->n_devices; i++) {
			const struct pci_device *d = &res->devices[i];
			struct readiness *r;

			if (rank_of(d) != rank || res->n_readiness >= n)
				continue;
			r = &res->readiness[res->n_readiness++];
			*r = (struct readiness){
				.bdf = d->bdf,
				.name = display_name(&res->arena, d),
				.kind = kind_of(d),
				.iommu_group = d->iommu_group,
				.driver = d->driver,
				.boot_vga = d->boot_vga,
				.vm = d->vm,
			};
			r->reset = reset_of(&c, d);
			r->rom = rom_of(&c, d);
			judge(&c, d, r);
		}
	free(c.idx);
	free(c.roms);
	return ret;
}
