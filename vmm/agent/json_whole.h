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
