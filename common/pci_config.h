/* pci_config.h - decode PCI configuration space bytes into the capabilities diagnosis needs.
 *
 * Input is what sysfs `config` or `lspci -xxx`/`-xxxx` gives: 64, 256 or 4096 bytes (non-root
 * readers get only 64). Every read is bounds-checked; a capability list that loops, points
 * outside the buffer or into the header ends the walk with a note in `broken`, never a crash.
 * The same struct is filled from lspci text by the lspci parser, so the two can be compared.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCI_MAX_REBAR 6

struct pci_rebar {
	uint8_t bar;	    /* BAR index 0..5 */
	uint64_t current;   /* current size in bytes, 0 when unknown */
	uint64_t supported; /* bit n set: 2^n MiB supported (n = 0 is 1 MiB) */
};

struct pci_caps {
	bool known; /* false: nothing was decoded (no access, too short) */
	uint16_t vendor, device, subsys_vendor, subsys_device;
	uint32_t class_code; /* base<<16 | sub<<8 | prog-if */
	uint8_t revision;
	uint8_t header_type; /* without the multifunction bit; 0x7f means all-ones */
	bool multifunction;

	bool has_pm;
	int8_t pm_state; /* 0..3 for D0..D3hot, -1 unknown */
	bool pm_no_soft_reset;

	bool has_msi, msi_enabled;
	bool has_msix, msix_enabled;

	bool has_pcie;
	uint8_t pcie_type; /* PCIe device/port type field (0 endpoint, 4 root port, ...) */
	bool flr;	   /* DevCap FLReset+ */
	uint8_t link_speed_cap, link_width_cap; /* LnkCap: speed code (1 = 2.5GT/s), width xN */
	uint8_t link_speed, link_width;		/* LnkSta */

	bool has_af, af_flr; /* conventional PCI Advanced Features FLR */

	bool has_acs;
	uint16_t acs_cap, acs_ctrl;

	bool has_rebar;
	uint8_t n_rebar;
	struct pci_rebar rebar[PCI_MAX_REBAR];

	bool rebar_invalid; /* the first control register names 0 or more than 6 BARs */

	bool has_sriov;
	bool header_only;   /* fewer bytes than the capability lists need (non-root: 64) */
	const char *broken; /* static text naming why a walk stopped early, or NULL */
};

/* Decodes len bytes of configuration space. Returns false (caps->known false) when there are
 * fewer than 64 bytes. Never reads outside buf. */
bool pci_config_decode(const uint8_t *buf, size_t len, struct pci_caps *caps);
