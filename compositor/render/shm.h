#ifndef CORDON_SHM_H
#define CORDON_SHM_H

#include <wayland-server-core.h>

struct wlr_renderer;

/*
 * wl_shm, cordon's own, in place of wlroots' wlr_shm.
 *
 * wlroots installs its SIGBUS handler with sigaction when the first
 * access to a client's shared memory begins and removes it when the last
 * one ends: two system calls around every texture made from a commit and
 * every texture drawn, four per client frame. cordon keeps one handler
 * for as long as any cordon shm global exists in the process, so an
 * access costs nothing but the pointer arithmetic.
 *
 * What a client can get wrong is checked here: a pool of size 0 or one
 * that cannot be mapped, a pool shrunk by resize, a buffer outside its
 * pool, a stride too short or not a whole number of pixels, sizes whose
 * product overflows, a format not advertised. Each is the protocol error
 * wl_shm names for it. A pool whose file the client truncates afterwards
 * reads as zeroes (the handler maps anonymous pages over it) instead of
 * killing cordon, and the client gets invalid_fd on the buffer read. A read-only file is accepted for buffers cordon only
 * reads from; writing into it (a screencopy target) fails cleanly.
 */
struct cordon_shm;

/* The global, advertising the formats the renderer can read from memory. */
struct cordon_shm *shm_create(struct wl_display *display, struct wlr_renderer *renderer);
struct wl_global *shm_global(struct cordon_shm *shm);
/*
 * After every client is gone. Buffers still locked (a texture, a scene
 * node) keep their pool and mapping until unlocked.
 */
void shm_destroy(struct cordon_shm *shm);

#endif
