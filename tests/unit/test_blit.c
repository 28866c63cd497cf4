/*
 * render/blit.c against wlroots' pixman renderer: the same draws on the
 * same starting pixels must leave the same pixels, whichever of the two
 * did the work, and blit must do the copies it is there for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <drm_fourcc.h>
#include <wlr/interfaces/wlr_buffer.h>
#include <wlr/render/interface.h>
#include <wlr/render/pass.h>
#include <wlr/render/pixman.h>
#include <wlr/render/wlr_renderer.h>
#include <wlr/render/wlr_texture.h>
#include <wlr/util/log.h>
#include "compositor/render/blit.h"

/* ------------------------------------------------------ memory buffers */

struct mem_buffer {
	struct wlr_buffer base;
	uint32_t format;
	size_t stride;
	uint8_t *data;
	bool accessing;
};

static void mem_buffer_destroy(struct wlr_buffer *wlr_buffer) {
	struct mem_buffer *buffer = wl_container_of(wlr_buffer, buffer, base);
	free(buffer->data);
	free(buffer);
}

static bool mem_buffer_begin(struct wlr_buffer *wlr_buffer, uint32_t flags,
		void **data, uint32_t *format, size_t *stride) {
	(void)flags;
	struct mem_buffer *buffer = wl_container_of(wlr_buffer, buffer, base);
	assert_false(buffer->accessing);
	buffer->accessing = true;
	*data = buffer->data;
	*format = buffer->format;
	*stride = buffer->stride;
	return true;
}

static void mem_buffer_end(struct wlr_buffer *wlr_buffer) {
	struct mem_buffer *buffer = wl_container_of(wlr_buffer, buffer, base);
	assert_true(buffer->accessing);
	buffer->accessing = false;
}

static const struct wlr_buffer_impl mem_buffer_impl = {
	.destroy = mem_buffer_destroy,
	.begin_data_ptr_access = mem_buffer_begin,
	.end_data_ptr_access = mem_buffer_end,
};

static int format_bpp(uint32_t format) {
	return format == DRM_FORMAT_RGB565 ? 2 : 4;
}

/* A buffer with a stride padded past its width, as clients' often are. */
static struct mem_buffer *mem_buffer_create(int width, int height, uint32_t format,
		int pad) {
	struct mem_buffer *buffer = calloc(1, sizeof(*buffer));
	assert_non_null(buffer);
	wlr_buffer_init(&buffer->base, &mem_buffer_impl, width, height);
	buffer->format = format;
	buffer->stride = (size_t)(width + pad) * format_bpp(format);
	buffer->stride = (buffer->stride + 3) & ~(size_t)3;
	buffer->data = malloc(buffer->stride * height);
	assert_non_null(buffer->data);
	return buffer;
}

/* xorshift: the same cases on every run, so a failure names one. */
static uint32_t rng(uint64_t *state) {
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return (uint32_t)*state;
}

static int rng_range(uint64_t *state, int lo, int hi) {
	return lo + (int)(rng(state) % (uint32_t)(hi - lo + 1));
}

static void mem_buffer_fill(struct mem_buffer *buffer, uint64_t seed) {
	for (size_t i = 0; i < buffer->stride * buffer->base.height; i += 4) {
		uint32_t v = rng(&seed);
		memcpy(buffer->data + i, &v, 4);
	}
}

/* ------------------------------------------------------------- fixture */

struct pair {
	struct wlr_renderer *pixman; /* the reference */
	struct wlr_renderer *blit;
};

static int pair_setup(void **state) {
	struct pair *pair = calloc(1, sizeof(*pair));
	assert_non_null(pair);
	pair->pixman = wlr_pixman_renderer_create();
	assert_non_null(pair->pixman);
	pair->blit = blit_renderer_create(wlr_pixman_renderer_create());
	assert_non_null(pair->blit);
	assert_true(blit_renderer_is(pair->blit));
	*state = pair;
	return 0;
}

static int pair_teardown(void **state) {
	struct pair *pair = *state;
	wlr_renderer_destroy(pair->pixman);
	wlr_renderer_destroy(pair->blit);
	free(pair);
	return 0;
}

/* ---------------------------------------------------------- the draws */

