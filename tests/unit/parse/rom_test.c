/* rom_test.c - tests for analyzer/parse/rom.c on real option ROMs (SeaBIOS and iPXE images kept
 * in tests/golden/rom/) and on truncated or corrupted copies of them made here. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "parse/parsers_all.h"
#include "test.h"

static uint8_t *load(const char *name, size_t *len)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "tests/golden/rom/%s", name);
	return (uint8_t *)test_read_file(test_path("VD_SOURCE_DIR", rel), len);
}

static int parse(const uint8_t *buf, size_t len, struct parse_out *out)
{
	struct error err = { 0 };

	parse_out_init(out);
	return rom_parse(str_from_mem(buf, len), out, &err);
}

static bool has_warning(const struct parse_out *out, const char *needle)
{
	for (size_t i = 0; i < out->warnings.n; i++)
		if (strstr(out->warnings.v[i].msg, needle))
			return true;
	return false;
}

static void test_legacy_vga_rom_is_one_last_image(void)
{
	size_t len;
	uint8_t *rom = load("seabios_vgabios_bochs_display.in", &len);
	struct parse_out out;

	CHECK_INT(parse(rom, len, &out), 0);
	CHECK_INT(out.roms.n, 1);
	CHECK(out.roms.v[0].sig_ok);
	CHECK(out.roms.v[0].has_pcir);
	CHECK_INT(out.roms.v[0].vendor, 0x1234);
	CHECK_INT(out.roms.v[0].device, 0x1111);
	CHECK_INT(out.roms.v[0].class_code, 0x030000);
	CHECK_INT(out.roms.v[0].code_type, 0);
	CHECK_INT(out.roms.v[0].length, 0x38 * 512);
	CHECK(out.roms.v[0].last);
	CHECK(out.roms.v[0].checksum_ok);
	CHECK(!out.roms.v[0].is_efi);
	CHECK_INT(out.warnings.n, 0);
	parse_out_release(&out);
	free(rom);
}

static void test_ipxe_rom_has_legacy_then_efi_image(void)
{
	size_t len;
	uint8_t *rom = load("ipxe_efi_vmxnet3.in", &len);
	struct parse_out out;

	CHECK_INT(parse(rom, len, &out), 0);
	CHECK_INT(out.roms.n, 2);
	CHECK_INT(out.roms.v[0].code_type, 0);
	CHECK(!out.roms.v[0].last);
	CHECK_INT(out.roms.v[1].offset, 0x12200);
	CHECK_INT(out.roms.v[1].code_type, 3);
	CHECK(out.roms.v[1].is_efi);
	CHECK_INT(out.roms.v[1].efi_subsystem, 0xb);
	CHECK_INT(out.roms.v[1].efi_machine, 0x8664);
	CHECK(!out.roms.v[1].efi_compressed);
	CHECK(out.roms.v[1].last);
	CHECK_INT(out.roms.v[1].vendor, 0x15ad);
	CHECK_INT(out.roms.v[1].device, 0x07b0);
	CHECK_INT(out.warnings.n, 0);
	parse_out_release(&out);
	free(rom);
}

/* A dump cut short inside the EFI image: the image length runs past the end. */
static void test_truncated_rom_reports_image_past_end(void)
{
	size_t len;
	uint8_t *rom = load("ipxe_efi_vmxnet3.in", &len);
	struct parse_out out;

	CHECK_INT(parse(rom, 0x12200 + 4096, &out), 0);
	CHECK_INT(out.roms.n, 2);
	CHECK(out.roms.v[1].is_efi);
	CHECK(!out.roms.v[1].checksum_ok);
	CHECK(has_warning(&out, "runs past the end of the ROM"));
	parse_out_release(&out);
	/* cut inside the second header: no PCIR can be read there */
	CHECK_INT(parse(rom, 0x12200 + 0x10, &out), 0);
	CHECK_INT(out.roms.n, 2);
	CHECK(!out.roms.v[1].has_pcir);
	parse_out_release(&out);
	free(rom);
}

static void test_pcir_pointer_past_end_is_not_followed(void)
{
	size_t len;
	uint8_t *rom = load("seabios_vgabios_bochs_display.in", &len);
	struct parse_out out;

	rom[0x18] = 0xff;
	rom[0x19] = 0xff;
	CHECK_INT(parse(rom, len, &out), 0);
	CHECK_INT(out.roms.n, 1);
	CHECK(out.roms.v[0].sig_ok);
	CHECK(!out.roms.v[0].has_pcir);
	CHECK(has_warning(&out, "PCIR pointer 0xffff runs past the end"));
	CHECK_INT(rom_sniff(str_from_mem(rom, len)), 0);
	parse_out_release(&out);
	free(rom);
}

static void test_pcir_pointer_zero_means_no_pci_data(void)
{
	size_t len;
	uint8_t *rom = load("seabios_vgabios_ramfb_no_pcir.in", &len);
	struct parse_out out;

	CHECK_INT(parse(rom, len, &out), 0);
	CHECK_INT(out.roms.n, 1);
	CHECK(!out.roms.v[0].has_pcir);
	CHECK(out.roms.v[0].checksum_ok); /* over the header's own size byte */
	CHECK(has_warning(&out, "points into the ROM header"));
	parse_out_release(&out);
	free(rom);
}

