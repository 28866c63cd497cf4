#ifndef CORDON_FUZZ_HARNESS_H
#define CORDON_FUZZ_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <wlr/types/wlr_keyboard.h>
#include <wlr/types/wlr_pointer.h>

/*
 * cordon running in the fuzzer's own process: the headless backend, the
 * pixman renderer, no libinput devices, a private XDG_RUNTIME_DIR. One
 * server per process; each fuzz input connects fresh guest clients to it
 * and disconnects them at the end, so inputs are independent without the
 * cost of a new server.
 */
struct cordon_server;
struct cordon_domain;

struct fuzz_harness {
	struct cordon_server *server;
	char runtime_dir[64];
	/* The user's hands: a keyboard and a pointer the backend announced. */
	struct wlr_keyboard keyboard;
	struct wlr_pointer pointer;
	uint32_t time_ms;
	int baseline_fds;
};

/* Aborts on any failure: a fuzzer without its server is no fuzzer. */
struct fuzz_harness *harness_create(const char *config_text);
void harness_destroy(struct fuzz_harness *harness);
/*
 * The one server of a fuzzer run (libFuzzer gives no context pointer):
 * made by the first call, destroyed at exit.
 */
struct fuzz_harness *harness_for_run(const char *config_text);

/* Config every fuzzer starts from: no X servers (a fuzz run opens nothing
 * in /tmp/.X11-unix) and the guest domain red; blue is a second guest. */
#define HARNESS_CONFIG_RED \
	"[general]\nxwayland = no\n" \
	"[domain red]\ncolor = red\nxwayland = no\n"
#define HARNESS_CONFIG_BLUE "[domain blue]\ncolor = blue\nxwayland = no\n"

/* Lets the server handle everything pending and flushes what it sends. */
void harness_pump(void *harness);

/* A new connection on domain's socket, accepted by the server; its fd. */
int harness_connect(struct fuzz_harness *harness, const char *domain);
/* Waits until domain has no client left; aborts if it never happens. */
void harness_wait_disconnected(struct fuzz_harness *harness, const char *domain);
/* Aborts when a domain kept views or clients, or the server kept fds. */
void harness_check_clean(struct fuzz_harness *harness);

/* Host input, as a real keyboard and pointer would deliver it. */
void harness_key(struct fuzz_harness *harness, uint32_t keycode, bool pressed);
void harness_motion(struct fuzz_harness *harness, double x, double y);
void harness_button(struct fuzz_harness *harness, uint32_t button, bool pressed);

/* Reports a broken invariant and aborts, so libFuzzer keeps the input. */
void harness_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
