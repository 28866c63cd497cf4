#ifndef CORDON_SERVER_H
#define CORDON_SERVER_H

#include <stdbool.h>
#include <wayland-server-core.h>
#include <wlr/backend.h>
#include <wlr/render/allocator.h>
#include <wlr/render/wlr_renderer.h>
#include <wlr/types/wlr_cursor.h>
#include <wlr/types/wlr_output_layout.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/types/wlr_xcursor_manager.h>
#include <wlr/types/wlr_xdg_shell.h>
#include "compositor/guard/activation.h"
#include "compositor/wm/cursor.h"
#include "compositor/wm/view.h"
#include "config/config.h"

#define SERVER_WORKSPACES 9

struct cordon_globals;
struct cordon_constraints;
struct cordon_inhibit;
struct cordon_ipc;
struct cordon_view;
struct cordon_domain;
struct text_renderer;
struct cordon_touch;
struct cordon_session;
struct cordon_systemd;
struct output_management;
struct gamma_control;
struct foreign_toplevel_manager;
struct data_control;
struct cordon_layer_shell;
struct cordon_session_lock;
struct cordon_idle;
struct cordon_text_input;
struct cordon_tablet;
struct identity_cache;
struct cordon_attention;
struct release_batch;
struct cordon_shm;

/* Fixed scene layers, bottom to top. LAYER_PROMPT is cordon's own. */
enum server_layer {
	LAYER_BACKGROUND = 0,
	LAYER_BOTTOM,
	LAYER_VIEWS,
	LAYER_FULLSCREEN,
	LAYER_TOP,
	LAYER_OVERLAY,
	LAYER_PROMPT,
	LAYER_COUNT,
};

struct cordon_server {
	struct wl_display *display;
	struct wl_event_loop *loop;
	struct cordon_config *config;

	struct wlr_backend *backend;
	struct wlr_session *session;
	struct wlr_renderer *renderer;
	struct wlr_allocator *allocator;
	struct wlr_compositor *compositor;

	struct wlr_scene *scene;
	struct wlr_scene_output_layout *scene_layout;
	struct wlr_scene_tree *layers[LAYER_COUNT];
	int workspace;          /* 0-based current workspace */

	struct wlr_output_layout *output_layout;
	struct wl_list outputs; /* cordon_output.link */

	struct wlr_xdg_shell *xdg_shell;
	struct wlr_xdg_decoration_manager_v1 *decoration_manager;
	struct wlr_xdg_activation_v1 *activation;
	struct wlr_data_device_manager *data_device_manager;
	struct wlr_primary_selection_v1_device_manager *primary_selection_manager;
	struct text_renderer *text;
	struct wl_list views;   /* cordon_view.link, most recently focused first */
	uint32_t next_view_id;
	struct cordon_view *focused_view;

	struct wlr_seat *seat;
	struct wlr_cursor *cursor;
	struct cordon_touch *touch; /* touch.c */
	struct wlr_xcursor_manager *cursor_mgr;
	struct wl_list keyboards; /* cordon_keyboard.link */
	struct wl_list pointers;  /* cordon_pointer.link: libinput pointers, for reload */
	struct wlr_keyboard *fallback_keyboard;
	struct cursor_grab grab;     /* cursor.c: an interactive move or resize */
	struct cursor_press press;   /* cursor.c: the implicit grab of a held button */
	struct view_cycle cycle;     /* view.c: Alt+Tab in progress */

	struct wlr_security_context_manager_v1 *security_context;
	struct cordon_globals *globals;
	struct cordon_constraints *constraints; /* pointer lock and relative motion */
	struct cordon_inhibit *inhibit;         /* keyboard shortcuts inhibitors */
	struct cordon_clipboard *clipboard;
	/* Host-only desktop protocols (wm/output_management.c, wm/gamma_control.c, ...). */
	struct output_management *output_management;
	struct gamma_control *gamma_control;
	struct foreign_toplevel_manager *foreign_toplevel;
	struct data_control *data_control;
	struct wl_list notifications; /* notification.link */
	struct wl_list prompts;       /* prompt.link, oldest first */
	uint32_t next_prompt_id;
	/* When the last prompt closed without a key (prompt.c), or 0. */
	int64_t prompt_vanished_ms;
	/* When the user's keyboards last saw a press or release (input.c), or 0. */
	int64_t key_activity_ms;
	struct wl_listener keyboard_focus_change;
	struct cordon_ipc *ipc;

