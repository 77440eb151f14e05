/* report_text.c - the terminal report: the top causes first, each with why (evidence grouped
 * by the clause that matched, with its weight) and what to do (the fix), then what was ruled
 * out, what could not be checked and how to supply it, the inputs and the warnings.
 *
 * ANSI colour only when the caller asks (report_write() asks when the output is a TTY and
 * NO_COLOR is unset). User-controlled text never carries escapes through: report_util_put()
 * shows control bytes as \xNN.
 */
#include <inttypes.h>
#include <string.h>

#include "common/limits.h"
#include "common/sbuf.h"
#include "rank/result.h"
#include "report.h"
#include "report_util.h"

#define ANSI_RESET  "\033[0m"
#define ANSI_BOLD   "\033[1m"
#define ANSI_DIM    "\033[2m"
#define ANSI_RED    "\033[31m"
#define ANSI_GREEN  "\033[32m"
#define ANSI_YELLOW "\033[33m"
#define ANSI_CYAN   "\033[36m"

/* evidence lines shown per ruled-out cause (a display choice, not an input limit) */
#define RULED_OUT_EVIDENCE 3

struct text_out {
	struct sbuf *sb;
	bool colour;
};

static void style(struct text_out *t, const char *code)
{
	if (t->colour)
		sbuf_addstr(t->sb, code);
}

static void heading(struct text_out *t, const char *title)
{
	sbuf_addch(t->sb, '\n');
	style(t, ANSI_BOLD ANSI_CYAN);
	sbuf_addstr(t->sb, title);
	style(t, ANSI_RESET);
	sbuf_addch(t->sb, '\n');
}

static const char *severity_colour(enum severity s)
{
	switch (s) {
	case SEV_BLOCKER:
	case SEV_ERROR:
		return ANSI_RED;
	case SEV_WARNING:
		return ANSI_YELLOW;
	case SEV_INFO:
		break;
	}
	return ANSI_GREEN;
}

static void put_count(struct sbuf *sb, size_t n, const char *one, const char *many)
{
	sbuf_addf(sb, "%zu %s", n, n == 1 ? one : many);
}

static void put_summary(struct text_out *t, const struct result *res)
{
	style(t, ANSI_BOLD);
	sbuf_addstr(t->sb, "vfio-doctor " VD_VERSION);
	style(t, ANSI_RESET);
	sbuf_addstr(t->sb, ": ");
	if (res->n_findings == 0)
		sbuf_addstr(t->sb, "no known cause found");
	else
		put_count(t->sb, res->n_findings, "possible cause", "possible causes");
	sbuf_addstr(t->sb, ", ");
	put_count(t->sb, res->n_ruled_out, "ruled out", "ruled out");
	sbuf_addstr(t->sb, ", ");
	put_count(t->sb, report_util_unchecked_causes(res), "could not be checked",
		  "could not be checked");
	sbuf_addstr(t->sb, " (");
	put_count(t->sb, res->n_inputs, "input", "inputs");
	sbuf_addstr(t->sb, ")\n");
	if (res->host_summary && *res->host_summary) {
		sbuf_addstr(t->sb, "host: ");
		report_util_put(t->sb, res->host_summary, 0, NULL);
		sbuf_addch(t->sb, '\n');
	}
}

/* Evidence grouped by consecutive clause: the clause and its weight once, its lines under it. */
static void put_evidence(struct text_out *t, const struct finding *f)
{
	size_t shown = report_util_evidence_shown(f);
	size_t hidden = report_util_evidence_hidden(f);
	const char *prev_clause = NULL;
	double prev_weight = 0;

	if (shown == 0 && hidden == 0)
		return;
	sbuf_addstr(t->sb, "    evidence:\n");
	for (size_t i = 0; i < shown; i++) {
		const struct evidence *e = &f->evidence[i];
		bool same = i > 0 && prev_weight == e->weight &&
			    ((!prev_clause && !e->clause) ||
			     (prev_clause && e->clause && strcmp(prev_clause, e->clause) == 0));

		if (!same && (e->clause || e->weight != 0)) {
			sbuf_addstr(t->sb, "      ");
			style(t, ANSI_DIM);
			report_util_put(t->sb, e->clause ? e->clause : "(clause)", 0, NULL);
			sbuf_addf(t->sb, " (%+.1f)", e->weight);
			style(t, ANSI_RESET);
			sbuf_addch(t->sb, '\n');
		}
		prev_clause = e->clause;
		prev_weight = e->weight;
		sbuf_addstr(t->sb, "        ");
		report_util_put_evidence(t->sb, e, 0);
		sbuf_addch(t->sb, '\n');
	}
	if (hidden)
		sbuf_addf(t->sb, "        ... and %zu more\n", hidden);
}

