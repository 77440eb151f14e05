-- schema.sql - the fact store: a public interface (docs/factstore.md documents every column).
-- Every input becomes rows here; bundle content only ever enters as bound parameters.
-- PCI addresses are text 'dddd:bb:dd.f' (lower-case hex; 'dddd:bb:dd' = all functions).

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);   -- schema_version, analyzer version

-- One row per input file or paste part, with how it was classified.
CREATE TABLE inputs (
	id INTEGER PRIMARY KEY,
	path TEXT NOT NULL,        -- bundle path ('cmd/dmesg'), or the loose file's own name
	kind TEXT NOT NULL,        -- source kind name (parse.h)
	confidence INTEGER,        -- 0..100 from the sniffer; 100 when the bundle path decides
	first_line INTEGER,        -- line range of this part inside the file (pastes)
	last_line INTEGER,
	bytes INTEGER,
	boot INTEGER DEFAULT 0,    -- 0 this boot, -1 previous (journalctl -b -1)
	origin TEXT                -- the INPUT argument it came from
);

CREATE TABLE lines (
	id INTEGER PRIMARY KEY,
	input_id INTEGER NOT NULL REFERENCES inputs(id),
	lineno INTEGER NOT NULL,   -- 1-based, in the file (not the part)
	kind TEXT NOT NULL,
	boot INTEGER DEFAULT 0,
	ts REAL,                   -- seconds since boot, or epoch seconds when ts_wall
	ts_wall INTEGER DEFAULT 0,
	bdf TEXT,                  -- first PCI address the line names
	source TEXT,               -- emitter: kernel, QEMU, pvedaemon, libvirt, ...
	vm TEXT,                   -- VM id / domain the line belongs to
	text TEXT NOT NULL,        -- the normalised line
	msg TEXT NOT NULL          -- the message body without timestamp/host prefixes
);

-- PCI devices. One row per (bdf, source); the table `device` (below) merges sources per bdf.
CREATE TABLE devices (
	id INTEGER PRIMARY KEY,
	input_id INTEGER REFERENCES inputs(id),
	lineno INTEGER,
	bdf TEXT NOT NULL,
	source TEXT NOT NULL,      -- lspci, sysfs, config
	class INTEGER,             -- base<<8|sub, e.g. 0x0300
	class_name TEXT, vendor_name TEXT, device_name TEXT,
	vendor INTEGER, device INTEGER, subsys_vendor INTEGER, subsys_device INTEGER,
	vendor_device TEXT,        -- '10de:2504'
	rev INTEGER,
	driver TEXT, modules TEXT,
	iommu_group INTEGER,
	boot_vga INTEGER,
	caps_known INTEGER, caps_denied INTEGER,
	header_type INTEGER, multifunction INTEGER,
	pm INTEGER, pm_state INTEGER, pm_no_soft_reset INTEGER,
	msi INTEGER, msi_enabled INTEGER, msix INTEGER, msix_enabled INTEGER,
	pcie INTEGER, pcie_type INTEGER, flr INTEGER, af_flr INTEGER,
	link_speed INTEGER, link_width INTEGER, link_speed_cap INTEGER, link_width_cap INTEGER,
	acs INTEGER, acs_cap INTEGER, acs_ctrl INTEGER,
	rebar INTEGER, sriov INTEGER
);

CREATE TABLE regions (
	device_id INTEGER NOT NULL REFERENCES devices(id),
	bdf TEXT NOT NULL,
	idx INTEGER NOT NULL,      -- 0..5 BARs, 6 expansion ROM
	addr INTEGER, size INTEGER,
	is_io INTEGER, is_64 INTEGER, is_pref INTEGER, disabled INTEGER, unassigned INTEGER
);

CREATE TABLE rebar (
	device_id INTEGER NOT NULL REFERENCES devices(id),
	bdf TEXT NOT NULL,
	bar INTEGER NOT NULL,
	current_size INTEGER,      -- bytes
	supported INTEGER          -- bit n: 2^n MiB supported
);

CREATE TABLE iommu_groups (
	input_id INTEGER REFERENCES inputs(id),
	lineno INTEGER,
	grp INTEGER NOT NULL,
	bdf TEXT NOT NULL
);

CREATE TABLE pci_tree (
	input_id INTEGER REFERENCES inputs(id),
	lineno INTEGER,
	parent TEXT,               -- NULL on a root bus
	child TEXT NOT NULL
);

CREATE TABLE cmdline (
	input_id INTEGER REFERENCES inputs(id),
	lineno INTEGER,
	origin TEXT,               -- cmdline (running kernel), GRUB_CMDLINE_LINUX_DEFAULT, ...
	ord INTEGER,
	key TEXT NOT NULL,
	value TEXT                 -- NULL for a bare flag
);

CREATE TABLE cpu (
	input_id INTEGER REFERENCES inputs(id),
	lineno INTEGER,
	vendor TEXT, family INTEGER, model INTEGER, stepping INTEGER, model_name TEXT,
	flags TEXT,                -- ' '-joined with a leading and trailing space: ' avx avx2 '
	phys_bits INTEGER, virt_bits INTEGER,
	hypervisor INTEGER, hypervisor_vendor TEXT, ncpus INTEGER
);

