/* redact_test.c - collector/redact.c over real text: the linuxhw dmesg and lspci files, seed
 * 001 (a Proxmox user's shell session and VM config), and this machine's own /etc/resolv.conf,
 * /proc/net/arp, /sys/class/net/<if>/address and `ip addr` output. Each check is an
 * independent scan written here, not a call back into the redactor. */
#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "redact.h"
#include "test.h"

static char *redact_cstr(struct redact *r, const char *in, size_t len)
{
	struct sbuf out;

	sbuf_init(&out, len * 2 + 4096);
	redact_text(r, str_from_mem(in, len), &out);
	CHECK(!sbuf_failed(&out));
	return sbuf_detach(&out, NULL);
}

static bool hexc(char c)
{
	return isxdigit((unsigned char)c) != 0;
}

/* Counts "dddd:bb:dd.f" and "bb:dd.f" PCI addresses (not part of a longer hex run). */
static size_t count_pci(const char *s)
{
	size_t n = 0;

	for (const char *p = s; *p; p++) {
		if (p > s && (hexc(p[-1]) || p[-1] == ':'))
			continue;
		if (hexc(p[0]) && hexc(p[1]) && hexc(p[2]) && hexc(p[3]) && p[4] == ':' &&
		    hexc(p[5]) && hexc(p[6]) && p[7] == ':' && hexc(p[8]) && hexc(p[9]) &&
		    p[10] == '.' && p[11] >= '0' && p[11] <= '7')
			n++;
		else if (hexc(p[0]) && hexc(p[1]) && p[2] == ':' && hexc(p[3]) && hexc(p[4]) &&
			 p[5] == '.' && p[6] >= '0' && p[6] <= '7' && !hexc(p[7]))
			n++;
	}
	return n;
}

/* Counts "[vvvv:dddd]" ids. */
static size_t count_ids(const char *s)
{
	size_t n = 0;

	for (const char *p = s; *p; p++)
		if (p[0] == '[' && hexc(p[1]) && hexc(p[2]) && hexc(p[3]) && hexc(p[4]) &&
		    p[5] == ':' && hexc(p[6]) && hexc(p[7]) && hexc(p[8]) && hexc(p[9]) &&
		    p[10] == ']')
			n++;
	return n;
}

/* Finds a MAC: six hex pairs joined by ':' or '-' that is not our 02:00:00:00:xx:xx token,
 * the all-zero address or broadcast. */
static const char *find_mac(const char *s)
{
	for (const char *p = s; *p; p++) {
		bool ok = true;
		char sep = p[2];

		if (sep != ':' && sep != '-')
			continue;
		for (int g = 0; g < 6 && ok; g++) {
			ok = hexc(p[g * 3]) && hexc(p[g * 3 + 1]);
			if (g < 5)
				ok = ok && p[g * 3 + 2] == sep;
		}
		if (ok && strncmp(p, "02:00:00:00:", 12) != 0 &&
		    strncmp(p, "00:00:00:00:00:00", 17) && strncmp(p, "ff:ff:ff:ff:ff:ff", 17) &&
		    (p == s || !hexc(p[-1])))
			return p;
	}
	return NULL;
}

/* Finds an IPv4 address other than 127/8, 0/8, 255/8 and the 192.0.2.0/24 tokens. */
static const char *find_ipv4(const char *s)
{
	for (const char *p = s; *p; p++) {
		unsigned a, b, c, d;
		int used = 0;

		if (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '.'))
			continue;
		if (!isdigit((unsigned char)*p))
			continue;
		if (sscanf(p, "%3u.%3u.%3u.%3u%n", &a, &b, &c, &d, &used) != 4)
			continue;
		if (isalnum((unsigned char)p[used]) ||
		    (p[used] == '.' && isdigit((unsigned char)p[used + 1])))
			continue;
		if (a > 255 || b > 255 || c > 255 || d > 255 || a == 127 || a == 0 || a == 255)
			continue;
		if (a == 192 && b == 0 && c == 2)
			continue;
		/* "version 1.2.3.4" style strings are allowed to stay */
		if (p - s >= 8 && strncmp(p - 8, "version ", 8) == 0)
			continue;
		return p;
	}
	return NULL;
}

