#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wlr/types/wlr_data_device.h>
#include <wlr/types/wlr_primary_selection.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/util/log.h>
#include "common/mstime.h"
#include "compositor/guard/clip_policy.h"
#include "compositor/guard/clipboard.h"
#include "compositor/guard/data_control.h"
#include "compositor/guard/sanitize.h"
#include "compositor/guard/clipboard_internal.h"
#include "compositor/guard/dnd.h"
#include "compositor/domain/domain.h"
#include "compositor/ipc/ipc.h"
#include "compositor/render/notify.h"
#include "compositor/guard/prompt.h"
#include "compositor/server.h"
#include "compositor/guard/transfer.h"
#include "compositor/guard/session_lock.h"
#include "compositor/util.h"

/* Caps on what a guest's source may make cordon offer to anyone. */


static const char *const clip_kind_names[CLIP_KINDS] = {"clipboard", "primary"};


/* The seat's selection for one target domain. */
struct clip_data_proxy {
	struct wlr_data_source base;
	struct cordon_clipboard *clip;
	struct clip_record *owner;
	struct cordon_domain *target;
};

struct clip_primary_proxy {
	struct wlr_primary_selection_source base;
	struct cordon_clipboard *clip;
	struct clip_record *owner;
	struct cordon_domain *target;
};

/* A source cordon owns: what secure-paste leaves in the target domain. */
struct clip_owned_source {
	struct wlr_data_source base;
	struct cordon_clipboard *clip;
	int memfd;
	size_t len;
};

enum paste_role {
	PASTE_CROSS = 0,   /* a cross-domain paste under policy */
	PASTE_SECURE_COPY, /* reading into cordon's secure clipboard */
	PASTE_SERVE,       /* cordon's own data to a client */
};

/* What the user (or the timeout) said to an ask paste's question. */
enum paste_answer {
	PASTE_UNANSWERED = 0,
	PASTE_ALLOWED,
	PASTE_DENIED,      /* by a key, over IPC, or by the timeout */
	PASTE_WITHDRAWN,   /* the question went away: its source or target left */
};

struct clip_paste {
	struct wl_list link;          /* cordon_clipboard.pastes */
	struct cordon_clipboard *clip;
	enum paste_role role;
	struct transfer *transfer;
	struct prompt *prompt;
	struct clip_record *record;   /* the source's record while it lives */
	char *from, *to, *mime;
	enum clip_kind kind;
	bool dnd;
	enum config_clip_policy policy;
	enum paste_answer answer;     /* for ask */
	bool granted;                 /* allowed by a grant, without a prompt */
	/*
	 * The paste whose prompt answers this one too: a toolkit that asks for
	 * one type after another (Qt: text/plain;charset=utf-8, then
	 * text/plain) gets one question for one selection, not one per type.
	 */
	struct clip_paste *follows;
	bool settle;                  /* a follower whose answer just came */
	bool target_gone;             /* the target stopped waiting before the answer */
	int grant_ms;                 /* the answer became a grant of this long */
	struct wl_listener source_destroy;
};

/*
 * The remembered answer to a target that stopped waiting for its paste (Qt
 * gives up after a second): for [clipboard] grant, that target domain's
 * pastes of the same selection are allowed (or denied) without a prompt.
 * A new selection in the source, or its loss, ends it.
 */
#define CLIP_MAX_GRANTS 16

struct clip_grant {
	struct wl_list link;          /* cordon_clipboard.grants */
	struct cordon_clipboard *clip;
	struct clip_record *record;   /* the source's record ... */
	uint64_t stamp;               /* ... while it holds this selection */
	char *from, *to;
	bool allow;
	unsigned uses;
	int64_t until_ms;             /* CLOCK_MONOTONIC */
	struct wl_event_source *timer;
};



static void clip_update_seat(struct cordon_clipboard *clip, enum clip_kind kind);

static bool clip_record_live(const struct clip_record *r) {
	return r->kind == CLIP_CLIPBOARD ? r->data != NULL : r->primary != NULL;
}

static struct wl_array *clip_record_mimes(struct clip_record *r) {
	return r->kind == CLIP_CLIPBOARD ? &r->data->mime_types : &r->primary->mime_types;
}

static void clip_record_send(struct clip_record *r, const char *mime, int fd) {
	if (r->kind == CLIP_CLIPBOARD) {
		wlr_data_source_send(r->data, mime, fd);
	} else {
		wlr_primary_selection_source_send(r->primary, mime, fd);
	}
}

static struct clip_record *clip_record_find(struct cordon_clipboard *clip,
		struct cordon_domain *domain, enum clip_kind kind, bool create) {
	struct clip_record *r;
	wl_list_for_each(r, &clip->records, link) {
		if (r->domain == domain && r->kind == kind) {
			return r;
		}
	}
	if (!create || (r = calloc(1, sizeof(*r))) == NULL) {
		return NULL;
	}
	r->clip = clip;
	r->domain = domain;
	r->kind = kind;
	wl_list_init(&r->source_destroy.link);
	wl_list_insert(&clip->records, &r->link);
	return r;
}

