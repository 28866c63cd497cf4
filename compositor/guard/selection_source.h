#ifndef CORDON_GUARD_SELECTION_SOURCE_H
#define CORDON_GUARD_SELECTION_SOURCE_H

#include <wayland-server-core.h>
#include <wlr/types/wlr_data_device.h>
#include <wlr/types/wlr_primary_selection.h>
#include "compositor/guard/clipboard_internal.h"

/*
 * A source cordon makes for either selection: a wlr_data_source for the
 * clipboard, a wlr_primary_selection_source for the primary selection.
 * wlroots calls both kinds through their own impl types; these come to
 * one impl whatever the kind, so each of cordon's sources (the seat's
 * proxies in clipboard.c, a clipboard manager's in data_control.c) is
 * written once for both.
 */
struct selection_source;

struct selection_source_impl {
	/* Write the data as mime to fd, and close fd. */
	void (*send)(struct selection_source *source, const char *mime, int fd);
	/* wlroots is done with it: free what holds it. */
	void (*destroy)(struct selection_source *source);
};

struct selection_source {
	enum clip_kind kind;
	const struct selection_source_impl *impl;
	union {
		struct wlr_data_source data;                /* CLIP_CLIPBOARD */
		struct wlr_primary_selection_source primary; /* CLIP_PRIMARY */
	};
};

/* Starts it as kind's source offering mimes (char *), which it takes: mimes is left empty. */
void selection_source_init(struct selection_source *source, enum clip_kind kind,
	const struct selection_source_impl *impl, struct wl_array *mimes);
/* The wlroots source, for the seat or a clip_record: &data or &primary. */
void *selection_source_wlr(struct selection_source *source);
/* Destroys the wlroots source, which calls impl->destroy. */
void selection_source_destroy(struct selection_source *source);

#endif
