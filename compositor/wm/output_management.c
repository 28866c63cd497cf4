#include <stdlib.h>
#include <wlr/backend.h>
#include <wlr/types/wlr_output.h>
#include <wlr/types/wlr_output_layout.h>
#include <wlr/types/wlr_output_management_v1.h>
#include <wlr/types/wlr_output_power_management_v1.h>
#include <wlr/util/log.h>
#include "compositor/wm/output.h"
#include "compositor/wm/output_management.h"
#include "compositor/guard/globals.h"
#include "compositor/server.h"
#include "compositor/util.h"
#include "compositor/wm/view.h"

/*
 * Largest custom mode and scale a configuration may ask for: the host is
 * trusted, but a typo in a kanshi profile must not make the headless or
 * nested backend allocate gigabytes.
 */
#define OUTPUT_MANAGEMENT_MAX_SIDE 16384
#define OUTPUT_MANAGEMENT_MAX_SCALE 16.0f

struct output_management {
	struct cordon_server *server;
	struct wlr_output_manager_v1 *manager;
	struct wlr_output_power_manager_v1 *power;
	/* The published configuration is rebuilt once per loop iteration. */
	struct wl_event_source *update_idle;

	struct wl_listener apply;
	struct wl_listener test;
	struct wl_listener set_power_mode;
	struct wl_listener layout_change;
	struct wl_listener new_output;
};

static struct cordon_output *output_management_find(struct cordon_server *server,
		struct wlr_output *wlr_output) {
	struct cordon_output *output;
	wl_list_for_each(output, &server->outputs, link) {
		if (output->wlr_output == wlr_output) {
			return output;
		}
	}
	return NULL;
}

/*
 * Publishes what cordon's output records say: an output is enabled when it
 * is in the layout (a powered-off one still is), at its layout position.
 */
static void handle_update_idle(void *data) {
	struct output_management *om = data;
	om->update_idle = NULL;
	struct wlr_output_configuration_v1 *config = wlr_output_configuration_v1_create();
	if (config == NULL) {
		wlr_log(WLR_ERROR, "output management: out of memory for the configuration");
		return;
	}
	struct cordon_output *output;
	wl_list_for_each(output, &om->server->outputs, link) {
		struct wlr_output_configuration_head_v1 *head =
			wlr_output_configuration_head_v1_create(config, output->wlr_output);
		if (head == NULL) {
			wlr_log(WLR_ERROR, "output management: out of memory for output %s",
				output->wlr_output->name);
			wlr_output_configuration_v1_destroy(config);
			return;
		}
		head->state.enabled = output->scene_output != NULL;
		if (head->state.enabled) {
			struct wlr_box box = output_box(output);
			head->state.x = box.x;
			head->state.y = box.y;
		}
	}
	wlr_output_manager_v1_set_configuration(om->manager, config);
}

static void output_management_schedule(struct output_management *om) {
	if (om->update_idle != NULL) {
		return;
	}
	om->update_idle = wl_event_loop_add_idle(om->server->loop, handle_update_idle, om);
	if (om->update_idle == NULL) {
		wlr_log(WLR_ERROR, "output management: cannot schedule an update; "
			"clients keep the previous configuration");
	}
}

static bool output_management_valid(const struct wlr_output_configuration_v1 *config) {
	const struct wlr_output_configuration_head_v1 *head;
	wl_list_for_each(head, &config->heads, link) {
		const struct wlr_output_head_v1_state *st = &head->state;
		if (!st->enabled) {
			continue;
		}
		if (!(st->scale > 0.0f && st->scale <= OUTPUT_MANAGEMENT_MAX_SCALE)) {
			wlr_log(WLR_INFO, "output management: output %s: scale %f refused",
				st->output->name, st->scale);
			return false;
		}
		if (st->mode == NULL && (st->custom_mode.width < 0 || st->custom_mode.height < 0 ||
				st->custom_mode.width > OUTPUT_MANAGEMENT_MAX_SIDE ||
				st->custom_mode.height > OUTPUT_MANAGEMENT_MAX_SIDE ||
				st->custom_mode.refresh < 0)) {
			wlr_log(WLR_INFO, "output management: output %s: custom mode %dx%d@%d refused",
				st->output->name, st->custom_mode.width, st->custom_mode.height,
				st->custom_mode.refresh);
			return false;
		}
	}
	return true;
}

/* After a commit that succeeded: the layout follows what was committed. */
static void output_management_relayout(struct output_management *om,
		const struct wlr_output_configuration_v1 *config) {
	struct cordon_server *server = om->server;
	const struct wlr_output_configuration_head_v1 *head;
	wl_list_for_each(head, &config->heads, link) {
		struct cordon_output *output = output_management_find(server, head->state.output);
		if (output == NULL) {
			continue;
		}
		if (head->state.enabled) {
			output_attach(output, true, head->state.x, head->state.y);
		} else if (output->scene_output != NULL) {
			output_detach(output);
			wlr_log(WLR_INFO, "output %s: disabled by an output manager",
				output->wlr_output->name);
		}
	}
	view_arrange_output(server);
}