/* The selection the focused domain sees: the newest of any domain's. */
struct clip_record *clip_latest(struct cordon_clipboard *clip, enum clip_kind kind) {
	struct clip_record *best = NULL, *r;
	wl_list_for_each(r, &clip->records, link) {
		if (r->kind == kind && clip_record_live(r) && (best == NULL || r->stamp > best->stamp)) {
			best = r;
		}
	}
	return best;
}

static bool clip_mime_allowed(struct cordon_clipboard *clip, const char *mime) {
	for (char **m = clip->server->config->clipboard.mime; m && *m; m++) {
		if (strcmp(*m, mime) == 0) {
			return true;
		}
	}
	return false;
}

/* Copies the offerable types of owner for target into out. */
bool clip_copy_mimes(struct cordon_clipboard *clip, struct clip_record *owner,
		struct cordon_domain *target, struct wl_array *out) {
	bool cross = owner->domain != target;
	size_t n = 0;
	char **mime;
	wl_array_for_each(mime, clip_record_mimes(owner)) {
		if (n == CLIP_MAX_MIMES) {
			break;
		}
		if (strlen(*mime) > CLIP_MAX_MIME_LEN || (cross && !clip_mime_allowed(clip, *mime))) {
			continue;
		}
		char **slot = wl_array_add(out, sizeof(*slot));
		if (slot == NULL || (*slot = strdup(*mime)) == NULL) {
			if (slot != NULL) {
				out->size -= sizeof(*slot);
			}
			return false;
		}
		n++;
	}
	return n > 0;
}

static void clip_history_add(struct cordon_clipboard *clip, struct clip_paste *p,
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
	h->kind = p->dnd ? "dnd" : clip_kind_names[p->kind];
	h->bytes = bytes;
	h->decision = decision;
	h->result = strdup(result);
	clip->history_next = (clip->history_next + 1) % CLIP_HISTORY;
	if (clip->history_len < CLIP_HISTORY) {
		clip->history_len++;
	}
	wlr_log(WLR_INFO, "clipboard: %s %s → %s (%s, %zu bytes): %s, %s", h->kind, p->from,
		p->to, p->mime, bytes, decision, result);

	struct json_object *body = json_object_new_object();
	if (body != NULL) {
		json_object_object_add(body, "from", json_object_new_string(p->from));
		json_object_object_add(body, "to", json_object_new_string(p->to));
		json_object_object_add(body, "kind", json_object_new_string(h->kind));
		json_object_object_add(body, "mime", json_object_new_string(p->mime));
		json_object_object_add(body, "bytes", json_object_new_int64((int64_t)bytes));
		json_object_object_add(body, "decision", json_object_new_string(decision));
		json_object_object_add(body, "result", json_object_new_string(result));
		ipc_broadcast(clip->server->ipc, "transfer", body);
		json_object_put(body);
	}
}

static const char *clip_decision_name(struct clip_paste *p) {
	if (p->granted) {
		return "grant";
	}
	switch (p->policy) {
	case CONFIG_CLIP_ALLOW:
		return "allow";
	case CONFIG_CLIP_DENY:
		return "deny";
	default:
		if (p->answer == PASTE_UNANSWERED) {
			return "ask";
		}
		return p->answer == PASTE_ALLOWED ? "ask-allow" :
			p->answer == PASTE_DENIED ? "ask-deny" : "ask-withdrawn";
	}
}

static void clip_paste_unhook_source(struct clip_paste *p) {
	wl_list_remove(&p->source_destroy.link);
	wl_list_init(&p->source_destroy.link);
	p->record = NULL;
}

static void clip_paste_free(struct clip_paste *p) {
	struct cordon_clipboard *clip = p->clip;
	clip_paste_unhook_source(p);
	wl_list_remove(&p->link);
	free(p->from);
	free(p->to);
	free(p->mime);
	free(p);
	/* Pastes that waited on p's question, which went without an answer. */
	for (bool again = true; again;) {
		again = false;
		struct clip_paste *q;
		wl_list_for_each(q, &clip->pastes, link) {
			if (q->follows == p) {
				q->follows = NULL;
				q->answer = PASTE_WITHDRAWN;
				if (q->transfer != NULL) {
					transfer_abort(q->transfer, "its question went away");
					again = true;
					break;
				}
			}
		}
	}
}

static void clip_grant_broadcast(struct clip_grant *g, const char *change) {
	struct json_object *body = json_object_new_object();
	if (body == NULL) {
		return;
	}
	json_object_object_add(body, "change", json_object_new_string(change));
	json_object_object_add(body, "from", json_object_new_string(g->from));
	json_object_object_add(body, "to", json_object_new_string(g->to));
	json_object_object_add(body, "kind",
		json_object_new_string(clip_kind_names[g->record->kind]));
	json_object_object_add(body, "decision", json_object_new_string(g->allow ? "allow" : "deny"));
	json_object_object_add(body, "uses", json_object_new_int64(g->uses));
	int64_t left = g->until_ms - mstime_now();
	json_object_object_add(body, "expires_in_ms", json_object_new_int64(left > 0 ? left : 0));
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
static void clip_grants_end(struct cordon_clipboard *clip, struct clip_record *record,
		const char *why) {
	struct clip_grant *g, *tmp;
	wl_list_for_each_safe(g, tmp, &clip->grants, link) {
		if (record == NULL || g->record == record) {
			clip_grant_free(g, why);
		}
	}
}

static struct clip_grant *clip_grant_find(struct cordon_clipboard *clip,
		struct clip_record *record, const char *to) {
	struct clip_grant *g;
	wl_list_for_each(g, &clip->grants, link) {
		if (g->record == record && g->stamp == record->stamp && strcmp(g->to, to) == 0) {
			return g;
		}
	}
	return NULL;
}

static void clip_grant_add(struct cordon_clipboard *clip, struct clip_record *record,
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
		struct json_object *o = json_object_new_object();
		if (o == NULL) {
			continue;
		}
		json_object_object_add(o, "from", json_object_new_string(g->from));
		json_object_object_add(o, "to", json_object_new_string(g->to));
		json_object_object_add(o, "kind",
			json_object_new_string(clip_kind_names[g->record->kind]));
		json_object_object_add(o, "decision",
			json_object_new_string(g->allow ? "allow" : "deny"));
		json_object_object_add(o, "uses", json_object_new_int64(g->uses));
		int64_t left = g->until_ms - now;
		json_object_object_add(o, "expires_in_ms", json_object_new_int64(left > 0 ? left : 0));
		json_object_array_add(list, o);
	}
	return list;
}

