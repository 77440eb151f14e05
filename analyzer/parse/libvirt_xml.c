/* libvirt_xml.c - parse a libvirt domain XML (/etc/libvirt/qemu/<domain>.xml, `virsh dumpxml`)
 * into one vm row, vm_opt rows with dotted keys and a hostdev row per PCI <hostdev>. The only
 * file that includes libxml2. Pure: parses from memory, no I/O; values are copied into
 * out->arena because libxml2's strings die with its document.
 *
 * Real input (libvirt tests/qemuxml2argvdata/pci-rom.xml, tests/qemuxmlconfdata/kvm-features.xml):
 *   <hostdev mode='subsystem' type='pci' managed='yes'>
 *       <address domain='0x0000' bus='0x06' slot='0x12' function='0x6'/>
 *     <rom bar='on' file='/etc/fake/bootrom.bin'/>
 *       <hidden state='on'/>
 *
 * Keys (docs/factstore.md): vcpu, memory (as written, with its unit), memory_mib,
 * memtune.<limit> and memtune.<limit>_mib (hard_limit...), hugepages,
 * machine (os/type@machine), machine.type (q35 or i440fx), loader, bios (ovmf when the loader
 * names OVMF/edk2 or os@firmware is efi, else seabios: libvirt's own default on x86),
 * cpu.mode, cpu.check, cpu.model, cpu.maxphysaddr.<attr>, cpu.feature.<name> = policy,
 * features.<name> (state, or "on") and features.<name>.<attr> for its other attributes
 * (features.ioapic.driver, features.msrs.unknown), features.kvm.<name> and
 * features.hyperv.<name> (state;
 * vendor_id gives its value), iommu.model, iommu.driver.<attr>, and a
 * qemu.arg row per <qemu:arg> in order. Rows carry the element's line (xmlGetLineNo).
 *
 * Hostile input: the size is capped (MAX_XML_BYTES); entities are never substituted
 * (no XML_PARSE_NOENT), no DTD is loaded, no network, no huge mode; a document with a DOCTYPE
 * or an ENTITY declaration is not parsed at all (libvirt never writes one).
 *
 * Pastes: a fragment (a <hostdev>, <cpu>, <features> or <devices> pasted alone) is read as if
 * it were inside <domain>; several elements, or elements with prose around them, are read
 * inside a wrapper element. A document still malformed gets a warning and is read again in
 * libxml2's recover mode, which keeps what precedes the damage (pastes elide with "..." inside
 * tags).
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

#include "common/limits.h"
#include "common/sbuf.h"
#include "parse/parsers_all.h"

#define QEMU_NS	    "http://libvirt.org/schemas/domain/qemu/1.0"
#define SNIFF_BYTES 4096
#define PASTE_ROOT  "vd-paste" /* wraps pasted fragments; not a libvirt element */

struct lx {
	struct parse_out *out;
	unsigned n_hostdev;
	struct str loader, firmware;
	bool saw_os;
};

