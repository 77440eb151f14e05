/* html_picture_test.c - the HTML report's PCI picture and readiness table on a hand-built result
 * (report_fixture.h's findings plus devices of the Dell R720 in samples/pve-gpu-bar3-efifb:
 * root port 0000:00:02.0, its GPU 0000:04:00.0, the ISA bridge 0000:00:1f.0 and SATA controller
 * 0000:00:1f.2 sharing group 24). Checks escaping of hostile names (a real lspci Status line and
 * a real shell line from seed 003), the inline SVG with group boxes and marks, the readiness
 * rows in every format, the cap on drawn devices, and that nothing loads from the network.
 */
#include <stdlib.h>
#include <string.h>

#include "report_fixture.h"

/* linuxhw 0003 lspci.txt: a real line full of '<' and '>' */
#define LSPCI_STATUS_LINE                                                                          \
	"Status: Cap+ 66MHz- UDF- FastB2B- ParErr- DEVSEL=fast >TAbort- <TAbort- <MAbort- >SERR- " \
	"<PERR- INTx-"
/* seed 003 line 92: a real line with '&' */
#define SEED003_MAKE_LINE "$ cd rom-parser && make"

static struct pci_device dev(const char *bdf, const char *ids, const char *name, int cls,
			     const char *drv, int64_t grp, const char *parent, int depth)
{
	return (struct pci_device){ .bdf = bdf,
				    .vendor_device = ids,
				    .vendor_name = "Intel Corporation",
				    .device_name = name,
				    .class_name = cls == 0x0604	  ? "PCI bridge"
						  : cls == 0x0601 ? "ISA bridge"
						  : cls == 0x0106 ? "SATA controller"
								  : "VGA compatible controller",
				    .class_code = cls,
				    .driver = drv,
				    .iommu_group = grp,
				    .boot_vga = -1,
				    .flr = -1,
				    .pm_no_soft_reset = -1,
				    .parent = parent,
				    .depth = depth,
				    .secondary_bus = -1,
				    .subordinate_bus = -1,
				    .is_bridge = cls == 0x0604 };
}

static const char **strv1(struct result *r, const char *s)
{
	const char **v = arena_alloc(&r->arena, sizeof(*v));

	v[0] = s;
	return v;
}

