#ifndef CORDON_LAYER_SHELL_H
#define CORDON_LAYER_SHELL_H

#include <stdbool.h>
#include <wlr/util/box.h>

struct cordon_server;
struct cordon_output;
struct wlr_surface;

/*
 * zwlr_layer_shell_v1: panels, wallpapers, launchers and notifications of
 * the host. The global is host-only (policy), so every layer surface
 * belongs to a trusted client: it gets no domain frame and sits in the
 * fixed scene layers below and above the windows, always under cordon's
 * own prompts, notices and fullscreen edges (LAYER_PROMPT).
 */
bool layer_shell_init(struct cordon_server *server);
void layer_shell_finish(struct cordon_server *server);

/*
 * The part of output that windows may use: the layout box less the
 * exclusive zones of its layer surfaces. Placement, maximize and
 * fullscreen fit into it. An empty box for NULL.
 */
struct wlr_box layer_shell_usable_box(struct cordon_server *server,
	struct cordon_output *output);

/* Whether surface (or the popup tree it is in) belongs to a layer surface. */
bool layer_shell_owns_surface(struct wlr_surface *surface);

/*
 * Whether a layer surface holds the keyboard exclusively (a launcher in
 * the top or overlay layer): window focus changes wait until it lets go.
 */
bool layer_shell_keyboard_exclusive(struct cordon_server *server);

/* A press on surface: an interactive layer surface takes the keyboard. */
void layer_shell_pointer_pressed(struct cordon_server *server, struct wlr_surface *surface);

/*
 * Gives the keyboard back after something held it (a layer surface going
 * away, the session unlocking): to an exclusive layer surface still
 * mapped, else to the focused window or the next one.
 */
void layer_shell_restore_focus(struct cordon_server *server);

#endif
