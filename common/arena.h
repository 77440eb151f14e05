/* arena.h - one lifetime for many small objects (git's mem-pool).
 *
 * Everything allocated from an arena dies together in arena_release(). A function that
 * allocates from an arena takes it as a parameter, so ownership shows in its signature.
 * Allocation never fails (see xalloc.h); memory is zeroed.
 */
#pragma once

#include <stddef.h>

#include "str.h"

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t used; /* bytes handed out, for limits and benchmarks */
};

void arena_init(struct arena *a);
void arena_release(struct arena *a);
void *arena_alloc(struct arena *a, size_t size); /* zeroed, aligned for any type */
char *arena_strdup(struct arena *a, const char *s);
/* Copies a view into the arena, NUL-terminated; the result views the copy. */
struct str arena_str(struct arena *a, struct str s);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
