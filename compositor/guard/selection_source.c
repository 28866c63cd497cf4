#include "compositor/guard/selection_source.h"

static void data_send(struct wlr_data_source *base, const char *mime, int32_t fd) {
	struct selection_source *source = wl_container_of(base, source, data);
	source->impl->send(source, mime, fd);
}

static void data_destroy(struct wlr_data_source *base) {
	struct selection_source *source = wl_container_of(base, source, data);
	source->impl->destroy(source);
}

static const struct wlr_data_source_impl data_impl = {
	.send = data_send,
	.destroy = data_destroy,
};

static void primary_send(struct wlr_primary_selection_source *base, const char *mime,
		int fd) {
	struct selection_source *source = wl_container_of(base, source, primary);
	source->impl->send(source, mime, fd);
}

static void primary_destroy(struct wlr_primary_selection_source *base) {
	struct selection_source *source = wl_container_of(base, source, primary);
	source->impl->destroy(source);
}

static const struct wlr_primary_selection_source_impl primary_impl = {
	.send = primary_send,
	.destroy = primary_destroy,
};

void selection_source_init(struct selection_source *source, enum clip_kind kind,
		const struct selection_source_impl *impl, struct wl_array *mimes) {
	source->kind = kind;
	source->impl = impl;
	struct wl_array *types;
	if (kind == CLIP_CLIPBOARD) {
		wlr_data_source_init(&source->data, &data_impl);
		types = &source->data.mime_types;
	} else {
		wlr_primary_selection_source_init(&source->primary, &primary_impl);
		types = &source->primary.mime_types;
	}
	wl_array_release(types);
	*types = *mimes;
	wl_array_init(mimes);
}

void *selection_source_wlr(struct selection_source *source) {
	if (source->kind == CLIP_CLIPBOARD) {
		return &source->data;
	}
	return &source->primary;
}

void selection_source_destroy(struct selection_source *source) {
	if (source->kind == CLIP_CLIPBOARD) {
		wlr_data_source_destroy(&source->data);
	} else {
		wlr_primary_selection_source_destroy(&source->primary);
	}
}
