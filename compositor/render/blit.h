#ifndef CORDON_RENDER_BLIT_H
#define CORDON_RENDER_BLIT_H

#include <stdbool.h>
#include <wlr/render/wlr_renderer.h>

/*
 * A renderer in front of wlroots' pixman renderer that does the one
 * operation a software compositor spends most of its time on itself: an
 * opaque, unscaled window buffer copied into the output buffer. pixman
 * copies with ordinary stores, so every destination line is first read
 * from memory only to be overwritten; blit writes around the cache. What
 * it does not copy (blending, scaling, transforms, rectangles, other
 * formats) goes to pixman unchanged, and the pixels are the same either
 * way (tests/unit/test_blit.c compares them).
 *
 * Takes ownership of pixman: it is destroyed with the returned renderer,
 * or at once when creation fails (NULL).
 */
struct wlr_renderer *blit_renderer_create(struct wlr_renderer *pixman);

bool blit_renderer_is(struct wlr_renderer *renderer);

/* Copies blit made itself since creation (texture draws, not rows). */
unsigned long blit_renderer_copies(struct wlr_renderer *renderer);

#endif
