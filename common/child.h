#ifndef CORDON_COMMON_CHILD_H
#define CORDON_COMMON_CHILD_H

#include <sys/types.h>

/*
 * Waits for the child pid to end, as waitpid(pid, status, 0) does but
 * never cut short by a signal (EINTR). Returns pid, or -1 with errno set
 * (ECHILD: not a child, or already reaped). status may be NULL.
 */
pid_t child_wait(pid_t pid, int *status);

#endif
