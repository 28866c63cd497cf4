#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <drm_fourcc.h>
#include <wayland-server-protocol.h>
#include <wlr/interfaces/wlr_buffer.h>
#include <wlr/render/drm_format_set.h>
#include <wlr/render/wlr_renderer.h>
#include <wlr/util/log.h>
#include "compositor/render/shm.h"

#define SHM_VERSION 2

/* The formats cordon can describe (bytes per pixel, one plane). */
static const struct {
	uint32_t drm;
	uint8_t bpp;
} shm_known[] = {
	{DRM_FORMAT_ARGB8888, 4}, {DRM_FORMAT_XRGB8888, 4},
	{DRM_FORMAT_ABGR8888, 4}, {DRM_FORMAT_XBGR8888, 4},
	{DRM_FORMAT_RGBA8888, 4}, {DRM_FORMAT_RGBX8888, 4},
	{DRM_FORMAT_BGRA8888, 4}, {DRM_FORMAT_BGRX8888, 4},
	{DRM_FORMAT_ARGB2101010, 4}, {DRM_FORMAT_XRGB2101010, 4},
	{DRM_FORMAT_ABGR2101010, 4}, {DRM_FORMAT_XBGR2101010, 4},
	{DRM_FORMAT_RGB565, 2}, {DRM_FORMAT_BGR565, 2},
	{DRM_FORMAT_ARGB1555, 2}, {DRM_FORMAT_XRGB1555, 2},
	{DRM_FORMAT_ARGB4444, 2}, {DRM_FORMAT_XRGB4444, 2},
	{DRM_FORMAT_RGB888, 3}, {DRM_FORMAT_BGR888, 3},
	{DRM_FORMAT_ABGR16161616F, 8}, {DRM_FORMAT_XBGR16161616F, 8},
	{DRM_FORMAT_ABGR16161616, 8}, {DRM_FORMAT_XBGR16161616, 8},
};
#define SHM_KNOWN (sizeof(shm_known) / sizeof(shm_known[0]))

struct cordon_shm {
	struct wl_global *global;
	/* Advertised: the renderer's memory formats that cordon knows. */
	uint32_t drm_formats[SHM_KNOWN];
	uint8_t bpp[SHM_KNOWN];
	size_t n_formats;
};

/*
 * One mmap of a pool's file. A resize makes a new one; the old one lives
 * on while an access that began on it has not ended.
 */
struct shm_mapping {
	struct shm_mapping *prev, *next;   /* shm_sigbus.mappings */
	void *data;
	size_t size;
	int refs;                           /* the pool while current, accesses */
	/* Set by the SIGBUS handler: the file went short under this mapping. */
	volatile sig_atomic_t truncated;
};

/*
 * The only process-wide state in cordon. A signal handler gets no user
 * data, so the mappings it checks and the handler it stands in front of
 * live here, shared by every cordon in the process (tests and fuzzers run
 * several servers in one). Changed only on the main thread, never while
 * a mapping is being read, which is the only time SIGBUS comes from it.
 */
static struct {
	unsigned users;                     /* shm globals and mappings alive */
	struct sigaction previous;
	struct shm_mapping *mappings;
} shm_sigbus;

struct shm_pool {
	struct wl_resource *resource;       /* NULL once the client destroyed it */
	struct cordon_shm *shm;
	struct shm_mapping *mapping;
	int fd;
	bool writable;
	bool reported;                      /* its truncation was posted */
	int refs;                           /* the resource and each buffer */
};

struct shm_buffer {
	struct wlr_buffer base;
	struct wl_resource *resource;       /* NULL once the client destroyed it */
	struct shm_pool *pool;
	struct shm_mapping *accessing;      /* during a data-pointer access */
	uint32_t drm_format;
	int32_t offset, stride;
	struct wl_listener release;
};

