#ifndef CORDON_TEXT_INPUT_H
#define CORDON_TEXT_INPUT_H

#include <stdbool.h>
#include <stdint.h>

struct cordon_server;
struct cordon_keyboard;
struct wlr_keyboard_key_event;
struct wlr_surface;
struct wlr_box;

/*
 * Input methods: zwp_text_input_manager_v3 for every domain,
 * zwp_input_method_manager_v2 for the host only. One host input method
 * (fcitx5, ibus) serves the text input of the window holding the keyboard
 * focus, whatever its domain; its strings reach only that text input, and a
 * focus change deactivates it before anything reaches the new window.
 */
bool text_input_init(struct cordon_server *server);
void text_input_finish(struct cordon_server *server);

/*
 * A key of the user's keyboard, after cordon's own keys (VT switch, lock,
 * prompt, bindings) had their turn: true when the input method's keyboard
 * grab took it (only while a text input of the focused window is enabled),
 * or took the press this release belongs to.
 */
bool text_input_key(struct cordon_server *server, struct cordon_keyboard *keyboard,
	struct wlr_keyboard_key_event *event);
/* Whether keycode is held with its press given to the grab (no client knows it). */
bool text_input_key_held(struct cordon_server *server, uint32_t keycode);
/* Modifiers for the grab, under the same rule: true when it took them. */
bool text_input_modifiers(struct cordon_server *server, struct cordon_keyboard *keyboard);

/*
 * For the popup (im_popup.c): the surface the served text input is in and
 * its cursor rectangle (surface-local), or NULL when the input method
 * serves nobody.
 */
struct wlr_surface *text_input_served(struct cordon_server *server, struct wlr_box *cursor);

#endif
