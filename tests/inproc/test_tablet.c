/*
 * Tablets, in process: cordon runs headless in this program (as in the
 * wlcs module), two test clients bind zwp_tablet_manager_v2, and a fake
 * wlr_tablet on the seat sends a pen's proximity, motion and tip. Checks
 * that the pen reaches the surface under it and not the window that one
 * covers, that a stroke stays with the window it began on, that putting
 * the tip down focuses a window, that nothing reaches a window while a
 * prompt is up, and that a pad's buttons go to the focused window only.
 *
 * usage: test_tablet PATH-TO-cordon-test-client
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wayland-server-core.h>
#include <wlr/interfaces/wlr_tablet_pad.h>
#include <wlr/interfaces/wlr_tablet_tool.h>
#include <wlr/types/wlr_cursor.h>
#include <wlr/types/wlr_output_layout.h>
#include <wlr/util/log.h>
#include "compositor/guard/prompt.h"
#include "compositor/server.h"
#include "compositor/wm/view.h"
#include "config/config.h"

#define LINES_MAX 512

struct peer {
	const char *name;
	pid_t pid;
	int in_fd, out_fd;
	char buf[8192];
	size_t len;
	char *lines[LINES_MAX];
	int n_lines;
	int pos;        /* lines before this were looked at by expect */
};

struct rig {
	struct cordon_server *server;
	struct wl_event_loop *loop;
	struct peer peers[2];
	struct wlr_tablet tablet;
	struct wlr_tablet_tool tool;
	struct wlr_tablet_pad pad;
	struct wlr_box layout;
	char runtime_dir[32];
	int failures;
};

static void fail(struct rig *rig, const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "FAIL: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	rig->failures++;
}

static int64_t now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void peer_read(struct peer *p) {
	for (;;) {
		ssize_t n = read(p->out_fd, p->buf + p->len, sizeof(p->buf) - 1 - p->len);
		if (n <= 0) {
			return;
		}
		p->len += (size_t)n;
		char *nl;
		while ((nl = memchr(p->buf, '\n', p->len)) != NULL) {
			*nl = '\0';
			if (p->n_lines < LINES_MAX) {
				p->lines[p->n_lines++] = strdup(p->buf);
			}
			p->len -= (size_t)(nl + 1 - p->buf);
			memmove(p->buf, nl + 1, p->len);
		}
	}
}

/* Runs cordon's loop for about ms, reading what the clients print. */
static void pump(struct rig *rig, int ms) {
	int64_t end = now_ms() + ms;
	do {
		wl_display_flush_clients(rig->server->display);
		wl_event_loop_dispatch(rig->loop, 5);
		for (int i = 0; i < 2; i++) {
			peer_read(&rig->peers[i]);
		}
	} while (now_ms() < end);
}

static int peer_find(struct peer *p, const char *prefix) {
	for (int i = p->pos; i < p->n_lines; i++) {
		if (p->lines[i] != NULL && strncmp(p->lines[i], prefix, strlen(prefix)) == 0) {
			return i;
		}
	}
	return -1;
}

/* Waits up to 5 s for a line starting with prefix; looks past it from then on. */
static const char *expect(struct rig *rig, struct peer *p, const char *prefix) {
	int64_t end = now_ms() + 5000;
	int i;
	while ((i = peer_find(p, prefix)) < 0 && now_ms() < end) {
		pump(rig, 10);
	}
	if (i < 0) {
		fail(rig, "%s: no line starting '%s'; its last lines:", p->name, prefix);
		for (int j = p->n_lines > 8 ? p->n_lines - 8 : 0; j < p->n_lines; j++) {
			fprintf(stderr, "  %s\n", p->lines[j]);
		}
		return NULL;
	}
	p->pos = i + 1;
	return p->lines[i];
}

/* p's next pen motion is at x,y in its window; where says where the pen was. */
static void expect_motion(struct rig *rig, struct peer *p, int x, int y, const char *where) {
	const char *line = expect(rig, p, "tablet-motion");
	char want[64];
	snprintf(want, sizeof(want), "tablet-motion %d %d", x, y);
	if (line != NULL && strcmp(line, want) != 0) {
		fail(rig, "%s: %s said '%s'", p->name, where, line);
	}
}

