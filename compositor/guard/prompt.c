#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wlr/interfaces/wlr_buffer.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/util/log.h>
#include "common/mstime.h"
#include "compositor/domain/domain.h"
#include "compositor/wm/input.h"
#include "compositor/ipc/ipc.h"
#include "compositor/wm/output.h"
#include "compositor/wm/cursor.h"
#include "compositor/guard/clip_policy.h"
#include "compositor/guard/prompt.h"
#include "compositor/guard/sanitize.h"
#include "compositor/server.h"
#include "compositor/render/text_buffer.h"

#define PROMPT_MIME_MAX 80
/*
 * A domain that pastes in a loop must not hold the keyboard: past these,
 * new questions are not asked and the paste is denied.
 */
#define PROMPT_MAX_PER_TARGET 3
#define PROMPT_MAX 16

struct prompt {
	struct wl_list link;          /* cordon_server.prompts, oldest first */
	struct cordon_server *server;
	uint32_t id;
	char *from, *to, *mime, *what;
	uint32_t from_color, to_color;
	size_t size;
	bool size_known;
	int64_t shown_ms;             /* when it became visible, or -1 */
	bool target_gone;             /* the target stopped waiting for the data */
	int grant_s;                  /* what Y grants then; 0: nothing */
	int pastes;                   /* pastes its answer settles */
	struct wlr_scene_tree *tree;
	struct wl_event_source *timer;
	prompt_answer_fn answer;
	void *data;
};

static void format_size(char *buf, size_t len, bool known, size_t size) {
	if (!known) {
		snprintf(buf, len, "size not known yet");
	} else if (size < 1024) {
		snprintf(buf, len, "%zu bytes", size);
	} else if (size < 1024 * 1024) {
		snprintf(buf, len, "%.1f KiB (%zu bytes)", size / 1024.0, size);
	} else {
		snprintf(buf, len, "%.1f MiB (%zu bytes)", size / (1024.0 * 1024.0), size);
	}
}

static void prompt_broadcast(struct prompt *p, const char *change, const char *decision) {
	struct json_object *body = json_object_new_object();
	if (body == NULL) {
		return;
	}
	json_object_object_add(body, "change", json_object_new_string(change));
	json_object_object_add(body, "id", json_object_new_int64(p->id));
	json_object_object_add(body, "from", json_object_new_string(p->from));
	json_object_object_add(body, "to", json_object_new_string(p->to));
	json_object_object_add(body, "mime", json_object_new_string(p->mime));
	if (decision != NULL) {
		json_object_object_add(body, "decision", json_object_new_string(decision));
	}
	ipc_broadcast(p->server->ipc, "prompt", body);
	json_object_put(body);
}

