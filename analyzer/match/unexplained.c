/* unexplained.c - which log lines look like passthrough errors (see unexplained.h).
 *
 * Real lines it is meant for (seeds and the message catalog):
 *   [  133.478010] vfio-pci 0000:01:00.0: Unable to change power state from D3cold to D0, device
 * inaccessible kvm: -device vfio-pci,host=0000:01:00.0,id=hostpci0: vfio 0000:01:00.0: failed to
 * open /dev/vfio/1: No such file or directory TASK ERROR: start failed: QEMU exited with code 1 and
 * a benign one it must leave alone (catalog Q-25): kvm: warning: vfio 0000:00:1f.3: Could not
 * enable error recovery for the device
 */
#include "match/unexplained.h"

#include <string.h>
#include <strings.h>

static bool has(struct str s, const char *w)
{
	return memmem(s.ptr, s.len, w, strlen(w)) != NULL;
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static const char *const topics[] = {
	"vfio",	       "VFIO",	"DMAR", "AMD-Vi", "IOMMU",	"iommu", "BAR",		"PCI ROM",
	"header type", "reset", "FLR",	"D3",	  "TASK ERROR", "kvm:",	 "qemu-system",
};

static const char *const errors[] = {
	"error",   "fail",	"can't", "cannot", "unable",	"invalid$", "refused",
	"timeout", "timed out", "fault", "denied", "not ready", "busy",
};

/* Known-benign messages (fixed substrings), with the catalog entry or corpus machine that says
 * so. Keep this list short: a line here is never shown to a curator. */
static const char *const benign[] = {
	/* K-IOMMU-19: IOMMUv2 (PASID/PPR) absent; says itself it is not a bug */
	"AMD IOMMUv2 functionality not available",
	/* K-IOMMU-20: amd_iommu=on and friends are unknown options, harmless */
	"Unknown option - '",
	/* K-VFIO-08: vfio-pci hides capabilities from the guest */
	"hiding cap ",
	"hiding ecap ",
	"PCI config conflict @",
	"unknown length for PCI",
	/* K-PCI-07: the option ROM image chain ends early */
	"No more image in the PCI ROM",
	/* Q-25: no AER IRQ for the device */
	"Could not enable error recovery for the device",
	/* Q-29: unaligned region notice */
	"received unaligned region",
};

bool unexplained_benign(struct str text)
{
	for (size_t i = 0; i < sizeof(benign) / sizeof(*benign); i++)
		if (has(text, benign[i]))
			return true;
	return false;
}

/* An error word at the start of a word, any case; a word ending in '$' must end there too
 * ("invalid$" does not take "invalidation"; "fault" does not take "default" but takes
 * "IO_PAGE_FAULT"). One pass over the line: only word starts whose first letter begins some
 * error word are compared. */
static bool has_error_word(struct str s)
{
	for (size_t i = 0; i < s.len; i++) {
		static const bool first[256] = {
			['e'] = true, ['f'] = true, ['c'] = true, ['u'] = true, ['i'] = true,
			['r'] = true, ['t'] = true, ['d'] = true, ['n'] = true, ['b'] = true,
		};
		char c = (char)(s.ptr[i] | 0x20); /* ASCII lower case for letters */

		if (!first[(unsigned char)c] || (i && is_alnum(s.ptr[i - 1])))
			continue;
		for (size_t k = 0; k < sizeof(errors) / sizeof(*errors); k++) {
			const char *w = errors[k];
			size_t l = strlen(w);
			bool whole = w[l - 1] == '$';

			if (w[0] != c)
				continue;
			if (whole)
				l--;
			if (i + l > s.len || strncasecmp(s.ptr + i, w, l) != 0)
				continue;
			if (!whole || i + l == s.len || !is_alnum(s.ptr[i + l]))
				return true;
		}
	}
	return false;
}

/* A topic word anywhere, case as written. One pass over the line (15 memmem calls per line
 * cost about a tenth of the matcher's time on the linuxhw corpus): only bytes that begin some
 * topic are compared. */
static bool has_topic(struct str s)
{
	static const bool first[256] = {
		['v'] = true, ['V'] = true, ['D'] = true, ['A'] = true, ['I'] = true,
		['i'] = true, ['B'] = true, ['P'] = true, ['h'] = true, ['r'] = true,
		['F'] = true, ['T'] = true, ['k'] = true, ['q'] = true,
	};

	for (size_t i = 0; i < s.len; i++) {
		if (!first[(unsigned char)s.ptr[i]])
			continue;
		for (size_t k = 0; k < sizeof(topics) / sizeof(*topics); k++) {
			size_t l = strlen(topics[k]);

			if (topics[k][0] == s.ptr[i] && i + l <= s.len &&
			    memcmp(s.ptr + i, topics[k], l) == 0)
				return true;
		}
	}
	return false;
}

bool unexplained_looks_like(struct str text)
{
	return has_topic(text) && has_error_word(text) && !unexplained_benign(text);
}