/* The kernel's "Invalid PCI ROM header signature: expecting 0xaa55, got 0xcffa". */
static void test_bad_signature_gives_one_row_with_value_read(void)
{
	size_t len;
	uint8_t *rom = load("seabios_vgabios_bochs_display.in", &len);
	uint8_t *ff = malloc(len);
	struct parse_out out;

	rom[0] = 0xfa;
	rom[1] = 0xcf;
	CHECK_INT(parse(rom, len, &out), 0);
	CHECK_INT(out.roms.n, 1);
	CHECK(!out.roms.v[0].sig_ok);
	CHECK_INT(out.roms.v[0].signature, 0xcffa);
	CHECK(has_warning(&out, "no ROM signature (55 aa)"));
	parse_out_release(&out);

	memset(ff, 0xff, len); /* ROM read while disabled */
	CHECK_INT(parse(ff, len, &out), 0);
	CHECK_INT(out.roms.n, 1);
	CHECK_INT(out.roms.v[0].signature, 0xffff);
	parse_out_release(&out);
	memset(ff, 0, len);
	CHECK_INT(parse(ff, len, &out), 0);
	CHECK_INT(out.roms.n, 1);
	CHECK_INT(out.roms.v[0].signature, 0x0000);
	CHECK_INT(rom_sniff(str_from_mem(ff, len)), 0);
	parse_out_release(&out);
	free(ff);
	free(rom);
}

/* A vendor header before the real ROM: rom-parser finds it at the next 512-byte boundary. */
static void test_prepended_header_is_found_and_flagged(void)
{
	size_t len;
	uint8_t *rom = load("seabios_vgabios_bochs_display.in", &len);
	uint8_t *pre = calloc(1, len + 1024);
	struct parse_out out;

	memcpy(pre + 1024, rom, len);
	CHECK_INT(parse(pre, len + 1024, &out), 0);
	CHECK_INT(out.roms.n, 2);
	CHECK(!out.roms.v[0].sig_ok);
	CHECK_INT(out.roms.v[1].offset, 1024);
	CHECK(out.roms.v[1].has_pcir);
	CHECK_INT(out.roms.v[1].device, 0x1111);
	CHECK(has_warning(&out, "prepended header must be stripped"));
	parse_out_release(&out);
	free(pre);
	free(rom);
}

/* PCI Firmware 3.0: the PCIR structure is at least 0x18 bytes (Linux 6.12 checks it too). */
static void test_short_pcir_structure_length_warns(void)
{
	size_t len;
	uint8_t *rom = load("seabios_vgabios_bochs_display.in", &len);
	struct parse_out out;

	CHECK_INT(rom[0x6f20 + 0xa], 0x18);
	rom[0x6f20 + 0xa] = 0x10;
	CHECK_INT(parse(rom, len, &out), 0);
	CHECK_INT(out.roms.n, 1);
	CHECK(out.roms.v[0].has_pcir);
	CHECK(!out.roms.v[0].checksum_ok); /* the byte changed */
	CHECK(has_warning(&out, "PCIR structure length 0x10 is below the minimum 0x18"));
	parse_out_release(&out);
	free(rom);
}

static void test_zero_image_length_stops_the_walk(void)
{
	size_t len;
	uint8_t *rom = load("seabios_vgabios_bochs_display.in", &len);
	struct parse_out out;

	rom[0x6f20 + 0x10] = 0;
	rom[0x6f20 + 0x11] = 0;
	rom[0x6f20 + 0x15] = 0; /* and not the last image */
	CHECK_INT(parse(rom, len, &out), 0);
	CHECK_INT(out.roms.n, 1);
	CHECK_INT(out.roms.v[0].length, 0);
	CHECK(!out.roms.v[0].checksum_ok);
	CHECK(has_warning(&out, "image length is 0"));
	parse_out_release(&out);
	free(rom);
}

/* Forty copies of a real image, none marked last: the walk stops at MAX_ROM_IMAGES. */
static void test_image_count_is_capped(void)
{
	size_t len;
	uint8_t *rom = load("seabios_vgabios_bochs_display.in", &len);
	uint8_t *chain = malloc(len * 40);
	struct parse_out out;

	rom[0x6f20 + 0x15] = 0;
	for (int i = 0; i < 40; i++)
		memcpy(chain + (size_t)i * len, rom, len);
	CHECK_INT(parse(chain, len * 40, &out), 0);
	CHECK_INT(out.roms.n, MAX_ROM_IMAGES);
	CHECK(has_warning(&out, "more than 32 images"));
	parse_out_release(&out);
	free(chain);
	free(rom);
}

static void test_sniff_takes_roms_and_never_text(void)
{
	size_t len;
	uint8_t *rom = load("ipxe_efi_vmxnet3.in", &len);
	static const char text[] =
		"hostpci0: 0000:00:02.0,romfile=12-n100-q10.rom,pcie=1,x-vga=1\n";
	struct parse_out out;

	CHECK_INT(rom_sniff(str_from_mem(rom, len)), 100);
	CHECK_INT(rom_sniff(str_from_mem(rom, 0x1a)), 0);
	CHECK_INT(rom_sniff(STR_LIT(text)), 0);
	CHECK_INT(rom_sniff(STR_NULL), 0);
	CHECK_INT(parse((const uint8_t *)"", 0, &out), 0);
	CHECK_INT(out.roms.n, 0);
	CHECK(has_warning(&out, "empty ROM"));
	parse_out_release(&out);
	free(rom);
}

TEST_MAIN(test_legacy_vga_rom_is_one_last_image, test_ipxe_rom_has_legacy_then_efi_image,
	  test_truncated_rom_reports_image_past_end, test_pcir_pointer_past_end_is_not_followed,
	  test_pcir_pointer_zero_means_no_pci_data,
	  test_bad_signature_gives_one_row_with_value_read,
	  test_prepended_header_is_found_and_flagged, test_short_pcir_structure_length_warns,
	  test_zero_image_length_stops_the_walk, test_image_count_is_capped,
	  test_sniff_takes_roms_and_never_text)
