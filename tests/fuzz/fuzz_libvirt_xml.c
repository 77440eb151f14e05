/* fuzz_libvirt_xml.c - libFuzzer target for analyzer/parse/libvirt_xml.c: sniff, parse and dump any
 * bytes. Under gcc, tests/fuzz/replay.c runs it over tests/fuzz/corpus/libvirt_xml/ in every ctest.
 */
#include <stddef.h>
#include <stdint.h>

#include "common/limits.h"
#include "common/sbuf.h"
#include "parse/parsers_all.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct str s = str_from_mem(data, size);
	struct parse_out out;
	struct error err = { 0 };
	struct sbuf sb;

	(void)libvirt_xml_sniff(s);
	parse_out_init(&out);
	(void)libvirt_xml_parse(s, &out, &err);
	sbuf_init(&sb, MAX_OUTPUT_BYTES);
	parse_out_dump(&out, &sb);
	sbuf_release(&sb);
	parse_out_release(&out);
	return 0;
}
