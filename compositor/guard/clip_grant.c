#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <wlr/util/log.h>
#include "common/mstime.h"
#include "compositor/domain/domain.h"
#include "compositor/guard/clipboard.h"
#include "compositor/guard/clipboard_internal.h"
#include "compositor/ipc/ipc.h"
#include "compositor/server.h"

/* The one JSON form of a grant, for `cordonctl grants` and "grant" events. */
static struct json_object *clip_grant_json(struct clip_grant *g, int64_t now) {
	struct json_object *o = json_object_new_object();
	if (o == NULL) {
		return NULL;
	}
	json_object_object_add(o, "from", json_object_new_string(g->from));
	json_object_object_add(o, "to", json_object_new_string(g->to));
	json_object_object_add(o, "kind", json_object_new_string(clip_kind_name(g->record->kind)));
	json_object_object_add(o, "decision", json_object_new_string(g->allow ? "allow" : "deny"));
	json_object_object_add(o, "uses", json_object_new_int64(g->uses));
	int64_t left = g->until_ms - now;
	json_object_object_add(o, "expires_in_ms", json_object_new_int64(left > 0 ? left : 0));
	return o;
}

void clip_grant_broadcast(struct clip_grant *g, const char *change) {
	struct json_object *body = clip_grant_json(g, mstime_now());
	if (body == NULL) {
		return;
	}
	json_object_object_add(body, "change", json_object_new_string(change));
	ipc_broadcast(g->clip->server->ipc, "grant", body);
	json_object_put(body);
}

static void clip_grant_free(struct clip_grant *g, const char *why) {
	wlr_log(WLR_INFO, "clipboard: %s grant [%s] → [%s] ends: %s",
		g->allow ? "allow" : "deny", g->from, g->to, why);
	clip_grant_broadcast(g, "ended");
	wl_list_remove(&g->link);
	if (g->timer != NULL) {
		wl_event_source_remove(g->timer);
	}
	free(g->from);
	free(g->to);
	free(g);
}

static int handle_grant_timeout(void *data) {
	clip_grant_free(data, "expired");
	return 0;
}

/* Ends every grant on record's selection (record NULL: all of them). */
void clip_grants_end(struct cordon_clipboard *clip, struct clip_record *record,
		const char *why) {
	struct clip_grant *g, *tmp;
	wl_list_for_each_safe(g, tmp, &clip->grants, link) {
		if (record == NULL || g->record == record) {
			clip_grant_free(g, why);
		}
	}
}

struct clip_grant *clip_grant_find(struct cordon_clipboard *clip,
		struct clip_record *record, const char *to) {
	struct clip_grant *g;
	wl_list_for_each(g, &clip->grants, link) {
		if (g->record == record && g->stamp == record->stamp && strcmp(g->to, to) == 0) {
			return g;
		}
	}
	return NULL;
}

void clip_grant_add(struct cordon_clipboard *clip, struct clip_record *record,
		const char *to, bool allow, int ms) {
	struct clip_grant *g = clip_grant_find(clip, record, to);
	if (g != NULL && g->allow == allow) {
		return;
	}
	if (g != NULL) {
		clip_grant_free(g, "replaced");
	}
	if (wl_list_length(&clip->grants) >= CLIP_MAX_GRANTS) {
		/* The oldest is at the end. */
		clip_grant_free(wl_container_of(clip->grants.prev, g, link), "too many grants");
	}
	g = calloc(1, sizeof(*g));
	if (g == NULL || (g->from = strdup(record->domain->name)) == NULL ||
			(g->to = strdup(to)) == NULL ||
			(g->timer = wl_event_loop_add_timer(clip->server->loop, handle_grant_timeout,
				g)) == NULL) {
		wlr_log(WLR_ERROR, "clipboard: cannot record a grant for [%s]", to);
		if (g != NULL) {
			free(g->from);
			free(g->to);
			free(g);
		}
		return;
	}
	g->clip = clip;
	g->record = record;
	g->stamp = record->stamp;
	g->allow = allow;
	g->until_ms = mstime_now() + ms;
	wl_event_source_timer_update(g->timer, ms);
	wl_list_insert(&clip->grants, &g->link);
	wlr_log(WLR_INFO, "clipboard: [%s] → [%s] %s for %d ms without asking", g->from, g->to,
		allow ? "allowed" : "denied", ms);
	clip_grant_broadcast(g, "new");
	/*
	 * Toolkits keep what they read from an offer, failures included (Qt
	 * does): a fresh offer makes the target's retry ask cordon again.
	 */
	if (clip->focused != NULL && strcmp(clip->focused->name, to) == 0) {
		clip_update_seat(clip, record->kind);
	}
}

struct json_object *clipboard_grants(struct cordon_server *server) {
	struct json_object *list = json_object_new_array();
	if (list == NULL || server->clipboard == NULL) {
		return list;
	}
	int64_t now = mstime_now();
	struct clip_grant *g;
	wl_list_for_each(g, &server->clipboard->grants, link) {
		struct json_object *o = clip_grant_json(g, now);
		if (o != NULL) {
			json_object_array_add(list, o);
		}
	}
	return list;
}

