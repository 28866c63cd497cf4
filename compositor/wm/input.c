#include <stdlib.h>
#include <wlr/backend/libinput.h>
#include <wlr/interfaces/wlr_keyboard.h>
#include <wlr/types/wlr_cursor.h>
#include <wlr/types/wlr_input_device.h>
#include <wlr/types/wlr_keyboard.h>
#include <wlr/types/wlr_pointer.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/types/wlr_virtual_keyboard_v1.h>
#include <wlr/types/wlr_virtual_pointer_v1.h>
#include <wlr/util/log.h>
#include <xkbcommon/xkbcommon.h>
#include "common/mstime.h"
#include "compositor/guard/activation.h"
#include "compositor/guard/clipboard.h"
#include "compositor/wm/cursor.h"
#include "compositor/domain/domain.h"
#include "compositor/wm/input.h"
#include "compositor/render/notify.h"
#include "compositor/guard/prompt.h"
#include "compositor/domain/reload.h"
#include "compositor/guard/globals.h"
#include "compositor/wm/constraints.h"
#include "compositor/wm/inhibit.h"
#include "compositor/guard/attention.h"
#include "compositor/wm/idle.h"
#include "compositor/server.h"
#include "compositor/wm/tablet.h"
#include "compositor/wm/text_input.h"
#include "compositor/wm/touch.h"
#include "compositor/session/session.h"
#include "compositor/guard/session_lock.h"
#include "compositor/util.h"
#include "compositor/wm/view.h"

/* config/ names wlroots' modifier bits without linking wlroots. */
_Static_assert(CONFIG_MOD_SHIFT == WLR_MODIFIER_SHIFT, "shift");
_Static_assert(CONFIG_MOD_CTRL == WLR_MODIFIER_CTRL, "ctrl");
_Static_assert(CONFIG_MOD_ALT == WLR_MODIFIER_ALT, "alt");
_Static_assert(CONFIG_MOD_LOGO == WLR_MODIFIER_LOGO, "logo");

#define LOCK_MODIFIERS (WLR_MODIFIER_CAPS | WLR_MODIFIER_MOD2)

uint32_t input_modifiers(struct cordon_server *server) {
	struct wlr_keyboard *kb = wlr_seat_get_keyboard(server->seat);
	return kb ? wlr_keyboard_get_modifiers(kb) & ~LOCK_MODIFIERS : 0;
}

static void input_run_action(struct cordon_server *server,
		const struct config_binding *binding) {
	struct cordon_view *view = server->focused_view;
	switch (binding->action) {
	case CONFIG_ACTION_EXEC:
		server_spawn(server, binding->arg);
		break;
	case CONFIG_ACTION_CLOSE:
		if (view != NULL) {
			view_close(view);
		}
		break;
	case CONFIG_ACTION_QUIT:
		server_terminate(server);
		break;
	case CONFIG_ACTION_WORKSPACE:
		view_switch_workspace(server, binding->num - 1);
		cursor_rebase(server);
		break;
	case CONFIG_ACTION_MOVE_TO_WORKSPACE:
		if (view != NULL) {
			view_move_to_workspace(view, binding->num - 1);
			cursor_rebase(server);
		}
		break;
	case CONFIG_ACTION_FULLSCREEN:
		if (view != NULL) {
			view_set_fullscreen(view, !view->fullscreen);
		}
		break;
	case CONFIG_ACTION_MAXIMIZE:
		if (view != NULL) {
			view_set_maximized(view, !view->maximized);
		}
		break;
	case CONFIG_ACTION_CYCLE:
	case CONFIG_ACTION_CYCLE_BACK:
		/* The cycle ends when the binding's modifiers (less Shift) go up. */
		server->cycle.modifiers = binding->modifiers & ~WLR_MODIFIER_SHIFT;
		view_cycle(server, binding->action == CONFIG_ACTION_CYCLE_BACK);
		break;
	case CONFIG_ACTION_LEAVE_FULLSCREEN:
		view_leave_fullscreen_all(server);
		constraints_release(server);
		break;
	case CONFIG_ACTION_SECURE_COPY:
		clipboard_secure_copy(server);
		break;
	case CONFIG_ACTION_SECURE_PASTE:
		clipboard_secure_paste(server);
		break;
	case CONFIG_ACTION_ATTENTION:
		attention_show(server);
		break;
	case CONFIG_ACTION_RELOAD: {
		struct config_errors errs = {0};
		if (reload_config(server, &errs)) {
			notify_show(server, 0x73d216, "Configuration reloaded", NULL);
		} else {
			for (size_t i = 0; i < errs.len; i++) {
				wlr_log(WLR_ERROR, "reload: %s", errs.msgs[i]);
			}
			notify_show(server, 0xcc0000, "Reload failed; the running configuration stays",
				errs.len > 0 ? errs.msgs[0] : NULL);
		}
		config_errors_finish(&errs);
		break;
	}
	}
}