/* Draws p on top of everything: a dimmed screen and the question box. */
static void prompt_render(struct prompt *p) {
	struct cordon_server *server = p->server;
	if (p->tree != NULL) {
		wlr_scene_node_destroy(&p->tree->node);
		p->tree = NULL;
	}
	/* Each side by badge, name and pattern, in its colour: not by colour alone. */
	char from[CONFIG_DOMAIN_NAME_MAX + 300], to[CONFIG_DOMAIN_NAME_MAX + 300];
	char from_badge[CONFIG_BADGE_SIZE], to_badge[CONFIG_BADGE_SIZE], direction[700];
	config_domain_badge(server->config, p->from, from_badge);
	config_domain_badge(server->config, p->to, to_badge);
	snprintf(from, sizeof(from), "%s [%s] %s", from_badge, p->from,
		config_pattern_name(config_domain_pattern(server->config, p->from)));
	snprintf(to, sizeof(to), "%s [%s] %s", to_badge, p->to,
		config_pattern_name(config_domain_pattern(server->config, p->to)));
	clip_policy_direction_text(server->config, p->from, p->to, direction,
		sizeof(direction));
	struct text_buffer_span dir = {.text = direction, .color = 0xffffff};
	char size[96], detail[256];
	format_size(size, sizeof(size), p->size_known, p->size);
	snprintf(detail, sizeof(detail), "%s \xc2\xb7 %s", p->mime, size);

	struct text_buffer_span head = {.text = p->what, .color = 0xffffff, .bold = true};
	struct text_buffer_span route[] = {
		{.text = from, .color = p->from_color, .bold = true},
		{.text = "  \xe2\x86\x92  ", .color = 0xffffff},
		{.text = to, .color = p->to_color, .bold = true},
	};
	struct text_buffer_span info = {.text = detail, .color = 0xdddddd};
	char gone[CONFIG_DOMAIN_NAME_MAX + 300], yes[96];
	if (p->grant_s > 0) {
		snprintf(gone, sizeof(gone), "[%s] stopped waiting: Y lets it paste this for %d s "
			"\xe2\x80\x94 then paste again", p->to, p->grant_s);
		snprintf(yes, sizeof(yes), "Y: allow for %d s", p->grant_s);
	} else {
		snprintf(gone, sizeof(gone), "[%s] stopped waiting: nothing can be delivered now",
			p->to);
		snprintf(yes, sizeof(yes), "Y: allow");
	}
	char keys_text[160];
	snprintf(keys_text, sizeof(keys_text), "%s     N or Esc: deny",
		p->target_gone ? yes : "Y: allow once");
	struct text_buffer_span note = {.text = gone, .color = 0xf5c211, .bold = true};
	struct text_buffer_span keys = {.text = keys_text, .color = 0xffffff, .bold = true};
	struct text_buffer_span quiet = {
		.text = "Keys count once no key has been pressed for half a second",
		.color = 0xaaaaaa};
	struct text_buffer_line lines[9];
	size_t n_lines = 0;
	lines[n_lines++] = (struct text_buffer_line){.spans = &head, .n_spans = 1};
	lines[n_lines++] = (struct text_buffer_line){.spans = route, .n_spans = 3};
	lines[n_lines++] = (struct text_buffer_line){.spans = &dir, .n_spans = 1};
	lines[n_lines++] = (struct text_buffer_line){.spans = &info, .n_spans = 1};
	if (p->target_gone) {
		lines[n_lines++] = (struct text_buffer_line){.spans = &note, .n_spans = 1};
	}
	lines[n_lines++] = (struct text_buffer_line){.spans = NULL, .n_spans = 0};
	lines[n_lines++] = (struct text_buffer_line){.spans = &keys, .n_spans = 1};
	lines[n_lines++] = (struct text_buffer_line){.spans = &quiet, .n_spans = 1};
	struct box_spec spec = {
		.scale = 1.0f,
		.background = 0x262626,
		.border = p->to_color,
		.border_width = 4,
		.padding = 18,
		.line_spacing = 6,
		.lines = lines,
		.n_lines = n_lines,
	};
	struct wlr_box area = output_box(output_at(server, server->cursor->x,
		server->cursor->y));
	struct wlr_buffer *buffer = text_buffer_render_box_within(server->text, &spec, 420,
		area.width > 80 ? area.width - 40 : INT_MAX);
	if (buffer == NULL) {
		return;
	}
	int w = spec.width, h = spec.height;
	p->tree = wlr_scene_tree_create(server->layers[LAYER_PROMPT]);
	if (p->tree == NULL) {
		wlr_buffer_drop(buffer);
		return;
	}
	const float dim[4] = {0.0f, 0.0f, 0.0f, 0.45f};
	struct wlr_scene_rect *shade =
		wlr_scene_rect_create(p->tree, area.width, area.height, dim);
	struct wlr_scene_buffer *box = wlr_scene_buffer_create(p->tree, buffer);
	wlr_buffer_drop(buffer);
	if (shade == NULL || box == NULL) {
		wlr_log(WLR_ERROR, "prompt %u: cannot draw it", p->id);
		return;
	}
	wlr_scene_buffer_set_dest_size(box, w, h);
	wlr_scene_node_set_position(&p->tree->node, area.x, area.y);
	wlr_scene_node_set_position(&box->node, (area.width - w) / 2, (area.height - h) / 3);
}

static struct prompt *prompt_head(struct cordon_server *server) {
	if (wl_list_empty(&server->prompts)) {
		return NULL;
	}
	struct prompt *p = wl_container_of(server->prompts.next, p, link);
	return p;
}

static void prompt_show_head(struct cordon_server *server) {
	struct prompt *p = prompt_head(server);
	if (p != NULL && p->shown_ms < 0) {
		prompt_render(p);
		p->shown_ms = mstime_now();
		/* No guest cursor image over a prompt. */
		cursor_guest_refresh(server);
	}
}

static void prompt_destroy(struct prompt *p) {
	struct cordon_server *server = p->server;
	bool was_head = prompt_head(server) == p;
	wl_list_remove(&p->link);
	if (p->timer != NULL) {
		wl_event_source_remove(p->timer);
	}
	if (p->tree != NULL) {
		wlr_scene_node_destroy(&p->tree->node);
	}
	free(p->from);
	free(p->to);
	free(p->mime);
	free(p->what);
	free(p);
	if (was_head) {
		prompt_show_head(server);
	}
	cursor_guest_refresh(server);
	if (wl_list_empty(&server->prompts)) {
		input_prompts_closed(server);
	}
}

