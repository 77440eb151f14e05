/* report_html.c - one self-contained HTML file (inline CSS, no script, no network) with the
 * same content as the text report: findings with evidence, fix and references, then ruled out,
 * could not check, inputs and warnings. Every user-controlled string is entity-escaped and its
 * control bytes shown as \xNN (report_util_put with PUT_HTML). The PCI tree picture is a later
 * issue.
 */
#include <inttypes.h>
#include <string.h>

#include "common/limits.h"
#include "common/sbuf.h"
#include "rank/result.h"
#include "report.h"
#include "report_util.h"

static const char css[] =
	"body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
	"color:#222;line-height:1.45}"
	"h1{font-size:1.5rem}h2{font-size:1.2rem;border-bottom:1px solid #ccc;margin-top:2rem}"
	"section.finding{border:1px solid #ccc;border-left:6px solid #888;border-radius:4px;"
	"padding:.5rem 1rem;margin:1rem 0}"
	"section.blocker,section.error{border-left-color:#c0392b}"
	"section.warning{border-left-color:#d4a017}section.info{border-left-color:#2e86c1}"
	".meta{color:#555}.sev{font-weight:bold;text-transform:uppercase}"
	".bar{display:inline-block;height:.6rem;background:#2e86c1;vertical-align:middle}"
	"pre{background:#f5f5f5;padding:.5rem;overflow-x:auto;white-space:pre-wrap;"
	"word-break:break-all}"
	"table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;"
	"text-align:left}"
	"code{background:#f5f5f5;padding:0 .2rem}.clause{color:#555;font-size:.9em}"
	"footer{margin-top:2rem;color:#777;font-size:.85em}";

static void h(struct sbuf *sb, const char *s)
{
	report_util_put(sb, s, PUT_HTML, NULL);
}

static void put_evidence(struct sbuf *sb, const struct finding *f)
{
	size_t shown = report_util_evidence_shown(f);
	size_t hidden = report_util_evidence_hidden(f);

	if (shown == 0)
		return;
	sbuf_addf(sb, "<details open><summary>Evidence (%zu)</summary>\n<pre>", shown + hidden);
	for (size_t i = 0; i < shown; i++) {
		const struct evidence *e = &f->evidence[i];

		sbuf_addstr(sb, "<span class=\"clause\">[");
		h(sb, e->clause ? e->clause : "");
		sbuf_addf(sb, " %+.1f]</span> ", e->weight);
		report_util_put_evidence(sb, e, PUT_HTML);
		sbuf_addch(sb, '\n');
	}
	if (hidden)
		sbuf_addf(sb, "... and %zu more\n", hidden);
	sbuf_addstr(sb, "</pre></details>\n");
}

/* References are links when they are plain http(s) URLs (nothing is loaded until clicked). */
static void put_references(struct sbuf *sb, const char *const *v, size_t n)
{
	if (n == 0)
		return;
	sbuf_addstr(sb, "<p><b>References:</b></p><ul>\n");
	for (size_t i = 0; i < n; i++) {
		const char *r = v[i] ? v[i] : "";
		bool url = (strncmp(r, "https://", 8) == 0 || strncmp(r, "http://", 7) == 0) &&
			   strcspn(r, " <>\"'`\t\r\n") == strlen(r);

		sbuf_addstr(sb, "<li>");
		if (url) {
			sbuf_addstr(sb, "<a href=\"");
			h(sb, r);
			sbuf_addstr(sb, "\" rel=\"noreferrer\">");
		}
		h(sb, r);
		if (url)
			sbuf_addstr(sb, "</a>");
		sbuf_addstr(sb, "</li>\n");
	}
	sbuf_addstr(sb, "</ul>\n");
}

static void put_finding(struct sbuf *sb, const struct finding *f, size_t rank)
{
	int pct = report_util_percent(f->confidence);
	const char *sev = severity_name(f->severity);

	sbuf_addf(sb, "<section class=\"finding %s\">\n<h3>%zu. ", sev, rank);
	h(sb, f->title ? f->title : f->id);
	sbuf_addstr(sb, "</h3>\n<p class=\"meta\">");
	sbuf_addf(sb, "<span class=\"bar\" style=\"width:%dpx\"></span> %d%%", pct, pct);
	if (f->label && *f->label) {
		sbuf_addstr(sb, " (");
		h(sb, f->label);
		sbuf_addch(sb, ')');
	}
	sbuf_addf(sb, " &middot; <span class=\"sev\">%s</span> &middot; <code>", sev);
	h(sb, f->id);
	sbuf_addstr(sb, "</code>");
	if (f->category && *f->category) {
		sbuf_addstr(sb, " &middot; ");
		h(sb, f->category);
	}
	sbuf_addstr(sb, "<br>Subject: ");
	report_util_put_subject(sb, f, PUT_HTML);
	if (f->suppressed_by && *f->suppressed_by) {
		sbuf_addstr(sb, "<br>Explained by: <code>");
		h(sb, f->suppressed_by);
		sbuf_addstr(sb, "</code>");
	}
	sbuf_addstr(sb, "</p>\n");
	if (f->n_symptoms) {
		sbuf_addstr(sb, "<p><b>Explains:</b> ");
		for (size_t i = 0; i < f->n_symptoms; i++) {
			if (i)
				sbuf_addstr(sb, ", ");
			h(sb, f->symptoms[i]);
		}
		sbuf_addstr(sb, "</p>\n");
	}
	put_evidence(sb, f);
	if (f->fix && *f->fix) {
		sbuf_addstr(sb, "<p><b>Fix:</b></p>\n<pre>");
		report_util_put(sb, f->fix, PUT_HTML | PUT_NEWLINES, NULL);
		sbuf_addstr(sb, "</pre>\n");
	}
	put_references(sb, f->references, f->n_references);
	sbuf_addstr(sb, "</section>\n");
}