/* Tests the whole configuration, and commits it all or nothing when apply. */
static bool output_management_try(struct output_management *om,
		struct wlr_output_configuration_v1 *config, bool apply) {
	if (!output_management_valid(config)) {
		return false;
	}
	size_t len = 0;
	struct wlr_backend_output_state *states =
		wlr_output_configuration_v1_build_state(config, &len);
	if (states == NULL) {
		wlr_log(WLR_ERROR, "output management: out of memory building the states");
		return false;
	}
	bool ok = wlr_backend_test(om->server->backend, states, len);
	if (ok && apply) {
		ok = wlr_backend_commit(om->server->backend, states, len);
	}
	for (size_t i = 0; i < len; i++) {
		wlr_output_state_finish(&states[i].base);
	}
	free(states);
	if (ok && apply) {
		output_management_relayout(om, config);
	}
	wlr_log(WLR_INFO, "output management: %s of a %zu-output configuration %s",
		apply ? "apply" : "test", len, ok ? "succeeded" : "failed");
	return ok;
}

static void output_management_answer(struct output_management *om,
		struct wlr_output_configuration_v1 *config, bool apply) {
	if (output_management_try(om, config, apply)) {
		wlr_output_configuration_v1_send_succeeded(config);
	} else {
		wlr_output_configuration_v1_send_failed(config);
	}
	wlr_output_configuration_v1_destroy(config);
	/* Even a failed apply may have changed some outputs: republish. */
	output_management_schedule(om);
}

static void handle_apply(struct wl_listener *listener, void *data) {
	struct output_management *om = wl_container_of(listener, om, apply);
	output_management_answer(om, data, true);
}

static void handle_test(struct wl_listener *listener, void *data) {
	struct output_management *om = wl_container_of(listener, om, test);
	output_management_answer(om, data, false);
}

/*
 * Power only switches an output the layout holds: one the user disabled
 * (config or output manager) stays off whatever an idle daemon asks.
 */
static void handle_set_power_mode(struct wl_listener *listener, void *data) {
	struct output_management *om = wl_container_of(listener, om, set_power_mode);
	const struct wlr_output_power_v1_set_mode_event *event = data;
	struct cordon_output *output = output_management_find(om->server, event->output);
	if (output == NULL || output->scene_output == NULL) {
		wlr_log(WLR_INFO, "output power: %s is not in the layout; left as it is",
			event->output->name);
		return;
	}
	bool on = event->mode == ZWLR_OUTPUT_POWER_V1_MODE_ON;
	struct wlr_output_state state;
	wlr_output_state_init(&state);
	wlr_output_state_set_enabled(&state, on);
	if (!wlr_output_commit_state(event->output, &state)) {
		wlr_log(WLR_ERROR, "output power: cannot turn %s %s", event->output->name,
			on ? "on" : "off");
	} else {
		wlr_log(WLR_INFO, "output power: %s %s", event->output->name, on ? "on" : "off");
	}
	wlr_output_state_finish(&state);
}

static void handle_layout_change(struct wl_listener *listener, void *data) {
	struct output_management *om = wl_container_of(listener, om, layout_change);
	output_management_schedule(om);
}

static void handle_new_output(struct wl_listener *listener, void *data) {
	/* An output the config keeps disabled never enters the layout: still a head. */
	struct output_management *om = wl_container_of(listener, om, new_output);
	output_management_schedule(om);
}

bool output_management_init(struct cordon_server *server) {
	struct output_management *om = calloc(1, sizeof(*om));
	if (om == NULL) {
		wlr_log(WLR_ERROR, "output management: out of memory");
		return false;
	}
	om->server = server;
	om->manager = wlr_output_manager_v1_create(server->display);
	om->power = wlr_output_power_manager_v1_create(server->display);
	if (om->manager == NULL || om->power == NULL) {
		wlr_log(WLR_ERROR, "cannot create %s", om->manager == NULL ?
			"zwlr_output_manager_v1" : "zwlr_output_power_manager_v1");
		free(om);
		return false;
	}
	/* Host-only: they rearrange and blank every screen. */
	globals_register(server->globals, om->manager->global, GLOBALS_HOST);
	globals_register(server->globals, om->power->global, GLOBALS_HOST);
	listener_connect(&om->manager->events.apply, &om->apply, handle_apply);
	listener_connect(&om->manager->events.test, &om->test, handle_test);
	listener_connect(&om->power->events.set_mode, &om->set_power_mode, handle_set_power_mode);
	listener_connect(&server->output_layout->events.change, &om->layout_change,
		handle_layout_change);
	listener_connect(&server->backend->events.new_output, &om->new_output, handle_new_output);
	server->output_management = om;
	return true;
}

void output_management_finish(struct cordon_server *server) {
	struct output_management *om = server->output_management;
	if (om == NULL) {
		return;
	}
	listener_remove(&om->apply);
	listener_remove(&om->test);
	listener_remove(&om->set_power_mode);
	listener_remove(&om->layout_change);
	listener_remove(&om->new_output);
	if (om->update_idle != NULL) {
		wl_event_source_remove(om->update_idle);
	}
	/* The globals go with the display; the globals filter forgets them with itself. */
	free(om);
	server->output_management = NULL;
}
