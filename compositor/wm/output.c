#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wlr/types/wlr_output.h>
#include <wlr/types/wlr_output_layout.h>
#include <wlr/util/log.h>
#include "compositor/wm/output.h"
#include "compositor/guard/globals.h"
#include "compositor/server.h"
#include "compositor/util.h"
#include "compositor/wm/output_ahead.h"
#include "compositor/wm/release_batch.h"
#include "compositor/wm/view.h"

static void handle_output_frame(struct wl_listener *listener, void *data) {
	struct cordon_output *output = wl_container_of(listener, output, frame);
	if (output->scene_output == NULL) {
		return;
	}
	if (!output_ahead_commit(output)) {
		wlr_scene_output_commit(output->scene_output, NULL);
	}
	output_ahead_arm(output);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	/*
	 * Releases first: a client drawing on frame done then finds the
	 * buffer it gave back free, and goes on with two buffers, not three.
	 */
	release_batch_flush(output->server->release);
	wlr_scene_output_send_frame_done(output->scene_output, &now);
}

static void handle_output_request_state(struct wl_listener *listener, void *data) {
	/* Nested backends ask for this when the host window is resized. */
	struct cordon_output *output = wl_container_of(listener, output, request_state);
	const struct wlr_output_event_request_state *event = data;
	wlr_output_commit_state(output->wlr_output, event->state);
	view_arrange_output(output->server);
}

static void handle_output_destroy(struct wl_listener *listener, void *data) {
	struct cordon_output *output = wl_container_of(listener, output, destroy);
	if (output->wlr_output->global != NULL) {
		globals_unregister(output->server->globals, output->wlr_output->global);
	}
	output_ahead_finish(output);
	wl_list_remove(&output->frame.link);
	wl_list_remove(&output->request_state.link);
	wl_list_remove(&output->destroy.link);
	wl_list_remove(&output->link);
	free(output);
}

static const struct config_output *output_config_for(struct cordon_server *server,
		const char *name) {
	const struct config_output *wildcard = NULL, *co;
	wl_list_for_each(co, &server->config->outputs, link) {
		if (strcmp(co->name, name) == 0) {
			return co;
		}
		if (strcmp(co->name, "*") == 0) {
			wildcard = co;
		}
	}
	return wildcard;
}

/* Picks the configured mode, else the preferred one; custom for headless/nested. */
static void output_apply_mode(struct wlr_output *wlr_output,
		const struct config_output *co, struct wlr_output_state *state) {
	if (co == NULL || !co->has_mode) {
		struct wlr_output_mode *mode = wlr_output_preferred_mode(wlr_output);
		if (mode != NULL) {
			wlr_output_state_set_mode(state, mode);
		}
		return;
	}
	struct wlr_output_mode *best = NULL, *mode;
	wl_list_for_each(mode, &wlr_output->modes, link) {
		if (mode->width != co->width || mode->height != co->height) {
			continue;
		}
		if (co->refresh_mhz == 0) {
			if (best == NULL || mode->refresh > best->refresh) {
				best = mode;
			}
		} else if (abs(mode->refresh - co->refresh_mhz) < 1000) {
			best = mode;
		}
	}
	if (best != NULL) {
		wlr_output_state_set_mode(state, best);
	} else if (wl_list_empty(&wlr_output->modes)) {
		wlr_output_state_set_custom_mode(state, co->width, co->height, co->refresh_mhz);
	} else {
		wlr_log(WLR_ERROR, "output %s: no mode %dx%d@%d mHz; using the preferred one",
			wlr_output->name, co->width, co->height, co->refresh_mhz);
		struct wlr_output_mode *pref = wlr_output_preferred_mode(wlr_output);
		if (pref != NULL) {
			wlr_output_state_set_mode(state, pref);
		}
	}
}

/* Mode, scale and transform of co (or the defaults) into state. */
static void output_fill_state(struct wlr_output *wlr_output, const struct config_output *co,
		struct wlr_output_state *state) {
	wlr_output_state_set_enabled(state, true);
	output_apply_mode(wlr_output, co, state);
	wlr_output_state_set_scale(state, co != NULL && co->scale > 0 ? co->scale : 1.0f);
	wlr_output_state_set_transform(state, co != NULL && co->transform >= 0 ?
		co->transform : WL_OUTPUT_TRANSFORM_NORMAL);
}

bool output_attach(struct cordon_output *output, bool has_position, int x, int y) {
	struct cordon_server *server = output->server;
	struct wlr_output *wlr_output = output->wlr_output;
	struct wlr_output_layout_output *lo;
	if (has_position) {
		lo = wlr_output_layout_add(server->output_layout, wlr_output, x, y);
	} else {
		lo = wlr_output_layout_add_auto(server->output_layout, wlr_output);
	}
	if (output->scene_output != NULL) {
		return lo != NULL;
	}
	output->scene_output = wlr_scene_output_create(server->scene, wlr_output);
	if (lo == NULL || output->scene_output == NULL) {
		wlr_log(WLR_ERROR, "output %s: cannot add it to the layout", wlr_output->name);
		return false;
	}
	wlr_scene_output_layout_add_output(server->scene_layout, lo, output->scene_output);
	/* The layout created the wl_output global; guests may see outputs. */
	if (wlr_output->global != NULL) {
		globals_register(server->globals, wlr_output->global, GLOBALS_GUEST);
	}
	wlr_log(WLR_INFO, "output %s: %dx%d scale %.2f", wlr_output->name,
		wlr_output->width, wlr_output->height, wlr_output->scale);
	return true;
}