static void put_ruled_out(struct sbuf *sb, const struct result *res)
{
	if (res->n_ruled_out == 0)
		return;
	sbuf_addstr(sb, "<h2>Ruled out</h2>\n<table><tr><th>Cause</th><th>Subject</th>"
			"<th>Reason</th></tr>\n");
	for (size_t i = 0; i < res->n_ruled_out; i++) {
		const struct finding *f = &res->ruled_out[i];

		sbuf_addstr(sb, "<tr><td>");
		h(sb, f->title ? f->title : f->id);
		sbuf_addstr(sb, " <code>");
		h(sb, f->id);
		sbuf_addstr(sb, "</code></td><td>");
		report_util_put_subject(sb, f, PUT_HTML);
		sbuf_addstr(sb, "</td><td>");
		h(sb, f->ruled_out_reason);
		sbuf_addstr(sb, "</td></tr>\n");
	}
	sbuf_addstr(sb, "</table>\n");
}

static void put_unchecked(struct sbuf *sb, const struct result *res)
{
	if (res->n_unchecked == 0)
		return;
	sbuf_addstr(sb, "<h2>Could not check</h2>\n<table><tr><th>Cause</th><th>Missing</th>"
			"<th>Run</th></tr>\n");
	for (size_t i = 0; i < res->n_unchecked; i++) {
		const struct unchecked *u = &res->unchecked[i];

		sbuf_addstr(sb, "<tr><td>");
		h(sb, u->title ? u->title : u->id);
		sbuf_addstr(sb, " <code>");
		h(sb, u->id);
		sbuf_addstr(sb, "</code></td><td>");
		h(sb, u->missing);
		sbuf_addstr(sb, "</td><td><code>");
		h(sb, u->command);
		sbuf_addstr(sb, "</code></td></tr>\n");
	}
	sbuf_addstr(sb, "</table>\n");
}

static void put_inputs(struct sbuf *sb, const struct result *res)
{
	if (res->n_inputs == 0)
		return;
	sbuf_addstr(sb, "<h2>Inputs</h2>\n<table><tr><th>Path</th><th>Kind</th><th>Lines</th>"
			"<th>Bytes</th></tr>\n");
	for (size_t i = 0; i < res->n_inputs; i++) {
		const struct input_info *in = &res->inputs[i];

		sbuf_addstr(sb, "<tr><td>");
		h(sb, in->path);
		sbuf_addstr(sb, "</td><td>");
		h(sb, in->kind);
		sbuf_addf(sb, "</td><td>%u-%u</td><td>%" PRIu64 "</td></tr>\n",
			  (unsigned)in->first_line, (unsigned)in->last_line, in->bytes);
	}
	sbuf_addstr(sb, "</table>\n");
}

static void put_warnings(struct sbuf *sb, const struct result *res)
{
	if (res->n_warnings == 0)
		return;
	sbuf_addstr(sb, "<h2>Warnings</h2>\n<ul>\n");
	for (size_t i = 0; i < res->n_warnings; i++) {
		const struct result_warning *w = &res->warnings[i];

		sbuf_addstr(sb, "<li>");
		if (w->path && *w->path) {
			h(sb, w->path);
			if (w->line)
				sbuf_addf(sb, ":%u", (unsigned)w->line);
			sbuf_addstr(sb, ": ");
		}
		h(sb, w->message);
		sbuf_addstr(sb, "</li>\n");
	}
	sbuf_addstr(sb, "</ul>\n");
}

void report_html_render(const struct result *res, struct sbuf *sb)
{
	sbuf_addstr(sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			"<title>vfio-doctor report</title>\n<style>");
	sbuf_addstr(sb, css);
	sbuf_addstr(sb, "</style>\n</head>\n<body>\n<h1>vfio-doctor report</h1>\n");
	sbuf_addf(
		sb,
		"<p>%zu possible cause%s, %zu ruled out, %zu could not be checked (%zu input%s).</p>\n",
		res->n_findings, res->n_findings == 1 ? "" : "s", res->n_ruled_out,
		report_util_unchecked_causes(res), res->n_inputs, res->n_inputs == 1 ? "" : "s");
	if (res->host_summary && *res->host_summary) {
		sbuf_addstr(sb, "<p class=\"meta\">Host: ");
		h(sb, res->host_summary);
		sbuf_addstr(sb, "</p>\n");
	}
	if (res->n_findings == 0)
		sbuf_addstr(sb, "<p>No known cause of a passthrough problem was found in the "
				"inputs.</p>\n");
	else
		sbuf_addstr(sb, "<h2>Most likely causes, best first</h2>\n");
	for (size_t i = 0; i < res->n_findings && !sbuf_failed(sb); i++)
		put_finding(sb, &res->findings[i], i + 1);
	put_unchecked(sb, res);
	put_ruled_out(sb, res);
	put_inputs(sb, res);
	put_warnings(sb, res);
	sbuf_addstr(sb, "<footer>Generated offline by vfio-doctor " VD_VERSION
			".</footer>\n</body>\n</html>\n");
}
