/* classify_test.c - input/classify.c: the bundle path table (DESIGN.md's layout), shell
 * commands from the seeds' prompts, and the content sniff over the parser table on real
 * linuxhw files. */
#include <stdlib.h>
#include <string.h>

#include "input/classify.h"
#include "test.h"

static void test_bundle_paths_decide_kind_and_ids(void)
{
	struct classification c;
	char buf[PCIADDR_STR_MAX];

	CHECK(classify_path("cmd/dmesg", &c));
	CHECK_INT(c.kind, SOURCE_KERNEL_LOG);
	CHECK_INT(c.confidence, 100);
	CHECK(classify_path("cmd/journalctl-k-b-1", &c));
	CHECK_INT(c.kind, SOURCE_KERNEL_LOG);
	CHECK_INT(c.boot, -1);
	CHECK(classify_path("cmd/journalctl-k-b0", &c));
	CHECK_INT(c.boot, 0);
	CHECK(classify_path("cmd/lspci-tv", &c));
	CHECK_INT(c.kind, SOURCE_LSPCI_TREE);
	CHECK(classify_path("cmd/lspci-nnkvv", &c));
	CHECK_INT(c.kind, SOURCE_LSPCI);
	CHECK(classify_path("proc/cmdline", &c));
	CHECK_INT(c.kind, SOURCE_CMDLINE);
	CHECK(classify_path("etc/pve/qemu-server/103.conf", &c));
	CHECK_INT(c.kind, SOURCE_PVE_CONF);
	CHECK_STR(c.vm, "103");
	CHECK(classify_path("sys/bus/pci/devices/0000:01:00.0/config", &c));
	CHECK_INT(c.kind, SOURCE_PCI_CONFIG);
	CHECK(c.has_bdf);
	CHECK_STR(pciaddr_format(&c.bdf, buf), "0000:01:00.0");
	CHECK(classify_path("sys/bus/pci/devices/0000:01:00.0/reset_method", &c));
	CHECK_INT(c.role, ROLE_SYSFS_ATTR);
	CHECK_STR(c.attr, "reset_method");
	CHECK(classify_path("roms/0000:01:00.0.rom", &c));
	CHECK_INT(c.kind, SOURCE_ROM);
	CHECK(c.has_bdf);
	CHECK(classify_path("sys/kernel/iommu_groups/14/devices", &c));
	CHECK_INT(c.role, ROLE_IOMMU_GROUP);
	CHECK_STR(c.group, "14");
	CHECK(classify_path("sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", &c));
	CHECK_INT(c.role, ROLE_KV);
	CHECK_STR(c.scope, "modparam");
	CHECK_STR(c.subject, "vfio_iommu_type1");
	CHECK_STR(c.key, "allow_unsafe_interrupts");
	CHECK(classify_path("proc/sys/kernel/split_lock_mitigate", &c));
	CHECK_STR(c.scope, "sysctl");
	CHECK_STR(c.key, "kernel.split_lock_mitigate");
	CHECK(classify_path("sys/class/dmi/id/bios_version", &c));
	CHECK_STR(c.scope, "dmi");
	CHECK(classify_path("var/log/libvirt/qemu/win11.log", &c));
	CHECK_INT(c.kind, SOURCE_LIBVIRT_LOG);
	CHECK_STR(c.vm, "win11");
	CHECK(classify_path("manifest.json", &c));
	CHECK_INT(c.role, ROLE_MANIFEST);
	/* not in the table: classified by content */
	CHECK(!classify_path("notes/readme.txt", &c));
	CHECK(!classify_path("sys/bus/pci/devices/not-an-address/config", &c));
}

