/* paste.c - split a forum paste at shell prompts, `Code:` markers and fences.
 *
 * Seed 001 (a real forum post) shows the shapes this handles:
 *   Code:
 *   root@node-home ~
 *   ➤ dmesg | grep -i vfio
 *   [ 4.075646] VFIO - User Level meta-driver version: 0.3
 * and prose between blocks ("Here are the relevant `dmesg` log snippets:"). Two passes: the
 * first only looks for markers (a file without any is one part, the common case for real
 * logs); the second types every line (marker, prose, other, blank) and groups them.
 */
#include "input/paste.h"

#include <ctype.h>
#include <string.h>

#include "common/limits.h"
#include "common/pciaddr.h"

const char *paste_marker_name(enum paste_marker m)
{
	static const char *const names[] = { "start", "prompt", "code", "fence", "prose", "block" };

	return (unsigned)m < sizeof(names) / sizeof(names[0]) ? names[m] : "?";
}

/* Commands a "$ " or "# " prompt must start with (a '#' line is otherwise a comment). */
static const char *const known_commands[] = {
	"apt",
	"awk",
	"bash",
	"cat",
	"cd",
	"cut",
	"dmesg",
	"dpkg",
	"echo",
	"egrep",
	"find",
	"for",
	"grep",
	"head",
	"ip",
	"journalctl",
	"less",
	"ls",
	"lsblk",
	"lscpu",
	"lsmod",
	"lspci",
	"lsusb",
	"modinfo",
	"modprobe",
	"more",
	"nano",
	"pct",
	"proxmox-boot-tool",
	"pvesh",
	"pveversion",
	"python3",
	"qm",
	"readlink",
	"sed",
	"sh",
	"shopt",
	"sudo",
	"systemctl",
	"tail",
	"uname",
	"update-grub",
	"update-initramfs",
	"vi",
	"vim",
	"virsh",
	"zcat",
};

static bool is_known_command(struct str cmd, bool strict)
{
	struct str c = cmd, w;

	if (!str_next_word(&c, &w))
		return false;
	for (size_t i = 0; i < sizeof(known_commands) / sizeof(known_commands[0]); i++) {
		if (!str_eq_cstr(w, known_commands[i]))
			continue;
		/* "# for the GPU" is a comment; "# for d in ...; do" is a loop */
		if (strict && str_eq_cstr(w, "for"))
			return str_contains(c, " in ") && str_contains(c, "do");
		return true;
	}
	return false;
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

/* "user@host" at the start of s; returns its length or 0. */
static size_t user_at_host(struct str s)
{
	size_t i = 0, at;

	while (i < s.len && is_name_char(s.ptr[i]))
		i++;
	if (i == 0 || i >= s.len || s.ptr[i] != '@')
		return 0;
	at = ++i;
	while (i < s.len && is_name_char(s.ptr[i]))
		i++;
	return i > at ? i : 0;
}

/* "➤ cmd", "❯ cmd", "→ cmd", "λ cmd": the second line of a two-line prompt. */
static bool arrow_prompt(struct str t, struct str *command)
{
	static const char *const arrows[] = { "\xe2\x9e\xa4", "\xe2\x9d\xaf", "\xe2\x86\x92",
					      "\xce\xbb" };

	for (size_t i = 0; i < sizeof(arrows) / sizeof(arrows[0]); i++) {
		size_t n = strlen(arrows[i]);

		if (str_starts_with(t, arrows[i]) && t.len > n && t.ptr[n] == ' ') {
			*command = str_trim(str_sub(t, n, t.len));
			return command->len > 0;
		}
	}
	return false;
}

bool paste_is_prompt(struct str line, struct str *command)
{
	struct str t = str_rtrim(line);
	size_t n, i;

	if (arrow_prompt(t, command))
		return true;
	if ((str_starts_with(t, "$ ") || str_starts_with(t, "# ")) &&
	    is_known_command(str_sub(t, 2, t.len), t.ptr[0] == '#')) {
		*command = str_trim(str_sub(t, 2, t.len));
		return true;
	}
	i = t.len && t.ptr[0] == '[' ? 1 : 0;
	n = user_at_host(str_sub(t, i, t.len));
	if (!n)
		return false;
	/* up to 100 bytes of ":path", " path" or " path]" before the '#' or '$' */
	for (i += n; i < t.len && i < 120; i++) {
		char c = t.ptr[i];

		if ((c == '#' || c == '$') && (i + 1 == t.len || t.ptr[i + 1] == ' ')) {
			*command = str_trim(str_sub(t, i + 1, t.len));
			return true;
		}
		if (c == '[' || c == '(' || c == '"' || c == '=' || c == '`')
			return false;
	}
	return false;
}

/* "root@node-home ~": the first line of a two-line prompt (no '#'/'$', a path at most). */
static bool bare_user_host(struct str line)
{
	struct str t = str_trim(line), w;
	size_t n = user_at_host(t);
	int words = 0;

	if (!n)
		return false;
	t = str_sub(t, n, t.len);
	while (str_next_word(&t, &w))
		if (++words > 2)
			return false;
	return true;
}

static bool is_code_marker(struct str line)
{
	struct str t = str_trim(line);

	return str_eq_cstr(t, "Code:") || str_eq_cstr(t, "Code: Select all") ||
	       str_eq_cstr(t, "Code:Select all") || str_eq_cstr(t, "Code: [Select]");
}

static bool is_fence(struct str line)
{
	struct str t = str_ltrim(line);

	return str_starts_with(t, "```") || str_starts_with(t, "~~~");
}

static bool is_month_or_day(struct str w)
{
	static const char *const names[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
					     "Aug", "Sep", "Oct", "Nov", "Dec", "Mon", "Tue",
					     "Wed", "Thu", "Fri", "Sat", "Sun" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (str_starts_with(w, names[i]) &&
		    (w.len == 3 || !isalpha((unsigned char)w.ptr[3])))
			return true;
	return false;
}

static bool is_lower_word(struct str w)
{
	size_t n = w.len;

	while (n && strchr(",.;:!?)'\"", w.ptr[n - 1]))
		n--;
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)w.ptr[i]) && w.ptr[i] != '\'')
			return false;
	return true;
}