static void handle_paste_read_done(struct transfer *t, bool ok, const char *why) {
	struct clip_paste *p = transfer_data(t);
	if (!ok) {
		return;
	}
	if (p->prompt != NULL) {
		prompt_set_size(p->prompt, transfer_bytes(t));
	}
	if (p->role == PASTE_SECURE_COPY) {
		struct cordon_clipboard *clip = p->clip;
		if (clip->secure_memfd >= 0) {
			close(clip->secure_memfd);
		}
		free(clip->secure_from);
		free(clip->secure_mime);
		clip->secure_memfd = transfer_steal_memfd(t, &clip->secure_len);
		clip->secure_from = strdup(p->from);
		clip->secure_mime = strdup(p->mime);
		char line[128];
		snprintf(line, sizeof(line), "%zu bytes from [%s] in cordon's clipboard",
			clip->secure_len, p->from);
		struct cordon_domain *d = domain_find(clip->server, p->from);
		notify_show(clip->server, d ? d->color : 0xffffff, "Secure copy", line);
		transfer_abort(t, "copied");
	}
}

static void handle_paste_finished(struct transfer *t, bool delivered, const char *why) {
	struct clip_paste *p = transfer_data(t);
	p->transfer = NULL;
	if (p->prompt != NULL) {
		prompt_withdraw(p->prompt);
		p->prompt = NULL;
		p->answer = PASTE_WITHDRAWN;
	}
	if (p->role == PASTE_CROSS) {
		if (p->dnd && p->record != NULL && !delivered) {
			p->record->dnd_refused = true;
		}
		char result[96];
		if (!delivered && p->grant_ms > 0) {
			snprintf(result, sizeof(result), "%s; %s for %d s", why,
				p->answer == PASTE_ALLOWED ? "granted" : "remembered",
				(p->grant_ms + 999) / 1000);
			why = result;
		}
		clip_history_add(p->clip, p, delivered ? transfer_bytes(t) : 0,
			clip_decision_name(p), delivered ? "delivered" : why);
	} else if (p->role == PASTE_SECURE_COPY && !delivered && strcmp(why, "copied") != 0) {
		notify_show(p->clip->server, 0xcc0000, "Secure copy failed", why);
	}
	clip_paste_free(p);
}

static void handle_paste_target_gone(struct transfer *t);

static const struct transfer_impl clip_paste_transfer_impl = {
	.read_done = handle_paste_read_done,
	.finished = handle_paste_finished,
	.target_gone = handle_paste_target_gone,
};

static void handle_paste_source_destroy(struct wl_listener *listener, void *data) {
	struct clip_paste *p = wl_container_of(listener, p, source_destroy);
	clip_paste_unhook_source(p);
	/* A question about data that no longer exists is withdrawn, not asked. */
	if (p->prompt != NULL) {
		struct prompt *prompt = p->prompt;
		p->prompt = NULL;
		p->answer = PASTE_WITHDRAWN;
		prompt_withdraw(prompt);
		if (p->transfer != NULL) {
			transfer_abort(p->transfer, "the source went away");
		}
	}
}

static void handle_paste_target_gone(struct transfer *t) {
	struct clip_paste *p = transfer_data(t);
	p->target_gone = true;
	if (p->prompt != NULL) {
		int ms = p->clip->server->config->clipboard.grant_ms;
		prompt_set_target_gone(p->prompt, (ms + 999) / 1000);
	}
}

static void clip_paste_settle(struct clip_paste *p, bool allow, bool by_user, bool tell);

static void handle_prompt_answer(void *data, bool allow, bool by_user) {
	struct clip_paste *p = data;
	struct cordon_clipboard *clip = p->clip;
	p->prompt = NULL;
	struct clip_paste *q;
	wl_list_for_each(q, &clip->pastes, link) {
		if (q->follows == p) {
			q->follows = NULL;
			q->settle = true;
		}
	}
	clip_paste_settle(p, allow, by_user, true);
	for (bool again = true; again;) {
		again = false;
		wl_list_for_each(q, &clip->pastes, link) {
			if (q->settle) {
				q->settle = false;
				clip_paste_settle(q, allow, by_user, false);
				again = true;
				break;
			}
		}
	}
}