static bool is_el(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static uint32_t line_of(const xmlNode *n)
{
	long l = xmlGetLineNo(n);

	return l > 0 && l <= (long)MAX_LINES ? (uint32_t)l : 0;
}

/* An attribute copied into the arena; the empty view when absent. */
static struct str attr(struct lx *x, xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	struct str s;

	if (!v)
		return STR_NULL;
	s = arena_str(&x->out->arena, str_from_cstr((const char *)v));
	xmlFree(v);
	return s;
}

static struct str content(struct lx *x, xmlNode *n)
{
	xmlChar *v = xmlNodeGetContent(n);
	struct str s;

	if (!v)
		return STR_NULL;
	s = arena_str(&x->out->arena, str_trim(str_from_cstr((const char *)v)));
	xmlFree(v);
	return s;
}

static void add_opt(struct lx *x, const xmlNode *n, struct str key, struct str value)
{
	struct vm_opt_row *o;

	if (x->out->vm_opts.n >= MAX_ROWS) {
		if (x->out->vm_opts.n == MAX_ROWS)
			parse_warn(x->out, line_of(n), "more than %d rows, ignoring the rest",
				   MAX_ROWS);
		return;
	}
	o = VEC_PUSH(&x->out->vm_opts);
	o->lineno = line_of(n);
	o->vm = 0;
	o->key = key;
	o->value = value;
}

/* A key "<prefix>.<name>" in the arena; element and attribute names are capped. */
static struct str key2(struct lx *x, const char *prefix, const xmlChar *name)
{
	size_t n = strlen((const char *)name);

	if (n > MAX_XML_KEY_BYTES)
		n = MAX_XML_KEY_BYTES;
	return str_from_cstr(arena_printf(&x->out->arena, "%s.%.*s", prefix, (int)n, name));
}

static void add_attr_opt(struct lx *x, xmlNode *n, const char *key, const char *name)
{
	struct str v = attr(x, n, name);

	if (v.len)
		add_opt(x, n, str_from_cstr(key), v);
}

/* Every attribute of n as "<prefix>.<attr>". */
static void add_all_attrs(struct lx *x, xmlNode *n, const char *prefix)
{
	for (xmlAttr *a = n->properties; a; a = a->next)
		add_opt(x, n, key2(x, prefix, a->name), attr(x, n, (const char *)a->name));
}

/* <memory unit='KiB'>219100</memory> -> bytes per unit, libvirt's table; 0 when unknown. */
static uint64_t unit_scale(struct str u)
{
	static const struct {
		const char *name;
		uint64_t scale;
	} units[] = {
		{ "b", 1 },	     { "bytes", 1 },	    { "KB", 1000ull },
		{ "k", 1024ull },    { "KiB", 1024ull },    { "MB", 1000000ull },
		{ "M", 1ull << 20 }, { "MiB", 1ull << 20 }, { "GB", 1000000000ull },
		{ "G", 1ull << 30 }, { "GiB", 1ull << 30 }, { "TB", 1000000000000ull },
		{ "T", 1ull << 40 }, { "TiB", 1ull << 40 },
	};

	if (!u.len)
		return 1024; /* libvirt's default is KiB */
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (str_eq_cstr(u, units[i].name))
			return units[i].scale;
	return 0;
}

/* An amount with a unit attribute: "<key>" as written ("219100 KiB"), "<key>_mib" in MiB. */
static void walk_amount(struct lx *x, xmlNode *n, struct str key)
{
	struct str v = content(x, n), unit = attr(x, n, "unit");
	uint64_t num, scale = unit_scale(unit);

	add_opt(x, n, key,
		unit.len ? str_from_cstr(arena_printf(&x->out->arena, "%.*s %.*s", (int)v.len,
						      v.ptr, (int)unit.len, unit.ptr))
			 : v);
	if (!scale || !str_to_u64(v, 10, 0, UINT64_MAX / scale, &num)) {
		parse_warn(x->out, line_of(n), "%.*s '%.*s' unit '%.*s' not understood",
			   (int)key.len, key.ptr, (int)v.len, v.ptr, (int)unit.len, unit.ptr);
		return;
	}
	add_opt(x, n,
		str_from_cstr(arena_printf(&x->out->arena, "%.*s_mib", (int)key.len, key.ptr)),
		str_from_cstr(arena_printf(&x->out->arena, "%llu",
					   (unsigned long long)(num * scale >> 20))));
}

/* <memtune><hard_limit unit='KiB'>...: memtune.<limit> and memtune.<limit>_mib */
static void walk_memtune(struct lx *x, xmlNode *n)
{
	for (xmlNode *c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			walk_amount(x, c, key2(x, "memtune", c->name));
}

static void walk_os(struct lx *x, xmlNode *os)
{
	x->saw_os = true;
	x->firmware = attr(x, os, "firmware");
	for (xmlNode *c = os->children; c; c = c->next) {
		if (is_el(c, "type")) {
			struct str m = attr(x, c, "machine");

			if (!m.len)
				continue;
			add_opt(x, c, STR_LIT("machine"), m);
			if (str_contains(m, "q35"))
				add_opt(x, c, STR_LIT("machine.type"), STR_LIT("q35"));
			else if (str_eq_cstr(m, "pc") || str_contains(m, "i440fx"))
				add_opt(x, c, STR_LIT("machine.type"), STR_LIT("i440fx"));
		} else if (is_el(c, "loader")) {
			x->loader = content(x, c);
			if (x->loader.len)
				add_opt(x, c, STR_LIT("loader"), x->loader);
		}
	}
	if (str_contains(x->loader, "OVMF") || str_contains(x->loader, "ovmf") ||
	    str_contains(x->loader, "edk2") || str_eq_cstr(x->firmware, "efi"))
		add_opt(x, os, STR_LIT("bios"), STR_LIT("ovmf"));
	else
		add_opt(x, os, STR_LIT("bios"), STR_LIT("seabios"));
}

/* <kvm>/<hyperv> children: features.<group>.<name> = state (vendor_id: its value). */
static void walk_feature_group(struct lx *x, xmlNode *g, const char *prefix)
{
	struct str mode = attr(x, g, "mode");

	if (mode.len)
		add_opt(x, g, key2(x, prefix, (const xmlChar *)"mode"), mode);
	for (xmlNode *c = g->children; c; c = c->next) {
		struct str v;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		v = attr(x, c, "value");
		if (!is_el(c, "vendor_id") || !v.len)
			v = attr(x, c, "state");
		add_opt(x, c, key2(x, prefix, c->name), v);
	}
}

/* <acpi/> -> features.acpi = on; <smm state='on'> -> features.smm = on;
 * <msrs unknown='ignore'/> -> features.msrs.unknown = ignore (every attribute but state). */
static void walk_plain_feature(struct lx *x, xmlNode *c)
{
	struct str state = attr(x, c, "state"), name = key2(x, "features", c->name);
	bool other = false;

	for (xmlAttr *a = c->properties; a; a = a->next) {
		if (strcmp((const char *)a->name, "state") == 0)
			continue;
		add_opt(x, c, key2(x, name.ptr, a->name), attr(x, c, (const char *)a->name));
		other = true;
	}
	if (state.len || !other)
		add_opt(x, c, name, state.len ? state : STR_LIT("on"));
}

static void walk_features(struct lx *x, xmlNode *f)
{
	for (xmlNode *c = f->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_el(c, "kvm"))
			walk_feature_group(x, c, "features.kvm");
		else if (is_el(c, "hyperv"))
			walk_feature_group(x, c, "features.hyperv");
		else
			walk_plain_feature(x, c); /* ioapic gives features.ioapic.driver */
	}
}

static void walk_cpu(struct lx *x, xmlNode *cpu)
{
	add_attr_opt(x, cpu, "cpu.mode", "mode");
	add_attr_opt(x, cpu, "cpu.check", "check");
	for (xmlNode *c = cpu->children; c; c = c->next) {
		if (is_el(c, "model")) {
			struct str m = content(x, c);

			if (m.len)
				add_opt(x, c, STR_LIT("cpu.model"), m);
		} else if (is_el(c, "maxphysaddr")) {
			add_all_attrs(x, c, "cpu.maxphysaddr");
		} else if (is_el(c, "feature")) {
			struct str name = attr(x, c, "name"), policy = attr(x, c, "policy");

			if (!name.len)
				continue;
			add_opt(x, c,
				str_from_cstr(arena_printf(&x->out->arena, "cpu.feature.%.*s",
							   (int)(name.len < MAX_XML_KEY_BYTES
									 ? name.len
									 : MAX_XML_KEY_BYTES),
							   name.ptr)),
				policy.len ? policy : STR_LIT("require"));
		}
	}
}

static void walk_iommu(struct lx *x, xmlNode *n)
{
	add_attr_opt(x, n, "iommu.model", "model");
	for (xmlNode *c = n->children; c; c = c->next)
		if (is_el(c, "driver"))
			add_all_attrs(x, c, "iommu.driver");
}

/* A number attribute of <address>: hex with 0x, or decimal, as libvirt accepts. */
static bool addr_field(struct lx *x, xmlNode *a, const char *name, uint64_t max, bool optional,
		       uint64_t *v)
{
	struct str s = attr(x, a, name);

	if (!s.len && optional) {
		*v = 0;
		return true;
	}
	return str_to_u64(s, 0, 0, max, v);
}

static void hostdev_source(struct lx *x, xmlNode *src, struct hostdev_row *h)
{
	for (xmlNode *a = src->children; a; a = a->next) {
		uint64_t dom, bus, slot, fn;

		if (!is_el(a, "address"))
			continue;
		if (addr_field(x, a, "domain", 0xffff, true, &dom) &&
		    addr_field(x, a, "bus", 0xff, false, &bus) &&
		    addr_field(x, a, "slot", 31, false, &slot) &&
		    addr_field(x, a, "function", 7, true, &fn)) {
			h->has_bdf = true;
			h->bdf = (struct pciaddr){ .domain = (uint16_t)dom,
						   .bus = (uint8_t)bus,
						   .dev = (uint8_t)slot,
						   .func = (uint8_t)fn };
		} else {
			parse_warn(x->out, line_of(a),
				   "hostdev source address is not a PCI address, skipping it");
		}
		return;
	}
}

static int8_t on_off(struct str v)
{
	if (str_eq_cstr(v, "on") || str_eq_cstr(v, "yes"))
		return 1;
	if (str_eq_cstr(v, "off") || str_eq_cstr(v, "no"))
		return 0;
	return -1;
}

static void walk_hostdev(struct lx *x, xmlNode *n)
{
	struct hostdev_row *h;
	struct str type = attr(x, n, "type");

	/* a pasted <hostdev> may omit its type; any other type is not PCI */
	if (type.len && !str_eq_cstr(type, "pci"))
		return;
	if (x->out->hostdevs.n >= MAX_ROWS)
		return;
	h = VEC_PUSH(&x->out->hostdevs);
	h->lineno = line_of(n);
	h->vm = 0;
	h->name = str_from_cstr(arena_printf(&x->out->arena, "hostdev%u", x->n_hostdev++));
	h->managed = str_eq_cstr(attr(x, n, "managed"), "yes");
	h->rombar = h->pcie = h->x_vga = h->multifunction = -1;
	for (xmlNode *c = n->children; c; c = c->next) {
		if (is_el(c, "source")) {
			hostdev_source(x, c, h);
		} else if (is_el(c, "rom")) {
			h->rombar = on_off(attr(x, c, "bar"));
			h->romfile = attr(x, c, "file");
		} else if (is_el(c, "address")) {
			struct str mf = attr(x, c, "multifunction");

			if (mf.len)
				h->multifunction = on_off(mf);
		}
	}
}

static bool is_qemu_ns(const xmlNode *n)
{
	return n->ns && n->ns->href && strcmp((const char *)n->ns->href, QEMU_NS) == 0;
}

/* <qemu:local> with its namespace declared, or pasted without the declaration (libxml2 then
 * keeps the prefix in the name and sets no namespace). */
static bool is_qemu_el(const xmlNode *n, const char *local)
{
	const char *name = (const char *)n->name;

	if (n->type != XML_ELEMENT_NODE)
		return false;
	if (is_qemu_ns(n))
		return strcmp(name, local) == 0;
	return !n->ns && strncmp(name, "qemu:", 5) == 0 && strcmp(name + 5, local) == 0;
}

static void walk_qemu_commandline(struct lx *x, xmlNode *n)
{
	for (xmlNode *c = n->children; c; c = c->next)
		if (is_qemu_el(c, "arg"))
			add_opt(x, c, STR_LIT("qemu.arg"), attr(x, c, "value"));
}

static void walk_element(struct lx *x, xmlNode *n);

static void walk_children(struct lx *x, xmlNode *n)
{
	for (xmlNode *c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			walk_element(x, c);
}

/* One child of <domain> (or of <devices>, or a pasted fragment's root). */
static void walk_element(struct lx *x, xmlNode *n)
{
	if (is_qemu_el(n, "commandline")) {
		walk_qemu_commandline(x, n);
	} else if (is_qemu_ns(n)) {
		return; /* qemu:capabilities, qemu:override */
	} else if (is_el(n, "vcpu")) {
		add_opt(x, n, STR_LIT("vcpu"), content(x, n));
	} else if (is_el(n, "memory")) {
		walk_amount(x, n, STR_LIT("memory"));
	} else if (is_el(n, "memtune")) {
		walk_memtune(x, n);
	} else if (is_el(n, "memoryBacking")) {
		for (xmlNode *c = n->children; c; c = c->next)
			if (is_el(c, "hugepages"))
				add_opt(x, c, STR_LIT("hugepages"), STR_LIT("on"));
	} else if (is_el(n, "os")) {
		walk_os(x, n);
	} else if (is_el(n, "features")) {
		walk_features(x, n);
	} else if (is_el(n, "cpu")) {
		walk_cpu(x, n);
	} else if (is_el(n, "devices")) {
		walk_children(x, n);
	} else if (is_el(n, "iommu")) {
		walk_iommu(x, n);
	} else if (is_el(n, "hostdev")) {
		walk_hostdev(x, n);
	}
}

/* A <domain>'s children into vm row vmi. */
static void walk_domain(struct lx *x, xmlNode *dom, size_t vmi)
{
	struct str id = STR_NULL, title = STR_NULL;

	for (xmlNode *c = dom->children; c; c = c->next) {
		if (is_el(c, "name"))
			id = content(x, c);
		else if (is_el(c, "title"))
			title = content(x, c);
		else if (c->type == XML_ELEMENT_NODE)
			walk_element(x, c);
	}
	if (id.len)
		x->out->vms.v[vmi].id = id;
	if (title.len || id.len)
		x->out->vms.v[vmi].name = title.len ? title : id;
}

/* The document's root: a <domain>, a fragment, or the wrapper around several pasted
 * elements. Everything becomes one vm row. */
static void walk_root(struct lx *x, xmlNode *root)
{
	size_t vmi = x->out->vms.n;
	struct vm_row *vm = VEC_PUSH(&x->out->vms);

	vm->lineno = line_of(root);
	vm->flavour = STR_LIT("libvirt");
	if (is_el(root, "domain")) {
		walk_domain(x, root, vmi);
	} else if (is_el(root, PASTE_ROOT)) {
		parse_warn(
			x->out, line_of(root),
			"several XML elements or text around them: reading the elements as parts of one domain");
		for (xmlNode *c = root->children; c; c = c->next) {
			if (is_el(c, "domain"))
				walk_domain(x, c, vmi);
			else if (c->type == XML_ELEMENT_NODE)
				walk_element(x, c);
		}
	} else {
		parse_warn(x->out, line_of(root),
			   "XML root is <%.*s>, not <domain>: reading it as a fragment of a domain",
			   MAX_XML_KEY_BYTES, (const char *)root->name);
		walk_element(x, root);
	}
}

static struct str skip_prolog(struct str s)
{
	for (;;) {
		long end;

		s = str_ltrim(s);
		while (s.len && (s.ptr[0] == '\n' || s.ptr[0] == '\r'))
			s = str_ltrim(str_sub(s, 1, s.len));
		if (str_starts_with(s, "<?"))
			end = str_find(s, "?>");
		else if (str_starts_with(s, "<!--"))
			end = str_find(s, "-->");
		else
			return s;
		if (end < 0)
			return STR_NULL;
		s = str_sub(s, (size_t)end + 2, s.len);
		if (s.len && s.ptr[0] == '>')
			s = str_sub(s, 1, s.len);
	}
}

int libvirt_xml_sniff(struct str text)
{
	static const char *const fragments[] = { "<hostdev",	     "<features>", "<cpu",
						 "<devices>",	     "<os>",	   "<iommu",
						 "<qemu:commandline" };
	struct str s = skip_prolog(str_sub(text, 0, SNIFF_BYTES));

	if (str_starts_with(s, "<domain ") || str_starts_with(s, "<domain>"))
		return 95;
	for (size_t i = 0; i < sizeof(fragments) / sizeof(fragments[0]); i++)
		if (str_starts_with(s, fragments[i]))
			return 60;
	return 0;
}

static bool has_dtd(struct str text)
{
	return str_contains(text, "<!DOCTYPE") || str_contains(text, "<!ENTITY");
}

/* Parses text wrapped in <PASTE_ROOT> (no newline added, so line numbers hold): pasted
 * fragments are often several elements, or elements with prose around them. */
static xmlDocPtr read_wrapped(xmlParserCtxtPtr ctxt, struct str text, int opts)
{
	struct sbuf sb;
	xmlDocPtr doc = NULL;

	if (str_starts_with(skip_prolog(text), "<?xml") || str_contains(text, "<?xml"))
		return NULL;
	sbuf_init(&sb, (size_t)MAX_XML_BYTES + 64);
	sbuf_addstr(&sb, "<" PASTE_ROOT ">");
	sbuf_add_str(&sb, text);
	sbuf_addstr(&sb, "</" PASTE_ROOT ">");
	if (!sbuf_failed(&sb))
		doc = xmlCtxtReadMemory(ctxt, sb.buf, (int)sb.len, NULL, NULL, opts);
	sbuf_release(&sb);
	return doc;
}

int libvirt_xml_parse(struct str text, struct parse_out *out, struct error *err)
{
	const int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
			 XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA;
	struct lx x = { .out = out };
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	xmlNode *root;

	if (lines_split(text, SOURCE_LIBVIRT_XML, out, err) < 0)
		return -1;
	if (text.len > MAX_XML_BYTES) {
		parse_warn(out, 0, "libvirt XML of %zu bytes is over %u: not parsed as XML",
			   text.len, MAX_XML_BYTES);
		return 0;
	}
	if (has_dtd(text)) {
		parse_warn(out, 0,
			   "libvirt XML with a DOCTYPE or ENTITY declaration: not parsed as XML");
		return 0;
	}
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return error_set(err, EXIT_OOM, "libxml2: cannot allocate a parser");
	doc = xmlCtxtReadMemory(ctxt, text.ptr, (int)text.len, NULL, NULL, opts);
	if (!doc) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		uint32_t line = e && e->line > 0 ? (uint32_t)e->line : 0;
		struct str msg = e && e->message ? str_trim(str_from_cstr(e->message)) : STR_NULL;

		msg = arena_str(&out->arena, msg); /* the next parse reuses the error */
		doc = read_wrapped(ctxt, text, opts);
		if (!doc) {
			parse_warn(out, line, "malformed XML (%.*s): reading what can be recovered",
				   (int)msg.len, msg.ptr);
			/* pastes elide with "..." inside tags; keep what precedes the damage */
			doc = xmlCtxtReadMemory(ctxt, text.ptr, (int)text.len, NULL, NULL,
						opts | XML_PARSE_RECOVER);
		}
		if (!doc) {
			xmlFreeParserCtxt(ctxt);
			return 0;
		}
	}
	root = xmlDocGetRootElement(doc);
	if (root)
		walk_root(&x, root);
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return 0;
}
