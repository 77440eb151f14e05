/* dump.c - every row of a parse_out as stable, line-oriented text.
 *
 * This is the golden-test format (tests/golden/<parser>/<case>.out) and what `analyze --dump`
 * prints, so it is stable: one row per line, fields as key=value, strings quoted with C
 * escapes, empty fields and false flags left out.
 */
#include <inttypes.h>

#include "common/sbuf.h"
#include "parse/parse.h"

static void put_str(struct sbuf *sb, const char *key, struct str s)
{
	if (!s.len)
		return;
	sbuf_addf(sb, " %s=\"", key);
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];

		if (c == '"' || c == '\\')
			sbuf_addf(sb, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			sbuf_addf(sb, "\\x%02x", c);
		else
			sbuf_addch(sb, (char)c);
	}
	sbuf_addch(sb, '"');
}

static void put_bdf(struct sbuf *sb, const char *key, const struct pciaddr *a)
{
	char buf[PCIADDR_STR_MAX];

	sbuf_addf(sb, " %s=%s", key, pciaddr_format(a, buf));
}

static void put_flag(struct sbuf *sb, const char *key, bool v)
{
	if (v)
		sbuf_addf(sb, " %s", key);
}

static void put_tri(struct sbuf *sb, const char *key, int v)
{
	if (v >= 0)
		sbuf_addf(sb, " %s=%d", key, v);
}

static void dump_lines(const struct parse_out *out, struct sbuf *sb)
{
	for (size_t i = 0; i < out->lines.n; i++) {
		const struct line_row *r = &out->lines.v[i];

		sbuf_addf(sb, "line %" PRIu32 " kind=%s", r->lineno, source_kind_name(r->kind));
		if (r->has_ts)
			sbuf_addf(sb, " ts=%.6f%s", r->ts, r->ts_wall ? "w" : "");
		if (r->boot)
			sbuf_addf(sb, " boot=%d", r->boot);
		if (r->has_bdf)
			put_bdf(sb, "bdf", &r->bdf);
		put_str(sb, "source", r->source);
		put_str(sb, "vm", r->vm);
		put_flag(sb, "truncated", r->truncated);
		if (r->msg.ptr != r->text.ptr || r->msg.len != r->text.len)
			put_str(sb, "msg", r->msg);
		else
			put_str(sb, "text", r->text);
		sbuf_addch(sb, '\n');
	}
}

static void dump_caps(struct sbuf *sb, const struct pci_caps *c)
{
	if (!c->known && !c->has_pm && !c->has_msi && !c->has_msix && !c->has_pcie && !c->has_acs &&
	    !c->has_rebar && !c->has_af)
		return;
	sbuf_addstr(sb, "  caps");
	if (c->has_pm && c->pm_state < 0)
		sbuf_addstr(sb, " pm=unknown");
	else if (c->has_pm)
		sbuf_addf(sb, " pm=D%d%s", c->pm_state, c->pm_no_soft_reset ? ",nosoftrst" : "");
	if (c->has_msi)
		sbuf_addf(sb, " msi=%s", c->msi_enabled ? "on" : "off");
	if (c->has_msix)
		sbuf_addf(sb, " msix=%s", c->msix_enabled ? "on" : "off");
	if (c->has_pcie)
		sbuf_addf(sb, " pcie=type%u flr=%d link=%u/x%u cap=%u/x%u", c->pcie_type, c->flr,
			  c->link_speed, c->link_width, c->link_speed_cap, c->link_width_cap);
	if (c->has_af)
		sbuf_addf(sb, " af_flr=%d", c->af_flr);
	if (c->has_acs)
		sbuf_addf(sb, " acs=%04x/%04x", c->acs_cap, c->acs_ctrl);
	for (unsigned i = 0; c->has_rebar && i < c->n_rebar && i < PCI_MAX_REBAR; i++)
		sbuf_addf(sb, " rebar%u=%" PRIu64 "/%#" PRIx64, c->rebar[i].bar,
			  c->rebar[i].current, c->rebar[i].supported);
	if (c->has_rebar && !c->n_rebar)
		sbuf_addstr(sb, c->rebar_invalid ? " rebar=invalid" : " rebar=none");
	put_flag(sb, "sriov", c->has_sriov);
	if (c->header_type)
		sbuf_addf(sb, " hdr=%#x", c->header_type);
	put_flag(sb, "mf", c->multifunction);
	put_flag(sb, "header_only", c->header_only);
	if (c->broken)
		sbuf_addf(sb, " broken=\"%s\"", c->broken);
	sbuf_addch(sb, '\n');
}