static void put_list(struct text_out *t, const char *label, const char *const *items, size_t n)
{
	if (n == 0)
		return;
	sbuf_addf(t->sb, "    %s:\n", label);
	for (size_t i = 0; i < n; i++) {
		sbuf_addstr(t->sb, "      ");
		report_util_put(t->sb, items[i], 0, NULL);
		sbuf_addch(t->sb, '\n');
	}
}

static void put_finding(struct text_out *t, const struct finding *f, size_t rank)
{
	sbuf_addch(t->sb, '\n');
	style(t, ANSI_BOLD);
	sbuf_addf(t->sb, "#%zu ", rank);
	report_util_put(t->sb, f->title ? f->title : f->id, 0, NULL);
	style(t, ANSI_RESET);
	sbuf_addch(t->sb, '\n');
	sbuf_addf(t->sb, "    confidence: %d%%", report_util_percent(f->confidence));
	if (f->label && *f->label) {
		sbuf_addstr(t->sb, " (");
		report_util_put(t->sb, f->label, 0, NULL);
		sbuf_addch(t->sb, ')');
	}
	sbuf_addstr(t->sb, "  severity: ");
	style(t, severity_colour(f->severity));
	sbuf_addstr(t->sb, severity_name(f->severity));
	style(t, ANSI_RESET);
	sbuf_addstr(t->sb, "  cause: ");
	report_util_put(t->sb, f->id, 0, NULL);
	if (f->category && *f->category) {
		sbuf_addstr(t->sb, " [");
		report_util_put(t->sb, f->category, 0, NULL);
		sbuf_addch(t->sb, ']');
	}
	sbuf_addstr(t->sb, "\n    subject: ");
	report_util_put_subject(t->sb, f, 0);
	sbuf_addch(t->sb, '\n');
	if (f->n_symptoms) {
		sbuf_addstr(t->sb, "    explains: ");
		for (size_t i = 0; i < f->n_symptoms; i++) {
			if (i)
				sbuf_addstr(t->sb, ", ");
			report_util_put(t->sb, f->symptoms[i], 0, NULL);
		}
		sbuf_addch(t->sb, '\n');
	}
	put_evidence(t, f);
	if (f->fix && *f->fix) {
		sbuf_addstr(t->sb, "    fix:\n        ");
		style(t, ANSI_BOLD);
		report_util_put(t->sb, f->fix, PUT_NEWLINES | PUT_INDENT, "        ");
		style(t, ANSI_RESET);
		if (f->fix[strlen(f->fix) - 1] != '\n')
			sbuf_addch(t->sb, '\n');
	}
	put_list(t, "references", f->references, f->n_references);
	if (f->suppressed_by && *f->suppressed_by) {
		sbuf_addstr(t->sb, "    explained by: ");
		report_util_put(t->sb, f->suppressed_by, 0, NULL);
		sbuf_addch(t->sb, '\n');
	}
}

/* A ruled-out cause shows a few lines, the counter-evidence (negative weight) first: the list
 * says why not, the JSON report has all of it. */
static void put_ruled_out_evidence(struct text_out *t, const struct finding *f)
{
	size_t total = f->n_evidence_total > f->n_evidence ? f->n_evidence_total : f->n_evidence;
	size_t shown = 0;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t j = 0; j < f->n_evidence && shown < RULED_OUT_EVIDENCE; j++) {
			const struct evidence *e = &f->evidence[j];

			if ((pass == 0) != (e->weight < 0))
				continue;
			sbuf_addf(t->sb, "      (%+.1f) ", e->weight);
			report_util_put_evidence(t->sb, e, 0);
			sbuf_addch(t->sb, '\n');
			shown++;
		}
	}
	if (total > shown)
		sbuf_addf(t->sb, "      ... and %zu more\n", total - shown);
}

static void put_ruled_out(struct text_out *t, const struct result *res)
{
	if (res->n_ruled_out == 0)
		return;
	heading(t, "Ruled out");
	for (size_t i = 0; i < res->n_ruled_out; i++) {
		const struct finding *f = &res->ruled_out[i];

		sbuf_addstr(t->sb, "  - ");
		report_util_put(t->sb, f->title ? f->title : f->id, 0, NULL);
		sbuf_addstr(t->sb, " (");
		report_util_put(t->sb, f->id, 0, NULL);
		sbuf_addstr(t->sb, ", ");
		report_util_put_subject(t->sb, f, 0);
		sbuf_addstr(t->sb, ")\n");
		if (f->ruled_out_reason && *f->ruled_out_reason) {
			sbuf_addstr(t->sb, "      because: ");
			report_util_put(t->sb, f->ruled_out_reason, 0, NULL);
			sbuf_addch(t->sb, '\n');
		}
		put_ruled_out_evidence(t, f);
	}
}