/* Applies the answer to p; tell: p is the one whose prompt was answered. */
static void clip_paste_settle(struct clip_paste *p, bool allow, bool by_user, bool tell) {
	struct cordon_clipboard *clip = p->clip;
	p->answer = allow ? PASTE_ALLOWED : PASTE_DENIED;
	if (p->transfer == NULL) {
		return;
	}
	struct cordon_domain *to = domain_find(clip->server, p->to);
	uint32_t color = to ? to->color : 0xcc0000;
	int grant_ms = clip->server->config->clipboard.grant_ms;
	/*
	 * The user answered a paste its target no longer waits for: the answer
	 * holds for the target's retry of the same selection, so it is neither
	 * lost nor asked again.
	 */
	if (by_user && p->target_gone && grant_ms > 0 && p->record != NULL && !p->dnd) {
		p->grant_ms = grant_ms;
		clip_grant_add(clip, p->record, p->to, allow, grant_ms);
	}
	char line[200];
	if (allow) {
		if (p->target_gone && tell) {
			if (p->grant_ms > 0) {
				snprintf(line, sizeof(line), "[%s] may paste it for %d s", p->to,
					(p->grant_ms + 999) / 1000);
				notify_show(clip->server, color, "Paste again", line);
			} else {
				snprintf(line, sizeof(line), "[%s] stopped waiting; nothing delivered",
					p->to);
				notify_show(clip->server, color, "Paste not delivered", line);
			}
		}
		transfer_release(p->transfer);
	} else {
		if (tell) {
			snprintf(line, sizeof(line), "[%s] \xe2\x86\x92 [%s] denied", p->from, p->to);
			notify_show(clip->server, color, "Paste denied", line);
		}
		transfer_abort(p->transfer, "denied");
	}
}

static struct clip_paste *clip_paste_create(struct cordon_clipboard *clip,
		enum paste_role role, struct clip_record *record, const char *to,
		const char *mime, enum clip_kind kind) {
	struct clip_paste *p = calloc(1, sizeof(*p));
	if (p == NULL) {
		return NULL;
	}
	p->clip = clip;
	p->role = role;
	p->kind = kind;
	p->from = strdup(record ? record->domain->name : "cordon");
	p->to = strdup(to);
	p->mime = strdup(mime);
	wl_list_init(&p->source_destroy.link);
	wl_list_insert(&clip->pastes, &p->link);
	if (p->from == NULL || p->to == NULL || p->mime == NULL) {
		clip_paste_free(p);
		return NULL;
	}
	if (record != NULL) {
		p->record = record;
		p->dnd = record->dnd;
		p->source_destroy.notify = handle_paste_source_destroy;
		wl_list_remove(&p->source_destroy.link);
		if (record->kind == CLIP_CLIPBOARD) {
			wl_signal_add(&record->data->events.destroy, &p->source_destroy);
		} else {
			wl_signal_add(&record->primary->events.destroy, &p->source_destroy);
		}
	}
	return p;
}

/* Reads from record's source into cordon; returns the paste or NULL (fd closed). */
static struct clip_paste *clip_start_read(struct cordon_clipboard *clip,
		enum paste_role role, struct clip_record *owner, const char *to,
		const char *mime, size_t max_bytes) {
	const struct config_clipboard *cc = &clip->server->config->clipboard;
	struct clip_paste *p = clip_paste_create(clip, role, owner, to, mime, owner->kind);
	if (p == NULL) {
		wlr_log(WLR_ERROR, "clipboard: out of memory starting a transfer");
		return NULL;
	}
	p->transfer = transfer_create(clip->server->loop, &clip_paste_transfer_impl, p,
		max_bytes, cc->timeout_ms);
	if (p->transfer == NULL) {
		clip_paste_free(p);
		return NULL;
	}
	clip_record_send(owner, mime, transfer_take_input_fd(p->transfer));
	return p;
}

