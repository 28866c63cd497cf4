#ifndef CORDON_IM_POPUP_H
#define CORDON_IM_POPUP_H

#include <wayland-server-core.h>

struct cordon_server;
struct wlr_input_popup_surface_v2;

/*
 * The host input method's candidate popups (zwp_input_popup_surface_v2):
 * shown only while the input method serves a text input of the focused
 * window, placed at its text cursor and kept on the output, framed in that
 * window's domain colour (the frame says which domain's field the input
 * method types into). Below cordon's prompts, above every window.
 */
void im_popup_create(struct cordon_server *server, struct wlr_input_popup_surface_v2 *popup,
	struct wl_list *list);
/* Places or hides every popup in list after the served text input changed. */
void im_popup_place_all(struct cordon_server *server, struct wl_list *list);

#endif
