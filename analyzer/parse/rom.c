/* rom.c - walk the images of a PCI option ROM (a romfile, or a sysfs `rom` dump) into rom rows:
 * what awilliam/rom-parser prints, plus the checksum, the EFI compression type and the
 * problems the kernel and QEMU report. Pure: no I/O; every read is bounds-checked and no
 * offset from the image is followed before it is checked against the size.
 *
 * Real input (SeaBIOS 1.16.2 vgabios-bochs-display.bin, `od -A x -t x1z`):
 *   000000 55 aa 38 e9 38 3d 84 ...               ROM header, 0x38 * 512 bytes
 *   000018 20 6f                                  PCIR at 0x6f20
 *   006f20 50 43 49 52 34 12 11 11 00 00 18 00    "PCIR", vendor 1234, device 1111
 * and iPXE's efi-vmxnet3.rom: a legacy image, then at 0x12200 an EFI image (code type 3,
 * "f1 0e 00 00" at offset 4, subsystem 0x0b, machine 0x8664).
 *
 * Walk (PCI Firmware 3.0 5.1, Linux drivers/pci/rom.c, the catalog's S-ROM): at each image
 * start 55 AA, the 16-bit PCIR pointer at 0x18, "PCIR", image length at PCIR+0x10 in 512-byte
 * units, the last-image bit at PCIR+0x15. The next image starts at offset + length (the
 * kernel's rule; rom-parser steps 512 bytes and rescans, which finds the same images in
 * well-formed ROMs). The walk stops at the last image, a zero length, the end of the data,
 * MAX_ROM_IMAGES, or a missing signature. A first image without 55 AA gives one row with
 * sig_ok false and the signature as read (0xffff: ROM disabled or not dumped; 0x0000: an empty
 * read; anything else, e.g. 0xcffa: garbage); like rom-parser, the walk then looks for 55 AA
 * at later 512-byte boundaries (a vendor header prepended by a flashing tool) and warns.
 */
#include <stdint.h>
#include <string.h>

#include "common/limits.h"
#include "parse/parsers_all.h"

#define ROM_SIG		   0xaa55 /* bytes 55 AA */
#define ROM_PCIR_PTR	   0x18
#define ROM_HEADER_MIN	   0x1a /* the header up to and including the PCIR pointer */
#define ROM_SECTOR	   512
#define PCIR_MIN	   0x18 /* PCIR structure bytes read here */
#define EFI_SIG		   0x0ef1
#define CODE_TYPE_EFI	   3
#define LAST_IMAGE_BIT	   0x80
#define SNIFF_PREFIX_BYTES (0x10000 + PCIR_MIN) /* a 16-bit PCIR pointer, plus the PCIR */

static bool read_u8(const uint8_t *buf, size_t len, size_t off, uint8_t *v)
{
	if (off >= len)
		return false;
	*v = buf[off];
	return true;
}

static bool read_le16(const uint8_t *buf, size_t len, size_t off, uint16_t *v)
{
	if (off > len || len - off < 2)
		return false;
	*v = (uint16_t)(buf[off] | (unsigned)buf[off + 1] << 8);
	return true;
}

static bool read_le32(const uint8_t *buf, size_t len, size_t off, uint32_t *v)
{
	if (off > len || len - off < 4)
		return false;
	*v = (uint32_t)buf[off] | (uint32_t)buf[off + 1] << 8 | (uint32_t)buf[off + 2] << 16 |
	     (uint32_t)buf[off + 3] << 24;
	return true;
}

/* The PCIR offset of the image at off, when its pointer is sane: past the header and with
 * a whole PCIR structure inside the data. */
static bool pcir_offset(const uint8_t *buf, size_t len, size_t off, size_t *pcir, uint16_t *ptr)
{
	if (!read_le16(buf, len, off + ROM_PCIR_PTR, ptr))
		return false;
	if (*ptr < ROM_HEADER_MIN || off + *ptr > len || len - (off + *ptr) < PCIR_MIN)
		return false;
	*pcir = off + *ptr;
	return true;
}

