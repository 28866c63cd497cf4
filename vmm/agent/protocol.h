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

/*
 * The serial transport (kind = qemu: cordon-agent --listen serial:cordon.agent,
 * the guest side of a virtio-serial port). A port is ONE persistent byte
 * stream: no connection per request, and the guest sees no EOF when the
 * host goes away and comes back. So it is framed differently:
 *
 *   - every message is one line: a JSON object without raw newlines (JSON
 *     escapes them in strings), then '\n', at most AGENT_PROTOCOL_MAX_MESSAGE
 *     bytes with the newline;
 *   - a reader drops a line that is not a JSON object, and an overlong line
 *     up to its next '\n', and goes on: resynchronisation is "skip to the
 *     next newline";
 *   - the host begins every connection (and repeats every second until
 *     answered) with "\n{\"hello\":1}\n": the leading newline ends
 *     whatever half line a previous host left; the agent answers every
 *     hello with {"hello":1};
 *   - requests carry a host-chosen "id" (integer, unique per host
 *     connection), echoed by every answer to them:
 *       -> {"id":N,"argv":[…],"env":{…},"cwd":"…","relay":"cordon.wl.K"}
 *          (env, cwd and relay optional; relay names the virtio-serial port
 *          the app's Wayland connection goes over: the agent opens it,
 *          listens on a private Unix socket, runs
 *          waypipe --oneshot --no-gpu --socket THAT server -- ARGV
 *          and copies bytes both ways between the port and waypipe)
 *       <- {"id":N,"ok":true,"pid":P}  or  {"id":N,"ok":false,"error":"…"}
 *       <- {"id":N,"exit":CODE}  or  {"id":N,"signal":SIG}  when it ends
 *     An answer for an id the host does not know is ignored; commands of an
 *     earlier host connection keep running, and their exit goes to whoever
 *     is connected then (and is ignored there).
 */
#define AGENT_PROTOCOL_SERIAL_VERSION 1
/* The port names of kind = qemu (see vmm/qemu.h). */
#define AGENT_PROTOCOL_SERIAL_PORT "cordon.agent"
#define AGENT_PROTOCOL_RELAY_PREFIX "cordon.wl."

#endif
