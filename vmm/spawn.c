#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common/execpipe.h"
#include "vmm/errmsg.h"
#include "vmm/spawn.h"
#include "common/strv.h"

extern char **environ;

/* What a forked child needs, prepared before fork() so it never allocates. */
struct child_ctx {
	const char *path;
	char *const *argv;
	char *const *envp;
	int devnull;
	int out_w;
	int err_w;
	int extra_w;      /* lands on fd 3, close-on-exec: status or exec-error pipe */
	int pass_fd;      /* keeper: lands on fd 4, close-on-exec; the program's fd 3 */
	pid_t parent;
	int max_fd;       /* for closing fds where close_range is missing */
};

int spawn_pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* ---- code that runs in forked children: async-signal-safe only ---- */

static void close_from(int low, int max_fd) {
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)low, ~0U, 0) == 0) {
		return;
	}
#endif
	for (int fd = low; fd < max_fd; fd++) {
		close(fd);
	}
}

/*
 * Puts in, out, err on 0, 1, 2, extra (if any) on 3 and the fd to pass on
 * (if any, only with extra) on 4, those two close-on-exec, then closes
 * everything else. Going through copies at 10 and above first means a
 * source that already sits on 0..4 is never clobbered.
 */
static int setup_fds(const struct child_ctx *c) {
	int src[5] = { c->devnull, c->out_w, c->err_w, c->extra_w, c->pass_fd };
	int tmp[5];
	for (int i = 0; i < 5; i++) {
		tmp[i] = -1;
		if (src[i] >= 0 && (tmp[i] = fcntl(src[i], F_DUPFD_CLOEXEC, 10)) < 0) {
			return -1;
		}
	}
	for (int i = 0; i < 5; i++) {
		if (tmp[i] >= 0 && dup2(tmp[i], i) < 0) {
			return -1;
		}
	}
	for (int i = 3; i < 5; i++) {
		if (src[i] >= 0 && fcntl(i, F_SETFD, FD_CLOEXEC) < 0) {
			return -1;
		}
	}
	close_from(c->pass_fd >= 0 ? 5 : c->extra_w >= 0 ? 4 : 3, c->max_fd);
	return 0;
}

/*
 * Handlers are reset by execve but ignored signals and the signal mask are
 * inherited; cordon blocks signals it reads through signalfd, and a program
 * started with SIGTERM blocked could not be stopped.
 */
static void reset_signals(void) {
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP) {
			sigaction(sig, &sa, NULL); /* EINVAL for libc-reserved ones */
		}
	}
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void write_all(int fd, const void *data, size_t len) {
	const char *p = data;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return;
		}
		p += n;
		len -= (size_t)n;
	}
}

static void write_record(int fd, int type, int value) {
	struct spawn_record r = { .type = type, .value = value };
	write_all(fd, &r, sizeof(r));
}

/* SIGKILLs every direct child listed by the kernel. */
static void kill_children(pid_t self) {
	char path[64] = "/proc/self/task/";
	char digits[16];
	int n = 0;
	for (pid_t v = self; v > 0 && n < (int)sizeof(digits); v /= 10) {
		digits[n++] = (char)('0' + v % 10);
	}
	size_t len = strlen(path);
	while (n > 0) {
		path[len++] = digits[--n];
	}
	memcpy(path + len, "/children", sizeof("/children"));

	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return;
	}
	char buf[512];
	pid_t pid = 0;
	bool in_number = false;
	for (;;) {
		ssize_t got = read(fd, buf, sizeof(buf));
		if (got < 0 && errno == EINTR) {
			continue;
		}
		if (got <= 0) {
			break;
		}
		for (ssize_t i = 0; i < got; i++) {
			if (buf[i] >= '0' && buf[i] <= '9') {
				pid = pid * 10 + (buf[i] - '0');
				in_number = true;
			} else if (in_number) {
				kill(pid, SIGKILL);
				pid = 0;
				in_number = false;
			}
		}
	}
	if (in_number) {
		kill(pid, SIGKILL);
	}
	close(fd);
}

/*
 * Kills the program's process group and then, round after round, every
 * child of the keeper: as a killed process's own children are orphaned the
 * kernel reparents them to the keeper (a subreaper), so the next round
 * finds them. Ends when the keeper has no child left.
 */
