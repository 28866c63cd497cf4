#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pixman.h>
#include <wlr/render/interface.h>
#include <wlr/render/pixman.h>
#include <wlr/types/wlr_buffer.h>
#include <wlr/util/log.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "compositor/render/blit.h"

/*
 * Below this many bytes a copy goes through the cache: the lines are
 * likely still there for the next draw (a cursor, a small damage square),
 * and streaming buys nothing at that size.
 */
#define BLIT_STREAM_MIN (64 * 1024)

struct blit_renderer {
	struct wlr_renderer base;
	struct wlr_renderer *pixman;
	struct wl_list textures; /* blit_texture.link */
	unsigned long copies;
};

struct blit_texture {
	struct wlr_texture base;
	struct wlr_texture *pixman;
	/* The pixels the copy reads, under begin/end access as pixman does
	 * (that is what lets render/shm.c catch a file truncated under us). */
	struct wlr_buffer *buffer;
	pixman_format_code_t format;
	struct blit_renderer *renderer;
	struct wl_list link;
};

struct blit_pass {
	struct wlr_render_pass base;
	struct wlr_render_pass *pixman;
	struct blit_renderer *renderer;
	/* The target as pixman sees it, valid until submit. */
	pixman_image_t *target;
};

static const struct wlr_renderer_impl blit_renderer_impl;
static const struct wlr_texture_impl blit_texture_impl;
static const struct wlr_render_pass_impl blit_pass_impl;

static struct blit_renderer *blit_renderer_from(struct wlr_renderer *wlr_renderer) {
	struct blit_renderer *renderer = wl_container_of(wlr_renderer, renderer, base);
	return renderer;
}

bool blit_renderer_is(struct wlr_renderer *renderer) {
	return renderer != NULL && renderer->impl == &blit_renderer_impl;
}

unsigned long blit_renderer_copies(struct wlr_renderer *renderer) {
	return blit_renderer_is(renderer) ? blit_renderer_from(renderer)->copies : 0;
}

/* ---------------------------------------------------------------- copy */

static void blit_row_cached(uint8_t *dst, const uint8_t *src, size_t n) {
	memcpy(dst, src, n);
}

#if defined(__SSE2__)
static void blit_row_streamed(uint8_t *dst, const uint8_t *src, size_t n) {
	/* Streaming stores need 16-byte aligned targets; rows start on any
	 * pixel, so up to three pixels go through the cache first. */
	size_t head = (16 - ((uintptr_t)dst & 15)) & 15;
	if (head > n) {
		head = n;
	}
	memcpy(dst, src, head);
	dst += head;
	src += head;
	n -= head;
	for (; n >= 64; n -= 64, dst += 64, src += 64) {
		__m128i a = _mm_loadu_si128((const __m128i *)src);
		__m128i b = _mm_loadu_si128((const __m128i *)(src + 16));
		__m128i c = _mm_loadu_si128((const __m128i *)(src + 32));
		__m128i d = _mm_loadu_si128((const __m128i *)(src + 48));
		_mm_stream_si128((__m128i *)dst, a);
		_mm_stream_si128((__m128i *)(dst + 16), b);
		_mm_stream_si128((__m128i *)(dst + 32), c);
		_mm_stream_si128((__m128i *)(dst + 48), d);
	}
	for (; n >= 16; n -= 16, dst += 16, src += 16) {
		_mm_stream_si128((__m128i *)dst, _mm_loadu_si128((const __m128i *)src));
	}
	memcpy(dst, src, n);
}

static void blit_stream_fence(void) {
	/* Streaming stores are weakly ordered: make them visible before the
	 * buffer goes to the next draw or to the output. */
	_mm_sfence();
}
#else
static void blit_row_streamed(uint8_t *dst, const uint8_t *src, size_t n) {
	memcpy(dst, src, n);
}

static void blit_stream_fence(void) {
}
#endif

/*
 * Whether copying the bytes gives what pixman would draw: 32-bit pixels in
 * the same channel order, a source that is opaque or replaces (SRC), and a
 * target that either ignores alpha or has the source's own format (an
 * x-source into an a-target needs the alpha filled in: pixman's job).
 */
