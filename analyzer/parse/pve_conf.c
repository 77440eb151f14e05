/* pve_conf.c - parse a Proxmox VE VM config (/etc/pve/qemu-server/<vmid>.conf, `qm config`)
 * into one vm row, a vm_opt row per setting and a hostdev row per passed-through address.
 * Pure: no I/O; rows point into the caller's text.
 *
 * Real input (seed 001, VM 103; Proxmox qemu-server's test q35-win10-hostpci.conf):
 *   cpu: host,hidden=1
 *   hostpci0: 0000:00:02.0,romfile=12-n100-q10.rom,pcie=1,x-vga=1
 *   machine: pc-q35-10.0+pve1
 *
 * Every `key: value` line becomes a vm_opt row with the key as written. `#` lines at the top
 * are the VM's description (Proxmox writes it that way): one "description" row per line.
 * `[name]` starts a snapshot section (also `[PENDING]` and `[special:cloudinit]`): its rows
 * carry snapshot = name, so they never mix with the current config. Derived rows: cpu.type,
 * cpu.hidden, cpu.flags (from `cpu:`), memory_mib, machine.type (q35 or i440fx) and
 * machine.viommu (from `machine:`); nothing is invented for keys that are absent (no default
 * bios). The VM id is not in the text: the input layer sets vm.id from the file name; the name
 * comes from `name:`. hostpciN: one row per address (`0000:01:00.0;0000:01:00.1` gives two),
 * `01:00` gives one row for all functions (func PCIADDR_ALL_FUNCS, multifunction implied),
 * `mapping=<id>` a row without an address. `args:` gives a row per `-device vfio-pci,host=...`.
 */
#include <string.h>

#include "common/limits.h"
#include "parse/parsers_all.h"

#define SNIFF_LINES 200

static const char *const pve_keys[] = {
	"agent",    "args",	 "balloon", "bios",	  "boot",	 "bootdisk", "cores",
	"cpu",	    "efidisk0",	 "hotplug", "kvm",	  "machine",	 "memory",   "meta",
	"name",	    "numa",	 "onboot",  "ostype",	  "scsihw",	 "smbios1",  "sockets",
	"tablet",   "tpmstate0", "vga",	    "vmgenid",	  "hugepages",	 "vcpus",    "parent",
	"snaptime", "lock",	 "startup", "protection", "description",
};

