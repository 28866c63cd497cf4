#ifndef CORDON_CLIPBOARD_INTERNAL_H
#define CORDON_CLIPBOARD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <wayland-server-core.h>

/*
 * What the clipboard guard (clipboard.c) shares with drag-and-drop
 * (dnd.c): the records of sources and the paste path. Not for elsewhere.
 */

struct cordon_domain;
struct wlr_data_source;
struct wlr_primary_selection_source;

/* Caps on what a guest's source may make cordon offer to anyone. */
#define CLIP_MAX_MIMES 64
#define CLIP_MAX_MIME_LEN 256
#define CLIP_HISTORY 64
#define CLIP_MAX_REFUSED_DRAGS 16

enum clip_kind {
	CLIP_CLIPBOARD = 0,
	CLIP_PRIMARY,
	CLIP_KINDS,
};

/* A domain's own selection. The real source lives here, never in the seat. */
struct clip_record {
	struct wl_list link;          /* cordon_clipboard.records */
	struct cordon_clipboard *clip;
	struct cordon_domain *domain;
	enum clip_kind kind;
	struct wlr_data_source *data; /* CLIP_CLIPBOARD */
	struct wlr_primary_selection_source *primary; /* CLIP_PRIMARY */
	uint64_t stamp;               /* newest selection wins the seat */
	bool dnd;                     /* a drag's data, never a selection */
	bool dnd_refused;             /* its drop was denied or failed in transfer */
	struct wl_listener source_destroy;
};

struct clip_history {
	time_t time;
	char *from, *to, *mime;
	const char *kind;
	size_t bytes;
	const char *decision;
	char *result;
};

struct cordon_clipboard {
	struct cordon_server *server;
	struct wl_list records;       /* clip_record.link */
	struct wl_list pastes;        /* clip_paste.link */
	struct wl_list grants;        /* clip_grant.link */
	struct cordon_domain *focused;
	uint64_t stamp;
	/*
	 * The serial of the last selection request cordon accepted, per kind.
	 * Every proxy swap hands it to the seat again: wlroots drops a request
	 * whose serial is older than the seat's selection serial ("superseded"),
	 * so a fresh serial per swap would silently drop a focused client's
	 * copy made with a serial from just before an unrelated swap.
	 */
	uint32_t serial[CLIP_KINDS];
	struct clip_history history[CLIP_HISTORY];
	size_t history_len, history_next;

	/* The secure clipboard: filled by secure-copy, emptied by secure-paste. */
	int secure_memfd;
	size_t secure_len;
	char *secure_from;
	char *secure_mime;

	struct wl_listener request_set_selection;
	struct wl_listener request_set_primary_selection;
	struct wl_listener request_start_drag;

	/*
	 * wlroots does not say who asked for a selection: a protocol logger
	 * notes the client whose set_selection is being dispatched (compared,
	 * never kept past that dispatch).
	 */
	struct wl_protocol_logger *logger;
	struct wl_client *requester;
	/* The display's serial just before the latest keyboard enter. */
	uint32_t focus_serial;
};

/*
 * A paste by target from data owner holds: straight to the source within a
 * domain, through cordon under the pair's policy across domains. fd is
 * always consumed.
 */
void clip_proxy_send(struct cordon_clipboard *clip, struct clip_record *owner,
	struct cordon_domain *target, const char *mime, int fd);

/* Shared with data-control (data_control.c) as well. */
/* The newest selection of kind, of any domain: what each domain is offered. */
struct clip_record *clip_latest(struct cordon_clipboard *clip, enum clip_kind kind);
/* Copies the types of owner that target may be offered into out (strdup'd). */
bool clip_copy_mimes(struct cordon_clipboard *clip, struct clip_record *owner,
	struct cordon_domain *target, struct wl_array *out);
/*
 * Makes source domain's selection of kind (NULL clears it); the previous
 * source of that domain is cancelled. The caller has decided the request
 * is the domain's own.
 */
void clip_record_set(struct cordon_clipboard *clip, struct cordon_domain *domain,
	enum clip_kind kind, void *source);

#endif
