/* vec.h - a typed growable array: struct { T *v; size_t n, cap; }.
 *
 * VEC_PUSH returns a pointer to a new zeroed element at the end (xalloc semantics: never NULL).
 * Row limits are the caller's job (compare .n against MAX_ROWS before pushing).
 */
#pragma once

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define VEC(T)                 \
	struct {               \
		T *v;          \
		size_t n, cap; \
	}

#define VEC_PUSH(vec)                                                              \
	((vec)->v = xgrow((vec)->v, &(vec)->cap, (vec)->n + 1, sizeof(*(vec)->v)), \
	 memset(&(vec)->v[(vec)->n], 0, sizeof(*(vec)->v)), &(vec)->v[(vec)->n++])

#define VEC_FREE(vec)                      \
	do {                               \
		free((vec)->v);            \
		(vec)->v = NULL;           \
		(vec)->n = (vec)->cap = 0; \
	} while (0)
