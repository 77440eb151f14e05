/* redact.c - replace host names, addresses, MACs, serials, UUIDs and user names in collected
 * text by stable per-bundle tokens. Pure: bytes in, bytes out, plus the token map.
 *
 * Real lines it must leave alone (linuxhw corpus 0002, 0003):
 *   pci 0000:00:1c.0: [8086:1d10] type 01 class 0x060400
 *   03:00.0 VGA compatible controller [0300]: NVIDIA Corporation GP107 [GeForce GTX 1050]
 * [10de:1c81] and lines it must change (seed 001, lspci -vv): net0:
 * virtio=BC:24:11:5E:72:0A,bridge=vmbr0,firewall=1 Capabilities: [140 v1] Device Serial Number
 * 00-1b-21-ff-ff-8a-3f-b0
 */
#include "redact.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/banned.h"
#include "common/pciaddr.h"
#include "common/xalloc.h"

#define REDACT_MAX_NAMES 256
#define REDACT_MAX_VALUE 256 /* longer "values" are not tokens, left alone */

static const char *const kind_names[REDACT_KIND_COUNT] = {
	[REDACT_HOSTNAME] = "hostname", [REDACT_DOMAIN] = "domain", [REDACT_IPV4] = "ipv4",
	[REDACT_IPV6] = "ipv6",		[REDACT_MAC] = "mac",	    [REDACT_SERIAL] = "serial",
	[REDACT_UUID] = "uuid",		[REDACT_USER] = "user",	    [REDACT_SECRET] = "secret",
};

/* Words that are host names on many machines and ordinary words everywhere else. */
static const char *const generic_names[] = {
	"localhost", "localdomain", "local", "pve",	      "proxmox",      "debian", "ubuntu",
	"unraid",    "tower",	    "linux", "server",	      "host",	      "node",	"kvm",
	"qemu",	     "vfio",	    "pci",   "ip6-localhost", "ip6-loopback", "lan",	"home",
};

const char *redact_kind_name(enum redact_kind kind)
{
	return kind < REDACT_KIND_COUNT ? kind_names[kind] : "?";
}

void redact_init(struct redact *r, bool enabled)
{
	memset(r, 0, sizeof(*r));
	r->enabled = enabled;
}

