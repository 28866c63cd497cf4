#ifndef CORDON_CLIPBOARD_INTERNAL_H
#define CORDON_CLIPBOARD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <wayland-server-core.h>

#include "config/config.h"

/*
 * What the clipboard guard's files share, and drag-and-drop (dnd.c) with
 * them: clipboard.c (records and proxies), clip_paste.c (the paste flow),
 * clip_grant.c, clip_secure.c and clip_history.c. Not for elsewhere.
 */

struct cordon_domain;
struct cordon_server;
struct prompt;
struct transfer;
struct transfer_impl;
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

	/* Each X server's own seat (clip_x11.c), synced from an idle callback. */
	struct wl_list x11;           /* clip_x11.link */
	struct wl_event_source *x11_idle;
};

enum paste_role {
	PASTE_CROSS = 0,   /* a cross-domain paste under policy */
	PASTE_SECURE_COPY, /* reading into cordon's secure clipboard */
	PASTE_SERVE,       /* cordon's own data to a client */
};

/* What the user (or the timeout) said to an ask paste's question. */
enum paste_answer {
	PASTE_UNANSWERED = 0,
	PASTE_ALLOWED,
	PASTE_DENIED,      /* by a key, over IPC, or by the timeout */
	PASTE_WITHDRAWN,   /* the question went away: its source or target left */
};

struct clip_paste {
	struct wl_list link;          /* cordon_clipboard.pastes */
	struct cordon_clipboard *clip;
	enum paste_role role;
	struct transfer *transfer;
	struct prompt *prompt;
	struct clip_record *record;   /* the source's record while it lives */
	/*
	 * The source's and the target's domains: NULL for cordon itself, and
	 * cleared when the domain is removed (clipboard_forget_domain), so a
	 * paste never outlives what it points to. The names stay, for the
	 * history and the log.
	 */
	struct cordon_domain *from_domain, *to_domain;
	char *from, *to, *mime;
	enum clip_kind kind;
	bool dnd;
	enum config_clip_policy policy;
	enum paste_answer answer;     /* for ask */
	bool granted;                 /* allowed by a grant, without a prompt */
	/*
	 * The paste whose prompt answers this one too: a toolkit that asks for
	 * one type after another (Qt: text/plain;charset=utf-8, then
	 * text/plain) gets one question for one selection, not one per type.
	 */
	struct clip_paste *follows;
	bool settle;                  /* a follower whose answer just came */
	bool target_gone;             /* the target stopped waiting before the answer */
	int grant_ms;                 /* the answer became a grant of this long */
	struct wl_listener source_destroy;
};

/*
 * The remembered answer to a target that stopped waiting for its paste (Qt
 * gives up after a second): for [clipboard] grant, that target domain's
 * pastes of the same selection are allowed (or denied) without a prompt.
 * A new selection in the source, or its loss, ends it.
 */
#define CLIP_MAX_GRANTS 16

struct clip_grant {
	struct wl_list link;          /* cordon_clipboard.grants */
	struct cordon_clipboard *clip;
	struct clip_record *record;   /* the source's record ... */
	uint64_t stamp;               /* ... while it holds this selection */
	char *from, *to;
	bool allow;
	unsigned uses;
	int64_t until_ms;             /* CLOCK_MONOTONIC */
	struct wl_event_source *timer;
};


/* clipboard.c: records and the seat's proxies. */
const char *clip_kind_name(enum clip_kind kind);
bool clip_record_live(const struct clip_record *r);
void clip_record_send(struct clip_record *r, const char *mime, int fd);
struct clip_record *clip_record_find(struct cordon_clipboard *clip,
	struct cordon_domain *domain, enum clip_kind kind, bool create);
/*
 * Makes source domain's selection of kind (NULL clears it); the previous
 * source of that domain is cancelled. The caller has decided the request
 * is the domain's own.
 */
void clip_record_set(struct cordon_clipboard *clip, struct cordon_domain *domain,
	enum clip_kind kind, void *source);
bool clip_mime_allowed(struct cordon_clipboard *clip, const char *mime);
/* Replaces the seat's selection with a proxy for the focused domain. */
void clip_update_seat(struct cordon_clipboard *clip, enum clip_kind kind);
/*
 * A new cordon-owned source of kind offering owner's selection to target
 * (a wlr_data_source or wlr_primary_selection_source), or NULL when there
 * is nothing target may be offered.
 */
void *clip_proxy_new(struct cordon_clipboard *clip, enum clip_kind kind,
	struct clip_record *owner, struct cordon_domain *target);
/* The domain whose client holds the seat's keyboard, or NULL. */
struct cordon_domain *clip_keyboard_domain(struct cordon_server *server);

/* clip_x11.c: the X servers' seats follow the focused domain's selection. */
void clip_x11_changed(struct cordon_clipboard *clip);
void clip_x11_finish(struct cordon_clipboard *clip);

/* clip_paste.c */
extern const struct transfer_impl clip_paste_transfer_impl;
struct clip_paste *clip_paste_create(struct cordon_clipboard *clip,
	enum paste_role role, struct clip_record *record, const char *to,
	const char *mime, enum clip_kind kind);
void clip_paste_free(struct clip_paste *p);
/* Reads from record's source into cordon; returns the paste or NULL (fd closed). */
struct clip_paste *clip_start_read(struct cordon_clipboard *clip,
	enum paste_role role, struct clip_record *owner, const char *to,
	const char *mime, size_t max_bytes);

/* clip_grant.c */
void clip_grant_broadcast(struct clip_grant *g, const char *change);
/* Ends every grant on record's selection (record NULL: all of them). */
void clip_grants_end(struct cordon_clipboard *clip, struct clip_record *record,
	const char *why);
struct clip_grant *clip_grant_find(struct cordon_clipboard *clip,
	struct clip_record *record, const char *to);
void clip_grant_add(struct cordon_clipboard *clip, struct clip_record *record,
	const char *to, bool allow, int ms);

/* clip_secure.c */
void clip_secure_store(struct clip_paste *p, struct transfer *t);
void clip_secure_wipe(struct cordon_clipboard *clip);
/* Whether source is one a secure paste left (cordon frees it at shutdown). */
bool clip_secure_owns(struct wlr_data_source *source);

/* clip_history.c */
void clip_history_add(struct cordon_clipboard *clip, struct clip_paste *p,
	size_t bytes, const char *decision, const char *result);
void clip_history_finish(struct cordon_clipboard *clip);

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
/* Appends a copy of mime to mimes (char *); false, mimes as it was, when out of memory. */
bool clip_mimes_add(struct wl_array *mimes, const char *mime);
/* Copies the types of owner that target may be offered into out (strdup'd). */
bool clip_copy_mimes(struct cordon_clipboard *clip, struct clip_record *owner,
	struct cordon_domain *target, struct wl_array *out);

#endif
