/* report_markdown.c - a reply a forum helper pastes into a thread (Proxmox forum, Reddit,
 * GitHub): a one-paragraph summary, each likely cause as a heading with its fix in a code
 * block and its evidence folded in <details>, what to post next to confirm, and a footer.
 *
 * User-controlled text outside code is backslash-escaped (report_util_put with PUT_MARKDOWN);
 * code blocks and code spans use a backtick fence longer than any backtick run in their
 * content, so no evidence line can close them early.
 */
#include <string.h>

#include "common/limits.h"
#include "common/sbuf.h"
#include "rank/result.h"
#include "report.h"
#include "report_util.h"

static void put_fence(struct sbuf *sb, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sbuf_addch(sb, '`');
}

/* A fenced code block holding body (already made safe, may span lines). */
static void code_block(struct sbuf *sb, const char *body, size_t len)
{
	size_t run = report_util_longest_run(body, '`');
	size_t fence = run >= 3 ? run + 1 : 3;

	put_fence(sb, fence);
	sbuf_addstr(sb, "text\n");
	sbuf_add(sb, body, len);
	if (len == 0 || body[len - 1] != '\n')
		sbuf_addch(sb, '\n');
	put_fence(sb, fence);
	sbuf_addstr(sb, "\n\n");
}

/* An inline code span of s flattened to one line. */
static void code_span(struct sbuf *sb, const char *s)
{
	struct sbuf tmp;
	size_t fence;
	bool pad;

	sbuf_init(&tmp, MAX_FIX_BYTES);
	report_util_put(&tmp, s, 0, NULL);
	if (sbuf_failed(&tmp)) {
		sbuf_reset(&tmp);
		sbuf_addstr(&tmp, "(too long to show)");
	}
	fence = report_util_longest_run(tmp.buf, '`') + 1;
	pad = tmp.len && (tmp.buf[0] == '`' || tmp.buf[tmp.len - 1] == '`' || tmp.buf[0] == ' ');
	put_fence(sb, fence);
	if (pad)
		sbuf_addch(sb, ' ');
	sbuf_add(sb, tmp.buf, tmp.len);
	if (pad)
		sbuf_addch(sb, ' ');
	put_fence(sb, fence);
	sbuf_release(&tmp);
}

static void text(struct sbuf *sb, const char *s)
{
	report_util_put(sb, s, PUT_MARKDOWN, NULL);
}

static const char *title_of(const struct finding *f)
{
	return f->title && *f->title ? f->title : (f->id ? f->id : "");
}

static void put_cause_brief(struct sbuf *sb, const struct finding *f)
{
	sbuf_addstr(sb, "**");
	text(sb, title_of(f));
	sbuf_addstr(sb, "** on ");
	if (!f->subject.kind || strcmp(f->subject.kind, "host") == 0)
		sbuf_addstr(sb, "the host");
	else
		report_util_put_subject(sb, f, PUT_MARKDOWN);
	sbuf_addf(sb, " (%d%%", report_util_percent(f->confidence));
	if (f->label && *f->label) {
		sbuf_addstr(sb, ", ");
		text(sb, f->label);
	}
	sbuf_addch(sb, ')');
}

static void put_summary(struct sbuf *sb, const struct result *res)
{
	if (res->n_findings == 0) {
		sbuf_addstr(sb,
			    "vfio-doctor found no known cause of a passthrough problem in what was "
			    "posted.");
	} else {
		sbuf_addstr(sb, "Most likely: ");
		put_cause_brief(sb, &res->findings[0]);
		sbuf_addch(sb, '.');
		if (res->n_findings > 1) {
			sbuf_addstr(sb, " Also possible: ");
			for (size_t i = 1; i < res->n_findings && i < 4; i++) {
				if (i > 1)
					sbuf_addstr(sb, "; ");
				put_cause_brief(sb, &res->findings[i]);
			}
			if (res->n_findings > 4)
				sbuf_addf(sb, "; and %zu more", res->n_findings - 4);
			sbuf_addch(sb, '.');
		}
	}
	if (res->n_ruled_out)
		sbuf_addf(sb, " %zu cause%s ruled out.", res->n_ruled_out,
			  res->n_ruled_out == 1 ? " was" : "s were");
	if (res->n_unchecked)
		sbuf_addstr(sb, " To confirm, please post the output listed below.");
	sbuf_addstr(sb, "\n\n");
	if (res->host_summary && *res->host_summary) {
		sbuf_addstr(sb, "Host: ");
		text(sb, res->host_summary);
		sbuf_addstr(sb, "\n\n");
	}
}

static void put_references(struct sbuf *sb, const struct finding *f)
{
	if (f->n_references == 0)
		return;
	sbuf_addstr(sb, "References:\n");
	for (size_t i = 0; i < f->n_references; i++) {
		const char *r = f->references[i] ? f->references[i] : "";
		bool url = (strncmp(r, "https://", 8) == 0 || strncmp(r, "http://", 7) == 0) &&
			   strcspn(r, " <>\t\r\n\"`") == strlen(r);

		sbuf_addstr(sb, "- ");
		if (url) {
			sbuf_addch(sb, '<');
			report_util_put(sb, r, 0, NULL);
			sbuf_addch(sb, '>');
		} else {
			text(sb, r);
		}
		sbuf_addch(sb, '\n');
	}
	sbuf_addch(sb, '\n');
}

