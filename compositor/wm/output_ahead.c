#include <wlr/backend/headless.h>
#include <wlr/types/wlr_output.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/util/log.h>
#include "common/listener.h"
#include "compositor/server.h"
#include "compositor/wm/output.h"
#include "compositor/wm/output_ahead.h"

/* Render ahead this far into the frame period, in eighths of it. */
#define OUTPUT_AHEAD_EIGHTHS 5

static int handle_ahead_timer(void *data) {
	struct cordon_output *output = data;
	struct wlr_scene_output *so = output->scene_output;
	if (output->ahead_ready || so == NULL || !output->wlr_output->enabled ||
			!pixman_region32_not_empty(&so->damage_ring.current)) {
		return 0;
	}
	wlr_output_state_init(&output->ahead);
	if (!wlr_scene_output_build_state(so, &output->ahead, NULL)) {
		/* The frame event renders as usual. */
		wlr_output_state_finish(&output->ahead);
		return 0;
	}
	output->ahead_ready = true;
	return 0;
}

static void handle_output_commit(struct wl_listener *listener, void *data) {
	struct cordon_output *output = wl_container_of(listener, output, ahead_commit);
	/* Any other commit (mode, scale, enable, gamma) outdates the buffer. */
	if (!output->ahead_committing) {
		output_ahead_drop(output);
	}
}

void output_ahead_init(struct cordon_output *output) {
	if (!wlr_output_is_headless(output->wlr_output)) {
		return;
	}
	output->ahead_timer = wl_event_loop_add_timer(output->server->loop,
		handle_ahead_timer, output);
	if (output->ahead_timer == NULL) {
		wlr_log(WLR_ERROR, "output %s: no render-ahead timer; rendering at the frame",
			output->wlr_output->name);
		return;
	}
	listener_connect(&output->wlr_output->events.commit, &output->ahead_commit,
		handle_output_commit);
}

void output_ahead_drop(struct cordon_output *output) {
	if (!output->ahead_ready) {
		return;
	}
	/*
	 * The buffer keeps what was rendered into it, and the damage ring
	 * counts it as rendered: the next frame that takes it renders only
	 * what changed since.
	 */
	output->ahead_ready = false;
	wlr_output_state_finish(&output->ahead);
}

bool output_ahead_commit(struct cordon_output *output) {
	if (!output->ahead_ready) {
		return false;
	}
	struct wlr_scene_output *so = output->scene_output;
	if (so == NULL || pixman_region32_not_empty(&so->damage_ring.current)) {
		output_ahead_drop(output);
		return false;
	}
	output->ahead_committing = true;
	bool ok = wlr_output_commit_state(output->wlr_output, &output->ahead);
	output->ahead_committing = false;
	output_ahead_drop(output);
	if (!ok) {
		wlr_log(WLR_DEBUG, "output %s: the frame rendered ahead was refused; rendering again",
			output->wlr_output->name);
	}
	return ok;
}

void output_ahead_arm(struct cordon_output *output) {
	if (output->ahead_timer == NULL) {
		return;
	}
	int refresh = output->wlr_output->refresh > 0 ? output->wlr_output->refresh : 60000;
	int period_ms = 1000000 / refresh;
	int delay = period_ms * OUTPUT_AHEAD_EIGHTHS / 8;
	wl_event_source_timer_update(output->ahead_timer, delay > 0 ? delay : 1);
}

void output_ahead_finish(struct cordon_output *output) {
	if (output->ahead_timer == NULL) {
		return;
	}
	output_ahead_drop(output);
	wl_list_remove(&output->ahead_commit.link);
	wl_event_source_remove(output->ahead_timer);
	output->ahead_timer = NULL;
}
