#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wlr/types/wlr_data_device.h>
#include <wlr/types/wlr_primary_selection.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/util/log.h>
#include "compositor/domain/domain.h"
#include "compositor/guard/clip_policy.h"
#include "compositor/guard/clipboard.h"
#include "compositor/guard/clipboard_internal.h"
#include "compositor/guard/prompt.h"
#include "compositor/guard/sanitize.h"
#include "compositor/guard/session_lock.h"
#include "compositor/guard/transfer.h"
#include "compositor/render/notify.h"
#include "compositor/server.h"

/*
 * The paste flow: a target reads through its proxy; within a domain the
 * source is handed the fd, across domains cordon reads the data under the
 * pair's policy (allow, deny, ask with a prompt, or a grant the user left)
 * and writes it on once allowed.
 */

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

void clip_paste_free(struct clip_paste *p) {
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


static void handle_paste_target_gone(struct transfer *t);

static void handle_paste_read_done(struct transfer *t, bool ok, const char *why) {
	struct clip_paste *p = transfer_data(t);
	if (!ok) {
		return;
	}
	if (p->prompt != NULL) {
		prompt_set_size(p->prompt, transfer_bytes(t));
	}
	if (p->role == PASTE_SECURE_COPY) {
		clip_secure_store(p, t);
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

const struct transfer_impl clip_paste_transfer_impl = {
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
	struct cordon_domain *to = p->to_domain;
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

struct clip_paste *clip_paste_create(struct cordon_clipboard *clip,
		enum paste_role role, struct clip_record *record, const char *to,
		const char *mime, enum clip_kind kind) {
	struct clip_paste *p = calloc(1, sizeof(*p));
	if (p == NULL) {
		return NULL;
	}
	p->clip = clip;
	p->role = role;
	p->kind = kind;
	p->from_domain = record ? record->domain : NULL;
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
struct clip_paste *clip_start_read(struct cordon_clipboard *clip,
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
	p->to_domain = target;
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
					q->to_domain == target) {
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

