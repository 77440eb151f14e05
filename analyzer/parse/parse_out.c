/* parse_out.c - lifecycle of the row model, warnings, and the generic line splitter. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/limits.h"
#include "parse/parse.h"

void parse_out_init(struct parse_out *out)
{
	memset(out, 0, sizeof(*out));
	arena_init(&out->arena);
}

void parse_out_release(struct parse_out *out)
{
	VEC_FREE(&out->lines);
	VEC_FREE(&out->devices);
	VEC_FREE(&out->groups);
	VEC_FREE(&out->params);
	VEC_FREE(&out->cpus);
	VEC_FREE(&out->iomem);
	VEC_FREE(&out->modules);
	VEC_FREE(&out->vms);
	VEC_FREE(&out->vm_opts);
	VEC_FREE(&out->hostdevs);
	VEC_FREE(&out->roms);
	VEC_FREE(&out->kvs);
	VEC_FREE(&out->tree);
	VEC_FREE(&out->warnings);
	arena_release(&out->arena);
	out->warnings_dropped = 0;
}

void parse_warn(struct parse_out *out, uint32_t lineno, const char *fmt, ...)
{
	struct warning_row *w;
	char buf[512];
	va_list ap;

	if (out->warnings.n >= MAX_WARNINGS) {
		out->warnings_dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	w = VEC_PUSH(&out->warnings);
	w->lineno = lineno;
	w->msg = arena_strdup(&out->arena, buf);
}

int lines_split(struct str text, enum source_kind kind, struct parse_out *out, struct error *err)
{
	struct str line;
	uint32_t lineno = 0;

	while (str_next_line(&text, &line)) {
		struct line_row *row;

		if (++lineno > MAX_LINES) {
			parse_warn(out, lineno, "more than %d lines, ignoring the rest", MAX_LINES);
			break;
		}
		row = VEC_PUSH(&out->lines);
		row->lineno = lineno;
		row->kind = kind;
		if (line.len > MAX_LINE_BYTES) {
			parse_warn(out, lineno, "line of %zu bytes truncated to %d", line.len,
				   MAX_LINE_BYTES);
			line.len = MAX_LINE_BYTES;
			row->truncated = true;
		}
		row->text = line;
		row->msg = line;
		row->has_bdf = pciaddr_find(line, &row->bdf, NULL);
	}
	(void)err;
	return 0;
}
