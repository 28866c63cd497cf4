/*
 * The IPC socket of a running cordon: the input is written as-is to a new
 * connection on ipc.sock (framing, JSON parsing, field checks and every
 * command of the dispatch table), the replies are read and dropped, and
 * the connection closes. Every reply must be one JSON object per line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <json-c/json.h>
#include "compositor/ipc/ipc.h"
#include "compositor/server.h"
#include "fuzz/harness.h"

static struct fuzz_harness *harness;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
	(void)argc;
	(void)argv;
	harness = harness_for_run(HARNESS_CONFIG_RED);
	return 0;
}

/* Each full reply line must parse as a JSON object. */
static void check_replies(char *buf, size_t len) {
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n') {
			continue;
		}
		buf[i] = '\0';
		struct json_object *obj = json_tokener_parse(buf + start);
		if (obj == NULL || !json_object_is_type(obj, json_type_object)) {
			harness_fail("IPC reply is not a JSON object: %.200s", buf + start);
		}
		json_object_put(obj);
		start = i + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	struct cordon_server *server = harness->server;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/ipc.sock", server->runtime_dir);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		harness_fail("cannot connect to %s", addr.sun_path);
	}
	size_t off = 0;
	char reply[1 << 16];
	size_t rlen = 0;
	for (int round = 0; round < 64; round++) {
		if (off < size) {
			ssize_t n = send(fd, data + off, size - off, MSG_NOSIGNAL);
			if (n > 0) {
				off += (size_t)n;
			}
		}
		harness_pump(harness);
		for (;;) {
			if (rlen == sizeof(reply)) {
				rlen = 0; /* only complete lines are checked; drop a huge one */
			}
			ssize_t n = recv(fd, reply + rlen, sizeof(reply) - rlen, 0);
			if (n <= 0) {
				break;
			}
			rlen += (size_t)n;
			char *last = memrchr(reply, '\n', rlen);
			if (last != NULL) {
				size_t done = (size_t)(last - reply) + 1;
				check_replies(reply, done);
				memmove(reply, reply + done, rlen - done);
				rlen -= done;
			}
		}
		if (off >= size && round > 2) {
			break;
		}
	}
	close(fd);
	harness_pump(harness);
	return 0;
}
