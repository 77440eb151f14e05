/* item_cmd.h - run one command for the bundle, or replay its recorded output.
 *
 * On the live system the command is looked up in a fixed PATH (/usr/local/sbin ... /bin) and
 * run through child.h: own process group, stdin /dev/null, LC_ALL=C, the whole group
 * killed at the time cap, stdout capped. Under --sysroot DIR nothing is run: the output is
 * DIR/cmd-fixtures/<fixture>, and a missing fixture means the command is not installed.
 */
#pragma once

#include <stdbool.h>

#include "child.h"
#include "plan.h"

/* Runs item's command (sysroot "" for the live system) with timeout_ms. A command that is
 * not installed is status missing; one that exits non-zero without output is missing with
 * its first stderr line as the reason. */
void item_cmd_run(const struct item *it, const char *sysroot, long timeout_ms,
		  struct item_result *r);

/* The two halves of item_cmd_run(), so that the commands of a run start together: start
 * looks the command up and spawns it (nothing under --sysroot); finish collects it (or
 * replays the fixture) into r. finish must follow every start. */
struct cmd_handle {
	bool started;
	int start_errno; /* when it could not be started */
	char *path;	 /* NULL: not installed */
	struct child_proc proc;
};

void item_cmd_start(const struct item *it, const char *sysroot, struct cmd_handle *h);
void item_cmd_finish(const struct item *it, const char *sysroot, struct cmd_handle *h,
		     long timeout_ms, struct item_result *r);

/* The full path of an executable named name in the fixed PATH (yours, free()), or NULL. */
char *item_cmd_find(const char *name);
