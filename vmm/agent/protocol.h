#ifndef CORDON_VMM_AGENT_PROTOCOL_H
#define CORDON_VMM_AGENT_PROTOCOL_H

/*
 * What both ends of the agent protocol agree on: cordon-agent in the guest
 * and agent_client.c (cordonctl run, launcher) on the host. Constants only,
 * so the guest agent includes it without linking anything of cordon's.
 *
 * Each message is a 4-byte big-endian length and that many bytes of JSON.
 */

/* The vsock port the agent listens on unless told otherwise. */
#define AGENT_PROTOCOL_PORT 5100
#define AGENT_PROTOCOL_PORT_STR "5100" /* the same, for messages */
/* The largest message either side sends by default (a request's limit can
 * be raised on the agent with --max-request, up to its own ceiling). */
#define AGENT_PROTOCOL_MAX_MESSAGE (64 * 1024)

#endif
