#ifndef CORDON_SESSION_H
#define CORDON_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <wlr/types/wlr_keyboard.h>

struct cordon_server;

/*
 * The seat session (libseat through logind or seatd) that the DRM and
 * libinput backends run under, when there is one: VT switching, and what
 * a switch away and back must keep. Headless and nested backends have none.
 */
bool session_init(struct cordon_server *server);
void session_finish(struct cordon_server *server);

/*
 * Ctrl+Alt+F1…F12 (the keymap's XF86Switch_VT_N): switches VT, or logs
 * that there is no session to switch. True when keycode (evdev) was such a
 * key: the caller consumes it so no client ever sees it. Runs before
 * prompts, bindings and the lock screen, so that no state of cordon can
 * keep the user from their other VTs.
 */
bool session_handle_key(struct cordon_server *server, struct wlr_keyboard *kb,
	uint32_t keycode);

#endif
