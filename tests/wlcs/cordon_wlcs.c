/*
 * cordon as a wlcs integration module: one cordon server per test, headless
 * with pixman, its clients either on the host domain or, in the guest pass
 * (CORDON_WLCS_DOMAIN=NAME), all attached to a config domain through its
 * accept path, so frames, the global filter and the guards are live.
 *
 * wlroots is not thread-safe. The module implements start_on_this_thread:
 * wlcs runs the server on a thread of its own and hands every later call
 * (clients, windows, input devices, stop) to the event loop it gives us,
 * which cordon's loop drives. So every call into cordon after start is made
 * on the server's thread; before start (create, the descriptor) and after
 * stop (destroy) no other thread touches the server.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wayland-server-core.h>
#include <wlr/types/wlr_compositor.h>
#include <wlr/types/wlr_cursor.h>
#include <wlr/types/wlr_output_layout.h>
#include <wlr/types/wlr_xdg_shell.h>
#include <wlr/util/log.h>
#include <wlcs/display_server.h>
#include "compositor/wm/cursor.h"
#include "compositor/domain/domain.h"
#include "compositor/server.h"
#include "compositor/wm/view.h"
#include "config/config.h"
#include "tests/wlcs/cordon_wlcs.h"
#include "tests/wlcs/input.h"

/* The socketpair end wlcs holds, and the wl_client at the other end. */
struct wlcs_client {
	struct wl_list link;         /* wlcs_server.clients */
	int fd;
	struct wl_client *client;
	struct wl_listener destroy;
};

struct wlcs_server {
	WlcsDisplayServer base;
	struct cordon_server *server;
	/* Where clients go: the host domain, or the guest pass's domain. */
	struct cordon_domain *domain;
	struct wl_event_source *wlcs_source;
	struct wl_list clients;      /* wlcs_client.link */
	/*
	 * A touchscreen present from the start, as on a machine that has one:
	 * wlcs touches right after create_touch, before a client could bind a
	 * wl_touch for a capability that only appeared then.
	 */
	WlcsTouch *resident_touch;
	WlcsIntegrationDescriptor descriptor;
	struct wlcs_global *globals;
	WlcsExtensionDescriptor *extensions;
	int n_globals;
	char runtime_dir[32];
};

static struct wlcs_server *wlcs_server_from(WlcsDisplayServer *base) {
	struct wlcs_server *ws = wl_container_of(base, ws, base);
	return ws;
}

static void handle_client_destroy(struct wl_listener *listener, void *data) {
	struct wlcs_client *wc = wl_container_of(listener, wc, destroy);
	wl_list_remove(&wc->link);
	wl_list_remove(&wc->destroy.link);
	free(wc);
}

/* A connection into the pass's domain; the client's end, or -1. */
static int wlcs_connect(struct wlcs_server *ws) {
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		wlr_log_errno(WLR_ERROR, "wlcs: socketpair");
		return -1;
	}
	struct wlcs_client *wc = calloc(1, sizeof(*wc));
	if (wc == NULL) {
		wlr_log(WLR_ERROR, "wlcs: out of memory for a client");
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	/*
	 * The host's clients are created as libwayland's own socket creates
	 * them (cordon tags them on first sight); a guest's go through the
	 * domain's accept path, limits and all.
	 */
	struct wl_client *client;
	if (domain_is_host(ws->domain)) {
		client = wl_client_create(ws->server->display, sv[0]);
		if (client == NULL) {
			close(sv[0]);
		}
	} else {
		client = domain_accept_fd(ws->domain, sv[0]);
	}
	if (client == NULL) {
		wlr_log(WLR_ERROR, "wlcs: domain %s refused a client", ws->domain->name);
		free(wc);
		close(sv[1]);
		return -1;
	}
	wc->fd = sv[1];
	wc->client = client;
	wc->destroy.notify = handle_client_destroy;
	wl_client_add_destroy_listener(client, &wc->destroy);
	wl_list_insert(&ws->clients, &wc->link);
	return sv[1];
}

static int wlcs_create_client_socket(WlcsDisplayServer *base) {
	return wlcs_connect(wlcs_server_from(base));
}

