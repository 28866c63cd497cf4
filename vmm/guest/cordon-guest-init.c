/*
 * cordon-guest-init: PID 1 of the guest image that cordon-mkguest makes.
 *
 * The root is read-only (a virtiofs tag or a virtio-blk disk), so init gives
 * the guest its writable places (tmpfs on /run, /tmp, /home, /dev/shm), the
 * pseudo-terminals foot needs (devpts), a home and an XDG_RUNTIME_DIR for
 * the guest user, then starts and supervises
 *
 *   cordon-agent --listen serial:cordon.agent --user USER
 *
 * which serves cordon's requests over the virtio-serial port of that name
 * and bridges each app's relay port (cordon.wl.N) to its waypipe. Init reaps
 * every orphan, restarts the agent if it dies, and powers the machine off
 * on the ACPI power button (QMP's system_powerdown, what `cordonctl stop`
 * sends), on SIGTERM, SIGINT (ctrl-alt-del), SIGUSR2 or SIGPWR.
 *
 * The kernel passes command-line words of the form key=value (without a
 * dot) to init's environment: cordon_user=NAME picks the user (default
 * "user"), cordon_agent=PATH another agent.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/input.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_USER "user"
#define DEFAULT_AGENT "/usr/local/bin/cordon-agent"
#define AGENT_PORT "serial:cordon.agent"
#define MAX_BUTTONS 8
/* How long to look for a power button that is not there yet. */
#define BUTTON_SEARCH_MS 30000
/* The agent's restart back-off, doubled per quick death. */
#define RESTART_MIN_MS 500
#define RESTART_MAX_MS 10000
/* How long the guest's processes get between SIGTERM and SIGKILL. */
#define STOP_GRACE_MS 3000

struct init {
	const char *user;
	const char *agent;
	uid_t uid;
	gid_t gid;
	pid_t agent_pid;
	long long agent_started;  /* ms, monotonic */
	long long agent_restart;  /* ms, monotonic; 0: none pending */
	int restart_ms;
	int sfd;
	int buttons[MAX_BUTTONS];
	int n_buttons;
	long long button_search_until;
};

static void logf_(const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	fputs("cordon-init: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static long long now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the file systems ---- */

/* Mounts, logging a failure; "already mounted" (the initramfs moved /dev
 * over) counts as done. */
static void mount_fs(const char *type, const char *dir, unsigned long flags,
		const char *opts) {
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		logf_("cannot make %s: %s", dir, strerror(errno));
	}
	if (mount(type, dir, type, flags, opts) < 0 && errno != EBUSY) {
		logf_("cannot mount %s on %s: %s", type, dir, strerror(errno));
	}
}

static void make_dir(const char *dir, mode_t mode, uid_t uid, gid_t gid) {
	if (mkdir(dir, mode) < 0 && errno != EEXIST) {
		logf_("cannot make %s: %s", dir, strerror(errno));
		return;
	}
	if (chown(dir, uid, gid) < 0 || chmod(dir, mode) < 0) {
		logf_("cannot give %s to %u: %s", dir, (unsigned)uid, strerror(errno));
	}
}

static void setup_fs(struct init *in) {
	const unsigned long safe = MS_NOSUID | MS_NODEV;
	mount_fs("proc", "/proc", safe | MS_NOEXEC, NULL);
	mount_fs("sysfs", "/sys", safe | MS_NOEXEC, NULL);
	mount_fs("devtmpfs", "/dev", MS_NOSUID, "mode=755");
	mount_fs("devpts", "/dev/pts", MS_NOSUID | MS_NOEXEC, "mode=620,ptmxmode=666,gid=5");
	mount_fs("tmpfs", "/dev/shm", safe, "mode=1777");
	mount_fs("tmpfs", "/run", safe, "mode=755");
	mount_fs("tmpfs", "/tmp", safe, "mode=1777");
	mount_fs("tmpfs", "/home", safe, "mode=755");
	static const char *const links[][2] = {
		{"/proc/self/fd", "/dev/fd"},
		{"/proc/self/fd/0", "/dev/stdin"},
		{"/proc/self/fd/1", "/dev/stdout"},
		{"/proc/self/fd/2", "/dev/stderr"},
	};
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		if (symlink(links[i][0], links[i][1]) < 0 && errno != EEXIST) {
			logf_("cannot link %s: %s", links[i][1], strerror(errno));
		}
	}

	struct passwd *pw = getpwnam(in->user);
	if (!pw) {
		logf_("no user %s in /etc/passwd; apps run as root", in->user);
		in->user = NULL;
		return;
	}
	in->uid = pw->pw_uid;
	in->gid = pw->pw_gid;
	make_dir("/run/user", 0755, 0, 0);
	char path[64];
	snprintf(path, sizeof(path), "/run/user/%u", (unsigned)in->uid);
	make_dir(path, 0700, in->uid, in->gid);
	if (pw->pw_dir && strncmp(pw->pw_dir, "/home/", 6) == 0 &&
			!strchr(pw->pw_dir + 6, '/')) {
		make_dir(pw->pw_dir, 0700, in->uid, in->gid);
	} else {
		logf_("the home of %s (%s) is not under /home; it stays read-only",
			in->user, pw->pw_dir ? pw->pw_dir : "none");
	}
}

