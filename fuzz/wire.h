#ifndef CORDON_FUZZ_WIRE_H
#define CORDON_FUZZ_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wayland-util.h>

/*
 * A raw-wire Wayland client driven by fuzz input. It speaks only through
 * the generated wl_interface tables: each step picks a live object, one of
 * its requests (respecting the bound version) and arguments of the right
 * kind (new ids of the request's interface, live ids of the interface an
 * object argument names, real memfds and pipes), marshals it onto its
 * socket, lets the server run, and reads back every event, so that ids the
 * server creates, serials it hands out and fds it sends are usable next.
 */

/* The input as a stream of choices; reads past the end give zeros. */
struct fuzz_bytes {
	const uint8_t *p;
	size_t n;
};

uint8_t fuzz_u8(struct fuzz_bytes *in);
uint32_t fuzz_u32(struct fuzz_bytes *in);
static inline bool fuzz_empty(const struct fuzz_bytes *in) {
	return in->n == 0;
}

#define WIRE_MAX_OBJECTS 512
#define WIRE_MAX_GLOBALS 64
#define WIRE_RECENT 16

struct wire_object {
	uint32_t id;
	const struct wl_interface *iface;
	uint32_t version;
	bool live;
};

struct wire_global {
	uint32_t name;
	const struct wl_interface *iface; /* NULL: not in our tables */
	uint32_t version;
};

struct wire_client;

/*
 * Called for an fd the server sent with an event (wl_data_source.send,
 * wl_keyboard.keymap…); the callee owns fd. NULL: the fd is closed.
 */
typedef void (*wire_fd_fn)(struct wire_client *client,
	const struct wire_object *object, const struct wl_message *event,
	int fd, void *data);

struct wire_client {
	int fd;
	bool dead;         /* the server closed us or sent wl_display.error */
	uint32_t error_code;
	struct wire_object objects[WIRE_MAX_OBJECTS];
	size_t n_objects;
	uint32_t next_id;
	struct wire_global globals[WIRE_MAX_GLOBALS];
	size_t n_globals;
	uint32_t recent[WIRE_RECENT];     /* uints seen in events: serials */
	unsigned n_recent;
	uint32_t input_serial; /* of the newest key, button or enter: what a toolkit uses */
	int32_t last_fd_size;
	uint8_t inbuf[65536];
	size_t inlen;
	int infds[64];
	size_t n_infds;
	wire_fd_fn on_fd;
	void *on_fd_data;
	/* Pipes whose read end we keep to see what the server wrote into them. */
	int pipes[8];
	bool pipe_seen[8];   /* for the caller: this pipe's bytes were accounted */
	size_t n_pipes;
	uint64_t requests_sent;
};

/* Runs the server until it has nothing more to do; set by the harness. */
typedef void (*wire_pump_fn)(void *data);

/* Takes ownership of fd (connected to the compositor). */
void wire_client_init(struct wire_client *client, int fd);
/* Closes the socket and every fd still held. */
void wire_client_finish(struct wire_client *client);

/* Sends get_registry and a sync, pumps and reads the globals. */
bool wire_client_start(struct wire_client *client, wire_pump_fn pump, void *data);

/* One request chosen from in; false once the input or the client is spent. */
bool wire_client_step(struct wire_client *client, struct fuzz_bytes *in,
	wire_pump_fn pump, void *data);

/*
 * What a toolkit does at start-up: binds every global, gets the pointer,
 * keyboard, data device and primary selection device.
 */
void wire_client_setup(struct wire_client *client, wire_pump_fn pump, void *data);

/*
 * Pastes: asks the newest live offer (clipboard, or primary selection)
 * for text/plain into a pipe whose read end is kept in pipes[].
 */
void wire_client_paste(struct wire_client *client, bool primary,
	wire_pump_fn pump, void *data);

/* Scripted steps (see wire.c), for fuzzers that choose their own moments. */
void wire_client_macro(struct wire_client *client, struct fuzz_bytes *in,
	uint8_t which, wire_pump_fn pump, void *data);

/* Reads and handles every event waiting on the socket. */
void wire_client_read(struct wire_client *client);

/* Sends one request with already-chosen arguments (for scripted steps). */
bool wire_send(struct wire_client *client, uint32_t id, uint16_t opcode,
	const uint32_t *words, size_t n_words, const int *fds, size_t n_fds);

const struct wire_object *wire_find(const struct wire_client *client, uint32_t id);
/* The wl_interface of that name among the protocols cordon serves. */
const struct wl_interface *wire_interface(const char *name);

#endif
