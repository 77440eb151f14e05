/* redact.h - replace personal values in collected text by stable tokens.
 *
 * A struct redact holds the token map of one bundle: every distinct value gets one token the
 * first time it is seen (host0, domain0, 192.0.2.1, 2001:db8::1, 02:00:00:00:00:01, SERIAL-1,
 * 00000000-0000-0000-0000-000000000001, user0) and keeps it, so the same value reads the same
 * everywhere in the bundle. redact_text() is a pure function of its input bytes and the map:
 * no I/O, no clock, no globals. What it replaces (docs/bundle-format.md, "Redaction"):
 *   - host and domain names registered with redact_add_name() and redact_add_domain() (whole
 *     words, case-insensitive); a domain of two or more labels also right after a label and a
 *     dot, so "mail.corp.example.net" keeps only "mail." and a full host name becomes
 *     "host0.domain0";
 *   - IPv4 addresses except 0/8, 127/8 and 255/8, IPv6 addresses except :: and ::1;
 *   - MAC addresses (six hex pairs joined by ':' or '-', and PXELINUX's BOOTIF=01-<mac>); a
 *     dash-separated MAC gets the same token as its colon form, written with dashes;
 *   - UUIDs (8-4-4-4-12 hex), which covers smbios1 uuid= and vmgenid;
 *   - serial numbers after "Serial Number", "SerialNumber:", "serial=", <serial>;
 *   - the user name in /home/<user>;
 *   - secrets in VM configs: Proxmox "cipassword:" and "sshkeys:", password= and passwd=
 *     attributes (libvirt <graphics passwd='...'>);
 *   - by position, whatever its length and even when generic: the node of a Proxmox
 *     "UPID:<node>:<8 hex>:<8 hex>:<8 hex>:" (any text), and the host field that the text's
 *     format (enum redact_format) puts at a known place.
 * PCI addresses (0000:01:00.0), [vvvv:dddd] ids and version strings are not touched.
 * A disabled map copies text unchanged.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/sbuf.h"
#include "common/str.h"
#include "common/vec.h"

enum redact_kind {
	REDACT_HOSTNAME,
	REDACT_DOMAIN,
	REDACT_IPV4,
	REDACT_IPV6,
	REDACT_MAC,
	REDACT_SERIAL,
	REDACT_UUID,
	REDACT_USER,
	REDACT_SECRET,
	REDACT_KIND_COUNT
};

struct redact_entry {
	enum redact_kind kind;
	char *value; /* the original, NUL-terminated; owned */
	char *token; /* owned */
};

struct redact {
	bool enabled;
	VEC(struct redact_entry) map;
	VEC(char *) names; /* literal host/domain names, owned; kind in name_kind */
	VEC(enum redact_kind) name_kind;
	unsigned next[REDACT_KIND_COUNT];	/* tokens handed out per kind */
	unsigned long count[REDACT_KIND_COUNT]; /* replacements made per kind */
};

void redact_init(struct redact *r, bool enabled);
void redact_release(struct redact *r);

/* "hostname", "domain", "ipv4", ... as in the manifest's redaction summary. */
const char *redact_kind_name(enum redact_kind kind);

/* Registers a host name to replace wherever it occurs as a whole word. A dotted name is split:
 * its first label is a host name, the rest a domain. Names shorter than 3 bytes and generic
 * words ("pve", "localhost", "proxmox", ...) are refused (false): they identify nobody and
 * would mangle ordinary text. */
bool redact_add_name(struct redact *r, struct str name);

/* Registers a DNS domain (resolv.conf "search"/"domain") whole, as a domain: "corp.example.net"
 * is not split into a host "corp" and a domain "example.net". Refused like redact_add_name(). */
bool redact_add_domain(struct redact *r, struct str name);

/* Where a text's format puts the host name. Free-text matching refuses short and generic
 * names; a host field found by position is replaced whatever it holds (a dotted one becomes
 * host<N>.domain<N>), unless it is an address (left to the address matchers) or a token. */
enum redact_format {
	/* no known position (UPID nodes still count) */
	REDACT_FMT_TEXT,
	/* `uname -a`: the nodename, second field of the first line */
	REDACT_FMT_UNAME,
	/* journalctl/syslog lines: "Mon DD HH:MM:SS[.f] HOST ident[pid]: ..." or
	 * "YYYY-MM-DDTHH:MM:SS[.f](Z|+hhmm|+hh:mm) HOST ident[pid]: ..." */
	REDACT_FMT_JOURNAL,
	/* libvirt's per-VM log: ", hostname: HOST" of its "starting up libvirt" lines */
	REDACT_FMT_QEMU_LOG,
};

/* Appends in to out with every personal value replaced by its token. */
void redact_text(struct redact *r, struct str in, struct sbuf *out);

/* redact_text() plus the host field that fmt places; REDACT_FMT_TEXT is redact_text(). */
void redact_text_as(struct redact *r, enum redact_format fmt, struct str in, struct sbuf *out);

/* Zeroes the serial of a PCIe Device Serial Number capability in a config-space dump (the
 * bytes lspci prints as "Device Serial Number"). Bounds-checked; returns how many it cleared. */
unsigned redact_pci_config(struct redact *r, uint8_t *buf, size_t len);

/* The token for value of a kind, handing out a new one if needed (borrowed; lives as long as
 * r). Used for the bundle's top directory name. */
const char *redact_token(struct redact *r, enum redact_kind kind, struct str value);

/* Writes the map as "kind<TAB>token<TAB>value" lines, for --redact-map. */
void redact_map_write(const struct redact *r, struct sbuf *out);