static void set_hostname(void) {
	char name[65] = {0};
	FILE *f = fopen("/etc/hostname", "re");
	if (!f) {
		return;
	}
	if (fgets(name, sizeof(name), f)) {
		name[strcspn(name, "\n")] = '\0';
		if (name[0] && sethostname(name, strlen(name)) < 0) {
			logf_("cannot set the host name %s: %s", name, strerror(errno));
		}
	}
	fclose(f);
}

/* ---- the power button ---- */

static bool has_power_key(int fd) {
	unsigned long bits[KEY_MAX / (8 * sizeof(unsigned long)) + 1] = {0};
	if (ioctl(fd, EVIOCGBIT(EV_KEY, sizeof(bits)), bits) < 0) {
		return false;
	}
	const size_t w = 8 * sizeof(unsigned long);
	return bits[KEY_POWER / w] & (1UL << (KEY_POWER % w));
}

static void find_buttons(struct init *in) {
	DIR *d = opendir("/dev/input");
	if (!d) {
		return;
	}
	for (int i = 0; i < in->n_buttons; i++) {
		close(in->buttons[i]);
	}
	in->n_buttons = 0;
	struct dirent *e;
	while ((e = readdir(d)) && in->n_buttons < MAX_BUTTONS) {
		if (strncmp(e->d_name, "event", 5) != 0) {
			continue;
		}
		int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0) {
			continue;
		}
		if (has_power_key(fd)) {
			in->buttons[in->n_buttons++] = fd;
		} else {
			close(fd);
		}
	}
	closedir(d);
	if (in->n_buttons > 0) {
		logf_("%d power button(s)", in->n_buttons);
		in->button_search_until = 0;
	}
}

/* Reads what a button device has; true when the power key went down. */
static bool button_pressed(int fd) {
	struct input_event ev[16];
	ssize_t n;
	bool pressed = false;
	while ((n = read(fd, ev, sizeof(ev))) > 0) {
		for (size_t i = 0; i < (size_t)n / sizeof(ev[0]); i++) {
			if (ev[i].type == EV_KEY && ev[i].code == KEY_POWER && ev[i].value == 1) {
				pressed = true;
			}
		}
	}
	return pressed;
}

/* ---- the agent ---- */

static void start_agent(struct init *in) {
	in->agent_restart = 0;
	in->agent_started = now_ms();
	pid_t pid = fork();
	if (pid < 0) {
		logf_("cannot fork the agent: %s", strerror(errno));
		in->agent_restart = now_ms() + in->restart_ms;
		return;
	}
	if (pid == 0) {
		sigset_t all;
		sigfillset(&all);
		sigprocmask(SIG_UNBLOCK, &all, NULL);
		setsid();
		char *argv[] = {(char *)in->agent, "--listen", AGENT_PORT,
			in->user ? "--user" : NULL, (char *)in->user, NULL};
		char *envp[] = {
			"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			"HOME=/run", "LANG=C.UTF-8", "TERM=linux", NULL,
		};
		execve(in->agent, argv, envp);
		logf_("cannot run %s: %s", in->agent, strerror(errno));
		_exit(127);
	}
	in->agent_pid = pid;
	logf_("started %s (pid %d)", in->agent, (int)pid);
}

static void agent_ended(struct init *in, int status) {
	if (WIFEXITED(status)) {
		logf_("the agent exited with %d", WEXITSTATUS(status));
	} else {
		logf_("the agent was killed by signal %d", WTERMSIG(status));
	}
	in->agent_pid = 0;
	/* A death soon after the start doubles the wait; a long run resets it. */
	if (now_ms() - in->agent_started > RESTART_MAX_MS) {
		in->restart_ms = RESTART_MIN_MS;
	} else if (in->restart_ms < RESTART_MAX_MS) {
		in->restart_ms *= 2;
	}
	in->agent_restart = now_ms() + in->restart_ms;
}

