/* SPDX-License-Identifier: ISC */
/*
 * Allocation wrappers that never return NULL: out of memory ends the
 * process with a message (the one exit lib/ allows), so callers never check.
 * A zero-size request returns a unique pointer that may be freed.
 */
#ifndef VIREO_XMALLOC_H
#define VIREO_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

#include "log.h"

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
/* realloc of nmemb * size with an overflow check (overflow is fatal). */
void	*xreallocarray(void *, size_t, size_t);
/* Like xreallocarray, and zeroes the new elements past oldnmemb. */
void	*xrecallocarray(void *, size_t, size_t, size_t);
/*
 * Room for one more after n elements of size bytes at p, for arrays
 * that only grow by appending: capacities are the powers of two, so n
 * appends cost log n reallocations.
 */
void	*xgrowarray(void *p, size_t n, size_t size);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
void	*xmemdup(const void *, size_t);
int	 xasprintf(char **, const char *, ...) printflike(2, 3);
int	 xvasprintf(char **, const char *, va_list) printflike(2, 0);
/* snprintf that treats truncation as a programming error (fatal). */
int	 xsnprintf(char *, size_t, const char *, ...) printflike(3, 4);

#endif
