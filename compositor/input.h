#ifndef CORDON_INPUT_H
#define CORDON_INPUT_H

#include <stdbool.h>
#include <wayland-server-core.h>
#include <wlr/types/wlr_keyboard.h>

struct cordon_server;
struct wlr_virtual_keyboard_manager_v1;
struct wlr_virtual_pointer_manager_v1;

struct cordon_keyboard {
	struct wl_list link;         /* cordon_server.keyboards */
	struct cordon_server *server;
	struct wlr_keyboard *wlr_keyboard;
	/* Keys whose press ran a binding: their release is not forwarded either. */
	uint32_t swallowed[16];
	int n_swallowed;
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

/* Current modifiers of the seat's keyboard, without locks (Caps, Num). */
uint32_t input_modifiers(struct cordon_server *server);

#endif
