#include <stdlib.h>
#include <wlr/types/wlr_gamma_control_v1.h>
#include <wlr/types/wlr_output.h>
#include <wlr/util/log.h>
#include "compositor/wm/gamma_control.h"
#include "compositor/guard/globals.h"
#include "compositor/server.h"
#include "compositor/util.h"

struct gamma_control {
	struct wlr_gamma_control_manager_v1 *manager;
	struct wl_listener set_gamma;
};

/*
 * A table is applied at once, tested first: an output whose backend cannot
 * take it (headless, pixman) fails the control, so the client knows.
 * control NULL: the client went away or reset, the output gets its own back.
 */
static void handle_set_gamma(struct wl_listener *listener, void *data) {
	const struct wlr_gamma_control_manager_v1_set_gamma_event *event = data;
	struct wlr_output *output = event->output;
	if (!output->enabled) {
		return;
	}
	struct wlr_output_state state;
	wlr_output_state_init(&state);
	bool ok = wlr_gamma_control_v1_apply(event->control, &state) &&
		wlr_output_test_state(output, &state) && wlr_output_commit_state(output, &state);
	wlr_output_state_finish(&state);
	if (!ok) {
		wlr_log(WLR_INFO, "gamma: output %s cannot take the %s table", output->name,
			event->control != NULL ? "client's" : "default");
		if (event->control != NULL) {
			wlr_gamma_control_v1_send_failed_and_destroy(event->control);
		}
	}
}

bool gamma_control_init(struct cordon_server *server) {
	struct gamma_control *gc = calloc(1, sizeof(*gc));
	if (gc == NULL) {
		wlr_log(WLR_ERROR, "gamma control: out of memory");
		return false;
	}
	gc->manager = wlr_gamma_control_manager_v1_create(server->display);
	if (gc->manager == NULL) {
		wlr_log(WLR_ERROR, "cannot create zwlr_gamma_control_manager_v1");
		free(gc);
		return false;
	}
	/* Host-only: a guest could blank or tint every screen, or fake a dim prompt. */
	globals_register(server->globals, gc->manager->global, GLOBALS_HOST);
	listener_connect(&gc->manager->events.set_gamma, &gc->set_gamma, handle_set_gamma);
	server->gamma_control = gc;
	return true;
}

void gamma_control_finish(struct cordon_server *server) {
	struct gamma_control *gc = server->gamma_control;
	if (gc == NULL) {
		return;
	}
	listener_remove(&gc->set_gamma);
	free(gc);
	server->gamma_control = NULL;
}
