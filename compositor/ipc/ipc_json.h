#ifndef CORDON_IPC_JSON_H
#define CORDON_IPC_JSON_H

#include <stdbool.h>
#include <stdint.h>

struct cordon_server;
struct cordon_view;
struct cordon_domain;
struct json_object;
struct cordon_output;

/*
 * The one JSON form of each object cordon reports, used by command replies
 * and events alike, so a subscriber sees the same fields `cordonctl
 * windows` shows. Each returns a new object or NULL when out of memory.
 */
struct json_object *ipc_json_window(struct cordon_view *view);
struct json_object *ipc_json_domain(struct cordon_domain *domain);
struct json_object *ipc_json_output(struct cordon_server *server,
	struct cordon_output *output);

/*
 * Builders that report failure, so a reply is complete or not sent. put
 * takes value (NULL: false); a NULL string becomes JSON null.
 */
bool ipc_json_put(struct json_object *obj, const char *key, struct json_object *value);
bool ipc_json_put_string(struct json_object *obj, const char *key, const char *value);
bool ipc_json_put_int(struct json_object *obj, const char *key, int64_t value);
bool ipc_json_put_bool(struct json_object *obj, const char *key, bool value);

#endif
