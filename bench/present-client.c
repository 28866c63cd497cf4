/*
 * cordon-bench-client: a Wayland client that animates with wl_shm buffers,
 * one frame per frame callback, and records wp_presentation feedback for
 * every commit. The frame benchmark (bench/frames.py) starts many of them
 * on each compositor it measures.
 *
 *   cordon-bench-client [--app-id ID] [--size WxH] [--mode MODE]
 *
 * --count N (up to 1000) opens N connections with a window each.
 *
 * MODE: anim (default; the whole window is damaged every frame), damage
 * (a 16x16 square moves, only it is damaged), fullscreen (anim, asks to
 * be fullscreen), idle (one frame, then nothing).
 *
 * It prints "mapped WxH" on stdout once its first frame is presented or
 * discarded (idle: once the compositor has processed its first commit). On SIGUSR1 it prints one JSON line with what happened since
 * the previous SIGUSR1 (or the start) and starts counting afresh:
 * commits, presented and discarded feedbacks, seconds, and the p50/p99 of
 * the time from commit to presentation (microseconds, the clock the
 * compositor named). SIGTERM or SIGINT ends it.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>
#include <wayland-client.h>
#include "presentation-time-client-protocol.h"
#include "xdg-shell-client-protocol.h"

#define POOL 4
#define SQUARE 16
#define MAX_SAMPLES 200000

enum mode { MODE_ANIM, MODE_DAMAGE, MODE_FULLSCREEN, MODE_IDLE };

struct bench_buffer {
	struct wl_buffer *wl;
	uint32_t *pixels;
	size_t size;
	bool busy;
	int square_x, square_y; /* damage mode: where its square is drawn; -1 none */
	int stripe;             /* anim mode: the row its stripe is at; -1 none */
};

struct bench_client {
	struct wl_display *display;
	struct wl_registry *registry;
	struct wl_compositor *compositor;
	struct wl_shm *shm;
	struct xdg_wm_base *wm_base;
	struct wp_presentation *presentation;
	clockid_t clock;
	struct wl_surface *surface;
	struct xdg_surface *xdg_surface;
	struct xdg_toplevel *toplevel;
	struct wl_callback *frame;
	struct bench_buffer buffers[POOL];
	enum mode mode;
	const char *app_id;
	int width, height;          /* of the buffers */
	int want_width, want_height;
	bool configured, mapped_said, closed;
	uint64_t frame_no;
	int last_square_x, last_square_y;
	/* Counted since the last SIGUSR1. */
	struct timespec since;
	uint64_t commits, presented, discarded, busy_skips;
	uint32_t *samples;          /* commit-to-present, us */
	size_t n_samples;
};

struct feedback {
	struct bench_client *client;
	struct timespec committed;
};

static uint64_t ts_us(const struct timespec *t) {
	return (uint64_t)t->tv_sec * 1000000u + (uint64_t)t->tv_nsec / 1000u;
}

static void say_mapped(struct bench_client *c) {
	if (!c->mapped_said) {
		c->mapped_said = true;
		printf("mapped %dx%d\n", c->width, c->height);
		fflush(stdout);
	}
}

static void feedback_sync_output(void *data, struct wp_presentation_feedback *fb,
		struct wl_output *output) {
}

static void feedback_presented(void *data, struct wp_presentation_feedback *fb,
		uint32_t tv_sec_hi, uint32_t tv_sec_lo, uint32_t tv_nsec, uint32_t refresh,
		uint32_t seq_hi, uint32_t seq_lo, uint32_t flags) {
	struct feedback *f = data;
	struct bench_client *c = f->client;
	struct timespec shown = {
		.tv_sec = (time_t)(((uint64_t)tv_sec_hi << 32) | tv_sec_lo),
		.tv_nsec = tv_nsec,
	};
	/* Frames committed before the last reset do not count. */
	if (ts_us(&f->committed) >= ts_us(&c->since)) {
		c->presented++;
		uint64_t a = ts_us(&f->committed), b = ts_us(&shown);
		if (c->n_samples < MAX_SAMPLES) {
			c->samples[c->n_samples++] = b > a ? (uint32_t)(b - a) : 0;
		}
	}
	say_mapped(c);
	wp_presentation_feedback_destroy(fb);
	free(f);
}

static void feedback_discarded(void *data, struct wp_presentation_feedback *fb) {
	struct feedback *f = data;
	if (ts_us(&f->committed) >= ts_us(&f->client->since)) {
		f->client->discarded++;
	}
	say_mapped(f->client);
	wp_presentation_feedback_destroy(fb);
	free(f);
}