bool paste_is_prose(struct str line)
{
	struct str t = str_trim(line), w, first;
	int words = 0, lower = 0, before_colon = -1;
	char last;

	/* list markers: "1. ", "2) ", "- ", "* " */
	if (t.len > 2 && isdigit((unsigned char)t.ptr[0]) && (t.ptr[1] == '.' || t.ptr[1] == ')'))
		t = str_ltrim(str_sub(t, 2, t.len));
	else if (t.len > 2 && (t.ptr[0] == '-' || t.ptr[0] == '*') && t.ptr[1] == ' ')
		t = str_ltrim(str_sub(t, 2, t.len));
	if (t.len < 12 || !isupper((unsigned char)t.ptr[0]))
		return false;
	first = t;
	if (!str_next_word(&first, &w) || is_month_or_day(w) || str_ends_with(w, ":"))
		return false;
	last = t.ptr[t.len - 1];
	for (struct str s = t; str_next_word(&s, &w);) {
		words++;
		lower += is_lower_word(w);
		if (before_colon < 0 && str_find_char(w, ':') >= 0 &&
		    (size_t)(w.ptr + w.len - t.ptr) < t.len)
			before_colon = words;
	}
	if (words < 4 || lower < 3 || lower * 3 < words)
		return false;
	if (before_colon >= 0 && before_colon < 5)
		return false;
	return strchr(".:?!)", last) != NULL || words >= 8;
}

enum line_type { LT_BLANK, LT_PROSE, LT_OTHER, LT_PROMPT, LT_CODE, LT_FENCE };

struct line_info {
	uint32_t off, len; /* the line with its newline */
	uint8_t type;
	bool sentence_end;  /* LT_PROSE ending in . : ? ! (ends a block without a marker) */
	struct str command; /* LT_PROMPT */
};

struct line_vec {
	struct line_info *v;
	size_t n, cap;
};

static bool any_marker(struct str text, uint32_t *count)
{
	struct str in = text, line, cmd;

	*count = 0;
	while (str_next_line(&in, &line))
		if (is_code_marker(line) || is_fence(line) || paste_is_prompt(line, &cmd))
			(*count)++;
	return *count > 0;
}

static void type_lines(struct str text, struct line_vec *lines)
{
	struct str in = text, line;
	bool in_fence = false;

	while (str_next_line(&in, &line)) {
		struct line_info *li;

		if (lines->n >= MAX_LINES)
			break;
		li = VEC_PUSH(lines);
		li->off = (uint32_t)(line.ptr - text.ptr);
		li->len = (uint32_t)(in.ptr - line.ptr);
		if (is_fence(line)) {
			li->type = LT_FENCE;
			in_fence = !in_fence;
		} else if (paste_is_prompt(line, &li->command)) {
			li->type = LT_PROMPT;
		} else if (is_code_marker(line) && !in_fence) {
			li->type = LT_CODE;
		} else if (str_trim(line).len == 0) {
			li->type = LT_BLANK;
		} else if (!in_fence && paste_is_prose(line)) {
			struct str t = str_rtrim(line);

			struct str w;
			int words = 0, lower = 0;

			for (struct str r = t; str_next_word(&r, &w);) {
				words++;
				lower += is_lower_word(w);
			}
			li->type = LT_PROSE;
			/* a full stop, or a long line of mostly plain words (forum posts often end
			 * without one) */
			li->sentence_end = (t.len && strchr(".:?!", t.ptr[t.len - 1])) ||
					   (words >= 12 && lower * 2 >= words);
		} else {
			li->type = LT_OTHER;
		}
	}
}

