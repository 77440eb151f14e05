/* fuzz_kb_load.c - libFuzzer target for kb/kb_load.c: arbitrary bytes as one knowledge file,
 * then, when it loads, lint without a regex engine and template filling over every template.
 * Must never crash, hang or leak whatever the input. */
#include <stddef.h>
#include <stdint.h>

#include "common/limits.h"
#include "common/sbuf.h"
#include "kb/kb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *no_vars(void *ctx, const char *name)
{
	(void)ctx;
	return name[0] == 'b' ? "0000:01:00.0" : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *name = "fuzz.json";
	const char *text = (const char *)data;
	struct error err = { 0 };
	struct kb *kb = kb_load_mem(&name, &text, &size, 1, &err);
	struct sbuf sb;

	if (!kb) {
		if (!err.msg[0])
			__builtin_trap(); /* a refusal always says why */
		return 0;
	}
	sbuf_init(&sb, MAX_FIX_BYTES);
	for (size_t i = 0; i < kb->n; i++) {
		const struct signature *s = &kb->sigs[i];
		sbuf_reset(&sb);
		kb_template_fill(s->fix, no_vars, NULL, &sb);
		for (size_t c = 0; c < s->n_clauses; c++)
			if (s->clauses[c].reason)
				kb_template_fill(s->clauses[c].reason, no_vars, NULL, &sb);
		if (kb_find(kb, s->id) != s)
			__builtin_trap();
	}
	sbuf_release(&sb);
	kb_free(kb);
	return 0;
}