struct draw_case {
	uint32_t target_format, texture_format;
	int target_w, target_h, tex_w, tex_h;
	struct wlr_fbox src_box;
	struct wlr_box dst_box;
	float alpha; /* < 0: no alpha given */
	enum wl_output_transform transform;
	enum wlr_render_blend_mode blend;
	int nclip; /* < 0: no clip region */
	pixman_box32_t clip[3];
	bool rect_after; /* a rectangle over the copy, in the same pass */
};

static void draw(struct wlr_renderer *renderer, struct mem_buffer *target,
		struct mem_buffer *source, const struct draw_case *c) {
	struct wlr_texture *texture = wlr_texture_from_buffer(renderer, &source->base);
	assert_non_null(texture);
	struct wlr_render_pass *pass =
		wlr_renderer_begin_buffer_pass(renderer, &target->base, NULL);
	assert_non_null(pass);
	pixman_region32_t clip;
	if (c->nclip >= 0) {
		pixman_region32_init_rects(&clip, c->clip, c->nclip);
	}
	wlr_render_pass_add_texture(pass, &(struct wlr_render_texture_options){
		.texture = texture,
		.src_box = c->src_box,
		.dst_box = c->dst_box,
		.alpha = c->alpha < 0 ? NULL : &c->alpha,
		.clip = c->nclip >= 0 ? &clip : NULL,
		.transform = c->transform,
		.blend_mode = c->blend,
	});
	if (c->rect_after) {
		wlr_render_pass_add_rect(pass, &(struct wlr_render_rect_options){
			.box = {.x = 3, .y = 2, .width = 9, .height = 5},
			.color = {.r = 0.25f, .g = 0.5f, .b = 0.125f, .a = 0.5f},
			.blend_mode = WLR_RENDER_BLEND_MODE_PREMULTIPLIED,
		});
	}
	assert_true(wlr_render_pass_submit(pass));
	if (c->nclip >= 0) {
		pixman_region32_fini(&clip);
	}
	wlr_texture_destroy(texture);
}

static const uint32_t formats[] = {
	DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888, DRM_FORMAT_XBGR8888, DRM_FORMAT_ABGR8888,
	DRM_FORMAT_RGB565,
};

static bool format_has_alpha(uint32_t format) {
	return format == DRM_FORMAT_ARGB8888 || format == DRM_FORMAT_ABGR8888;
}

static struct draw_case random_case(uint64_t *s) {
	struct draw_case c = {0};
	/* Mostly the case blit is for: a 32-bit window into a 32-bit output. */
	c.target_format = formats[rng_range(s, 0, 3)];
	c.texture_format = rng_range(s, 0, 5) == 0 ? formats[rng_range(s, 0, 4)] :
		(rng_range(s, 0, 1) ? c.target_format : formats[rng_range(s, 0, 3)]);
	c.target_w = rng_range(s, 1, 300);
	c.target_h = rng_range(s, 1, 200);
	c.tex_w = rng_range(s, 1, 320);
	c.tex_h = rng_range(s, 1, 120);
	if (rng_range(s, 0, 2) > 0) {
		double x = rng_range(s, 0, c.tex_w - 1), y = rng_range(s, 0, c.tex_h - 1);
		double w = rng_range(s, 1, c.tex_w - (int)x), h = rng_range(s, 1, c.tex_h - (int)y);
		if (rng_range(s, 0, 4) == 0 && w > 1 && h > 1) {
			/* A fractional crop, inside the texture: pixman rounds it. */
			x += 0.25;
			y += 0.5;
			w -= 0.75;
			h -= 0.5;
		}
		c.src_box = (struct wlr_fbox){x, y, w, h};
	}
	double sw = c.src_box.width > 0 ? c.src_box.width : c.tex_w;
	double sh = c.src_box.height > 0 ? c.src_box.height : c.tex_h;
	c.dst_box.x = rng_range(s, -c.tex_w, c.target_w);
	c.dst_box.y = rng_range(s, -c.tex_h, c.target_h);
	if (rng_range(s, 0, 3) == 0) {
		c.dst_box.width = rng_range(s, 1, 2 * c.tex_w);
		c.dst_box.height = rng_range(s, 1, 2 * c.tex_h);
	} else if (rng_range(s, 0, 1)) {
		c.dst_box.width = (int)(sw + 0.5);
		c.dst_box.height = (int)(sh + 0.5);
	}
	int a = rng_range(s, 0, 9);
	c.alpha = a < 6 ? -1 : a < 8 ? 1.0f : 0.5f;
	c.transform = rng_range(s, 0, 7) == 0 ? (enum wl_output_transform)rng_range(s, 1, 7) :
		WL_OUTPUT_TRANSFORM_NORMAL;
	c.blend = rng_range(s, 0, 1) ? WLR_RENDER_BLEND_MODE_NONE :
		WLR_RENDER_BLEND_MODE_PREMULTIPLIED;
	c.nclip = rng_range(s, -1, 3);
	for (int i = 0; i < c.nclip; i++) {
		int x = rng_range(s, -20, c.target_w), y = rng_range(s, -20, c.target_h);
		c.clip[i] = (pixman_box32_t){x, y, x + rng_range(s, 0, 200), y + rng_range(s, 0, 150)};
	}
	c.rect_after = rng_range(s, 0, 4) == 0;
	return c;
}