static const struct config_binding *input_find_binding(struct cordon_server *server,
		uint32_t modifiers, xkb_keysym_t sym) {
	sym = xkb_keysym_to_lower(sym);
	const struct config_binding *binding;
	wl_list_for_each(binding, &server->config->bindings, link) {
		if (binding->modifiers == modifiers && binding->keysym == sym) {
			return binding;
		}
	}
	return NULL;
}

static void key_set_add(uint32_t *set, int *n, uint32_t key);

/* Runs the binding the press of keycode matches, if any; the key is then consumed. */
static bool input_run_binding(struct cordon_server *server,
		struct cordon_keyboard *keyboard, uint32_t keycode) {
	struct wlr_keyboard *wlr_kb = keyboard->wlr_keyboard;
	/* Match on the unshifted symbol so Super+Shift+1 is "1" plus Shift. */
	uint32_t xkb_code = keycode + 8;
	xkb_layout_index_t layout = xkb_state_key_get_layout(wlr_kb->xkb_state, xkb_code);
	const xkb_keysym_t *syms;
	int n = xkb_keymap_key_get_syms_by_level(wlr_kb->keymap, xkb_code, layout, 0, &syms);
	uint32_t mods = wlr_keyboard_get_modifiers(wlr_kb) & ~LOCK_MODIFIERS;
	for (int i = 0; i < n; i++) {
		const struct config_binding *binding = input_find_binding(server, mods, syms[i]);
		/* An inhibitor of the focused window takes the ordinary ones. */
		if (binding != NULL && inhibit_active(server) &&
				!inhibit_binding_reserved(binding)) {
			return false;
		}
		if (binding != NULL) {
			key_set_add(keyboard->swallowed, &keyboard->n_swallowed, keycode);
			input_run_action(server, binding);
			return true;
		}
	}
	return false;
}

static bool key_set_has(const uint32_t *set, int n, uint32_t key) {
	for (int i = 0; i < n; i++) {
		if (set[i] == key) {
			return true;
		}
	}
	return false;
}

static void key_set_add(uint32_t *set, int *n, uint32_t key) {
	if (!key_set_has(set, *n, key) && *n < INPUT_KEYS_MAX) {
		set[(*n)++] = key;
	}
}

static bool key_set_take(uint32_t *set, int *n, uint32_t key) {
	for (int i = 0; i < *n; i++) {
		if (set[i] == key) {
			set[i] = set[--(*n)];
			return true;
		}
	}
	return false;
}

static struct cordon_keyboard *input_keyboard_of(struct cordon_server *server,
		struct wlr_keyboard *kb) {
	struct cordon_keyboard *keyboard;
	wl_list_for_each(keyboard, &server->keyboards, link) {
		if (keyboard->wlr_keyboard == kb) {
			return keyboard;
		}
	}
	return NULL;
}

/* Whether a key of the user's keyboards is down, not counting keycode on except. */
static bool input_user_keys_down(struct cordon_server *server,
		struct cordon_keyboard *except, uint32_t keycode) {
	struct cordon_keyboard *keyboard;
	wl_list_for_each(keyboard, &server->keyboards, link) {
		if (keyboard->guest) {
			continue;
		}
		struct wlr_keyboard *kb = keyboard->wlr_keyboard;
		for (size_t i = 0; i < kb->num_keycodes; i++) {
			if (keyboard != except || kb->keycodes[i] != keycode) {
				return true;
			}
		}
	}
	return false;
}