	/* Domains: the host domain, config domains, sandbox domains. */
	struct wl_list domains; /* cordon_domain.link */
	struct cordon_domain *host_domain;

	/* SIGTERM, SIGINT: quit (VMs stopped politely); SIGHUP: reload. */
	struct wl_event_source *signal_sources[3];

	char *runtime_dir;      /* $XDG_RUNTIME_DIR/cordon */
	const char *socket_name; /* host WAYLAND_DISPLAY */
	struct host_socket *host_socket;
	int ready_fd;
	int exit_code;

	struct wl_listener new_output;
	struct wl_listener new_input;
	struct wl_listener new_xdg_toplevel;
	struct wl_listener new_xdg_popup;
	struct wl_listener cursor_motion;
	struct wl_listener cursor_motion_absolute;
	struct wl_listener cursor_button;
	struct wl_listener cursor_axis;
	struct wl_listener cursor_frame;
	struct wl_listener request_cursor;
	struct wl_listener request_set_shape;
	/* A guest's cursor surface, watched so it cannot grow into a fake screen. */
	struct wlr_surface *guest_cursor;
	struct wl_listener guest_cursor_commit;
	struct wl_listener guest_cursor_destroy;
	/* Its hotspot as the guest set it, and whether it is on screen now or
	 * replaced by cordon's cursor (cursor_guest_refresh). */
	int32_t guest_hotspot_x, guest_hotspot_y;
	bool guest_cursor_shown;
	struct activation_recent activation_recent; /* activation.c */

	struct wl_listener new_decoration;
	struct wl_listener request_activate;
	struct wl_listener new_virtual_keyboard;
	struct wl_listener new_virtual_pointer;
	/* A seat grab began: a popup grab is checked once its client's batch is handled. */
	struct wl_listener keyboard_grab_begin;
	struct wl_event_source *grab_check;

	/* session/session.c: VT switching, the seat session's pause and resume,
	 * outputs unplugged. */
	struct cordon_session *seat_session;
	/* session/systemd.c: what was exported to the user manager and D-Bus, for the exit. */
	struct cordon_systemd *systemd;
	/* Host session protocols: wm/layer_shell.c, guard/session_lock.c, wm/idle.c. */
	struct cordon_layer_shell *layer_shell;
	struct cordon_session_lock *session_lock;
	struct cordon_idle *idle;
	/* wm/text_input.c: text inputs and the host's input method; wm/tablet.c. */
	struct cordon_text_input *text_input;
	struct cordon_tablet *tablet;
	/* render/identity.c: pattern sheets and badges, rendered once; guard/attention.c. */
	struct identity_cache *identity;
	struct release_batch *release;
	struct cordon_shm *shm;
	struct cordon_attention *attention;
};

struct server_options {
	int ready_fd;           /* -1: none */
	const char *startup_cmd; /* -s CMD, or NULL */
};

/* Takes ownership of config. Returns NULL (and logs why) on failure. */
struct cordon_server *server_create(struct cordon_config *config);
/* Binds every socket, starts the backend, reports readiness. */
bool server_start(struct cordon_server *server,
	const struct server_options *options);
/* Runs until quit; returns the exit code. */
int server_run(struct cordon_server *server);
void server_terminate(struct cordon_server *server);
void server_destroy(struct cordon_server *server);

/* Spawns a command with sh -c, detached, environment pointing at cordon. */
bool server_spawn(struct cordon_server *server, const char *command);

#endif
