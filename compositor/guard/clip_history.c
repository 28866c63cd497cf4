#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wlr/util/log.h>
#include "compositor/guard/clipboard.h"
#include "compositor/guard/clipboard_internal.h"
#include "compositor/ipc/ipc.h"
#include "compositor/server.h"

/*
 * The last CLIP_HISTORY cross-domain transfers, and the one JSON form of a
 * transfer, for `cordonctl transfers` and "transfer" events alike.
 */
static struct json_object *clip_history_json(const struct clip_history *h) {
	struct json_object *o = json_object_new_object();
	if (o == NULL) {
		return NULL;
	}
	json_object_object_add(o, "time", json_object_new_int64((int64_t)h->time));
	json_object_object_add(o, "from", json_object_new_string(h->from ? h->from : ""));
	json_object_object_add(o, "to", json_object_new_string(h->to ? h->to : ""));
	json_object_object_add(o, "kind", json_object_new_string(h->kind));
	json_object_object_add(o, "mime", json_object_new_string(h->mime ? h->mime : ""));
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)h->bytes));
	json_object_object_add(o, "decision", json_object_new_string(h->decision));
	json_object_object_add(o, "result", json_object_new_string(h->result ? h->result : ""));
	return o;
}

void clip_history_add(struct cordon_clipboard *clip, struct clip_paste *p,
		size_t bytes, const char *decision, const char *result) {
	struct clip_history *h = &clip->history[clip->history_next];
	free(h->from);
	free(h->to);
	free(h->mime);
	free(h->result);
	h->time = time(NULL);
	h->from = strdup(p->from);
	h->to = strdup(p->to);
	h->mime = strdup(p->mime);
	h->kind = p->dnd ? "dnd" : clip_kind_name(p->kind);
	h->bytes = bytes;
	h->decision = decision;
	h->result = strdup(result);
	clip->history_next = (clip->history_next + 1) % CLIP_HISTORY;
	if (clip->history_len < CLIP_HISTORY) {
		clip->history_len++;
	}
	wlr_log(WLR_INFO, "clipboard: %s %s → %s (%s, %zu bytes): %s, %s", h->kind, p->from,
		p->to, p->mime, bytes, decision, result);

	struct json_object *body = clip_history_json(h);
	if (body != NULL) {
		ipc_broadcast(clip->server->ipc, "transfer", body);
		json_object_put(body);
	}
}


struct json_object *clipboard_transfers(struct cordon_server *server) {
	struct cordon_clipboard *clip = server->clipboard;
	struct json_object *list = json_object_new_array();
	if (list == NULL) {
		return NULL;
	}
	size_t start = (clip->history_next + CLIP_HISTORY - clip->history_len) % CLIP_HISTORY;
	for (size_t i = 0; i < clip->history_len; i++) {
		struct clip_history *h = &clip->history[(start + i) % CLIP_HISTORY];
		struct json_object *o = clip_history_json(h);
		if (o != NULL) {
			json_object_array_add(list, o);
		}
	}
	return list;
}


void clip_history_finish(struct cordon_clipboard *clip) {
	for (size_t i = 0; i < CLIP_HISTORY; i++) {
		free(clip->history[i].from);
		free(clip->history[i].to);
		free(clip->history[i].mime);
		free(clip->history[i].result);
	}
}
