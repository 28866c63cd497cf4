#ifndef CORDON_CLIP_X11_H
#define CORDON_CLIP_X11_H

#include <wayland-server-core.h>

struct cordon_domain;
struct wlr_seat;

/*
 * The seat a domain's X server sees (wlroots' xwm watches the seat it is
 * given: it serves X clients whatever that seat's selection is, and puts
 * what an X client copies there). Each domain's X server gets a seat of
 * its own, never the real one, and the clipboard guard drives it: the X
 * clients of the focused domain are offered what its Wayland clients are
 * offered, through the same policy; what they copy becomes that domain's
 * clipboard or primary selection, and no other domain's. Its wl_seat
 * global is shown to no client (xwayland.c's filter).
 */
struct clip_x11;

struct clip_x11 *clip_x11_create(struct cordon_domain *domain);
/* Drops the X server's selections from the domain's, then the seat. */
void clip_x11_destroy(struct clip_x11 *x);
struct wlr_seat *clip_x11_seat(struct clip_x11 *x);
const struct wl_global *clip_x11_global(const struct clip_x11 *x);

#endif