CREATE TABLE iomem (
	id INTEGER PRIMARY KEY,
	input_id INTEGER REFERENCES inputs(id),
	lineno INTEGER,
	start INTEGER, "end" INTEGER,
	depth INTEGER,
	parent_id INTEGER REFERENCES iomem(id),
	name TEXT
);

CREATE TABLE modules (
	input_id INTEGER REFERENCES inputs(id),
	lineno INTEGER,
	path TEXT,                 -- the file the directive is in
	directive TEXT NOT NULL,   -- blacklist, options, softdep, install, alias, load, loaded
	module TEXT,
	args TEXT
);

CREATE TABLE vms (
	id INTEGER PRIMARY KEY,
	input_id INTEGER REFERENCES inputs(id),
	lineno INTEGER,
	vmid TEXT NOT NULL,        -- Proxmox VMID or libvirt domain name
	name TEXT,
	flavour TEXT               -- pve, libvirt
);

CREATE TABLE vm_options (
	vm_id INTEGER NOT NULL REFERENCES vms(id),
	input_id INTEGER REFERENCES inputs(id),
	lineno INTEGER,
	snapshot TEXT,             -- NULL for the current config
	key TEXT NOT NULL,
	value TEXT
);

CREATE TABLE vm_hostdevs (
	vm_id INTEGER NOT NULL REFERENCES vms(id),
	input_id INTEGER REFERENCES inputs(id),
	lineno INTEGER,
	snapshot TEXT,
	name TEXT,                 -- hostpci0, hostdev0
	bdf TEXT,                  -- NULL for mapping= or mdev-only entries
	all_functions INTEGER,     -- 1 for '01:00' (every function of the slot)
	mapping TEXT, mdev TEXT, romfile TEXT,
	rombar INTEGER, pcie INTEGER, x_vga INTEGER, multifunction INTEGER, managed INTEGER,
	raw TEXT
);

CREATE TABLE roms (
	input_id INTEGER REFERENCES inputs(id),
	path TEXT,                 -- bundle path or file name of the image
	bdf TEXT,                  -- the device it was dumped from, when the path says
	image INTEGER, "offset" INTEGER,
	signature INTEGER, sig_ok INTEGER,
	has_pcir INTEGER, vendor INTEGER, device INTEGER, class INTEGER,
	code_type INTEGER, revision INTEGER, last INTEGER, length INTEGER,
	is_efi INTEGER, efi_subsystem INTEGER, efi_machine INTEGER, efi_compressed INTEGER,
	checksum_ok INTEGER
);

-- Key/value facts: DMI, module parameters, sysfs attributes, kernel version, manifest items.
CREATE TABLE facts (
	input_id INTEGER REFERENCES inputs(id),
	lineno INTEGER,
	scope TEXT NOT NULL,
	subject TEXT,
	key TEXT NOT NULL,
	value TEXT
);

CREATE TABLE warnings (
	input_id INTEGER REFERENCES inputs(id),
	lineno INTEGER,
	message TEXT NOT NULL
);

-- @indexes: everything below is built once loading is done, before the first read (factstore.c
-- splits the file at this line): loading then inserts into the tables' B-trees only. It runs
-- again at the next read when more was loaded after a read.

CREATE INDEX IF NOT EXISTS lines_bdf ON lines(bdf);
CREATE INDEX IF NOT EXISTS lines_kind ON lines(kind);
CREATE INDEX IF NOT EXISTS devices_bdf ON devices(bdf);
CREATE INDEX IF NOT EXISTS iommu_groups_bdf ON iommu_groups(bdf);
CREATE INDEX IF NOT EXISTS vm_options_key ON vm_options(key);
CREATE INDEX IF NOT EXISTS facts_key ON facts(scope, key);

-- `device`: one row per address, lspci preferred, sysfs/config filling what lspci lacked (part
-- of the public interface). Built once here, as a table: the store no longer changes, and
-- knowledge queries join it per VM device and per line, where a view recomputed its GROUP BY
-- each time. A load after a read drops and rebuilds it.
DROP TABLE IF EXISTS device;
CREATE TABLE device AS
SELECT bdf,
	max(class) AS class, max(class_name) AS class_name,
	max(vendor_name) AS vendor_name, max(device_name) AS device_name,
	max(vendor) AS vendor, max(device) AS device, max(vendor_device) AS vendor_device,
	max(subsys_vendor) AS subsys_vendor, max(subsys_device) AS subsys_device,
	max(driver) AS driver, max(modules) AS modules,
	coalesce(max(iommu_group), (SELECT max(grp) FROM iommu_groups g WHERE g.bdf = d.bdf))
		AS iommu_group,
	max(boot_vga) AS boot_vga, max(multifunction) AS multifunction,
	max(flr) AS flr, max(af_flr) AS af_flr, max(pm_no_soft_reset) AS pm_no_soft_reset,
	max(msi) AS msi, max(msi_enabled) AS msi_enabled,
	max(msix) AS msix, max(msix_enabled) AS msix_enabled,
	max(acs) AS acs, max(rebar) AS rebar, max(pcie) AS pcie, max(pcie_type) AS pcie_type
FROM devices d GROUP BY bdf;
CREATE UNIQUE INDEX IF NOT EXISTS device_bdf ON device(bdf);
