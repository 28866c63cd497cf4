#ifndef CORDON_OUTPUT_H
#define CORDON_OUTPUT_H

#include <stdbool.h>
#include <wayland-server-core.h>
#include <wlr/types/wlr_output.h>
#include <wlr/types/wlr_scene.h>

struct cordon_server;

struct cordon_output {
	struct wl_list link;        /* cordon_server.outputs */
	struct cordon_server *server;
	struct wlr_output *wlr_output;
	struct wlr_scene_output *scene_output;

	/* Render ahead (output_ahead.c), headless outputs only. */
	struct wl_event_source *ahead_timer;
	struct wlr_output_state ahead;
	bool ahead_ready, ahead_committing;
	struct wl_listener ahead_commit;

	struct wl_listener frame;
	struct wl_listener request_state;
	struct wl_listener destroy;
};

void output_init(struct cordon_server *server);
void output_finish(struct cordon_server *server);
/* Layout box of the output under lx, ly, or of the first output. */
struct cordon_output *output_at(struct cordon_server *server, double lx, double ly);
struct wlr_box output_box(struct cordon_output *output);
/*
 * Puts an output its owner has just enabled into the layout (at x, y, or
 * placed automatically) and the scene; moves it when it is there already.
 */
bool output_attach(struct cordon_output *output, bool has_position, int x, int y);
/* Takes it out of the layout and the scene; its owner then disables it. */
void output_detach(struct cordon_output *output);
/* Applies server->config's [output] sections again (config reload). */
void output_reconfigure(struct cordon_server *server);

#endif
