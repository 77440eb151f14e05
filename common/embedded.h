/* embedded.h - files compiled into a binary by cmake/embed.cmake (schema.sql, knowledge/).
 * Each data array is NUL-terminated; len excludes the NUL. The table ends with a NULL name. */
#pragma once

#include <stddef.h>

struct embedded_file {
	const char *name;
	const unsigned char *data;
	size_t len;
};
