#ifndef CORDON_HOST_SOCKET_H
#define CORDON_HOST_SOCKET_H

#include <wayland-server-core.h>

/*
 * The host's Wayland socket, $XDG_RUNTIME_DIR/wayland-N (the first free
 * N, claimed with the wayland-N.lock convention every compositor follows).
 * cordon accepts on it itself rather than through
 * wl_display_add_socket_auto: libwayland's own handler calls accept again
 * at once when it fails for want of descriptors, spinning and logging
 * without end (5 MB of log a second, a CPU at 96 %). Here a connection is
 * only accepted when it can be served, and listening pauses otherwise.
 */
struct host_socket;

/* NULL with the reason logged when no wayland-N could be had. */
struct host_socket *host_socket_create(struct wl_display *display);
/* "wayland-N", for WAYLAND_DISPLAY. */
const char *host_socket_name(const struct host_socket *hs);
/* Removes the socket and its lock file; NULL is a no-op. */
void host_socket_destroy(struct host_socket *hs);

#endif