static bool blit_formats_copy(pixman_format_code_t src, pixman_format_code_t dst,
		enum wlr_render_blend_mode blend) {
	if (PIXMAN_FORMAT_BPP(src) != 32 || PIXMAN_FORMAT_BPP(dst) != 32 ||
			PIXMAN_FORMAT_TYPE(src) != PIXMAN_FORMAT_TYPE(dst) ||
			PIXMAN_FORMAT_RGB(src) != PIXMAN_FORMAT_RGB(dst)) {
		return false;
	}
	if (PIXMAN_FORMAT_TYPE(src) != PIXMAN_TYPE_ARGB &&
			PIXMAN_FORMAT_TYPE(src) != PIXMAN_TYPE_ABGR &&
			PIXMAN_FORMAT_TYPE(src) != PIXMAN_TYPE_BGRA &&
			PIXMAN_FORMAT_TYPE(src) != PIXMAN_TYPE_RGBA) {
		return false;
	}
	if (blend != WLR_RENDER_BLEND_MODE_NONE && PIXMAN_FORMAT_A(src) != 0) {
		return false;
	}
	return PIXMAN_FORMAT_A(dst) == 0 || src == dst;
}

/*
 * The straight copy pixman would do for this draw, or false to leave the
 * draw to pixman. The boxes are worked out exactly as pixman does, so the
 * two agree on every pixel.
 */
static bool blit_pass_copy(struct blit_pass *pass, struct blit_texture *texture,
		const struct wlr_render_texture_options *options) {
	if (pass->target == NULL || options->transform != WL_OUTPUT_TRANSFORM_NORMAL ||
			wlr_render_texture_options_get_alpha(options) != 1.0f ||
			!blit_formats_copy(texture->format, pixman_image_get_format(pass->target),
				options->blend_mode)) {
		return false;
	}
	struct wlr_fbox src_f;
	wlr_render_texture_options_get_src_box(options, &src_f);
	struct wlr_box src = {
		.x = roundf(src_f.x),
		.y = roundf(src_f.y),
		.width = roundf(src_f.width),
		.height = roundf(src_f.height),
	};
	struct wlr_box dst;
	wlr_render_texture_options_get_dst_box(options, &dst);
	/* Outside its bounds pixman reads a source as transparent. */
	if (src.width != dst.width || src.height != dst.height || src.width <= 0 ||
			src.height <= 0 || src.x < 0 || src.y < 0 ||
			src.x + src.width > (int)texture->base.width ||
			src.y + src.height > (int)texture->base.height) {
		return false;
	}

	void *data;
	uint32_t drm_format;
	size_t stride;
	if (!wlr_buffer_begin_data_ptr_access(texture->buffer, WLR_BUFFER_DATA_PTR_ACCESS_READ,
			&data, &drm_format, &stride)) {
		return false;
	}
	pixman_region32_t region;
	pixman_region32_init_rect(&region, dst.x, dst.y, dst.width, dst.height);
	if (options->clip != NULL) {
		pixman_region32_intersect(&region, &region, (pixman_region32_t *)options->clip);
	}
	pixman_region32_intersect_rect(&region, &region, 0, 0,
		pixman_image_get_width(pass->target), pixman_image_get_height(pass->target));

	int nrects;
	const pixman_box32_t *rects = pixman_region32_rectangles(&region, &nrects);
	uint64_t area = 0;
	for (int i = 0; i < nrects; i++) {
		area += (uint64_t)(rects[i].x2 - rects[i].x1) * (rects[i].y2 - rects[i].y1);
	}
	bool stream = area * 4 >= BLIT_STREAM_MIN;
	void (*row)(uint8_t *, const uint8_t *, size_t) =
		stream ? blit_row_streamed : blit_row_cached;

	uint8_t *target = (uint8_t *)pixman_image_get_data(pass->target);
	size_t target_stride = (size_t)pixman_image_get_stride(pass->target);
	const uint8_t *pixels = data;
	for (int i = 0; i < nrects; i++) {
		const pixman_box32_t *r = &rects[i];
		size_t bytes = (size_t)(r->x2 - r->x1) * 4;
		size_t sx = (size_t)(r->x1 - dst.x + src.x) * 4;
		for (int y = r->y1; y < r->y2; y++) {
			size_t sy = (size_t)(y - dst.y + src.y);
			row(target + (size_t)y * target_stride + (size_t)r->x1 * 4,
				pixels + sy * stride + sx, bytes);
		}
	}
	if (stream) {
		blit_stream_fence();
	}
	pixman_region32_fini(&region);
	wlr_buffer_end_data_ptr_access(texture->buffer);
	pass->renderer->copies++;
	return true;
}