static const char *const pve_indexed[] = { "hostpci", "net", "scsi",   "ide",	"sata",
					   "virtio",  "usb", "unused", "serial" };

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Splits "key: value" (Proxmox's /^([a-z][a-z_]*\d*):\s*(.*\S)?\s*$/). */
static bool split_kv(struct str line, struct str *key, struct str *value)
{
	size_t i = 0;

	if (!line.len || line.ptr[0] < 'a' || line.ptr[0] > 'z')
		return false;
	while (i < line.len && is_key_char(line.ptr[i]))
		i++;
	if (i == line.len || line.ptr[i] != ':')
		return false;
	*key = str_sub(line, 0, i);
	*value = str_trim(str_sub(line, i + 1, line.len));
	return true;
}

/* "[name]" -> name */
static bool split_section(struct str line, struct str *name)
{
	line = str_trim(line);
	if (line.len < 3 || line.ptr[0] != '[' || line.ptr[line.len - 1] != ']')
		return false;
	*name = str_trim(str_sub(line, 1, line.len - 2));
	return name->len > 0;
}

static bool is_pve_key(struct str key)
{
	for (size_t i = 0; i < sizeof(pve_keys) / sizeof(pve_keys[0]); i++)
		if (str_eq_cstr(key, pve_keys[i]))
			return true;
	for (size_t i = 0; i < sizeof(pve_indexed) / sizeof(pve_indexed[0]); i++) {
		size_t n = strlen(pve_indexed[i]);
		uint64_t idx;

		if (key.len > n && str_starts_with(key, pve_indexed[i]) &&
		    str_to_u64(str_sub(key, n, key.len), 10, 0, 255, &idx))
			return true;
	}
	return false;
}

/* Proxmox booleans: 1/0, on/off, yes/no, true/false. -1 when neither. */
static int pve_bool(struct str v)
{
	if (str_eq_cstr(v, "1") || str_ieq_cstr(v, "on") || str_ieq_cstr(v, "yes") ||
	    str_ieq_cstr(v, "true"))
		return 1;
	if (str_eq_cstr(v, "0") || str_ieq_cstr(v, "off") || str_ieq_cstr(v, "no") ||
	    str_ieq_cstr(v, "false"))
		return 0;
	return -1;
}

int pve_conf_sniff(struct str text)
{
	struct str line, key, value;
	int known = 0, other = 0, n = 0;
	bool hostpci = false;

	while (n++ < SNIFF_LINES && str_next_line(&text, &line)) {
		line = str_trim(line);
		if (!line.len || line.ptr[0] == '#' || split_section(line, &key))
			continue;
		/* "kvm: -device vfio-pci,..." is QEMU's stderr, Proxmox's kvm: is a boolean */
		if (split_kv(line, &key, &value) && is_pve_key(key) &&
		    (!str_eq_cstr(key, "kvm") || pve_bool(value) >= 0)) {
			known++;
			hostpci |= str_starts_with(key, "hostpci");
		} else {
			other++;
		}
	}
	if (known >= 3 && other * 4 <= known)
		return 90;
	if (known >= 1 && other == 0)
		return hostpci ? 70 : 40 + 10 * known;
	return 0;
}

static bool room(struct parse_out *out, size_t n, uint32_t lineno)
{
	if (n < MAX_ROWS)
		return true;
	parse_warn(out, lineno, "more than %d rows, ignoring the rest", MAX_ROWS);
	return false;
}

static void add_opt(struct parse_out *out, uint32_t lineno, struct str snap, struct str key,
		    struct str value)
{
	struct vm_opt_row *o;

	if (!room(out, out->vm_opts.n, lineno))
		return;
	o = VEC_PUSH(&out->vm_opts);
	o->lineno = lineno;
	o->vm = 0;
	o->snapshot = snap;
	o->key = key;
	o->value = value;
}

/* cpu: [[cputype=]<type>][,flags=<+f;-f>][,hidden=<bool>][,...] */
static void derive_cpu(struct parse_out *out, uint32_t lineno, struct str snap, struct str v)
{
	struct str item;
	bool first = true;

	while (v.len) {
		if (!str_take_until(&v, ',', &item)) {
			item = v;
			v = STR_NULL;
		}
		item = str_trim(item);
		if (str_starts_with(item, "cputype="))
			add_opt(out, lineno, snap, STR_LIT("cpu.type"), str_sub(item, 8, item.len));
		else if (first && item.len && str_find_char(item, '=') < 0)
			add_opt(out, lineno, snap, STR_LIT("cpu.type"), item);
		else if (str_starts_with(item, "hidden="))
			add_opt(out, lineno, snap, STR_LIT("cpu.hidden"),
				str_sub(item, 7, item.len));
		else if (str_starts_with(item, "flags="))
			add_opt(out, lineno, snap, STR_LIT("cpu.flags"),
				str_sub(item, 6, item.len));
		first = false;
	}
}

/* memory: <MiB> or (PVE 8) current=<MiB>[,...] */
static void derive_memory(struct parse_out *out, uint32_t lineno, struct str snap, struct str v)
{
	struct str item, all = v;
	uint64_t mib;

	while (v.len) {
		if (!str_take_until(&v, ',', &item)) {
			item = v;
			v = STR_NULL;
		}
		item = str_trim(item);
		if (str_starts_with(item, "current="))
			item = str_sub(item, 8, item.len);
		if (str_to_u64(item, 10, 0, UINT32_MAX, &mib)) {
			add_opt(out, lineno, snap, STR_LIT("memory_mib"), item);
			return;
		}
	}
	parse_warn(out, lineno, "memory '%.*s' is not a number of MiB", (int)all.len, all.ptr);
}

/* machine: [type=]<pc|q35|pc-i440fx-X|pc-q35-X[+pveN]>[,viommu=intel|virtio][,...] */
static void derive_machine(struct parse_out *out, uint32_t lineno, struct str snap, struct str v)
{
	struct str item;
	bool first = true;

	while (v.len) {
		if (!str_take_until(&v, ',', &item)) {
			item = v;
			v = STR_NULL;
		}
		item = str_trim(item);
		if (str_starts_with(item, "type="))
			item = str_sub(item, 5, item.len);
		else if (str_starts_with(item, "viommu="))
			add_opt(out, lineno, snap, STR_LIT("machine.viommu"),
				str_sub(item, 7, item.len));
		if (!first || str_find_char(item, '=') >= 0 || !item.len) {
			first = false;
			continue;
		}
		first = false;
		if (str_contains(item, "q35"))
			add_opt(out, lineno, snap, STR_LIT("machine.type"), STR_LIT("q35"));
		else if (str_eq_cstr(item, "pc") || str_contains(item, "i440fx"))
			add_opt(out, lineno, snap, STR_LIT("machine.type"), STR_LIT("i440fx"));
	}
}

struct hostpci_opts {
	struct str hosts, mapping, mdev, romfile;
	int8_t pcie, x_vga, rombar;
};

static void hostpci_options(struct str v, struct hostpci_opts *o, struct parse_out *out,
			    uint32_t lineno)
{
	struct str item, k;
	bool first = true;

	*o = (struct hostpci_opts){ .pcie = -1, .x_vga = -1, .rombar = -1 };
	while (v.len) {
		if (!str_take_until(&v, ',', &item)) {
			item = v;
			v = STR_NULL;
		}
		item = str_trim(item);
		if (!str_take_until(&item, '=', &k)) {
			if (first)
				o->hosts = item;
			else if (item.len)
				parse_warn(out, lineno,
					   "hostpci option '%.*s' without a value, skipping",
					   (int)item.len, item.ptr);
			first = false;
			continue;
		}
		first = false;
		if (str_eq_cstr(k, "host"))
			o->hosts = item;
		else if (str_eq_cstr(k, "mapping"))
			o->mapping = item;
		else if (str_eq_cstr(k, "mdev"))
			o->mdev = item;
		else if (str_eq_cstr(k, "romfile"))
			o->romfile = item;
		else if (str_eq_cstr(k, "pcie"))
			o->pcie = (int8_t)pve_bool(item);
		else if (str_eq_cstr(k, "x-vga"))
			o->x_vga = (int8_t)pve_bool(item);
		else if (str_eq_cstr(k, "rombar"))
			o->rombar = (int8_t)pve_bool(item);
	}
}

static struct hostdev_row *add_hostdev(struct parse_out *out, uint32_t lineno, struct str snap,
				       struct str key, struct str raw, const struct hostpci_opts *o)
{
	struct hostdev_row *h;

	if (!room(out, out->hostdevs.n, lineno))
		return NULL;
	h = VEC_PUSH(&out->hostdevs);
	h->lineno = lineno;
	h->vm = 0;
	h->snapshot = snap;
	h->name = key;
	h->mapping = o->mapping;
	h->mdev = o->mdev;
	h->romfile = o->romfile;
	h->rombar = o->rombar;
	h->pcie = o->pcie;
	h->x_vga = o->x_vga;
	h->multifunction = -1;
	h->raw = raw;
	return h;
}

static void parse_hostpci(struct parse_out *out, uint32_t lineno, struct str snap, struct str key,
			  struct str v)
{
	struct hostpci_opts o;
	struct str hosts, one;

	hostpci_options(v, &o, out, lineno);
	hosts = o.hosts;
	if (!hosts.len) {
		if (!o.mapping.len)
			parse_warn(out, lineno, "%.*s names neither a host address nor a mapping",
				   (int)key.len, key.ptr);
		add_hostdev(out, lineno, snap, key, v, &o);
		return;
	}
	while (hosts.len) {
		struct hostdev_row *h;

		if (!str_take_until(&hosts, ';', &one)) {
			one = hosts;
			hosts = STR_NULL;
		}
		one = str_trim(one);
		if (!one.len)
			continue;
		h = add_hostdev(out, lineno, snap, key, v, &o);
		if (!h)
			return;
		h->has_bdf = pciaddr_parse(one, true, &h->bdf);
		if (!h->has_bdf)
			parse_warn(out, lineno, "%.*s: '%.*s' is not a PCI address", (int)key.len,
				   key.ptr, (int)one.len, one.ptr);
		else if (h->bdf.func == PCIADDR_ALL_FUNCS)
			h->multifunction = 1;
	}
}

/* `args: -device vfio-pci,host=0000:00:02.0,id=hostdev0,bus=pcie.0,addr=0x2,romfile=...`:
 * a device handed to QEMU past hostpciN. Each vfio-pci option list is a hostdev row named
 * "args" with its host= (or sysfsdev=/sys/bus/pci/devices/<address>); sysfsdev= of an mdev
 * names no PCI address and is left out. */
static void derive_args(struct parse_out *out, uint32_t lineno, struct str snap, struct str key,
			struct str value)
{
	struct str rest = value;
	long at;

	while ((at = str_find(rest, "vfio-pci,")) >= 0) {
		struct str spec = str_sub(rest, (size_t)at + 9, rest.len), item, k, dev = STR_NULL;
		struct hostpci_opts o;
		struct hostdev_row *h;
		size_t end = 0;

		while (end < spec.len && spec.ptr[end] != ' ' && spec.ptr[end] != '\t')
			end++;
		rest = str_sub(spec, end, spec.len);
		spec = str_sub(spec, 0, end);
		hostpci_options(spec, &o, out, lineno);
		dev = o.hosts;
		for (struct str v = spec; !dev.len && v.len;) {
			if (!str_take_until(&v, ',', &item)) {
				item = v;
				v = STR_NULL;
			}
			if (str_take_until(&item, '=', &k) && str_eq_cstr(k, "sysfsdev") &&
			    str_starts_with(item, "/sys/bus/pci/devices/"))
				dev = str_sub(item, 21, item.len);
		}
		if (!dev.len)
			continue;
		h = add_hostdev(out, lineno, snap, key, value, &o);
		if (!h)
			return;
		h->has_bdf = pciaddr_parse(str_trim(dev), false, &h->bdf);
		if (!h->has_bdf)
			parse_warn(out, lineno, "args: vfio-pci host '%.*s' is not a PCI address",
				   (int)dev.len, dev.ptr);
	}
}

static void derive(struct parse_out *out, uint32_t lineno, struct str snap, struct str key,
		   struct str value)
{
	if (str_eq_cstr(key, "cpu"))
		derive_cpu(out, lineno, snap, value);
	else if (str_eq_cstr(key, "memory"))
		derive_memory(out, lineno, snap, value);
	else if (str_eq_cstr(key, "machine"))
		derive_machine(out, lineno, snap, value);
	else if (str_starts_with(key, "hostpci") && key.len > 7)
		parse_hostpci(out, lineno, snap, key, value);
	else if (str_eq_cstr(key, "args"))
		derive_args(out, lineno, snap, key, value);
}

int pve_conf_parse(struct str text, struct parse_out *out, struct error *err)
{
	struct str line, key, value, snap = STR_NULL;
	struct vm_row *vm;
	uint32_t lineno = 0;

	if (lines_split(text, SOURCE_PVE_CONF, out, err) < 0)
		return -1;
	vm = VEC_PUSH(&out->vms);
	vm->lineno = 1;
	vm->flavour = STR_LIT("pve");
	while (str_next_line(&text, &line)) {
		if (++lineno > MAX_LINES)
			break;
		if (line.len > MAX_LINE_BYTES)
			line.len = MAX_LINE_BYTES; /* lines_split warned */
		if (!str_trim(line).len)
			continue;
		if (line.ptr[0] == '#') {
			add_opt(out, lineno, snap, STR_LIT("description"),
				str_sub(line, 1, line.len));
			continue;
		}
		if (split_section(line, &value)) {
			snap = value;
			continue;
		}
		if (!split_kv(line, &key, &value)) {
			parse_warn(out, lineno, "not a 'key: value' line, skipping");
			continue;
		}
		add_opt(out, lineno, snap, key, value);
		if (!snap.len && str_eq_cstr(key, "name")) {
			out->vms.v[0].name = value;
			out->vms.v[0].lineno = lineno;
		}
		derive(out, lineno, snap, key, value);
	}
	return 0;
}
