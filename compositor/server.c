#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wlr/interfaces/wlr_buffer.h>
#include <wlr/render/pixman.h>
#include <wlr/types/wlr_compositor.h>
#include <wlr/types/wlr_content_type_v1.h>
#include <wlr/types/wlr_cursor_shape_v1.h>
#include <wlr/types/wlr_tearing_control_v1.h>
#include <wlr/types/wlr_data_device.h>
#include <wlr/types/wlr_fractional_scale_v1.h>
#include <wlr/types/wlr_linux_dmabuf_v1.h>
#include <wlr/types/wlr_presentation_time.h>
#include <wlr/types/wlr_primary_selection_v1.h>
#include <wlr/types/wlr_screencopy_v1.h>
#include <wlr/types/wlr_security_context_v1.h>
#include <wlr/types/wlr_single_pixel_buffer_v1.h>
#include <wlr/types/wlr_subcompositor.h>
#include <wlr/types/wlr_viewporter.h>
#include <wlr/types/wlr_virtual_keyboard_v1.h>
#include <wlr/types/wlr_virtual_pointer_v1.h>
#include <wlr/types/wlr_xdg_activation_v1.h>
#include <wlr/types/wlr_xdg_decoration_v1.h>
#include <wlr/types/wlr_xdg_output_v1.h>
#include <wlr/util/log.h>
#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif
#include "common/child.h"
#include "compositor/guard/clipboard.h"
#include "compositor/guard/data_control.h"
#include "compositor/wm/foreign_toplevel.h"
#include "compositor/wm/gamma_control.h"
#include "compositor/wm/output_management.h"
#include "compositor/wm/cursor.h"
#include "compositor/wm/release_batch.h"
#include "compositor/domain/domain.h"
#include "compositor/domain/host_socket.h"
#include "compositor/wm/input.h"
#include "compositor/ipc/ipc.h"
#include "compositor/domain/launcher.h"
#include "compositor/wm/output.h"
#include "compositor/render/notify.h"
#include "compositor/guard/globals.h"
#include "compositor/guard/prompt.h"
#include "compositor/domain/reload.h"
#include "compositor/server.h"
#include "compositor/render/blit.h"
#include "compositor/render/identity.h"
#include "compositor/render/shm.h"
#include "compositor/guard/attention.h"
#include "compositor/session/session.h"
#include "compositor/session/systemd.h"
#include "compositor/render/text_buffer.h"
#include "compositor/wm/constraints.h"
#include "compositor/wm/inhibit.h"
#include "compositor/wm/touch.h"
#include "compositor/wm/view.h"
#include "compositor/wm/xdg.h"
#include "compositor/wm/xwayland.h"
#include "compositor/guard/session_lock.h"
#include "compositor/wm/idle.h"
#include "compositor/wm/layer_shell.h"
#include "compositor/wm/tablet.h"
#include "compositor/wm/text_input.h"

/* Fails server_create with a message naming what could not be made. */
#define CHECK_CREATE(expr, what) \
	do { \
		if ((expr) == NULL) { \
			wlr_log(WLR_ERROR, "cannot create %s", what); \
			goto fail; \
		} \
	} while (0)

/*
 * Creates a global (var = expr) and classifies it for the domains' filter
 * in the same step, so none is ever offered unclassified.
 */
#define CREATE_GLOBAL(var, expr, what, class) \
	do { \
		CHECK_CREATE((var) = (expr), what); \
		globals_register(server->globals, (var)->global, class); \
	} while (0)

static bool server_make_runtime_dir(struct cordon_server *server) {
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (xdg == NULL || xdg[0] != '/') {
		wlr_log(WLR_ERROR, "XDG_RUNTIME_DIR is not set to an absolute path");
		return false;
	}
	size_t len = strlen(xdg) + sizeof("/cordon");
	server->runtime_dir = malloc(len);
	if (server->runtime_dir == NULL) {
		return false;
	}
	snprintf(server->runtime_dir, len, "%s/cordon", xdg);
	if (mkdir(server->runtime_dir, 0700) < 0 && errno != EEXIST) {
		wlr_log_errno(WLR_ERROR, "cannot create %s", server->runtime_dir);
		return false;
	}
	/* Every domain socket lives below: it must be ours and private. */
	struct stat st;
	if (lstat(server->runtime_dir, &st) < 0 || !S_ISDIR(st.st_mode) ||
			st.st_uid != geteuid() || chmod(server->runtime_dir, 0700) < 0) {
		wlr_log(WLR_ERROR, "%s is not a private directory of ours",
			server->runtime_dir);
		return false;
	}
	return true;
}