static struct cordon_view *wlcs_view_of(struct wlcs_server *ws,
		struct wl_display *display, struct wl_surface *surface) {
	int fd = wlcs_client_fd(display);
	uint32_t id = wlcs_client_surface_id(surface);
	struct wlcs_client *wc, *found = NULL;
	wl_list_for_each(wc, &ws->clients, link) {
		if (wc->fd == fd) {
			found = wc;
		}
	}
	if (found == NULL) {
		wlr_log(WLR_ERROR, "wlcs: no client on fd %d", fd);
		return NULL;
	}
	struct wl_resource *resource = wl_client_get_object(found->client, id);
	if (resource == NULL) {
		wlr_log(WLR_ERROR, "wlcs: client has no object %u", id);
		return NULL;
	}
	struct wlr_surface *wlr_surface = wlr_surface_from_resource(resource);
	struct wlr_xdg_toplevel *toplevel =
		wlr_xdg_toplevel_try_from_wlr_surface(wlr_surface);
	if (toplevel == NULL) {
		wlr_log(WLR_ERROR, "wlcs: surface %u is not an xdg toplevel", id);
		return NULL;
	}
	struct cordon_view *view;
	wl_list_for_each(view, &ws->server->views, link) {
		if (view->toplevel == toplevel) {
			return view;
		}
	}
	wlr_log(WLR_ERROR, "wlcs: toplevel %u has no view", id);
	return NULL;
}

/*
 * Puts the window's top-left corner at x, y: its window geometry's, as
 * wlcs means it (a set_window_geometry offset moves the surface, not the
 * window), and not cordon's frame around it.
 */
static void wlcs_position_window_absolute(WlcsDisplayServer *base,
		struct wl_display *display, struct wl_surface *surface, int x, int y) {
	struct wlcs_server *ws = wlcs_server_from(base);
	struct cordon_view *view = wlcs_view_of(ws, display, surface);
	if (view == NULL) {
		return;
	}
	view->x = x;
	view->y = y;
	view_update_position(view);
	/* As after any move under a still pointer: enter and leave follow. */
	cursor_rebase(ws->server);
}

static WlcsPointer *wlcs_create_pointer(WlcsDisplayServer *base) {
	return wlcs_input_pointer_create(wlcs_server_from(base)->server);
}

static WlcsTouch *wlcs_create_touch(WlcsDisplayServer *base) {
	return wlcs_input_touch_create(wlcs_server_from(base)->server);
}

static const WlcsIntegrationDescriptor *wlcs_get_descriptor(
		const WlcsDisplayServer *base) {
	const struct wlcs_server *ws = wl_container_of(base, ws, base);
	return &ws->descriptor;
}

static int handle_wlcs_events(int fd, uint32_t mask, void *data) {
	struct wl_event_loop *wlcs_loop = data;
	wl_event_loop_dispatch(wlcs_loop, 0);
	return 0;
}

static void wlcs_start_on_this_thread(WlcsDisplayServer *base,
		struct wl_event_loop *wlcs_loop) {
	struct wlcs_server *ws = wlcs_server_from(base);
	ws->wlcs_source = wl_event_loop_add_fd(ws->server->loop,
		wl_event_loop_get_fd(wlcs_loop), WL_EVENT_READABLE, handle_wlcs_events,
		wlcs_loop);
	if (ws->wlcs_source == NULL) {
		wlr_log(WLR_ERROR, "wlcs: cannot watch wlcs's event loop");
		return;
	}
	server_run(ws->server);
	wl_event_source_remove(ws->wlcs_source);
	ws->wlcs_source = NULL;
}

static void wlcs_stop(WlcsDisplayServer *base) {
	server_terminate(wlcs_server_from(base)->server);
}

static void wlcs_pump(void *data) {
	struct wlcs_server *ws = data;
	wl_display_flush_clients(ws->server->display);
	wl_event_loop_dispatch(ws->server->loop, 10);
	wl_display_flush_clients(ws->server->display);
}

/*
 * What a host client sees, in both passes: in the guest pass a test of a
 * host-only protocol then fails, and xfail-guest.txt says why (and an
 * entry that starts passing is reported).
 */
static bool wlcs_make_descriptor(struct wlcs_server *ws) {
	struct cordon_domain *domain = ws->domain;
	ws->domain = ws->server->host_domain;
	int fd = wlcs_connect(ws);
	ws->domain = domain;
	if (fd < 0) {
		return false;
	}
	ws->n_globals = wlcs_client_list_globals(fd, wlcs_pump, ws, &ws->globals);
	/* The server sees the hangup and frees the client. */
	wlcs_pump(ws);
	if (ws->n_globals < 0) {
		wlr_log(WLR_ERROR, "wlcs: cannot list the globals");
		return false;
	}
	ws->extensions = calloc(ws->n_globals, sizeof(*ws->extensions));
	if (ws->extensions == NULL && ws->n_globals > 0) {
		return false;
	}
	for (int i = 0; i < ws->n_globals; i++) {
		ws->extensions[i] = (WlcsExtensionDescriptor){
			ws->globals[i].name, ws->globals[i].version};
	}
	ws->descriptor = (WlcsIntegrationDescriptor){
		.version = 1,
		.num_extensions = ws->n_globals,
		.supported_extensions = ws->extensions,
	};
	return true;
}