static bool output_enable(struct cordon_output *output, const struct config_output *co) {
	struct wlr_output *wlr_output = output->wlr_output;
	struct wlr_output_state state;
	wlr_output_state_init(&state);
	output_fill_state(wlr_output, co, &state);
	bool ok = wlr_output_commit_state(wlr_output, &state);
	wlr_output_state_finish(&state);
	if (!ok) {
		wlr_log(WLR_ERROR, "output %s: cannot apply its configuration", wlr_output->name);
		return false;
	}
	return output_attach(output, co != NULL && co->has_position,
		co != NULL ? co->x : 0, co != NULL ? co->y : 0);
}

void output_detach(struct cordon_output *output) {
	struct wlr_output *wlr_output = output->wlr_output;
	if (wlr_output->global != NULL) {
		globals_unregister(output->server->globals, wlr_output->global);
	}
	/* Removing it from the layout also removes its wl_output global. */
	wlr_output_layout_remove(output->server->output_layout, wlr_output);
	output_ahead_drop(output);
	if (output->scene_output != NULL) {
		wlr_scene_output_destroy(output->scene_output);
		output->scene_output = NULL;
	}
}

static void output_disable(struct cordon_output *output) {
	struct wlr_output *wlr_output = output->wlr_output;
	output_detach(output);
	struct wlr_output_state state;
	wlr_output_state_init(&state);
	wlr_output_state_set_enabled(&state, false);
	if (!wlr_output_commit_state(wlr_output, &state)) {
		wlr_log(WLR_ERROR, "output %s: cannot disable it", wlr_output->name);
	}
	wlr_output_state_finish(&state);
	wlr_log(WLR_INFO, "output %s: disabled", wlr_output->name);
}

void output_reconfigure(struct cordon_server *server) {
	struct cordon_output *output;
	wl_list_for_each(output, &server->outputs, link) {
		struct wlr_output *wlr_output = output->wlr_output;
		const struct config_output *co = output_config_for(server, wlr_output->name);
		bool want = co == NULL || !co->disabled;
		if (!want) {
			if (output->scene_output != NULL) {
				output_disable(output);
			}
			continue;
		}
		if (output->scene_output == NULL) {
			output_enable(output, co);
			continue;
		}
		struct wlr_output_state state;
		wlr_output_state_init(&state);
		output_fill_state(wlr_output, co, &state);
		if (!wlr_output_commit_state(wlr_output, &state)) {
			wlr_log(WLR_ERROR, "output %s: cannot apply the reloaded configuration",
				wlr_output->name);
		}
		wlr_output_state_finish(&state);
		if (co != NULL && co->has_position) {
			wlr_output_layout_add(server->output_layout, wlr_output, co->x, co->y);
		}
	}
	view_arrange_output(server);
}

static void handle_new_output(struct wl_listener *listener, void *data) {
	struct cordon_server *server = wl_container_of(listener, server, new_output);
	struct wlr_output *wlr_output = data;

	if (!wlr_output_init_render(wlr_output, server->allocator, server->renderer)) {
		wlr_log(WLR_ERROR, "output %s: cannot initialise rendering", wlr_output->name);
		return;
	}
	/* Disabled outputs get a record too, so a reload can enable them. */
	struct cordon_output *output = calloc(1, sizeof(*output));
	if (output == NULL) {
		wlr_log(WLR_ERROR, "output %s: out of memory", wlr_output->name);
		return;
	}
	output->server = server;
	output->wlr_output = wlr_output;
	listener_connect(&wlr_output->events.frame, &output->frame, handle_output_frame);
	listener_connect(&wlr_output->events.request_state, &output->request_state,
		handle_output_request_state);
	listener_connect(&wlr_output->events.destroy, &output->destroy, handle_output_destroy);
	wl_list_insert(server->outputs.prev, &output->link);
	output_ahead_init(output);

	const struct config_output *co = output_config_for(server, wlr_output->name);
	if (co != NULL && co->disabled) {
		struct wlr_output_state state;
		wlr_output_state_init(&state);
		wlr_output_state_set_enabled(&state, false);
		wlr_output_commit_state(wlr_output, &state);
		wlr_output_state_finish(&state);
		wlr_log(WLR_INFO, "output %s: disabled by the config", wlr_output->name);
		return;
	}
	output_enable(output, co);
	view_arrange_output(server);
}

struct cordon_output *output_at(struct cordon_server *server, double lx, double ly) {
	struct wlr_output *wlr_output =
		wlr_output_layout_output_at(server->output_layout, lx, ly);
	struct cordon_output *output;
	wl_list_for_each(output, &server->outputs, link) {
		if (output->scene_output == NULL) {
			continue;
		}
		if (wlr_output == NULL || output->wlr_output == wlr_output) {
			return output;
		}
	}
	return NULL;
}

struct wlr_box output_box(struct cordon_output *output) {
	struct wlr_box box = {0};
	if (output != NULL) {
		wlr_output_layout_get_box(output->server->output_layout, output->wlr_output, &box);
	}
	return box;
}

void output_init(struct cordon_server *server) {
	listener_connect(&server->backend->events.new_output, &server->new_output,
		handle_new_output);
}

void output_finish(struct cordon_server *server) {
	listener_remove(&server->new_output);
}