/*
 * The pixels of the two targets, compared as the formats define them:
 * the padding byte of an X format is nobody's to read.
 */
static void assert_same_pixels(const struct mem_buffer *want, const struct mem_buffer *got,
		int case_no) {
	uint32_t mask = format_has_alpha(want->format) ? 0xffffffffu : 0x00ffffffu;
	for (int y = 0; y < want->base.height; y++) {
		for (int x = 0; x < want->base.width; x++) {
			uint32_t a, b;
			memcpy(&a, want->data + (size_t)y * want->stride + (size_t)x * 4, 4);
			memcpy(&b, got->data + (size_t)y * got->stride + (size_t)x * 4, 4);
			if ((a & mask) != (b & mask)) {
				fail_msg("case %d: pixel (%d,%d) is %08x, pixman drew %08x",
					case_no, x, y, b, a);
			}
		}
	}
}

static void test_same_pixels_as_pixman(void **state) {
	struct pair *pair = *state;
	uint64_t seed = 0x9e3779b97f4a7c15u;
	unsigned long copies_before = blit_renderer_copies(pair->blit);
	int fast = 0;
	enum { CASES = 3000 };
	for (int i = 0; i < CASES; i++) {
		struct draw_case c = random_case(&seed);
		struct mem_buffer *source = mem_buffer_create(c.tex_w, c.tex_h, c.texture_format,
			rng_range(&seed, 0, 17));
		mem_buffer_fill(source, seed + 1);
		struct mem_buffer *want = mem_buffer_create(c.target_w, c.target_h,
			c.target_format, rng_range(&seed, 0, 9));
		struct mem_buffer *got = mem_buffer_create(c.target_w, c.target_h,
			c.target_format, (int)(want->stride / 4) - c.target_w);
		mem_buffer_fill(want, seed + 2);
		memcpy(got->data, want->data, want->stride * c.target_h);

		unsigned long before = blit_renderer_copies(pair->blit);
		draw(pair->pixman, want, source, &c);
		draw(pair->blit, got, source, &c);
		fast += blit_renderer_copies(pair->blit) != before;
		assert_same_pixels(want, got, i);

		wlr_buffer_drop(&source->base);
		wlr_buffer_drop(&want->base);
		wlr_buffer_drop(&got->base);
	}
	/* The cases are a mix: blit must have copied a good share itself,
	 * else this compared pixman with pixman. */
	assert_int_equal(blit_renderer_copies(pair->blit) - copies_before, (unsigned long)fast);
	print_message("blit copied %d of %d draws itself\n", fast, CASES);
	assert_true(fast > CASES / 10);
	assert_true(fast < CASES * 9 / 10);
}

/* The window copy itself, large enough to go around the cache, at every
 * alignment of the target row, through a clip with holes. */
static void test_streamed_copy_alignments(void **state) {
	struct pair *pair = *state;
	for (int x = 0; x < 8; x++) {
		struct draw_case c = {
			.target_format = DRM_FORMAT_XRGB8888, .texture_format = DRM_FORMAT_XRGB8888,
			.target_w = 700, .target_h = 300, .tex_w = 517, .tex_h = 250,
			.dst_box = {.x = x, .y = 3},
			.alpha = -1, .blend = WLR_RENDER_BLEND_MODE_NONE,
			.nclip = 2,
			.clip = {{0, 0, 700, 100}, {x + 1, 120, x + 500, 290}},
		};
		struct mem_buffer *source = mem_buffer_create(c.tex_w, c.tex_h, c.texture_format, x);
		mem_buffer_fill(source, 77 + x);
		struct mem_buffer *want = mem_buffer_create(c.target_w, c.target_h, c.target_format, 0);
		struct mem_buffer *got = mem_buffer_create(c.target_w, c.target_h, c.target_format, 0);
		mem_buffer_fill(want, 5);
		memcpy(got->data, want->data, want->stride * c.target_h);
		unsigned long before = blit_renderer_copies(pair->blit);
		draw(pair->pixman, want, source, &c);
		draw(pair->blit, got, source, &c);
		assert_int_equal(blit_renderer_copies(pair->blit), before + 1);
		assert_same_pixels(want, got, x);
		wlr_buffer_drop(&source->base);
		wlr_buffer_drop(&want->base);
		wlr_buffer_drop(&got->base);
	}
}

