/* report_fixture.h - results built by hand for the reporter tests, with evidence lines taken
 * from real text: seed 001 (the N100 iGPU with the 0xcffa ROM signature, its VM 103 config) and
 * the message catalog's BAR reserve and RMRR examples. Helpers render a result to a string.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/error.h"
#include "common/limits.h"
#include "common/sbuf.h"
#include "rank/result.h"
#include "report/report.h"
#include "test.h"

/* seed 001_08cfc1e37197bab7.txt, dmesg | grep -i vfio */
#define SEED001_ROM_LINE                                                                            \
	"[ 123.660367] vfio-pci 0000:00:02.0: Invalid PCI ROM header signature: expecting 0xaa55, " \
	"got 0xcffa"
#define SEED001_VGAARB_LINE "[ 4.088924] vfio-pci 0000:00:02.0: vgaarb: deactivate vga console"
/* seed 001, /etc/pve/qemu-server/103.conf as posted */
#define SEED001_HOSTPCI_LINE "hostpci0: 0000:00:02.0,romfile=12-n100-q10.rom,pcie=1,x-vga=1"
#define SEED001_MACHINE_LINE "machine: pc-q35-10.0+pve1"
/* message-catalog.md, K-PCI-01 example */
#define CATALOG_BAR_LINE                                                                         \
	"[  150.123456] vfio-pci 0000:01:00.0: BAR 1: can't reserve [mem 0xc0000000-0xcfffffff " \
	"64bit pref]"
/* message-catalog.md, RMRR example */
#define CATALOG_RMRR_LINE                                                                         \
	"[  120.551234] vfio-pci 0000:04:00.0: Device is ineligible for IOMMU domain attach due " \
	"to platform RMRR requirement.  Contact your platform vendor."

static inline struct evidence *fixture_evidence(struct result *r, size_t n)
{
	return arena_alloc(&r->arena, n * sizeof(struct evidence));
}

static inline const char **fixture_strings(struct result *r, const char *a, const char *b)
{
	const char **v = arena_alloc(&r->arena, 2 * sizeof(*v));

	v[0] = arena_strdup(&r->arena, a);
	v[1] = b ? arena_strdup(&r->arena, b) : NULL;
	return v;
}

/* Two findings (rom-invalid-signature first, bar-reserve-conflict second), one ruled out
 * (rmrr-conflict), one unchecked, two inputs, one warning. */
static inline void fixture_build(struct result *r)
{
	struct finding *f;
	struct evidence *e;

	result_init(r);
	r->host_summary = "Proxmox VE, Intel N100 (seed 001)";
	r->n_findings = 2;
	r->findings = arena_alloc(&r->arena, r->n_findings * sizeof(*r->findings));

	f = &r->findings[0];
	f->id = "rom-invalid-signature";
	f->title = "Intel iGPU ROM has no valid 0xaa55 signature: give the VM a romfile";
	f->category = "rom";
	f->severity = SEV_BLOCKER;
	f->score = 3.2;
	f->confidence = 0.92;
	f->label = "certain";
	f->subject =
		(struct subject){ "device", "0000:00:02.0", "Intel Alder Lake-N [UHD Graphics]" };
	f->symptoms = fixture_strings(r, "Code 43", NULL);
	f->n_symptoms = 1;
	f->evidence = e = fixture_evidence(r, 2);
	e[0] = (struct evidence){ "dmesg", 14, SEED001_ROM_LINE, "rom-signature", 3.0 };
	e[1] = (struct evidence){ "etc/pve/qemu-server/103.conf", 9, SEED001_HOSTPCI_LINE,
				  "romfile-set", -0.5 };
	f->n_evidence = 2;
	f->n_evidence_total = 2;
	f->fix = "cp 12-n100-q10.rom /usr/share/kvm/\n"
		 "qm set 103 --hostpci0 0000:00:02.0,romfile=12-n100-q10.rom,pcie=1,x-vga=1";
	f->references = fixture_strings(r, "https://pve.proxmox.com/wiki/PCI_Passthrough", NULL);
	f->n_references = 1;

	f = &r->findings[1];
	f->id = "bar-reserve-conflict";
	f->title = "A host framebuffer holds the GPU's BAR";
	f->category = "bar";
	f->severity = SEV_ERROR;
	f->score = 1.1;
	f->confidence = 0.61;
	f->label = "likely";
	f->subject = (struct subject){ "device", "0000:01:00.0", NULL };
	f->evidence = e = fixture_evidence(r, 1);
	e[0] = (struct evidence){ "dmesg", 40, CATALOG_BAR_LINE, "bar-reserve", 2.0 };
	f->n_evidence = 1;
	f->n_evidence_total = 1;
	f->fix = "video=efifb:off";

	r->n_ruled_out = 1;
	r->ruled_out = arena_alloc(&r->arena, sizeof(*r->ruled_out));
	f = &r->ruled_out[0];
	f->id = "rmrr-conflict";
	f->title = "Platform RMRR blocks IOMMU attach";
	f->severity = SEV_BLOCKER;
	f->confidence = 0.05;
	f->label = "unlikely";
	f->subject = (struct subject){ "host", "host", NULL };
	f->ruled_out_reason = "no RMRR message in the kernel log of the failing boot";

	r->n_unchecked = 1;
	r->unchecked = arena_alloc(&r->arena, sizeof(*r->unchecked));
	r->unchecked[0] = (struct unchecked){ "viommu-aw-bits", "vIOMMU address width",
					      "the QEMU log of the failing start",
					      "cat /var/log/libvirt/qemu/<domain>.log" };

	r->n_inputs = 2;
	r->inputs = arena_alloc(&r->arena, 2 * sizeof(*r->inputs));
	r->inputs[0] = (struct input_info){ "dmesg", "kernel_log", 90, 1, 40, 3120 };
	r->inputs[1] =
		(struct input_info){ "etc/pve/qemu-server/103.conf", "pve_conf", 95, 1, 22, 870 };

	r->n_warnings = 1;
	r->warnings = arena_alloc(&r->arena, sizeof(*r->warnings));
	r->warnings[0] =
		(struct result_warning){ "dmesg", 12, "line longer than 8192 bytes, truncated" };
}

/* Renders res with fn-style dispatch into a NUL-terminated heap string (yours, free()). */
static inline char *fixture_render(const struct result *res, const char *format, bool colour)
{
	struct sbuf sb;

	sbuf_init(&sb, MAX_OUTPUT_BYTES);
	if (strcmp(format, "text") == 0)
		report_text_render(res, colour, &sb);
	else if (strcmp(format, "json") == 0)
		report_json_render(res, &sb);
	else if (strcmp(format, "markdown") == 0)
		report_markdown_render(res, &sb);
	else
		report_html_render(res, &sb);
	CHECK(!sbuf_failed(&sb));
	return sbuf_detach(&sb, NULL);
}

/* The offset of needle in hay, or -1. */
static inline long fixture_find(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);

	return p ? (long)(p - hay) : -1;
}
