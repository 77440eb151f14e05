/* error.c - the first error wins. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

int error_set(struct error *err, enum exit_code code, const char *fmt, ...)
{
	va_list ap;

	if (!err || err->code != EXIT_OK)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

bool error_is_set(const struct error *err)
{
	return err && err->code != EXIT_OK;
}

void error_clear(struct error *err)
{
	err->code = EXIT_OK;
	err->msg[0] = '\0';
}