static const struct wp_presentation_feedback_listener feedback_listener = {
	.sync_output = feedback_sync_output,
	.presented = feedback_presented,
	.discarded = feedback_discarded,
};

static void buffer_release(void *data, struct wl_buffer *wl) {
	struct bench_buffer *b = data;
	b->busy = false;
}

static const struct wl_buffer_listener buffer_listener = {
	.release = buffer_release,
};

static uint32_t base_colour(int x, int y) {
	return 0xff000000u | (uint32_t)((x * 3) & 0xff) << 16 | (uint32_t)((y * 5) & 0xff) << 8 | 0x40;
}

static void fill_rect(struct bench_buffer *b, int stride_px, int x, int y, int w, int h,
		bool base, uint32_t colour) {
	for (int j = y; j < y + h; j++) {
		uint32_t *row = b->pixels + (size_t)j * stride_px;
		for (int i = x; i < x + w; i++) {
			row[i] = base ? base_colour(i, j) : colour;
		}
	}
}

static void pool_destroy(struct bench_client *c) {
	for (int i = 0; i < POOL; i++) {
		struct bench_buffer *b = &c->buffers[i];
		if (b->wl != NULL) {
			wl_buffer_destroy(b->wl);
		}
		if (b->pixels != NULL) {
			munmap(b->pixels, b->size);
		}
		*b = (struct bench_buffer){0};
	}
}

static bool pool_create(struct bench_client *c, int width, int height) {
	pool_destroy(c);
	size_t stride = (size_t)width * 4, size = stride * (size_t)height;
	for (int i = 0; i < POOL; i++) {
		int fd = memfd_create("cordon-bench", MFD_CLOEXEC);
		if (fd < 0 || ftruncate(fd, (off_t)size) < 0) {
			perror("cordon-bench-client: memfd");
			if (fd >= 0) {
				close(fd);
			}
			return false;
		}
		struct bench_buffer *b = &c->buffers[i];
		b->pixels = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (b->pixels == MAP_FAILED) {
			perror("cordon-bench-client: mmap");
			b->pixels = NULL;
			close(fd);
			return false;
		}
		b->size = size;
		struct wl_shm_pool *pool = wl_shm_create_pool(c->shm, fd, (int32_t)size);
		b->wl = wl_shm_pool_create_buffer(pool, 0, width, height, (int32_t)stride,
			WL_SHM_FORMAT_XRGB8888);
		wl_shm_pool_destroy(pool);
		close(fd);
		wl_buffer_add_listener(b->wl, &buffer_listener, b);
		fill_rect(b, width, 0, 0, width, height, true, 0);
		b->square_x = b->square_y = -1;
		b->stripe = -1;
	}
	c->width = width;
	c->height = height;
	c->last_square_x = c->last_square_y = -1;
	return true;
}

static void draw(struct bench_client *c);

/* An idle window may never be presented (covered): mapped once processed. */
static void sync_done(void *data, struct wl_callback *cb, uint32_t serial) {
	wl_callback_destroy(cb);
	say_mapped(data);
}

static const struct wl_callback_listener sync_listener = {
	.done = sync_done,
};

static void frame_done(void *data, struct wl_callback *cb, uint32_t time) {
	struct bench_client *c = data;
	wl_callback_destroy(cb);
	c->frame = NULL;
	draw(c);
}

static const struct wl_callback_listener frame_listener = {
	.done = frame_done,
};

