#ifndef CORDON_WLCS_INPUT_H
#define CORDON_WLCS_INPUT_H

#include <wlcs/pointer.h>
#include <wlcs/touch.h>

struct cordon_server;

/*
 * Fake devices that announce themselves on the backend's new_input and
 * emit the events a libinput device would, so cordon's own input path
 * (cursor.c, input.c) handles them. Called on the server's thread.
 */
WlcsPointer *wlcs_input_pointer_create(struct cordon_server *server);
WlcsTouch *wlcs_input_touch_create(struct cordon_server *server);

#endif
