/* xalloc.h - allocation that never returns NULL.
 *
 * On exhaustion these print one line ("<prog>: out of memory") and exit with EXIT_OOM, so
 * callers never test for NULL. Size *limits* on input are ordinary errors, not this.
 */
#pragma once

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size); /* checks n * size for overflow */
void *xrealloc(void *p, size_t size);
/* Grows an array of n elements of size each to at least want elements; updates *cap. */
void *xgrow(void *p, size_t *cap, size_t want, size_t size);
char *xstrdup(const char *s);
