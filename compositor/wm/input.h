#ifndef CORDON_INPUT_H
#define CORDON_INPUT_H

#include <stdbool.h>
#include <wayland-server-core.h>
#include <wlr/types/wlr_keyboard.h>

struct cordon_server;
struct wlr_virtual_keyboard_manager_v1;
struct wlr_virtual_pointer_manager_v1;

/* As many keys as a wlr_keyboard tracks down at once. */
#define INPUT_KEYS_MAX WLR_KEYBOARD_KEYS_CAP

struct cordon_keyboard {
	struct wl_list link;         /* cordon_server.keyboards */
	struct cordon_server *server;
	struct wlr_keyboard *wlr_keyboard;
	/*
	 * Keys cordon consumed (a binding, a prompt's answer, any key pressed
	 * while a prompt was up, keys released behind a prompt): their release
	 * goes to nobody, and keyboard enter does not list them.
	 */
	uint32_t swallowed[INPUT_KEYS_MAX];
	int n_swallowed;
	/* Keys of this keyboard the focused client was told are down. */
	uint32_t sent[INPUT_KEYS_MAX];
	int n_sent;
	bool is_virtual;
	bool guest;          /* a virtual keyboard a guest domain drives */

	struct wl_listener modifiers;
	struct wl_listener key;
	struct wl_listener destroy;
};

bool input_init(struct cordon_server *server);
void input_finish(struct cordon_server *server);
void input_init_virtual_keyboard(struct cordon_server *server,
	struct wlr_virtual_keyboard_manager_v1 *manager);
void input_init_virtual_pointer(struct cordon_server *server,
	struct wlr_virtual_pointer_manager_v1 *manager);

/* Applies [keyboard] to every physical keyboard and [pointer] to every pointer again. */
void input_reconfigure(struct cordon_server *server);

/*
 * Keyboard focus to surface (NULL: nobody), straight to the seat past any
 * grab (focus is cordon's to move); the client is told the keys
 * held now minus those cordon consumed, so it never sees a press whose
 * release it will not get.
 */
void input_keyboard_enter(struct cordon_server *server, struct wlr_surface *surface);
/*
 * The first prompt appeared: the focused client gets the release of every
 * key it was told is down (so it repeats none), and those keys' real
 * releases go to nobody.
 */
void input_prompts_opened(struct cordon_server *server);
/* The last prompt closed: the focused client gets the modifiers again. */
void input_prompts_closed(struct cordon_server *server);

/* Current modifiers of the seat's keyboard, without locks (Caps, Num). */
uint32_t input_modifiers(struct cordon_server *server);

#endif
