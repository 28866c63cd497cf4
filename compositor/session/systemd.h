#ifndef CORDON_SYSTEMD_H
#define CORDON_SYSTEMD_H

struct cordon_server;

/* The unit cordon starts once ready and stops on exit (data/systemd/). */
#define SYSTEMD_SESSION_TARGET "cordon-session.target"

/*
 * Once the host socket is up: sets XDG_CURRENT_DESKTOP and
 * XDG_SESSION_TYPE for cordon's children, exports them and WAYLAND_DISPLAY
 * to the systemd user manager and the D-Bus activation environment when
 * they exist, and starts SYSTEMD_SESSION_TARGET. Runs detached: a hung
 * user manager cannot hold up the session. Every failure is logged, none
 * is fatal.
 */
void systemd_session_start(struct cordon_server *server);

/*
 * Exports more of cordon's environment variables (names, NULL-terminated;
 * e.g. DISPLAY once Xwayland is up) the same way. Those given to the user
 * manager are unset there again on exit.
 */
void systemd_export(struct cordon_server *server, const char *const *names);

/*
 * On exit: stops SYSTEMD_SESSION_TARGET (without waiting for its units)
 * and unsets what was exported to the user manager; waits a bounded time.
 */
void systemd_session_stop(struct cordon_server *server);
void systemd_finish(struct cordon_server *server);

#endif