static void keyboard_swallow(struct cordon_keyboard *keyboard, uint32_t keycode) {
	key_set_add(keyboard->swallowed, &keyboard->n_swallowed, keycode);
}

void input_keyboard_enter(struct cordon_server *server, struct wlr_surface *surface) {
	struct wlr_keyboard *kb = wlr_seat_get_keyboard(server->seat);
	if (surface == NULL) {
		wlr_seat_keyboard_clear_focus(server->seat);
		return;
	}
	if (kb == NULL) {
		wlr_seat_keyboard_enter(server->seat, surface, NULL, 0, NULL);
		return;
	}
	struct cordon_keyboard *keyboard = input_keyboard_of(server, kb);
	uint32_t keys[INPUT_KEYS_MAX];
	size_t n = 0;
	for (size_t i = 0; i < kb->num_keycodes && n < INPUT_KEYS_MAX; i++) {
		/* Not those cordon took, nor those the input method's grab took. */
		if ((keyboard == NULL || !key_set_has(keyboard->swallowed, keyboard->n_swallowed,
				kb->keycodes[i])) && !text_input_key_held(server, kb->keycodes[i])) {
			keys[n++] = kb->keycodes[i];
		}
	}
	wlr_seat_keyboard_enter(server->seat, surface, keys, n, &kb->modifiers);
}

/*
 * Whoever entered the focus, the new client knows of exactly the keys
 * input_keyboard_enter lists; the old one got a leave, which ends its keys.
 */
static void handle_keyboard_focus_change(struct wl_listener *listener, void *data) {
	struct cordon_server *server = wl_container_of(listener, server, keyboard_focus_change);
	struct wlr_seat_keyboard_focus_change_event *event = data;
	struct cordon_keyboard *keyboard;
	wl_list_for_each(keyboard, &server->keyboards, link) {
		keyboard->n_sent = 0;
	}
	struct wlr_keyboard *kb = wlr_seat_get_keyboard(server->seat);
	keyboard = kb ? input_keyboard_of(server, kb) : NULL;
	if (event->new_surface == NULL || keyboard == NULL) {
		return;
	}
	for (size_t i = 0; i < kb->num_keycodes; i++) {
		if (!key_set_has(keyboard->swallowed, keyboard->n_swallowed, kb->keycodes[i]) &&
				!text_input_key_held(server, kb->keycodes[i])) {
			key_set_add(keyboard->sent, &keyboard->n_sent, kb->keycodes[i]);
		}
	}
}

void input_prompts_opened(struct cordon_server *server) {
	uint32_t time = (uint32_t)mstime_now();
	struct cordon_keyboard *keyboard;
	wl_list_for_each(keyboard, &server->keyboards, link) {
		for (int i = 0; i < keyboard->n_sent; i++) {
			/* Straight to the focused client: no grab may keep it from its release. */
			wlr_seat_keyboard_send_key(server->seat, time, keyboard->sent[i],
				WL_KEYBOARD_KEY_STATE_RELEASED);
			keyboard_swallow(keyboard, keyboard->sent[i]);
		}
		keyboard->n_sent = 0;
	}
	struct wlr_keyboard *kb = wlr_seat_get_keyboard(server->seat);
	struct wlr_keyboard_modifiers none = {
		.locked = kb ? kb->modifiers.locked : 0,
		.group = kb ? kb->modifiers.group : 0,
	};
	wlr_seat_keyboard_send_modifiers(server->seat, &none);
}

void input_prompts_closed(struct cordon_server *server) {
	struct wlr_keyboard *kb = wlr_seat_get_keyboard(server->seat);
	if (kb != NULL) {
		wlr_seat_keyboard_send_modifiers(server->seat, &kb->modifiers);
	}
}

