/* cpu_fields.h - private to cpuinfo.c and lscpu.c: helpers for filling a cpu row. */
#pragma once

#include <stdbool.h>

#include "parse/parse.h"

/* Sets every numeric field of cpu to -1 (unknown) and its line number. */
void cpu_row_init(struct cpu_row *cpu, uint32_t lineno);
/* Reads "39 bits physical, 48 bits virtual" into phys_bits/virt_bits; false when malformed. */
bool cpu_take_address_sizes(struct str v, struct cpu_row *cpu);
/* True when the space-separated flags contain flag as a whole word. */
bool cpu_flags_have(struct str flags, const char *flag);
