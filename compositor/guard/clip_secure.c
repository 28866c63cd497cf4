#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wlr/types/wlr_data_device.h>
#include <wlr/util/log.h>
#include "compositor/domain/domain.h"
#include "compositor/guard/clip_policy.h"
#include "compositor/guard/clipboard.h"
#include "compositor/guard/clipboard_internal.h"
#include "compositor/guard/transfer.h"
#include "compositor/render/notify.h"
#include "compositor/server.h"

/*
 * The secure clipboard: secure-copy reads the focused domain's selection
 * into cordon, secure-paste makes it the focused domain's own selection
 * (a source cordon owns), and the copy is gone once pasted.
 */

/* A source cordon owns: what secure-paste leaves in the target domain. */
struct clip_owned_source {
	struct wlr_data_source base;
	struct cordon_clipboard *clip;
	int memfd;
	size_t len;
};

static void owned_source_send(struct wlr_data_source *source, const char *mime, int32_t fd) {
	struct clip_owned_source *owned = wl_container_of(source, owned, base);
	struct cordon_clipboard *clip = owned->clip;
	struct clip_paste *p = clip_paste_create(clip, PASTE_SERVE, NULL, "self", mime,
		CLIP_CLIPBOARD);
	if (p == NULL) {
		close(fd);
		return;
	}
	p->transfer = transfer_create_from_memfd(clip->server->loop, &clip_paste_transfer_impl,
		p, owned->memfd, owned->len, clip->server->config->clipboard.timeout_ms);
	if (p->transfer == NULL) {
		clip_paste_free(p);
		close(fd);
		return;
	}
	transfer_set_output(p->transfer, fd);
}

static void owned_source_destroy(struct wlr_data_source *source) {
	struct clip_owned_source *owned = wl_container_of(source, owned, base);
	close(owned->memfd);
	free(owned);
}

static const struct wlr_data_source_impl owned_source_impl = {
	.send = owned_source_send,
	.destroy = owned_source_destroy,
};

void clip_secure_wipe(struct cordon_clipboard *clip) {
	if (clip->secure_memfd >= 0) {
		close(clip->secure_memfd);
		clip->secure_memfd = -1;
	}
	clip->secure_len = 0;
	free(clip->secure_from);
	free(clip->secure_mime);
	clip->secure_from = NULL;
	clip->secure_mime = NULL;
}

void clipboard_secure_copy(struct cordon_server *server) {
	struct cordon_clipboard *clip = server->clipboard;
	struct cordon_domain *domain = clip->focused;
	struct clip_record *r = domain ? clip_record_find(clip, domain, CLIP_CLIPBOARD, false) : NULL;
	if (r == NULL || !clip_record_live(r)) {
		notify_show(server, 0xcc0000, "Secure copy", "the focused domain has no selection");
		return;
	}
	/* The first type in the domain's own order that the allow-list takes. */
	const char *mime = NULL;
	char **m;
	wl_array_for_each(m, &r->data->mime_types) {
		if (clip_mime_allowed(clip, *m)) {
			mime = *m;
			break;
		}
	}
	if (mime == NULL) {
		notify_show(server, 0xcc0000, "Secure copy", "no allowed text type on offer");
		return;
	}
	struct clip_paste *p = clip_start_read(clip, PASTE_SECURE_COPY, r, "cordon", mime,
		server->config->clipboard.max_bytes);
	if (p != NULL) {
		transfer_release(p->transfer);
	}
}

void clipboard_secure_paste(struct cordon_server *server) {
	struct cordon_clipboard *clip = server->clipboard;
	struct cordon_domain *target = clip->focused;
	if (clip->secure_memfd < 0 || target == NULL) {
		notify_show(server, 0xcc0000, "Secure paste", "cordon's clipboard is empty");
		return;
	}
	if (strcmp(clip->secure_from, target->name) != 0 &&
			clip_policy_resolve(server->config, clip->secure_from, target->name) ==
				CONFIG_CLIP_DENY) {
		char line[160];
		snprintf(line, sizeof(line), "[%s] \xe2\x86\x92 [%s] is denied by policy",
			clip->secure_from, target->name);
		notify_show(server, target->color, "Secure paste denied", line);
		struct clip_paste tmp = {
			.from = clip->secure_from, .to = target->name, .mime = clip->secure_mime,
			.kind = CLIP_CLIPBOARD,
		};
		clip_history_add(clip, &tmp, 0, "deny", "secure paste denied by policy");
		return;
	}
	struct clip_owned_source *owned = calloc(1, sizeof(*owned));
	if (owned == NULL) {
		return;
	}
	wlr_data_source_init(&owned->base, &owned_source_impl);
	owned->clip = clip;
	owned->len = clip->secure_len;
	owned->memfd = clip->secure_memfd;
	clip->secure_memfd = -1;
	/* Offer every allowed text type: the data is cordon's now. */
	for (char **m = server->config->clipboard.mime; m && *m; m++) {
		clip_mimes_add(&owned->base.mime_types, *m);
	}
	struct clip_paste tmp = {
		.from = clip->secure_from, .to = target->name, .mime = clip->secure_mime,
		.kind = CLIP_CLIPBOARD,
	};
	clip_history_add(clip, &tmp, owned->len, "secure", "now the target's selection");
	char line[160];
	snprintf(line, sizeof(line), "%zu bytes from [%s] are now [%s]'s clipboard", owned->len,
		clip->secure_from, target->name);
	notify_show(server, target->color, "Secure paste", line);
	clip_secure_wipe(clip);
	clip_record_set(clip, target, CLIP_CLIPBOARD, &owned->base);
}


/* A secure copy's read is done: its bytes become cordon's clipboard. */
void clip_secure_store(struct clip_paste *p, struct transfer *t) {
	struct cordon_clipboard *clip = p->clip;
	if (clip->secure_memfd >= 0) {
		close(clip->secure_memfd);
	}
	free(clip->secure_from);
	free(clip->secure_mime);
	clip->secure_memfd = transfer_steal_memfd(t, &clip->secure_len);
	clip->secure_from = strdup(p->from);
	clip->secure_mime = strdup(p->mime);
	char line[128];
	snprintf(line, sizeof(line), "%zu bytes from [%s] in cordon's clipboard",
		clip->secure_len, p->from);
	struct cordon_domain *d = p->from_domain;
	notify_show(clip->server, d ? d->color : 0xffffff, "Secure copy", line);
	transfer_abort(t, "copied");
}

bool clip_secure_owns(struct wlr_data_source *source) {
	return source->impl == &owned_source_impl;
}
