#ifndef CORDON_CLIPBOARD_H
#define CORDON_CLIPBOARD_H

#include <stdbool.h>

struct cordon_server;
struct cordon_domain;
struct json_object;
struct wlr_surface;

/*
 * The clipboard guard. Every domain's own selection (clipboard and
 * primary) is kept in a record of cordon's; the seat only ever holds a
 * cordon-owned proxy made for the focused domain. A paste from the focused
 * domain's proxy goes straight to the real source when the data is the
 * domain's own, and through cordon under the pair's policy otherwise.
 */
bool clipboard_init(struct cordon_server *server);
void clipboard_finish(struct cordon_server *server);
/* domain is being removed: no paste may point to it any more. */
void clipboard_forget_domain(struct cordon_server *server, struct cordon_domain *domain);

/*
 * Call before keyboard focus enters a client of domain: makes that
 * domain's proxy the seat selection (wlroots sends it on enter).
 */
void clipboard_focus_domain(struct cordon_server *server, struct cordon_domain *domain);

/* The Qubes-style two-step, bound to keys. */
void clipboard_secure_copy(struct cordon_server *server);
void clipboard_secure_paste(struct cordon_server *server);


/* IPC: recent cross-domain transfers, oldest first. */
struct json_object *clipboard_transfers(struct cordon_server *server);
/* IPC: the remembered answers in force (see [clipboard] grant). */
struct json_object *clipboard_grants(struct cordon_server *server);

#endif
