#ifndef CORDON_TOUCH_H
#define CORDON_TOUCH_H

#include <stdbool.h>

struct cordon_server;
struct wlr_input_device;

/* Touchscreens: contacts go to the surface under them, as clicks do. */
bool touch_init(struct cordon_server *server);
void touch_finish(struct cordon_server *server);
/* A new touch device: mapped over the layout, the seat gains the capability. */
void touch_add_device(struct cordon_server *server, struct wlr_input_device *device);

#endif
