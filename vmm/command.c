#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "vmm/command.h"
#include "common/strv.h"

char *command_shell_quote(const char *s) {
	/* Words made only of these need no quotes; keeps logs readable. */
	static const char safe[] = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@%+,-";
	if (s[0] && strspn(s, safe) == strlen(s)) {
		return strdup(s);
	}
	/* Inside single quotes nothing is special; a ' becomes '\''. */
	size_t len = 2;
	for (const char *p = s; *p; p++) {
		len += *p == '\'' ? 4 : 1;
	}
	char *out = malloc(len + 1);
	if (!out) {
		return NULL;
	}
	char *o = out;
	*o++ = '\'';
	for (const char *p = s; *p; p++) {
		if (*p == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = *p;
		}
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

struct buf {
	char *data;
	size_t len, cap;
	bool failed;
};

static void buf_add(struct buf *b, const char *s, size_t n) {
	if (b->failed) {
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1) {
			cap *= 2;
		}
		char *d = realloc(b->data, cap);
		if (!d) {
			b->failed = true;
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void buf_add_quoted(struct buf *b, const char *s) {
	char *q = command_shell_quote(s);
	if (!q) {
		b->failed = true;
		return;
	}
	buf_add(b, q, strlen(q));
	free(q);
}

char *command_expand(const char *tmpl, const struct command_vars *vars) {
	struct buf b = {0};
	buf_add(&b, "", 0);
	const char *p = tmpl;
	while (*p) {
		const char *brace = strchr(p, '{');
		if (!brace) {
			buf_add(&b, p, strlen(p));
			break;
		}
		buf_add(&b, p, (size_t)(brace - p));
		p = brace;
		if (vars->socket && strncmp(p, "{socket}", 8) == 0) {
			buf_add_quoted(&b, vars->socket);
			p += 8;
		} else if (vars->display && strncmp(p, "{display}", 9) == 0) {
			buf_add_quoted(&b, vars->display);
			p += 9;
		} else if (vars->dir && strncmp(p, "{dir}", 5) == 0) {
			buf_add_quoted(&b, vars->dir);
			p += 5;
		} else if (vars->name && strncmp(p, "{name}", 6) == 0) {
			buf_add_quoted(&b, vars->name);
			p += 6;
		} else if (vars->cmd && strncmp(p, "{cmd}", 5) == 0) {
			for (size_t i = 0; vars->cmd[i]; i++) {
				if (i > 0) {
					buf_add(&b, " ", 1);
				}
				buf_add_quoted(&b, vars->cmd[i]);
			}
			p += 5;
		} else {
			buf_add(&b, "{", 1);
			p++;
		}
	}
	if (b.failed) {
		free(b.data);
		return NULL;
	}
	return b.data;
}

char **command_argv(const char *tmpl, const struct command_vars *vars) {
	struct strv sv = {0};
	strv_push(&sv, "/bin/sh");
	strv_push(&sv, "-c");
	strv_push_take(&sv, command_expand(tmpl, vars));
	return strv_finish(&sv);
}