static void dump_devices(const struct parse_out *out, struct sbuf *sb)
{
	for (size_t i = 0; i < out->devices.n; i++) {
		const struct device_row *d = &out->devices.v[i];

		sbuf_addf(sb, "device %" PRIu32, d->lineno);
		put_bdf(sb, "bdf", &d->bdf);
		if (d->has_class)
			sbuf_addf(sb, " class=%04x", d->class_code);
		if (d->has_ids)
			sbuf_addf(sb, " id=%04x:%04x", d->vendor, d->device);
		if (d->has_subsys)
			sbuf_addf(sb, " subsys=%04x:%04x", d->subsys_vendor, d->subsys_device);
		put_tri(sb, "rev", d->rev);
		if (d->iommu_group >= 0)
			sbuf_addf(sb, " group=%" PRId32, d->iommu_group);
		put_str(sb, "driver", d->driver);
		put_str(sb, "modules", d->modules);
		put_flag(sb, "caps_denied", d->caps_denied);
		put_flag(sb, "boot_vga", d->boot_vga);
		put_str(sb, "source", d->source);
		put_str(sb, "class_name", d->class_name);
		put_str(sb, "vendor_name", d->vendor_name);
		put_str(sb, "device_name", d->device_name);
		sbuf_addch(sb, '\n');
		for (int r = 0; r < MAX_REGIONS; r++) {
			const struct pci_region *g = &d->regions[r];

			if (!g->present)
				continue;
			sbuf_addf(sb, "  region %u", g->index);
			if (g->has_addr)
				sbuf_addf(sb, " addr=%#" PRIx64, g->addr);
			if (g->size)
				sbuf_addf(sb, " size=%#" PRIx64, g->size);
			put_flag(sb, "io", g->is_io);
			put_flag(sb, "64bit", g->is_64);
			put_flag(sb, "pref", g->is_pref);
			put_flag(sb, "disabled", g->disabled);
			put_flag(sb, "virtual", g->virtual_);
			put_flag(sb, "unassigned", g->unassigned);
			sbuf_addch(sb, '\n');
		}
		dump_caps(sb, &d->caps);
	}
}

static void dump_misc(const struct parse_out *out, struct sbuf *sb)
{
	for (size_t i = 0; i < out->groups.n; i++) {
		const struct group_row *g = &out->groups.v[i];

		sbuf_addf(sb, "group %" PRIu32 " group=%" PRId32, g->lineno, g->group);
		put_bdf(sb, "bdf", &g->bdf);
		put_str(sb, "desc", g->desc);
		sbuf_addch(sb, '\n');
	}
	for (size_t i = 0; i < out->params.n; i++) {
		const struct param_row *p = &out->params.v[i];

		sbuf_addf(sb, "param %" PRIu32 " order=%" PRIu32, p->lineno, p->order);
		put_str(sb, "key", p->key);
		if (p->has_value && p->value.len)
			put_str(sb, "value", p->value);
		else if (p->has_value)
			sbuf_addstr(sb, " value=\"\"");
		put_str(sb, "origin", p->origin);
		sbuf_addch(sb, '\n');
	}
	for (size_t i = 0; i < out->cpus.n; i++) {
		const struct cpu_row *c = &out->cpus.v[i];

		sbuf_addf(sb, "cpu %" PRIu32, c->lineno);
		put_str(sb, "vendor", c->vendor);
		put_tri(sb, "family", c->family);
		put_tri(sb, "model", c->model);
		put_tri(sb, "stepping", c->stepping);
		put_tri(sb, "phys_bits", c->phys_bits);
		put_tri(sb, "virt_bits", c->virt_bits);
		put_tri(sb, "ncpus", c->ncpus);
		put_flag(sb, "hypervisor", c->hypervisor);
		put_str(sb, "hypervisor_vendor", c->hypervisor_vendor);
		put_str(sb, "model_name", c->model_name);
		put_str(sb, "flags", c->flags);
		sbuf_addch(sb, '\n');
	}
	for (size_t i = 0; i < out->iomem.n; i++) {
		const struct iomem_row *m = &out->iomem.v[i];

		sbuf_addf(sb,
			  "iomem %" PRIu32 " %#" PRIx64 "-%#" PRIx64 " depth=%" PRIu32
			  " parent=%" PRId32,
			  m->lineno, m->start, m->end, m->depth, m->parent);
		put_str(sb, "name", m->name);
		sbuf_addch(sb, '\n');
	}
	for (size_t i = 0; i < out->modules.n; i++) {
		const struct module_row *m = &out->modules.v[i];

		sbuf_addf(sb, "module %" PRIu32, m->lineno);
		put_str(sb, "directive", m->directive);
		put_str(sb, "module", m->module);
		put_str(sb, "args", m->args);
		sbuf_addch(sb, '\n');
	}
}

