/*
 * Structure-aware fuzzer of the guest protocol surface: one guest client
 * of domain "red" per input, whose requests are chosen from the generated
 * protocol tables (see wire.h). After each input the client disconnects
 * and the server must be back where it started: no view, no client, no fd
 * left behind (and LeakSanitizer checks memory).
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include "fuzz/harness.h"
#include "fuzz/wire.h"

#define FUZZ_MAX_STEPS 256

static const char fuzz_config[] =
	HARNESS_CONFIG_RED
	HARNESS_CONFIG_BLUE
	"[clipboard]\n"
	"default = allow\n";

static struct fuzz_harness *harness;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
	(void)argc;
	(void)argv;
	harness = harness_for_run(fuzz_config);
	return 0;
}

/* A data source asked for its data: give some, as an app would. */
static void handle_fd(struct wire_client *client, const struct wire_object *object,
		const struct wl_message *event, int fd, void *data) {
	(void)client;
	(void)object;
	(void)event;
	(void)data;
	static const char payload[] = "cordon-fuzz-red";
	if (write(fd, payload, sizeof(payload) - 1) < 0) {
		/* The reader may be gone already; nothing to do. */
	}
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	struct fuzz_bytes in = {.p = data, .n = size};
	struct wire_client *client = malloc(sizeof(*client));
	if (client == NULL) {
		return 0;
	}
	wire_client_init(client, harness_connect(harness, "red"));
	client->on_fd = handle_fd;
	if (wire_client_start(client, harness_pump, harness)) {
		for (int i = 0; i < FUZZ_MAX_STEPS; i++) {
			if (!wire_client_step(client, &in, harness_pump, harness)) {
				break;
			}
		}
	}
	wire_client_finish(client);
	free(client);
	harness_wait_disconnected(harness, "red");
	harness_check_clean(harness);
	return 0;
}