static bool server_create_globals(struct cordon_server *server) {
	struct wl_display *d = server->display;

	/* cordon's own wl_shm (render/shm.c): its global is not a struct member. */
	CHECK_CREATE(server->shm = shm_create(d, server->renderer), "wl_shm");
	globals_register(server->globals, shm_global(server->shm), GLOBALS_GUEST);

	if (wlr_renderer_get_texture_formats(server->renderer, WLR_BUFFER_CAP_DMABUF) != NULL) {
		struct wlr_linux_dmabuf_v1 *dmabuf;
		CREATE_GLOBAL(dmabuf, wlr_linux_dmabuf_v1_create_with_renderer(d, 4,
			server->renderer), "zwp_linux_dmabuf_v1", GLOBALS_GUEST);
		wlr_scene_set_linux_dmabuf_v1(server->scene, dmabuf);
	}

	CREATE_GLOBAL(server->compositor, wlr_compositor_create(d, 6, server->renderer),
		"wl_compositor", GLOBALS_GUEST);

	struct wlr_subcompositor *sub;
	CREATE_GLOBAL(sub, wlr_subcompositor_create(d), "wl_subcompositor", GLOBALS_GUEST);

	/* The clipboard guard mediates every selection: offered, but special. */
	CREATE_GLOBAL(server->data_device_manager, wlr_data_device_manager_create(d),
		"wl_data_device_manager", GLOBALS_SPECIAL);
	CREATE_GLOBAL(server->primary_selection_manager,
		wlr_primary_selection_v1_device_manager_create(d),
		"zwp_primary_selection_device_manager_v1", GLOBALS_SPECIAL);

	struct wlr_viewporter *viewporter;
	CREATE_GLOBAL(viewporter, wlr_viewporter_create(d), "wp_viewporter", GLOBALS_GUEST);

	struct wlr_presentation *presentation;
	CREATE_GLOBAL(presentation, wlr_presentation_create(d, server->backend),
		"wp_presentation", GLOBALS_GUEST);

	struct wlr_single_pixel_buffer_manager_v1 *spb;
	CREATE_GLOBAL(spb, wlr_single_pixel_buffer_manager_v1_create(d),
		"wp_single_pixel_buffer_manager_v1", GLOBALS_GUEST);

	struct wlr_fractional_scale_manager_v1 *frac;
	CREATE_GLOBAL(frac, wlr_fractional_scale_manager_v1_create(d, 1),
		"wp_fractional_scale_manager_v1", GLOBALS_GUEST);

	struct wlr_xdg_output_manager_v1 *xdg_output;
	CREATE_GLOBAL(xdg_output, wlr_xdg_output_manager_v1_create(d, server->output_layout),
		"zxdg_output_manager_v1", GLOBALS_GUEST);

	struct wlr_cursor_shape_manager_v1 *shape;
	CREATE_GLOBAL(shape, wlr_cursor_shape_manager_v1_create(d, 1),
		"wp_cursor_shape_manager_v1", GLOBALS_GUEST);
	cursor_init_shape(server, shape);

	/*
	 * Hints about a surface (what it shows, whether it may tear): the
	 * protocols let a compositor ignore them, and cordon does (no direct
	 * scanout, no tearing page flips), so they give a guest nothing.
	 */
	struct wlr_content_type_manager_v1 *content_type;
	CREATE_GLOBAL(content_type, wlr_content_type_manager_v1_create(d, 1),
		"wp_content_type_manager_v1", GLOBALS_GUEST);
	struct wlr_tearing_control_manager_v1 *tearing;
	CREATE_GLOBAL(tearing, wlr_tearing_control_manager_v1_create(d, 1),
		"wp_tearing_control_manager_v1", GLOBALS_GUEST);

	/* Offered to guests, but tokens are only honoured under cordon's rules. */
	CREATE_GLOBAL(server->activation, wlr_xdg_activation_v1_create(d),
		"xdg_activation_v1", GLOBALS_SPECIAL);

	CREATE_GLOBAL(server->xdg_shell, wlr_xdg_shell_create(d, 6), "xdg_wm_base", GLOBALS_GUEST);

	CREATE_GLOBAL(server->decoration_manager, wlr_xdg_decoration_manager_v1_create(d),
		"zxdg_decoration_manager_v1", GLOBALS_GUEST);

	/* Host-only: each of these reads or drives the whole desktop. */
	struct wlr_screencopy_manager_v1 *screencopy;
	CREATE_GLOBAL(screencopy, wlr_screencopy_manager_v1_create(d),
		"zwlr_screencopy_manager_v1", GLOBALS_HOST);

	struct wlr_virtual_keyboard_manager_v1 *vkbd;
	CREATE_GLOBAL(vkbd, wlr_virtual_keyboard_manager_v1_create(d),
		"zwp_virtual_keyboard_manager_v1", GLOBALS_HOST);
	input_init_virtual_keyboard(server, vkbd);

	struct wlr_virtual_pointer_manager_v1 *vptr;
	CREATE_GLOBAL(vptr, wlr_virtual_pointer_manager_v1_create(d),
		"zwlr_virtual_pointer_manager_v1", GLOBALS_HOST);
	input_init_virtual_pointer(server, vptr);

	/* Only the host may mint sandbox domains (Flatpak and the like). */
	CREATE_GLOBAL(server->security_context, wlr_security_context_manager_v1_create(d),
		"wp_security_context_manager_v1", GLOBALS_HOST);
	return true;
fail:
	return false;
}