static struct cordon_config *wlcs_config(const char *guest) {
	if (guest == NULL) {
		return config_create_default();
	}
	char text[256];
	snprintf(text, sizeof(text), "[domain %s]\nkind = socket\ncolor = orange\n", guest);
	struct config_errors errs = {0};
	struct cordon_config *config = config_load_string(text, "wlcs", &errs);
	for (size_t i = 0; i < errs.len; i++) {
		wlr_log(WLR_ERROR, "wlcs: %s", errs.msgs[i]);
	}
	config_errors_finish(&errs);
	return config;
}

static void wlcs_server_free(struct wlcs_server *ws) {
	if (ws->resident_touch != NULL) {
		ws->resident_touch->destroy(ws->resident_touch);
	}
	server_destroy(ws->server);
	for (int i = 0; i < ws->n_globals; i++) {
		free(ws->globals[i].name);
	}
	free(ws->globals);
	free(ws->extensions);
	if (ws->runtime_dir[0] != '\0') {
		rmdir(ws->runtime_dir);
	}
	free(ws);
}

static WlcsDisplayServer *wlcs_create_server(int argc, const char **argv) {
	const char *debug = getenv("CORDON_WLCS_DEBUG");
	wlr_log_init(debug && *debug ? WLR_DEBUG : WLR_ERROR, NULL);
	/* As in cordon's main: a client dying mid-write must not end the run. */
	signal(SIGPIPE, SIG_IGN);
	setenv("WLR_BACKENDS", "headless", 1);
	setenv("WLR_RENDERER", "pixman", 1);
	setenv("WLR_LIBINPUT_NO_DEVICES", "1", 1);
	setenv("WLR_HEADLESS_OUTPUTS", "1", 1);

	struct wlcs_server *ws = calloc(1, sizeof(*ws));
	if (ws == NULL) {
		return NULL;
	}
	wl_list_init(&ws->clients);
	/* Sockets of each test in a directory of its own, short enough for sun_path. */
	snprintf(ws->runtime_dir, sizeof(ws->runtime_dir), "/tmp/cwlcs.XXXXXX");
	if (mkdtemp(ws->runtime_dir) == NULL) {
		wlr_log_errno(WLR_ERROR, "wlcs: mkdtemp");
		ws->runtime_dir[0] = '\0';
		goto fail;
	}
	setenv("XDG_RUNTIME_DIR", ws->runtime_dir, 1);

	const char *guest = getenv("CORDON_WLCS_DOMAIN");
	if (guest != NULL && *guest == '\0') {
		guest = NULL;
	}
	struct cordon_config *config = wlcs_config(guest);
	if (config == NULL) {
		goto fail;
	}
	ws->server = server_create(config);
	if (ws->server == NULL) {
		goto fail;
	}
	struct server_options options = {.ready_fd = -1};
	if (!server_start(ws->server, &options)) {
		goto fail;
	}
	ws->domain = guest ? domain_find(ws->server, guest) : ws->server->host_domain;
	if (ws->domain == NULL) {
		wlr_log(WLR_ERROR, "wlcs: no domain %s", guest);
		goto fail;
	}
	/*
	 * The pointer starts in the layout's bottom-right corner, off the
	 * windows cordon centres: wlcs expects a new window not to be under it.
	 */
	struct wlr_box box;
	wlr_output_layout_get_box(ws->server->output_layout, NULL, &box);
	wlr_cursor_warp(ws->server->cursor, NULL, box.x + box.width - 1,
		box.y + box.height - 1);
	ws->resident_touch = wlcs_input_touch_create(ws->server);
	if (ws->resident_touch == NULL || !wlcs_make_descriptor(ws)) {
		goto fail;
	}
	ws->base = (WlcsDisplayServer){
		.version = 3,
		.start = NULL,
		.stop = wlcs_stop,
		.create_client_socket = wlcs_create_client_socket,
		.position_window_absolute = wlcs_position_window_absolute,
		.create_pointer = wlcs_create_pointer,
		.create_touch = wlcs_create_touch,
		.get_descriptor = wlcs_get_descriptor,
		.start_on_this_thread = wlcs_start_on_this_thread,
	};
	return &ws->base;
fail:
	wlcs_server_free(ws);
	/* wlcs does not expect NULL: end the run here, saying why, not in a crash. */
	fprintf(stderr, "cordon-wlcs: cannot create a cordon server (see the log above)\n");
	abort();
}

static void wlcs_destroy_server(WlcsDisplayServer *base) {
	wlcs_server_free(wlcs_server_from(base));
}

const WlcsServerIntegration wlcs_server_integration = {
	.version = 1,
	.create_server = wlcs_create_server,
	.destroy_server = wlcs_destroy_server,
};
