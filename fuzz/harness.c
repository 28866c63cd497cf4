#include <dirent.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <wlr/interfaces/wlr_keyboard.h>
#include <wlr/interfaces/wlr_pointer.h>
#include <wlr/util/log.h>
#include "compositor/domain/domain.h"
#include "compositor/server.h"
#include "config/config.h"
#include "fuzz/harness.h"

void harness_fail(const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	fputs("cordon-fuzz: invariant broken: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

#define HARNESS_FD_MARGIN 24

static int count_fds(void) {
	DIR *dir = opendir("/proc/self/fd");
	if (dir == NULL) {
		return -1;
	}
	int n = 0;
	while (readdir(dir) != NULL) {
		n++;
	}
	closedir(dir);
	return n;
}

/* What a leak report needs: every open fd and what it is. */
static void list_fds(void) {
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *e;
	while (dir != NULL && (e = readdir(dir)) != NULL) {
		char path[300], target[256];
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			fprintf(stderr, "  fd %s -> %s\n", e->d_name, target);
		}
	}
	if (dir != NULL) {
		closedir(dir);
	}
}

static const struct wlr_keyboard_impl keyboard_impl = {.name = "fuzz-keyboard"};
static const struct wlr_pointer_impl pointer_impl = {.name = "fuzz-pointer"};

struct fuzz_harness *harness_create(const char *config_text) {
	struct fuzz_harness *h = calloc(1, sizeof(*h));
	if (h == NULL) {
		harness_fail("out of memory");
	}
	snprintf(h->runtime_dir, sizeof(h->runtime_dir), "/tmp/cf.XXXXXX");
	if (mkdtemp(h->runtime_dir) == NULL) {
		harness_fail("cannot make a runtime dir");
	}
	setenv("XDG_RUNTIME_DIR", h->runtime_dir, 1);
	/* An IPC reload must read no config of the machine's: none is there. */
	setenv("XDG_CONFIG_HOME", h->runtime_dir, 1);
	setenv("WLR_BACKENDS", "headless", 1);
	setenv("WLR_RENDERER", "pixman", 1);
	setenv("WLR_LIBINPUT_NO_DEVICES", "1", 1);
	unsetenv("WAYLAND_DISPLAY");
	unsetenv("DISPLAY");
	/* A client dying mid-write must not take the fuzzer with it. */
	signal(SIGPIPE, SIG_IGN);
	wlr_log_init(getenv("CORDON_FUZZ_DEBUG") ? WLR_DEBUG : WLR_SILENT, NULL);

	struct config_errors errs = {0};
	struct cordon_config *config = config_load_string(config_text, "fuzz.config", &errs);
	if (config == NULL) {
		harness_fail("fuzz config: %s", errs.len ? errs.msgs[0] : "?");
	}
	config_errors_finish(&errs);
	h->server = server_create(config);
	struct server_options opts = {.ready_fd = -1};
	if (h->server == NULL || !server_start(h->server, &opts)) {
		harness_fail("cannot start cordon in-process");
	}

	wlr_keyboard_init(&h->keyboard, &keyboard_impl, "fuzz-keyboard");
	wlr_pointer_init(&h->pointer, &pointer_impl, "fuzz-pointer");
	wl_signal_emit_mutable(&h->server->backend->events.new_input, &h->keyboard.base);
	wl_signal_emit_mutable(&h->server->backend->events.new_input, &h->pointer.base);
	harness_pump(h);
	h->baseline_fds = count_fds();
	return h;
}

void harness_destroy(struct fuzz_harness *h) {
	if (h == NULL) {
		return;
	}
	wlr_pointer_finish(&h->pointer);
	wlr_keyboard_finish(&h->keyboard);
	server_destroy(h->server);
	rmdir(h->runtime_dir);
	free(h);
}

/* libFuzzer gives no context pointer: the run's one server lives here. */
static struct fuzz_harness *run_harness;

static void handle_run_exit(void) {
	harness_destroy(run_harness);
	run_harness = NULL;
}

struct fuzz_harness *harness_for_run(const char *config_text) {
	if (run_harness == NULL) {
		run_harness = harness_create(config_text);
		atexit(handle_run_exit);
	}
	return run_harness;
}

void harness_pump(void *data) {
	struct fuzz_harness *h = data;
	struct wl_display *display = h->server->display;
	struct wl_event_loop *loop = wl_display_get_event_loop(display);
	/* A few rounds: a request's handler may queue work for the next one. */
	for (int i = 0; i < 3; i++) {
		wl_display_flush_clients(display);
		wl_event_loop_dispatch(loop, 0);
	}
	wl_display_flush_clients(display);
}

int harness_connect(struct fuzz_harness *h, const char *name) {
	struct cordon_domain *domain = domain_find(h->server, name);
	if (domain == NULL || domain->socket_path == NULL) {
		harness_fail("no domain %s with a socket", name);
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", domain->socket_path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		harness_fail("cannot connect to %s", domain->socket_path);
	}
	int before = domain->n_clients;
	for (int i = 0; i < 100 && domain->n_clients == before; i++) {
		harness_pump(h);
	}
	if (domain->n_clients == before) {
		harness_fail("domain %s never accepted a client", name);
	}
	return fd;
}

void harness_wait_disconnected(struct fuzz_harness *h, const char *name) {
	struct cordon_domain *domain = domain_find(h->server, name);
	for (int i = 0; i < 1000 && domain->n_clients > 0; i++) {
		harness_pump(h);
	}
	if (domain->n_clients > 0) {
		harness_fail("domain %s: %d clients outlived their sockets", name,
			domain->n_clients);
	}
}

void harness_check_clean(struct fuzz_harness *h) {
	struct cordon_domain *domain;
	wl_list_for_each(domain, &h->server->domains, link) {
		if (domain->n_views != 0 || !wl_list_empty(&domain->views)) {
			harness_fail("domain %s: %d views outlived their clients", domain->name,
				domain->n_views);
		}
	}
	if (!wl_list_empty(&h->server->views)) {
		harness_fail("a view outlived its client");
	}
	if (h->server->focused_view != NULL) {
		harness_fail("focused_view points at a view that is gone");
	}
	/*
	 * The server opens some fds lazily and keeps them (the output's
	 * swapchain buffers, keymaps): a margin over the start-up count lets
	 * those be, while a leak per input crosses it within a few dozen runs.
	 */
	int fds = count_fds();
	for (int i = 0; i < 20 && fds > h->baseline_fds + HARNESS_FD_MARGIN; i++) {
		harness_pump(h);
		fds = count_fds();
	}
	if (fds > h->baseline_fds + HARNESS_FD_MARGIN) {
		list_fds();
		harness_fail("fd leak: %d open after the clients left, %d at start", fds,
			h->baseline_fds);
	}
}

/* One pointer event and the frame after it, then what the compositor makes of them. */
static void pointer_event(struct fuzz_harness *h, struct wl_signal *signal, void *event) {
	wl_signal_emit_mutable(signal, event);
	wl_signal_emit_mutable(&h->pointer.events.frame, &h->pointer);
	harness_pump(h);
}

void harness_key(struct fuzz_harness *h, uint32_t keycode, bool pressed) {
	struct wlr_keyboard_key_event ev = {
		.time_msec = h->time_ms += 7,
		.keycode = keycode,
		.update_state = true,
		.state = pressed ? WL_KEYBOARD_KEY_STATE_PRESSED : WL_KEYBOARD_KEY_STATE_RELEASED,
	};
	wlr_keyboard_notify_key(&h->keyboard, &ev);
	harness_pump(h);
}

void harness_motion(struct fuzz_harness *h, double x, double y) {
	struct wlr_pointer_motion_absolute_event ev = {
		.pointer = &h->pointer,
		.time_msec = h->time_ms += 7,
		.x = x,
		.y = y,
	};
	pointer_event(h, &h->pointer.events.motion_absolute, &ev);
}

void harness_button(struct fuzz_harness *h, uint32_t button, bool pressed) {
	struct wlr_pointer_button_event ev = {
		.pointer = &h->pointer,
		.time_msec = h->time_ms += 7,
		.button = button,
		.state = pressed ? WL_POINTER_BUTTON_STATE_PRESSED : WL_POINTER_BUTTON_STATE_RELEASED,
	};
	pointer_event(h, &h->pointer.events.button, &ev);
}