struct cordon_server *server_create(struct cordon_config *config) {
	struct cordon_server *server = calloc(1, sizeof(*server));
	if (server == NULL) {
		wlr_log(WLR_ERROR, "out of memory creating the server");
		config_destroy(config);
		return NULL;
	}
	server->config = config;
	server->ready_fd = -1;
	wl_list_init(&server->outputs);
	wl_list_init(&server->views);
	wl_list_init(&server->keyboards);
	wl_list_init(&server->pointers);
	wl_list_init(&server->domains);
	wl_list_init(&server->notifications);
	wl_list_init(&server->prompts);

	CHECK_CREATE(server->display = wl_display_create(), "wl_display");
	server->loop = wl_display_get_event_loop(server->display);
	if (!server_make_runtime_dir(server)) {
		goto fail;
	}
	CHECK_CREATE(server->globals = globals_create(server), "protocol policy");
	if (!domain_init(server)) {
		goto fail;
	}
	CHECK_CREATE(server->backend = wlr_backend_autocreate(server->loop, &server->session),
		"backend (is a session, WAYLAND_DISPLAY, DISPLAY or WLR_BACKENDS=headless available?)");
	CHECK_CREATE(server->renderer = wlr_renderer_autocreate(server->backend), "renderer");
	if (wlr_renderer_is_pixman(server->renderer)) {
		/* Software rendering: window copies go around the cache (render/blit.c). */
		CHECK_CREATE(server->renderer = blit_renderer_create(server->renderer),
			"copying renderer over pixman");
	}
	CHECK_CREATE(server->allocator = wlr_allocator_autocreate(server->backend,
		server->renderer), "allocator");
	CHECK_CREATE(server->text = text_renderer_create(config->font), "text renderer");
	CHECK_CREATE(server->identity = identity_cache_create(), "identity cache");
	if (!attention_init(server)) {
		goto fail;
	}

	CHECK_CREATE(server->scene = wlr_scene_create(), "scene");
	for (int i = 0; i < LAYER_COUNT; i++) {
		CHECK_CREATE(server->layers[i] = wlr_scene_tree_create(&server->scene->tree),
			"scene layer");
	}
	CHECK_CREATE(server->output_layout = wlr_output_layout_create(server->display),
		"output layout");
	CHECK_CREATE(server->scene_layout = wlr_scene_attach_output_layout(server->scene,
		server->output_layout), "scene output layout");

