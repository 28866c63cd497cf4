#ifndef CORDON_COMMON_LISTENER_H
#define CORDON_COMMON_LISTENER_H

#include <wayland-server-core.h>

/*
 * Sets listener's handler and adds it to signal in one step, so the two
 * never drift apart. Its pair is listener_remove or wl_list_remove in the
 * matching destroy path.
 */
static inline void listener_connect(struct wl_signal *signal, struct wl_listener *listener,
		wl_notify_func_t handler) {
	listener->notify = handler;
	wl_signal_add(signal, listener);
}

/*
 * Removes a listener that may never have been added (a half-built server
 * being torn down): calloc leaves link.next NULL until wl_signal_add.
 */
static inline void listener_remove(struct wl_listener *listener) {
	if (listener->link.next != NULL) {
		wl_list_remove(&listener->link);
		listener->link.next = NULL;
	}
}

#endif