static void handle_sigbus(int sig, siginfo_t *info, void *context) {
	uintptr_t addr = (uintptr_t)info->si_addr;
	for (struct shm_mapping *m = shm_sigbus.mappings; m != NULL; m = m->next) {
		uintptr_t start = (uintptr_t)m->data;
		if (addr < start || addr - start >= m->size) {
			continue;
		}
		/*
		 * The client shrank the file under its pool: zero pages in its
		 * place, so the access that faulted reads zeroes and cordon goes
		 * on. (mmap is a plain system call on Linux, safe here.)
		 */
		if (mmap(m->data, m->size, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, 0) != MAP_FAILED) {
			m->truncated = 1;
			return;
		}
		break;
	}
	/* Not a pool: what would have happened without cordon's handler. */
	if (shm_sigbus.previous.sa_flags & SA_SIGINFO) {
		shm_sigbus.previous.sa_sigaction(sig, info, context);
	} else if (shm_sigbus.previous.sa_handler == SIG_DFL ||
			shm_sigbus.previous.sa_handler == SIG_IGN) {
		/* Default action: at once (a sent signal), or when the access runs again. */
		signal(SIGBUS, SIG_DFL);
		raise(SIGBUS);
	} else {
		shm_sigbus.previous.sa_handler(sig);
	}
}

static bool shm_sigbus_hold(void) {
	if (shm_sigbus.users == 0) {
		struct sigaction action = {
			.sa_sigaction = handle_sigbus,
			.sa_flags = SA_SIGINFO | SA_NODEFER,
		};
		sigemptyset(&action.sa_mask);
		if (sigaction(SIGBUS, &action, &shm_sigbus.previous) != 0) {
			wlr_log_errno(WLR_ERROR, "shm: cannot install the SIGBUS handler");
			return false;
		}
	}
	shm_sigbus.users++;
	return true;
}

static void shm_sigbus_release(void) {
	if (--shm_sigbus.users == 0 && sigaction(SIGBUS, &shm_sigbus.previous, NULL) != 0) {
		wlr_log_errno(WLR_ERROR, "shm: cannot restore the previous SIGBUS handler");
	}
}

static struct shm_mapping *shm_mapping_create(int fd, size_t size, bool *writable) {
	*writable = true;
	void *data = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (data == MAP_FAILED && errno == EACCES) {
		*writable = false;
		data = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	}
	if (data == MAP_FAILED) {
		wlr_log_errno(WLR_DEBUG, "shm: cannot map a pool of %zu bytes", size);
		return NULL;
	}
	struct shm_mapping *m = calloc(1, sizeof(*m));
	if (m == NULL || !shm_sigbus_hold()) {
		wlr_log(WLR_ERROR, "shm: out of memory for a pool of %zu bytes", size);
		free(m);
		munmap(data, size);
		return NULL;
	}
	m->data = data;
	m->size = size;
	m->refs = 1;
	m->next = shm_sigbus.mappings;
	if (m->next != NULL) {
		m->next->prev = m;
	}
	shm_sigbus.mappings = m;
	return m;
}

static void shm_mapping_unref(struct shm_mapping *m) {
	if (--m->refs > 0) {
		return;
	}
	if (m->prev != NULL) {
		m->prev->next = m->next;
	} else {
		shm_sigbus.mappings = m->next;
	}
	if (m->next != NULL) {
		m->next->prev = m->prev;
	}
	munmap(m->data, m->size);
	free(m);
	shm_sigbus_release();
}

static void shm_pool_unref(struct shm_pool *pool) {
	if (--pool->refs > 0) {
		return;
	}
	shm_mapping_unref(pool->mapping);
	close(pool->fd);
	free(pool);
}

/* ---- wl_buffer ---- */

static const struct wl_buffer_interface shm_buffer_impl;

static bool shm_buffer_is_instance(struct wl_resource *resource) {
	return wl_resource_instance_of(resource, &wl_buffer_interface, &shm_buffer_impl);
}

static struct wlr_buffer *shm_buffer_from_resource(struct wl_resource *resource) {
	struct shm_buffer *buffer = wl_resource_get_user_data(resource);
	return &buffer->base;
}

static const struct wlr_buffer_resource_interface shm_resource_interface = {
	.name = "cordon wl_shm",
	.is_instance = shm_buffer_is_instance,
	.from_resource = shm_buffer_from_resource,
};

static void shm_buffer_destroy(struct wlr_buffer *wlr_buffer) {
	struct shm_buffer *buffer = wl_container_of(wlr_buffer, buffer, base);
	wl_list_remove(&buffer->release.link);
	shm_pool_unref(buffer->pool);
	free(buffer);
}

