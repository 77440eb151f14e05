/* fuzz_pve_conf.c - libFuzzer target for analyzer/parse/pve_conf.c and pve_cpu_models.c: sniff,
 * parse and dump any bytes. Under gcc, tests/fuzz/replay.c runs it over tests/fuzz/corpus/pve_conf/
 * in every ctest. */
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

	(void)pve_conf_sniff(s);
	parse_out_init(&out);
	(void)pve_conf_parse(s, &out, &err);
	sbuf_init(&sb, MAX_OUTPUT_BYTES);
	parse_out_dump(&out, &sb);
	sbuf_release(&sb);
	parse_out_release(&out);
	(void)pve_cpu_models_sniff(s);
	parse_out_init(&out);
	(void)pve_cpu_models_parse(s, &out, &err);
	parse_out_release(&out);
	return 0;
}