struct builder {
	struct str text;
	const struct line_info *li;
	size_t n;
	struct paste *p;
};

/* Adds lines [a, b) as a part unless they are all blank; trims blank lines at both ends. */
static void emit(struct builder *b, size_t a, size_t e, enum paste_marker m, struct str cmd,
		 size_t ctx_end)
{
	struct paste_part *part;
	size_t ctx_start = ctx_end;
	int ctx_lines = 0;

	while (a < e && b->li[a].type == LT_BLANK)
		a++;
	while (e > a && b->li[e - 1].type == LT_BLANK)
		e--;
	if (a == e)
		return;
	if (b->p->parts.n >= MAX_PASTE_PARTS) {
		part = &b->p->parts.v[b->p->parts.n - 1];
		part->last_line = (uint32_t)e;
		part->text.len = b->li[e - 1].off + b->li[e - 1].len -
				 (size_t)(part->text.ptr - b->text.ptr);
		b->p->merged++;
		return;
	}
	/* the prose just before the block's marker ("... (`/etc/pve/qemu-server/103.conf`)") */
	for (int skip = 0; ctx_end > 0 && skip < 3; skip++) {
		uint8_t t = b->li[ctx_end - 1].type;

		if (t != LT_CODE && t != LT_FENCE && t != LT_PROMPT && t != LT_BLANK)
			break;
		ctx_end--;
	}
	ctx_start = ctx_end;
	while (ctx_start > 0 && ctx_lines < 3 &&
	       (b->li[ctx_start - 1].type == LT_PROSE || b->li[ctx_start - 1].type == LT_BLANK)) {
		ctx_start--;
		ctx_lines += b->li[ctx_start].type == LT_PROSE;
	}
	part = VEC_PUSH(&b->p->parts);
	part->first_line = (uint32_t)a + 1;
	part->last_line = (uint32_t)e;
	part->text = str_from_mem(b->text.ptr + b->li[a].off,
				  b->li[e - 1].off + b->li[e - 1].len - b->li[a].off);
	part->marker = m;
	part->command = cmd;
	if (ctx_lines)
		part->context = str_from_mem(b->text.ptr + b->li[ctx_start].off,
					     b->li[ctx_end - 1].off + b->li[ctx_end - 1].len -
						     b->li[ctx_start].off);
	else
		part->context = STR_NULL;
}

/* A message quoted on a line of its own between sentences, as web pages show them once their
 * code blocks are copied as plain text (seed 003: "vfio-pci 0000:09:00.0: BAR 3: cannot
 * reserve [mem 0xf0000000-0xf1ffffff 64bit pref]"): a dmesg timestamp "[ 12.345678]" at the
 * start, or a full PCI address after a space and before a ':', as drivers print them. */
static bool log_shaped(struct str line)
{
	struct str t = str_trim(line);
	struct pciaddr a;
	size_t at, i = 1;

	if (t.len > 4 && t.ptr[0] == '[') {
		while (i < t.len && t.ptr[i] == ' ')
			i++;
		size_t digits = i;
		while (i < t.len && isdigit((unsigned char)t.ptr[i]))
			i++;
		if (i > digits && i < t.len && t.ptr[i] == '.') {
			for (i++; i < t.len && isdigit((unsigned char)t.ptr[i]);)
				i++;
			if (i < t.len && t.ptr[i] == ']')
				return true;
		}
	}
	return pciaddr_find(t, &a, &at) && at > 0 && t.ptr[at - 1] == ' ' &&
	       at + PCIADDR_TEXT_LEN < t.len && t.ptr[at + PCIADDR_TEXT_LEN] == ':';
}

/* A run of non-prose lines inside prose counts as a block of its own from 3 non-blank lines,
 * or when one of them is a quoted log line (*log_like). */