/* ---------------------------------------------------------------- pass */

static struct blit_pass *blit_pass_from(struct wlr_render_pass *wlr_pass) {
	struct blit_pass *pass = wl_container_of(wlr_pass, pass, base);
	return pass;
}

static struct blit_texture *blit_texture_from(struct wlr_texture *wlr_texture) {
	struct blit_texture *texture = wl_container_of(wlr_texture, texture, base);
	return texture;
}

static bool blit_pass_submit(struct wlr_render_pass *wlr_pass) {
	struct blit_pass *pass = blit_pass_from(wlr_pass);
	bool ok = wlr_render_pass_submit(pass->pixman);
	free(pass);
	return ok;
}

static void blit_pass_add_texture(struct wlr_render_pass *wlr_pass,
		const struct wlr_render_texture_options *options) {
	struct blit_pass *pass = blit_pass_from(wlr_pass);
	if (options->texture->impl != &blit_texture_impl) {
		/* A texture of another renderer: pixman decides what to do with it. */
		wlr_render_pass_add_texture(pass->pixman, options);
		return;
	}
	struct blit_texture *texture = blit_texture_from(options->texture);
	if (blit_pass_copy(pass, texture, options)) {
		return;
	}
	struct wlr_render_texture_options inner = *options;
	inner.texture = texture->pixman;
	wlr_render_pass_add_texture(pass->pixman, &inner);
}

static void blit_pass_add_rect(struct wlr_render_pass *wlr_pass,
		const struct wlr_render_rect_options *options) {
	wlr_render_pass_add_rect(blit_pass_from(wlr_pass)->pixman, options);
}

static const struct wlr_render_pass_impl blit_pass_impl = {
	.submit = blit_pass_submit,
	.add_texture = blit_pass_add_texture,
	.add_rect = blit_pass_add_rect,
};

/* ------------------------------------------------------------- texture */

static bool blit_texture_read_pixels(struct wlr_texture *texture,
		const struct wlr_texture_read_pixels_options *options) {
	return wlr_texture_read_pixels(blit_texture_from(texture)->pixman, options);
}

static uint32_t blit_texture_preferred_read_format(struct wlr_texture *texture) {
	return wlr_texture_preferred_read_format(blit_texture_from(texture)->pixman);
}

static void blit_texture_destroy(struct wlr_texture *wlr_texture) {
	struct blit_texture *texture = blit_texture_from(wlr_texture);
	wl_list_remove(&texture->link);
	wlr_texture_destroy(texture->pixman);
	wlr_buffer_unlock(texture->buffer);
	free(texture);
}

/* pixman textures cannot be updated in place: wlroots makes a new one. */
static const struct wlr_texture_impl blit_texture_impl = {
	.read_pixels = blit_texture_read_pixels,
	.preferred_read_format = blit_texture_preferred_read_format,
	.destroy = blit_texture_destroy,
};

/* ------------------------------------------------------------ renderer */

