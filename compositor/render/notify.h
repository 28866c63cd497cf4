#ifndef CORDON_NOTIFY_H
#define CORDON_NOTIFY_H

#include <stdint.h>

struct cordon_server;

/*
 * A short cordon-drawn notice in the top-right corner, above every client
 * (clipboard denials, secure copy results). Text is cordon's own; any
 * domain name in it comes from cordon's records.
 */
void notify_show(struct cordon_server *server, uint32_t accent, const char *line1,
	const char *line2);
void notify_finish(struct cordon_server *server);

#endif
