/* pciaddr_format_test.c - pciaddr_format() writes what "%04x:%02x:%02x.%u" (or, for a whole
 * slot, "%04x:%02x:%02x") writes, for every device and function value on a spread of domains
 * and buses, and round-trips
 * through pciaddr_parse(). It is formatted by hand for speed (bench/run.sh), so the printf
 * formats are the reference. */
#include <stdio.h>
#include <string.h>

#include "common/pciaddr.h"
#include "test.h"

static void test_known_addresses(void)
{
	char buf[PCIADDR_STR_MAX];
	struct pciaddr gpu = { .domain = 0, .bus = 0x04, .dev = 0, .func = 0 };
	struct pciaddr slot = { .domain = 0, .bus = 0x01, .dev = 0, .func = PCIADDR_ALL_FUNCS };
	struct pciaddr high = { .domain = 0xffff, .bus = 0xff, .dev = 0x1f, .func = 7 };

	CHECK_STR(pciaddr_format(&gpu, buf), "0000:04:00.0");
	CHECK_STR(pciaddr_format(&slot, buf), "0000:01:00");
	CHECK_STR(pciaddr_format(&high, buf), "ffff:ff:1f.7");
}

static void test_every_value_matches_printf(void)
{
	static const unsigned domains[] = { 0, 1, 0x10, 0xabcd, 0xffff };
	static const unsigned buses[] = { 0, 1, 0x0b, 0x10, 0x9f, 0xff };
	char got[PCIADDR_STR_MAX], want[64];
	long bad = 0;

	for (size_t d = 0; d < sizeof(domains) / sizeof(domains[0]); d++)
		for (size_t b = 0; b < sizeof(buses) / sizeof(buses[0]); b++)
			for (unsigned dev = 0; dev < 256; dev++)
				for (unsigned f = 0; f < 256; f++) {
					struct pciaddr a = { .domain = (uint16_t)domains[d],
							     .bus = (uint8_t)buses[b],
							     .dev = (uint8_t)dev,
							     .func = (uint8_t)f };

					pciaddr_format(&a, got);
					if (f == PCIADDR_ALL_FUNCS)
						snprintf(want, sizeof(want), "%04x:%02x:%02x",
							 domains[d], buses[b], dev);
					else
						snprintf(want, sizeof(want), "%04x:%02x:%02x.%u",
							 domains[d], buses[b], dev, f);
					bad += strcmp(got, want) != 0;
				}
	CHECK_INT(bad, 0);
}

static void test_round_trip_through_parse(void)
{
	char buf[PCIADDR_STR_MAX];

	for (unsigned dev = 0; dev < 32; dev++)
		for (unsigned f = 0; f < 8; f++) {
			struct pciaddr a = {
				.domain = 0, .bus = 0x0b, .dev = (uint8_t)dev, .func = (uint8_t)f
			};
			struct pciaddr b;

			CHECK(pciaddr_parse(str_from_cstr(pciaddr_format(&a, buf)), false, &b));
			CHECK(pciaddr_eq(&a, &b));
		}
}

TEST_MAIN(test_known_addresses, test_every_value_matches_printf, test_round_trip_through_parse)