static void handle_keyboard_key(struct wl_listener *listener, void *data) {
	struct cordon_keyboard *keyboard = wl_container_of(listener, keyboard, key);
	struct cordon_server *server = keyboard->server;
	struct wlr_keyboard_key_event *event = data;
	struct wlr_keyboard *wlr_kb = keyboard->wlr_keyboard;
	bool pressed = event->state == WL_KEYBOARD_KEY_STATE_PRESSED;
	/* Only the user's hands count; a keyboard a guest drives never answers. */
	bool user = !keyboard->guest && wlr_kb->xkb_state != NULL;

	/* When the keyboard was last quiet before this key, or -1 while another is down. */
	int64_t quiet_since = -1;
	if (!keyboard->guest) {
		if (!input_user_keys_down(server, keyboard, event->keycode)) {
			quiet_since = server->key_activity_ms;
		}
		server->key_activity_ms = mstime_now();
		/* A guest's virtual keyboard cannot keep the session awake. */
		idle_notify_activity(server);
	}

	if (!pressed) {
		if (key_set_take(keyboard->swallowed, &keyboard->n_swallowed, event->keycode)) {
			return;
		}
		if (text_input_key(server, keyboard, event)) {
			/* Its press went to the input method. */
			return;
		}
		if (!key_set_take(keyboard->sent, &keyboard->n_sent, event->keycode)) {
			/* The client was never told of this key: its release is nobody's. */
			return;
		}
	} else if (user && session_handle_key(server, wlr_kb, event->keycode)) {
		/* VT switching first: neither the lock, a prompt nor a binding may take it away. */
		keyboard_swallow(keyboard, event->keycode);
		return;
	} else if (session_lock_active(server)) {
		/* Locked: no binding, no prompt; keys go to the lock surface only. */
	} else {
		xkb_keysym_t sym = user ?
			xkb_state_key_get_one_sym(wlr_kb->xkb_state, event->keycode + 8) :
			XKB_KEY_NoSymbol;
		if (attention_active(server)) {
			/* Any key of the user ends the secure-attention overlay; no key reaches anybody. */
			keyboard_swallow(keyboard, event->keycode);
			if (user) {
				attention_dismiss(server);
			}
			return;
		}
		if (prompt_active(server)) {
			/* While cordon asks, the keyboard is cordon's alone. */
			keyboard_swallow(keyboard, event->keycode);
			if (user) {
				prompt_handle_key(server, sym, true, quiet_since);
			}
			return;
		}
		if (user && prompt_late_key(server, sym)) {
			keyboard_swallow(keyboard, event->keycode);
			return;
		}
		if (user && input_run_binding(server, keyboard, event->keycode)) {
			return;
		}
		/* cordon's keys had their turn: the input method's grab is next. */
		if (user && text_input_key(server, keyboard, event)) {
			return;
		}
	}
	if (wlr_kb->keymap != NULL) {
		wlr_seat_set_keyboard(server->seat, wlr_kb);
	}
	wlr_seat_keyboard_notify_key(server->seat, event->time_msec, event->keycode,
		event->state);
	struct wlr_seat_client *focused = server->seat->keyboard_state.focused_client;
	if (focused != NULL) {
		if (pressed) {
			key_set_add(keyboard->sent, &keyboard->n_sent, event->keycode);
		}
		/* The serial just sent with this key: the newest the display issued. */
		activation_note_input(server, focused->client,
			wl_display_get_serial(server->display));
	}
}

static void handle_keyboard_modifiers(struct wl_listener *listener, void *data) {
	struct cordon_keyboard *keyboard = wl_container_of(listener, keyboard, modifiers);
	struct cordon_server *server = keyboard->server;
	if ((prompt_active(server) || attention_active(server)) &&
			!session_lock_active(server)) {
		return;
	}
	if (keyboard->wlr_keyboard->keymap == NULL) {
		return;
	}
	/* While the input method's grab takes the keys, it takes the modifiers. */
	if (session_lock_active(server) || !text_input_modifiers(server, keyboard)) {
		wlr_seat_set_keyboard(server->seat, keyboard->wlr_keyboard);
		wlr_seat_keyboard_notify_modifiers(server->seat,
			&keyboard->wlr_keyboard->modifiers);
	}
	if (server->cycle.active && (wlr_keyboard_get_modifiers(keyboard->wlr_keyboard) &
			server->cycle.modifiers) == 0) {
		view_cycle_end(server);
	}
}

