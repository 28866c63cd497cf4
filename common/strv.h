#ifndef CORDON_COMMON_STRV_H
#define CORDON_COMMON_STRV_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A growing NULL-terminated string vector for building argv and envp.
 * Allocation failure is sticky: callers push everything and check once at
 * strv_finish(), which keeps the argv builders free of error plumbing.
 */
struct strv {
	char **v;
	size_t len, cap;
	bool failed;
};

/* Appends a copy of s (a NULL s marks the vector failed). */
void strv_push(struct strv *sv, const char *s);
/* Appends a copy of the n bytes at s. */
void strv_pushn(struct strv *sv, const char *s, size_t n);
/* Appends s and takes ownership of it (a NULL s marks the vector failed). */
void strv_push_take(struct strv *sv, char *s);
void strv_pushf(struct strv *sv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Returns the NULL-terminated vector, or NULL (everything freed) on failure. */
char **strv_finish(struct strv *sv);
/* Frees a vector in progress. */
void strv_discard(struct strv *sv);

/* An empty NULL-terminated vector, or NULL when out of memory. */
char **strv_new(void);
void strv_free(char **v);
size_t strv_len(char *const *v);
/* A deep copy; NULL for a NULL v or on allocation failure. */
char **strv_copy(char *const *v);

#endif
