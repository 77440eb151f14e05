/* classify.h - what an input is: by its bundle path (a table), by the shell command that
 * printed it (pastes), or by content (every parser's sniff, best wins).
 *
 * A classification also carries what the path or command says beyond the kind: the boot
 * (journalctl -b -1), the PCI address (sys/bus/pci/devices/<bdf>/..., roms/<bdf>.rom), the
 * VM (etc/pve/qemu-server/<vmid>.conf) and, for key/value files, the fact scope and key.
 */
#pragma once

#include <stdbool.h>

#include "common/pciaddr.h"
#include "common/str.h"
#include "parse/parse.h"

/* How the input layer treats a file beyond handing it to a parser. */
enum path_role {
	ROLE_PARSE,	   /* give it to the kind's parser */
	ROLE_SYSFS_ATTR,   /* an attribute of sys/bus/pci/devices/<bdf>/ (sysfs.c) */
	ROLE_IOMMU_GROUP,  /* sys/kernel/iommu_groups/<n>/devices (sysfs.c) */
	ROLE_KV,	   /* a one-value file: a fact (scope, subject, key) plus its lines */
	ROLE_VFIO_HOLDERS, /* cmd/vfio-holders */
	ROLE_MANIFEST,	   /* manifest.json (manifest.c) */
};

#define CLASSIFY_ID_MAX 64

struct classification {
	enum source_kind kind;
	int confidence; /* 0..100; 100 when a bundle path decides */
	enum path_role role;
	int boot; /* 0, -1, ... */
	bool has_bdf;
	struct pciaddr bdf;
	char vm[CLASSIFY_ID_MAX];      /* VMID or domain name, "" when none */
	char group[CLASSIFY_ID_MAX];   /* IOMMU group number (ROLE_IOMMU_GROUP) */
	char attr[CLASSIFY_ID_MAX];    /* sysfs attribute name (ROLE_SYSFS_ATTR) */
	const char *scope;	       /* fact scope (ROLE_KV): "dmi", "modparam", "sysctl"... */
	char subject[CLASSIFY_ID_MAX]; /* fact subject (ROLE_KV) */
	char key[CLASSIFY_ID_MAX * 2]; /* fact key (ROLE_KV) */
	const char *how;	       /* "path", "command", "content", "default" */
	enum source_kind runner_up;    /* second-best sniff, for --classify -v */
	int runner_up_confidence;
};

/* Classifies a bundle-relative path ("cmd/dmesg"). Returns false when the path is not in
 * the table (the caller then classifies by content). */
bool classify_path(const char *path, struct classification *c);

/* Classifies by content: runs every parser's sniff over text and keeps the best (ties go to
 * the earlier parser in the table). kind is SOURCE_UNKNOWN when every sniff says 0. */
void classify_content(struct str text, struct classification *c);

/* Classifies by the shell command a paste shows before the output ("dmesg | grep -i vfio",
 * "cat /etc/pve/qemu-server/100.conf", "lspci -nnk"). Returns false for unknown commands. */
bool classify_command(struct str command, struct classification *c);

/* Looks for a bundle-layout path ("/etc/pve/qemu-server/103.conf") anywhere in text and
 * classifies by it; for prose that names the file a paste part came from. */
bool classify_mentioned_path(struct str text, struct classification *c);

/* True when the first bytes look like binary data rather than text. */
bool classify_is_binary(struct str data);
