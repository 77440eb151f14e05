/* diff_report_test.c - tests for analyzer/report/diff_report.c (kept beside the corpus tests:
 * both are the workflows modes): fact comparison with repeated keys and bare flags, finding
 * pairing by (id, subject), and the three renderings. Fact values are taken from the samples
 * (pve-gpu-bar3-efifb's proc/cmdline, seed 004's modprobe options). */
#include <cjson/cJSON.h>
#include <string.h>

#include "common/limits.h"
#include "common/sbuf.h"
#include "report/diff_report.h"
#include "test.h"

static void add_cmdline(struct diff_facts *f, bool iommu)
{
	/* samples/pve-gpu-bar3-efifb/proc/cmdline, parameter by parameter */
	diff_facts_add(f, DIFF_CMDLINE, "initrd",
		       "\\EFI\\proxmox\\5.11.22-2-pve\\initrd.img-5.11.22-2-pve");
	diff_facts_add(f, DIFF_CMDLINE, "root", "ZFS=rpool/ROOT/pve-1");
	diff_facts_add(f, DIFF_CMDLINE, "boot", "zfs");
	diff_facts_add(f, DIFF_CMDLINE, "rootdelay", "15");
	if (iommu)
		diff_facts_add(f, DIFF_CMDLINE, "intel_iommu", "on");
}

static struct finding mk(const char *id, const char *subject, enum severity sev, double conf,
			 const char *label)
{
	return (struct finding){ .id = id,
				 .title = id,
				 .severity = sev,
				 .confidence = conf,
				 .label = label,
				 .subject = { .kind = "device", .id = subject } };
}

static void test_added_removed_changed_and_flags(void)
{
	struct diff_facts a, b;
	struct result ra, rb;
	struct diff d;

	diff_facts_init(&a);
	diff_facts_init(&b);
	result_init(&ra);
	result_init(&rb);
	add_cmdline(&a, false);
	add_cmdline(&b, true);
	diff_facts_add(&a, DIFF_CMDLINE, "quiet", NULL);
	diff_facts_add(&a, DIFF_DRIVERS, "0000:01:00.0", "nvidia");
	diff_facts_add(&b, DIFF_DRIVERS, "0000:01:00.0", "vfio-pci");
	diff_facts_add(&b, DIFF_MODCONF, "options vfio-pci",
		       "ids=10de:1e87,10de:10f8 disable_vga=1");
	diff_compute(&d, "a.tar.gz", "b.tar.gz", &a, &b, &ra, &rb);
	CHECK_INT(d.facts.n, 4);
	/* section order, then key order */
	CHECK_INT(d.facts.v[0].section, DIFF_CMDLINE);
	CHECK_STR(d.facts.v[0].key, "intel_iommu");
	CHECK_INT(d.facts.v[0].change, DIFF_ADDED);
	CHECK_STR(d.facts.v[0].new_value, "on");
	CHECK_STR(d.facts.v[1].key, "quiet");
	CHECK_INT(d.facts.v[1].change, DIFF_REMOVED);
	CHECK(d.facts.v[1].old_flag);
	CHECK_INT(d.facts.v[2].section, DIFF_MODCONF);
	CHECK_INT(d.facts.v[3].section, DIFF_DRIVERS);
	CHECK_INT(d.facts.v[3].change, DIFF_CHANGED);
	CHECK_STR(d.facts.v[3].old_value, "nvidia");
	CHECK_STR(d.facts.v[3].new_value, "vfio-pci");
	CHECK_INT(d.n_facts_a, 6);
	CHECK_INT(d.n_facts_b, 7);
	diff_release(&d);
	diff_facts_release(&a);
	diff_facts_release(&b);
	result_release(&ra);
	result_release(&rb);
}

/* console=tty0 console=ttyS0: one key, two values, compared joined and in order */
static void test_repeated_keys_are_joined_in_order(void)
{
	struct diff_facts a, b;
	struct result r;
	struct diff d;

	diff_facts_init(&a);
	diff_facts_init(&b);
	result_init(&r);
	diff_facts_add(&a, DIFF_CMDLINE, "console", "tty0");
	diff_facts_add(&a, DIFF_CMDLINE, "console", "ttyS0");
	diff_facts_add(&b, DIFF_CMDLINE, "console", "tty0");
	diff_facts_add(&b, DIFF_GROUPS, "group 14", "0000:00:02.0");
	diff_facts_add(&a, DIFF_GROUPS, "group 14", "0000:00:02.0");
	diff_compute(&d, "a", "b", &a, &b, &r, &r);
	CHECK_INT(d.facts.n, 1);
	CHECK_STR(d.facts.v[0].old_value, "tty0, ttyS0");
	CHECK_STR(d.facts.v[0].new_value, "tty0");
	CHECK_INT(d.unchanged_findings, 0);
	diff_release(&d);
	diff_facts_release(&a);
	diff_facts_release(&b);
	result_release(&r);
}