/* What blit does not copy goes to pixman: a translucent source blended. */
static void test_blend_left_to_pixman(void **state) {
	struct pair *pair = *state;
	struct draw_case c = {
		.target_format = DRM_FORMAT_XRGB8888, .texture_format = DRM_FORMAT_ARGB8888,
		.target_w = 64, .target_h = 64, .tex_w = 32, .tex_h = 32,
		.dst_box = {.x = 10, .y = 10}, .alpha = -1,
		.blend = WLR_RENDER_BLEND_MODE_PREMULTIPLIED, .nclip = -1,
	};
	struct mem_buffer *source = mem_buffer_create(32, 32, DRM_FORMAT_ARGB8888, 0);
	for (int i = 0; i < 32 * 32; i++) {
		uint32_t half_red = 0x80800000u;
		memcpy(source->data + i * 4, &half_red, 4);
	}
	struct mem_buffer *got = mem_buffer_create(64, 64, DRM_FORMAT_XRGB8888, 0);
	for (int i = 0; i < 64 * 64; i++) {
		uint32_t blue = 0xff0000ffu;
		memcpy(got->data + i * 4, &blue, 4);
	}
	unsigned long before = blit_renderer_copies(pair->blit);
	draw(pair->blit, got, source, &c);
	assert_int_equal(blit_renderer_copies(pair->blit), before);
	uint32_t px;
	memcpy(&px, got->data + (20 * 64 + 20) * 4, 4);
	/* Half red over blue, not red. */
	assert_int_equal(px & 0xffffff, 0x80007f);
	wlr_buffer_drop(&source->base);
	wlr_buffer_drop(&got->base);
}

/* Textures read back, and outlive nothing: the renderer frees what its
 * users left behind (LeakSanitizer holds this in the ASan build). */
static void test_texture_life(void **state) {
	(void)state;
	struct wlr_renderer *renderer = blit_renderer_create(wlr_pixman_renderer_create());
	assert_non_null(renderer);
	struct mem_buffer *source = mem_buffer_create(4, 2, DRM_FORMAT_ARGB8888, 0);
	mem_buffer_fill(source, 3);
	struct wlr_texture *texture = wlr_texture_from_buffer(renderer, &source->base);
	assert_non_null(texture);
	assert_int_equal(texture->width, 4);
	assert_int_equal(texture->height, 2);
	assert_ptr_equal(texture->renderer, renderer);
	uint32_t back[8];
	assert_true(wlr_texture_read_pixels(texture, &(struct wlr_texture_read_pixels_options){
		.data = back, .format = DRM_FORMAT_ARGB8888, .stride = 16,
	}));
	assert_memory_equal(back, source->data, sizeof(back));
	/* The texture is left alive on purpose: destroying the renderer frees
	 * it, and with it the last hold on the buffer. */
	wlr_buffer_drop(&source->base);
	wlr_renderer_destroy(renderer);
}

static void test_needs_pixman(void **state) {
	(void)state;
	assert_null(blit_renderer_create(NULL));
	struct wlr_renderer *wrapped = blit_renderer_create(wlr_pixman_renderer_create());
	assert_non_null(wrapped);
	/* blit over blit is refused, and the one given is destroyed with it. */
	assert_null(blit_renderer_create(wrapped));
}

int main(void) {
	wlr_log_init(WLR_ERROR, NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_same_pixels_as_pixman, pair_setup, pair_teardown),
		cmocka_unit_test_setup_teardown(test_streamed_copy_alignments, pair_setup, pair_teardown),
		cmocka_unit_test_setup_teardown(test_blend_left_to_pixman, pair_setup, pair_teardown),
		cmocka_unit_test(test_texture_life),
		cmocka_unit_test(test_needs_pixman),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