static bool shm_buffer_get_shm(struct wlr_buffer *wlr_buffer, struct wlr_shm_attributes *attrs) {
	struct shm_buffer *buffer = wl_container_of(wlr_buffer, buffer, base);
	*attrs = (struct wlr_shm_attributes){
		.fd = buffer->pool->fd,
		.format = buffer->drm_format,
		.width = buffer->base.width,
		.height = buffer->base.height,
		.stride = buffer->stride,
		.offset = buffer->offset,
	};
	return true;
}

static bool shm_buffer_begin_access(struct wlr_buffer *wlr_buffer, uint32_t flags,
		void **data, uint32_t *format, size_t *stride) {
	struct shm_buffer *buffer = wl_container_of(wlr_buffer, buffer, base);
	if ((flags & WLR_BUFFER_DATA_PTR_ACCESS_WRITE) && !buffer->pool->writable) {
		wlr_log(WLR_DEBUG, "shm: a read-only pool cannot be written to");
		return false;
	}
	/* The pool may be resized during the access: keep this mapping. */
	buffer->accessing = buffer->pool->mapping;
	buffer->accessing->refs++;
	*data = (char *)buffer->accessing->data + buffer->offset;
	*format = buffer->drm_format;
	*stride = (size_t)buffer->stride;
	return true;
}

static void shm_buffer_end_access(struct wlr_buffer *wlr_buffer) {
	struct shm_buffer *buffer = wl_container_of(wlr_buffer, buffer, base);
	/*
	 * The client truncated the file under its pool while cordon read it:
	 * the error wl_shm has for it, once; the client's connection ends
	 * after this dispatch, and what was read meanwhile was zeroes.
	 */
	if (buffer->accessing->truncated && buffer->resource != NULL &&
			!buffer->pool->reported) {
		buffer->pool->reported = true;
		wl_resource_post_error(buffer->resource, WL_SHM_ERROR_INVALID_FD,
			"the file of this buffer's pool was truncated to less than the pool's "
			"%zu bytes", buffer->accessing->size);
	}
	shm_mapping_unref(buffer->accessing);
	buffer->accessing = NULL;
}

static const struct wlr_buffer_impl shm_wlr_buffer_impl = {
	.destroy = shm_buffer_destroy,
	.get_shm = shm_buffer_get_shm,
	.begin_data_ptr_access = shm_buffer_begin_access,
	.end_data_ptr_access = shm_buffer_end_access,
};

static void shm_buffer_handle_destroy_request(struct wl_client *client,
		struct wl_resource *resource) {
	wl_resource_destroy(resource);
}

static const struct wl_buffer_interface shm_buffer_impl = {
	.destroy = shm_buffer_handle_destroy_request,
};

static void handle_buffer_release(struct wl_listener *listener, void *data) {
	struct shm_buffer *buffer = wl_container_of(listener, buffer, release);
	if (buffer->resource != NULL) {
		wl_buffer_send_release(buffer->resource);
	}
}

static void shm_buffer_handle_resource_destroy(struct wl_resource *resource) {
	struct shm_buffer *buffer = wl_resource_get_user_data(resource);
	buffer->resource = NULL;
	wlr_buffer_drop(&buffer->base);
}

/* ---- wl_shm_pool ---- */

static const struct wl_shm_pool_interface shm_pool_impl;

static struct shm_pool *shm_pool_from_resource(struct wl_resource *resource) {
	return wl_resource_get_user_data(resource);
}

static int shm_format_index(const struct cordon_shm *shm, uint32_t drm) {
	for (size_t i = 0; i < shm->n_formats; i++) {
		if (shm->drm_formats[i] == drm) {
			return (int)i;
		}
	}
	return -1;
}

static uint32_t shm_to_drm(uint32_t wl_format) {
	switch (wl_format) {
	case WL_SHM_FORMAT_ARGB8888:
		return DRM_FORMAT_ARGB8888;
	case WL_SHM_FORMAT_XRGB8888:
		return DRM_FORMAT_XRGB8888;
	default:
		return wl_format;
	}
}