static void put_evidence(struct sbuf *sb, const struct finding *f)
{
	size_t shown = report_util_evidence_shown(f);
	size_t hidden = report_util_evidence_hidden(f);
	struct sbuf body;

	if (shown == 0)
		return;
	sbuf_init(&body, MAX_OUTPUT_BYTES);
	for (size_t i = 0; i < shown; i++) {
		report_util_put_evidence(&body, &f->evidence[i], 0);
		sbuf_addch(&body, '\n');
	}
	if (hidden)
		sbuf_addf(&body, "... and %zu more\n", hidden);
	sbuf_addf(sb, "<details><summary>Evidence (%zu line%s)</summary>\n\n", shown + hidden,
		  shown + hidden == 1 ? "" : "s");
	if (sbuf_failed(&body))
		sb->failed = true;
	else
		code_block(sb, body.buf, body.len);
	sbuf_addstr(sb, "</details>\n\n");
	sbuf_release(&body);
}

static void put_fix(struct sbuf *sb, const struct finding *f)
{
	struct sbuf body;

	if (!f->fix || !*f->fix)
		return;
	sbuf_init(&body, MAX_OUTPUT_BYTES);
	report_util_put(&body, f->fix, PUT_NEWLINES, NULL);
	sbuf_addstr(sb, "Fix:\n\n");
	if (sbuf_failed(&body))
		sb->failed = true;
	else
		code_block(sb, body.buf, body.len);
	sbuf_release(&body);
}

static void put_finding(struct sbuf *sb, const struct finding *f, size_t rank)
{
	sbuf_addf(sb, "### %zu. ", rank);
	text(sb, title_of(f));
	sbuf_addf(sb, " (%d%%", report_util_percent(f->confidence));
	if (f->label && *f->label) {
		sbuf_addstr(sb, ", ");
		text(sb, f->label);
	}
	sbuf_addstr(sb, ")\n\n");
	sbuf_addstr(sb, "- Severity: ");
	sbuf_addstr(sb, severity_name(f->severity));
	sbuf_addstr(sb, "\n- Subject: ");
	report_util_put_subject(sb, f, PUT_MARKDOWN);
	sbuf_addstr(sb, "\n- Cause: ");
	code_span(sb, f->id ? f->id : "");
	sbuf_addstr(sb, "\n");
	if (f->n_symptoms) {
		sbuf_addstr(sb, "- Explains: ");
		for (size_t i = 0; i < f->n_symptoms; i++) {
			if (i)
				sbuf_addstr(sb, ", ");
			text(sb, f->symptoms[i]);
		}
		sbuf_addch(sb, '\n');
	}
	sbuf_addch(sb, '\n');
	put_fix(sb, f);
	put_evidence(sb, f);
	put_references(sb, f);
}

static void put_ruled_out(struct sbuf *sb, const struct result *res)
{
	if (res->n_ruled_out == 0)
		return;
	sbuf_addstr(sb, "### Ruled out\n\n");
	for (size_t i = 0; i < res->n_ruled_out; i++) {
		const struct finding *f = &res->ruled_out[i];

		sbuf_addstr(sb, "- ");
		text(sb, title_of(f));
		sbuf_addstr(sb, " (");
		report_util_put_subject(sb, f, PUT_MARKDOWN);
		sbuf_addch(sb, ')');
		if (f->ruled_out_reason && *f->ruled_out_reason) {
			sbuf_addstr(sb, ": ");
			text(sb, f->ruled_out_reason);
		}
		sbuf_addch(sb, '\n');
	}
	sbuf_addch(sb, '\n');
}

