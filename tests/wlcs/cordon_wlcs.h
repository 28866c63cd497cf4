#ifndef CORDON_WLCS_H
#define CORDON_WLCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The wlcs integration is split in two: the libwayland-server side
 * (cordon_wlcs.c, input.c) and the few libwayland-client calls it needs
 * (client.c), since the two protocol headers cannot share one file.
 */

struct wl_display;
struct wl_surface;

/* The fd of a client-side connection, as create_client_socket gave it. */
int wlcs_client_fd(struct wl_display *display);
/* The object id of a client-side wl_surface, to find it on the server. */
uint32_t wlcs_client_surface_id(struct wl_surface *surface);

struct wlcs_global {
	char *name;
	uint32_t version;
};

/*
 * Pumps the server loop until the client on fd has seen every global:
 * for the descriptor, before the server runs on its thread. pump is
 * called with data to dispatch the server once. Returns the number found,
 * or -1; *out is malloc'd.
 */
int wlcs_client_list_globals(int fd, void (*pump)(void *data), void *data,
	struct wlcs_global **out);

#endif