static void handle_keyboard_destroy(struct wl_listener *listener, void *data) {
	struct cordon_keyboard *keyboard = wl_container_of(listener, keyboard, destroy);
	struct cordon_server *server = keyboard->server;
	struct wlr_keyboard *dying = keyboard->wlr_keyboard;
	wl_list_remove(&keyboard->modifiers.link);
	wl_list_remove(&keyboard->key.link);
	wl_list_remove(&keyboard->destroy.link);
	wl_list_remove(&keyboard->link);
	free(keyboard);
	/*
	 * This listener may run before the seat's own, while the dying keyboard
	 * is still the seat's: then the seat would be left with none.
	 */
	struct wlr_keyboard *current = wlr_seat_get_keyboard(server->seat);
	if ((current == NULL || current == dying) && server->fallback_keyboard != NULL) {
		wlr_seat_set_keyboard(server->seat, server->fallback_keyboard);
	}
}

static bool input_apply_keymap(struct cordon_server *server, struct wlr_keyboard *kb);

static const struct wlr_keyboard_impl fallback_keyboard_impl = {
	.name = "cordon-fallback-keyboard",
};

/*
 * The seat's keymap when no keyboard is plugged in (headless, a VM test
 * rig, a laptop lid closed on a dock): clients such as wl-clipboard wait
 * for a keymap before they do anything. It never produces a key.
 */
static bool input_create_fallback_keyboard(struct cordon_server *server) {
	struct wlr_keyboard *kb = calloc(1, sizeof(*kb));
	if (kb == NULL) {
		wlr_log(WLR_ERROR, "keyboard: out of memory for the fallback keyboard");
		return false;
	}
	wlr_keyboard_init(kb, &fallback_keyboard_impl, "cordon-fallback");
	server->fallback_keyboard = kb;
	if (!input_apply_keymap(server, kb)) {
		wlr_log(WLR_ERROR, "keyboard: no keymap for the fallback keyboard");
	}
	wlr_seat_set_keyboard(server->seat, kb);
	return true;
}

static bool input_apply_keymap(struct cordon_server *server, struct wlr_keyboard *kb) {
	const struct cordon_config *c = server->config;
	struct xkb_rule_names rules = {
		.rules = c->xkb_rules,
		.model = c->xkb_model,
		.layout = c->xkb_layout,
		.variant = c->xkb_variant,
		.options = c->xkb_options,
	};
	struct xkb_context *context = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
	if (context == NULL) {
		wlr_log(WLR_ERROR, "keyboard: cannot create an xkb context");
		return false;
	}
	struct xkb_keymap *keymap =
		xkb_keymap_new_from_names(context, &rules, XKB_KEYMAP_COMPILE_NO_FLAGS);
	if (keymap == NULL) {
		wlr_log(WLR_ERROR, "keyboard: cannot compile keymap layout '%s' variant '%s' "
			"options '%s'; using the default", c->xkb_layout ? c->xkb_layout : "",
			c->xkb_variant ? c->xkb_variant : "", c->xkb_options ? c->xkb_options : "");
		keymap = xkb_keymap_new_from_names(context, NULL, XKB_KEYMAP_COMPILE_NO_FLAGS);
	}
	bool ok = keymap != NULL && wlr_keyboard_set_keymap(kb, keymap);
	xkb_keymap_unref(keymap);
	xkb_context_unref(context);
	wlr_keyboard_set_repeat_info(kb, c->repeat_rate, c->repeat_delay);
	return ok;
}

