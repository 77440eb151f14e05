/* kernel_log.c - parse kernel logs (dmesg in every spelling, journalctl -k, kern.log) into line
 * rows with a timestamp, the message body, "kernel" as source and the first PCI address; also
 * home of the shared prefix scanner (logline.h). The boot banner gives facts too: "Linux
 * version ..." kv rows of scope "kernel" (as /proc/version does), the command line param rows
 * of origin "dmesg" (once per boot: x86 prints it twice). Pure: no I/O, no regex; rows view
 * the text.
 *
 * Real input lines (linuxhw corpus 0002, 0003 and 0004, seed 001, catalog KPFX):
 *   [    5.256942] DMAR: [INTR-REMAP] Request device [01:00.0] fault index 0x5e [fault reason 0x26]
 *   [    3.612697] <6>[fglrx] Maximum main memory to use for locked dma buffers: 7712 MBytes.
 *   [ 4.088924] vfio-pci 0000:00:02.0: vgaarb: deactivate vga console
 *   [    0.000000] Linux version 5.11.22-2-pve (XXX@XXX) (gcc (Debian 10.2.1-6) 10.2.1 ...
 *   [    0.000000] Command line: initrd=\EFI\proxmox\5.11.22-2-pve\initrd.img-5.11.22-2-pve ...
 *   [    0.484727] Kernel command line: initrd=\EFI\proxmox\5.11.22-2-pve\initrd.img-5.11.22- ...
 */
#include <stdint.h>
#include <string.h>

#include "common/limits.h"
#include "parse/cmdline_split.h"
#include "parse/kernel_version.h"
#include "parse/logline.h"
#include "parse/parsers_all.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void skip_blanks(struct str *s)
{
	while (s->len && (s->ptr[0] == ' ' || s->ptr[0] == '\t')) {
		s->ptr++;
		s->len--;
	}
}

static void advance(struct str *s, size_t n)
{
	s->ptr += n;
	s->len -= n;
}