static struct wlr_texture *blit_texture_from_buffer(struct wlr_renderer *wlr_renderer,
		struct wlr_buffer *buffer) {
	struct blit_renderer *renderer = blit_renderer_from(wlr_renderer);
	struct wlr_texture *inner = wlr_texture_from_buffer(renderer->pixman, buffer);
	if (inner == NULL) {
		return NULL;
	}
	struct blit_texture *texture = calloc(1, sizeof(*texture));
	if (texture == NULL) {
		wlr_log(WLR_ERROR, "blit: out of memory for a %ux%u texture",
			inner->width, inner->height);
		wlr_texture_destroy(inner);
		return NULL;
	}
	wlr_texture_init(&texture->base, wlr_renderer, &blit_texture_impl,
		inner->width, inner->height);
	texture->pixman = inner;
	texture->format = pixman_image_get_format(wlr_pixman_texture_get_image(inner));
	texture->buffer = wlr_buffer_lock(buffer);
	texture->renderer = renderer;
	wl_list_insert(&renderer->textures, &texture->link);
	return &texture->base;
}

static struct wlr_render_pass *blit_begin_buffer_pass(struct wlr_renderer *wlr_renderer,
		struct wlr_buffer *buffer, const struct wlr_buffer_pass_options *options) {
	struct blit_renderer *renderer = blit_renderer_from(wlr_renderer);
	struct blit_pass *pass = calloc(1, sizeof(*pass));
	if (pass == NULL) {
		wlr_log(WLR_ERROR, "blit: out of memory for a render pass on a %dx%d buffer",
			buffer->width, buffer->height);
		return NULL;
	}
	pass->pixman = wlr_renderer_begin_buffer_pass(renderer->pixman, buffer, options);
	if (pass->pixman == NULL) {
		free(pass);
		return NULL;
	}
	/* pixman began access to the buffer: its image points at the pixels. */
	pass->target = wlr_pixman_renderer_get_buffer_image(renderer->pixman, buffer);
	pass->renderer = renderer;
	wlr_render_pass_init(&pass->base, &blit_pass_impl);
	return &pass->base;
}

static const struct wlr_drm_format_set *blit_get_texture_formats(
		struct wlr_renderer *renderer, uint32_t buffer_caps) {
	return wlr_renderer_get_texture_formats(blit_renderer_from(renderer)->pixman, buffer_caps);
}

static const struct wlr_drm_format_set *blit_get_render_formats(struct wlr_renderer *renderer) {
	struct wlr_renderer *pixman = blit_renderer_from(renderer)->pixman;
	return pixman->impl->get_render_formats(pixman);
}

static int blit_get_drm_fd(struct wlr_renderer *renderer) {
	return wlr_renderer_get_drm_fd(blit_renderer_from(renderer)->pixman);
}

static void blit_destroy(struct wlr_renderer *wlr_renderer) {
	struct blit_renderer *renderer = blit_renderer_from(wlr_renderer);
	/* Their users heard the destroy signal; what is left is ours to free,
	 * before pixman frees the textures inside them. */
	struct blit_texture *texture, *tmp;
	wl_list_for_each_safe(texture, tmp, &renderer->textures, link) {
		wlr_texture_destroy(&texture->base);
	}
	wlr_renderer_destroy(renderer->pixman);
	free(renderer);
}

static const struct wlr_renderer_impl blit_renderer_impl = {
	.get_texture_formats = blit_get_texture_formats,
	.get_render_formats = blit_get_render_formats,
	.destroy = blit_destroy,
	.get_drm_fd = blit_get_drm_fd,
	.texture_from_buffer = blit_texture_from_buffer,
	.begin_buffer_pass = blit_begin_buffer_pass,
};

struct wlr_renderer *blit_renderer_create(struct wlr_renderer *pixman) {
	if (pixman == NULL || !wlr_renderer_is_pixman(pixman)) {
		wlr_log(WLR_ERROR, "blit: needs wlroots' pixman renderer");
		wlr_renderer_destroy(pixman);
		return NULL;
	}
	struct blit_renderer *renderer = calloc(1, sizeof(*renderer));
	if (renderer == NULL) {
		wlr_log(WLR_ERROR, "blit: out of memory for the renderer");
		wlr_renderer_destroy(pixman);
		return NULL;
	}
	wlr_renderer_init(&renderer->base, &blit_renderer_impl, pixman->render_buffer_caps);
	renderer->base.features = pixman->features;
	renderer->pixman = pixman;
	wl_list_init(&renderer->textures);
	return &renderer->base;
}