static void input_add_keyboard(struct cordon_server *server, struct wlr_keyboard *wlr_kb,
		bool set_keymap) {
	struct cordon_keyboard *keyboard = calloc(1, sizeof(*keyboard));
	if (keyboard == NULL) {
		wlr_log(WLR_ERROR, "keyboard %s: out of memory", wlr_kb->base.name);
		return;
	}
	keyboard->server = server;
	keyboard->wlr_keyboard = wlr_kb;
	keyboard->is_virtual = !set_keymap;
	/* A virtual keyboard brings its own keymap; ours would replace it. */
	if (set_keymap && !input_apply_keymap(server, wlr_kb)) {
		wlr_log(WLR_ERROR, "keyboard %s: no usable keymap", wlr_kb->base.name);
	}
	listener_connect(&wlr_kb->events.modifiers, &keyboard->modifiers,
		handle_keyboard_modifiers);
	listener_connect(&wlr_kb->events.key, &keyboard->key, handle_keyboard_key);
	listener_connect(&wlr_kb->base.events.destroy, &keyboard->destroy, handle_keyboard_destroy);
	wl_list_insert(&server->keyboards, &keyboard->link);
	/*
	 * A virtual keyboard has no keymap until its client sends one: as the
	 * seat's keyboard it would hand every client "no keymap" (Qt: "unknown
	 * keymap format 0"). It becomes the seat's at its first key instead.
	 */
	if (wlr_kb->keymap != NULL) {
		wlr_seat_set_keyboard(server->seat, wlr_kb);
	}
}

static void input_configure_pointer(struct cordon_server *server,
		struct wlr_input_device *device) {
	if (!wlr_input_device_is_libinput(device)) {
		return;
	}
	struct libinput_device *li = wlr_libinput_get_device_handle(device);
	const struct cordon_config *c = server->config;
	if (libinput_device_config_tap_get_finger_count(li) > 0) {
		libinput_device_config_tap_set_enabled(li, c->tap_to_click ?
			LIBINPUT_CONFIG_TAP_ENABLED : LIBINPUT_CONFIG_TAP_DISABLED);
	}
	if (libinput_device_config_scroll_has_natural_scroll(li)) {
		libinput_device_config_scroll_set_natural_scroll_enabled(li, c->natural_scroll);
	}
	if (libinput_device_config_accel_is_available(li)) {
		libinput_device_config_accel_set_speed(li, c->accel_speed);
	}
}

/* A pointer whose settings a reload applies again. */
struct cordon_pointer {
	struct wl_list link;      /* cordon_server.pointers */
	struct wlr_input_device *device;
	struct wl_listener destroy;
};

static void handle_pointer_destroy(struct wl_listener *listener, void *data) {
	struct cordon_pointer *pointer = wl_container_of(listener, pointer, destroy);
	wl_list_remove(&pointer->destroy.link);
	wl_list_remove(&pointer->link);
	free(pointer);
}

static void input_track_pointer(struct cordon_server *server,
		struct wlr_input_device *device) {
	if (!wlr_input_device_is_libinput(device)) {
		return;
	}
	struct cordon_pointer *pointer = calloc(1, sizeof(*pointer));
	if (pointer == NULL) {
		wlr_log(WLR_ERROR, "pointer %s: out of memory; a reload will not reach it",
			device->name);
		return;
	}
	pointer->device = device;
	listener_connect(&device->events.destroy, &pointer->destroy, handle_pointer_destroy);
	wl_list_insert(&server->pointers, &pointer->link);
}

static void handle_new_input(struct wl_listener *listener, void *data) {
	struct cordon_server *server = wl_container_of(listener, server, new_input);
	struct wlr_input_device *device = data;
	switch (device->type) {
	case WLR_INPUT_DEVICE_KEYBOARD:
		input_add_keyboard(server, wlr_keyboard_from_input_device(device), true);
		break;
	case WLR_INPUT_DEVICE_POINTER:
		input_configure_pointer(server, device);
		input_track_pointer(server, device);
		wlr_cursor_attach_input_device(server->cursor, device);
		break;
	case WLR_INPUT_DEVICE_TOUCH:
		touch_add_device(server, device);
		break;
	case WLR_INPUT_DEVICE_TABLET:
	case WLR_INPUT_DEVICE_TABLET_PAD:
		tablet_add_device(server, device);
		break;
	default:
		break;
	}
}