static void keeper_sweep(pid_t self, pid_t program, int *status, bool *done) {
	/* The program is unreaped here, so its pid (the group id) is not reused. */
	if (program > 0 && !*done) {
		kill(-program, SIGKILL);
	}
	for (;;) {
		kill_children(self);
		int st;
		pid_t w = waitpid(-1, &st, 0);
		if (w < 0) {
			if (errno == EINTR) {
				continue;
			}
			break; /* ECHILD: nothing left */
		}
		if (w == program && !*done) {
			*status = st;
			*done = true;
		}
	}
}

static _Noreturn void keeper_main(const struct child_ctx *c) {
	/* Every signal is taken synchronously with sigwaitinfo below. */
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	/* If cordon is already gone, getppid() names someone else: give up. */
	if (prctl(PR_SET_PDEATHSIG, SPAWN_SWEEP_SIGNAL) < 0 || getppid() != c->parent) {
		_exit(127);
	}
	setpgid(0, 0);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 || setup_fds(c) < 0) {
		_exit(127);
	}
	const int status_fd = 3;
	pid_t self = getpid();

	int ep[2];
	if (pipe2(ep, O_CLOEXEC) < 0) {
		write_record(status_fd, SPAWN_RECORD_EXEC_FAILED, errno);
		write_record(status_fd, SPAWN_RECORD_EXITED, 127 << 8);
		_exit(0);
	}
	/*
	 * The keeper is a fork of a possibly multi-threaded cordon: fork()
	 * would run pthread_atfork handlers whose locks another thread of
	 * cordon may have held when the keeper was made. _Fork() runs none.
	 */
#ifdef HAVE__FORK
	pid_t program = _Fork();
#else
	pid_t program = (pid_t)syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
#endif
	if (program < 0) {
		write_record(status_fd, SPAWN_RECORD_EXEC_FAILED, errno);
		write_record(status_fd, SPAWN_RECORD_EXITED, 127 << 8);
		_exit(0);
	}
	if (program == 0) {
		close(ep[0]);
		close(status_fd);
		/* dup2 leaves the copy without close-on-exec: the program keeps it. */
		if (c->pass_fd >= 0 && (dup2(4, 3) < 0 || close(4) < 0)) {
			int e = errno;
			write_all(ep[1], &e, sizeof(e));
			_exit(127);
		}
		setpgid(0, 0);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != self) {
			_exit(127);
		}
		reset_signals();
		execve(c->path, c->argv, c->envp);
		int e = errno;
		write_all(ep[1], &e, sizeof(e));
		_exit(127);
	}
	/* Also here, so the group exists before anyone signals it. */
	setpgid(program, program);
	close(ep[1]);
	int exec_errno = 0;
	if (execpipe_failed(ep[0], &exec_errno, sizeof(exec_errno))) {
		write_record(status_fd, SPAWN_RECORD_EXEC_FAILED, exec_errno);
	} else {
		write_record(status_fd, SPAWN_RECORD_STARTED, program);
	}

	int status = SIGKILL; /* as if killed, should the sweep not reap it */
	bool done = false;
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&all, &si);
		if (sig == SPAWN_SWEEP_SIGNAL) {
			break;
		}
		if (sig != SIGCHLD) {
			continue; /* EINTR, or a signal meant for someone else */
		}
		/* Look at the program without reaping it (see keeper_sweep). */
		siginfo_t pi;
		memset(&pi, 0, sizeof(pi));
		if (waitid(P_PID, (id_t)program, &pi, WEXITED | WNOHANG | WNOWAIT) == 0 &&
				pi.si_pid == program) {
			break;
		}
		/* Orphans reparented to the keeper. */
		int st;
		pid_t w;
		while ((w = waitpid(-1, &st, WNOHANG)) > 0) {
			if (w == program) {
				status = st;
				done = true;
			}
		}
		if (done) {
			break;
		}
	}
	keeper_sweep(self, program, &status, &done);
	write_record(status_fd, SPAWN_RECORD_EXITED, status);
	_exit(0);
}

