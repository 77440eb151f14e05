/* sysfs_test.c - input/sysfs.c on this machine's own /sys/bus/pci/devices/<bdf>/ attributes
 * (read at test time) and on seed 004's IOMMU group 7 (01:00.0 and 01:00.1). */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input/sysfs.h"
#include "test.h"

static char *read_attr(const char *bdf, const char *name, size_t *len)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, name);
	if (access(path, R_OK) != 0)
		return NULL;
	return test_read_file(path, len);
}

static void test_this_machines_device_becomes_a_sysfs_row(void)
{
	static const char *const names[] = { "vendor", "device", "class", "resource", "revision" };
	struct sysfs_attr attrs[8];
	char *bufs[8] = { 0 };
	size_t n = 0, len;
	char bdf[300] = "", link[512], driver_text[600];
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	struct pciaddr a;
	struct parse_out out;
	ssize_t ln;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && (!*bdf || strcmp(e->d_name, bdf) < 0))
			snprintf(bdf, sizeof(bdf), "%s", e->d_name);
	if (d)
		closedir(d);
	CHECK(*bdf);
	CHECK(pciaddr_parse(str_from_cstr(bdf), false, &a));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		bufs[n] = read_attr(bdf, names[i], &len);
		if (!bufs[n])
			continue;
		attrs[n].name = names[i];
		attrs[n].value = str_from_mem(bufs[n], len);
		n++;
	}
	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/driver", bdf);
	ln = readlink(link, driver_text, sizeof(driver_text) - 2);
	if (ln > 0) {
		driver_text[ln++] = '\n';
		attrs[n].name = "driver";
		attrs[n].value = str_from_mem(driver_text, (size_t)ln);
		n++;
	}
	parse_out_init(&out);
	sysfs_device_rows(&a, attrs, n, &out);
	CHECK_INT(out.devices.n, 1);
	CHECK_INT(out.kvs.n, n);
	if (out.devices.n == 1) {
		const struct device_row *dev = &out.devices.v[0];
		char want[16];
		uint64_t cls = 0;

		snprintf(want, sizeof(want), "0x%04x\n", dev->vendor);
		CHECK_STR(want, bufs[0]);
		CHECK(dev->has_class);
		CHECK(str_to_u64(str_trim(str_from_cstr(bufs[2])), 0, 0, 0xffffff, &cls));
		CHECK_INT(dev->class_code, cls >> 8);
		CHECK_VIEW(dev->source, "sysfs");
		if (ln > 0) {
			const char *slash;

			driver_text[ln - 1] = '\0';
			slash = strrchr(driver_text, '/');
			CHECK_VIEW(dev->driver, slash ? slash + 1 : driver_text);
		}
	}
	/* every kv row is scope sysfs, subject the address */
	for (size_t i = 0; i < out.kvs.n; i++) {
		CHECK_VIEW(out.kvs.v[i].scope, "sysfs");
		CHECK_VIEW(out.kvs.v[i].subject, bdf);
	}
	parse_out_release(&out);
	for (size_t i = 0; i < n; i++)
		free(bufs[i]);
}

static void test_resource_lines_give_bar_sizes(void)
{
	/* every device of this machine: each BAR line with end > start must give that size */
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	int checked = 0;

	while (d && (e = readdir(d))) {
		struct pciaddr a;
		struct sysfs_attr attr = { .name = "resource" };
		struct parse_out out;
		size_t len;
		char *buf;
		struct str text, line;

		if (e->d_name[0] == '.' || !pciaddr_parse(str_from_cstr(e->d_name), false, &a))
			continue;
		buf = read_attr(e->d_name, "resource", &len);
		if (!buf)
			continue;
		attr.value = str_from_mem(buf, len);
		parse_out_init(&out);
		sysfs_device_rows(&a, &attr, 1, &out);
		text = attr.value;
		for (int idx = 0; idx < MAX_REGIONS && str_next_line(&text, &line); idx++) {
			uint64_t start = 0, end = 0;
			struct str w1, w2;

			if (!str_next_word(&line, &w1) || !str_next_word(&line, &w2))
				continue;
			str_to_u64(w1, 0, 0, UINT64_MAX, &start);
			str_to_u64(w2, 0, 0, UINT64_MAX, &end);
			if (end > start) {
				CHECK(out.devices.v[0].regions[idx].present);
				CHECK(out.devices.v[0].regions[idx].size == end - start + 1);
				checked++;
			}
		}
		parse_out_release(&out);
		free(buf);
	}
	if (d)
		closedir(d);
	CHECK(checked > 0);
}

static void test_group_file_lists_members(void)
{
	struct parse_out out;
	char buf[PCIADDR_STR_MAX];

	parse_out_init(&out);
	CHECK_INT(sysfs_group_rows(7, STR_LIT("0000:01:00.0\n0000:01:00.1\n"), &out), 2);
	CHECK_INT(out.groups.v[1].group, 7);
	CHECK_STR(pciaddr_format(&out.groups.v[1].bdf, buf), "0000:01:00.1");
	CHECK_INT(out.groups.v[1].lineno, 2);
	/* seed 004 prints the group loop's header line; it is not an address */
	CHECK_INT(sysfs_group_rows(7, STR_LIT("Group 7\n"), &out), 0);
	CHECK_INT(out.warnings.n, 1);
	parse_out_release(&out);
}

static void test_link_targets_keep_their_last_component(void)
{
	CHECK_VIEW(sysfs_link_name(STR_LIT("../../../bus/pci/drivers/vfio-pci\n")), "vfio-pci");
	CHECK_VIEW(sysfs_link_name(STR_LIT("../../../kernel/iommu_groups/14")), "14");
	CHECK_VIEW(sysfs_link_name(STR_LIT("virtio-pci")), "virtio-pci");
}

TEST_MAIN(test_this_machines_device_becomes_a_sysfs_row, test_resource_lines_give_bar_sizes,
	  test_group_file_lists_members, test_link_targets_keep_their_last_component)