/* The fixture plus four R720 devices, the GPU claimed by VM 103 and named by a finding. */
static void build(struct result *r)
{
	struct pci_device *d;

	fixture_build(r);
	r->n_devices = 5;
	r->devices = d = arena_alloc(&r->arena, r->n_devices * sizeof(*d));
	d[0] = dev("0000:00:02.0", "8086:3c04", "Xeon E5/Core i7 IIO PCI Express Root Port 2a",
		   0x0604, "pcieport", 3, NULL, 0);
	d[1] = dev("0000:01:00.0", "10de:1c81", LSPCI_STATUS_LINE, 0x0300, "vfio-pci", 69,
		   "0000:00:02.0", 1);
	d[1].passthrough = true;
	d[1].vm = SEED003_MAKE_LINE;
	d[1].problems = strv1(r, "bar-reserve-conflict");
	d[1].n_problems = 1;
	d[2] = dev("0000:00:1f.0", "8086:1d41", "C600/X79 series chipset LPC Controller", 0x0601,
		   NULL, 24, NULL, 0);
	d[3] = dev("0000:00:1f.2", "8086:1d02",
		   "C600/X79 series chipset 6-Port SATA AHCI Controller", 0x0106, "ahci", 24, NULL,
		   0);
	d[4] = dev("0000:00:1a.0", "8086:1d2d", "C600/X79 series chipset USB2 Enhanced Host",
		   0x0c03, "ehci-pci", -1, NULL, 0);
	r->tree_source = "bridge bus numbers";

	r->n_groups = 3;
	r->groups = arena_alloc(&r->arena, 3 * sizeof(*r->groups));
	r->groups[0] = (struct iommu_group_info){ 3, strv1(r, "0000:00:02.0"), 1 };
	r->groups[1] =
		(struct iommu_group_info){ 24, arena_alloc(&r->arena, 2 * sizeof(char *)), 2 };
	r->groups[1].members[0] = "0000:00:1f.0";
	r->groups[1].members[1] = "0000:00:1f.2";
	r->groups[2] = (struct iommu_group_info){ 69, strv1(r, "0000:01:00.0"), 1 };

	r->n_readiness = 2;
	r->readiness = arena_alloc(&r->arena, 2 * sizeof(*r->readiness));
	r->readiness[0] = (struct readiness){
		.bdf = "0000:01:00.0",
		.name = LSPCI_STATUS_LINE,
		.kind = "gpu",
		.iommu_group = 69,
		.reset = "bus",
		.driver = "vfio-pci",
		.rom = "no ROM dump in the input",
		.boot_vga = 0,
		.vm = SEED003_MAKE_LINE,
		.verdict = READINESS_AFTER_FIX,
		.fix = "fix finding bar-reserve-conflict first",
		.why = "alone in group 69",
	};
	r->readiness[1] = (struct readiness){
		.bdf = "0000:00:1f.2",
		.name = "C600/X79 series chipset 6-Port SATA AHCI Controller [8086:1d02]",
		.kind = "storage",
		.iommu_group = 24,
		.peers = strv1(r, "0000:00:1f.0 (ISA bridge)"),
		.n_peers = 1,
		.reset = "FLR",
		.driver = "ahci",
		.boot_vga = -1,
		.verdict = READINESS_NOT_ISOLATABLE,
		.why = "not isolatable on this board: group 24 shared with 0000:00:1f.0 ISA bridge",
	};
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void test_picture_is_inline_svg_with_group_boxes_and_marks(void)
{
	struct result r;
	char *html;

	build(&r);
	html = fixture_render(&r, "html", false);
	CHECK(strstr(html, "<svg class=\"tree\"") != NULL);
	CHECK(strstr(html, "</svg>") != NULL);
	CHECK_INT(count(html, "<g class=\"group"), 3);
	CHECK(strstr(html, "<g class=\"group not-isolatable\" data-group=\"24\">") != NULL);
	CHECK(strstr(html, "data-group=\"69\"") != NULL);
	/* the USB controller has no group: a box, but no group box */
	CHECK(strstr(html, "data-bdf=\"0000:00:1a.0\"") != NULL);
	CHECK(strstr(html, "<g class=\"dev bridge\" data-bdf=\"0000:00:02.0\">") != NULL);
	CHECK(strstr(html, "<g class=\"dev passthrough problem\" data-bdf=\"0000:01:00.0\">") !=
	      NULL);
	/* marks are text as well as colour */
	CHECK(strstr(html, "PROBLEM: bar-reserve-conflict") != NULL);
	CHECK(strstr(html, "&#9654; VM $ cd rom-p") != NULL);
	/* the child hangs from its root port: one edge */
	CHECK_INT(count(html, "<path class=\"edge\""), 1);
	CHECK(strstr(html, "tree from bridge bus numbers") != NULL);
	free(html);
	result_release(&r);
}

/* A device only a warning names is marked WARNING in amber, not PROBLEM in red. */
static void test_warning_marks_differ_from_problems(void)
{
	struct result r;
	char *html;

	build(&r);
	r.findings[1].severity = SEV_WARNING; /* bar-reserve-conflict on 0000:01:00.0 */
	html = fixture_render(&r, "html", false);
	CHECK(strstr(html, "<g class=\"dev passthrough warn\" data-bdf=\"0000:01:00.0\">") != NULL);
	CHECK(strstr(html, "&#9888; WARNING: bar-reserve-conflict") != NULL);
	CHECK(strstr(html, "PROBLEM: bar-reserve-conflict") == NULL);
	free(html);
	result_release(&r);
}

static void test_names_are_escaped_everywhere(void)
{
	struct result r;
	char *html;

	build(&r);
	html = fixture_render(&r, "html", false);
	CHECK(strstr(html, "<TAbort") == NULL);
	CHECK(strstr(html, "<PERR") == NULL);
	CHECK(strstr(html, "&lt;TAbort- &lt;MAbort- &gt;SERR- &lt;PERR- INTx-") != NULL);
	CHECK(strstr(html, "&& make") == NULL);
	CHECK(strstr(html, "$ cd rom-parser &amp;&amp; make") != NULL);
	/* the box cuts the long name and the VM on a character boundary, then escapes them */
	CHECK(strstr(html, "&#9654; VM $ cd rom-p&#8230;</tspan> Status: Cap+ 66MHz- UDF&#8230;") !=
	      NULL);
	free(html);
	result_release(&r);
}

/* Nothing is fetched: no script, style sheet, image or frame, and every http(s) URL sits in an
 * <a href> (the fixture's knowledge reference) or is that link's text. */
static void test_nothing_loads_from_the_network(void)
{
	struct result r;
	char *html;

	build(&r);
	html = fixture_render(&r, "html", false);
	CHECK(strstr(html, "<script") == NULL);
	CHECK(strstr(html, "<link") == NULL);
	CHECK(strstr(html, "<img") == NULL);
	CHECK(strstr(html, "<iframe") == NULL);
	CHECK(strstr(html, "url(") == NULL);
	CHECK(strstr(html, "src=") == NULL);
	CHECK(strstr(html, "xmlns") == NULL);
	for (const char *p = strstr(html, "http"); p; p = strstr(p + 1, "http")) {
		if (strncmp(p, "http://", 7) != 0 && strncmp(p, "https://", 8) != 0)
			continue;
		bool in_href = p - html >= 9 && strncmp(p - 9, "<a href=\"", 9) == 0;
		bool link_text = p - html >= 2 && strncmp(p - 2, "\">", 2) == 0;
		CHECK(in_href || link_text);
	}
	CHECK_INT(count(html, "<a href=\"http"), 1);
	free(html);
	result_release(&r);
}

static void test_readiness_table_in_every_format(void)
{
	struct result r;
	char *html, *text, *md, *json;

	build(&r);
	html = fixture_render(&r, "html", false);
	text = fixture_render(&r, "text", false);
	md = fixture_render(&r, "markdown", false);
	json = fixture_render(&r, "json", false);
	CHECK(strstr(html, "<table class=\"ready\">") != NULL);
	CHECK(strstr(html,
		     "<span class=\"verdict not-isolatable\">&#10007; not isolatable</span>") !=
	      NULL);
	CHECK(strstr(html, "<span class=\"verdict ready-after-fix\">") != NULL);
	CHECK(strstr(text, "Passthrough readiness") != NULL);
	CHECK(strstr(text, "0000:00:1f.2  storage  24      FLR         ahci            not "
			   "isolatable") != NULL);
	CHECK(strstr(text, "      fix: fix finding bar-reserve-conflict first") != NULL);
	CHECK(strstr(md, "### Passthrough readiness") != NULL);
	CHECK(strstr(md, "\\$ cd rom-parser \\&\\& make") != NULL);
	CHECK(strstr(md, "| **not isolatable** (not isolatable on this board") != NULL);
	CHECK(strstr(json, "\"verdict\": \"not-isolatable\"") != NULL);
	CHECK(strstr(json, "\"group_peers\": [\n        \"0000:00:1f.0 (ISA bridge)\"\n      ]") !=
	      NULL);
	CHECK(strstr(json, "\"boot_vga\": false") != NULL);
	CHECK(strstr(json, "\"boot_vga\": null") != NULL);
	free(html);
	free(text);
	free(md);
	free(json);
	result_release(&r);
}

/* More devices than MAX_DRAWN_DEVICES: the GPU and its bridge are drawn, the platform registers
 * are not, and a note says how many were left out. */
static void test_large_host_is_capped_with_a_note(void)
{
	struct result r;
	struct pci_device *d;
	size_t n = MAX_DRAWN_DEVICES + 40;
	char *html;

	fixture_build(&r);
	r.devices = d = arena_alloc(&r.arena, n * sizeof(*d));
	for (size_t i = 0; i < n; i++) {
		/* linuxhw 0003 bus 0x1f: "Xeon E5/Core i7 Unicast Register 0" system peripherals */
		char *bdf = arena_printf(&r.arena, "0000:%02zx:%02zx.%zu", 0x1f + i / 256,
					 (i / 8) % 32, i % 8);
		d[i] = dev(bdf, "8086:3ce8", "Xeon E5/Core i7 Unicast Register 0", 0x0880, NULL,
			   (int64_t)i + 100, NULL, 0);
		d[i].class_name = "System peripheral";
	}
	d[n - 2] = dev("0000:40:02.0", "8086:3c04", "Xeon E5/Core i7 IIO PCI Express Root Port 2a",
		       0x0604, "pcieport", 56, NULL, 0);
	d[n - 1] = dev("0000:42:00.0", "10de:1c81", "GP107 [GeForce GTX 1050]", 0x0300, "vfio-pci",
		       69, "0000:40:02.0", 1);
	r.n_devices = n;
	html = fixture_render(&r, "html", false);
	CHECK(strstr(html, "data-bdf=\"0000:42:00.0\"") != NULL);
	CHECK(strstr(html, "data-bdf=\"0000:40:02.0\"") != NULL);
	CHECK(strstr(html, "data-bdf=\"0000:1f:00.0\"") == NULL);
	CHECK(strstr(html, "more devices not drawn") != NULL);
	CHECK(count(html, "<g class=\"dev") <= MAX_DRAWN_DEVICES);
	/* every device is still in the table */
	CHECK_INT(count(html, "<tr><td><code>0000:"), n);
	free(html);
	result_release(&r);
}

static void test_no_devices_says_what_to_add(void)
{
	struct result r;
	char *html;

	fixture_build(&r);
	html = fixture_render(&r, "html", false);
	CHECK(strstr(html, "<svg") == NULL);
	CHECK(strstr(html, "The inputs name no PCI device") != NULL);
	CHECK(strstr(html, "No VM device, GPU, NIC, storage or USB controller") != NULL);
	free(html);
	result_release(&r);
}

TEST_MAIN(test_picture_is_inline_svg_with_group_boxes_and_marks,
	  test_warning_marks_differ_from_problems, test_names_are_escaped_everywhere,
	  test_nothing_loads_from_the_network, test_readiness_table_in_every_format,
	  test_large_host_is_capped_with_a_note, test_no_devices_says_what_to_add)
