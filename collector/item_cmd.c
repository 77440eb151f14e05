/* item_cmd.c - commands (dmesg, journalctl, lspci, uname) with a time cap that kills their
 * whole process group, or their fixtures under --sysroot. */
#include "item_cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "common/banned.h"
#include "item_file.h"

static const char *const search_dirs[] = {
	"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin", NULL
};

char *item_cmd_find(const char *name)
{
	char path[512];

	for (const char *const *d = search_dirs; *d; d++) {
		snprintf(path, sizeof(path), "%s/%s", *d, name);
		if (access(path, X_OK) == 0)
			return strdup(path);
	}
	return NULL;
}

/* The first non-empty line of stderr, for the manifest's reason. */
static void first_line(struct str err, char *buf, size_t size)
{
	struct str line;

	buf[0] = '\0';
	while (str_next_line(&err, &line)) {
		line = str_trim(line);
		if (line.len) {
			snprintf(buf, size, "%.*s", (int)(line.len > 200 ? 200 : line.len),
				 line.ptr);
			return;
		}
	}
}

static void replay(const struct item *it, const char *sysroot, long timeout_ms,
		   struct item_result *r)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/cmd-fixtures/%s", sysroot, it->fixture);
	item_file_read(path, it->max_bytes, timeout_ms, 0, r);
	if (r->status == STATUS_MISSING)
		item_result_set(r, STATUS_MISSING, "%s: command not found", it->argv[0]);
	else
		r->exit_code = r->status == STATUS_OK ? 0 : -1;
}

void item_cmd_start(const struct item *it, const char *sysroot, struct cmd_handle *h)
{
	memset(h, 0, sizeof(*h));
	if (*sysroot)
		return;
	h->path = item_cmd_find(it->argv[0]);
	if (h->path && child_spawn_exec(h->path, (char *const *)it->argv, &h->proc) == 0)
		h->started = true;
	else if (h->path)
		h->start_errno = errno;
}

void item_cmd_finish(const struct item *it, const char *sysroot, struct cmd_handle *h,
		     long timeout_ms, struct item_result *r)
{
	struct child_out co;
	char reason[200];

	if (*sysroot) {
		replay(it, sysroot, timeout_ms, r);
		return;
	}
	if (!h->path) {
		item_result_set(r, STATUS_MISSING, "%s: command not found", it->argv[0]);
		return;
	}
	if (!h->started) {
		item_result_set(r, STATUS_ERROR, "cannot start '%s': %s", h->path,
				strerror(h->start_errno));
		goto out;
	}
	child_out_init(&co);
	child_collect(&h->proc, it->max_bytes, timeout_ms, &co);
	r->duration_ms = co.duration_ms;
	r->exit_code = co.exit_code;
	sbuf_add(&r->data, co.out.buf, co.out.len);
	first_line(sbuf_view(&co.err), reason, sizeof(reason));
	if (co.timed_out)
		item_result_set(r, STATUS_TIMEOUT, "killed after %ld ms%s%s", timeout_ms,
				reason[0] ? ": " : "", reason);
	else if (co.truncated)
		item_result_set(r, STATUS_TRUNCATED, "output capped at %zu bytes", it->max_bytes);
	else if (co.exit_code == 127 && co.out.len == 0)
		item_result_set(r, STATUS_ERROR, "cannot execute '%s'", h->path);
	else if (co.exit_code != 0 && co.out.len == 0) {
		bool denied = strstr(reason, "ermission") || strstr(reason, "not permitted");

		item_result_set(r, denied ? STATUS_DENIED : STATUS_MISSING, "exit %d%s%s",
				co.exit_code, reason[0] ? ": " : "", reason);
	} else if (co.exit_code != 0 || co.term_signal)
		snprintf(r->reason, sizeof(r->reason), "exit %d%s%s", co.exit_code,
			 reason[0] ? ": " : "", reason);
	child_out_release(&co);
out:
	free(h->path);
	h->path = NULL;
}

void item_cmd_run(const struct item *it, const char *sysroot, long timeout_ms,
		  struct item_result *r)
{
	struct cmd_handle h;

	item_cmd_start(it, sysroot, &h);
	item_cmd_finish(it, sysroot, &h, timeout_ms, r);
}