/* Once the client has read everything sent so far: no pen or pad event came. */
static void expect_quiet(struct rig *rig, struct peer *p) {
	static const char *const pen[] = {
		"tablet-proximity-in", "tablet-motion", "tablet-down", "tablet-button",
		"pad-enter", "pad-button",
	};
	int from = p->pos;
	dprintf(p->in_fd, "sync\n");
	if (expect(rig, p, "synced") == NULL) {
		return;
	}
	for (int i = from; i < p->pos; i++) {
		for (size_t k = 0; k < sizeof(pen) / sizeof(pen[0]); k++) {
			if (strncmp(p->lines[i], pen[k], strlen(pen[k])) == 0) {
				fail(rig, "%s: unexpected '%s'", p->name, p->lines[i]);
			}
		}
	}
}

static void send_cmd(struct peer *p, const char *cmd) {
	dprintf(p->in_fd, "%s\n", cmd);
}

static bool peer_spawn(struct rig *rig, struct peer *p, const char *client, const char *name,
		const char *color) {
	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		return false;
	}
	p->name = name;
	p->pid = fork();
	if (p->pid < 0) {
		return false;
	}
	if (p->pid == 0) {
		/* cordon's loop blocks the signals it watches: not for the client. */
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		setenv("WAYLAND_DISPLAY", rig->server->socket_name, 1);
		execl(client, client, "--title", name, "--size", "300x200", "--color", color,
			(char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	p->in_fd = in[1];
	p->out_fd = out[0];
	fcntl(p->out_fd, F_SETFL, O_NONBLOCK);
	return true;
}

static struct cordon_view *view_titled(struct cordon_server *server, const char *title) {
	struct cordon_view *view;
	wl_list_for_each(view, &server->views, link) {
		if (view->title != NULL && strcmp(view->title, title) == 0) {
			return view;
		}
	}
	return NULL;
}

static void tool_proximity(struct rig *rig, bool in, double lx, double ly) {
	struct wlr_tablet_tool_proximity_event event = {
		.tablet = &rig->tablet,
		.tool = &rig->tool,
		.time_msec = (uint32_t)now_ms(),
		.x = (lx - rig->layout.x) / rig->layout.width,
		.y = (ly - rig->layout.y) / rig->layout.height,
		.state = in ? WLR_TABLET_TOOL_PROXIMITY_IN : WLR_TABLET_TOOL_PROXIMITY_OUT,
	};
	wl_signal_emit_mutable(&rig->tablet.events.proximity, &event);
}

static void tool_move(struct rig *rig, double lx, double ly) {
	struct wlr_tablet_tool_axis_event event = {
		.tablet = &rig->tablet,
		.tool = &rig->tool,
		.time_msec = (uint32_t)now_ms(),
		.updated_axes = WLR_TABLET_TOOL_AXIS_X | WLR_TABLET_TOOL_AXIS_Y,
		.x = (lx - rig->layout.x) / rig->layout.width,
		.y = (ly - rig->layout.y) / rig->layout.height,
	};
	wl_signal_emit_mutable(&rig->tablet.events.axis, &event);
}

static void tool_tip(struct rig *rig, bool down, double lx, double ly) {
	struct wlr_tablet_tool_tip_event event = {
		.tablet = &rig->tablet,
		.tool = &rig->tool,
		.time_msec = (uint32_t)now_ms(),
		.x = (lx - rig->layout.x) / rig->layout.width,
		.y = (ly - rig->layout.y) / rig->layout.height,
		.state = down ? WLR_TABLET_TOOL_TIP_DOWN : WLR_TABLET_TOOL_TIP_UP,
	};
	wl_signal_emit_mutable(&rig->tablet.events.tip, &event);
}

static void prompt_answered(void *data, bool allow, bool by_user) {
}

static const struct wlr_tablet_impl fake_tablet_impl = {
	.name = "cordon-test-tablet",
};

static const struct wlr_tablet_pad_impl fake_pad_impl = {
	.name = "cordon-test-pad",
};

static void pad_button(struct rig *rig, uint32_t button) {
	struct wlr_tablet_pad_button_event event = {
		.time_msec = (uint32_t)now_ms(),
		.button = button,
		.state = WLR_BUTTON_PRESSED,
	};
	wl_signal_emit_mutable(&rig->pad.events.button, &event);
	event.state = WLR_BUTTON_RELEASED;
	wl_signal_emit_mutable(&rig->pad.events.button, &event);
}

static void run(struct rig *rig, const char *client) {
	struct cordon_server *server = rig->server;
	struct peer *a = &rig->peers[0], *b = &rig->peers[1];
	if (!peer_spawn(rig, a, client, "a", "ff0000") ||
			!peer_spawn(rig, b, client, "b", "00ff00")) {
		fail(rig, "cannot start the test clients");
		return;
	}
	for (int i = 0; i < 2; i++) {
		struct peer *p = &rig->peers[i];
		if (expect(rig, p, "ready") == NULL) {
			return;
		}
		send_cmd(p, "tablet");
		if (expect(rig, p, "tablet-ready") == NULL) {
			return;
		}
	}
	struct cordon_view *va = view_titled(server, "a"), *vb = view_titled(server, "b");
	if (va == NULL || vb == NULL) {
		fail(rig, "the windows are not mapped");
		return;
	}
	/* b covers a's lower right part, and is on top. */
	va->x = 100;
	va->y = 100;
	view_update_position(va);
	vb->x = 250;
	vb->y = 150;
	view_update_position(vb);
	view_focus(vb);

	wlr_tablet_init(&rig->tablet, &fake_tablet_impl, "cordon-test-tablet");
	wl_signal_emit_mutable(&server->backend->events.new_input, &rig->tablet.base);
	rig->tool = (struct wlr_tablet_tool){.type = WLR_TABLET_TOOL_TYPE_PEN, .pressure = true};
	wl_signal_init(&rig->tool.events.destroy);
	expect(rig, a, "tablet-added");
	expect(rig, b, "tablet-added");

	/* Over a alone: a hears the pen, b nothing. */
	tool_proximity(rig, true, 150, 130);
	expect(rig, a, "tablet-proximity-in");
	expect_motion(rig, a, 50, 30, "pen at 150,130 over a window at 100,100");
	expect_quiet(rig, b);

	/* Over the part of a that b covers: b hears it, a lost it. */
	tool_move(rig, 300, 200);
	expect(rig, a, "tablet-proximity-out");
	expect(rig, b, "tablet-proximity-in");
	expect_motion(rig, b, 50, 50, "pen at 300,200 over a window at 250,150");
	expect_quiet(rig, a);

	/* Tip down on a's visible part: a is focused, the stroke stays with it. */
	tool_move(rig, 150, 130);
	expect(rig, b, "tablet-proximity-out");
	expect(rig, a, "tablet-proximity-in");
	tool_tip(rig, true, 150, 130);
	expect(rig, a, "tablet-down");
	if (server->focused_view != va) {
		fail(rig, "the pen's tip on window a did not focus it");
	}
	tool_move(rig, 600, 400);
	expect(rig, a, "tablet-motion 500 300");
	expect_quiet(rig, b);
	tool_tip(rig, false, 600, 400);
	expect(rig, a, "tablet-up");

	/* A prompt is up: the pen reaches nobody, and leaves the window it was on. */
	tool_move(rig, 150, 130);
	expect(rig, a, "tablet-motion 50 30");
	struct prompt *prompt = prompt_create(server, server->host_domain, server->host_domain,
		"text/plain", "test", prompt_answered, NULL);
	if (prompt == NULL) {
		fail(rig, "cannot open a prompt");
		return;
	}
	tool_move(rig, 160, 140);
	expect(rig, a, "tablet-proximity-out");
	tool_move(rig, 300, 200);
	expect_quiet(rig, a);
	expect_quiet(rig, b);
	prompt_withdraw(prompt);
	/* a is on top now (focused by the tip): over b's uncovered part. */
	tool_move(rig, 500, 300);
	expect(rig, b, "tablet-proximity-in");
	expect_motion(rig, b, 250, 150, "pen at 500,300 over a window at 250,150");
	expect_quiet(rig, a);

	tool_proximity(rig, false, 500, 300);
	expect(rig, b, "tablet-proximity-out");

	/* A pad's buttons go to the focused window, and follow the focus. */
	wlr_tablet_pad_init(&rig->pad, &fake_pad_impl, "cordon-test-pad");
	rig->pad.button_count = 4;
	wl_signal_emit_mutable(&server->backend->events.new_input, &rig->pad.base);
	pump(rig, 20);
	pad_button(rig, 2);
	expect(rig, a, "pad-enter");
	expect(rig, a, "pad-button 2 pressed");
	expect(rig, a, "pad-button 2 released");
	expect_quiet(rig, b);
	view_focus(vb);
	pad_button(rig, 1);
	expect(rig, a, "pad-leave");
	expect(rig, b, "pad-enter");
	expect(rig, b, "pad-button 1 pressed");
	expect_quiet(rig, a);
}

int main(int argc, char **argv) {
	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH-TO-cordon-test-client\n", argv[0]);
		return 2;
	}
	wlr_log_init(getenv("CORDON_TEST_DEBUG") ? WLR_DEBUG : WLR_ERROR, NULL);
	signal(SIGPIPE, SIG_IGN);
	setenv("WLR_BACKENDS", "headless", 1);
	setenv("WLR_RENDERER", "pixman", 1);
	setenv("WLR_LIBINPUT_NO_DEVICES", "1", 1);
	setenv("WLR_HEADLESS_OUTPUTS", "1", 1);
	unsetenv("WAYLAND_DISPLAY");
	unsetenv("DISPLAY");

	struct rig rig = {0};
	snprintf(rig.runtime_dir, sizeof(rig.runtime_dir), "/tmp/ctab.XXXXXX");
	if (mkdtemp(rig.runtime_dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	setenv("XDG_RUNTIME_DIR", rig.runtime_dir, 1);
	struct cordon_config *config = config_create_default();
	rig.server = config ? server_create(config) : NULL;
	struct server_options options = {.ready_fd = -1};
	if (rig.server == NULL || !server_start(rig.server, &options)) {
		fprintf(stderr, "FAIL: cannot start cordon\n");
		server_destroy(rig.server);
		rmdir(rig.runtime_dir);
		return 1;
	}
	rig.loop = wl_display_get_event_loop(rig.server->display);
	/* Wait for the headless output, then keep the pointer off the windows. */
	int64_t end = now_ms() + 5000;
	do {
		wl_event_loop_dispatch(rig.loop, 10);
		wlr_output_layout_get_box(rig.server->output_layout, NULL, &rig.layout);
	} while (wlr_box_empty(&rig.layout) && now_ms() < end);
	if (wlr_box_empty(&rig.layout)) {
		fail(&rig, "no output");
	} else {
		wlr_cursor_warp(rig.server->cursor, NULL, rig.layout.x + rig.layout.width - 1,
			rig.layout.y + rig.layout.height - 1);
		run(&rig, argv[1]);
	}

	if (rig.pad.base.name != NULL) {
		wlr_tablet_pad_finish(&rig.pad);
	}
	if (rig.tablet.base.name != NULL) {
		wl_signal_emit_mutable(&rig.tool.events.destroy, &rig.tool);
		wlr_tablet_finish(&rig.tablet);
	}
	for (int i = 0; i < 2; i++) {
		struct peer *p = &rig.peers[i];
		if (p->pid > 0) {
			kill(p->pid, SIGTERM);
			pump(&rig, 50);
			waitpid(p->pid, NULL, 0);
			close(p->in_fd);
			close(p->out_fd);
		}
		for (int j = 0; j < p->n_lines; j++) {
			free(p->lines[j]);
		}
	}
	server_destroy(rig.server);
	rmdir(rig.runtime_dir);
	if (rig.failures == 0) {
		printf("PASS\n");
	}
	return rig.failures == 0 ? 0 : 1;
}