static bool same_str(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* Unmet needs are grouped by command, so a helper asks for `lspci -nnk` once however many causes
 * it would settle; each line names those causes and what is missing. */
static void put_unchecked(struct sbuf *sb, const struct result *res)
{
	if (res->n_unchecked == 0)
		return;
	sbuf_addstr(sb, "### To confirm, please post\n\n");
	for (size_t i = 0; i < res->n_unchecked; i++) {
		const struct unchecked *u = &res->unchecked[i];
		bool seen = false;
		size_t n_causes = 0;

		for (size_t j = 0; j < i && !seen; j++)
			seen = u->command && *u->command &&
			       same_str(res->unchecked[j].command, u->command);
		if (seen)
			continue;
		sbuf_addstr(sb, "- ");
		if (u->command && *u->command)
			code_span(sb, u->command);
		else
			text(sb, u->missing ? u->missing : "more output");
		sbuf_addstr(sb, " (to check ");
		for (size_t j = i; j < res->n_unchecked; j++) {
			const struct unchecked *v = &res->unchecked[j];
			bool dup = false;

			if (j != i &&
			    !(u->command && *u->command && same_str(v->command, u->command)))
				continue;
			for (size_t k = i; k < j && !dup; k++)
				dup = same_str(res->unchecked[k].id, v->id) &&
				      (k == i || same_str(res->unchecked[k].command, u->command));
			if (dup)
				continue;
			if (n_causes++)
				sbuf_addstr(sb, ", ");
			text(sb, v->title && *v->title ? v->title : v->id);
		}
		if (u->command && *u->command && u->missing && *u->missing) {
			sbuf_addstr(sb, "; missing: ");
			text(sb, u->missing);
		}
		sbuf_addstr(sb, ")\n");
	}
	sbuf_addch(sb, '\n');
}

static const char *const md_verdicts[] = {
	[READINESS_READY] = "ready",
	[READINESS_AFTER_FIX] = "ready after fix",
	[READINESS_NOT_ISOLATABLE] = "**not isolatable**",
	[READINESS_UNKNOWN] = "unknown",
};

/* One table row per device; cells are escaped text (GitHub tables need '|' escaped even in
 * code spans, so none are used). */
static void put_readiness(struct sbuf *sb, const struct result *res)
{
	if (res->n_readiness == 0)
		return;
	sbuf_addstr(sb,
		    "### Passthrough readiness\n\n| Device | IOMMU group | Reset | Driver | ROM | "
		    "Boot VGA | VM | Verdict |\n| --- | --- | --- | --- | --- | --- | --- | --- "
		    "|\n");
	for (size_t i = 0; i < res->n_readiness && !sbuf_failed(sb); i++) {
		const struct readiness *r = &res->readiness[i];

		sbuf_addstr(sb, "| ");
		text(sb, r->bdf);
		if (r->name && strcmp(r->name, r->bdf) != 0) {
			sbuf_addstr(sb, " ");
			text(sb, r->name);
		}
		sbuf_addstr(sb, " | ");
		if (r->iommu_group >= 0)
			sbuf_addf(sb, "%lld", (long long)r->iommu_group);
		else
			sbuf_addstr(sb, "unknown");
		for (size_t p = 0; p < r->n_peers; p++) {
			sbuf_addstr(sb, p ? ", " : " with ");
			text(sb, r->peers[p]);
		}
		sbuf_addstr(sb, " | ");
		text(sb, r->reset ? r->reset : "unknown");
		sbuf_addstr(sb, " | ");
		text(sb, r->driver ? r->driver : "-");
		sbuf_addstr(sb, " | ");
		text(sb, r->rom ? r->rom : "-");
		sbuf_addf(sb, " | %s | ", r->boot_vga == 1 ? "yes" : r->boot_vga == 0 ? "no" : "-");
		text(sb, r->vm ? r->vm : "-");
		sbuf_addf(
			sb, " | %s",
			md_verdicts[(unsigned)r->verdict <= READINESS_UNKNOWN ? r->verdict
									      : READINESS_UNKNOWN]);
		if (r->fix) {
			sbuf_addstr(sb, ": ");
			text(sb, r->fix);
		}
		if (r->why && *r->why) {
			sbuf_addstr(sb, " (");
			text(sb, r->why);
			sbuf_addch(sb, ')');
		}
		sbuf_addstr(sb, " |\n");
	}
	sbuf_addch(sb, '\n');
	if (res->n_readiness_dropped)
		sbuf_addf(sb, "%zu more devices were not rated (limit %d).\n\n",
			  res->n_readiness_dropped, MAX_READINESS_ROWS);
}

/* Error-like lines no signature explains, folded: what to write knowledge for next. */
static void put_unexplained(struct sbuf *sb, const struct result *res)
{
	struct sbuf body;

	if (res->n_unexplained == 0)
		return;
	sbuf_init(&body, MAX_OUTPUT_BYTES);
	for (size_t i = 0; i < res->n_unexplained; i++) {
		const struct unexplained *u = &res->unexplained[i];
		struct evidence e = { .path = u->path, .line = u->line, .text = u->text };

		report_util_put_evidence(&body, &e, 0);
		sbuf_addch(&body, '\n');
	}
	if (res->n_unexplained_total > res->n_unexplained)
		sbuf_addf(&body, "... and %zu more\n",
			  res->n_unexplained_total - res->n_unexplained);
	sbuf_addf(sb,
		  "<details><summary>Unexplained evidence (%zu line%s like an error; no known "
		  "cause matches)</summary>\n\n",
		  res->n_unexplained_total, res->n_unexplained_total == 1 ? " looks" : "s look");
	if (sbuf_failed(&body))
		sb->failed = true;
	else
		code_block(sb, body.buf, body.len);
	sbuf_addstr(sb, "</details>\n\n");
	sbuf_release(&body);
}

void report_markdown_render(const struct result *res, struct sbuf *sb)
{
	put_summary(sb, res);
	for (size_t i = 0; i < res->n_findings && !sbuf_failed(sb); i++)
		put_finding(sb, &res->findings[i], i + 1);
	put_unchecked(sb, res);
	put_ruled_out(sb, res);
	put_readiness(sb, res);
	put_unexplained(sb, res);
	sbuf_addf(sb, "---\n<sub>Generated offline by vfio-doctor %s from %zu input%s.</sub>\n",
		  VD_VERSION, res->n_inputs, res->n_inputs == 1 ? "" : "s");
}