static void check_corpus_file(const char *rel)
{
	size_t len;
	char *in = test_read_file(test_path("VD_SHARED_DIR", rel), &len);
	struct redact r;
	char *out;
	const char *bad;

	redact_init(&r, true);
	out = redact_cstr(&r, in, len);
	if (count_pci(out) != count_pci(in))
		fprintf(stderr, "%s: %zu PCI addresses in, %zu out\n", rel, count_pci(in),
			count_pci(out));
	CHECK_INT(count_pci(out), count_pci(in));
	CHECK_INT(count_ids(out), count_ids(in));
	bad = find_mac(out);
	if (bad)
		fprintf(stderr, "%s: MAC left: %.40s\n", rel, bad);
	CHECK(bad == NULL);
	bad = find_ipv4(out);
	if (bad)
		fprintf(stderr, "%s: IPv4 left: %.40s\n", rel, bad);
	CHECK(bad == NULL);
	/* the kernel release line survives byte for byte */
	{
		const char *v = strstr(in, "Linux version ");

		if (v) {
			size_t n = strcspn(v, " \n(") + 0;
			char want[256];

			n = strcspn(v + 14, " \n") + 14;
			snprintf(want, sizeof(want), "%.*s", (int)n, v);
			CHECK(strstr(out, want) != NULL);
		}
	}
	free(out);
	free(in);
	redact_release(&r);
}

static void test_linuxhw_keeps_pci_addresses_ids_and_versions(void)
{
	char rel[64];

	for (int i = 1; i <= 7; i++) {
		snprintf(rel, sizeof(rel), "corpus/linuxhw/%04d/dmesg.txt", i);
		check_corpus_file(rel);
		snprintf(rel, sizeof(rel), "corpus/linuxhw/%04d/lspci.txt", i);
		check_corpus_file(rel);
	}
}

static void test_lspci_serials_are_replaced(void)
{
	size_t len;
	char *in =
		test_read_file(test_path("VD_SHARED_DIR", "corpus/linuxhw/0002/lspci.txt"), &len);
	struct redact r;
	char *out;

	redact_init(&r, true);
	out = redact_cstr(&r, in, len);
	/* hw-probe left "Device Serial Number ..." in place of the value: it is replaced too */
	CHECK(strstr(in, "Device Serial Number ...") != NULL);
	CHECK(strstr(out, "Device Serial Number ...") == NULL);
	CHECK(strstr(out, "Device Serial Number SERIAL-1") != NULL);
	CHECK(r.count[REDACT_SERIAL] > 0);
	free(out);
	free(in);
	redact_release(&r);
}

static void test_seed_hostname_and_vm_config(void)
{
	size_t len;
	char *in =
		test_read_file(test_path("VD_SHARED_DIR", "seeds/001_08cfc1e37197bab7.txt"), &len);
	struct redact r;
	char *out;

	redact_init(&r, true);
	CHECK(redact_add_name(&r, STR_LIT("node-home")));
	out = redact_cstr(&r, in, len);
	CHECK(strstr(in, "root@node-home") != NULL);
	CHECK(strstr(out, "node-home") == NULL);
	CHECK(strstr(out, "root@host0") != NULL);
	CHECK(strstr(out, "hostpci0: 0000:00:02.0,romfile=12-n100-q10.rom,pcie=1,x-vga=1") != NULL);
	CHECK(strstr(out, "vfio_pci: add [8086:46d1[ffffffff:ffffffff]]") != NULL);
	CHECK(strstr(out, "machine: pc-q35-10.0+pve1") != NULL);
	CHECK_INT(count_pci(out), count_pci(in));
	free(out);
	free(in);
	redact_release(&r);
}

/* The domain of a full host name is replaced after its first label too, and a search domain
 * wherever it follows a label. Real text: linuxhw 0002's dmesg, whose MDS warning links
 * https://www.kernel.org/doc/html/latest/admin-guide/hw-vuln/mds.html; the names registered
 * are what /etc/hosts ("... www.kernel.org") and resolv.conf ("search kernel.org") would give. */
