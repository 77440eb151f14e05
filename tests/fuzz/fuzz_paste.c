/* fuzz_paste.c - bytes as a forum paste: normalisation, then the splitter. Checks the
 * splitter's invariants (parts in order, inside the text, whole lines) and aborts when one
 * breaks, then classifies each part by its command and its content. */
#include <stdint.h>
#include <stdlib.h>

#include "input/classify.h"
#include "input/normalize.h"
#include "input/paste.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct normalize_stats st;
	struct str text;
	struct paste p;
	uint32_t last = 0;

	arena_init(&a);
	text = normalize_text(&a, str_from_mem(data, size), &st);
	if (text.len > size)
		abort();
	paste_split(text, &p);
	for (size_t i = 0; i < p.parts.n; i++) {
		const struct paste_part *pp = &p.parts.v[i];
		struct classification c;

		/* an empty text is one empty part; anything else is lines 1.. in order */
		if (pp->first_line == 0 && (p.split || text.len != 0))
			abort();
		if (pp->first_line > pp->last_line || (pp->first_line && pp->first_line <= last))
			abort();
		if (pp->text.ptr < text.ptr || pp->text.ptr + pp->text.len > text.ptr + text.len)
			abort();
		if (pp->text.ptr != text.ptr && pp->text.ptr[-1] != '\n')
			abort();
		last = pp->last_line;
		if (pp->command.len)
			classify_command(pp->command, &c);
		if (pp->context.len)
			classify_mentioned_path(pp->context, &c);
		classify_content(pp->text, &c);
	}
	paste_release(&p);
	arena_release(&a);
	return 0;
}
