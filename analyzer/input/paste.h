/* paste.h - split a forum paste into parts at shell prompts, `Code:` markers and ``` fences.
 *
 * A paste concatenates outputs behind prompts ("root@pve:~# dmesg | grep -i vfio", "$ lspci
 * -nnk", "# cat /etc/pve/qemu-server/100.conf", the two-line "root@node-home ~" / "➤ dmesg"),
 * forum `Code:` blocks and Markdown fences, with prose between them. Each part is a run of
 * whole lines of the input with its line range in the whole text, the command that printed it
 * (when a prompt showed one) and whether it is prose. Pure: no I/O; parts view the text.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "common/str.h"
#include "common/vec.h"

enum paste_marker {
	PASTE_START,  /* text before the first marker */
	PASTE_PROMPT, /* a shell prompt; command may be empty */
	PASTE_CODE,   /* a forum "Code:" line */
	PASTE_FENCE,  /* a ``` or ~~~ fenced block */
	PASTE_PROSE,  /* sentences between blocks */
	PASTE_BLOCK,  /* an unmarked run of non-prose lines between sentences */
};

struct paste_part {
	uint32_t first_line, last_line; /* 1-based, inclusive, in the whole text */
	struct str text;		/* those lines (with their newlines) */
	enum paste_marker marker;
	struct str command; /* the prompt's command, empty when none */
	struct str context; /* up to 3 prose lines just before the part (names a file?) */
};

struct paste {
	VEC(struct paste_part) parts;
	bool split;	    /* false: no marker found; the text is one part */
	uint32_t merged;    /* parts past MAX_PASTE_PARTS, merged into the last one */
	uint32_t n_markers; /* prompts, Code: lines and fences seen */
};

/* Splits text into parts. When no prompt, Code: line or fence occurs, the text is one part
 * (marker PASTE_START) and split is false. Parts with no non-blank line are dropped. Always
 * succeeds; parts past MAX_PASTE_PARTS are merged into the last and counted. */
void paste_split(struct str text, struct paste *p);
void paste_release(struct paste *p);

/* If line is a shell prompt, sets *command (possibly empty) and returns true. */
bool paste_is_prompt(struct str line, struct str *command);
/* True when line reads as an English sentence rather than program output. */
bool paste_is_prose(struct str line);
const char *paste_marker_name(enum paste_marker m);
