#ifndef CORDON_VMM_AGENT_CLIENT_H
#define CORDON_VMM_AGENT_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include "vmm/agent/protocol.h"

/*
 * The host side of cordon-agent's protocol (see vmm/agent/cordon-agent.c):
 * blocking, with deadlines, meant for cordonctl run. Depends on json-c
 * only, not on the compositor or the event loop.
 *
 * Addresses: "unix:PATH" or "vsock:CID:PORT".
 */

#define AGENT_CLIENT_MAX_MESSAGE AGENT_PROTOCOL_MAX_MESSAGE

struct agent_result {
	pid_t pid;        /* the command's pid inside the guest */
	bool finished;    /* wait was asked and the exit message arrived */
	bool signaled;
	int code;         /* exit code, or the signal number when signaled */
};

/* Fills addr from an address string; false with a message in err. */
bool agent_client_parse_address(const char *address, struct sockaddr_storage *addr,
	socklen_t *len, char *err, size_t errlen);

/*
 * Connects, retrying every 100 ms while nothing listens yet (a booting
 * guest), until timeout_ms has passed. Returns a blocking, close-on-exec
 * socket, or -1 with a message in err.
 */
int agent_client_connect(const char *address, int timeout_ms, char *err,
	size_t errlen);

/*
 * Runs argv in the guest: connects (see above), sends {argv, env, cwd}
 * (env: "KEY=VALUE" strings, may be NULL; cwd may be NULL) and reads the
 * pid, all within timeout_ms. With wait, then blocks until the command
 * exits and fills finished/signaled/code. False with a message in err:
 * unreachable, refused by the agent (its error text), or the connection
 * closed before the command ended (the guest went away).
 */
bool agent_client_run(const char *address, char *const *argv, char *const *env,
	const char *cwd, int timeout_ms, bool wait, struct agent_result *result,
	char *err, size_t errlen);

/* The same, calling started(pid, data) as soon as the pid is known. */
bool agent_client_run_notify(const char *address, char *const *argv, char *const *env,
	const char *cwd, int timeout_ms, bool wait,
	void (*started)(pid_t pid, void *data), void *data,
	struct agent_result *result, char *err, size_t errlen);

#endif