/* A paste by the target domain from the proxy made for it. */
void clip_proxy_send(struct cordon_clipboard *clip, struct clip_record *owner,
		struct cordon_domain *target, const char *mime, int fd) {
	if (owner == NULL || !clip_record_live(owner)) {
		close(fd);
		return;
	}
	if (owner->domain == target) {
		/* Same domain: straight to the source, cordon never sees the bytes. */
		clip_record_send(owner, mime, fd);
		return;
	}
	if (session_lock_active(clip->server)) {
		/* Nobody is there to ask or to see it: nothing crosses while locked. */
		wlr_log(WLR_INFO, "clipboard: [%s] → [%s] refused: the session is locked",
			owner->domain->name, target->name);
		close(fd);
		owner->dnd_refused |= owner->dnd;
		return;
	}
	if (!clip_mime_allowed(clip, mime)) {
		char shown[96];
		wlr_log(WLR_INFO, "clipboard: [%s] asked [%s] for type '%s', not allowed",
			target->name, owner->domain->name, sanitize_log(mime, shown, sizeof(shown)));
		close(fd);
		owner->dnd_refused |= owner->dnd;
		return;
	}
	const struct config_clipboard *cc = &clip->server->config->clipboard;
	enum config_clip_policy policy =
		clip_policy_resolve(clip->server->config, owner->domain->name, target->name);
	/* A remembered answer stands in for the question only, never for a rule. */
	struct clip_grant *grant = policy == CONFIG_CLIP_ASK && !owner->dnd ?
		clip_grant_find(clip, owner, target->name) : NULL;
	if (grant != NULL && !grant->allow) {
		close(fd);
		grant->uses++;
		clip_grant_broadcast(grant, "used");
		struct clip_paste tmp = {
			.from = owner->domain->name, .to = target->name, .mime = (char *)mime,
			.kind = owner->kind, .policy = CONFIG_CLIP_ASK,
		};
		clip_history_add(clip, &tmp, 0, "grant-deny", "denied: the user's answer stands");
		return;
	}
	if (policy == CONFIG_CLIP_DENY) {
		close(fd);
		owner->dnd_refused |= owner->dnd;
		struct clip_paste tmp = {
			.from = owner->domain->name, .to = target->name, .mime = (char *)mime,
			.kind = owner->kind, .dnd = owner->dnd, .policy = CONFIG_CLIP_DENY,
		};
		clip_history_add(clip, &tmp, 0, "deny", "denied by policy");
		char line[160];
		snprintf(line, sizeof(line), "[%s] \xe2\x86\x92 [%s] is denied by policy",
			owner->domain->name, target->name);
		notify_show(clip->server, target->color, "Paste denied", line);
		return;
	}
	struct clip_paste *p = clip_start_read(clip, PASTE_CROSS, owner, target->name, mime,
		cc->max_bytes);
	if (p == NULL) {
		close(fd);
		return;
	}
	p->policy = policy;
	struct transfer *t = p->transfer;
	transfer_set_output(t, fd);
	if (grant != NULL) {
		p->granted = true;
		grant->uses++;
		clip_grant_broadcast(grant, "used");
	}
	if (policy == CONFIG_CLIP_ALLOW || grant != NULL) {
		transfer_release(t);
		return;
	}
	if (!owner->dnd) {
		struct clip_paste *q;
		wl_list_for_each(q, &clip->pastes, link) {
			if (q != p && q->prompt != NULL && q->record == owner && !q->dnd &&
					strcmp(q->to, target->name) == 0) {
				p->follows = q;
				prompt_add_paste(q->prompt);
				return;
			}
		}
	}
	p->prompt = prompt_create(clip->server, owner->domain, target, mime,
		owner->kind == CLIP_PRIMARY ? "Paste the primary selection across domains?" :
		"Paste across domains?", handle_prompt_answer, p);
	if (p->prompt == NULL) {
		transfer_abort(t, "cannot show the prompt");
	}
}

/*
 * A selection proxy is read through an offer the seat sent to its keyboard
 * focus. Whoever holds the keyboard now must be of the proxy's domain:
 * never trust that focus went where cordon asked it to.
 */
static bool clip_target_holds_keyboard(struct cordon_clipboard *clip,
		struct cordon_domain *target) {
	struct wlr_surface *surface = clip->server->seat->keyboard_state.focused_surface;
	struct cordon_domain *holder = surface == NULL ? NULL :
		domain_of_client(clip->server, wl_resource_get_client(surface->resource));
	if (holder == target) {
		return true;
	}
	wlr_log(WLR_ERROR, "clipboard: a read of [%s]'s selection while the keyboard is with "
		"[%s]: refused", target->name, holder ? holder->name : "nobody");
	return false;
}

static void data_proxy_send(struct wlr_data_source *source, const char *mime, int32_t fd) {
	struct clip_data_proxy *proxy = wl_container_of(source, proxy, base);
	if (!clip_target_holds_keyboard(proxy->clip, proxy->target)) {
		close(fd);
		return;
	}
	clip_proxy_send(proxy->clip, proxy->owner, proxy->target, mime, fd);
}

static void data_proxy_destroy(struct wlr_data_source *source) {
	struct clip_data_proxy *proxy = wl_container_of(source, proxy, base);
	free(proxy);
}

static const struct wlr_data_source_impl data_proxy_impl = {
	.send = data_proxy_send,
	.destroy = data_proxy_destroy,
};

static void primary_proxy_send(struct wlr_primary_selection_source *source,
		const char *mime, int fd) {
	struct clip_primary_proxy *proxy = wl_container_of(source, proxy, base);
	if (!clip_target_holds_keyboard(proxy->clip, proxy->target)) {
		close(fd);
		return;
	}
	clip_proxy_send(proxy->clip, proxy->owner, proxy->target, mime, fd);
}

static void primary_proxy_destroy(struct wlr_primary_selection_source *source) {
	struct clip_primary_proxy *proxy = wl_container_of(source, proxy, base);
	free(proxy);
}

static const struct wlr_primary_selection_source_impl primary_proxy_impl = {
	.send = primary_proxy_send,
	.destroy = primary_proxy_destroy,
};