enum prompt_how {
	PROMPT_BY_KEY,
	PROMPT_BY_IPC,
	PROMPT_BY_TIMEOUT,  /* also shutting down */
};

static void prompt_decide(struct prompt *p, bool allow, const char *how,
		enum prompt_how by) {
	wlr_log(WLR_INFO, "prompt %u: %s → %s %s (%s)", p->id, p->from, p->to,
		allow ? "allowed" : "denied", how);
	prompt_broadcast(p, "answered", allow ? "allow" : "deny");
	if (by != PROMPT_BY_KEY) {
		/* The user may be reaching for Y right now: that key is not the guest's. */
		p->server->prompt_vanished_ms = mstime_now();
	}
	prompt_answer_fn answer = p->answer;
	void *data = p->data;
	prompt_destroy(p);
	answer(data, allow, by != PROMPT_BY_TIMEOUT);
}

static int handle_prompt_timeout(void *data) {
	prompt_decide(data, false, "timed out", PROMPT_BY_TIMEOUT);
	return 0;
}

struct prompt *prompt_create(struct cordon_server *server,
		const struct cordon_domain *from, const struct cordon_domain *to,
		const char *mime, const char *what, prompt_answer_fn answer, void *data) {
	int total = 0, same_target = 0;
	struct prompt *q;
	wl_list_for_each(q, &server->prompts, link) {
		total++;
		same_target += strcmp(q->to, to->name) == 0;
	}
	if (total >= PROMPT_MAX || same_target >= PROMPT_MAX_PER_TARGET) {
		wlr_log(WLR_INFO, "prompt: [%s] already has %d questions pending (%d in all); "
			"paste from [%s] denied without asking", to->name, same_target, total,
			from->name);
		return NULL;
	}
	struct prompt *p = calloc(1, sizeof(*p));
	if (p == NULL) {
		return NULL;
	}
	p->server = server;
	p->id = ++server->next_prompt_id;
	p->from = strdup(from->name);
	p->to = strdup(to->name);
	p->mime = sanitize_text(mime, PROMPT_MIME_MAX);
	p->what = strdup(what);
	p->from_color = from->color;
	p->to_color = to->color;
	p->shown_ms = -1;
	p->pastes = 1;
	p->answer = answer;
	p->data = data;
	p->timer = wl_event_loop_add_timer(server->loop, handle_prompt_timeout, p);
	if (p->from == NULL || p->to == NULL || p->mime == NULL || p->what == NULL ||
			p->timer == NULL) {
		wlr_log(WLR_ERROR, "prompt: out of memory");
		wl_list_init(&p->link);
		prompt_destroy(p);
		return NULL;
	}
	wl_event_source_timer_update(p->timer, server->config->clipboard.timeout_ms);
	bool first = wl_list_empty(&server->prompts);
	wl_list_insert(server->prompts.prev, &p->link);
	if (first) {
		/* Keys the focused client holds must not repeat behind the prompt. */
		input_prompts_opened(server);
	}
	prompt_show_head(server);
	prompt_broadcast(p, "new", NULL);
	return p;
}

void prompt_set_size(struct prompt *p, size_t size) {
	p->size = size;
	p->size_known = true;
	if (p->tree != NULL) {
		prompt_render(p);
	}
}

void prompt_withdraw(struct prompt *p) {
	wlr_log(WLR_INFO, "prompt %u: withdrawn, its source went away", p->id);
	prompt_broadcast(p, "withdrawn", NULL);
	p->server->prompt_vanished_ms = mstime_now();
	prompt_destroy(p);
}

void prompt_add_paste(struct prompt *p) {
	p->pastes++;
}

void prompt_set_target_gone(struct prompt *p, int grant_s) {
	if (p->target_gone) {
		return;
	}
	p->target_gone = true;
	p->grant_s = grant_s;
	prompt_broadcast(p, "target-gone", NULL);
	if (p->tree != NULL) {
		prompt_render(p);
	}
}

void prompt_session_locked(struct cordon_server *server, bool locked) {
	struct prompt *p;
	wl_list_for_each(p, &server->prompts, link) {
		/* A question asked before the lock has all its time after it. */
		wl_event_source_timer_update(p->timer,
			locked ? 0 : server->config->clipboard.timeout_ms);
	}
	struct prompt *head = prompt_head(server);
	if (head == NULL) {
		return;
	}
	if (locked) {
		/* Hidden with its layer: shown afresh, guard period and all, later. */
		head->shown_ms = -1;
	} else {
		prompt_show_head(server);
	}
}

