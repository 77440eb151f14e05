/* log.c - stderr diagnostics with a program-name prefix. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char *program = "vfio-doctor";
static enum log_level threshold = LOG_INFO;

void log_init(const char *name, enum log_level level)
{
	program = name;
	threshold = level;
}

const char *log_program_name(void)
{
	return program;
}

enum log_level log_get_level(void)
{
	return threshold;
}

bool log_use_colour(int fd)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(fd) && !(nc && *nc);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const tag[] = { "error: ", "warning: ", "", "debug: " };
	va_list ap;

	if (level > threshold)
		return;
	fprintf(stderr, "%s: %s", program, tag[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
