#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/strv.h"

static void strv_grow(struct strv *sv) {
	if (sv->failed || sv->len + 2 <= sv->cap) {
		return;
	}
	size_t cap = sv->cap ? sv->cap * 2 : 16;
	char **v = realloc(sv->v, cap * sizeof(*v));
	if (!v) {
		sv->failed = true;
		return;
	}
	sv->v = v;
	sv->cap = cap;
}

void strv_push_take(struct strv *sv, char *s) {
	if (!s) {
		sv->failed = true;
		return;
	}
	strv_grow(sv);
	if (sv->failed) {
		free(s);
		return;
	}
	sv->v[sv->len++] = s;
	sv->v[sv->len] = NULL;
}

void strv_push(struct strv *sv, const char *s) {
	strv_push_take(sv, s ? strdup(s) : NULL);
}

void strv_pushn(struct strv *sv, const char *s, size_t n) {
	strv_push_take(sv, s ? strndup(s, n) : NULL);
}

void strv_pushf(struct strv *sv, const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0) {
		s = NULL;
	}
	va_end(ap);
	strv_push_take(sv, s);
}

void strv_discard(struct strv *sv) {
	for (size_t i = 0; i < sv->len; i++) {
		free(sv->v[i]);
	}
	free(sv->v);
	*sv = (struct strv){0};
}

char **strv_finish(struct strv *sv) {
	strv_grow(sv);
	if (sv->failed) {
		strv_discard(sv);
		return NULL;
	}
	sv->v[sv->len] = NULL;
	char **v = sv->v;
	*sv = (struct strv){0};
	return v;
}

char **strv_new(void) {
	return calloc(1, sizeof(char *));
}

void strv_free(char **v) {
	if (!v) {
		return;
	}
	for (char **p = v; *p; p++) {
		free(*p);
	}
	free(v);
}

size_t strv_len(char *const *v) {
	size_t n = 0;
	while (v && v[n]) {
		n++;
	}
	return n;
}

char **strv_copy(char *const *v) {
	if (!v) {
		return NULL;
	}
	struct strv sv = {0};
	for (size_t i = 0; v[i]; i++) {
		strv_push(&sv, v[i]);
	}
	return strv_finish(&sv);
}