/* Exactly n digits at p (bounds checked by the caller). */
static bool digits_at(const char *p, size_t n, unsigned *out)
{
	unsigned v = 0;

	for (size_t i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return false;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	*out = v;
	return true;
}

/* Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

static int month_at(const char *p)
{
	for (int i = 0; i < 12; i++)
		if (memcmp(p, months + 3 * i, 3) == 0)
			return i + 1;
	return 0;
}

static bool weekday_at(const char *p)
{
	static const char days[] = "MonTueWedThuFriSatSun";

	for (int i = 0; i < 7; i++)
		if (memcmp(p, days + 3 * i, 3) == 0)
			return true;
	return false;
}

/* "HH:MM:SS" at the front of s; advances. */
static bool take_hms(struct str *s, unsigned *secs)
{
	unsigned h, m, sec;

	if (s->len < 8 || s->ptr[2] != ':' || s->ptr[5] != ':' || !digits_at(s->ptr, 2, &h) ||
	    !digits_at(s->ptr + 3, 2, &m) || !digits_at(s->ptr + 6, 2, &sec) || h > 23 || m > 59 ||
	    sec > 60)
		return false;
	*secs = h * 3600 + m * 60 + sec;
	advance(s, 8);
	return true;
}

/* Optional ".123456" (or ",123" when comma is true): up to 9 digits. */
static double take_fraction(struct str *s, bool comma)
{
	double f = 0, scale = 0.1;
	size_t i = 1;

	if (s->len < 2 || !(s->ptr[0] == '.' || (comma && s->ptr[0] == ',')) ||
	    !is_digit(s->ptr[1]))
		return 0;
	for (; i < s->len && i <= 9 && is_digit(s->ptr[i]); i++) {
		f += (s->ptr[i] - '0') * scale;
		scale /= 10;
	}
	while (i < s->len && is_digit(s->ptr[i]))
		i++;
	advance(s, i);
	return f;
}

/* Syslog "Nov 21 11:50:00" or "Nov  1 11:50:00.123456"; the year is unknown (1970). */
static bool take_syslog_stamp(struct str *s, double *ts)
{
	struct str t = *s;
	unsigned day, secs;
	int mon;

	if (t.len < 15 || !(mon = month_at(t.ptr)) || t.ptr[3] != ' ')
		return false;
	if (t.ptr[4] == ' ' && is_digit(t.ptr[5]))
		day = (unsigned)(t.ptr[5] - '0');
	else if (!digits_at(t.ptr + 4, 2, &day))
		return false;
	if (t.ptr[6] != ' ' || day < 1 || day > 31)
		return false;
	advance(&t, 7);
	if (!take_hms(&t, &secs))
		return false;
	*ts = (double)(days_from_civil(1970, (unsigned)mon, day) * 86400 + secs) +
	      take_fraction(&t, false);
	*s = t;
	return true;
}

bool logline_take_iso(struct str *s, double *epoch)
{
	struct str t = *s;
	unsigned y, mo, d, secs, oh, om;
	double v;

	if (t.len < 19 || !digits_at(t.ptr, 4, &y) || t.ptr[4] != '-' ||
	    !digits_at(t.ptr + 5, 2, &mo) || t.ptr[7] != '-' || !digits_at(t.ptr + 8, 2, &d) ||
	    (t.ptr[10] != 'T' && t.ptr[10] != ' ') || mo < 1 || mo > 12 || d < 1 || d > 31)
		return false;
	advance(&t, 11);
	if (!take_hms(&t, &secs))
		return false;
	v = (double)(days_from_civil(y, mo, d) * 86400 + secs) + take_fraction(&t, true);
	if (t.len && t.ptr[0] == 'Z') {
		advance(&t, 1);
	} else if (t.len >= 5 && (t.ptr[0] == '+' || t.ptr[0] == '-') &&
		   digits_at(t.ptr + 1, 2, &oh)) {
		size_t n = t.ptr[3] == ':' ? 4 : 3;

		if (t.len >= n + 2 && digits_at(t.ptr + n, 2, &om) && oh < 24 && om < 60) {
			double off = oh * 3600.0 + om * 60.0;

			v += t.ptr[0] == '+' ? -off : off;
			advance(&t, n + 2);
		}
	}
	*epoch = v;
	*s = t;
	return true;
}

/* dmesg -T "[Thu Nov 21 11:50:00 2024]" */
static bool take_dmesg_wall(struct str *s, double *ts)
{
	struct str t = *s;
	unsigned day, secs, y;
	int mon;

	if (t.len < 26 || t.ptr[0] != '[' || !weekday_at(t.ptr + 1) || t.ptr[4] != ' ' ||
	    !(mon = month_at(t.ptr + 5)) || t.ptr[8] != ' ')
		return false;
	if (t.ptr[9] == ' ' && is_digit(t.ptr[10]))
		day = (unsigned)(t.ptr[10] - '0');
	else if (!digits_at(t.ptr + 9, 2, &day))
		return false;
	if (t.ptr[11] != ' ' || day < 1 || day > 31)
		return false;
	advance(&t, 12);
	if (!take_hms(&t, &secs) || t.len < 6 || t.ptr[0] != ' ' || !digits_at(t.ptr + 1, 4, &y) ||
	    t.ptr[5] != ']')
		return false;
	advance(&t, 6);
	*ts = (double)(days_from_civil(y, (unsigned)mon, day) * 86400 + secs);
	*s = t;
	return true;
}

/* dmesg -H (--human): "[Feb14 10:35] " opens a minute, "[  +0.000052] " lines follow with the
 * delta to the previous message. The minute is a yearless wall-clock stamp; a delta line gets no
 * stamp of its own (its base is only known to the minute). */
static bool take_dmesg_human(struct str *s, double *ts)
{
	struct str t = *s;
	unsigned day, h, m;
	int mon;

	if (t.len < 13 || t.ptr[0] != '[' || !(mon = month_at(t.ptr + 1)) ||
	    !digits_at(t.ptr + 4, 2, &day) || t.ptr[6] != ' ' || !digits_at(t.ptr + 7, 2, &h) ||
	    t.ptr[9] != ':' || !digits_at(t.ptr + 10, 2, &m) || t.ptr[12] != ']' || day < 1 ||
	    day > 31 || h > 23 || m > 59)
		return false;
	*ts = (double)(days_from_civil(1970, (unsigned)mon, day) * 86400 + h * 3600 + m * 60);
	advance(s, 13);
	return true;
}

static bool take_dmesg_delta(struct str *s)
{
	struct str t = *s;
	uint64_t secs;

	if (t.len < 5 || t.ptr[0] != '[')
		return false;
	advance(&t, 1);
	skip_blanks(&t);
	if (!t.len || t.ptr[0] != '+')
		return false;
	advance(&t, 1);
	if (!str_take_u64(&t, 10, UINT64_C(1) << 40, &secs) || !t.len || t.ptr[0] != '.')
		return false;
	take_fraction(&t, false);
	if (!t.len || t.ptr[0] != ']')
		return false;
	advance(&t, 1);
	*s = t;
	return true;
}

/* Boot-relative "[    4.088924]" or "[ 4.075646]" (seconds.fraction inside brackets). */
static bool take_mono(struct str *s, double *ts)
{
	struct str t = *s;
	uint64_t secs;

	if (t.len < 4 || t.ptr[0] != '[')
		return false;
	advance(&t, 1);
	skip_blanks(&t);
	if (!str_take_u64(&t, 10, UINT64_C(1) << 40, &secs) || !t.len || t.ptr[0] != '.')
		return false;
	*ts = (double)secs + take_fraction(&t, false);
	if (!t.len || t.ptr[0] != ']')
		return false;
	advance(&t, 1);
	*s = t;
	return true;
}

/* "<6>" (1..3 digits). */
static bool take_level(struct str *s)
{
	size_t i = 1;

	if (s->len < 3 || s->ptr[0] != '<')
		return false;
	while (i < s->len && i <= 3 && is_digit(s->ptr[i]))
		i++;
	if (i == 1 || i >= s->len || s->ptr[i] != '>')
		return false;
	advance(s, i + 1);
	return true;
}

/* Printk caller id "[    T1]" / "[  C3]". */
static bool take_caller(struct str *s)
{
	struct str t = *s;

	if (t.len < 4 || t.ptr[0] != '[')
		return false;
	advance(&t, 1);
	skip_blanks(&t);
	if (!t.len || (t.ptr[0] != 'T' && t.ptr[0] != 'C'))
		return false;
	advance(&t, 1);
	if (!t.len || !is_digit(t.ptr[0]))
		return false;
	while (t.len && is_digit(t.ptr[0]))
		advance(&t, 1);
	if (!t.len || t.ptr[0] != ']')
		return false;
	advance(&t, 1);
	*s = t;
	return true;
}

static bool word_in(struct str w, const char *const *list)
{
	for (; *list; list++)
		if (str_eq_cstr(w, *list))
			return true;
	return false;
}

/* dmesg -x "kern  :warn  : " */
static bool take_facility(struct str *s)
{
	static const char *const facs[] = { "kern",   "user", "mail", "daemon", "auth",
					    "syslog", "lpr",  "news", NULL };
	static const char *const levels[] = { "emerg",	"alert", "crit",  "err", "warn",
					      "notice", "info",	 "debug", NULL };
	struct str t = *s, w;
	size_t n = 0;

	while (n < t.len && n < 8 && is_alpha(t.ptr[n]))
		n++;
	if (n < 3 || n > 6)
		return false;
	w = str_sub(t, 0, n);
	if (!word_in(w, facs))
		return false;
	advance(&t, n);
	skip_blanks(&t);
	if (!t.len || t.ptr[0] != ':')
		return false;
	advance(&t, 1);
	n = 0;
	while (n < t.len && is_alpha(t.ptr[n]))
		n++;
	w = str_sub(t, 0, n);
	if (!word_in(w, levels))
		return false;
	advance(&t, n);
	skip_blanks(&t);
	if (!t.len || t.ptr[0] != ':')
		return false;
	advance(&t, 1);
	skip_blanks(&t);
	*s = t;
	return true;
}

/* Syslog header "host prog[pid]: " (or "host prog: "). */
static bool take_header(struct str *s, struct logline *ll)
{
	struct str t = *s, host, prog, pid = STR_NULL;
	size_t n = 0;

	skip_blanks(&t);
	while (n < t.len && t.ptr[n] != ' ' && t.ptr[n] != '\t' && t.ptr[n] != ':' &&
	       t.ptr[n] != '[')
		n++;
	if (!n || n == t.len || t.ptr[n] != ' ')
		return false;
	host = str_sub(t, 0, n);
	advance(&t, n + 1);
	n = 0;
	while (n < t.len && t.ptr[n] != ' ' && t.ptr[n] != '\t' && t.ptr[n] != ':' &&
	       t.ptr[n] != '[')
		n++;
	if (!n || n == t.len)
		return false;
	prog = str_sub(t, 0, n);
	advance(&t, n);
	if (t.ptr[0] == '[') {
		n = 1;
		while (n < t.len && is_digit(t.ptr[n]))
			n++;
		if (n == 1 || n == t.len || t.ptr[n] != ']')
			return false;
		pid = str_sub(t, 1, n - 1);
		advance(&t, n + 1);
	}
	if (!t.len || t.ptr[0] != ':' || (t.len > 1 && t.ptr[1] != ' ' && t.ptr[1] != '\t'))
		return false;
	advance(&t, 1);
	skip_blanks(&t);
	ll->host = host;
	ll->prog = prog;
	ll->pid = pid;
	ll->syslog = true;
	*s = t;
	return true;
}

/* What may follow the outer prefixes of a kernel line: facility, inner stamp, <N>, caller. */
static void take_kernel_inner(struct str *s, struct logline *ll)
{
	double ts;

	if (take_facility(s))
		ll->kernel = true;
	if (take_mono(s, &ts)) {
		ll->kernel = true;
		if (!ll->has_ts) {
			ll->has_ts = true;
			ll->ts = ts;
		}
		skip_blanks(s);
	} else if (take_dmesg_wall(s, &ts)) {
		ll->kernel = true;
		if (!ll->has_ts) {
			ll->has_ts = ll->ts_wall = true;
			ll->ts = ts;
		}
		skip_blanks(s);
	}
	if (take_level(s))
		ll->kernel = true;
	if (take_caller(s))
		skip_blanks(s);
}

void logline_scan(struct str line, struct logline *ll)
{
	struct str s = line;
	double ts;

	memset(ll, 0, sizeof(*ll));
	ll->host = ll->prog = ll->pid = STR_NULL;
	if (take_level(&s))
		ll->kernel = true;
	if (take_facility(&s))
		ll->kernel = true;
	if (take_syslog_stamp(&s, &ts) || logline_take_iso(&s, &ts)) {
		ll->has_ts = ll->ts_wall = true;
		ll->ts = ts;
		take_header(&s, ll);
	} else if (take_dmesg_human(&s, &ts)) {
		ll->has_ts = ll->ts_wall = ll->kernel = true;
		ll->ts = ts;
	} else if (take_dmesg_delta(&s)) {
		ll->kernel = true;
	} else if (take_dmesg_wall(&s, &ts)) {
		ll->has_ts = ll->ts_wall = ll->kernel = true;
		ll->ts = ts;
	} else if (take_mono(&s, &ts)) {
		struct str t = s;
		struct logline hdr = { 0 };

		ll->has_ts = ll->kernel = true;
		ll->ts = ts;
		/* journalctl -o short-monotonic: "[    4.088924] host kernel: " */
		if (take_header(&t, &hdr) && (str_eq_cstr(hdr.prog, "kernel") || hdr.pid.len)) {
			ll->host = hdr.host;
			ll->prog = hdr.prog;
			ll->pid = hdr.pid;
			ll->syslog = true;
			ll->kernel = str_eq_cstr(hdr.prog, "kernel");
			s = t;
		}
	} else if (str_starts_with(s, "kernel: ")) {
		/* a journal line pasted without its stamp and host (seed 003) */
		ll->prog = str_sub(s, 0, 6);
		advance(&s, 8);
	}
	if (ll->syslog && !str_eq_cstr(ll->prog, "kernel")) {
		ll->kernel = false;
	} else {
		if (str_eq_cstr(ll->prog, "kernel"))
			ll->kernel = true;
		skip_blanks(&s);
		take_kernel_inner(&s, ll);
	}
	skip_blanks(&s);
	ll->body = s;
}

bool logline_find_vmid(struct str s, struct str *vm)
{
	static const char *const keys[] = { "VM ", "qmstart:", "qemu-server/", "qemu.slice/",
					    NULL };

	for (const char *const *k = keys; *k; k++) {
		struct str t = s;
		long at;

		while ((at = str_find(t, *k)) >= 0) {
			size_t kl = strlen(*k), n = 0;
			bool left_ok = at == 0 || !is_alpha(t.ptr[at - 1]);

			advance(&t, (size_t)at + kl);
			while (n < t.len && n < 10 && is_digit(t.ptr[n]))
				n++;
			if (left_ok && n && (n == t.len || !is_alpha(t.ptr[n]))) {
				*vm = str_sub(t, 0, n);
				return true;
			}
		}
	}
	/* "100.scope" */
	for (long at = str_find(s, ".scope"); at > 0;) {
		size_t end = (size_t)at, start = end;

		while (start > 0 && is_digit(s.ptr[start - 1]))
			start--;
		if (start < end && (start == 0 || !is_alpha(s.ptr[start - 1]))) {
			*vm = str_sub(s, start, end - start);
			return true;
		}
		break;
	}
	/* libvirt: "QEMU unexpectedly closed the monitor (vm='win11')" */
	for (long at = str_find(s, "vm='"); at >= 0;) {
		struct str t = str_sub(s, (size_t)at + 4, 256);
		long q = str_find_char(t, '\'');

		if (q > 0) {
			*vm = str_sub(t, 0, (size_t)q);
			return true;
		}
		break;
	}
	return false;
}

bool logline_find_short_bdf(struct str s, struct pciaddr *out)
{
	/* one pass over '[' and '=' (this runs on every line without a full address) */
	for (size_t i = 0; i + 8 <= s.len; i++) {
		const char *p = s.ptr + i;
		bool ok;

		if (*p == '[')
			ok = i >= 15 && memcmp(p - 15, "Request device ", 15) == 0;
		else if (*p == '=')
			ok = (i >= 6 && memcmp(p - 6, "device", 6) == 0) ||
			     (i >= 4 && memcmp(p - 4, "host", 4) == 0);
		else
			continue;
		if (ok && pciaddr_parse(str_sub(s, i + 1, 7), false, out))
			return true;
	}
	return false;
}

void logline_fill_row(struct line_row *row, const struct logline *ll, enum source_kind dflt)
{
	row->msg = ll->body;
	row->has_ts = ll->has_ts;
	row->ts = ll->ts;
	row->ts_wall = ll->ts_wall;
	if (ll->kernel) {
		row->kind = SOURCE_KERNEL_LOG;
		row->source = STR_LIT("kernel");
	} else if (ll->syslog) {
		row->kind = SOURCE_JOURNAL;
		row->source = ll->prog;
	} else {
		row->kind = dflt;
	}
	if (!row->has_bdf)
		row->has_bdf = logline_find_short_bdf(row->msg, &row->bdf);
}

void logline_sniff_stats(struct str text, bool (*accept)(struct str line, const struct logline *ll),
			 struct logline_stats *st)
{
	struct str line;
	unsigned n = 0;

	memset(st, 0, sizeof(*st));
	if (text.len > MAX_SNIFF_BYTES)
		text.len = MAX_SNIFF_BYTES;
	while (n < MAX_SNIFF_LINES && str_next_line(&text, &line)) {
		struct logline ll;

		n++;
		if (!str_trim(line).len)
			continue;
		if (line.len > MAX_LINE_BYTES)
			line.len = MAX_LINE_BYTES;
		st->lines++;
		logline_scan(line, &ll);
		if (ll.kernel)
			st->kernel++;
		else if (ll.syslog)
			st->syslog++;
		if (accept && accept(line, &ll))
			st->accepted++;
	}
}

/* A kernel message without any prefix (dmesg -t, grep output): "vfio-pci 0000:01:00.0: ",
 * "DMAR: ", "pci 0000:00:01.0: ", "AMD-Vi: "... */
static bool bare_kernel_message(struct str line, const struct logline *ll)
{
	/* message starts that dmesg -t and `dmesg | grep` pastes show (linuxhw, seeds, catalog);
	 * not "kvm:", which QEMU on Proxmox prints too */
	static const char *const subsys[] = {
		"DMAR:",	 "DMAR-IR:",   "AMD-Vi:",	 "iommu:",     "PCI:",
		"pci_bus",	 "ACPI:",      "vfio_pci:",	 "VFIO - ",    "x86/",
		"Linux version", "BIOS-e820:", "[Firmware Bug]", "smpboot:",   "Memory:",
		"Command line:", "NVRM:",      "kvm_amd:",	 "kvm_intel:", "e820:",
		"pci ",		 "pcieport ",  "vgaarb:",	 NULL
	};
	size_t at;
	struct pciaddr a;

	if (ll->kernel || ll->syslog)
		return false;
	for (const char *const *p = subsys; *p; p++)
		if (str_starts_with(line, *p))
			return true;
	/* "<driver> dddd:bb:dd.f: " */
	return pciaddr_find(line, &a, &at) && at > 1 && at < 40 && line.ptr[at - 1] == ' ' &&
	       at + 12 < line.len && line.ptr[at + 12] == ':';
}

int kernel_log_sniff(struct str text)
{
	struct logline_stats st;
	unsigned score;

	logline_sniff_stats(text, bare_kernel_message, &st);
	if (!st.lines)
		return 0;
	if (st.kernel) {
		score = 30 + 70 * st.kernel / st.lines;
		if (st.syslog * 10 >= st.lines && score > 60)
			score = 60;
		return (int)score;
	}
	if (st.accepted * 2 >= st.lines)
		return (int)(20 + 40 * st.accepted / st.lines);
	return st.accepted ? 10 : 0;
}

/* The banner of each boot: "Linux version ..." (kv rows, version.c's helper) and the first
 * "Command line: " or "Kernel command line: " after it (param rows, origin "dmesg"); the
 * second spelling repeats the first, so it is skipped until the next "Linux version". */
static void banner_rows(struct parse_out *out, size_t first)
{
	bool have_cmdline = false;

	for (size_t i = first; i < out->lines.n; i++) {
		const struct line_row *row = &out->lines.v[i];
		struct str msg = row->msg, params;
		uint32_t order = 0;

		if (row->kind == SOURCE_JOURNAL && !str_eq_cstr(row->source, "kernel"))
			continue;
		if (str_starts_with(msg, "Linux version ")) {
			version_banner_rows(msg, row->lineno, out);
			have_cmdline = false;
			continue;
		}
		if (have_cmdline)
			continue;
		if (str_starts_with(msg, "Command line: "))
			params = str_sub(msg, 14, msg.len);
		else if (str_starts_with(msg, "Kernel command line: "))
			params = str_sub(msg, 21, msg.len);
		else
			continue;
		have_cmdline = true;
		if (cmdline_add_params(params, row->lineno, STR_LIT("dmesg"), &order, out) < 0)
			return;
	}
}

int kernel_log_parse(struct str text, struct parse_out *out, struct error *err)
{
	size_t first = out->lines.n;

	if (lines_split(text, SOURCE_KERNEL_LOG, out, err) < 0)
		return -1;
	for (size_t i = first; i < out->lines.n; i++) {
		struct line_row *row = &out->lines.v[i];
		struct logline ll;

		logline_scan(row->text, &ll);
		logline_fill_row(row, &ll, SOURCE_KERNEL_LOG);
		if (row->kind == SOURCE_KERNEL_LOG && row->text.len)
			row->source = STR_LIT("kernel");
		if (row->kind == SOURCE_JOURNAL && !row->vm.len)
			logline_find_vmid(row->msg, &row->vm);
	}
	banner_rows(out, first);
	return 0;
}
