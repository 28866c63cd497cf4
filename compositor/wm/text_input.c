#include <stdlib.h>
#include <wlr/types/wlr_input_method_v2.h>
#include <wlr/types/wlr_keyboard.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/types/wlr_text_input_v3.h>
#include <wlr/types/wlr_virtual_keyboard_v1.h>
#include <wlr/util/box.h>
#include <wlr/util/log.h>
#include "common/listener.h"
#include "compositor/domain/domain.h"
#include "compositor/guard/activation.h"
#include "compositor/guard/globals.h"
#include "compositor/guard/session_lock.h"
#include "compositor/server.h"
#include "compositor/wm/im_popup.h"
#include "compositor/wm/input.h"
#include "compositor/wm/text_input.h"

struct cordon_text_input {
	struct cordon_server *server;
	struct wlr_text_input_manager_v3 *text_inputs;
	struct wlr_input_method_manager_v2 *input_methods;
	/* The seat's one input method, or NULL; later ones are refused. */
	struct wlr_input_method_v2 *im;
	struct wlr_input_method_keyboard_grab_v2 *grab;
	/* The text input the input method serves now, or NULL (inactive). */
	struct text_input_record *served;
	struct wl_list records;  /* text_input_record.link */
	struct wl_list popups;   /* im_popup.c's records */
	/* Keys whose press went to the grab: their release goes there too. */
	uint32_t grabbed[INPUT_KEYS_MAX];
	int n_grabbed;

	struct wl_listener new_text_input;
	struct wl_listener new_input_method;
	struct wl_listener focus_change;
	struct wl_listener im_commit;
	struct wl_listener im_new_popup;
	struct wl_listener im_grab_keyboard;
	struct wl_listener im_destroy;
	struct wl_listener grab_destroy;
};

struct text_input_record {
	struct wl_list link;     /* cordon_text_input.records */
	struct cordon_text_input *ti;
	struct wlr_text_input_v3 *input;
	struct wl_listener enable;
	struct wl_listener commit;
	struct wl_listener disable;
	struct wl_listener destroy;
};

static const char *text_input_domain_name(struct cordon_text_input *ti,
		struct wlr_text_input_v3 *input) {
	struct cordon_domain *domain =
		domain_of_client(ti->server, wl_resource_get_client(input->resource));
	return domain ? domain->name : "?";
}

/* Sends the served text input's state to the input method, then done. */
static void text_input_send_state(struct cordon_text_input *ti) {
	struct wlr_text_input_v3 *input = ti->served->input;
	if (input->active_features & WLR_TEXT_INPUT_V3_FEATURE_SURROUNDING_TEXT) {
		wlr_input_method_v2_send_surrounding_text(ti->im, input->current.surrounding.text,
			input->current.surrounding.cursor, input->current.surrounding.anchor);
	}
	wlr_input_method_v2_send_text_change_cause(ti->im, input->current.text_change_cause);
	if (input->active_features & WLR_TEXT_INPUT_V3_FEATURE_CONTENT_TYPE) {
		wlr_input_method_v2_send_content_type(ti->im, input->current.content_type.hint,
			input->current.content_type.purpose);
	}
	wlr_input_method_v2_send_done(ti->im);
	im_popup_place_all(ti->server, &ti->popups);
}

/*
 * The input method serves nobody: it is told before any other text input
 * is served, and a commit it made for the old state is refused by its
 * serial (wlroots counts the done events), so nothing typed for one window
 * reaches another.
 */
static void text_input_deactivate(struct cordon_text_input *ti) {
	if (ti->served == NULL) {
		return;
	}
	wlr_log(WLR_DEBUG, "text input: input method leaves a text input of domain %s",
		text_input_domain_name(ti, ti->served->input));
	ti->served = NULL;
	if (ti->im != NULL) {
		wlr_input_method_v2_send_deactivate(ti->im);
		wlr_input_method_v2_send_done(ti->im);
	}
	im_popup_place_all(ti->server, &ti->popups);
}

