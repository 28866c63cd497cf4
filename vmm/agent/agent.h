#ifndef CORDON_VMM_AGENT_AGENT_H
#define CORDON_VMM_AGENT_AGENT_H

/*
 * What cordon-agent's two halves share: the socket transports and request
 * handling (cordon-agent.c) and the virtio-serial transport (serial.c).
 */
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "vmm/agent/protocol.h"

#define DEFAULT_PORT AGENT_PROTOCOL_PORT
#define DEFAULT_MAX_REQUEST AGENT_PROTOCOL_MAX_MESSAGE
#define MAX_REQUEST_LIMIT (16 * 1024 * 1024)
#define DEFAULT_DISPLAY "wayland-0"
#define MAX_CONNS 64
#define MAX_ARGS 4096
#define MAX_ENV 4096

extern char **environ;

enum conn_state {
	CONN_READING = 0,   /* waiting for the request */
	CONN_WAITING,       /* command runs; the exit message follows */
	CONN_CLOSING,       /* flush the output, then close */
};

struct conn {
	int fd;
	enum conn_state state;
	unsigned char hdr[4];
	size_t hdr_len;
	char *body;
	size_t body_len, body_need;
	char *out;
	size_t out_len, out_off;
	pid_t child;
	bool peer_eof;      /* the peer sent all it will send */
};

struct child {
	pid_t pid;
	struct conn *conn;   /* NULL once the connection is gone */
};

struct agent {
	int listen_fd;
	bool vsock;
	int sig_fd;
	size_t max_request;
	const char *display;
	/* --user, resolved once at start-up */
	bool switch_user;
	char *user;
	uid_t uid;
	gid_t gid;
	char *home;
	char *shell;

	struct conn *conns[MAX_CONNS];
	size_t n_conns;
	struct child *children;
	size_t n_children, cap_children;
};

struct request {
	char **argv;    /* borrowed from the JSON object */
	char **env;     /* "KEY=VALUE", allocated */
	const char *cwd;
};

void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Fills r from a parsed request {argv, env, cwd}, or returns an error message. */
const char *request_parse(struct json_object *root, struct request *r);
void request_free(struct request *r);
/* The command's environment (see cordon-agent.c). */
char **build_env(struct agent *a, char *const *req_env);
void free_env(char **env);
/* Forks and execs r (own session, the user switched); pid, or -1 and err. */
pid_t agent_spawn(struct agent *a, struct request *r, char *err, size_t errlen);

/*
 * --listen serial:NAME: serves the protocol of protocol.h on the virtio-serial
 * port NAME until SIGTERM; returns the exit status. The port is found under
 * $CORDON_AGENT_VIRTIO_PORTS (default /sys/class/virtio-ports) by its name
 * file and opened under $CORDON_AGENT_DEV (default /dev), so a test can
 * stand a pty in for it.
 */
int agent_serial_main(struct agent *a, const char *name);

#endif