static void test_domain_after_a_label(void)
{
	size_t len;
	char *in =
		test_read_file(test_path("VD_SHARED_DIR", "corpus/linuxhw/0002/dmesg.txt"), &len);
	struct redact r;
	char *out;

	CHECK(strstr(in, "https://www.kernel.org/doc/html/latest/admin-guide/hw-vuln/mds.html"));
	redact_init(&r, true);
	CHECK(redact_add_name(&r, STR_LIT("www.kernel.org")));
	out = redact_cstr(&r, in, len);
	CHECK(strstr(out, "kernel.org") == NULL);
	CHECK(strstr(out, "https://host0.domain0/doc/html/latest/admin-guide/hw-vuln/mds.html"));
	CHECK_INT(count_pci(out), count_pci(in));
	CHECK_INT(count_ids(out), count_ids(in));
	free(out);
	redact_release(&r);

	/* a search domain alone: the host label before it stays, the domain does not */
	redact_init(&r, true);
	CHECK(redact_add_domain(&r, STR_LIT("kernel.org.")));
	CHECK(!redact_add_domain(&r, STR_LIT("lan")));
	CHECK_INT(r.names.n, 1);
	out = redact_cstr(&r, in, len);
	CHECK(strstr(out, "kernel.org") == NULL);
	CHECK(strstr(out, "https://www.domain0/doc/html/latest/admin-guide/hw-vuln/mds.html"));
	CHECK_INT(count_pci(out), count_pci(in));
	free(out);
	free(in);
	redact_release(&r);

	/* versions and file names next to a one-label domain are left alone: seed 001 holds
	 * "pve-manager/9.0.3/..." style versions and modprobe.d file names */
	in = test_read_file(test_path("VD_SHARED_DIR", "seeds/001_08cfc1e37197bab7.txt"), &len);
	redact_init(&r, true);
	CHECK(redact_add_domain(&r, STR_LIT("conf")));
	CHECK(redact_add_domain(&r, STR_LIT("rom")));
	out = redact_cstr(&r, in, len);
	CHECK(strstr(out, "romfile=12-n100-q10.rom,pcie=1") != NULL);
	CHECK(strstr(out, "(`/etc/pve/qemu-server/103.conf`)") != NULL);
	CHECK_INT(count_pci(out), count_pci(in));
	free(out);
	free(in);
	redact_release(&r);
}

static void test_generic_and_short_names_are_refused(void)
{
	struct redact r;

	redact_init(&r, true);
	CHECK(!redact_add_name(&r, STR_LIT("pve")));
	CHECK(!redact_add_name(&r, STR_LIT("localhost")));
	CHECK(!redact_add_name(&r, STR_LIT("vm")));
	CHECK(redact_add_name(&r, STR_LIT("node-home.example.org")));
	CHECK_INT(r.names.n, 2);
	redact_release(&r);
}

/* A PXE boot's /proc/cmdline carries BOOTIF=01-<mac with dashes> (PXELINUX IPAPPEND 2; the
 * audit found "BOOTIF=01-3c-ec-ef-11-22-33"). Built here from this machine's own interface
 * addresses, next to the colon form of the same MAC: both get one token. */
static void test_bootif_and_dashed_macs(void)
{
	struct redact r;
	DIR *d = opendir("/sys/class/net");
	struct dirent *e;
	int seen = 0;

	redact_init(&r, true);
	while (d && (e = readdir(d)) != NULL) {
		char path[512], mac[64], dashed[64], in[256];
		char *out;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/class/net/%s/address", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(mac, sizeof(mac), f) || strlen(mac) < 17) {
			fclose(f);
			continue;
		}
		fclose(f);
		mac[17] = '\0';
		if (strcmp(mac, "00:00:00:00:00:00") == 0)
			continue;
		for (int i = 0; i < 18; i++)
			dashed[i] = mac[i] == ':' ? '-' : mac[i];
		snprintf(in, sizeof(in),
			 "BOOT_IMAGE=/vmlinuz ro BOOTIF=01-%s ip=dhcp\nmac %s\n%s\n", dashed, mac,
			 dashed);
		out = redact_cstr(&r, in, strlen(in));
		CHECK(strstr(out, dashed) == NULL);
		CHECK(strstr(out, mac) == NULL);
		{
			char tok[32], want[300];
			const char *m = strstr(out, "\nmac ");

			CHECK(m != NULL);
			if (m) {
				snprintf(tok, sizeof(tok), "%.17s", m + 5);
				for (char *t = tok; *t; t++)
					*t = *t == ':' ? '-' : *t;
				snprintf(want, sizeof(want), "BOOTIF=01-%s ip=dhcp", tok);
				CHECK(strstr(out, want) != NULL);
				snprintf(want, sizeof(want), "\n%s\n", tok);
				CHECK(strstr(out, want) != NULL);
			}
		}
		free(out);
		seen++;
	}
	if (d)
		closedir(d);
	{
		/* the audit's own line, and seed 001's 8-pair Device Serial Number is no MAC */
		const char *in =
			"BOOTIF=01-3c-ec-ef-11-22-33\n"
			"Capabilities: [140 v1] Device Serial Number 00-1b-21-ff-ff-8a-3f-b0\n";
		char *out = redact_cstr(&r, in, strlen(in));

		CHECK(strstr(out, "3c-ec-ef-11-22-33") == NULL);
		CHECK(strstr(out, "BOOTIF=01-02-00-00-00-") != NULL);
		CHECK(strstr(out, "Device Serial Number SERIAL-1\n") != NULL);
		free(out);
	}
	CHECK(seen > 0 || r.count[REDACT_MAC] > 0);
	redact_release(&r);
}

