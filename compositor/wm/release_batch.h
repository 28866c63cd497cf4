#ifndef CORDON_RELEASE_BATCH_H
#define CORDON_RELEASE_BATCH_H

struct cordon_server;

/*
 * Holds the buffer a surface's commit replaces until the next output
 * frame, so that its wl_buffer.release leaves in the same flush as the
 * frame-done and presentation events instead of a write (and a client
 * wake-up) of its own for every client frame.
 */
struct release_batch *release_batch_create(struct cordon_server *server);
/* Lets every held buffer go; the output frame handler calls it after frame done. */
void release_batch_flush(struct release_batch *batch);
void release_batch_destroy(struct release_batch *batch);

#endif