static void dump_vms(const struct parse_out *out, struct sbuf *sb)
{
	for (size_t i = 0; i < out->vms.n; i++) {
		const struct vm_row *v = &out->vms.v[i];

		sbuf_addf(sb, "vm %" PRIu32 " index=%zu", v->lineno, i);
		put_str(sb, "id", v->id);
		put_str(sb, "name", v->name);
		put_str(sb, "flavour", v->flavour);
		sbuf_addch(sb, '\n');
	}
	for (size_t i = 0; i < out->vm_opts.n; i++) {
		const struct vm_opt_row *o = &out->vm_opts.v[i];

		sbuf_addf(sb, "vm_opt %" PRIu32 " vm=%" PRIu32, o->lineno, o->vm);
		put_str(sb, "snapshot", o->snapshot);
		put_str(sb, "key", o->key);
		put_str(sb, "value", o->value);
		sbuf_addch(sb, '\n');
	}
	for (size_t i = 0; i < out->hostdevs.n; i++) {
		const struct hostdev_row *h = &out->hostdevs.v[i];

		sbuf_addf(sb, "hostdev %" PRIu32 " vm=%" PRIu32, h->lineno, h->vm);
		put_str(sb, "snapshot", h->snapshot);
		put_str(sb, "name", h->name);
		if (h->has_bdf)
			put_bdf(sb, "bdf", &h->bdf);
		put_str(sb, "mapping", h->mapping);
		put_str(sb, "mdev", h->mdev);
		put_str(sb, "romfile", h->romfile);
		put_tri(sb, "rombar", h->rombar);
		put_tri(sb, "pcie", h->pcie);
		put_tri(sb, "x_vga", h->x_vga);
		put_tri(sb, "multifunction", h->multifunction);
		put_flag(sb, "managed", h->managed);
		put_str(sb, "raw", h->raw);
		sbuf_addch(sb, '\n');
	}
}

static void dump_rest(const struct parse_out *out, struct sbuf *sb)
{
	for (size_t i = 0; i < out->roms.n; i++) {
		const struct rom_row *r = &out->roms.v[i];

		sbuf_addf(sb, "rom image=%" PRIu32 " offset=%#" PRIx64 " sig=%#06x%s", r->image,
			  r->offset, r->signature, r->sig_ok ? "" : " bad_sig");
		if (r->has_pcir)
			sbuf_addf(sb,
				  " id=%04x:%04x class=%06x code_type=%u rev=%u len=%" PRIu64 "%s",
				  r->vendor, r->device, r->class_code, r->code_type, r->revision,
				  r->length, r->last ? " last" : "");
		if (r->is_efi)
			sbuf_addf(sb, " efi subsystem=%u machine=%#x%s", r->efi_subsystem,
				  r->efi_machine, r->efi_compressed ? " compressed" : "");
		sbuf_addf(sb, " checksum=%s\n", r->checksum_ok ? "ok" : "bad");
	}
	for (size_t i = 0; i < out->kvs.n; i++) {
		const struct kv_row *k = &out->kvs.v[i];

		sbuf_addf(sb, "kv %" PRIu32, k->lineno);
		put_str(sb, "scope", k->scope);
		put_str(sb, "subject", k->subject);
		put_str(sb, "key", k->key);
		put_str(sb, "value", k->value);
		sbuf_addch(sb, '\n');
	}
	for (size_t i = 0; i < out->tree.n; i++) {
		const struct tree_row *t = &out->tree.v[i];

		sbuf_addf(sb, "tree %" PRIu32, t->lineno);
		if (t->has_parent)
			put_bdf(sb, "parent", &t->parent);
		put_bdf(sb, "child", &t->child);
		put_str(sb, "desc", t->desc);
		sbuf_addch(sb, '\n');
	}
	for (size_t i = 0; i < out->warnings.n; i++)
		sbuf_addf(sb, "warning %" PRIu32 " %s\n", out->warnings.v[i].lineno,
			  out->warnings.v[i].msg);
	if (out->warnings_dropped)
		sbuf_addf(sb, "warnings_dropped %" PRIu32 "\n", out->warnings_dropped);
}

void parse_out_dump(const struct parse_out *out, struct sbuf *sb)
{
	dump_lines(out, sb);
	dump_devices(out, sb);
	dump_misc(out, sb);
	dump_vms(out, sb);
	dump_rest(out, sb);
}
