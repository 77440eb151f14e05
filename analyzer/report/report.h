/* report.h - turn a struct result (analyzer/rank/result.h) into what the user reads: text for a
 * terminal, JSON (the stable contract in docs/output-json.md), a Markdown forum reply, or one
 * self-contained HTML file.
 *
 * Reporters only read the result; they never touch SQLite or the input. Every format is first
 * rendered into a struct sbuf capped at MAX_OUTPUT_BYTES (common/limits.h), then written in one
 * go, so a report that would pass the cap is an EXIT_OUTPUT error and nothing partial is written
 * by the render step. Write failures (ferror/fflush) are EXIT_OUTPUT errors naming the output.
 * All user-controlled text (evidence lines, names, paths) is escaped for the format: control
 * characters are made visible in text and Markdown, JSON is always valid UTF-8, Markdown code
 * blocks use a fence longer than any backtick run in their content.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

struct error;
struct result;
struct sbuf;

/* The format names report_write() accepts, for usage messages: "text, json, markdown, html". */
const char *report_format_list(void);

/* True when report_write() knows the format name ("text", "json", "markdown", "html"). */
bool report_format_known(const char *format);

/* Writes res to out in the given format (NULL means "text"). Text uses colour only when out is a
 * terminal and NO_COLOR is unset. Returns 0, or -1 with err set: EXIT_USAGE for an unknown
 * format, EXIT_OUTPUT when the report exceeds MAX_OUTPUT_BYTES or cannot be written. The output
 * is named "standard output" when out is stdout, "output" otherwise; use report_write_named()
 * to name a file in the message. Does not close out. */
int report_write(const struct result *res, const char *format, FILE *out, struct error *err);

/* As report_write(), with out_name (e.g. the -o FILE path) used in error messages. */
int report_write_named(const struct result *res, const char *format, FILE *out,
		       const char *out_name, struct error *err);

/* The renderers behind report_write(), for tests and for callers that want the bytes: each
 * appends the whole report to sb (which the caller initialised with its own max). Check
 * sbuf_failed(sb) afterwards. `colour` adds ANSI colour to text only. */
void report_text_render(const struct result *res, bool colour, struct sbuf *sb);
void report_json_render(const struct result *res, struct sbuf *sb);
void report_markdown_render(const struct result *res, struct sbuf *sb);
void report_html_render(const struct result *res, struct sbuf *sb);