static uint32_t shm_from_drm(uint32_t drm) {
	switch (drm) {
	case DRM_FORMAT_ARGB8888:
		return WL_SHM_FORMAT_ARGB8888;
	case DRM_FORMAT_XRGB8888:
		return WL_SHM_FORMAT_XRGB8888;
	default:
		return drm;
	}
}

static void shm_pool_handle_create_buffer(struct wl_client *client,
		struct wl_resource *pool_resource, uint32_t id, int32_t offset, int32_t width,
		int32_t height, int32_t stride, uint32_t format) {
	struct shm_pool *pool = shm_pool_from_resource(pool_resource);
	int index = shm_format_index(pool->shm, shm_to_drm(format));
	if (index < 0) {
		wl_resource_post_error(pool_resource, WL_SHM_ERROR_INVALID_FORMAT,
			"format 0x%08x was not advertised", format);
		return;
	}
	uint64_t bpp = pool->shm->bpp[index];
	/* 64-bit products: no int32 combination overflows them. */
	if (offset < 0 || width <= 0 || height <= 0 || stride <= 0 ||
			(uint64_t)stride < (uint64_t)width * bpp || (uint64_t)stride % bpp != 0 ||
			(uint64_t)offset + (uint64_t)stride * (uint64_t)height > pool->mapping->size) {
		wl_resource_post_error(pool_resource, WL_SHM_ERROR_INVALID_STRIDE,
			"buffer %dx%d, stride %d, offset %d does not fit a pool of %zu bytes "
			"in %u-byte pixels", width, height, stride, offset, pool->mapping->size,
			(unsigned)bpp);
		return;
	}
	struct shm_buffer *buffer = calloc(1, sizeof(*buffer));
	if (buffer == NULL) {
		wl_resource_post_no_memory(pool_resource);
		return;
	}
	buffer->resource = wl_resource_create(client, &wl_buffer_interface, 1, id);
	if (buffer->resource == NULL) {
		free(buffer);
		wl_resource_post_no_memory(pool_resource);
		return;
	}
	buffer->pool = pool;
	pool->refs++;
	buffer->offset = offset;
	buffer->stride = stride;
	buffer->drm_format = pool->shm->drm_formats[index];
	wlr_buffer_init(&buffer->base, &shm_wlr_buffer_impl, width, height);
	wl_resource_set_implementation(buffer->resource, &shm_buffer_impl, buffer,
		shm_buffer_handle_resource_destroy);
	buffer->release.notify = handle_buffer_release;
	wl_signal_add(&buffer->base.events.release, &buffer->release);
}

static void shm_pool_handle_destroy_request(struct wl_client *client,
		struct wl_resource *resource) {
	wl_resource_destroy(resource);
}

static void shm_pool_handle_resize(struct wl_client *client, struct wl_resource *resource,
		int32_t size) {
	struct shm_pool *pool = shm_pool_from_resource(resource);
	if (size <= 0 || (size_t)size < pool->mapping->size) {
		wl_resource_post_error(resource, WL_SHM_ERROR_INVALID_STRIDE,
			"a pool of %zu bytes cannot shrink to %d", pool->mapping->size, size);
		return;
	}
	if ((size_t)size == pool->mapping->size) {
		return;
	}
	bool writable;
	struct shm_mapping *m = shm_mapping_create(pool->fd, (size_t)size, &writable);
	if (m == NULL) {
		wl_resource_post_error(resource, WL_SHM_ERROR_INVALID_FD,
			"cannot map the pool's file at %d bytes", size);
		return;
	}
	shm_mapping_unref(pool->mapping);
	pool->mapping = m;
	pool->writable = writable;
}

static const struct wl_shm_pool_interface shm_pool_impl = {
	.create_buffer = shm_pool_handle_create_buffer,
	.destroy = shm_pool_handle_destroy_request,
	.resize = shm_pool_handle_resize,
};

static void shm_pool_handle_resource_destroy(struct wl_resource *resource) {
	struct shm_pool *pool = shm_pool_from_resource(resource);
	pool->resource = NULL;
	shm_pool_unref(pool);
}

/* ---- wl_shm ---- */

