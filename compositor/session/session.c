#include <stdlib.h>
#include <wlr/backend/session.h>
#include <wlr/types/wlr_output.h>
#include <wlr/util/log.h>
#include <xkbcommon/xkbcommon.h>
#include "compositor/server.h"
#include "compositor/session/session.h"
#include "compositor/util.h"
#include "compositor/wm/cursor.h"
#include "compositor/wm/output.h"
#include "compositor/wm/view.h"

struct cordon_session {
	struct cordon_server *server;
	struct wl_listener layout_change;
	/* Only with a seat session: */
	struct wl_listener active;
	struct wl_listener destroy;
};

/*
 * Nothing of cordon's own state goes with the VT: windows, domains and VMs
 * keep running while another VT has the screen. What a switch does break
 * is whatever waited for a release that now goes to the other VT.
 */
static void session_paused(struct cordon_server *server) {
	wlr_log(WLR_INFO, "session: paused (another VT has the seat); windows, domains "
		"and VMs keep running");
	if (server->cycle.active) {
		view_cycle_end(server);
	}
	if (server->grab.mode != CURSOR_PASSTHROUGH) {
		server->grab.mode = CURSOR_PASSTHROUGH;
		server->grab.view = NULL;
	}
}

/*
 * The DRM backend restores the modes it had; what the user configured
 * since (or what another VT's compositor changed under us) is applied
 * again, and every output draws a fresh frame.
 */
static void session_resumed(struct cordon_server *server) {
	wlr_log(WLR_INFO, "session: resumed; applying the output configuration again");
	output_reconfigure(server);
	struct cordon_output *output;
	wl_list_for_each(output, &server->outputs, link) {
		if (output->wlr_output->enabled) {
			wlr_output_schedule_frame(output->wlr_output);
		}
	}
	cursor_rebase(server);
}

static void handle_session_active(struct wl_listener *listener, void *data) {
	struct cordon_session *session = wl_container_of(listener, session, active);
	struct cordon_server *server = session->server;
	if (server->session->active) {
		session_resumed(server);
	} else {
		session_paused(server);
	}
}

/* The wlr_session goes with the backend: cordon stops listening first. */
static void session_unhook_seat(struct cordon_session *session) {
	listener_remove(&session->active);
	listener_remove(&session->destroy);
}

static void handle_session_destroy(struct wl_listener *listener, void *data) {
	struct cordon_session *session = wl_container_of(listener, session, destroy);
	session_unhook_seat(session);
}

/*
 * A screen unplugged takes its part of the layout with it: windows that
 * were there come back onto a screen that remains (view_arrange_output).
 * The layout's change comes after the output is out of it, unlike the
 * output's own destroy, which cordon hears first.
 */
static void handle_layout_change(struct wl_listener *listener, void *data) {
	struct cordon_session *session = wl_container_of(listener, session, layout_change);
	view_arrange_output(session->server);
}

bool session_init(struct cordon_server *server) {
	struct cordon_session *session = calloc(1, sizeof(*session));
	if (session == NULL) {
		wlr_log(WLR_ERROR, "session: out of memory");
		return false;
	}
	session->server = server;
	server->seat_session = session;
	listener_connect(&server->output_layout->events.change, &session->layout_change,
		handle_layout_change);
	if (server->session == NULL) {
		wlr_log(WLR_INFO, "session: none (headless or nested backend): "
			"VT switching is off");
		return true;
	}
	listener_connect(&server->session->events.active, &session->active,
		handle_session_active);
	listener_connect(&server->session->events.destroy, &session->destroy,
		handle_session_destroy);
	wlr_log(WLR_INFO, "session: seat %s, VT switching with Ctrl+Alt+F1…F12",
		server->session->seat);
	return true;
}

void session_finish(struct cordon_server *server) {
	struct cordon_session *session = server->seat_session;
	if (session == NULL) {
		return;
	}
	listener_remove(&session->layout_change);
	session_unhook_seat(session);
	free(session);
	server->seat_session = NULL;
}

bool session_handle_key(struct cordon_server *server, struct wlr_keyboard *kb,
		uint32_t keycode) {
	if (kb->xkb_state == NULL) {
		return false;
	}
	/* The keysym with the modifiers held: the keymap decides what switches. */
	const xkb_keysym_t *syms;
	int n = xkb_state_key_get_syms(kb->xkb_state, keycode + 8, &syms);
	for (int i = 0; i < n; i++) {
		if (syms[i] < XKB_KEY_XF86Switch_VT_1 || syms[i] > XKB_KEY_XF86Switch_VT_12) {
			continue;
		}
		unsigned vt = syms[i] - XKB_KEY_XF86Switch_VT_1 + 1;
		if (server->session == NULL) {
			wlr_log(WLR_INFO, "session: no session to switch to VT %u "
				"(headless or nested backend)", vt);
		} else if (!wlr_session_change_vt(server->session, vt)) {
			wlr_log(WLR_ERROR, "session: cannot switch to VT %u", vt);
		} else {
			wlr_log(WLR_INFO, "session: switching to VT %u", vt);
		}
		return true;
	}
	return false;
}