/* Replaces the seat's selection with a proxy for the focused domain. */
static void clip_update_seat(struct cordon_clipboard *clip, enum clip_kind kind) {
	struct wlr_seat *seat = clip->server->seat;
	uint32_t serial = clip->serial[kind];
	struct clip_record *owner = clip_latest(clip, kind);
	struct cordon_domain *target = clip->focused;
	struct wl_array mimes;
	wl_array_init(&mimes);
	bool offer = owner != NULL && target != NULL &&
		clip_copy_mimes(clip, owner, target, &mimes);
	if (kind == CLIP_CLIPBOARD) {
		struct clip_data_proxy *proxy = offer ? calloc(1, sizeof(*proxy)) : NULL;
		if (proxy != NULL) {
			wlr_data_source_init(&proxy->base, &data_proxy_impl);
			proxy->clip = clip;
			proxy->owner = owner;
			proxy->target = target;
			wl_array_release(&proxy->base.mime_types);
			proxy->base.mime_types = mimes;
			wl_array_init(&mimes);
		}
		/* The previous proxy dies here, and every offer made from it. */
		wlr_seat_set_selection(seat, proxy ? &proxy->base : NULL, serial);
	} else {
		struct clip_primary_proxy *proxy = offer ? calloc(1, sizeof(*proxy)) : NULL;
		if (proxy != NULL) {
			wlr_primary_selection_source_init(&proxy->base, &primary_proxy_impl);
			proxy->clip = clip;
			proxy->owner = owner;
			proxy->target = target;
			wl_array_release(&proxy->base.mime_types);
			proxy->base.mime_types = mimes;
			wl_array_init(&mimes);
		}
		wlr_seat_set_primary_selection(seat, proxy ? &proxy->base : NULL, serial);
	}
	char **m;
	wl_array_for_each(m, &mimes) {
		free(*m);
	}
	wl_array_release(&mimes);
	/* Clipboard managers follow every change, whoever has the keyboard. */
	data_control_selection_changed(clip->server);
}

static void clip_update_all(struct cordon_clipboard *clip) {
	for (int k = 0; k < CLIP_KINDS; k++) {
		clip_update_seat(clip, k);
	}
}

static void clip_record_clear(struct clip_record *r) {
	wl_list_remove(&r->source_destroy.link);
	wl_list_init(&r->source_destroy.link);
	r->data = NULL;
	r->primary = NULL;
}

static void handle_record_source_destroy(struct wl_listener *listener, void *data) {
	struct clip_record *r = wl_container_of(listener, r, source_destroy);
	struct cordon_clipboard *clip = r->clip;
	enum clip_kind kind = r->kind;
	clip_grants_end(clip, r, "the selection went away");
	clip_record_clear(r);
	clip_update_seat(clip, kind);
}

/* Makes source domain's selection; the previous one of that domain is cancelled. */
void clip_record_set(struct cordon_clipboard *clip, struct cordon_domain *domain,
		enum clip_kind kind, void *source) {
	struct clip_record *r = clip_record_find(clip, domain, kind, true);
	if (r == NULL) {
		wlr_log(WLR_ERROR, "clipboard: out of memory for [%s]'s selection", domain->name);
		return;
	}
	struct wlr_data_source *old_data = r->data;
	struct wlr_primary_selection_source *old_primary = r->primary;
	clip_grants_end(clip, r, "a new selection");
	clip_record_clear(r);
	if (old_data != NULL && old_data != source) {
		wlr_data_source_destroy(old_data);
	}
	if (old_primary != NULL && old_primary != source) {
		wlr_primary_selection_source_destroy(old_primary);
	}
	if (source != NULL) {
		r->source_destroy.notify = handle_record_source_destroy;
		wl_list_remove(&r->source_destroy.link);
		if (kind == CLIP_CLIPBOARD) {
			r->data = source;
			wl_signal_add(&r->data->events.destroy, &r->source_destroy);
		} else {
			r->primary = source;
			wl_signal_add(&r->primary->events.destroy, &r->source_destroy);
		}
		r->stamp = ++clip->stamp;
	}
	clip_update_seat(clip, kind);
}

/*
 * The requester must be the client with keyboard focus itself, and the
 * serial one sent since that focus began. wlroots' serial check alone
 * admits any old serial once a client's ring of serials is full.
 */
static struct cordon_domain *clip_requester_domain(struct cordon_clipboard *clip,
		uint32_t serial) {
	struct wl_client *requester = clip->requester;
	clip->requester = NULL;
	struct wlr_seat_client *focused = clip->server->seat->keyboard_state.focused_client;
	if (focused == NULL || requester == NULL || requester != focused->client ||
			!wlr_seat_client_validate_event_serial(focused, serial) ||
			(int32_t)(serial - clip->focus_serial) <= 0) {
		return NULL;
	}
	return domain_of_client(clip->server, focused->client);
}

static void handle_protocol_message(void *data, enum wl_protocol_logger_type type,
		const struct wl_protocol_logger_message *message) {
	struct cordon_clipboard *clip = data;
	if (type != WL_PROTOCOL_LOGGER_REQUEST ||
			strcmp(message->message->name, "set_selection") != 0) {
		return;
	}
	const char *interface = wl_resource_get_class(message->resource);
	if (strcmp(interface, "wl_data_device") == 0 ||
			strcmp(interface, "zwp_primary_selection_device_v1") == 0) {
		clip->requester = wl_resource_get_client(message->resource);
	}
}