static void test_seed_commands_decide_kind(void)
{
	struct classification c;

	/* seeds 001 and 004 */
	CHECK(classify_command(STR_LIT("dmesg | grep -i vfio"), &c));
	CHECK_INT(c.kind, SOURCE_KERNEL_LOG);
	CHECK(classify_command(STR_LIT("sudo dmesg | egrep -i 'vfio|reset|FLR|D3' | tail -n 20"),
			       &c));
	CHECK_INT(c.kind, SOURCE_KERNEL_LOG);
	CHECK(classify_command(STR_LIT("qm config 110"), &c));
	CHECK_INT(c.kind, SOURCE_PVE_CONF);
	CHECK_STR(c.vm, "110");
	CHECK(classify_command(STR_LIT("cat /etc/pve/qemu-server/100.conf"), &c));
	CHECK_STR(c.vm, "100");
	CHECK(classify_command(STR_LIT("lspci -t"), &c));
	CHECK_INT(c.kind, SOURCE_LSPCI_TREE);
	CHECK(classify_command(STR_LIT("lspci -k -s 01:00.0"), &c));
	CHECK_INT(c.kind, SOURCE_LSPCI);
	CHECK(classify_command(STR_LIT("journalctl -u pvedaemon -n 80 --no-pager"), &c));
	CHECK_INT(c.kind, SOURCE_JOURNAL);
	CHECK(classify_command(STR_LIT("journalctl -k -b -1"), &c));
	CHECK_INT(c.kind, SOURCE_KERNEL_LOG);
	CHECK_INT(c.boot, -1);
	CHECK(classify_command(
		STR_LIT("for g in /sys/kernel/iommu_groups/*; do echo \"Group "
			"${g##*/}\"; lspci -nns \"$(basename -a $g/devices/*)\"; echo; "
			"done"),
		&c));
	CHECK_INT(c.kind, SOURCE_IOMMU_GROUPS);
	CHECK(classify_command(STR_LIT("grep -n '^GRUB_CMDLINE_LINUX_DEFAULT' /etc/default/grub"),
			       &c));
	CHECK_INT(c.kind, SOURCE_GRUB);
	CHECK(!classify_command(STR_LIT("sudo lsof /dev/vfio/7"), &c));
}

static void test_mentioned_path_names_the_vm(void)
{
	struct classification c;

	/* seed 001 line 36 */
	CHECK(classify_mentioned_path(
		STR_LIT("Below is my successful virtual machine configuration "
			"(`/etc/pve/qemu-server/103.conf`) that resolved the Code 43 issue."),
		&c));
	CHECK_INT(c.kind, SOURCE_PVE_CONF);
	CHECK_STR(c.vm, "103");
}

static void test_content_sniff_picks_the_best_parser(void)
{
	size_t len;
	char *buf =
		test_read_file(test_path("VD_SHARED_DIR", "corpus/linuxhw/0002/dmesg.txt"), &len);
	struct classification c;

	classify_content(str_from_mem(buf, len), &c);
	CHECK_INT(c.kind, SOURCE_KERNEL_LOG);
	CHECK(c.confidence >= 50);
	CHECK(!classify_is_binary(str_from_mem(buf, len)));
	free(buf);
	buf = test_read_file(test_path("VD_SHARED_DIR", "corpus/linuxhw/0002/lspci.txt"), &len);
	classify_content(str_from_mem(buf, len), &c);
	CHECK_INT(c.kind, SOURCE_LSPCI);
	free(buf);
}

static void test_binary_detection(void)
{
	size_t len;
	/* this machine's config space of its first PCI device is binary; /proc/cmdline is not */
	char *buf = test_read_file("/proc/cmdline", &len);

	CHECK(!classify_is_binary(str_from_mem(buf, len)));
	free(buf);
	{
		FILE *p = popen(
			"cat /sys/bus/pci/devices/$(ls /sys/bus/pci/devices | head -1)/config",
			"r");
		unsigned char cfg[256];
		size_t n = p ? fread(cfg, 1, sizeof(cfg), p) : 0;

		if (p)
			pclose(p);
		CHECK(n >= 64);
		CHECK(classify_is_binary(str_from_mem(cfg, n)));
	}
}

TEST_MAIN(test_bundle_paths_decide_kind_and_ids, test_seed_commands_decide_kind,
	  test_mentioned_path_names_the_vm, test_content_sniff_picks_the_best_parser,
	  test_binary_detection)