/* Draws the next frame into a free buffer and commits it with feedback. */
static void draw(struct bench_client *c) {
	struct bench_buffer *b = NULL;
	for (int i = 0; i < POOL; i++) {
		if (!c->buffers[i].busy) {
			b = &c->buffers[i];
			break;
		}
	}
	bool animate = c->mode != MODE_IDLE;
	if (b == NULL) {
		/* Every buffer is still held: try again on the next frame. */
		c->busy_skips++;
		c->frame = wl_surface_frame(c->surface);
		wl_callback_add_listener(c->frame, &frame_listener, c);
		wl_surface_commit(c->surface);
		return;
	}
	int w = c->width, h = c->height;
	uint64_t n = c->frame_no++;
	if (c->mode == MODE_DAMAGE) {
		int span_x = w > SQUARE ? w - SQUARE : 1, span_y = h > SQUARE ? h - SQUARE : 1;
		int x = (int)((n * 7) % (uint64_t)span_x), y = (int)((n * 3) % (uint64_t)span_y);
		if (b->square_x >= 0) {
			fill_rect(b, w, b->square_x, b->square_y, SQUARE, SQUARE, true, 0);
		}
		/* This buffer also lacks the squares the other buffers showed since. */
		if (c->last_square_x >= 0 && w >= SQUARE && h >= SQUARE) {
			fill_rect(b, w, c->last_square_x, c->last_square_y, SQUARE, SQUARE, true, 0);
		}
		if (w >= SQUARE && h >= SQUARE) {
			fill_rect(b, w, x, y, SQUARE, SQUARE, false, 0xffffffffu);
			b->square_x = x;
			b->square_y = y;
		}
		if (c->last_square_x >= 0) {
			wl_surface_damage_buffer(c->surface, c->last_square_x, c->last_square_y,
				SQUARE, SQUARE);
		} else {
			wl_surface_damage_buffer(c->surface, 0, 0, w, h);
		}
		wl_surface_damage_buffer(c->surface, x, y, SQUARE, SQUARE);
		c->last_square_x = x;
		c->last_square_y = y;
	} else {
		/* A moving stripe: cheap to draw, and the whole window is damaged. */
		if (animate && h >= 8) {
			if (b->stripe >= 0) {
				fill_rect(b, w, 0, b->stripe, w, 8, true, 0);
			}
			b->stripe = (int)((n * 4) % (uint64_t)(h - 7));
			fill_rect(b, w, 0, b->stripe, w, 8, false, 0xff000000u | (uint32_t)(n * 0x010203u));
		}
		wl_surface_damage_buffer(c->surface, 0, 0, w, h);
	}
	wl_surface_attach(c->surface, b->wl, 0, 0);
	b->busy = true;
	if (c->presentation != NULL) {
		struct feedback *f = calloc(1, sizeof(*f));
		if (f != NULL) {
			f->client = c;
			clock_gettime(c->clock, &f->committed);
			struct wp_presentation_feedback *fb =
				wp_presentation_feedback(c->presentation, c->surface);
			wp_presentation_feedback_add_listener(fb, &feedback_listener, f);
		}
	}
	if (animate) {
		c->frame = wl_surface_frame(c->surface);
		wl_callback_add_listener(c->frame, &frame_listener, c);
	}
	wl_surface_commit(c->surface);
	c->commits++;
	if (!animate && c->commits == 1) {
		wl_callback_add_listener(wl_display_sync(c->display), &sync_listener, c);
	}
}

static void xdg_surface_configure(void *data, struct xdg_surface *xdg_surface, uint32_t serial) {
	struct bench_client *c = data;
	xdg_surface_ack_configure(xdg_surface, serial);
	int w = c->want_width, h = c->want_height;
	if (w != c->width || h != c->height) {
		if (!pool_create(c, w, h)) {
			c->closed = true;
			return;
		}
		if (c->configured && c->frame == NULL) {
			draw(c);
		}
	}
	if (!c->configured) {
		c->configured = true;
		draw(c);
	}
}

static const struct xdg_surface_listener xdg_surface_listener = {
	.configure = xdg_surface_configure,
};

static void toplevel_configure(void *data, struct xdg_toplevel *toplevel, int32_t width,
		int32_t height, struct wl_array *states) {
	struct bench_client *c = data;
	if (width > 0 && height > 0) {
		c->want_width = width;
		c->want_height = height;
	}
}

static void toplevel_close(void *data, struct xdg_toplevel *toplevel) {
	struct bench_client *c = data;
	c->closed = true;
}

static void toplevel_configure_bounds(void *data, struct xdg_toplevel *toplevel,
		int32_t width, int32_t height) {
}

static void toplevel_wm_capabilities(void *data, struct xdg_toplevel *toplevel,
		struct wl_array *caps) {
}

static const struct xdg_toplevel_listener toplevel_listener = {
	.configure = toplevel_configure,
	.close = toplevel_close,
	.configure_bounds = toplevel_configure_bounds,
	.wm_capabilities = toplevel_wm_capabilities,
};

static void wm_base_ping(void *data, struct xdg_wm_base *wm_base, uint32_t serial) {
	xdg_wm_base_pong(wm_base, serial);
}

static const struct xdg_wm_base_listener wm_base_listener = {
	.ping = wm_base_ping,
};

static void presentation_clock_id(void *data, struct wp_presentation *p, uint32_t clk_id) {
	struct bench_client *c = data;
	c->clock = (clockid_t)clk_id;
}

static const struct wp_presentation_listener presentation_listener = {
	.clock_id = presentation_clock_id,
};

