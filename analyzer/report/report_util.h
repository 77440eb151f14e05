/* report_util.h - helpers the reporters share (internal to analyzer/report/, not an interface).
 *
 * User-controlled text (evidence lines, names, paths, messages) goes through report_util_put(),
 * which copies valid UTF-8 and makes everything else visible: control characters, DEL, C1
 * controls and bytes that are not valid UTF-8 become "\xNN", so a hostile log line cannot
 * move the cursor, change colours or break the output's encoding. Flags add the escaping a
 * format needs on top.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct sbuf;
struct finding;
struct evidence;
struct result;

enum report_put_flags {
	PUT_NEWLINES = 1 << 0, /* keep '\n' (multi-line fields); otherwise it becomes a space */
	PUT_HTML = 1 << 1,     /* escape & < > " ' as entities */
	PUT_MARKDOWN = 1 << 2, /* backslash-escape Markdown punctuation (outside code only) */
	PUT_INDENT = 1 << 3,   /* with PUT_NEWLINES: each '\n' is followed by the indent string */
};

/* Appends s (NULL appends nothing) made safe as described above. indent is used only with
 * PUT_INDENT and may be NULL otherwise. */
void report_util_put(struct sbuf *sb, const char *s, unsigned flags, const char *indent);

/* confidence 0..1 as a whole percent: 100 only for 1, 0 only for 0 (or NaN); else 1..99. */
int report_util_percent(double confidence);

/* The longest run of c in s (after the transformation report_util_put applies, which never
 * adds backticks or tildes). NULL gives 0. */
size_t report_util_longest_run(const char *s, char c);

/* How many evidence lines a text-like report shows for f (at most MAX_EVIDENCE), and how many
 * it leaves out ("... and N more"), counting n_evidence_total when the ranker cut some. */
size_t report_util_evidence_shown(const struct finding *f);
size_t report_util_evidence_hidden(const struct finding *f);

/* How many distinct causes res->unchecked names (a cause with two unmet needs counts once). */
size_t report_util_unchecked_causes(const struct result *res);

/* "path:line: text", "path: text" (line 0) or "text" (no path), made safe with flags. */
void report_util_put_evidence(struct sbuf *sb, const struct evidence *e, unsigned flags);

/* "device 0000:01:00.0 (NVIDIA ...)", "vm 103 (win11)", "host". */
void report_util_put_subject(struct sbuf *sb, const struct finding *f, unsigned flags);