/* Whether record's text input may be served: enabled, in the keyboard focus. */
static bool text_input_servable(struct cordon_text_input *ti,
		struct text_input_record *record) {
	struct wlr_surface *focused = ti->server->seat->keyboard_state.focused_surface;
	struct wlr_text_input_v3 *input = record->input;
	/* While locked, what is typed goes to the locker and through nothing else. */
	return input->current_enabled && input->seat == ti->server->seat &&
		focused != NULL && input->focused_surface == focused &&
		!session_lock_active(ti->server);
}

/* Serves record if it may be served and an input method is there. */
static void text_input_serve(struct cordon_text_input *ti, struct text_input_record *record) {
	if (ti->im == NULL || !text_input_servable(ti, record)) {
		return;
	}
	if (ti->served != record) {
		text_input_deactivate(ti);
		ti->served = record;
		wlr_log(WLR_DEBUG, "text input: input method serves domain %s",
			text_input_domain_name(ti, record->input));
		wlr_input_method_v2_send_activate(ti->im);
	}
	text_input_send_state(ti);
}

/* The keyboard focus's text inputs get enter, every other one leave. */
static void text_input_focus(struct cordon_text_input *ti, struct wlr_surface *surface) {
	/* First the input method lets go, then the new window hears of it. */
	if (ti->served != NULL && ti->served->input->focused_surface != surface) {
		text_input_deactivate(ti);
	}
	struct wl_client *client = surface ? wl_resource_get_client(surface->resource) : NULL;
	struct text_input_record *record;
	wl_list_for_each(record, &ti->records, link) {
		struct wlr_text_input_v3 *input = record->input;
		if (input->focused_surface != NULL && input->focused_surface != surface) {
			wlr_text_input_v3_send_leave(input);
		}
		if (surface != NULL && input->focused_surface == NULL &&
				input->seat == ti->server->seat &&
				wl_resource_get_client(input->resource) == client) {
			wlr_text_input_v3_send_enter(input, surface);
		}
	}
}

static void handle_focus_change(struct wl_listener *listener, void *data) {
	struct cordon_text_input *ti = wl_container_of(listener, ti, focus_change);
	struct wlr_seat_keyboard_focus_change_event *event = data;
	text_input_focus(ti, event->new_surface);
}

static void handle_record_enable(struct wl_listener *listener, void *data) {
	struct text_input_record *record = wl_container_of(listener, record, enable);
	text_input_serve(record->ti, record);
}

static void handle_record_commit(struct wl_listener *listener, void *data) {
	struct text_input_record *record = wl_container_of(listener, record, commit);
	text_input_serve(record->ti, record);
}

static void handle_record_disable(struct wl_listener *listener, void *data) {
	struct text_input_record *record = wl_container_of(listener, record, disable);
	if (record->ti->served == record) {
		text_input_deactivate(record->ti);
	}
}

static void handle_record_destroy(struct wl_listener *listener, void *data) {
	struct text_input_record *record = wl_container_of(listener, record, destroy);
	if (record->ti->served == record) {
		text_input_deactivate(record->ti);
	}
	wl_list_remove(&record->enable.link);
	wl_list_remove(&record->commit.link);
	wl_list_remove(&record->disable.link);
	wl_list_remove(&record->destroy.link);
	wl_list_remove(&record->link);
	free(record);
}

