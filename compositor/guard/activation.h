#ifndef CORDON_ACTIVATION_H
#define CORDON_ACTIVATION_H

#include <stdbool.h>
#include <stdint.h>

struct wl_client;

/* A key or button press delivered to a client, for xdg-activation. */
#define ACTIVATION_RECENT_INPUT 16
struct activation_input {
	struct wl_client *client;    /* compared, never used */
	uint32_t serial;
	int64_t time_ms;
};

/* The last presses, a ring: a token is granted only for one of these. */
struct activation_recent {
	struct activation_input input[ACTIVATION_RECENT_INPUT];
	unsigned next;
};

struct cordon_server;
struct cordon_view;
struct wl_client;

/*
 * xdg-activation: a token moves focus only if the focused client minted it
 * from one of its recent input serials. Anything else marks the window
 * urgent, so no domain can steal the keyboard from another.
 */
void activation_init(struct cordon_server *server);
void activation_finish(struct cordon_server *server);

/*
 * Records that client received serial with a key or button event the user
 * made: only such serials (not focus enter events), and only recent ones,
 * can back a token.
 */
void activation_note_input(struct cordon_server *server, struct wl_client *client,
	uint32_t serial);

/*
 * Spends the activation view got while unmapped: true only once, within a
 * few seconds of it, and only while the window focused then still is.
 */
bool activation_take(struct cordon_view *view);

#endif