/* This machine's own addresses: /etc/resolv.conf, /proc/net/arp, /sys/class/net/<if>/address. */
static void test_machine_addresses_are_replaced(void)
{
	static const char *const files[] = { "/etc/resolv.conf", "/proc/net/arp" };
	struct redact r;
	DIR *d;
	struct dirent *e;

	redact_init(&r, true);
	for (size_t i = 0; i < 2; i++) {
		FILE *f = fopen(files[i], "r");
		char buf[65536];
		size_t n;
		char *out;

		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		out = redact_cstr(&r, buf, n);
		if (find_mac(out) || find_ipv4(out))
			fprintf(stderr, "%s left:\n%s\n", files[i], out);
		CHECK(find_ipv4(out) == NULL);
		free(out);
	}
	d = opendir("/sys/class/net");
	while (d && (e = readdir(d))) {
		char path[512], buf[128], *out;
		FILE *f;
		size_t n;

		if (e->d_name[0] == '.' || strcmp(e->d_name, "lo") == 0)
			continue;
		snprintf(path, sizeof(path), "/sys/class/net/%s/address", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		out = redact_cstr(&r, buf, n);
		/* the same MAC gets the same token every time */
		{
			char *again = redact_cstr(&r, buf, n);

			CHECK_STR(again, out);
			free(again);
		}
		free(out);
	}
	if (d)
		closedir(d);
	redact_release(&r);
}

/* `ip addr` on this machine: IPv6 (global and link-local) and MACs go, ::1 and 127.0.0.1 stay. */
static void test_ip_addr_output(void)
{
	FILE *p = popen("ip addr 2>/dev/null", "r");
	char buf[65536];
	size_t n;
	struct redact r;
	char *out;

	if (!p)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, p);
	pclose(p);
	buf[n] = '\0';
	if (n == 0)
		return; /* no iproute2 here; the other tests still cover MACs and IPv4 */
	redact_init(&r, true);
	out = redact_cstr(&r, buf, n);
	CHECK(find_mac(out) == NULL);
	CHECK(find_ipv4(out) == NULL);
	if (strstr(buf, "inet6 ::1/128"))
		CHECK(strstr(out, "inet6 ::1/128") != NULL);
	if (strstr(buf, "inet 127.0.0.1/8"))
		CHECK(strstr(out, "inet 127.0.0.1/8") != NULL);
	if (strstr(buf, "inet6 fe80::"))
		CHECK(strstr(out, "inet6 fe80::") == NULL);
	if (strstr(buf, "inet6 fe80::"))
		CHECK(strstr(out, "inet6 2001:db8::") != NULL);
	free(out);
	redact_release(&r);
}

/* smbios1 and vmgenid carry UUIDs; Proxmox's seed 001 has placeholders, so this uses the
 * UUID format lspci and dmesg never contain: the catalog's own sample value. */
static void test_uuids_get_stable_tokens(void)
{
	size_t len;
	char *cat = test_read_file(
		test_path("VD_SHARED_DIR", "knowledge-research/message-catalog.md"), &len);
	const char *u = strstr(cat, "34658867-146a-4656-9fa5-890fdbc37010");
	struct redact r;
	char *out;

	CHECK(u != NULL);
	redact_init(&r, true);
	out = redact_cstr(&r, cat, len);
	CHECK(strstr(out, "34658867-146a-4656-9fa5-890fdbc37010") == NULL);
	CHECK(strstr(out, "00000000-0000-0000-0000-000000000001") != NULL);
	CHECK(r.count[REDACT_UUID] >= 2);
	CHECK_INT(r.next[REDACT_UUID], 1);
	free(out);
	free(cat);
	redact_release(&r);
}