static bool checksum_ok(const uint8_t *buf, size_t len, size_t off, uint64_t n)
{
	uint8_t sum = 0;

	if (n == 0 || off > len || len - off < n)
		return false;
	for (uint64_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + buf[off + i]);
	return sum == 0;
}

static void read_efi(const uint8_t *buf, size_t len, size_t off, struct rom_row *r,
		     struct parse_out *out)
{
	uint32_t sig = 0;
	uint16_t comp = 0;

	if (!read_le32(buf, len, off + 4, &sig) || sig != EFI_SIG) {
		parse_warn(
			out, 0,
			"image %u at 0x%zx: code type 3 (EFI) but EFI signature 0x%x is not 0xef1",
			r->image, off, sig);
		return;
	}
	r->is_efi = true;
	(void)read_le16(buf, len, off + 8, &r->efi_subsystem);
	(void)read_le16(buf, len, off + 0xa, &r->efi_machine);
	(void)read_le16(buf, len, off + 0xc, &comp);
	r->efi_compressed = comp != 0;
}

/* Fills r from the PCIR structure at pcir; returns the image length in bytes (0 = none). */
static uint64_t read_pcir(const uint8_t *buf, size_t len, size_t pcir, struct rom_row *r)
{
	uint8_t c0 = 0, c1 = 0, c2 = 0, ind = 0;
	uint16_t units = 0;

	(void)read_le16(buf, len, pcir + 4, &r->vendor);
	(void)read_le16(buf, len, pcir + 6, &r->device);
	(void)read_u8(buf, len, pcir + 0xd, &c0);
	(void)read_u8(buf, len, pcir + 0xe, &c1);
	(void)read_u8(buf, len, pcir + 0xf, &c2);
	r->class_code = (uint32_t)c2 << 16 | (uint32_t)c1 << 8 | c0;
	(void)read_le16(buf, len, pcir + 0x10, &units);
	(void)read_le16(buf, len, pcir + 0x12, &r->revision);
	(void)read_u8(buf, len, pcir + 0x14, &r->code_type);
	(void)read_u8(buf, len, pcir + 0x15, &ind);
	r->last = (ind & LAST_IMAGE_BIT) != 0;
	r->length = (uint64_t)units * ROM_SECTOR;
	return r->length;
}

/* First 512-byte boundary after `from` holding 55 AA, or len when none. */
static size_t scan_signature(const uint8_t *buf, size_t len, size_t from)
{
	for (size_t off = from; off < len; off += ROM_SECTOR) {
		uint16_t sig;

		if (read_le16(buf, len, off, &sig) && sig == ROM_SIG)
			return off;
	}
	return len;
}

static struct rom_row *push_row(struct parse_out *out, uint32_t image, size_t off, uint16_t sig)
{
	struct rom_row *r = VEC_PUSH(&out->roms);

	r->image = image;
	r->offset = off;
	r->signature = sig;
	r->sig_ok = sig == ROM_SIG;
	return r;
}

/* One image at off with a valid signature; returns where the next one starts, or 0 to stop. */
static size_t walk_image(const uint8_t *buf, size_t len, size_t off, uint32_t image,
			 struct parse_out *out)
{
	struct rom_row *r = push_row(out, image, off, ROM_SIG);
	size_t pcir;
	uint16_t ptr = 0, plen = 0;
	uint64_t ilen;

