#ifndef CORDON_OUTPUT_AHEAD_H
#define CORDON_OUTPUT_AHEAD_H

#include <stdbool.h>

struct cordon_output;

/*
 * Rendering ahead of the frame, for outputs whose next frame is timed
 * from the end of the previous commit (the headless backend: a fixed
 * delay after each commit), where the time spent rendering at the frame
 * event would stretch every frame.  Part-way through the frame the damage
 * so far is rendered into the next buffer; at the frame event that buffer
 * is committed as it is when nothing changed since, and otherwise only
 * what changed since is rendered on top of it (the damage ring knows the
 * buffer's age).  Outputs paced by real vblanks are left alone: there the
 * render time does not move the next frame.
 */
void output_ahead_init(struct cordon_output *output);
/*
 * At the frame event: commits the buffer rendered ahead and returns true
 * when it is still current; otherwise drops it and returns false.
 */
bool output_ahead_commit(struct cordon_output *output);
/* After the frame event's commit: renders ahead part-way to the next one. */
void output_ahead_arm(struct cordon_output *output);
/* Drops a buffer rendered ahead (the output is reconfigured or goes away). */
void output_ahead_drop(struct cordon_output *output);
void output_ahead_finish(struct cordon_output *output);

#endif
