#ifndef CORDON_POPUP_H
#define CORDON_POPUP_H

#include <wayland-server-core.h>

struct cordon_server;

/* xdg_shell new_popup: places the popup, keeps it on screen, frames guests'. */
void handle_new_xdg_popup(struct wl_listener *listener, void *data);

#endif