static void put_unchecked(struct text_out *t, const struct result *res)
{
	if (res->n_unchecked == 0)
		return;
	heading(t, "Could not check");
	for (size_t i = 0; i < res->n_unchecked; i++) {
		const struct unchecked *u = &res->unchecked[i];
		bool same_cause = i > 0 && u->id && res->unchecked[i - 1].id &&
				  strcmp(u->id, res->unchecked[i - 1].id) == 0;

		/* one heading per cause; each of its unmet needs below it */
		if (!same_cause) {
			sbuf_addstr(t->sb, "  - ");
			report_util_put(t->sb, u->title ? u->title : u->id, 0, NULL);
			sbuf_addstr(t->sb, " (");
			report_util_put(t->sb, u->id, 0, NULL);
			sbuf_addstr(t->sb, ")\n");
		}
		if (u->missing && *u->missing) {
			sbuf_addstr(t->sb, "      missing: ");
			report_util_put(t->sb, u->missing, 0, NULL);
			sbuf_addch(t->sb, '\n');
		}
		if (u->command && *u->command) {
			sbuf_addstr(t->sb, "      run: ");
			style(t, ANSI_BOLD);
			report_util_put(t->sb, u->command, 0, NULL);
			style(t, ANSI_RESET);
			sbuf_addch(t->sb, '\n');
		}
	}
}

static void put_inputs(struct text_out *t, const struct result *res)
{
	if (res->n_inputs == 0)
		return;
	heading(t, "Inputs");
	for (size_t i = 0; i < res->n_inputs; i++) {
		const struct input_info *in = &res->inputs[i];

		sbuf_addstr(t->sb, "  ");
		report_util_put(t->sb, in->path ? in->path : "-", 0, NULL);
		sbuf_addstr(t->sb, "  ");
		report_util_put(t->sb, in->kind ? in->kind : "unknown", 0, NULL);
		if (in->first_line || in->last_line)
			sbuf_addf(t->sb, "  lines %u-%u", (unsigned)in->first_line,
				  (unsigned)in->last_line);
		sbuf_addf(t->sb, "  %" PRIu64 " bytes\n", in->bytes);
	}
}

/* Error-like lines no signature explains: what to write knowledge for next. */
static void put_unexplained(struct text_out *t, const struct result *res)
{
	if (res->n_unexplained == 0)
		return;
	heading(t, "Unexplained evidence (looks like an error, no known cause matches)");
	for (size_t i = 0; i < res->n_unexplained; i++) {
		const struct unexplained *u = &res->unexplained[i];
		struct evidence e = { .path = u->path, .line = u->line, .text = u->text };

		sbuf_addstr(t->sb, "  ");
		report_util_put_evidence(t->sb, &e, 0);
		sbuf_addch(t->sb, '\n');
	}
	if (res->n_unexplained_total > res->n_unexplained)
		sbuf_addf(t->sb, "  ... and %zu more\n",
			  res->n_unexplained_total - res->n_unexplained);
}

static void put_warnings(struct text_out *t, const struct result *res)
{
	if (res->n_warnings == 0)
		return;
	heading(t, "Warnings");
	for (size_t i = 0; i < res->n_warnings; i++) {
		const struct result_warning *w = &res->warnings[i];

		sbuf_addstr(t->sb, "  ");
		if (w->path && *w->path) {
			report_util_put(t->sb, w->path, 0, NULL);
			if (w->line)
				sbuf_addf(t->sb, ":%u", (unsigned)w->line);
			sbuf_addstr(t->sb, ": ");
		}
		report_util_put(t->sb, w->message, 0, NULL);
		sbuf_addch(t->sb, '\n');
	}
}

static const char *verdict_text(enum readiness_verdict v)
{
	switch (v) {
	case READINESS_READY:
		return "ready";
	case READINESS_AFTER_FIX:
		return "ready after fix";
	case READINESS_NOT_ISOLATABLE:
		return "not isolatable";
	case READINESS_UNKNOWN:
		break;
	}
	return "unknown";
}

static const char *verdict_colour(enum readiness_verdict v)
{
	return v == READINESS_READY	       ? ANSI_GREEN
	       : v == READINESS_NOT_ISOLATABLE ? ANSI_RED
					       : ANSI_YELLOW;
}

