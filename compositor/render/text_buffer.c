#include <drm_fourcc.h>
#include <math.h>
#include <stdlib.h>
#include <wlr/interfaces/wlr_buffer.h>
#include <wlr/util/log.h>
#include "compositor/render/text_internal.h"

/*
 * CAIRO_FORMAT_ARGB32 is premultiplied ARGB in a native-endian 32-bit
 * word. DRM formats name the word in little-endian byte order, so the same
 * pixels are ARGB8888 on little-endian machines and BGRA8888 (bytes A, R,
 * G, B in memory) on big-endian ones.
 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define CAIRO_ARGB32_DRM_FORMAT DRM_FORMAT_ARGB8888
#else
#define CAIRO_ARGB32_DRM_FORMAT DRM_FORMAT_BGRA8888
#endif

static void buffer_destroy(struct wlr_buffer *wlr_buffer) {
	struct text_buffer *buffer = wl_container_of(wlr_buffer, buffer, base);
	cairo_destroy(buffer->cairo);
	cairo_surface_destroy(buffer->surface);
	free(buffer);
}

static bool buffer_begin_data_ptr_access(struct wlr_buffer *wlr_buffer,
		uint32_t flags, void **data, uint32_t *format, size_t *stride) {
	struct text_buffer *buffer = wl_container_of(wlr_buffer, buffer, base);
	/*
	 * Consumers only read: the pixman renderer keeps this pointer for the
	 * texture's lifetime and GLES copies it once, so a writer would make
	 * the two disagree. Nothing of cordon's renders into these buffers.
	 */
	if (flags & WLR_BUFFER_DATA_PTR_ACCESS_WRITE) {
		wlr_log(WLR_DEBUG, "text_buffer: write access to a %dx%d buffer refused",
			wlr_buffer->width, wlr_buffer->height);
		return false;
	}
	cairo_surface_flush(buffer->surface);
	*data = cairo_image_surface_get_data(buffer->surface);
	*format = CAIRO_ARGB32_DRM_FORMAT;
	*stride = (size_t)cairo_image_surface_get_stride(buffer->surface);
	return true;
}

static void buffer_end_data_ptr_access(struct wlr_buffer *wlr_buffer) {
	/* Nothing to release: the pixels live as long as the buffer. */
}

static const struct wlr_buffer_impl buffer_impl = {
	.destroy = buffer_destroy,
	.begin_data_ptr_access = buffer_begin_data_ptr_access,
	.end_data_ptr_access = buffer_end_data_ptr_access,
};

/*
 * ceil(logical * scale), or -1 when it is not within 1..max. cordon does
 * not link libm, hence no ceil(). The small bias absorbs float error, so
 * that 100 at scale 1.1f gives 110 and not 111.
 */
static int scaled_size(int logical, float scale) {
	double px = (double)logical * scale - 1e-3;
	if (!(px > 0) || px > TEXT_BUFFER_MAX_PIXELS) {
		return -1;
	}
	int whole = (int)px;
	return whole < px ? whole + 1 : whole;
}

struct text_buffer *text_buffer_create(int width, int height, float scale) {
	if (!(scale > 0) || !isfinite(scale)) {
		wlr_log(WLR_ERROR, "text_buffer: scale %f is not positive, using 1",
			(double)scale);
		scale = 1;
	}
	int px_width = width > 0 ? scaled_size(width, scale) : -1;
	int px_height = height > 0 ? scaled_size(height, scale) : -1;
	if (px_width < 0 || px_height < 0) {
		wlr_log(WLR_ERROR, "text_buffer: cannot make a %dx%d buffer at scale %.3f "
			"(limit %d pixels a side)", width, height, (double)scale,
			TEXT_BUFFER_MAX_PIXELS);
		return NULL;
	}

	struct text_buffer *buffer = calloc(1, sizeof(*buffer));
	if (buffer == NULL) {
		wlr_log_errno(WLR_ERROR, "text_buffer: allocation failed");
		return NULL;
	}
	buffer->surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
		px_width, px_height);
	cairo_status_t status = cairo_surface_status(buffer->surface);
	if (status != CAIRO_STATUS_SUCCESS) {
		wlr_log(WLR_ERROR, "text_buffer: cairo surface %dx%d: %s",
			px_width, px_height, cairo_status_to_string(status));
		cairo_surface_destroy(buffer->surface);
		free(buffer);
		return NULL;
	}
	buffer->cairo = cairo_create(buffer->surface);
	status = cairo_status(buffer->cairo);
	if (status != CAIRO_STATUS_SUCCESS) {
		wlr_log(WLR_ERROR, "text_buffer: cairo context %dx%d: %s",
			px_width, px_height, cairo_status_to_string(status));
		cairo_destroy(buffer->cairo);
		cairo_surface_destroy(buffer->surface);
		free(buffer);
		return NULL;
	}
	/*
	 * Map the logical box exactly onto the pixels (the rounding up makes
	 * the two factors differ slightly from scale): the scene stretches the
	 * buffer back onto the same logical box, so what is drawn at logical x
	 * lands at logical x.
	 */
	cairo_scale(buffer->cairo, (double)px_width / width,
		(double)px_height / height);
	wlr_buffer_init(&buffer->base, &buffer_impl, px_width, px_height);
	return buffer;
}

struct wlr_buffer *text_buffer_get_buffer(struct text_buffer *buffer) {
	return &buffer->base;
}

cairo_t *text_buffer_get_cairo(struct text_buffer *buffer) {
	return buffer->cairo;
}

struct text_buffer *text_buffer_from_buffer(struct wlr_buffer *wlr_buffer) {
	if (wlr_buffer == NULL || wlr_buffer->impl != &buffer_impl) {
		return NULL;
	}
	struct text_buffer *buffer = wl_container_of(wlr_buffer, buffer, base);
	return buffer;
}