static void registry_global(void *data, struct wl_registry *registry, uint32_t name,
		const char *interface, uint32_t version) {
	struct bench_client *c = data;
	if (strcmp(interface, wl_compositor_interface.name) == 0) {
		c->compositor = wl_registry_bind(registry, name, &wl_compositor_interface, 4);
	} else if (strcmp(interface, wl_shm_interface.name) == 0) {
		c->shm = wl_registry_bind(registry, name, &wl_shm_interface, 1);
	} else if (strcmp(interface, xdg_wm_base_interface.name) == 0) {
		c->wm_base = wl_registry_bind(registry, name, &xdg_wm_base_interface, 2);
		xdg_wm_base_add_listener(c->wm_base, &wm_base_listener, c);
	} else if (strcmp(interface, wp_presentation_interface.name) == 0) {
		c->presentation = wl_registry_bind(registry, name, &wp_presentation_interface, 1);
		wp_presentation_add_listener(c->presentation, &presentation_listener, c);
	}
}

static void registry_global_remove(void *data, struct wl_registry *registry, uint32_t name) {
}

static const struct wl_registry_listener registry_listener = {
	.global = registry_global,
	.global_remove = registry_global_remove,
};

static int cmp_u32(const void *a, const void *b) {
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* One JSON line with the counts since the last report; starts afresh. */
static void report(struct bench_client *c) {
	struct timespec now;
	clock_gettime(c->clock, &now);
	double secs = (double)(ts_us(&now) - ts_us(&c->since)) / 1e6;
	uint32_t p50 = 0, p99 = 0;
	if (c->n_samples > 0) {
		qsort(c->samples, c->n_samples, sizeof(*c->samples), cmp_u32);
		p50 = c->samples[(c->n_samples - 1) / 2];
		p99 = c->samples[(c->n_samples - 1) * 99 / 100];
	}
	printf("{\"app_id\":\"%s\",\"width\":%d,\"height\":%d,\"seconds\":%.4f,"
		"\"commits\":%llu,\"presented\":%llu,\"discarded\":%llu,\"busy_skips\":%llu,"
		"\"lat_p50_us\":%u,\"lat_p99_us\":%u,\"presentation\":%s}\n",
		c->app_id, c->width, c->height, secs, (unsigned long long)c->commits,
		(unsigned long long)c->presented, (unsigned long long)c->discarded,
		(unsigned long long)c->busy_skips, p50, p99,
		c->presentation != NULL ? "true" : "false");
	fflush(stdout);
	c->since = now;
	c->commits = c->presented = c->discarded = c->busy_skips = 0;
	c->n_samples = 0;
}

static bool parse_size(const char *s, int *w, int *h) {
	char *end = NULL;
	long a = strtol(s, &end, 10);
	if (end == s || *end != 'x') {
		return false;
	}
	const char *rest = end + 1;
	long b = strtol(rest, &end, 10);
	if (end == rest || *end != '\0' || a < 1 || b < 1 || a > 8192 || b > 8192) {
		return false;
	}
	*w = (int)a;
	*h = (int)b;
	return true;
}

/* Connects and asks for one window; false (said on stderr) on failure. */
static bool client_start(struct bench_client *c) {
	c->samples = calloc(c->mode == MODE_IDLE ? 16 : MAX_SAMPLES, sizeof(*c->samples));
	c->display = wl_display_connect(NULL);
	if (c->samples == NULL || c->display == NULL) {
		fprintf(stderr, "cordon-bench-client: cannot connect to the compositor\n");
		return false;
	}
	c->registry = wl_display_get_registry(c->display);
	wl_registry_add_listener(c->registry, &registry_listener, c);
	wl_display_roundtrip(c->display);
	wl_display_roundtrip(c->display);
	if (c->compositor == NULL || c->shm == NULL || c->wm_base == NULL) {
		fprintf(stderr, "cordon-bench-client: the compositor lacks wl_compositor, "
			"wl_shm or xdg_wm_base\n");
		return false;
	}
	clock_gettime(c->clock, &c->since);
	c->surface = wl_compositor_create_surface(c->compositor);
	c->xdg_surface = xdg_wm_base_get_xdg_surface(c->wm_base, c->surface);
	xdg_surface_add_listener(c->xdg_surface, &xdg_surface_listener, c);
	c->toplevel = xdg_surface_get_toplevel(c->xdg_surface);
	xdg_toplevel_add_listener(c->toplevel, &toplevel_listener, c);
	xdg_toplevel_set_app_id(c->toplevel, c->app_id);
	xdg_toplevel_set_title(c->toplevel, c->app_id);
	if (c->mode == MODE_FULLSCREEN) {
		xdg_toplevel_set_fullscreen(c->toplevel, NULL);
	}
	wl_surface_commit(c->surface);
	return wl_display_flush(c->display) >= 0;
}

static void client_stop(struct bench_client *c) {
	pool_destroy(c);
	free(c->samples);
	if (c->display != NULL) {
		wl_display_disconnect(c->display);
	}
}

#define MAX_COUNT 1000

int main(int argc, char **argv) {
	struct bench_client proto = {
		.clock = CLOCK_MONOTONIC,
		.app_id = "cordon-bench",
		.want_width = 320,
		.want_height = 240,
	};
	int count = 1;
	static const struct option options[] = {
		{ "app-id", required_argument, NULL, 'a' },
		{ "size", required_argument, NULL, 's' },
		{ "mode", required_argument, NULL, 'm' },
		{ "count", required_argument, NULL, 'n' },
		{ 0 },
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'a':
			proto.app_id = optarg;
			break;
		case 's':
			if (!parse_size(optarg, &proto.want_width, &proto.want_height)) {
				fprintf(stderr, "cordon-bench-client: bad --size '%s' (WxH)\n", optarg);
				return 2;
			}
			break;
		case 'n':
			count = atoi(optarg);
			if (count < 1 || count > MAX_COUNT) {
				fprintf(stderr, "cordon-bench-client: --count takes 1 to %d\n", MAX_COUNT);
				return 2;
			}
			break;
		case 'm':
			if (strcmp(optarg, "anim") == 0) {
				proto.mode = MODE_ANIM;
			} else if (strcmp(optarg, "damage") == 0) {
				proto.mode = MODE_DAMAGE;
			} else if (strcmp(optarg, "fullscreen") == 0) {
				proto.mode = MODE_FULLSCREEN;
			} else if (strcmp(optarg, "idle") == 0) {
				proto.mode = MODE_IDLE;
			} else {
				fprintf(stderr, "cordon-bench-client: bad --mode '%s'\n", optarg);
				return 2;
			}
			break;
		default:
			fprintf(stderr, "usage: cordon-bench-client [--app-id ID] [--size WxH] "
				"[--mode anim|damage|fullscreen|idle] [--count N]\n");
			return 2;
		}
	}
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	/* --count N: N connections in one process, each with its own window. */
	struct bench_client *clients = calloc((size_t)count, sizeof(*clients));
	struct pollfd *fds = calloc((size_t)count + 1, sizeof(*fds));
	if (sfd < 0 || clients == NULL || fds == NULL) {
		fprintf(stderr, "cordon-bench-client: out of memory or signalfd failed\n");
		return 1;
	}
	int rc = 0;
	for (int i = 0; i < count; i++) {
		clients[i] = proto;
		if (!client_start(&clients[i])) {
			count = i + 1;
			rc = 1;
			goto out;
		}
	}
	bool running = true;
	while (running) {
		for (int i = 0; i < count; i++) {
			struct bench_client *c = &clients[i];
			if (c->closed) {
				running = false;
			}
			while (wl_display_prepare_read(c->display) != 0) {
				wl_display_dispatch_pending(c->display);
			}
			if (wl_display_flush(c->display) < 0 && errno != EAGAIN) {
				rc = 1;
			}
			fds[i] = (struct pollfd){ .fd = wl_display_get_fd(c->display), .events = POLLIN };
		}
		fds[count] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		if (poll(fds, (nfds_t)count + 1, -1) < 0 && errno != EINTR) {
			rc = 1;
		}
		for (int i = 0; i < count; i++) {
			struct bench_client *c = &clients[i];
			if (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) {
				if (wl_display_read_events(c->display) < 0) {
					rc = 1;
				}
			} else {
				wl_display_cancel_read(c->display);
			}
			if (wl_display_dispatch_pending(c->display) < 0) {
				rc = 1;
			}
		}
		if (rc != 0) {
			fprintf(stderr, "cordon-bench-client: the connection failed\n");
			break;
		}
		if (fds[count].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo != SIGUSR1) {
					break;
				}
				for (int i = 0; i < count; i++) {
					report(&clients[i]);
				}
			}
		}
	}
out:
	for (int i = 0; i < count; i++) {
		client_stop(&clients[i]);
	}
	free(clients);
	free(fds);
	close(sfd);
	return rc;
}