/* "  0000:01:00.0  gpu  group 14  FLR  vfio-pci  ready after fix", then the details indented. */
static void put_readiness(struct text_out *t, const struct result *res)
{
	struct sbuf *sb = t->sb;

	if (res->n_readiness == 0)
		return;
	heading(t, "Passthrough readiness");
	sbuf_addf(sb, "  %-12s  %-7s  %-6s  %-10s  %-14s  %s\n", "DEVICE", "KIND", "GROUP", "RESET",
		  "DRIVER", "VERDICT");
	for (size_t i = 0; i < res->n_readiness && !sbuf_failed(sb); i++) {
		const struct readiness *r = &res->readiness[i];
		size_t mark = sb->len;

		sbuf_addstr(sb, "  ");
		report_util_put(sb, r->bdf, 0, NULL);
		sbuf_addf(sb, "%*s", (int)(14 - (sb->len - mark < 14 ? sb->len - mark : 14)), "");
		sbuf_addf(sb, "  %-7s  ", r->kind ? r->kind : "other");
		if (r->iommu_group >= 0)
			sbuf_addf(sb, "%-6lld  ", (long long)r->iommu_group);
		else
			sbuf_addf(sb, "%-6s  ", "-");
		mark = sb->len;
		report_util_put(sb, r->reset ? r->reset : "unknown", 0, NULL);
		sbuf_addf(sb, "%*s  ", (int)(10 - (sb->len - mark < 10 ? sb->len - mark : 10)), "");
		mark = sb->len;
		report_util_put(sb, r->driver ? r->driver : "-", 0, NULL);
		sbuf_addf(sb, "%*s  ", (int)(14 - (sb->len - mark < 14 ? sb->len - mark : 14)), "");
		style(t, ANSI_BOLD);
		style(t, verdict_colour(r->verdict));
		sbuf_addstr(sb, verdict_text(r->verdict));
		style(t, ANSI_RESET);
		sbuf_addstr(sb, "\n      ");
		report_util_put(
			sb, r->name && strcmp(r->name, r->bdf) != 0 ? r->name : "(not in lspci)", 0,
			NULL);
		if (r->vm) {
			sbuf_addstr(sb, "; VM ");
			report_util_put(sb, r->vm, 0, NULL);
		}
		if (r->boot_vga == 1)
			sbuf_addstr(sb, "; boot VGA");
		if (r->rom) {
			sbuf_addstr(sb, "; ROM: ");
			report_util_put(sb, r->rom, 0, NULL);
		}
		sbuf_addch(sb, '\n');
		if (r->n_peers) {
			sbuf_addstr(sb, "      group shared with: ");
			for (size_t p = 0; p < r->n_peers; p++) {
				if (p)
					sbuf_addstr(sb, ", ");
				report_util_put(sb, r->peers[p], 0, NULL);
			}
			sbuf_addch(sb, '\n');
		}
		if (r->fix) {
			sbuf_addstr(sb, "      fix: ");
			report_util_put(sb, r->fix, 0, NULL);
			sbuf_addch(sb, '\n');
		}
		if (r->why && *r->why) {
			sbuf_addstr(sb, "      why: ");
			report_util_put(sb, r->why, 0, NULL);
			sbuf_addch(sb, '\n');
		}
	}
	if (res->n_readiness_dropped)
		sbuf_addf(sb, "  ... and %zu more devices, not rated (limit %d)\n",
			  res->n_readiness_dropped, MAX_READINESS_ROWS);
}

void report_text_render(const struct result *res, bool colour, struct sbuf *sb)
{
	struct text_out t = { .sb = sb, .colour = colour };

	put_summary(&t, res);
	if (res->n_findings == 0) {
		sbuf_addstr(sb,
			    "\nNo known cause of a passthrough problem was found in the inputs.\n");
		if (res->n_unchecked)
			sbuf_addstr(
				sb,
				"Some causes could not be checked; the commands below supply what "
				"they need.\n");
	} else {
		heading(&t, "Most likely causes, best first");
	}
	for (size_t i = 0; i < res->n_findings && !sbuf_failed(sb); i++)
		put_finding(&t, &res->findings[i], i + 1);
	if (res->n_findings == 0) {
		put_unchecked(&t,
			      res); /* what to supply next matters most when nothing was found */
		put_ruled_out(&t, res);
	} else {
		put_ruled_out(&t, res);
		put_unchecked(&t, res);
	}
	put_readiness(&t, res);
	put_unexplained(&t, res);
	put_inputs(&t, res);
	put_warnings(&t, res);
}
