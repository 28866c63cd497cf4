#ifndef CORDON_UTIL_H
#define CORDON_UTIL_H

#include <wayland-server-core.h>

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
