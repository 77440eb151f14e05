/* pciaddr.h - PCI addresses (domain:bus:device.function) in every spelling the field uses.
 *
 * Kernel and lspci -D print "0000:01:00.0"; lspci without -D, Proxmox and QEMU's host= often
 * omit the domain ("01:00.0"); Proxmox also names all functions of a slot as "01:00".
 * Parsed addresses always carry a domain (0 when omitted) and print as "dddd:bb:dd.f".
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "str.h"

struct pciaddr {
	uint16_t domain;
	uint8_t bus;
	uint8_t dev;  /* 0..31 */
	uint8_t func; /* 0..7, or PCIADDR_ALL_FUNCS for "01:00" */
};

#define PCIADDR_ALL_FUNCS 0xff
#define PCIADDR_STR_MAX	  16 /* "dddd:bb:dd.f" + NUL, with room */
#define PCIADDR_TEXT_LEN  12 /* strlen("dddd:bb:dd.f") */

/* Parses exactly s: "dddd:bb:dd.f", "bb:dd.f", or with allow_slot also "bb:dd"/"dddd:bb:dd".
 * Hex digits of either case. */
bool pciaddr_parse(struct str s, bool allow_slot, struct pciaddr *out);
/* Finds the first full address "dddd:bb:dd.f" in s, delimited by non-hex characters;
 * on success sets *out and, if at is not NULL, the offset. */
bool pciaddr_find(struct str s, struct pciaddr *out, size_t *at);
/* Writes "dddd:bb:dd.f" (or "dddd:bb:dd" for all functions); buf has PCIADDR_STR_MAX bytes. */
const char *pciaddr_format(const struct pciaddr *a, char buf[PCIADDR_STR_MAX]);
bool pciaddr_eq(const struct pciaddr *a, const struct pciaddr *b);
/* True when b is a, or a names all functions of b's slot. */
bool pciaddr_covers(const struct pciaddr *a, const struct pciaddr *b);