	if (!pcir_offset(buf, len, off, &pcir, &ptr)) {
		uint8_t init = 0;

		/* no PCIR: the legacy header's own size still gives the checksum range */
		if (read_u8(buf, len, off + 2, &init))
			r->checksum_ok = checksum_ok(buf, len, off, (uint64_t)init * ROM_SECTOR);
		if (ptr < ROM_HEADER_MIN)
			parse_warn(
				out, 0,
				"image %u at 0x%zx: PCIR pointer 0x%x points into the ROM header: no PCI data structure, stopping",
				image, off, ptr);
		else
			parse_warn(
				out, 0,
				"image %u at 0x%zx: PCIR pointer 0x%x runs past the end of the ROM (%zu bytes), stopping",
				image, off, ptr, len);
		return 0;
	}
	if (memcmp(buf + pcir, "PCIR", 4) != 0) {
		parse_warn(out, 0, "image %u at 0x%zx: invalid PCIR signature at 0x%zx, stopping",
			   image, off, pcir);
		return 0;
	}
	r->has_pcir = true;
	ilen = read_pcir(buf, len, pcir, r);
	if (read_le16(buf, len, pcir + 0xa, &plen) && plen < PCIR_MIN)
		parse_warn(
			out, 0,
			"image %u at 0x%zx: PCIR structure length 0x%x is below the minimum 0x18",
			image, off, plen);
	if (r->code_type == CODE_TYPE_EFI)
		read_efi(buf, len, off, r, out);
	r->checksum_ok = checksum_ok(buf, len, off, ilen);
	if (ilen == 0) {
		parse_warn(out, 0, "image %u at 0x%zx: image length is 0, stopping", image, off);
		return 0;
	}
	if (ilen > len - off) {
		parse_warn(
			out, 0,
			"image %u at 0x%zx: image length %llu runs past the end of the ROM (%zu bytes)",
			image, off, (unsigned long long)ilen, len);
		return 0;
	}
	if (r->last)
		return 0;
	if (ilen == len - off) {
		parse_warn(
			out, 0,
			"image %u at 0x%zx: not marked as the last image, but the ROM ends after it",
			image, off);
		return 0;
	}
	return off + (size_t)ilen;
}

int rom_sniff(struct str text)
{
	const uint8_t *buf = (const uint8_t *)text.ptr;
	size_t len = text.len < SNIFF_PREFIX_BYTES ? text.len : SNIFF_PREFIX_BYTES;
	uint16_t sig, ptr;
	size_t pcir;

	if (!read_le16(buf, len, 0, &sig) || sig != ROM_SIG)
		return 0;
	if (!pcir_offset(buf, len, 0, &pcir, &ptr) || memcmp(buf + pcir, "PCIR", 4) != 0)
		return 0;
	return 100;
}

int rom_parse(struct str text, struct parse_out *out, struct error *err)
{
	const uint8_t *buf = (const uint8_t *)text.ptr;
	size_t len = text.len, off = 0;
	uint16_t sig = 0;
	uint32_t image = 0;

	(void)err;
	if (len > MAX_ROM_BYTES) {
		parse_warn(out, 0, "ROM of %zu bytes, reading only the first %u", len,
			   MAX_ROM_BYTES);
		len = MAX_ROM_BYTES;
	}
	if (len == 0) {
		parse_warn(out, 0, "empty ROM (0 bytes): read while the ROM was disabled?");
		return 0;
	}
	if (!read_le16(buf, len, 0, &sig) || sig != ROM_SIG) {
		push_row(out, image++, 0, sig);
		off = scan_signature(buf, len, ROM_SECTOR);
		if (off >= len) {
			parse_warn(
				out, 0,
				"no ROM signature (55 aa) at offset 0 or any 512-byte boundary; signature read %#06x",
				sig);
			return 0;
		}
		parse_warn(
			out, 0,
			"ROM signature found at 0x%zx, not at 0: a prepended header must be stripped before use",
			off);
	}
	for (;;) {
		size_t next;

		if (image >= MAX_ROM_IMAGES) {
			parse_warn(out, 0, "more than %d images, ignoring the rest",
				   MAX_ROM_IMAGES);
			break;
		}
		next = walk_image(buf, len, off, image++, out);
		if (!next)
			break;
		if (!read_le16(buf, len, next, &sig) || sig != ROM_SIG) {
			parse_warn(
				out, 0,
				"no ROM signature at 0x%zx after image %u (last-image bit clear): no more images",
				next, image - 1);
			break;
		}
		off = next;
	}
	return 0;
}