static void shm_handle_create_pool(struct wl_client *client, struct wl_resource *resource,
		uint32_t id, int fd, int32_t size) {
	struct cordon_shm *shm = wl_resource_get_user_data(resource);
	if (size <= 0) {
		wl_resource_post_error(resource, WL_SHM_ERROR_INVALID_STRIDE,
			"a pool of %d bytes", size);
		close(fd);
		return;
	}
	struct shm_pool *pool = calloc(1, sizeof(*pool));
	if (pool == NULL) {
		wl_resource_post_no_memory(resource);
		close(fd);
		return;
	}
	pool->mapping = shm_mapping_create(fd, (size_t)size, &pool->writable);
	if (pool->mapping == NULL) {
		wl_resource_post_error(resource, WL_SHM_ERROR_INVALID_FD,
			"cannot map the file of a %d-byte pool", size);
		free(pool);
		close(fd);
		return;
	}
	pool->resource = wl_resource_create(client, &wl_shm_pool_interface,
		wl_resource_get_version(resource), id);
	if (pool->resource == NULL) {
		shm_mapping_unref(pool->mapping);
		free(pool);
		close(fd);
		wl_resource_post_no_memory(resource);
		return;
	}
	pool->shm = shm;
	pool->fd = fd;
	pool->refs = 1;
	wl_resource_set_implementation(pool->resource, &shm_pool_impl, pool,
		shm_pool_handle_resource_destroy);
}

static void shm_handle_release(struct wl_client *client, struct wl_resource *resource) {
	wl_resource_destroy(resource);
}

static const struct wl_shm_interface shm_impl = {
	.create_pool = shm_handle_create_pool,
	.release = shm_handle_release,
};

static void shm_bind(struct wl_client *client, void *data, uint32_t version, uint32_t id) {
	struct cordon_shm *shm = data;
	struct wl_resource *resource = wl_resource_create(client, &wl_shm_interface, version, id);
	if (resource == NULL) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(resource, &shm_impl, shm, NULL);
	for (size_t i = 0; i < shm->n_formats; i++) {
		wl_shm_send_format(resource, shm_from_drm(shm->drm_formats[i]));
	}
}

struct cordon_shm *shm_create(struct wl_display *display, struct wlr_renderer *renderer) {
	const struct wlr_drm_format_set *have =
		wlr_renderer_get_texture_formats(renderer, WLR_BUFFER_CAP_DATA_PTR);
	if (have == NULL) {
		wlr_log(WLR_ERROR, "shm: the renderer reads no buffers from memory");
		return NULL;
	}
	struct cordon_shm *shm = calloc(1, sizeof(*shm));
	if (shm == NULL) {
		wlr_log(WLR_ERROR, "shm: out of memory");
		return NULL;
	}
	for (size_t i = 0; i < SHM_KNOWN; i++) {
		if (wlr_drm_format_set_get(have, shm_known[i].drm) != NULL) {
			shm->drm_formats[shm->n_formats] = shm_known[i].drm;
			shm->bpp[shm->n_formats] = shm_known[i].bpp;
			shm->n_formats++;
		}
	}
	/* wl_shm promises these two to every client. */
	if (shm_format_index(shm, DRM_FORMAT_ARGB8888) < 0 ||
			shm_format_index(shm, DRM_FORMAT_XRGB8888) < 0) {
		wlr_log(WLR_ERROR, "shm: the renderer cannot read ARGB8888 and XRGB8888 from memory");
		free(shm);
		return NULL;
	}
	if (!shm_sigbus_hold()) {
		free(shm);
		return NULL;
	}
	shm->global = wl_global_create(display, &wl_shm_interface, SHM_VERSION, shm, shm_bind);
	if (shm->global == NULL) {
		wlr_log(WLR_ERROR, "shm: cannot create the wl_shm global");
		shm_sigbus_release();
		free(shm);
		return NULL;
	}
	wlr_buffer_register_resource_interface(&shm_resource_interface);
	return shm;
}

struct wl_global *shm_global(struct cordon_shm *shm) {
	return shm->global;
}

void shm_destroy(struct cordon_shm *shm) {
	if (shm == NULL) {
		return;
	}
	wl_global_destroy(shm->global);
	shm_sigbus_release();
	free(shm);
}
