/* pci_config_parse.h - PCI configuration space bytes (sysfs `config`) into a device row.
 *
 * The bytes alone do not say which device they belong to: the input layer knows the address
 * from the path (sys/bus/pci/devices/<dddd:bb:dd.f>/config) and passes it here. The parser
 * table's entry (pci_config_parse) has no path and leaves the address 0000:00:00.0.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct parse_out;
struct pciaddr;

/* Decodes len bytes with pci_config_decode() and appends one device row (source "config",
 * line 0) with ids, class, revision, subsystem and caps; bdf may be NULL (then zero). Bytes
 * past PCI_CONFIG_BYTES are ignored with a warning; fewer than 64 bytes give a warning and no
 * row. Returns the number of rows added (0 or 1); never fails. The row does not point into
 * buf. */
int pci_config_parse_bytes(const uint8_t *buf, size_t len, const struct pciaddr *bdf,
			   struct parse_out *out);
