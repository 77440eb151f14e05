/* report_html.c - one self-contained HTML file (inline CSS and inline SVG, no script, no
 * network): the top causes with confidence and fix, the PCI tree drawn as SVG (root ports,
 * bridges and devices as boxes with name, ids, driver and claiming VM; IOMMU groups as boxes
 * around their members; problem and passthrough devices marked by colour, legend and a text
 * label), the findings with evidence, fix and references, the readiness table, every device,
 * then ruled out, could not check, inputs and warnings. Every user-controlled string is
 * entity-escaped and its control bytes shown as \xNN (report_util_put with PUT_HTML); the only
 * http(s) URLs are <a href> links of knowledge references. Layout: docs/html-report.md.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "common/pciaddr.h"
#include "common/sbuf.h"
#include "common/xalloc.h"
#include "rank/result.h"
#include "report.h"
#include "report_util.h"

static const char css[] =
	"body{font-family:system-ui,sans-serif;max-width:90rem;margin:1.5rem auto;padding:0 1rem;"
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
	"text-align:left;vertical-align:top}"
	"code{background:#f5f5f5;padding:0 .2rem}.clause{color:#555;font-size:.9em}"
	".top{background:#f4f8fc;border:1px solid #c9dbea;border-radius:6px;padding:.2rem 1rem}"
	".top h2{border:0;margin-top:.6rem}.pct{font-weight:bold;color:#1f5f99}"
	".pic{overflow-x:auto;border:1px solid #ddd;border-radius:6px;padding:.5rem;"
	"background:#fcfcfc}"
	"svg.tree{font:11px ui-monospace,Menlo,Consolas,monospace;max-width:none}"
	"svg.tree .dev rect{fill:#fff;stroke:#8a94a6;stroke-width:1}"
	"svg.tree .dev.bridge rect{fill:#eef1f5}"
	"svg.tree .dev.passthrough rect{fill:#dcecfb;stroke:#1f6fb2;stroke-width:2}"
	"svg.tree .dev.problem rect{fill:#fdecea;stroke:#c0392b;stroke-width:2.5}"
	"svg.tree .drv{text-anchor:end;fill:#2d5a27}svg.tree .bdf{font-weight:bold}svg.tree .ids{fill:#555}svg.tree .sub{fill:#666}"
	"svg.tree .mark-problem{fill:#a93226;font-weight:bold}"
	"svg.tree .dev.warn rect{fill:#fff4dc;stroke:#c98a00;stroke-width:2.5}"
	"svg.tree .mark-warn{fill:#8a5a00;font-weight:bold}"
	"svg.tree .mark-vm{fill:#1f5f99;font-weight:bold}"
	"svg.tree .group-box{fill:#faf6e8;stroke:#b8a25a;stroke-dasharray:4 3}"
	"svg.tree .group-label{fill:#7d6a2a;font-size:10px}"
	"svg.tree .not-isolatable .group-box{fill:#fbeeee;stroke:#c0392b}"
	"svg.tree .not-isolatable .group-label{fill:#a93226;font-weight:bold}"
	"svg.tree .edge{fill:none;stroke:#9aa3b1}"
	"svg.tree .col-head{font-weight:bold;font-size:12px;fill:#333}"
	".legend>span{white-space:nowrap;margin-right:1.2em;display:inline-block}"
	".legend .sw{display:inline-block;width:1.4em;height:.9em;border:2px solid;"
	"vertical-align:middle;margin:0 .3em 0 0;border-radius:3px}"
	".sw-problem{background:#fdecea;border-color:#c0392b!important}"
	".sw-warn{background:#fff4dc;border-color:#c98a00!important}"
	".sw-vm{background:#dcecfb;border-color:#1f6fb2!important}"
	".sw-bridge{background:#eef1f5;border-color:#8a94a6!important}"
	".sw-group{background:#faf6e8;border-color:#b8a25a!important;border-style:dashed!important}"
	".verdict{font-weight:bold;white-space:nowrap;padding:0 .3em;border-radius:3px}"
	".verdict.ready{color:#1e7b34;background:#e6f4ea}"
	".verdict.ready-after-fix{color:#8a5a00;background:#fdf3dc}"
	".verdict.not-isolatable{color:#a93226;background:#fbeaea}"
	".verdict.unknown{color:#555;background:#eee}"
	"table.ready td,table.devs td{font-size:.9em}.note{color:#555;font-style:italic}"
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

	sbuf_addf(sb, "<section class=\"finding %s\" id=\"f%zu\" data-finding=\"", sev, rank);
	h(sb, f->id);
	sbuf_addf(sb, "\">\n<h3>%zu. ", rank);
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

/* Error-like lines no signature explains: what to write knowledge for next. */
static void put_unexplained(struct sbuf *sb, const struct result *res)
{
	if (res->n_unexplained == 0)
		return;
	sbuf_addf(sb,
		  "<h2>Unexplained evidence</h2>\n<p>%zu line%s like an error; no known cause "
		  "matches.</p>\n<pre>",
		  res->n_unexplained_total, res->n_unexplained_total == 1 ? " looks" : "s look");
	for (size_t i = 0; i < res->n_unexplained; i++) {
		const struct unexplained *u = &res->unexplained[i];
		struct evidence e = { .path = u->path, .line = u->line, .text = u->text };

		report_util_put_evidence(sb, &e, PUT_HTML);
		sbuf_addch(sb, '\n');
	}
	if (res->n_unexplained_total > res->n_unexplained)
		sbuf_addf(sb, "... and %zu more\n", res->n_unexplained_total - res->n_unexplained);
	sbuf_addstr(sb, "</pre>\n");
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

/* ---- the PCI picture ---- */

#define BOX_W	   260 /* device box */
#define BOX_H	   46
#define ROW_GAP	   8
#define INDENT	   18 /* per bridge level */
#define LABEL_H	   15 /* band above a group run for its label */
#define GROUP_PAD  5
#define COL_GAP	   36
#define HEAD_H	   26	/* column heading */
#define PIC_MAX_W  1360 /* columns wrap into a new band beyond this width */
#define COL_ROWS   12	/* rows after which a column may continue in the next one, at least */
#define PIC_COLS   4	/* columns that fit in PIC_MAX_W: longer columns balance them */
#define NAME_CHARS 37	/* characters of a name shown in a box */

struct slot {
	const struct pci_device *d;
	int col;
	int x, y;
	bool run_start, run_end; /* of a group run inside the column */
};

struct column {
	char key[PCIADDR_STR_MAX]; /* root bus "dddd:bb" */
	bool cont;		   /* continues the column before it */
	int x, y, w, h;		   /* y: top of the band */
};

/* Appends at most max characters of s (UTF-8 aware), escaped, with "..." when cut. */
static void put_cut(struct sbuf *sb, const char *s, size_t max)
{
	size_t i = 0, chars = 0;

	if (!s)
		return;
	while (s[i] && chars < max) {
		i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		chars++;
	}
	if (!s[i]) {
		h(sb, s);
		return;
	}
	char *cut = xmalloc(i + 1);
	memcpy(cut, s, i);
	cut[i] = '\0';
	h(sb, cut);
	free(cut);
	sbuf_addstr(sb, "&#8230;");
}

static bool is_ready_problem(const struct result *res, int64_t grp)
{
	for (size_t i = 0; i < res->n_readiness; i++)
		if (res->readiness[i].iommu_group == grp &&
		    res->readiness[i].verdict == READINESS_NOT_ISOLATABLE)
			return true;
	return false;
}

static const struct pci_device *dev_by_bdf(const struct result *res, const char *bdf)
{
	for (size_t i = 0; bdf && i < res->n_devices; i++)
		if (strcmp(res->devices[i].bdf, bdf) == 0)
			return &res->devices[i];
	return NULL;
}

static bool interesting(const struct pci_device *d)
{
	int base = d->class_code >> 8;

	return d->passthrough || d->n_problems ||
	       (d->driver && strcmp(d->driver, "vfio-pci") == 0) || base == 0x03 || base == 0x02 ||
	       base == 0x01 || d->class_code == 0x0c03 || d->class_code == 0x0403;
}

/* Which devices get a box: all when they fit, else the interesting ones, their bridges and
 * group peers first, then the rest but platform registers, up to MAX_DRAWN_DEVICES. */
static size_t choose_drawn(const struct result *res, bool *drawn)
{
	size_t n = 0;

	if (res->n_devices <= MAX_DRAWN_DEVICES) {
		for (size_t i = 0; i < res->n_devices; i++)
			drawn[i] = true;
		return res->n_devices;
	}
	for (size_t i = 0; i < res->n_devices && n < MAX_DRAWN_DEVICES; i++) {
		const struct pci_device *d = &res->devices[i];

		if (!interesting(d))
			continue;
		for (const struct pci_device *p = d; p && n < MAX_DRAWN_DEVICES;
		     p = dev_by_bdf(res, p->parent)) {
			size_t k = (size_t)(p - res->devices);

			if (!drawn[k]) {
				drawn[k] = true;
				n++;
			}
		}
		for (size_t j = 0; j < res->n_devices && n < MAX_DRAWN_DEVICES; j++)
			if (!drawn[j] && d->iommu_group >= 0 &&
			    res->devices[j].iommu_group == d->iommu_group) {
				drawn[j] = true;
				n++;
			}
	}
	/* then the rest in tree order; platform registers (system peripherals, performance
	 * counters: dozens per CPU socket on servers) only appear in the device table */
	for (size_t i = 0; i < res->n_devices && n < MAX_DRAWN_DEVICES; i++) {
		int base = res->devices[i].class_code >> 8;

		if (!drawn[i] && base != 0x08 && base != 0x11) {
			drawn[i] = true;
			n++;
		}
	}
	return n;
}

/* "dddd:bb" of the root bus d hangs from. */
static void root_key(const struct result *res, const struct pci_device *d, char *key)
{
	int guard = 0;

	while (d->parent && guard++ < MAX_TOPOLOGY_DEPTH) {
		const struct pci_device *p = dev_by_bdf(res, d->parent);
		if (!p)
			break;
		d = p;
	}
	snprintf(key, PCIADDR_STR_MAX, "%.7s", d->bdf);
}

/* Places the drawn devices into columns (one per root bus, continued past col_rows) and the
 * columns into bands PIC_MAX_W wide. Returns the picture's height; *width its width. */
static int layout(const struct result *res, const bool *drawn, struct slot *sl, size_t n_sl,
		  struct column *cols, size_t *n_cols, int *width)
{
	size_t nc = 0;
	int rows = 0;
	int col_rows = (int)((n_sl + PIC_COLS - 1) / PIC_COLS);
	char key[PCIADDR_STR_MAX];

	if (col_rows < COL_ROWS)
		col_rows = COL_ROWS;

	for (size_t i = 0, k = 0; i < res->n_devices && k < n_sl; i++) {
		const struct pci_device *d = &res->devices[i];

		if (!drawn[i])
			continue;
		root_key(res, d, key);
		bool new_bus = nc == 0 || strcmp(cols[nc - 1].key, key) != 0;
		bool full = nc && (rows >= col_rows + 8 || (rows >= col_rows && d->depth == 0));
		if (new_bus || full) {
			cols[nc] = (struct column){ .cont = !new_bus };
			memcpy(cols[nc].key, key, sizeof(key));
			nc++;
			rows = 0;
		}
		sl[k++] = (struct slot){ .d = d, .col = (int)nc - 1 };
		rows++;
	}
	/* rows inside each column: group runs get a label band above them */
	for (size_t c = 0; c < nc; c++) {
		int y = HEAD_H, w = BOX_W;
		const struct slot *prev = NULL;

		for (size_t k = 0; k < n_sl; k++) {
			struct slot *s = &sl[k];

			if (s->col != (int)c)
				continue;
			s->run_start = !prev || prev->d->iommu_group != s->d->iommu_group ||
				       s->d->iommu_group < 0;
			if (prev && s->run_start)
				sl[prev - sl].run_end = true;
			if (s->run_start) {
				y += prev ? GROUP_PAD : 0;
				if (s->d->iommu_group >= 0)
					y += LABEL_H;
			}
			s->x = GROUP_PAD + s->d->depth * INDENT;
			s->y = y;
			y += BOX_H + ROW_GAP;
			if (s->x + BOX_W > w)
				w = s->x + BOX_W;
			prev = s;
		}
		if (prev)
			sl[prev - sl].run_end = true;
		cols[c].w = w + 2 * GROUP_PAD;
		cols[c].h = y + GROUP_PAD;
	}
	/* columns into bands */
	int x = 0, band_y = 0, band_h = 0, max_w = 0;
	for (size_t c = 0; c < nc; c++) {
		if (x > 0 && x + cols[c].w > PIC_MAX_W) {
			band_y += band_h + COL_GAP;
			x = 0;
			band_h = 0;
		}
		cols[c].x = x;
		cols[c].y = band_y;
		x += cols[c].w + COL_GAP;
		if (cols[c].h > band_h)
			band_h = cols[c].h;
		if (x - COL_GAP > max_w)
			max_w = x - COL_GAP;
	}
	*n_cols = nc;
	*width = max_w > 0 ? max_w : BOX_W;
	return band_y + band_h;
}

static void put_group_rects(struct sbuf *sb, const struct result *res, const struct slot *sl,
			    size_t n_sl, const struct column *cols)
{
	for (size_t k = 0; k < n_sl; k++) {
		const struct slot *s = &sl[k];
		const struct column *c = &cols[s->col];
		int x0 = s->x, x1 = s->x + BOX_W, y1;
		size_t e = k;

		if (!s->run_start || s->d->iommu_group < 0)
			continue;
		while (e < n_sl && !(sl[e].col == s->col && sl[e].run_end))
			e++;
		if (e == n_sl)
			e = k;
		for (size_t m = k; m <= e; m++)
			if (sl[m].col == s->col) {
				if (sl[m].x < x0)
					x0 = sl[m].x;
				if (sl[m].x + BOX_W > x1)
					x1 = sl[m].x + BOX_W;
			}
		y1 = sl[e].y + BOX_H;
		bool bad = is_ready_problem(res, s->d->iommu_group);
		sbuf_addf(
			sb,
			"<g class=\"group%s\" data-group=\"%lld\"><rect class=\"group-box\" "
			"x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"6\"/>"
			"<text class=\"group-label\" x=\"%d\" y=\"%d\">IOMMU group %lld%s</text></g>\n",
			bad ? " not-isolatable" : "", (long long)s->d->iommu_group,
			c->x + x0 - GROUP_PAD, c->y + s->y - LABEL_H - 1, x1 - x0 + 2 * GROUP_PAD,
			y1 - s->y + LABEL_H + 1 + GROUP_PAD, c->x + x0, c->y + s->y - 4,
			(long long)s->d->iommu_group, bad ? " &#8212; not isolatable" : "");
	}
}

static void put_edges(struct sbuf *sb, const struct slot *sl, size_t n_sl,
		      const struct column *cols)
{
	for (size_t k = 0; k < n_sl; k++) {
		const struct slot *s = &sl[k];

		if (!s->d->parent)
			continue;
		for (size_t p = 0; p < n_sl; p++)
			if (sl[p].col == s->col && strcmp(sl[p].d->bdf, s->d->parent) == 0) {
				const struct column *c = &cols[s->col];
				int px = c->x + sl[p].x + INDENT / 2, py = c->y + sl[p].y + BOX_H;

				sbuf_addf(sb, "<path class=\"edge\" d=\"M%d %dV%dH%d\"/>\n", px, py,
					  c->y + s->y + BOX_H / 2, c->x + s->x);
				break;
			}
	}
}

static void put_vm_mark(struct sbuf *sb, const struct pci_device *d)
{
	sbuf_addstr(sb, "<tspan class=\"mark-vm\">&#9654; ");
	if (d->vm) {
		sbuf_addstr(sb, "VM ");
		put_cut(sb, d->vm, 10);
	} else {
		sbuf_addstr(sb, "PASSTHROUGH");
	}
	sbuf_addstr(sb, "</tspan>");
}

/* The most severe finding about bdf (the best ranked among equals), or NULL. */
static const struct finding *worst_finding(const struct result *res, const char *bdf)
{
	const struct finding *w = NULL;

	for (size_t i = 0; i < res->n_findings; i++) {
		const struct finding *f = &res->findings[i];

		if (f->subject.kind && strcmp(f->subject.kind, "device") == 0 && f->subject.id &&
		    strcmp(f->subject.id, bdf) == 0 && (!w || f->severity > w->severity))
			w = f;
	}
	return w;
}

static void put_box(struct sbuf *sb, const struct result *res, const struct slot *s,
		    const struct column *c)
{
	const struct pci_device *d = s->d;
	const struct finding *worst = d->n_problems ? worst_finding(res, d->bdf) : NULL;
	bool serious = !worst || worst->severity >= SEV_ERROR; /* no finding: a problem id only */
	int x = c->x + s->x, y = c->y + s->y;

	sbuf_addstr(sb, "<g class=\"dev");
	if (d->is_bridge)
		sbuf_addstr(sb, " bridge");
	if (d->passthrough)
		sbuf_addstr(sb, " passthrough");
	if (d->n_problems)
		sbuf_addstr(sb, serious ? " problem" : " warn");
	sbuf_addstr(sb, "\" data-bdf=\"");
	h(sb, d->bdf);
	sbuf_addstr(sb, "\"><title>");
	h(sb, d->bdf);
	sbuf_addch(sb, ' ');
	h(sb, d->class_name);
	sbuf_addstr(sb, ": ");
	h(sb, d->vendor_name);
	sbuf_addch(sb, ' ');
	h(sb, d->device_name);
	sbuf_addf(sb, "</title><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\"/>", x, y,
		  BOX_W, BOX_H);
	sbuf_addf(sb, "<text x=\"%d\" y=\"%d\"><tspan class=\"bdf\">", x + 6, y + 13);
	h(sb, d->bdf);
	sbuf_addstr(sb, "</tspan>");
	if (d->vendor_device) {
		sbuf_addstr(sb, " <tspan class=\"ids\">[");
		h(sb, d->vendor_device);
		sbuf_addstr(sb, "]</tspan>");
	}
	sbuf_addf(sb, "</text><text class=\"drv\" x=\"%d\" y=\"%d\">", x + BOX_W - 6, y + 13);
	if (d->driver)
		put_cut(sb, d->driver, 14);
	else if (d->source && (strstr(d->source, "lspci") || strstr(d->source, "sysfs")))
		sbuf_addstr(sb, "no driver");
	else
		sbuf_addstr(sb, "driver ?"); /* known from a log line or a finding only */
	sbuf_addf(sb, "</text><text x=\"%d\" y=\"%d\">", x + 6, y + 26);
	if (d->passthrough && d->n_problems) {
		/* both marks: the VM one moves up to the name line */
		put_vm_mark(sb, d);
		sbuf_addch(sb, ' ');
		if (d->device_name)
			put_cut(sb, d->device_name, NAME_CHARS - 14);
	} else if (d->device_name)
		put_cut(sb, d->device_name, NAME_CHARS);
	else
		sbuf_addstr(sb, "(not in lspci)");
	sbuf_addf(sb, "</text><text class=\"sub\" x=\"%d\" y=\"%d\">", x + 6, y + 39);
	if (d->n_problems) {
		sbuf_addstr(sb, serious ? "<tspan class=\"mark-problem\">&#9888; PROBLEM: "
					: "<tspan class=\"mark-warn\">&#9888; WARNING: ");
		put_cut(sb, worst ? worst->id : d->problems[0], 26);
		sbuf_addstr(sb, "</tspan>");
	} else if (d->passthrough) {
		put_vm_mark(sb, d);
	}
	if (!d->n_problems && !d->passthrough)
		put_cut(sb, d->class_name, NAME_CHARS);
	sbuf_addstr(sb, "</text></g>\n");
}

static void put_legend(struct sbuf *sb)
{
	sbuf_addstr(sb,
		    "<p class=\"legend\">"
		    "<span><span class=\"sw sw-problem\"></span>&#9888; PROBLEM: an error or "
		    "blocker finding names the device</span> "
		    "<span><span class=\"sw sw-warn\"></span>&#9888; WARNING: a warning names "
		    "it</span> "
		    "<span><span class=\"sw sw-vm\"></span>&#9654; VM / PASSTHROUGH: a VM config "
		    "or QEMU command line passes it through, or it is bound to vfio-pci</span> "
		    "<span><span class=\"sw sw-bridge\"></span>bridge or root port</span> "
		    "<span><span class=\"sw sw-group\"></span>IOMMU group: the devices in one "
		    "box go to a VM together</span></p>\n");
}

static void put_picture(struct sbuf *sb, const struct result *res)
{
	bool *drawn;
	struct slot *sl;
	struct column *cols;
	size_t n_sl, n_cols = 0;
	int w, hgt;

	sbuf_addstr(sb, "<h2 id=\"pci\">PCI devices and IOMMU groups</h2>\n");
	if (res->n_devices == 0) {
		sbuf_addstr(sb, "<p>The inputs name no PCI device (add <code>lspci -nnkvv</code> "
				"output or a collect bundle).</p>\n");
		return;
	}
	drawn = xcalloc(res->n_devices, sizeof(*drawn));
	n_sl = choose_drawn(res, drawn);
	sl = xcalloc(n_sl ? n_sl : 1, sizeof(*sl));
	cols = xcalloc(n_sl ? n_sl : 1, sizeof(*cols));
	hgt = layout(res, drawn, sl, n_sl, cols, &n_cols, &w);
	sbuf_addf(sb, "<p class=\"meta\">%zu device%s, %zu IOMMU group%s", res->n_devices,
		  res->n_devices == 1 ? "" : "s", res->n_groups, res->n_groups == 1 ? "" : "s");
	if (res->tree_source) {
		sbuf_addstr(sb, "; tree from ");
		h(sb, res->tree_source);
	} else {
		sbuf_addstr(sb, "; no bridge data in the inputs, so devices are drawn by bus");
	}
	if (res->n_groups == 0)
		sbuf_addstr(sb, "; no IOMMU group data (IOMMU off, or lspci not run as root)");
	sbuf_addstr(sb, ".</p>\n");
	put_legend(sb);
	sbuf_addf(sb,
		  "<div class=\"pic\"><svg class=\"tree\" "
		  "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
		  "aria-label=\"PCI tree with IOMMU groups\">\n",
		  w + 2, hgt + 2, w + 2, hgt + 2);
	for (size_t c = 0; c < n_cols; c++) {
		sbuf_addf(sb, "<text class=\"col-head\" x=\"%d\" y=\"%d\">", cols[c].x + GROUP_PAD,
			  cols[c].y + 16);
		sbuf_addstr(sb, cols[c].cont ? "root bus " : "root bus ");
		h(sb, cols[c].key);
		if (cols[c].cont)
			sbuf_addstr(sb, " (continued)");
		sbuf_addstr(sb, "</text>\n");
	}
	put_group_rects(sb, res, sl, n_sl, cols);
	put_edges(sb, sl, n_sl, cols);
	for (size_t k = 0; k < n_sl; k++)
		put_box(sb, res, &sl[k], &cols[sl[k].col]);
	sbuf_addstr(sb, "</svg></div>\n");
	if (n_sl < res->n_devices)
		sbuf_addf(
			sb,
			"<p class=\"note\">%zu more device%s not drawn to keep the picture "
			"readable (every problem, passthrough, GPU, NIC, storage and USB device is "
			"drawn); all are listed under <a href=\"#devices\">All devices</a>.</p>\n",
			res->n_devices - n_sl, res->n_devices - n_sl == 1 ? "" : "s");
	free(drawn);
	free(sl);
	free(cols);
}

/* ---- readiness and the device list ---- */

static const char *verdict_label(enum readiness_verdict v)
{
	switch (v) {
	case READINESS_READY:
		return "&#10003; ready";
	case READINESS_AFTER_FIX:
		return "&#9998; ready after fix";
	case READINESS_NOT_ISOLATABLE:
		return "&#10007; not isolatable";
	case READINESS_UNKNOWN:
		break;
	}
	return "? unknown";
}

static void put_readiness(struct sbuf *sb, const struct result *res)
{
	sbuf_addstr(sb, "<h2 id=\"readiness\">Passthrough readiness</h2>\n");
	if (res->n_readiness == 0) {
		sbuf_addstr(sb, "<p>No VM device, GPU, NIC, storage or USB controller in the "
				"inputs.</p>\n");
		return;
	}
	sbuf_addstr(sb, "<table class=\"ready\"><tr><th>Device</th><th>IOMMU group</th>"
			"<th>Reset</th><th>Driver</th><th>ROM</th><th>Boot VGA</th><th>VM</th>"
			"<th>Verdict</th></tr>\n");
	for (size_t i = 0; i < res->n_readiness; i++) {
		const struct readiness *r = &res->readiness[i];
		const char *v = readiness_verdict_name(r->verdict);

		sbuf_addstr(sb, "<tr data-bdf=\"");
		h(sb, r->bdf);
		sbuf_addstr(sb, "\"><td><code>");
		h(sb, r->bdf);
		sbuf_addstr(sb, "</code> ");
		h(sb, r->kind);
		if (r->name && strcmp(r->name, r->bdf) != 0) {
			sbuf_addstr(sb, "<br><span class=\"meta\">");
			h(sb, r->name);
			sbuf_addstr(sb, "</span>");
		}
		sbuf_addstr(sb, "</td><td>");
		if (r->iommu_group >= 0)
			sbuf_addf(sb, "%lld", (long long)r->iommu_group);
		else
			sbuf_addstr(sb, "unknown");
		for (size_t p = 0; p < r->n_peers; p++) {
			sbuf_addstr(sb, p ? "<br>" : "<br><span class=\"meta\">with ");
			h(sb, r->peers[p]);
		}
		if (r->n_peers)
			sbuf_addstr(sb, "</span>");
		sbuf_addstr(sb, "</td><td>");
		h(sb, r->reset);
		sbuf_addstr(sb, "</td><td>");
		h(sb, r->driver ? r->driver : "-");
		sbuf_addstr(sb, "</td><td>");
		h(sb, r->rom ? r->rom : "-");
		sbuf_addf(sb, "</td><td>%s</td><td>",
			  r->boot_vga == 1   ? "yes"
			  : r->boot_vga == 0 ? "no"
					     : "-");
		h(sb, r->vm ? r->vm : "-");
		sbuf_addf(sb, "</td><td><span class=\"verdict %s\">%s</span>", v,
			  verdict_label(r->verdict));
		if (r->fix) {
			sbuf_addstr(sb, "<br><b>Fix:</b> ");
			h(sb, r->fix);
		}
		if (r->why) {
			sbuf_addstr(sb, "<br><span class=\"meta\">");
			h(sb, r->why);
			sbuf_addstr(sb, "</span>");
		}
		sbuf_addstr(sb, "</td></tr>\n");
	}
	sbuf_addstr(sb, "</table>\n");
	if (res->n_readiness_dropped)
		sbuf_addf(sb,
			  "<p class=\"note\">%zu more devices beyond the limit of %d were not "
			  "rated.</p>\n",
			  res->n_readiness_dropped, MAX_READINESS_ROWS);
}

static void put_devices(struct sbuf *sb, const struct result *res)
{
	if (res->n_devices == 0)
		return;
	sbuf_addf(sb,
		  "<details id=\"devices\"><summary><b>All devices (%zu%s)</b></summary>\n"
		  "<table class=\"devs\"><tr><th>Device</th><th>Class</th><th>Name</th>"
		  "<th>Ids</th><th>Driver</th><th>Group</th><th>Parent</th><th>VM</th></tr>\n",
		  res->n_devices, res->n_devices_dropped ? "+" : "");
	for (size_t i = 0; i < res->n_devices; i++) {
		const struct pci_device *d = &res->devices[i];

		sbuf_addstr(sb, "<tr><td><code>");
		h(sb, d->bdf);
		sbuf_addstr(sb, "</code></td><td>");
		h(sb, d->class_name);
		sbuf_addstr(sb, "</td><td>");
		h(sb, d->vendor_name);
		sbuf_addch(sb, ' ');
		h(sb, d->device_name);
		sbuf_addstr(sb, "</td><td>");
		h(sb, d->vendor_device);
		sbuf_addstr(sb, "</td><td>");
		h(sb, d->driver);
		sbuf_addstr(sb, "</td><td>");
		if (d->iommu_group >= 0)
			sbuf_addf(sb, "%lld", (long long)d->iommu_group);
		sbuf_addstr(sb, "</td><td>");
		h(sb, d->parent);
		sbuf_addstr(sb, "</td><td>");
		h(sb, d->vm);
		sbuf_addstr(sb, "</td></tr>\n");
	}
	sbuf_addstr(sb, "</table>\n");
	if (res->n_devices_dropped)
		sbuf_addf(sb,
			  "<p class=\"note\">Devices beyond the limit of %d are not listed.</p>\n",
			  MAX_TOPOLOGY_DEVICES);
	sbuf_addstr(sb, "</details>\n");
}

/* The top causes at a glance: title, confidence, subject and the fix's first line. */
static void put_top(struct sbuf *sb, const struct result *res)
{
	size_t n = res->n_findings < 3 ? res->n_findings : 3;

	if (n == 0)
		return;
	sbuf_addstr(sb, "<div class=\"top\"><h2>Top causes</h2><ol>\n");
	for (size_t i = 0; i < n; i++) {
		const struct finding *f = &res->findings[i];
		int pct = report_util_percent(f->confidence);

		sbuf_addf(sb, "<li><a href=\"#f%zu\"><b>", i + 1);
		h(sb, f->title ? f->title : f->id);
		sbuf_addf(sb, "</b></a> <span class=\"pct\">%d%%</span> <code>", pct);
		h(sb, f->id);
		sbuf_addstr(sb, "</code> on ");
		report_util_put_subject(sb, f, PUT_HTML);
		if (f->fix && *f->fix) {
			size_t len = strcspn(f->fix, "\n");
			char *first = xmalloc(len + 1);

			memcpy(first, f->fix, len);
			first[len] = '\0';
			sbuf_addstr(sb, "<br>Fix: <code>");
			h(sb, first);
			sbuf_addstr(sb, "</code>");
			if (f->fix[len])
				sbuf_addstr(sb, " &#8230;");
			free(first);
		}
		sbuf_addstr(sb, "</li>\n");
	}
	sbuf_addstr(sb, "</ol></div>\n");
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
	put_top(sb, res);
	put_picture(sb, res);
	if (res->n_findings == 0)
		sbuf_addstr(sb, "<p>No known cause of a passthrough problem was found in the "
				"inputs.</p>\n");
	else
		sbuf_addstr(sb, "<h2>Findings, best first</h2>\n");
	for (size_t i = 0; i < res->n_findings && !sbuf_failed(sb); i++)
		put_finding(sb, &res->findings[i], i + 1);
	put_readiness(sb, res);
	put_devices(sb, res);
	put_unchecked(sb, res);
	put_ruled_out(sb, res);
	put_unexplained(sb, res);
	put_inputs(sb, res);
	put_warnings(sb, res);
	sbuf_addstr(sb, "<footer>Generated offline by vfio-doctor " VD_VERSION
			".</footer>\n</body>\n</html>\n");
}