void redact_release(struct redact *r)
{
	for (size_t i = 0; i < r->map.n; i++) {
		free(r->map.v[i].value);
		free(r->map.v[i].token);
	}
	for (size_t i = 0; i < r->names.n; i++)
		free(r->names.v[i]);
	VEC_FREE(&r->map);
	VEC_FREE(&r->names);
	VEC_FREE(&r->name_kind);
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_word(char c)
{
	return is_alpha(c) || is_digit(c) || c == '_' || c == '-';
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool ieq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

static void make_token(enum redact_kind kind, unsigned n, char *buf, size_t size)
{
	switch (kind) {
	case REDACT_HOSTNAME:
		snprintf(buf, size, "host%u", n);
		break;
	case REDACT_DOMAIN:
		snprintf(buf, size, "domain%u", n);
		break;
	case REDACT_IPV4:
		/* RFC 5737 documentation ranges, 254 addresses each, then wrap */
		if (n < 254)
			snprintf(buf, size, "192.0.2.%u", n + 1);
		else if (n < 508)
			snprintf(buf, size, "198.51.100.%u", n - 253);
		else
			snprintf(buf, size, "203.0.113.%u", (n - 508) % 254 + 1);
		break;
	case REDACT_IPV6:
		snprintf(buf, size, "2001:db8::%x", n + 1);
		break;
	case REDACT_MAC:
		snprintf(buf, size, "02:00:00:00:%02x:%02x", ((n + 1) >> 8) & 0xff, (n + 1) & 0xff);
		break;
	case REDACT_SERIAL:
		snprintf(buf, size, "SERIAL-%u", n + 1);
		break;
	case REDACT_UUID:
		snprintf(buf, size, "00000000-0000-0000-0000-%012x", n + 1);
		break;
	case REDACT_USER:
		snprintf(buf, size, "user%u", n);
		break;
	case REDACT_SECRET:
		snprintf(buf, size, "SECRET-%u", n + 1);
		break;
	default:
		snprintf(buf, size, "REDACTED");
		break;
	}
}

/* Host and domain names compare case-insensitively, everything else exactly (MACs and IPv6
 * addresses are lower-cased before lookup). */
const char *redact_token(struct redact *r, enum redact_kind kind, struct str value)
{
	char buf[64];
	struct redact_entry *e;
	bool fold = kind == REDACT_HOSTNAME || kind == REDACT_DOMAIN || kind == REDACT_MAC ||
		    kind == REDACT_IPV6 || kind == REDACT_UUID;

	for (size_t i = 0; i < r->map.n; i++) {
		e = &r->map.v[i];
		if (e->kind != kind || strlen(e->value) != value.len)
			continue;
		if (fold ? ieq(e->value, value.ptr, value.len)
			 : memcmp(e->value, value.ptr, value.len) == 0)
			return e->token;
	}
	make_token(kind, r->next[kind]++, buf, sizeof(buf));
	e = VEC_PUSH(&r->map);
	e->kind = kind;
	e->value = str_dup(value);
	e->token = xstrdup(buf);
	return e->token;
}

static void emit(struct redact *r, enum redact_kind kind, struct str value, struct sbuf *out)
{
	sbuf_addstr(out, redact_token(r, kind, value));
	r->count[kind]++;
}

static bool is_generic(struct str name)
{
	for (size_t i = 0; i < sizeof(generic_names) / sizeof(generic_names[0]); i++)
		if (str_ieq_cstr(name, generic_names[i]))
			return true;
	return false;
}

static bool add_one_name(struct redact *r, struct str name, enum redact_kind kind)
{
	if (name.len < 3 || name.len > REDACT_MAX_VALUE || is_generic(name))
		return false;
	for (size_t i = 0; i < name.len; i++)
		if (!is_word(name.ptr[i]) && name.ptr[i] != '.')
			return false;
	if (!is_alpha(name.ptr[0]) && !is_digit(name.ptr[0]))
		return false;
	for (size_t i = 0; i < r->names.n; i++)
		if (str_ieq_cstr(name, r->names.v[i]))
			return true;
	if (r->names.n >= REDACT_MAX_NAMES)
		return false;
	*VEC_PUSH(&r->names) = str_dup(name);
	*VEC_PUSH(&r->name_kind) = kind;
	return true;
}

bool redact_add_name(struct redact *r, struct str name)
{
	struct str host;

	name = str_trim(name);
	while (name.len && name.ptr[name.len - 1] == '.')
		name.len--;
	host = name;
	if (str_take_until(&name, '.', &host)) {
		bool ok = add_one_name(r, host, REDACT_HOSTNAME);

		/* "example.com" alone is generic enough to keep when the host label was refused */
		if (add_one_name(r, name, REDACT_DOMAIN))
			ok = true;
		return ok;
	}
	return add_one_name(r, host, REDACT_HOSTNAME);
}

bool redact_add_domain(struct redact *r, struct str name)
{
	name = str_trim(name);
	while (name.len && name.ptr[name.len - 1] == '.')
		name.len--;
	return add_one_name(r, name, REDACT_DOMAIN);
}

/* ---- matchers: each looks at s[i..] and returns the length of a match or 0 ---- */

static size_t hex_run(const char *p, size_t n, size_t max)
{
	size_t k = 0;

	while (k < n && k < max && is_hex(p[k]))
		k++;
	return k;
}

static size_t match_uuid(const char *p, size_t n)
{
	static const size_t groups[] = { 8, 4, 4, 4, 12 };
	size_t k = 0;
	bool all_zero = true;

	for (size_t g = 0; g < 5; g++) {
		if (g > 0) {
			if (k >= n || p[k] != '-')
				return 0;
			k++;
		}
		if (hex_run(p + k, n - k, groups[g] + 1) != groups[g])
			return 0;
		for (size_t j = 0; j < groups[g]; j++)
			all_zero = all_zero && p[k + j] == '0';
		k += groups[g];
	}
	if (k < n && (is_word(p[k])))
		return 0;
	if (all_zero || (k == 36 && memcmp(p, "00000000-0000-0000-0000-0000", 28) == 0))
		return 0; /* the nil UUID, or one of our own tokens */
	return k;
}

static size_t match_mac(const char *p, size_t n)
{
	char sep;
	size_t k = 0;

	if (n < 17)
		return 0;
	sep = p[2];
	if (sep != ':' && sep != '-')
		return 0;
	for (int g = 0; g < 6; g++) {
		if (g > 0) {
			if (p[k] != sep)
				return 0;
			k++;
		}
		if (!is_hex(p[k]) || !is_hex(p[k + 1]))
			return 0;
		k += 2;
	}
	if (k < n &&
	    (is_word(p[k]) || p[k] == ':' || (p[k] == '-' && k + 1 < n && is_hex(p[k + 1]))))
		return 0;
	if (memcmp(p, "00:00:00:00:00:00", 17) == 0 || ieq(p, "ff:ff:ff:ff:ff:ff", 17) ||
	    memcmp(p, "00-00-00-00-00-00", 17) == 0 || ieq(p, "ff-ff-ff-ff-ff-ff", 17) ||
	    memcmp(p, "02:00:00:00:", 12) == 0 || memcmp(p, "02-00-00-00-", 12) == 0)
		return 0; /* not personal, or one of our own tokens */
	return k;
}

/* PXELINUX's BOOTIF=01-aa-bb-cc-dd-ee-ff (IPAPPEND 2): ARP hardware type 01 (Ethernet), then
 * the MAC with dashes. match_mac() refuses it, seven pairs being no MAC; this takes the last
 * six. Returns the length of the whole, the MAC starting at 3. */
static size_t match_hwtype_mac(const char *p, size_t n)
{
	size_t m;

	if (n < 20 || p[0] != '0' || p[1] != '1' || p[2] != '-')
		return 0;
	m = match_mac(p + 3, n - 3);
	return m == 17 && p[5] == '-' ? 3 + m : 0;
}

static size_t match_ipv4(const char *p, size_t n, const char *start, size_t i)
{
	size_t k = 0;
	unsigned oct[4];
	static const char *const version_words[] = { "version", "ver", "bios", "firmware",
						     "fw",	"v",   "rev" };

	for (int o = 0; o < 4; o++) {
		unsigned v = 0;
		size_t d = 0;

		if (o > 0) {
			if (k >= n || p[k] != '.')
				return 0;
			k++;
		}
		while (k < n && is_digit(p[k]) && d < 4) {
			v = v * 10 + (unsigned)(p[k] - '0');
			k++;
			d++;
		}
		if (d == 0 || d > 3 || v > 255)
			return 0;
		oct[o] = v;
	}
	if (k < n && (is_alpha(p[k]) || is_digit(p[k]) || p[k] == '_' ||
		      (p[k] == '.' && k + 1 < n && is_digit(p[k + 1]))))
		return 0;
	if (oct[0] == 0 || oct[0] == 127 || oct[0] == 255)
		return 0;
	if ((oct[0] == 192 && oct[1] == 0 && oct[2] == 2) ||
	    (oct[0] == 198 && oct[1] == 51 && oct[2] == 100) ||
	    (oct[0] == 203 && oct[1] == 0 && oct[2] == 113))
		return 0; /* documentation ranges: our own tokens */
	/* "version 1.2.3.4", "BIOS 2.1.0.3", "v1.0.0.1": a version, not an address */
	{
		size_t b = i;

		while (b > 0 && (start[b - 1] == ' ' || start[b - 1] == ':' || start[b - 1] == '='))
			b--;
		for (size_t w = 0; w < sizeof(version_words) / sizeof(version_words[0]); w++) {
			size_t wl = strlen(version_words[w]);

			/* the word itself, not the last label of a name ("myhost.ver") */
			if (b >= wl && ieq(start + b - wl, version_words[w], wl) &&
			    (b == wl || (!is_alpha(start[b - wl - 1]) && start[b - wl - 1] != '.')))
				return 0;
		}
	}
	return k;
}

static size_t match_ipv6(const char *p, size_t n, char *norm, size_t normsz)
{
	size_t k = 0, colons = 0;
	unsigned char addr[16];
	char tmp[64];

	while (k < n && k < 45 && (is_hex(p[k]) || p[k] == ':' || p[k] == '.')) {
		colons += p[k] == ':';
		k++;
	}
	if (k < n && (is_word(p[k]) || p[k] == ':' || p[k] == '.'))
		return 0; /* too long, or glued to a word */
	while (k > 0 && (p[k - 1] == '.' || (p[k - 1] == ':' && !(k >= 2 && p[k - 2] == ':')))) {
		colons -= p[k - 1] == ':';
		k--;
	}
	if (colons < 2 || k < 3 || k >= sizeof(tmp))
		return 0;
	memcpy(tmp, p, k);
	tmp[k] = '\0';
	if (inet_pton(AF_INET6, tmp, addr) != 1)
		return 0;
	{
		static const unsigned char zero[16];
		static const unsigned char doc[4] = { 0x20, 0x01, 0x0d, 0xb8 };

		if (memcmp(addr, zero, 15) == 0 && (addr[15] == 0 || addr[15] == 1))
			return 0; /* :: and ::1 */
		if (memcmp(addr, doc, 4) == 0)
			return 0; /* 2001:db8::/32: our own tokens */
	}
	if (!inet_ntop(AF_INET6, addr, norm, (socklen_t)normsz))
		return 0;
	return k;
}

/* "Serial Number X", "SerialNumber: X", "serial number: X": the value runs to the end of the
 * line. "serial=X" (Proxmox disks, smbios1) runs to ',' or a blank. Returns the length of
 * the keyword part; *vlen the value's. */
static size_t match_serial(const char *p, size_t n, size_t *voff, size_t *vlen)
{
	static const char *const line_keys[] = { "serial number", "serialnumber:", "serial_number",
						 "serial no" };
	size_t k = 0, v;

	for (size_t j = 0; j < sizeof(line_keys) / sizeof(line_keys[0]); j++) {
		size_t kl = strlen(line_keys[j]);

		if (n >= kl && ieq(p, line_keys[j], kl)) {
			k = kl;
			if (k < n && p[k] == '.')
				k++;
			if (k < n && is_word(p[k]))
				return 0;
			while (k < n && (p[k] == ' ' || p[k] == '\t' || p[k] == ':'))
				k++;
			if (k < n && p[k] == '=')
				return 0; /* "SerialNumber=3": a USB string index */
			v = k;
			while (v < n && p[v] != '\n' && p[v] != '\r')
				v++;
			while (v > k && (p[v - 1] == ' ' || p[v - 1] == '\t'))
				v--;
			*voff = k;
			*vlen = v - k;
			return v > k ? v : 0;
		}
	}
	if (n >= 7 && ieq(p, "serial=", 7)) {
		k = 7;
		if (k < n && (p[k] == '"' || p[k] == '\''))
			k++;
	} else if (n >= 8 && ieq(p, "<serial>", 8)) {
		k = 8;
	} else if (n >= 13 && (ieq(p, "name='serial'", 13) || ieq(p, "name=\"serial\"", 13))) {
		k = 13;
		if (k < n && p[k] == '>')
			k++;
		else
			return 0;
	} else {
		return 0;
	}
	v = k;
	while (v < n && p[v] != ',' && p[v] != ' ' && p[v] != '\t' && p[v] != '\n' && p[v] != '<' &&
	       p[v] != '"' && p[v] != '\'' && p[v] != '\r')
		v++;
	*voff = k;
	*vlen = v - k;
	return v > k ? v : 0;
}

/* after_dot: p follows "label." ("hv01.corp.example.net", "mail.corp.example.net"); only a
 * domain of two or more labels may start there, so that a one-word name never eats a file
 * name's suffix ("vfio-pci.conf") or a version's part. */
static size_t match_name(struct redact *r, const char *p, size_t n, bool after_dot, size_t *which)
{
	size_t best = 0;

	for (size_t j = 0; j < r->names.n; j++) {
		size_t nl = strlen(r->names.v[j]);

		if (nl <= best || nl > n || !ieq(p, r->names.v[j], nl))
			continue;
		if (after_dot &&
		    (r->name_kind.v[j] != REDACT_DOMAIN || !memchr(r->names.v[j], '.', nl)))
			continue;
		if (nl < n && is_word(p[nl]))
			continue;
		best = nl;
		*which = j;
	}
	return best;
}

static bool at_serial_word(char c)
{
	c = lower(c);
	return c == 's' || c == '<' || c == 'n';
}

/* "cipassword: X" and "sshkeys: X" (Proxmox, to the end of the line), "password=X",
 * "passwd='X'" (libvirt <graphics>, QEMU options). Returns the end of the match. */
static size_t match_secret(const char *p, size_t n, size_t *voff, size_t *vlen)
{
	static const char *const line_keys[] = { "cipassword:", "sshkeys:" };
	static const char *const attr_keys[] = { "password=", "passwd=" };
	size_t k, v;

	for (size_t j = 0; j < 2; j++) {
		size_t kl = strlen(line_keys[j]);

		if (n < kl || !ieq(p, line_keys[j], kl))
			continue;
		k = kl;
		while (k < n && (p[k] == ' ' || p[k] == '\t'))
			k++;
		v = k;
		while (v < n && p[v] != '\n' && p[v] != '\r')
			v++;
		*voff = k;
		*vlen = v - k;
		return v > k ? v : 0;
	}
	for (size_t j = 0; j < 2; j++) {
		size_t kl = strlen(attr_keys[j]);
		char quote = 0;

		if (n < kl || !ieq(p, attr_keys[j], kl))
			continue;
		k = kl;
		if (k < n && (p[k] == '\'' || p[k] == '"'))
			quote = p[k++];
		v = k;
		while (v < n && p[v] != '\n' && p[v] != '\r' &&
		       (quote ? p[v] != quote : (p[v] != ',' && p[v] != ' ' && p[v] != '\t')))
			v++;
		*voff = k;
		*vlen = v - k;
		return v > k ? v : 0;
	}
	return 0;
}

/* ---- positional host fields: where the format, not the name, says a host name stands ---- */

static bool num_at(const char *p, size_t n, size_t k, unsigned *v)
{
	*v = 0;
	if (n < k)
		return false;
	for (size_t j = 0; j < k; j++) {
		if (!is_digit(p[j]))
			return false;
		*v = *v * 10 + (unsigned)(p[j] - '0');
	}
	return true;
}

/* "HH:MM:SS", then an optional ".f" of 1 to 9 digits. Returns the length or 0. */
static size_t match_hms(const char *p, size_t n)
{
	unsigned h, m, sec;
	size_t k = 8, f = 0;

	if (n < 8 || !num_at(p, n, 2, &h) || p[2] != ':' || !num_at(p + 3, n - 3, 2, &m) ||
	    p[5] != ':' || !num_at(p + 6, n - 6, 2, &sec) || h > 23 || m > 59 || sec > 60)
		return 0;
	if (k < n && p[k] == '.') {
		while (k + 1 + f < n && f < 10 && is_digit(p[k + 1 + f]))
			f++;
		if (f == 0 || f > 9)
			return 0;
		k += 1 + f;
	}
	return k;
}

/* Syslog's "Nov 21 11:50:00" and "Nov  1 11:50:00.123456" (journalctl's default, rsyslog's
 * traditional format). Returns the length or 0. */
static size_t match_syslog_stamp(const char *p, size_t n)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	unsigned day;
	size_t hms;
	bool mon = false;

	if (n < 15 || p[3] != ' ' || p[6] != ' ')
		return 0;
	for (size_t j = 0; j < 36; j += 3)
		mon = mon || memcmp(p, months + j, 3) == 0;
	if (!mon)
		return 0;
	if (p[4] == ' ' && is_digit(p[5]))
		day = (unsigned)(p[5] - '0');
	else if (!num_at(p + 4, 2, 2, &day))
		return 0;
	if (day < 1 || day > 31)
		return 0;
	hms = match_hms(p + 7, n - 7);
	return hms ? 7 + hms : 0;
}

/* ISO 8601 as journalctl -o short-iso / short-iso-precise and rsyslog's high-precision format
 * write it: "2026-11-21T12:00:00+0000", "2024-11-21T11:50:00.123456+01:00", "...Z". The zone is
 * required. Returns the length or 0. */
static size_t match_iso_stamp(const char *p, size_t n)
{
	unsigned y, mo, d, oh, om;
	size_t k, hms;

	if (n < 20 || !num_at(p, n, 4, &y) || p[4] != '-' || !num_at(p + 5, 2, 2, &mo) ||
	    p[7] != '-' || !num_at(p + 8, 2, 2, &d) || p[10] != 'T' || mo < 1 || mo > 12 || d < 1 ||
	    d > 31)
		return 0;
	hms = match_hms(p + 11, n - 11);
	if (!hms)
		return 0;
	k = 11 + hms;
	if (k < n && p[k] == 'Z')
		return k + 1;
	if (k + 5 > n || (p[k] != '+' && p[k] != '-') || !num_at(p + k + 1, 2, 2, &oh))
		return 0;
	k += 3;
	if (p[k] == ':')
		k++;
	if (!num_at(p + k, n - k, 2, &om) || oh > 23 || om > 59)
		return 0;
	return k + 2;
}

/* One of our own tokens: "host3", "host3.domain0". */
static bool is_host_token(const char *p, size_t len)
{
	size_t k = 4, d;

	if (len < 5 || !ieq(p, "host", 4))
		return false;
	for (d = k; d < len && is_digit(p[d]); d++)
		;
	if (d == k)
		return false;
	if (d == len)
		return true;
	k = d + 7;
	if (len <= k || !ieq(p + d, ".domain", 7))
		return false;
	for (d = k; d < len && is_digit(p[d]); d++)
		;
	return d == len;
}

/* Whether a host field holds something to replace: a name (letters, digits, '_', '-', '.',
 * starting with a letter or digit), not an IPv4 address (the address matcher's) or a token. */
static bool host_field_ok(const char *p, size_t len)
{
	bool letter = false;

	if (len == 0 || len > REDACT_MAX_VALUE || !(is_alpha(p[0]) || is_digit(p[0])))
		return false;
	for (size_t j = 0; j < len; j++) {
		if (!is_word(p[j]) && p[j] != '.')
			return false;
		letter = letter || !(is_digit(p[j]) || p[j] == '.');
	}
	return letter && !is_host_token(p, len);
}

/* A journal line "STAMP HOST ident[pid]: ..." of length n; the ident has no blank, ':' or
 * '[' and the pid is digits. Returns the host's offset (*len its length) or 0. */
static size_t journal_host(const char *p, size_t n, size_t *len)
{
	size_t k = match_syslog_stamp(p, n), h, id;

	if (!k)
		k = match_iso_stamp(p, n);
	if (!k || k >= n || p[k] != ' ')
		return 0;
	h = ++k;
	while (k < n && p[k] != ' ')
		k++;
	if (k >= n || !host_field_ok(p + h, k - h))
		return 0;
	id = ++k;
	while (k < n && p[k] != ' ' && p[k] != '\t' && p[k] != ':' && p[k] != '[' && k - id < 64)
		k++;
	if (k == id || k >= n)
		return 0;
	if (p[k] == '[') {
		size_t d = ++k;

		while (k < n && is_digit(p[k]))
			k++;
		if (k == d || k >= n || p[k] != ']')
			return 0;
		k++;
	}
	if (k >= n || p[k] != ':' || (k + 1 < n && p[k + 1] != ' ' && p[k + 1] != '\t'))
		return 0;
	*len = id - 1 - h;
	return h;
}

/* `uname -a`'s first line: "Linux vm 6.18.44-fc-v1300 #1 SMP ...": sysname, nodename, then a
 * release starting with a digit. Returns the nodename's offset or 0. */
static size_t uname_host(const char *p, size_t n, size_t *len)
{
	size_t k = 0, h;

	while (k < n && is_word(p[k]) && k < 64)
		k++;
	if (k == 0 || k >= n || p[k] != ' ' || !is_alpha(p[0]))
		return 0;
	h = ++k;
	while (k < n && p[k] != ' ')
		k++;
	if (k + 1 >= n || !is_digit(p[k + 1]) || !host_field_ok(p + h, k - h))
		return 0;
	*len = k - h;
	return h;
}

static size_t find_in(const char *p, size_t n, const char *what)
{
	size_t wl = strlen(what);

	for (size_t k = 0; k + wl <= n; k++)
		if (memcmp(p + k, what, wl) == 0)
			return k;
	return SIZE_MAX;
}

/* libvirt's per-VM log, once per start: "2020-07-02 09:04:39.037+0000: starting up libvirt
 * version: 6.0.0, ..., kernel: 3.10.0-1062.9.1.el7.x86_64, hostname: vmi-alpine-efi".
 * Returns the host's offset or 0. */
static size_t qemu_log_host(const char *p, size_t n, size_t *len)
{
	size_t k, h;

	if (find_in(p, n, ": starting up libvirt version: ") == SIZE_MAX)
		return 0;
	k = find_in(p, n, ", hostname: ");
	if (k == SIZE_MAX)
		return 0;
	h = k += 12;
	while (k < n && p[k] != ',' && p[k] != ' ' && p[k] != '\t' && p[k] != '\r')
		k++;
	if (!host_field_ok(p + h, k - h))
		return 0;
	*len = k - h;
	return h;
}

/* "UPID:<node>:<pid>:<pstart>:<starttime>:" with three 8-digit hex numbers (Proxmox prints
 * them with %08X). Returns the node's length, which starts at 5, or 0. */
static size_t match_upid(const char *p, size_t n)
{
	size_t k = 5, h;

	if (n < 5 || memcmp(p, "UPID:", 5) != 0)
		return 0;
	while (k < n && p[k] != ':' && k - 5 <= 64)
		k++;
	h = k - 5;
	if (k + 28 > n || p[k] != ':' || !host_field_ok(p + 5, h))
		return 0;
	for (int f = 0; f < 3; f++, k += 9)
		if (hex_run(p + k + 1, 8, 8) != 8 || p[k + 9] != ':')
			return 0;
	return h;
}

/* The host field of the line at p (n bytes, no newline) under fmt; offset or SIZE_MAX. */
static size_t find_host_field(enum redact_format fmt, const char *p, size_t n, bool first,
			      size_t *len)
{
	size_t h = 0;

	switch (fmt) {
	case REDACT_FMT_UNAME:
		h = first ? uname_host(p, n, len) : 0;
		break;
	case REDACT_FMT_JOURNAL:
		h = journal_host(p, n, len);
		break;
	case REDACT_FMT_QEMU_LOG:
		h = qemu_log_host(p, n, len);
		break;
	default:
		break;
	}
	return h ? h : SIZE_MAX;
}

/* A positional host name: its first label a host token, the rest (if dotted) a domain one. */
static void emit_host(struct redact *r, const char *p, size_t len, struct sbuf *out)
{
	const char *dot = memchr(p, '.', len);
	size_t hl = dot ? (size_t)(dot - p) : len;

	emit(r, REDACT_HOSTNAME, str_from_mem(p, hl), out);
	if (dot && len > hl + 1) {
		sbuf_addch(out, '.');
		emit(r, REDACT_DOMAIN, str_from_mem(p + hl + 1, len - hl - 1), out);
	} else if (dot) {
		sbuf_addch(out, '.');
	}
}

void redact_text(struct redact *r, struct str in, struct sbuf *out)
{
	redact_text_as(r, REDACT_FMT_TEXT, in, out);
}

void redact_text_as(struct redact *r, enum redact_format fmt, struct str in, struct sbuf *out)
{
	const char *s = in.ptr;
	size_t n = in.len, i = 0, lit = 0, host_at = SIZE_MAX, host_len = 0;

	if (!r->enabled) {
		sbuf_add_str(out, in);
		return;
	}
	while (i < n) {
		char c = s[i], prev = i ? s[i - 1] : '\n';
		size_t m = 0, voff = 0, vlen = 0, which = 0;
		char norm[64];
		bool word_start = !is_word(prev) && prev != '.';

		if (fmt != REDACT_FMT_TEXT && prev == '\n') {
			const char *e = memchr(s + i, '\n', n - i);
			size_t h = find_host_field(fmt, s + i, e ? (size_t)(e - s - i) : n - i,
						   i == 0, &host_len);

			host_at = h == SIZE_MAX ? SIZE_MAX : i + h;
		}
		if (i == host_at) {
			sbuf_add(out, s + lit, i - lit);
			emit_host(r, s + i, host_len, out);
			i += host_len;
			lit = i;
			host_at = SIZE_MAX;
			continue;
		}
		if (word_start && c == 'U' && (m = match_upid(s + i, n - i)) != 0) {
			sbuf_add(out, s + lit, i + 5 - lit);
			emit_host(r, s + i + 5, m, out);
			i += 5 + m;
			lit = i;
			continue;
		}
		if (word_start && at_serial_word(c)) {
			struct pciaddr pa;

			m = match_serial(s + i, n - i, &voff, &vlen);
			/* a USB root hub's "serial" is its controller's PCI address: keep it */
			if (m && vlen <= REDACT_MAX_VALUE &&
			    !pciaddr_parse(str_from_mem(s + i + voff, vlen), false, &pa)) {
				sbuf_add(out, s + lit, i + voff - lit);
				emit(r, REDACT_SERIAL, str_from_mem(s + i + voff, vlen), out);
				i += m;
				lit = i;
				continue;
			}
		}
		if (word_start && (lower(c) == 'c' || lower(c) == 's' || lower(c) == 'p')) {
			m = match_secret(s + i, n - i, &voff, &vlen);
			if (m && !(vlen > 7 && memcmp(s + i + voff, "SECRET-", 7) == 0)) {
				sbuf_add(out, s + lit, i + voff - lit);
				emit(r, REDACT_SECRET, str_from_mem(s + i + voff, vlen), out);
				i += m;
				lit = i;
				continue;
			}
		}
		if (c == '/' && n - i > 6 && memcmp(s + i, "/home/", 6) == 0) {
			size_t u = i + 6;

			while (u < n && (is_word(s[u]) || s[u] == '.') && u - i < 64)
				u++;
			if (u > i + 6 && !(u - i - 6 == 5 && memcmp(s + i + 6, "user", 4) == 0)) {
				sbuf_add(out, s + lit, i + 6 - lit);
				emit(r, REDACT_USER, str_from_mem(s + i + 6, u - i - 6), out);
				i = u;
				lit = i;
				continue;
			}
		}
		if (word_start && prev != ':' && (is_hex(c) || c == ':')) {
			enum redact_kind kind = REDACT_KIND_COUNT;
			struct str val;

			if ((m = match_uuid(s + i, n - i)) != 0) {
				kind = REDACT_UUID;
				val = str_from_mem(s + i, m);
			} else if ((m = match_hwtype_mac(s + i, n - i)) != 0 ||
				   (m = match_mac(s + i, n - i)) != 0) {
				size_t at = m == 20 ? 3 : 0;

				kind = REDACT_MAC;
				for (size_t j = 0; j < 17; j++)
					norm[j] = s[i + at + j] == '-' ? ':' : lower(s[i + at + j]);
				val = str_from_mem(norm, 17);
				if (s[i + at + 2] == '-') {
					/* the same token as the colon form, written with dashes */
					const char *t = redact_token(r, kind, val);

					sbuf_add(out, s + lit, i + at - lit);
					for (; *t; t++)
						sbuf_addch(out, *t == ':' ? '-' : *t);
					r->count[kind]++;
					i += m;
					lit = i;
					continue;
				}
			} else if ((m = match_ipv6(s + i, n - i, norm, sizeof(norm))) != 0) {
				kind = REDACT_IPV6;
				val = str_from_cstr(norm);
			} else if (is_digit(c) && (m = match_ipv4(s + i, n - i, s, i)) != 0) {
				kind = REDACT_IPV4;
				val = str_from_mem(s + i, m);
			}
			if (kind != REDACT_KIND_COUNT) {
				sbuf_add(out, s + lit, i - lit);
				emit(r, kind, val, out);
				i += m;
				lit = i;
				continue;
			}
		}
		if ((word_start || (prev == '.' && i >= 2 && is_word(s[i - 2]))) && r->names.n &&
		    (is_alpha(c) || is_digit(c))) {
			m = match_name(r, s + i, n - i, !word_start, &which);
			if (m) {
				sbuf_add(out, s + lit, i - lit);
				emit(r, r->name_kind.v[which], str_from_mem(s + i, m), out);
				i += m;
				lit = i;
				continue;
			}
		}
		i++;
	}
	sbuf_add(out, s + lit, n - lit);
}

static bool rd16(const uint8_t *b, size_t len, size_t off, uint16_t *v)
{
	if (off > len || len - off < 2)
		return false;
	*v = (uint16_t)(b[off] | b[off + 1] << 8);
	return true;
}

static bool rd32(const uint8_t *b, size_t len, size_t off, uint32_t *v)
{
	if (off > len || len - off < 4)
		return false;
	*v = (uint32_t)b[off] | (uint32_t)b[off + 1] << 8 | (uint32_t)b[off + 2] << 16 |
	     (uint32_t)b[off + 3] << 24;
	return true;
}

unsigned redact_pci_config(struct redact *r, uint8_t *buf, size_t len)
{
	size_t off = 0x100;
	unsigned cleared = 0;
	uint32_t hdr;

	if (!r->enabled)
		return 0;
	/* extended capabilities: a chain of 32-bit headers from 0x100, at most 4096 bytes */
	for (int guard = 0; guard < 1024 && off >= 0x100 && rd32(buf, len, off, &hdr); guard++) {
		uint16_t id = (uint16_t)(hdr & 0xffff);
		uint16_t dummy;

		if (hdr == 0 || hdr == 0xffffffffu)
			break;
		if (id == 0x0003 && rd16(buf, len, off + 10, &dummy)) {
			bool nonzero = false;

			for (size_t j = 4; j < 12; j++)
				nonzero = nonzero || buf[off + j] != 0;
			if (nonzero) {
				memset(buf + off + 4, 0, 8);
				r->count[REDACT_SERIAL]++;
				cleared++;
			}
		}
		off = (hdr >> 20) & 0xffc;
	}
	return cleared;
}

void redact_map_write(const struct redact *r, struct sbuf *out)
{
	for (size_t i = 0; i < r->map.n; i++)
		sbuf_addf(out, "%s\t%s\t%s\n", redact_kind_name(r->map.v[i].kind),
			  r->map.v[i].token, r->map.v[i].value);
}