	if (!server_create_globals(server)) {
		goto fail;
	}
	output_init(server);
	CHECK_CREATE(server->release = release_batch_create(server), "buffer release batch");
	if (!input_init(server) || !cursor_init(server) || !touch_init(server)) {
		goto fail;
	}
	if (!clipboard_init(server) || !constraints_init(server) || !inhibit_init(server)) {
		goto fail;
	}
	if (!layer_shell_init(server) || !session_lock_init(server) || !idle_init(server)) {
		goto fail;
	}
	if (!text_input_init(server) || !tablet_init(server)) {
		goto fail;
	}
	view_init(server);
	xdg_init(server);
	/* The host's desktop tools: after the seat, which taskbars follow. */
	if (!session_init(server) || !output_management_init(server) ||
			!gamma_control_init(server) || !foreign_toplevel_init(server) ||
			!data_control_init(server)) {
		goto fail;
	}
	return server;
fail:
	server_destroy(server);
	return NULL;
}

static void server_report_ready(struct cordon_server *server) {
	if (server->ready_fd >= 0) {
		char line[256];
		int n = snprintf(line, sizeof(line), "WAYLAND_DISPLAY=%s\n", server->socket_name);
		if (write(server->ready_fd, line, n) != n) {
			wlr_log_errno(WLR_ERROR, "cannot write readiness to fd %d", server->ready_fd);
		}
		close(server->ready_fd);
		server->ready_fd = -1;
	}
#ifdef HAVE_LIBSYSTEMD
	if (getenv("NOTIFY_SOCKET") != NULL) {
		int rc = sd_notify(1, "READY=1");
		if (rc < 0) {
			wlr_log(WLR_ERROR, "sd_notify READY=1 failed: %s", strerror(-rc));
		}
	}
#endif
}

static int handle_signal_quit(int signal, void *data) {
	struct cordon_server *server = data;
	wlr_log(WLR_INFO, "signal %d: ending the session", signal);
	server_terminate(server);
	return 0;
}

static int handle_signal_reload(int signal, void *data) {
	struct cordon_server *server = data;
	struct config_errors errs = {0};
	if (!reload_config(server, &errs)) {
		for (size_t i = 0; i < errs.len; i++) {
			wlr_log(WLR_ERROR, "reload: %s", errs.msgs[i]);
		}
	}
	config_errors_finish(&errs);
	return 0;
}

bool server_start(struct cordon_server *server, const struct server_options *options) {
	server->signal_sources[0] = wl_event_loop_add_signal(server->loop, SIGTERM,
		handle_signal_quit, server);
	server->signal_sources[1] = wl_event_loop_add_signal(server->loop, SIGINT,
		handle_signal_quit, server);
	server->signal_sources[2] = wl_event_loop_add_signal(server->loop, SIGHUP,
		handle_signal_reload, server);
	for (int i = 0; i < 3; i++) {
		if (server->signal_sources[i] == NULL) {
			wlr_log(WLR_ERROR, "cannot watch signals; a SIGTERM would skip the VM stop");
		}
	}
	server->ready_fd = options->ready_fd;
	server->host_socket = host_socket_create(server->display);
	if (server->host_socket == NULL) {
		wlr_log(WLR_ERROR, "cannot create the host Wayland socket in XDG_RUNTIME_DIR");
		return false;
	}
	server->socket_name = host_socket_name(server->host_socket);
	if (!domain_listen_all(server) || !launcher_init(server)) {
		return false;
	}
	char ipc_path[512];
	snprintf(ipc_path, sizeof(ipc_path), "%s/ipc.sock", server->runtime_dir);
	server->ipc = ipc_create(server->loop, ipc_path, ipc_commands_dispatch, server);
	if (server->ipc == NULL) {
		return false;
	}
	if (!wlr_backend_start(server->backend)) {
		wlr_log(WLR_ERROR, "cannot start the backend");
		return false;
	}
	setenv("WAYLAND_DISPLAY", server->socket_name, 1);
	/* The host's own X server, or none: never an outer session's. */
	const char *x_display = xwayland_display(server->host_domain);
	if (x_display != NULL) {
		setenv("DISPLAY", x_display, 1);
	} else {
		unsetenv("DISPLAY");
	}
	setenv("CORDON_SOCK", ipc_path, 1);
	wlr_log(WLR_INFO, "running on WAYLAND_DISPLAY=%s, IPC %s", server->socket_name,
		ipc_path);
	server_report_ready(server);
	systemd_session_start(server);
	launcher_autostart(server);
	for (char **cmd = server->config->autostart; cmd != NULL && *cmd != NULL; cmd++) {
		server_spawn(server, *cmd);
	}
	if (options->startup_cmd != NULL) {
		server_spawn(server, options->startup_cmd);
	}
	return true;
}

