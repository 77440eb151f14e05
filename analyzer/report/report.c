/* report.c - pick a reporter by name, render into a capped buffer, write it in one go. */
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/sbuf.h"
#include "rank/result.h"

enum report_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_MARKDOWN, FORMAT_HTML, FORMAT_UNKNOWN };

static const char *const format_names[] = {
	[FORMAT_TEXT] = "text",
	[FORMAT_JSON] = "json",
	[FORMAT_MARKDOWN] = "markdown",
	[FORMAT_HTML] = "html",
};

static enum report_format format_lookup(const char *name)
{
	if (!name)
		return FORMAT_TEXT;
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (strcmp(name, format_names[i]) == 0)
			return (enum report_format)i;
	if (strcmp(name, "md") == 0)
		return FORMAT_MARKDOWN;
	return FORMAT_UNKNOWN;
}

const char *report_format_list(void)
{
	return "text, json, markdown, html";
}

bool report_format_known(const char *format)
{
	return format && format_lookup(format) != FORMAT_UNKNOWN;
}

static void render(const struct result *res, enum report_format fmt, FILE *out, struct sbuf *sb)
{
	switch (fmt) {
	case FORMAT_TEXT:
		report_text_render(res, log_use_colour(fileno(out)), sb);
		break;
	case FORMAT_JSON:
		report_json_render(res, sb);
		break;
	case FORMAT_MARKDOWN:
		report_markdown_render(res, sb);
		break;
	case FORMAT_HTML:
		report_html_render(res, sb);
		break;
	case FORMAT_UNKNOWN:
		break;
	}
}

int report_write_named(const struct result *res, const char *format, FILE *out,
		       const char *out_name, struct error *err)
{
	enum report_format fmt = format_lookup(format);
	struct sbuf sb;
	int ret = -1;

	if (!out_name)
		out_name = out == stdout ? "standard output" : "output";
	if (fmt == FORMAT_UNKNOWN)
		return error_set(err, EXIT_USAGE, "unknown report format '%s' (expected %s)",
				 format, report_format_list());
	sbuf_init(&sb, MAX_OUTPUT_BYTES);
	render(res, fmt, out, &sb);
	if (sbuf_failed(&sb)) {
		error_set(err, EXIT_OUTPUT,
			  "%s report is larger than %u bytes, not written to '%s'",
			  format_names[fmt], (unsigned)MAX_OUTPUT_BYTES, out_name);
		goto out_release;
	}
	errno = 0;
	if (fwrite(sb.buf, 1, sb.len, out) != sb.len || fflush(out) != 0 || ferror(out)) {
		error_set(err, EXIT_OUTPUT, "cannot write report to '%s': %s", out_name,
			  errno ? strerror(errno) : "write error");
		goto out_release;
	}
	ret = 0;
out_release:
	sbuf_release(&sb);
	return ret;
}

int report_write(const struct result *res, const char *format, FILE *out, struct error *err)
{
	return report_write_named(res, format, out, NULL, err);
}
