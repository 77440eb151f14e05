/* fuzz_cpuinfo.c - libFuzzer target for parse/cpuinfo.c: the sniffer, the parser and the row dump
 * on arbitrary bytes. Must never crash, hang or leak whatever the input. */
#include <stddef.h>
#include <stdint.h>

#include "common/limits.h"
#include "common/sbuf.h"
#include "parse/parse.h"
#include "parse/parsers_all.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct str text = str_from_mem(data, size);
	struct parse_out out;
	struct error err = { 0 };
	struct sbuf sb;
	int score = cpuinfo_sniff(text);

	if (score < 0 || score > 100)
		__builtin_trap();
	parse_out_init(&out);
	if (cpuinfo_parse(text, &out, &err) == 0) {
		sbuf_init(&sb, MAX_OUTPUT_BYTES);
		parse_out_dump(&out, &sb);
		sbuf_release(&sb);
	}
	parse_out_release(&out);
	return 0;
}