static void test_disabled_copies_unchanged(void)
{
	size_t len;
	char *in =
		test_read_file(test_path("VD_SHARED_DIR", "corpus/linuxhw/0003/dmesg.txt"), &len);
	struct redact r;
	char *out;

	redact_init(&r, false);
	out = redact_cstr(&r, in, len);
	CHECK(strcmp(in, out) == 0);
	free(out);
	free(in);
	redact_release(&r);
}

/* pciutils' cap-dsn-style dumps: a Device Serial Number capability at 0x100 is zeroed. */
static void test_config_device_serial_is_cleared(void)
{
	uint8_t cfg[4096];
	struct redact r;

	memset(cfg, 0, sizeof(cfg));
	/* ext cap header: id 0x0003 (DSN), version 1, next 0 */
	cfg[0x100] = 0x03;
	cfg[0x102] = 0x01;
	for (int i = 0; i < 8; i++)
		cfg[0x104 + i] = (uint8_t)(0xb0 + i);
	redact_init(&r, true);
	CHECK_INT(redact_pci_config(&r, cfg, sizeof(cfg)), 1);
	for (int i = 0; i < 8; i++)
		CHECK_INT(cfg[0x104 + i], 0);
	/* a 256-byte (non-root) dump has no extended space: nothing to do, no overrun */
	CHECK_INT(redact_pci_config(&r, cfg, 256), 0);
	redact_release(&r);
}

/* Secrets in VM configs: the shapes of Proxmox's qm.conf(5) "cipassword:" / "sshkeys:" and
 * libvirt's <graphics ... passwd='...'/> (formatdomain), around seed 001's real config. */
static void test_vm_config_secrets_are_replaced(void)
{
	char *seed;
	size_t len;
	struct redact r;
	struct sbuf in;
	char *out;

	seed = test_read_file(test_path("VD_SHARED_DIR", "seeds/001_08cfc1e37197bab7.txt"), &len);
	sbuf_init(&in, len + 4096);
	sbuf_add(&in, seed, len);
	sbuf_addstr(&in, "\ncipassword: $5$Zx0Vy1cF$QpN3S2oYbQ0w9Gc7hK1nB8mL4rT6vE2uI5aO3sD7fJ.\n"
			 "sshkeys: ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAIJ2%20admin%40node-home\n"
			 "<graphics type='vnc' port='-1' autoport='yes' passwd='hunter22'/>\n");
	redact_init(&r, true);
	out = redact_cstr(&r, in.buf, in.len);
	CHECK(strstr(out, "QpN3S2oYbQ0w9Gc7hK1nB8mL4rT6vE2uI5aO3sD7fJ") == NULL);
	CHECK(strstr(out, "AAAAC3NzaC1lZDI1NTE5") == NULL);
	CHECK(strstr(out, "hunter22") == NULL);
	CHECK(strstr(out, "cipassword: SECRET-1") != NULL);
	CHECK(strstr(out, "passwd='SECRET-3'") != NULL);
	CHECK_INT(r.count[REDACT_SECRET], 3);
	/* the passthrough line is untouched */
	CHECK(strstr(out, "hostpci0: 0000:00:02.0,romfile=12-n100-q10.rom,pcie=1,x-vga=1") != NULL);
	free(out);
	free(seed);
	sbuf_release(&in);
	redact_release(&r);
}

static char *redact_as(struct redact *r, enum redact_format fmt, const char *in)
{
	struct sbuf out;

	sbuf_init(&out, strlen(in) * 2 + 4096);
	redact_text_as(r, fmt, str_from_cstr(in), &out);
	CHECK(!sbuf_failed(&out));
	return sbuf_detach(&out, NULL);
}

/* The line of seed 004 that starts with start, with its newline; yours, free(). */
static char *seed004_line(const char *start)
{
	char *in =
		test_read_file(test_path("VD_SHARED_DIR", "seeds/004_d9beef6cfd738058.txt"), NULL);
	char *p = strstr(in, start), *line;
	size_t n;

	CHECK(p != NULL);
	if (!p)
		exit(1);
	n = strcspn(p, "\n");
	line = malloc(n + 2);
	CHECK(line != NULL);
	memcpy(line, p, n);
	memcpy(line + n, "\n", 2);
	free(in);
	return line;
}