static void handle_new_text_input(struct wl_listener *listener, void *data) {
	struct cordon_text_input *ti = wl_container_of(listener, ti, new_text_input);
	struct wlr_text_input_v3 *input = data;
	struct text_input_record *record = calloc(1, sizeof(*record));
	if (record == NULL) {
		wlr_log(WLR_ERROR, "text input: out of memory for a text input of domain %s",
			text_input_domain_name(ti, input));
		wl_resource_post_no_memory(input->resource);
		return;
	}
	record->ti = ti;
	record->input = input;
	listener_connect(&input->events.enable, &record->enable, handle_record_enable);
	listener_connect(&input->events.commit, &record->commit, handle_record_commit);
	listener_connect(&input->events.disable, &record->disable, handle_record_disable);
	listener_connect(&input->events.destroy, &record->destroy, handle_record_destroy);
	wl_list_insert(&ti->records, &record->link);
	/* Made while its window has the keyboard: it enters at once. */
	struct wlr_surface *focused = ti->server->seat->keyboard_state.focused_surface;
	if (focused != NULL && input->seat == ti->server->seat &&
			wl_resource_get_client(focused->resource) ==
			wl_resource_get_client(input->resource)) {
		wlr_text_input_v3_send_enter(input, focused);
	}
}

/*
 * Typing through the input method sends the window no key, so no serial of
 * a press: the newest serials the seat gave client stand in (keyboard enter
 * and its modifiers, or the last key or button), as the user's input now.
 */
static void text_input_note_typed(struct cordon_server *server, struct wl_client *client) {
	struct wlr_seat_client *seat_client = wlr_seat_client_for_wl_client(server->seat, client);
	if (seat_client == NULL || seat_client->serials.count == 0) {
		return;
	}
	const struct wlr_serial_range *newest =
		&seat_client->serials.data[seat_client->serials.end];
	if (newest->max_incl != newest->min_incl) {
		activation_note_input(server, client, newest->max_incl - 1);
	}
	activation_note_input(server, client, newest->max_incl);
}

static void handle_im_commit(struct wl_listener *listener, void *data) {
	struct cordon_text_input *ti = wl_container_of(listener, ti, im_commit);
	struct wlr_input_method_v2 *im = ti->im;
	struct text_input_record *record = ti->served;
	/* Only the text input served now, in the window holding the focus. */
	if (record == NULL || !im->active || !text_input_servable(ti, record)) {
		return;
	}
	struct wlr_text_input_v3 *input = record->input;
	bool typed = false;
	if (im->current.preedit.text != NULL) {
		wlr_text_input_v3_send_preedit_string(input, im->current.preedit.text,
			im->current.preedit.cursor_begin, im->current.preedit.cursor_end);
		typed = true;
	}
	if (im->current.commit_text != NULL) {
		wlr_text_input_v3_send_commit_string(input, im->current.commit_text);
		typed = true;
	}
	if (im->current.delete.before_length != 0 || im->current.delete.after_length != 0) {
		wlr_text_input_v3_send_delete_surrounding_text(input,
			im->current.delete.before_length, im->current.delete.after_length);
		typed = true;
	}
	wlr_text_input_v3_send_done(input);
	if (typed) {
		/* The user typed into this window: as good as a key press for activation. */
		text_input_note_typed(ti->server, wl_resource_get_client(input->resource));
	}
}

static void handle_im_new_popup(struct wl_listener *listener, void *data) {
	struct cordon_text_input *ti = wl_container_of(listener, ti, im_new_popup);
	im_popup_create(ti->server, data, &ti->popups);
}

static void handle_grab_destroy(struct wl_listener *listener, void *data) {
	struct cordon_text_input *ti = wl_container_of(listener, ti, grab_destroy);
	listener_remove(&ti->grab_destroy);
	ti->grab = NULL;
	/* Their releases go nowhere: the focused client never saw the presses. */
	ti->n_grabbed = 0;
}

static void handle_im_grab_keyboard(struct wl_listener *listener, void *data) {
	struct cordon_text_input *ti = wl_container_of(listener, ti, im_grab_keyboard);
	struct wlr_input_method_keyboard_grab_v2 *grab = data;
	if (ti->grab != NULL) {
		return;
	}
	ti->grab = grab;
	listener_connect(&grab->events.destroy, &ti->grab_destroy, handle_grab_destroy);
	struct wlr_keyboard *kb = wlr_seat_get_keyboard(ti->server->seat);
	if (kb != NULL) {
		/* Sends the keymap the keys will be read with. */
		wlr_input_method_keyboard_grab_v2_set_keyboard(grab, kb);
	}
}

