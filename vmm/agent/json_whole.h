#ifndef CORDON_VMM_AGENT_JSON_WHOLE_H
#define CORDON_VMM_AGENT_JSON_WHOLE_H

/*
 * Both ends of the serial agent link (cordon-agent in the guest, qemu_apps.c
 * on the host) read lines the other side controls: a line counts only when
 * it is one JSON object and nothing else, nested no deeper than the reader
 * expects. Header-only, so the guest agent links nothing of cordon's.
 */
#include <json-c/json.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The object that fills buf[0..len) exactly, or NULL (also out of memory). */
static inline struct json_object *json_whole_object(const char *buf, size_t len, int depth) {
	struct json_tokener *tok = json_tokener_new_ex(depth);
	if (tok == NULL) {
		return NULL;
	}
	struct json_object *o = json_tokener_parse_ex(tok, buf, (int)len);
	bool whole = o != NULL && json_tokener_get_error(tok) == json_tokener_success &&
		(size_t)json_tokener_get_parse_end(tok) == len &&
		json_object_is_type(o, json_type_object);
	json_tokener_free(tok);
	if (!whole) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/*
 * Splits what buf holds into lines: *len bytes from before (no newline
 * among them) and n just appended after them. Hands each complete line to
 * line() without its '\n', except the rest of one too long to keep
 * (*skipping); stops at once, leaving buf as it is, when line() returns
 * false (the link went away). Keeps a partial last line at the front. One
 * that fills all cap bytes is dropped and the rest of it will be skipped:
 * returns true then, so the caller can say so.
 */
static inline bool json_whole_lines(char *buf, size_t cap, size_t *len, size_t n,
		bool *skipping, bool (*line)(void *data, const char *text, size_t len),
		void *data) {
	size_t end = *len + n, start = 0;
	for (size_t i = *len; i < end; i++) {
		if (buf[i] != '\n') {
			continue;
		}
		bool go_on = *skipping || line(data, buf + start, i - start);
		*skipping = false;
		start = i + 1;
		if (!go_on) {
			return false;
		}
	}
	memmove(buf, buf + start, end - start);
	*len = end - start;
	if (*len < cap) {
		return false;
	}
	*len = 0;
	*skipping = true;
	return true;
}

/*
 * The refusal every end of the agent protocol sends (the agent to the
 * host, qemu_apps.c to cordonctl): {"id":ID,"ok":false,"error":MSG}, with
 * no id when id < 0. MSG is formatted from fmt into msg[len], which the
 * caller logs. NULL when out of memory.
 */
static inline struct json_object *json_whole_refusal(int64_t id, char *msg, size_t len,
		const char *fmt, va_list ap) {
	vsnprintf(msg, len, fmt, ap);
	struct json_object *o = json_object_new_object();
	if (o != NULL) {
		if (id >= 0) {
			json_object_object_add(o, "id", json_object_new_int64(id));
		}
		json_object_object_add(o, "ok", json_object_new_boolean(0));
		json_object_object_add(o, "error", json_object_new_string(msg));
	}
	return o;
}

#endif