bool prompt_active(struct cordon_server *server) {
	return !wl_list_empty(&server->prompts);
}

bool prompt_late_key(struct cordon_server *server, xkb_keysym_t sym) {
	if (server->prompt_vanished_ms <= 0 ||
			mstime_now() - server->prompt_vanished_ms >= PROMPT_LATE_KEY_MS) {
		return false;
	}
	switch (xkb_keysym_to_lower(sym)) {
	case XKB_KEY_y:
	case XKB_KEY_n:
	case XKB_KEY_Escape:
		return true;
	default:
		return false;
	}
}

void prompt_handle_key(struct cordon_server *server, xkb_keysym_t sym, bool pressed,
		int64_t quiet_since_ms) {
	struct prompt *p = prompt_head(server);
	if (p == NULL || !pressed) {
		return;
	}
	/*
	 * Only a key after a pause the user made while looking at the prompt
	 * answers it: a run of typing begun before it (at any pace), a held key
	 * or its repeat never does. The pause counts from the later of the
	 * prompt's appearance and the keyboard's last activity.
	 */
	if (quiet_since_ms < 0) {
		return;
	}
	int64_t since = quiet_since_ms > p->shown_ms ? quiet_since_ms : p->shown_ms;
	if (p->shown_ms < 0 || mstime_now() - since < PROMPT_GUARD_MS) {
		return;
	}
	switch (xkb_keysym_to_lower(sym)) {
	case XKB_KEY_y:
		prompt_decide(p, true, "key Y", PROMPT_BY_KEY);
		break;
	case XKB_KEY_n:
	case XKB_KEY_Escape: {
		/* No to one paste of a flow is no to the same flow still queued. */
		char *from = strdup(p->from), *to = strdup(p->to);
		prompt_decide(p, false, "key", PROMPT_BY_KEY);
		while (from != NULL && to != NULL) {
			struct prompt *q, *found = NULL;
			wl_list_for_each(q, &server->prompts, link) {
				if (strcmp(q->from, from) == 0 && strcmp(q->to, to) == 0) {
					found = q;
					break;
				}
			}
			if (found == NULL) {
				break;
			}
			prompt_decide(found, false, "denied with the one before", PROMPT_BY_KEY);
		}
		free(from);
		free(to);
		break;
	}
	default:
		/* Enter and everything else do nothing: only a deliberate answer counts. */
		break;
	}
}

bool prompt_answer(struct cordon_server *server, uint32_t id, bool allow) {
	struct prompt *p;
	wl_list_for_each(p, &server->prompts, link) {
		if (p->id == id) {
			prompt_decide(p, allow, "IPC", PROMPT_BY_IPC);
			return true;
		}
	}
	return false;
}

struct json_object *prompt_list(struct cordon_server *server) {
	struct json_object *list = json_object_new_array();
	if (list == NULL) {
		return NULL;
	}
	struct prompt *p;
	wl_list_for_each(p, &server->prompts, link) {
		struct json_object *o = json_object_new_object();
		if (o == NULL) {
			continue;
		}
		json_object_object_add(o, "id", json_object_new_int64(p->id));
		json_object_object_add(o, "from", json_object_new_string(p->from));
		json_object_object_add(o, "to", json_object_new_string(p->to));
		json_object_object_add(o, "mime", json_object_new_string(p->mime));
		json_object_object_add(o, "what", json_object_new_string(p->what));
		json_object_object_add(o, "size", p->size_known ?
			json_object_new_int64((int64_t)p->size) : NULL);
		json_object_object_add(o, "visible", json_object_new_boolean(p->shown_ms >= 0));
		json_object_object_add(o, "target_gone", json_object_new_boolean(p->target_gone));
		json_object_object_add(o, "pastes", json_object_new_int64(p->pastes));
		/* What the prompt says of the direction, as drawn. */
		char direction[700];
		clip_policy_direction_text(server->config, p->from, p->to, direction,
			sizeof(direction));
		json_object_object_add(o, "direction", json_object_new_string(direction));
		json_object_array_add(list, o);
	}
	return list;
}

void prompt_finish(struct cordon_server *server) {
	/* Denies what is still pending, so every transfer ends cleanly. */
	while (!wl_list_empty(&server->prompts)) {
		prompt_decide(prompt_head(server), false, "shutting down", PROMPT_BY_TIMEOUT);
	}
}