static _Noreturn void plain_main(const struct child_ctx *c) {
	setpgid(0, 0);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != c->parent) {
		_exit(127);
	}
	reset_signals();
	if (setup_fds(c) < 0) {
		_exit(127);
	}
	execve(c->path, c->argv, c->envp);
	int e = errno;
	write_all(3, &e, sizeof(e));
	_exit(127);
}

/* ---- parent side ---- */

static int max_fd(void) {
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
			rl.rlim_cur < 65536) {
		return (int)rl.rlim_cur;
	}
	return 65536;
}

static void close_fd(int *fd) {
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

static bool set_nonblock(int fd) {
	int flags = fcntl(fd, F_GETFL);
	return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

void spawn_child_close(struct spawn_child *child) {
	close_fd(&child->pidfd);
	close_fd(&child->out_fd);
	close_fd(&child->err_fd);
	close_fd(&child->status_fd);
}

/* /dev/null and n close-on-exec pipes, or nothing (all closed) and false. */
static bool spawn_open_fds(int *devnull, int pipes[][2], int n, char *err, size_t errlen) {
	*devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	bool ok = *devnull >= 0;
	for (int i = 0; i < n; i++) {
		pipes[i][0] = pipes[i][1] = -1;
		if (ok && pipe2(pipes[i], O_CLOEXEC) < 0) {
			ok = false;
		}
	}
	if (!ok) {
		errmsg_fail(err, errlen, "cannot create pipes: %s", strerror(errno));
	}
	return ok;
}

static void spawn_close_fds(int *devnull, int pipes[][2], int n) {
	close_fd(devnull);
	for (int i = 0; i < n; i++) {
		close_fd(&pipes[i][0]);
		close_fd(&pipes[i][1]);
	}
}

/*
 * Opens /dev/null and n close-on-exec pipes into p, and forks into entry
 * with the write ends of pipes out, err and extra on its stdout, stderr and
 * fd 3; the child gets a process group of its own. The parent keeps only
 * the read ends. Returns the pid with child reset to no fds, or -1 with err
 * set and everything closed.
 */
static pid_t spawn_start(void (*entry)(const struct child_ctx *), const char *path,
		char *const argv[], char *const envp[], int p[][2], int n, int out,
		int err_pipe, int extra, int pass_fd, struct spawn_child *child, char *err,
		size_t errlen) {
	*child = (struct spawn_child){ .pid = -1, .pidfd = -1, .out_fd = -1,
		.err_fd = -1, .status_fd = -1 };
	int devnull;
	if (!spawn_open_fds(&devnull, p, n, err, errlen)) {
		spawn_close_fds(&devnull, p, n);
		return -1;
	}
	struct child_ctx c = {
		.path = path, .argv = argv, .envp = envp, .devnull = devnull,
		.out_w = p[out][1], .err_w = p[err_pipe][1], .extra_w = p[extra][1],
		.pass_fd = pass_fd, .parent = getpid(), .max_fd = max_fd(),
	};
	pid_t pid = fork();
	if (pid == 0) {
		entry(&c);
		_exit(127); /* entry never returns; this keeps the child out of our code */
	}
	if (pid < 0) {
		errmsg_fail(err, errlen, "fork: %s", strerror(errno));
		spawn_close_fds(&devnull, p, n);
		return -1;
	}
	close_fd(&devnull);
	for (int i = 0; i < n; i++) {
		close_fd(&p[i][1]);
	}
	setpgid(pid, pid); /* races with the child's own call; either wins */
	return pid;
}

/* Undoes a spawn whose child is already running: kills and reaps it. */
static bool spawn_abandon(struct spawn_child *child, pid_t pid) {
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	spawn_child_close(child);
	child->pid = -1;
	return false;
}

bool spawn_keeper(const char *path, char *const argv[], char *const envp[], int pass_fd,
		struct spawn_child *child, char *err, size_t errlen) {
	int p[3][2]; /* stdout, stderr, keeper status */
	pid_t pid = spawn_start(keeper_main, path, argv, envp, p, 3, 0, 1, 2, pass_fd, child,
		err, errlen);
	if (pid < 0) {
		return false;
	}
	child->pid = pid;
	child->out_fd = p[0][0];
	child->err_fd = p[1][0];
	child->status_fd = p[2][0];
	child->pidfd = spawn_pidfd_open(pid);
	if (child->pidfd < 0) {
		/* The program dies with the keeper through its PDEATHSIG. */
		errmsg_fail(err, errlen, "pidfd_open: %s", strerror(errno));
		return spawn_abandon(child, pid);
	}
	if (!set_nonblock(child->out_fd) || !set_nonblock(child->err_fd) ||
			!set_nonblock(child->status_fd)) {
		errmsg_fail(err, errlen, "fcntl: %s", strerror(errno));
		return spawn_abandon(child, pid);
	}
	return true;
}

bool spawn_plain(const char *path, char *const argv[], char *const envp[],
		struct spawn_child *child, char *err, size_t errlen) {
	int p[2][2]; /* stdout and stderr together, exec errno */
	pid_t pid = spawn_start(plain_main, path, argv, envp, p, 2, 0, 0, 1, -1, child,
		err, errlen);
	if (pid < 0) {
		return false;
	}
	/* Returns at once: EOF on exec (close-on-exec), or the child's errno. */
	int exec_errno = 0;
	if (execpipe_failed(p[1][0], &exec_errno, sizeof(exec_errno))) {
		waitpid(pid, NULL, 0);
		close_fd(&p[0][0]);
		return errmsg_fail(err, errlen, "cannot execute %s: %s", path,
			strerror(exec_errno));
	}
	child->pid = pid;
	child->out_fd = p[0][0];
	child->pidfd = spawn_pidfd_open(pid);
	if (child->pidfd < 0 || !set_nonblock(child->out_fd)) {
		errmsg_fail(err, errlen, "pidfd_open: %s", strerror(errno));
		return spawn_abandon(child, pid);
	}
	return true;
}

char *spawn_find_program(const char *name, const char *path_env) {
	if (!name || !name[0]) {
		errno = ENOENT;
		return NULL;
	}
	if (strchr(name, '/')) {
		struct stat st;
		if (stat(name, &st) < 0) {
			return NULL;
		}
		if (!S_ISREG(st.st_mode) || access(name, X_OK) < 0) {
			errno = EACCES;
			return NULL;
		}
		return strdup(name);
	}
	if (!path_env) {
		path_env = getenv("PATH");
	}
	if (!path_env) {
		path_env = "/usr/local/bin:/usr/bin:/bin";
	}
	int found_errno = ENOENT;
	const char *p = path_env;
	for (;;) {
		const char *colon = strchr(p, ':');
		size_t dlen = colon ? (size_t)(colon - p) : strlen(p);
		char *cand = NULL;
		/* An empty PATH entry means the current directory, as for execvp. */
		if (asprintf(&cand, "%.*s/%s", (int)(dlen ? dlen : 1),
				dlen ? p : ".", name) < 0) {
			errno = ENOMEM;
			return NULL;
		}
		struct stat st;
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(cand, X_OK) == 0) {
				return cand;
			}
			found_errno = EACCES;
		}
		free(cand);
		if (!colon) {
			break;
		}
		p = colon + 1;
	}
	errno = found_errno;
	return NULL;
}

static bool env_key_matches(const char *entry, const char *change) {
	size_t klen = strcspn(change, "=");
	return strncmp(entry, change, klen) == 0 && entry[klen] == '=';
}

char **spawn_build_env(char *const *base, char *const *changes) {
	if (!base) {
		base = environ;
	}
	struct strv sv = {0};
	for (size_t i = 0; base && base[i]; i++) {
		bool changed = false;
		for (size_t j = 0; changes && changes[j]; j++) {
			if (env_key_matches(base[i], changes[j])) {
				changed = true;
				break;
			}
		}
		if (!changed) {
			strv_push(&sv, base[i]);
		}
	}
	for (size_t j = 0; changes && changes[j]; j++) {
		if (strchr(changes[j], '=')) {
			strv_push(&sv, changes[j]);
		}
	}
	return strv_finish(&sv);
}

void spawn_describe_status(int status, char *buf, size_t len) {
	if (WIFEXITED(status)) {
		snprintf(buf, len, "exited with code %d", WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
			strsignal(WTERMSIG(status)));
	} else {
		snprintf(buf, len, "ended with wait status %#x", status);
	}
}
