/* log.h - the one place that writes diagnostics to stderr, as "<prog>: <message>".
 *
 * Only main.c and cmd_*.c log above debug; library code returns errors or records warnings.
 * Colour is used only when stderr is a TTY and NO_COLOR is unset.
 */
#pragma once

#include <stdbool.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_init(const char *program, enum log_level level);
const char *log_program_name(void);
enum log_level log_get_level(void);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* True when the stream is a terminal and NO_COLOR is not set. */
bool log_use_colour(int fd);