static void handle_im_destroy(struct wl_listener *listener, void *data) {
	struct cordon_text_input *ti = wl_container_of(listener, ti, im_destroy);
	wlr_log(WLR_INFO, "text input: the input method went away");
	listener_remove(&ti->im_commit);
	listener_remove(&ti->im_new_popup);
	listener_remove(&ti->im_grab_keyboard);
	listener_remove(&ti->im_destroy);
	ti->im = NULL;
	ti->served = NULL;
}

static void handle_new_input_method(struct wl_listener *listener, void *data) {
	struct cordon_text_input *ti = wl_container_of(listener, ti, new_input_method);
	struct wlr_input_method_v2 *im = data;
	struct cordon_domain *domain =
		domain_of_client(ti->server, wl_resource_get_client(im->resource));
	/* The global is the host's; a domain granted it still types into others. */
	if (ti->im != NULL || im->seat != ti->server->seat || domain == NULL ||
			!domain_is_host(domain)) {
		wlr_log(WLR_INFO, "text input: an input method of domain %s refused (%s)",
			domain ? domain->name : "?", ti->im != NULL ? "the seat has one" :
			"not the host's");
		wlr_input_method_v2_send_unavailable(im);
		return;
	}
	wlr_log(WLR_INFO, "text input: the host's input method is on the seat");
	ti->im = im;
	listener_connect(&im->events.commit, &ti->im_commit, handle_im_commit);
	listener_connect(&im->events.new_popup_surface, &ti->im_new_popup, handle_im_new_popup);
	listener_connect(&im->events.grab_keyboard, &ti->im_grab_keyboard,
		handle_im_grab_keyboard);
	listener_connect(&im->events.destroy, &ti->im_destroy, handle_im_destroy);
	/* A field already enabled in the focused window is served at once. */
	struct text_input_record *record;
	wl_list_for_each(record, &ti->records, link) {
		if (text_input_servable(ti, record)) {
			text_input_serve(ti, record);
			break;
		}
	}
}

/* Whether keys of keyboard go to the input method's grab now. */
static bool text_input_grabs(struct cordon_text_input *ti, struct cordon_keyboard *keyboard) {
	if (ti == NULL || ti->grab == NULL || ti->served == NULL || keyboard->guest ||
			!text_input_servable(ti, ti->served)) {
		return false;
	}
	/* The input method's own virtual keyboard sends what it does not take. */
	struct wlr_virtual_keyboard_v1 *vkbd =
		wlr_input_device_get_virtual_keyboard(&keyboard->wlr_keyboard->base);
	return vkbd == NULL || wl_resource_get_client(vkbd->resource) !=
		wl_resource_get_client(ti->im->resource);
}

bool text_input_key(struct cordon_server *server, struct cordon_keyboard *keyboard,
		struct wlr_keyboard_key_event *event) {
	struct cordon_text_input *ti = server->text_input;
	if (ti == NULL) {
		return false;
	}
	if (event->state == WL_KEYBOARD_KEY_STATE_RELEASED) {
		for (int i = 0; i < ti->n_grabbed; i++) {
			if (ti->grabbed[i] == event->keycode) {
				ti->grabbed[i] = ti->grabbed[--ti->n_grabbed];
				if (ti->grab != NULL) {
					wlr_input_method_keyboard_grab_v2_send_key(ti->grab,
						event->time_msec, event->keycode, event->state);
				}
				return true;
			}
		}
		return false;
	}
	if (!text_input_grabs(ti, keyboard) || ti->n_grabbed == INPUT_KEYS_MAX) {
		return false;
	}
	ti->grabbed[ti->n_grabbed++] = event->keycode;
	wlr_input_method_keyboard_grab_v2_set_keyboard(ti->grab, keyboard->wlr_keyboard);
	wlr_input_method_keyboard_grab_v2_send_key(ti->grab, event->time_msec, event->keycode,
		event->state);
	return true;
}