static void test_findings_paired_by_id_and_subject(void)
{
	struct finding fa[] = {
		mk("host-driver-bound", "0000:01:00.0", SEV_WARNING, 0.62, "possible"),
		mk("iommu-disabled", "host", SEV_BLOCKER, 0.98, "certain"),
		mk("bar-no-space", "0000:01:00.0", SEV_BLOCKER, 0.99, "certain"),
	};
	struct finding fb[] = {
		mk("vfio-ids-not-applied", "0000:01:00.0", SEV_ERROR, 0.94, "certain"),
		mk("host-driver-bound", "0000:01:00.0", SEV_WARNING, 0.731, "likely"),
		mk("bar-no-space", "0000:01:00.0", SEV_BLOCKER, 0.991, "certain"),
		mk("host-driver-bound", "0000:01:00.1", SEV_WARNING, 0.62, "possible"),
	};
	struct result ra = { .findings = fa, .n_findings = 3 };
	struct result rb = { .findings = fb, .n_findings = 4 };
	struct diff_facts e;
	struct diff d;
	struct sbuf sb;

	diff_facts_init(&e);
	diff_compute(&d, "a", "b", &e, &e, &ra, &rb);
	CHECK_INT(d.findings.n, 4);
	CHECK_INT(d.findings.v[0].change, DIFF_ADDED);
	CHECK_STR(d.findings.v[0].id, "vfio-ids-not-applied");
	CHECK_INT(d.findings.v[1].change, DIFF_ADDED);
	CHECK_STR(d.findings.v[1].subject, "0000:01:00.1");
	CHECK_INT(d.findings.v[2].change, DIFF_CHANGED);
	CHECK_STR(d.findings.v[2].id, "host-driver-bound");
	CHECK_INT(d.findings.v[3].change, DIFF_REMOVED);
	CHECK_STR(d.findings.v[3].id, "iommu-disabled");
	CHECK_INT(d.unchanged_findings, 1); /* 0.99 -> 0.991 rounds to the same percent */

	sbuf_init(&sb, MAX_OUTPUT_BYTES);
	diff_render(&d, "text", &sb);
	CHECK(strstr(sb.buf, "Facts:\n  no change\n") != NULL);
	CHECK(strstr(sb.buf,
		     "  changed   host-driver-bound on 0000:01:00.0 (warning, possible 62% -> warning, likely 73%)\n") !=
	      NULL);
	CHECK(strstr(sb.buf, "  gone      iommu-disabled on host (was blocker, certain 98%)\n") !=
	      NULL);
	CHECK(strstr(sb.buf, "  1 finding unchanged\n") != NULL);
	sbuf_release(&sb);
	diff_release(&d);
	diff_facts_release(&e);
}

static void test_renderings_escape_hostile_values(void)
{
	struct diff_facts a, b;
	struct result r;
	struct diff d;
	struct sbuf sb;
	cJSON *root, *facts;

	diff_facts_init(&a);
	diff_facts_init(&b);
	result_init(&r);
	diff_facts_add(&b, DIFF_VMS, "vm 103: args", "-set `x`\x1b[31m\"q\"");
	diff_facts_add(&b, DIFF_CMDLINE, "quiet", NULL);
	diff_compute(&d, "a", "b", &a, &b, &r, &r);
	sbuf_init(&sb, MAX_OUTPUT_BYTES);
	diff_render(&d, "markdown", &sb);
	CHECK(strstr(sb.buf, "- added ``vm 103: args: -set `x`?[31m\"q\"``\n") != NULL);
	CHECK(strstr(sb.buf, "- added `quiet`\n") != NULL);
	CHECK(strchr(sb.buf, '\x1b') == NULL);
	sbuf_reset(&sb);
	diff_render(&d, "text", &sb);
	CHECK(strstr(sb.buf, "    + vm 103: args: -set `x`?[31m\"q\"\n") != NULL);
	CHECK(strstr(sb.buf, "    + quiet\n") != NULL);
	sbuf_reset(&sb);
	diff_render(&d, "json", &sb);
	root = cJSON_Parse(sb.buf);
	CHECK(root != NULL);
	facts = cJSON_GetObjectItem(root, "facts");
	CHECK_INT(cJSON_GetArraySize(facts), 2);
	CHECK_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(facts, 0), "section")->valuestring,
		  "cmdline");
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(facts, 0), "new")));
	CHECK_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(facts, 1), "new")->valuestring,
		  "-set `x`\x1b[31m\"q\"");
	cJSON_Delete(root);
	sbuf_release(&sb);
	diff_release(&d);
	diff_facts_release(&a);
	diff_facts_release(&b);
	result_release(&r);
}

TEST_MAIN(test_added_removed_changed_and_flags, test_repeated_keys_are_joined_in_order,
	  test_findings_paired_by_id_and_subject, test_renderings_escape_hostile_values)