int server_run(struct cordon_server *server) {
	wl_display_run(server->display);
	systemd_session_stop(server);
	/* VMs get their polite stop while the display still runs. */
	launcher_stop_all(server);
	return server->exit_code;
}

void server_terminate(struct cordon_server *server) {
	wl_display_terminate(server->display);
}

void server_destroy(struct cordon_server *server) {
	if (server == NULL) {
		return;
	}
	for (int i = 0; i < 3; i++) {
		if (server->signal_sources[i] != NULL) {
			wl_event_source_remove(server->signal_sources[i]);
		}
	}
	/* Anything still running is killed, with every descendant. */
	launcher_finish(server);
	/* Before the clients: an X server whose client is dropped restarts. */
	xwayland_finish(server);
	if (server->display != NULL) {
		/* Clients first, so every view and surface goes through its own teardown. */
		wl_display_destroy_clients(server->display);
	}
	if (server->ipc != NULL) {
		ipc_destroy(server->ipc);
		server->ipc = NULL;
	}
	/* Pending questions are answered no, so their transfers end cleanly. */
	prompt_finish(server);
	attention_finish(server);
	data_control_finish(server);
	foreign_toplevel_finish(server);
	gamma_control_finish(server);
	output_management_finish(server);
	clipboard_finish(server);
	notify_finish(server);
	idle_finish(server);
	session_lock_finish(server);
	layer_shell_finish(server);
	xdg_finish(server);
	view_finish(server);
	/* Unhook from backend and seat before they go away. */
	tablet_finish(server);
	text_input_finish(server);
	constraints_finish(server);
	inhibit_finish(server);
	touch_finish(server);
	cursor_finish(server);
	input_finish(server);
	output_finish(server);
	release_batch_destroy(server->release);
	session_finish(server);
	systemd_finish(server);
	if (server->scene != NULL) {
		wlr_scene_node_destroy(&server->scene->tree.node);
	}
	if (server->backend != NULL) {
		wlr_backend_destroy(server->backend);
	}
	if (server->allocator != NULL) {
		wlr_allocator_destroy(server->allocator);
	}
	if (server->renderer != NULL) {
		wlr_renderer_destroy(server->renderer);
	}
	text_renderer_destroy(server->text);
	identity_cache_destroy(server->identity);
	if (server->display != NULL) {
		host_socket_destroy(server->host_socket);
		domain_finish(server);
		if (server->shm != NULL) {
			globals_unregister(server->globals, shm_global(server->shm));
			shm_destroy(server->shm);
		}
		globals_destroy(server->globals);
		wl_display_destroy(server->display);
	}
	if (server->runtime_dir != NULL) {
		rmdir(server->runtime_dir);
	}
	if (server->ready_fd >= 0) {
		close(server->ready_fd);
	}
	free(server->runtime_dir);
	config_destroy(server->config);
	free(server);
}

bool server_spawn(struct cordon_server *server, const char *command) {
	/* Double fork: the command is reparented away and never becomes our zombie. */
	pid_t pid = fork();
	if (pid < 0) {
		wlr_log_errno(WLR_ERROR, "cannot fork for '%s'", command);
		return false;
	}
	if (pid == 0) {
		setsid();
		sigset_t set;
		sigemptyset(&set);
		sigprocmask(SIG_SETMASK, &set, NULL);
		pid_t child = fork();
		if (child == 0) {
			execl("/bin/sh", "/bin/sh", "-c", command, (char *)NULL);
			_exit(127);
		}
		_exit(child < 0 ? 1 : 0);
	}
	int status;
	child_wait(pid, &status);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		wlr_log(WLR_ERROR, "cannot start '%s'", command);
		return false;
	}
	wlr_log(WLR_INFO, "started '%s'", command);
	return true;
}