static void reap(struct init *in) {
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == in->agent_pid) {
			agent_ended(in, status);
		}
	}
}

/* ---- power off ---- */

static void drain_signals(int sfd) {
	struct signalfd_siginfo si;
	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
	}
}

static _Noreturn void power_off(struct init *in, const char *why) {
	logf_("powering off (%s)", why);
	kill(-1, SIGTERM);
	long long until = now_ms() + STOP_GRACE_MS;
	for (;;) {
		pid_t r;
		while ((r = waitpid(-1, NULL, WNOHANG)) > 0) {
		}
		if (r < 0 && errno == ECHILD) {
			break;
		}
		long long left = until - now_ms();
		if (left <= 0) {
			kill(-1, SIGKILL);
			while (waitpid(-1, NULL, 0) > 0 || errno == EINTR) {
			}
			break;
		}
		struct pollfd p = {.fd = in->sfd, .events = POLLIN};
		poll(&p, 1, (int)left);
		drain_signals(in->sfd);
	}
	sync();
	reboot(RB_POWER_OFF);
	logf_("cannot power off: %s", strerror(errno));
	for (;;) {
		pause();
	}
}

int main(void) {
	if (getpid() != 1) {
		fprintf(stderr, "cordon-init: this is the guest's init (PID 1); "
			"it mounts file systems and powers the machine off\n");
		return 2;
	}
	struct init in = {
		.user = getenv("cordon_user") ? getenv("cordon_user") : DEFAULT_USER,
		.agent = getenv("cordon_agent") ? getenv("cordon_agent") : DEFAULT_AGENT,
		.restart_ms = RESTART_MIN_MS,
		.button_search_until = 0,
	};
	int con = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (con >= 0) {
		dup2(con, 0);
		dup2(con, 1);
		dup2(con, 2);
		if (con > 2) {
			close(con);
		}
	}
	setvbuf(stderr, NULL, _IOLBF, 0);

	sigset_t mask;
	sigemptyset(&mask);
	int sigs[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGPWR};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaddset(&mask, sigs[i]);
	}
	sigprocmask(SIG_BLOCK, &mask, NULL);
	in.sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (in.sfd < 0) {
		logf_("cannot make a signalfd: %s", strerror(errno));
	}
	/* ctrl-alt-del sends SIGINT instead of rebooting at once. */
	reboot(RB_DISABLE_CAD);

	setup_fs(&in);
	set_hostname();
	find_buttons(&in);
	if (in.n_buttons == 0) {
		in.button_search_until = now_ms() + BUTTON_SEARCH_MS;
	}
	logf_("ready in %lld ms since boot", now_ms());
	start_agent(&in);

	for (;;) {
		struct pollfd p[1 + MAX_BUTTONS];
		int n = 0;
		p[n++] = (struct pollfd){.fd = in.sfd, .events = POLLIN};
		for (int i = 0; i < in.n_buttons; i++) {
			p[n++] = (struct pollfd){.fd = in.buttons[i], .events = POLLIN};
		}
		long long now = now_ms(), wake = -1;
		if (in.agent_restart) {
			wake = in.agent_restart;
		}
		if (in.button_search_until && (wake < 0 || now + 1000 < wake)) {
			wake = now + 1000;
		}
		int timeout = wake < 0 ? -1 : (int)(wake > now ? wake - now : 0);
		if (poll(p, (nfds_t)n, timeout) < 0 && errno != EINTR) {
			logf_("poll: %s", strerror(errno));
			sleep(1);
		}
		struct signalfd_siginfo si;
		while (in.sfd >= 0 && read(in.sfd, &si, sizeof(si)) == sizeof(si)) {
			switch (si.ssi_signo) {
			case SIGCHLD:
				break;
			case SIGHUP:
			case SIGUSR1:
				logf_("ignoring signal %u", si.ssi_signo);
				break;
			default:
				power_off(&in, strsignal((int)si.ssi_signo));
			}
		}
		reap(&in);
		for (int i = 1; i < n; i++) {
			if ((p[i].revents & POLLIN) && button_pressed(p[i].fd)) {
				power_off(&in, "power button");
			}
		}
		now = now_ms();
		if (in.agent_restart && now >= in.agent_restart) {
			start_agent(&in);
		}
		if (in.button_search_until) {
			find_buttons(&in);
			if (in.button_search_until && now >= in.button_search_until) {
				logf_("no power button; only signals power the guest off");
				in.button_search_until = 0;
			}
		}
	}
}