static void handle_request_set_selection(struct wl_listener *listener, void *data) {
	struct cordon_clipboard *clip = wl_container_of(listener, clip, request_set_selection);
	struct wlr_seat_request_set_selection_event *event = data;
	struct cordon_domain *domain = clip_requester_domain(clip, event->serial);
	if (domain == NULL) {
		wlr_log(WLR_INFO, "clipboard: set_selection without keyboard focus refused");
		if (event->source != NULL) {
			/* Cancelled tells the client it does not own the clipboard. */
			wlr_data_source_destroy(event->source);
		}
		return;
	}
	wlr_log(WLR_DEBUG, "clipboard: [%s] sets its clipboard (serial %u)", domain->name,
		event->serial);
	clip->serial[CLIP_CLIPBOARD] = event->serial;
	clip_record_set(clip, domain, CLIP_CLIPBOARD, event->source);
}

static void handle_request_set_primary_selection(struct wl_listener *listener, void *data) {
	struct cordon_clipboard *clip =
		wl_container_of(listener, clip, request_set_primary_selection);
	struct wlr_seat_request_set_primary_selection_event *event = data;
	struct cordon_domain *domain = clip_requester_domain(clip, event->serial);
	if (domain == NULL) {
		wlr_log(WLR_INFO, "clipboard: set_primary_selection without keyboard focus refused");
		if (event->source != NULL) {
			wlr_primary_selection_source_destroy(event->source);
		}
		return;
	}
	wlr_log(WLR_DEBUG, "clipboard: [%s] sets its primary selection (serial %u)",
		domain->name, event->serial);
	clip->serial[CLIP_PRIMARY] = event->serial;
	clip_record_set(clip, domain, CLIP_PRIMARY, event->source);
}


void clipboard_focus_domain(struct cordon_server *server, struct cordon_domain *domain) {
	struct cordon_clipboard *clip = server->clipboard;
	if (clip == NULL) {
		return;
	}
	/* Every keyboard enter follows: serials sent before it are worth nothing. */
	clip->focus_serial = wl_display_get_serial(server->display);
	if (clip->focused == domain) {
		return;
	}
	/*
	 * The seat sends a new selection to whoever has focus now: that must
	 * not be a client of the old domain receiving the new domain's proxy.
	 */
	struct wlr_seat_client *focused = server->seat->keyboard_state.focused_client;
	if (focused != NULL && domain_of_client(server, focused->client) != domain) {
		/* Past any grab: a grab would keep the focus where it is. */
		wlr_seat_keyboard_clear_focus(server->seat);
	}
	clip->focused = domain;
	clip_update_all(clip);
}

static void owned_source_send(struct wlr_data_source *source, const char *mime, int32_t fd) {
	struct clip_owned_source *owned = wl_container_of(source, owned, base);
	struct cordon_clipboard *clip = owned->clip;
	struct clip_paste *p = clip_paste_create(clip, PASTE_SERVE, NULL, "self", mime,
		CLIP_CLIPBOARD);
	if (p == NULL) {
		close(fd);
		return;
	}
	p->transfer = transfer_create_from_memfd(clip->server->loop, &clip_paste_transfer_impl,
		p, owned->memfd, owned->len, clip->server->config->clipboard.timeout_ms);
	if (p->transfer == NULL) {
		clip_paste_free(p);
		close(fd);
		return;
	}
	transfer_set_output(p->transfer, fd);
}

static void owned_source_destroy(struct wlr_data_source *source) {
	struct clip_owned_source *owned = wl_container_of(source, owned, base);
	close(owned->memfd);
	free(owned);
}

static const struct wlr_data_source_impl owned_source_impl = {
	.send = owned_source_send,
	.destroy = owned_source_destroy,
};

static void clip_secure_wipe(struct cordon_clipboard *clip) {
	if (clip->secure_memfd >= 0) {
		close(clip->secure_memfd);
		clip->secure_memfd = -1;
	}
	clip->secure_len = 0;
	free(clip->secure_from);
	free(clip->secure_mime);
	clip->secure_from = NULL;
	clip->secure_mime = NULL;
}

void clipboard_secure_copy(struct cordon_server *server) {
	struct cordon_clipboard *clip = server->clipboard;
	struct cordon_domain *domain = clip->focused;
	struct clip_record *r = domain ? clip_record_find(clip, domain, CLIP_CLIPBOARD, false) : NULL;
	if (r == NULL || !clip_record_live(r)) {
		notify_show(server, 0xcc0000, "Secure copy", "the focused domain has no selection");
		return;
	}
	/* The first type in the domain's own order that the allow-list takes. */
	const char *mime = NULL;
	char **m;
	wl_array_for_each(m, &r->data->mime_types) {
		if (clip_mime_allowed(clip, *m)) {
			mime = *m;
			break;
		}
	}
	if (mime == NULL) {
		notify_show(server, 0xcc0000, "Secure copy", "no allowed text type on offer");
		return;
	}
	struct clip_paste *p = clip_start_read(clip, PASTE_SECURE_COPY, r, "cordon", mime,
		server->config->clipboard.max_bytes);
	if (p != NULL) {
		transfer_release(p->transfer);
	}
}