/* Replaces the first "from" in s by "to"; yours, free(). */
static char *subst(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	size_t n = strlen(s) - strlen(from) + strlen(to) + 1;
	char *out = malloc(n);

	CHECK(p != NULL && out != NULL);
	snprintf(out, n, "%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
	return out;
}

/* `uname -a` of this machine, whose host name "vm" is too short for free-text matching:
 * the nodename is the second field, replaced by position; the rest of the line is kept. */
static void test_uname_nodename_is_replaced_by_position(void)
{
	static const char line[] =
		"Linux vm 6.18.44-fc-v1300 #1 SMP PREEMPT_DYNAMIC @0 x86_64 GNU/Linux\n";
	struct redact r;
	struct utsname u;
	char live[1024], *out;

	redact_init(&r, true);
	CHECK(!redact_add_name(&r, STR_LIT("vm")));
	out = redact_cstr(&r, line, strlen(line));
	CHECK_STR(out, line); /* free text alone keeps it: the gap this closes */
	free(out);
	CHECK_INT(r.count[REDACT_HOSTNAME], 0);
	out = redact_as(&r, REDACT_FMT_UNAME, line);
	CHECK_STR(out, "Linux host0 6.18.44-fc-v1300 #1 SMP PREEMPT_DYNAMIC @0 x86_64 GNU/Linux\n");
	CHECK_INT(r.count[REDACT_HOSTNAME], 1);
	free(out);
	/* the short name is not learnt for free text: "(vm='win11')" (seed 003) stays */
	out = redact_as(&r, REDACT_FMT_TEXT, "QEMU unexpectedly closed the monitor (vm='win11')");
	CHECK_STR(out, "QEMU unexpectedly closed the monitor (vm='win11')");
	free(out);
	/* a second pass over the output hands out nothing new */
	out = redact_as(
		&r, REDACT_FMT_UNAME,
		"Linux host0 6.18.44-fc-v1300 #1 SMP PREEMPT_DYNAMIC @0 x86_64 GNU/Linux\n");
	CHECK_INT(r.count[REDACT_HOSTNAME], 1);
	CHECK_INT(r.next[REDACT_HOSTNAME], 1);
	free(out);
	/* a dotted nodename: host and domain tokens; only the first line is uname's */
	out = redact_as(&r, REDACT_FMT_UNAME,
			"Linux hv01.corp.example.net 6.18.44-fc-v1300 #1 SMP x86_64 GNU/Linux\n"
			"Linux vm 1\n");
	CHECK_STR(out,
		  "Linux host1.domain0 6.18.44-fc-v1300 #1 SMP x86_64 GNU/Linux\nLinux vm 1\n");
	free(out);
	redact_release(&r);

	/* and the live line of the machine running the test, from uname(2) as uname -a prints it */
	CHECK(uname(&u) == 0);
	snprintf(live, sizeof(live), "%s %s %s %s %s GNU/Linux\n", u.sysname, u.nodename, u.release,
		 u.version, u.machine);
	redact_init(&r, true);
	out = redact_as(&r, REDACT_FMT_UNAME, live);
	{
		char want[1024];

		snprintf(want, sizeof(want), "%s host0 %s ", u.sysname, u.release);
		CHECK(strncmp(out, want, strlen(want)) == 0);
	}
	free(out);
	redact_release(&r);
}

/* The host column of journal/syslog lines, whatever the name: seed 004's pvedaemon lines
 * ("server", a generic word free text never replaces), the same lines as this machine ("vm")
 * would log them, and the ISO 8601 stamps of journalctl -o short-iso / short-iso-precise. */
static void test_journal_host_column_is_replaced_by_position(void)
{
	char *l1 = seed004_line("Dec 26 09:20:11 server pvedaemon[1324]: start VM 110"),
	     *l2 = seed004_line("Dec 26 09:20:11 server pvedaemon[1324]: VM 110 qmp");
	struct redact r;
	struct sbuf in;
	char *out, *vm, *iso, *precise, *padded;

	redact_init(&r, true);
	sbuf_init(&in, 1 << 16);
	sbuf_addstr(&in, l1);
	sbuf_addstr(&in, l2);
	out = redact_as(&r, REDACT_FMT_JOURNAL, sbuf_view(&in).ptr);
	CHECK(strstr(out, "server") == NULL);
	CHECK(strstr(out, "Dec 26 09:20:11 host0 pvedaemon[1324]: start VM 110: "
			  "UPID:host0:00004A2C:0001D2B1:676D5B2A:qmstart:110:root@pam:\n"
			  "Dec 26 09:20:11 host0 pvedaemon[1324]: VM 110 qmp command failed - "
			  "unable to open /dev/vfio/7: Device or resource busy\n") == out);
	CHECK_INT(r.count[REDACT_HOSTNAME], 3); /* two host columns and the UPID's node */
	free(out);
	/* plain text: only the UPID's node, whose position its format fixes */
	out = redact_as(&r, REDACT_FMT_TEXT, l1);
	CHECK(strncmp(out, "Dec 26 09:20:11 server pvedaemon", 32) == 0);
	CHECK(strstr(out, "UPID:host0:00004A2C:") != NULL);
	free(out);
	redact_release(&r);

	redact_init(&r, true);
	vm = subst(l1, " server ", " vm ");
	iso = subst(l2, "Dec 26 09:20:11 server", "2024-12-26T09:20:11+0000 vm");
	precise = subst(l2, "Dec 26 09:20:11 server pvedaemon[1324]",
			"2024-12-26T09:20:11.123456+01:00 vm kernel");
	padded = subst(l2, "Dec 26 09:20:11 server", "Dec  6 09:20:11.123456 VM");
	sbuf_reset(&in);
	sbuf_addstr(&in, vm);
	sbuf_addstr(&in, iso);
	sbuf_addstr(&in, precise);
	sbuf_addstr(&in, padded);
	out = redact_as(&r, REDACT_FMT_JOURNAL, sbuf_view(&in).ptr);
	CHECK(strstr(out, "Dec 26 09:20:11 host0 pvedaemon[1324]: start VM 110: UPID:host1:") ==
	      out); /* "server" is a second host name here: the UPID's node */
	CHECK(strstr(out, "\n2024-12-26T09:20:11+0000 host0 pvedaemon[1324]: VM 110 qmp") != NULL);
	CHECK(strstr(out, "\n2024-12-26T09:20:11.123456+01:00 host0 kernel: VM 110 qmp") != NULL);
	CHECK(strstr(out, "\nDec  6 09:20:11.123456 host0 pvedaemon[1324]: VM 110 qmp") != NULL);
	CHECK(strstr(out, " vm ") == NULL && strstr(out, " VM ") == strstr(out, " VM 110"));
	CHECK_INT(r.count[REDACT_HOSTNAME], 5);
	/* a second pass over the output changes nothing and hands out no token */
	{
		char *again = redact_as(&r, REDACT_FMT_JOURNAL, out);

		CHECK_STR(again, out);
		CHECK_INT(r.count[REDACT_HOSTNAME], 5);
		CHECK_INT(r.next[REDACT_HOSTNAME], 2);
		free(again);
	}
	free(out);
	free(vm);
	free(iso);
	free(precise);
	free(padded);
	redact_release(&r);

	/* shapes that are not a journal line stay as they are */
	redact_init(&r, true);
	{
		static const char *const keep[] = {
			"-- Boot 6c1f0e4f5a5b4c2e9f7f0f3c1b2a3d4e --\n",
			"-- No entries --\n",
			"Dec 26 9:20:11 vm pvedaemon[1324]: one-digit hour\n",
			"Dec 26 09:20:11 vm: no ident\n",
			"Dez 26 09:20:11 vm kernel: not an English month\n",
			"2024-12-26T09:20:11 vm kernel: no zone\n",
			"2024-12-26 09:20:11+0000 vm kernel: a blank, not T\n",
			"Dec 26 09:20:11 vm pvedaemon[13x4]: pid not digits\n",
			"[    4.088924] usb usb1: New USB device found\n",
		};

		for (size_t k = 0; k < sizeof(keep) / sizeof(keep[0]); k++) {
			out = redact_as(&r, REDACT_FMT_JOURNAL, keep[k]);
			CHECK_STR(out, keep[k]);
			free(out);
		}
		/* an address in the host column is the address matcher's */
		out = redact_as(&r, REDACT_FMT_JOURNAL,
				"Dec 26 09:20:11 10.0.0.7 pvedaemon[1324]: VM 110 qmp command\n");
		CHECK_STR(out, "Dec 26 09:20:11 192.0.2.1 pvedaemon[1324]: VM 110 qmp command\n");
		free(out);
		CHECK_INT(r.count[REDACT_HOSTNAME], 0);
	}
	redact_release(&r);

	/* the linuxhw kernel logs (dmesg, no host column) read as journal text change nothing
	 * more than as free text */
	for (int i = 1; i <= 7; i++) {
		char rel[64], *text, *a, *b;
		size_t len;
		struct redact r2;

		snprintf(rel, sizeof(rel), "corpus/linuxhw/%04d/dmesg.txt", i);
		text = test_read_file(test_path("VD_SHARED_DIR", rel), &len);
		redact_init(&r, true);
		redact_init(&r2, true);
		a = redact_as(&r, REDACT_FMT_JOURNAL, text);
		b = redact_as(&r2, REDACT_FMT_TEXT, text);
		CHECK_STR(a, b);
		CHECK_INT(r.count[REDACT_HOSTNAME], 0);
		free(a);
		free(b);
		free(text);
		redact_release(&r);
		redact_release(&r2);
	}
	sbuf_release(&in);
	free(l1);
	free(l2);
}

/* libvirt's per-VM log names the host once per start (the KubeVirt log of the golden test,
 * from upstream); Proxmox task file names name the node, generic or short. */
static void test_qemu_log_and_upid_hosts(void)
{
	char *in = test_read_file(
		test_path("VD_SOURCE_DIR", "tests/golden/libvirt_log/kubevirt_start_and_vfio.in"),
		NULL);
	size_t n = strcspn(in, "\n");
	struct redact r;
	char *out;

	CHECK(strstr(in, ", hostname: vmi-alpine-efi\n") == in + n - 26);
	redact_init(&r, true);
	out = redact_as(&r, REDACT_FMT_QEMU_LOG, in);
	CHECK(strncmp(out, in, n - 14) == 0);
	CHECK(strncmp(out + n - 14, "host0\n", 6) == 0);
	CHECK_INT(r.count[REDACT_HOSTNAME], 1);
	free(out);
	/* "hostname: " elsewhere is free text */
	out = redact_as(&r, REDACT_FMT_QEMU_LOG, "kernel: 6.8, hostname: vm\n");
	CHECK_STR(out, "kernel: 6.8, hostname: vm\n");
	free(out);
	free(in);
	redact_release(&r);

	redact_init(&r, true);
	out = redact_as(
		&r, REDACT_FMT_TEXT,
		"var/log/pve/tasks/A/UPID:pve:00004A2C:0001D2B1:676D5B2A:qmstart:110:root@pam:\n"
		"var/log/pve/tasks/B/UPID:n1:00004A2D:0001D2B1:676D5B2B:vzdump:110:root@pam:\n"
		"UPID:n1:4A2D:0001D2B1:676D5B2B: not Proxmox's %08X\n");
	CHECK_STR(
		out,
		"var/log/pve/tasks/A/UPID:host0:00004A2C:0001D2B1:676D5B2A:qmstart:110:root@pam:\n"
		"var/log/pve/tasks/B/UPID:host1:00004A2D:0001D2B1:676D5B2B:vzdump:110:root@pam:\n"
		"UPID:n1:4A2D:0001D2B1:676D5B2B: not Proxmox's %08X\n");
	CHECK_INT(r.count[REDACT_HOSTNAME], 2);
	free(out);
	redact_release(&r);
}

TEST_MAIN(test_linuxhw_keeps_pci_addresses_ids_and_versions, test_vm_config_secrets_are_replaced,
	  test_lspci_serials_are_replaced, test_seed_hostname_and_vm_config,
	  test_generic_and_short_names_are_refused, test_domain_after_a_label,
	  test_bootif_and_dashed_macs, test_machine_addresses_are_replaced, test_ip_addr_output,
	  test_uuids_get_stable_tokens, test_disabled_copies_unchanged,
	  test_config_device_serial_is_cleared, test_uname_nodename_is_replaced_by_position,
	  test_journal_host_column_is_replaced_by_position, test_qemu_log_and_upid_hosts)