static size_t other_run(const struct builder *b, size_t i, int *nonblank, bool *log_like)
{
	const struct line_info *li = b->li;

	*nonblank = 0;
	*log_like = false;
	while (i < b->n && (li[i].type == LT_OTHER || li[i].type == LT_BLANK)) {
		*nonblank += li[i].type == LT_OTHER;
		if (li[i].type == LT_OTHER && !*log_like)
			*log_like = log_shaped(str_from_mem(b->text.ptr + li[i].off, li[i].len));
		i++;
	}
	return i;
}

/* Output whose first line has a recognisable shape (a timestamp, an indented or lower-case
 * start, "key: value", markup) can be told apart from the sentences a poster writes after it.
 * Output that starts like a sentence ("Linux version ..." from `dmesg -t`) cannot: it runs to
 * the next marker. */
static bool structured_start(struct str line)
{
	struct str first;
	unsigned char c;

	if (!line.len)
		return false;
	c = (unsigned char)line.ptr[0];
	if (strchr("[<{(#/\t ", (char)c) || isdigit(c) || islower(c))
		return true;
	return str_next_word(&line, &first) &&
	       (str_ends_with(first, ":") || str_find_char(first, '=') >= 0);
}

static void group_lines(struct builder *b)
{
	const struct line_info *li = b->li;
	size_t start = 0, i = 0;
	enum paste_marker m = PASTE_START;
	struct str cmd = STR_NULL;
	bool in_fence = false, prose = true; /* before any marker: a prose region */
	int ends_at_prose = -1;		     /* -1: the block's first line is still to come */

	while (i < b->n) {
		uint8_t t = li[i].type;

		if (t == LT_FENCE || t == LT_CODE || t == LT_PROMPT) {
			size_t end = i;

			/* "root@node-home ~" just before "➤ cmd" belongs to the prompt */
			if (t == LT_PROMPT && end > start &&
			    bare_user_host(
				    str_from_mem(b->text.ptr + li[end - 1].off, li[end - 1].len)))
				end--;
			emit(b, start, end, prose ? PASTE_PROSE : m, cmd, start);
			if (t == LT_FENCE)
				in_fence = !in_fence;
			m = t == LT_PROMPT ? PASTE_PROMPT : t == LT_CODE ? PASTE_CODE : PASTE_FENCE;
			if (t == LT_FENCE && !in_fence)
				m = PASTE_BLOCK; /* after a closing fence */
			cmd = t == LT_PROMPT ? li[i].command : STR_NULL;
			prose = t == LT_FENCE && !in_fence;
			ends_at_prose = -1;
			start = ++i;
			continue;
		}
		if (in_fence) {
			i++;
			continue;
		}
		if (!prose && ends_at_prose < 0 && t != LT_BLANK)
			ends_at_prose =
				t == LT_PROSE ||
				structured_start(str_from_mem(b->text.ptr + li[i].off, li[i].len));
		/* output ends at a sentence; a long English-like log line without a full stop
		 * ("Calibrating delay loop (skipped), value calculated using ...") does not */
		if (!prose && t == LT_PROSE && li[i].sentence_end && ends_at_prose == 1) {
			emit(b, start, i, m, cmd, start);
			start = i;
			prose = true;
			cmd = STR_NULL;
			i++;
			continue;
		}
		if (prose && t == LT_OTHER) {
			int nonblank;
			bool log_like;
			size_t e = other_run(b, i, &nonblank, &log_like);

			if (nonblank >= 3 || log_like) {
				emit(b, start, i, PASTE_PROSE, STR_NULL, start);
				emit(b, i, e, PASTE_BLOCK, STR_NULL, i);
				start = e;
			}
			i = e;
			continue;
		}
		i++;
	}
	emit(b, start, b->n, prose ? PASTE_PROSE : m, cmd, start);
}

void paste_split(struct str text, struct paste *p)
{
	struct line_vec lines = { 0 };
	struct builder b = { .text = text, .p = p };

	memset(p, 0, sizeof(*p));
	if (!any_marker(text, &p->n_markers)) {
		struct paste_part *part = VEC_PUSH(&p->parts);
		struct str in = text, line;
		uint32_t n = 0;

		while (str_next_line(&in, &line))
			n++;
		part->first_line = n ? 1 : 0;
		part->last_line = n;
		part->text = text;
		part->marker = PASTE_START;
		part->command = STR_NULL;
		part->context = STR_NULL;
		return;
	}
	p->split = true;
	type_lines(text, &lines);
	b.li = lines.v;
	b.n = lines.n;
	group_lines(&b);
	VEC_FREE(&lines);
}

void paste_release(struct paste *p)
{
	VEC_FREE(&p->parts);
}
