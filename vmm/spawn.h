#ifndef CORDON_VMM_SPAWN_H
#define CORDON_VMM_SPAWN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Process creation for the supervisor. Everything that runs between fork()
 * and execve() is in this file and uses async-signal-safe calls only,
 * because cordon may have other threads whose locks a forked child would
 * inherit held.
 *
 * A supervised program is not cordon's direct child. cordon forks a small
 * "keeper" (a copy of itself that never execs) which
 *   - is a child subreaper, so every descendant that loses its parent is
 *     reparented to it instead of to init,
 *   - has PR_SET_PDEATHSIG, so the kernel tells it when cordon dies, even
 *     by SIGKILL,
 *   - forks the program into a process group of its own and execs it with
 *     PR_SET_PDEATHSIG SIGKILL,
 *   - reports the program's pid, an exec failure and the program's wait
 *     status on a pipe, and
 *   - when the program exits, when cordon dies, or when cordon sends it
 *     SPAWN_SWEEP_SIGNAL, kills the program's group and every remaining
 *     descendant with SIGKILL, reaps them all, and exits.
 * So no process started for a domain outlives it or cordon, even one that
 * put itself into another process group or session.
 */

#define SPAWN_SWEEP_SIGNAL SIGUSR1

enum spawn_record_type {
	SPAWN_RECORD_STARTED = 1,   /* value: the program's pid (exec succeeded) */
	SPAWN_RECORD_EXEC_FAILED,   /* value: errno of execve */
	SPAWN_RECORD_EXITED,        /* value: the program's wait status */
};

/* Written by the keeper on the status pipe; 8 bytes, so writes are atomic. */
struct spawn_record {
	int32_t type;
	int32_t value;
};

struct spawn_child {
	pid_t pid;       /* the keeper, or the plain child */
	int pidfd;       /* pidfd of pid, close-on-exec */
	int out_fd;      /* read end of the child's stdout, non-blocking */
	int err_fd;      /* read end of stderr (-1 for spawn_plain: shares out_fd) */
	int status_fd;   /* read end of the keeper's records (-1 for spawn_plain) */
};

/*
 * Looks name up like execvp would (a name with a '/' is taken as is) in
 * path_env (NULL: cordon's $PATH). Returns a new string, or NULL with errno
 * set (ENOENT, EACCES, ENOMEM).
 */
char *spawn_find_program(const char *name, const char *path_env);

/*
 * cordon's environment with changes applied: "KEY=VALUE" sets, "KEY"
 * removes. Returns a new vector (strv_free) or NULL.
 */
char **spawn_build_env(char *const *base, char *const *changes);

/*
 * Starts argv under a keeper as described above. pass_fd (-1: none) is
 * handed to the program as its fd 3, not close-on-exec: a socket cordon
 * made for it (virtiofsd --fd=3), so nobody waits for the program to make
 * its own. The program gets no other fd beyond 0-2.
 */
bool spawn_keeper(const char *path, char *const argv[], char *const envp[], int pass_fd,
	struct spawn_child *child, char *err, size_t errlen);

/*
 * Starts a short-lived helper (e.g. "crosvm stop") directly: own process
 * group, PR_SET_PDEATHSIG SIGKILL, stdin /dev/null, stdout and stderr on
 * one pipe, no other fd. An exec failure is reported here, synchronously.
 */
bool spawn_plain(const char *path, char *const argv[], char *const envp[],
	struct spawn_child *child, char *err, size_t errlen);

/* Closes the child's fds (not the process). */
void spawn_child_close(struct spawn_child *child);

int spawn_pidfd_open(pid_t pid);

/* "exited with code 3" / "killed by signal 9 (Killed)" from a wait status. */
void spawn_describe_status(int status, char *buf, size_t len);

#endif