void clipboard_secure_paste(struct cordon_server *server) {
	struct cordon_clipboard *clip = server->clipboard;
	struct cordon_domain *target = clip->focused;
	if (clip->secure_memfd < 0 || target == NULL) {
		notify_show(server, 0xcc0000, "Secure paste", "cordon's clipboard is empty");
		return;
	}
	if (strcmp(clip->secure_from, target->name) != 0 &&
			clip_policy_resolve(server->config, clip->secure_from, target->name) ==
				CONFIG_CLIP_DENY) {
		char line[160];
		snprintf(line, sizeof(line), "[%s] \xe2\x86\x92 [%s] is denied by policy",
			clip->secure_from, target->name);
		notify_show(server, target->color, "Secure paste denied", line);
		struct clip_paste tmp = {
			.from = clip->secure_from, .to = target->name, .mime = clip->secure_mime,
			.kind = CLIP_CLIPBOARD,
		};
		clip_history_add(clip, &tmp, 0, "deny", "secure paste denied by policy");
		return;
	}
	struct clip_owned_source *owned = calloc(1, sizeof(*owned));
	if (owned == NULL) {
		return;
	}
	wlr_data_source_init(&owned->base, &owned_source_impl);
	owned->clip = clip;
	owned->len = clip->secure_len;
	owned->memfd = clip->secure_memfd;
	clip->secure_memfd = -1;
	/* Offer every allowed text type: the data is cordon's now. */
	for (char **m = server->config->clipboard.mime; m && *m; m++) {
		char **slot = wl_array_add(&owned->base.mime_types, sizeof(*slot));
		if (slot != NULL && (*slot = strdup(*m)) == NULL) {
			owned->base.mime_types.size -= sizeof(*slot);
		}
	}
	struct clip_paste tmp = {
		.from = clip->secure_from, .to = target->name, .mime = clip->secure_mime,
		.kind = CLIP_CLIPBOARD,
	};
	clip_history_add(clip, &tmp, owned->len, "secure", "now the target's selection");
	char line[160];
	snprintf(line, sizeof(line), "%zu bytes from [%s] are now [%s]'s clipboard", owned->len,
		clip->secure_from, target->name);
	notify_show(server, target->color, "Secure paste", line);
	clip_secure_wipe(clip);
	clip_record_set(clip, target, CLIP_CLIPBOARD, &owned->base);
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
		struct json_object *o = json_object_new_object();
		if (o == NULL) {
			continue;
		}
		json_object_object_add(o, "time", json_object_new_int64((int64_t)h->time));
		json_object_object_add(o, "from", json_object_new_string(h->from ? h->from : ""));
		json_object_object_add(o, "to", json_object_new_string(h->to ? h->to : ""));
		json_object_object_add(o, "kind", json_object_new_string(h->kind));
		json_object_object_add(o, "mime", json_object_new_string(h->mime ? h->mime : ""));
		json_object_object_add(o, "bytes", json_object_new_int64((int64_t)h->bytes));
		json_object_object_add(o, "decision", json_object_new_string(h->decision));
		json_object_object_add(o, "result", json_object_new_string(h->result ? h->result : ""));
		json_object_array_add(list, o);
	}
	return list;
}

bool clipboard_init(struct cordon_server *server) {
	struct cordon_clipboard *clip = calloc(1, sizeof(*clip));
	if (clip == NULL) {
		wlr_log(WLR_ERROR, "clipboard: out of memory");
		return false;
	}
	clip->server = server;
	clip->secure_memfd = -1;
	wl_list_init(&clip->records);
	wl_list_init(&clip->pastes);
	wl_list_init(&clip->grants);
	listener_connect(&server->seat->events.request_set_selection, &clip->request_set_selection,
		handle_request_set_selection);
	clip->request_set_primary_selection.notify = handle_request_set_primary_selection;
	wl_signal_add(&server->seat->events.request_set_primary_selection,
		&clip->request_set_primary_selection);
	clip->logger = wl_display_add_protocol_logger(server->display, handle_protocol_message,
		clip);
	if (clip->logger == NULL) {
		wlr_log(WLR_ERROR, "clipboard: cannot watch selection requests; none will be taken");
	}
	dnd_init(clip);
	server->clipboard = clip;
	return true;
}

void clipboard_finish(struct cordon_server *server) {
	struct cordon_clipboard *clip = server->clipboard;
	if (clip == NULL) {
		return;
	}
	struct clip_paste *p, *ptmp;
	wl_list_for_each_safe(p, ptmp, &clip->pastes, link) {
		if (p->transfer != NULL) {
			transfer_abort(p->transfer, "shutting down");
		} else {
			clip_paste_free(p);
		}
	}
	clip_grants_end(clip, NULL, "shutting down");
	struct clip_record *r, *rtmp;
	wl_list_for_each_safe(r, rtmp, &clip->records, link) {
		struct wlr_data_source *data = r->data;
		clip_record_clear(r);
		/* A client's source goes with its client; cordon's own (what a
		 * secure paste left) has nobody else to free it. */
		if (data != NULL && data->impl == &owned_source_impl) {
			wlr_data_source_destroy(data);
		}
		wl_list_remove(&r->link);
		free(r);
	}
	wl_list_remove(&clip->request_set_selection.link);
	wl_list_remove(&clip->request_set_primary_selection.link);
	if (clip->logger != NULL) {
		wl_protocol_logger_destroy(clip->logger);
	}
	dnd_finish(clip);
	clip_secure_wipe(clip);
	for (size_t i = 0; i < CLIP_HISTORY; i++) {
		free(clip->history[i].from);
		free(clip->history[i].to);
		free(clip->history[i].mime);
		free(clip->history[i].result);
	}
	free(clip);
	server->clipboard = NULL;
}