static void handle_new_virtual_keyboard(struct wl_listener *listener, void *data) {
	struct cordon_server *server = wl_container_of(listener, server, new_virtual_keyboard);
	struct wlr_virtual_keyboard_v1 *vkbd = data;
	input_add_keyboard(server, &vkbd->keyboard, false);
	/* Only the host's virtual keyboards are the user's hands. */
	struct cordon_domain *domain =
		domain_of_client(server, wl_resource_get_client(vkbd->resource));
	struct cordon_keyboard *keyboard;
	wl_list_for_each(keyboard, &server->keyboards, link) {
		if (keyboard->wlr_keyboard == &vkbd->keyboard) {
			keyboard->guest = domain == NULL || !domain_is_host(domain);
		}
	}
}

static void handle_new_virtual_pointer(struct wl_listener *listener, void *data) {
	struct cordon_server *server = wl_container_of(listener, server, new_virtual_pointer);
	struct wlr_virtual_pointer_v1_new_pointer_event *event = data;
	wlr_cursor_attach_input_device(server->cursor, &event->new_pointer->pointer.base);
}

void input_reconfigure(struct cordon_server *server) {
	struct cordon_keyboard *keyboard;
	wl_list_for_each(keyboard, &server->keyboards, link) {
		/* A virtual keyboard's keymap is its client's, not ours. */
		if (!keyboard->is_virtual) {
			input_apply_keymap(server, keyboard->wlr_keyboard);
		}
	}
	if (server->fallback_keyboard != NULL) {
		input_apply_keymap(server, server->fallback_keyboard);
	}
	struct cordon_pointer *pointer;
	wl_list_for_each(pointer, &server->pointers, link) {
		input_configure_pointer(server, pointer->device);
	}
}

void input_init_virtual_keyboard(struct cordon_server *server,
		struct wlr_virtual_keyboard_manager_v1 *manager) {
	listener_connect(&manager->events.new_virtual_keyboard, &server->new_virtual_keyboard,
		handle_new_virtual_keyboard);
}

void input_init_virtual_pointer(struct cordon_server *server,
		struct wlr_virtual_pointer_manager_v1 *manager) {
	listener_connect(&manager->events.new_virtual_pointer, &server->new_virtual_pointer,
		handle_new_virtual_pointer);
}

bool input_init(struct cordon_server *server) {
	server->seat = wlr_seat_create(server->display, "seat0");
	if (server->seat == NULL) {
		wlr_log(WLR_ERROR, "cannot create seat0");
		return false;
	}
	globals_register(server->globals, server->seat->global, GLOBALS_SPECIAL);
	/*
	 * A desktop seat always has both: clients such as wl-clipboard wait for
	 * keyboard focus even before the first keyboard is plugged in.
	 */
	wlr_seat_set_capabilities(server->seat,
		WL_SEAT_CAPABILITY_POINTER | WL_SEAT_CAPABILITY_KEYBOARD);
	listener_connect(&server->backend->events.new_input, &server->new_input, handle_new_input);
	server->keyboard_focus_change.notify = handle_keyboard_focus_change;
	wl_signal_add(&server->seat->keyboard_state.events.focus_change,
		&server->keyboard_focus_change);
	return input_create_fallback_keyboard(server);
}

void input_finish(struct cordon_server *server) {
	listener_remove(&server->new_input);
	listener_remove(&server->keyboard_focus_change);
	listener_remove(&server->new_virtual_keyboard);
	listener_remove(&server->new_virtual_pointer);
	/* Remaining keyboards are unhooked by their destroy with the backend. */
	if (server->fallback_keyboard != NULL) {
		if (server->seat != NULL &&
				wlr_seat_get_keyboard(server->seat) == server->fallback_keyboard) {
			wlr_seat_set_keyboard(server->seat, NULL);
		}
		wlr_keyboard_finish(server->fallback_keyboard);
		free(server->fallback_keyboard);
		server->fallback_keyboard = NULL;
	}
}
