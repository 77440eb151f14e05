/* error.h - exit codes and the error record every fallible function fills.
 *
 * A function that can fail returns -1 (or NULL) and describes the failure in the caller's
 * struct error; error_set() keeps the first, most specific message, so callers just return
 * upward. main() prints err.msg once and exits with err.code. docs/exit-codes.md documents the
 * codes; they are a public interface, never renumbered.
 */
#pragma once

#include <stdbool.h>

enum exit_code {
	EXIT_OK = 0,	   /* ran; findings or not */
	EXIT_USAGE = 2,	   /* bad command line */
	EXIT_INPUT = 3,	   /* an input is unreadable, corrupt or of no known kind */
	EXIT_LIMIT = 4,	   /* an input exceeds a limit and nothing useful is left */
	EXIT_OOM = 5,	   /* out of memory */
	EXIT_KB = 6,	   /* the knowledge base is invalid (load, lint or test failure) */
	EXIT_OUTPUT = 7,   /* the output could not be written */
	EXIT_REGRESS = 8,  /* corpus mode: a case regressed */
	EXIT_INTERNAL = 9, /* a bug: an invariant broke */
	EXIT_PARTIAL = 10, /* collect: the bundle was written but items failed (see manifest) */
	EXIT_TIMEOUT = 11, /* collect: the global deadline passed before the bundle was complete */
	EXIT_SIGNAL = 12,  /* interrupted by SIGINT/SIGTERM; nothing left under the final name */
};

struct error {
	enum exit_code code;
	char msg[256];
};

/* Records the failure unless one is already recorded; always returns -1. */
int error_set(struct error *err, enum exit_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool error_is_set(const struct error *err);
void error_clear(struct error *err);
