#ifndef CORDON_CAPS_H
#define CORDON_CAPS_H

#include "config/config.h"

struct cordon_domain;
struct domain_client;

/*
 * Per-client and per-domain caps on surfaces, subsurfaces, popups and
 * regions. Every wl_resource a client gets passes through libwayland's
 * resource-created signal, whichever global or request made it, so counting
 * there cannot be sidestepped by a request cordon does not watch. A client
 * that goes past a cap gets a protocol error (and is disconnected by
 * libwayland after the request); its domain's other clients go on.
 */

/* Starts counting the client's objects; the host's clients are not capped. */
void caps_attach(struct domain_client *record);
/* The caps on kind that apply to a domain, per client and in all: its section's, or the defaults. */
void caps_limits(const struct cordon_domain *domain, enum config_object_kind kind,
	int *client_max, int *domain_max);

#endif