bool text_input_key_held(struct cordon_server *server, uint32_t keycode) {
	struct cordon_text_input *ti = server->text_input;
	for (int i = 0; ti != NULL && i < ti->n_grabbed; i++) {
		if (ti->grabbed[i] == keycode) {
			return true;
		}
	}
	return false;
}

bool text_input_modifiers(struct cordon_server *server, struct cordon_keyboard *keyboard) {
	struct cordon_text_input *ti = server->text_input;
	if (!text_input_grabs(ti, keyboard)) {
		return false;
	}
	wlr_input_method_keyboard_grab_v2_set_keyboard(ti->grab, keyboard->wlr_keyboard);
	wlr_input_method_keyboard_grab_v2_send_modifiers(ti->grab,
		&keyboard->wlr_keyboard->modifiers);
	return true;
}

struct wlr_surface *text_input_served(struct cordon_server *server, struct wlr_box *cursor) {
	struct cordon_text_input *ti = server->text_input;
	if (ti == NULL || ti->served == NULL || ti->im == NULL || !ti->im->active) {
		return NULL;
	}
	struct wlr_text_input_v3 *input = ti->served->input;
	*cursor = (struct wlr_box){0};
	if (input->active_features & WLR_TEXT_INPUT_V3_FEATURE_CURSOR_RECTANGLE) {
		*cursor = input->current.cursor_rectangle;
	}
	return input->focused_surface;
}

bool text_input_init(struct cordon_server *server) {
	struct cordon_text_input *ti = calloc(1, sizeof(*ti));
	if (ti == NULL) {
		wlr_log(WLR_ERROR, "text input: out of memory");
		return false;
	}
	ti->server = server;
	wl_list_init(&ti->records);
	wl_list_init(&ti->popups);
	ti->text_inputs = wlr_text_input_manager_v3_create(server->display);
	ti->input_methods = wlr_input_method_manager_v2_create(server->display);
	if (ti->text_inputs == NULL || ti->input_methods == NULL) {
		wlr_log(WLR_ERROR, "cannot create %s", ti->text_inputs == NULL ?
			"zwp_text_input_manager_v3" : "zwp_input_method_manager_v2");
		free(ti);
		return false;
	}
	/* Every domain types; what it is sent is cordon's to decide. */
	globals_register(server->globals, ti->text_inputs->global, GLOBALS_SPECIAL);
	/* An input method reads every key and types into every domain: the host's. */
	globals_register(server->globals, ti->input_methods->global, GLOBALS_HOST);
	listener_connect(&ti->text_inputs->events.text_input, &ti->new_text_input,
		handle_new_text_input);
	listener_connect(&ti->input_methods->events.input_method, &ti->new_input_method,
		handle_new_input_method);
	listener_connect(&server->seat->keyboard_state.events.focus_change, &ti->focus_change,
		handle_focus_change);
	server->text_input = ti;
	return true;
}

void text_input_finish(struct cordon_server *server) {
	struct cordon_text_input *ti = server->text_input;
	if (ti == NULL) {
		return;
	}
	/* Clients are gone by now: their records, the input method and popups with them. */
	listener_remove(&ti->grab_destroy);
	listener_remove(&ti->im_commit);
	listener_remove(&ti->im_new_popup);
	listener_remove(&ti->im_grab_keyboard);
	listener_remove(&ti->im_destroy);
	listener_remove(&ti->new_text_input);
	listener_remove(&ti->new_input_method);
	listener_remove(&ti->focus_change);
	server->text_input = NULL;
	free(ti);
}
