/*
 * cordon-sandbox: what a sandbox engine such as Flatpak does on the host.
 * It binds wp_security_context_manager_v1 on the host display, creates a
 * listening socket at PATH and hands it to the compositor with the engine
 * name and app id; clients that connect to PATH are then the sandbox's.
 * Prints "ready" once the compositor has the context, and keeps it alive
 * until its standard input closes (the close fd's other end is ours).
 *
 * usage: cordon-sandbox PATH ENGINE APP_ID
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <wayland-client.h>
#include "security-context-v1-client-protocol.h"

static struct wp_security_context_manager_v1 *manager;

static void handle_global(void *data, struct wl_registry *registry, uint32_t name,
		const char *interface, uint32_t version) {
	if (strcmp(interface, wp_security_context_manager_v1_interface.name) == 0) {
		manager = wl_registry_bind(registry, name,
			&wp_security_context_manager_v1_interface, 1);
	}
}

static void handle_global_remove(void *data, struct wl_registry *registry, uint32_t name) {
}

static const struct wl_registry_listener registry_listener = {
	.global = handle_global,
	.global_remove = handle_global_remove,
};

int main(int argc, char *argv[]) {
	if (argc != 4) {
		fprintf(stderr, "usage: cordon-sandbox PATH ENGINE APP_ID\n");
		return 2;
	}
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "cordon-sandbox: path too long\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	int listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
			listen(listen_fd, 16) < 0) {
		perror("cordon-sandbox: listen");
		return 1;
	}
	/* The compositor stops serving the socket once this pipe's write end closes. */
	int close_fds[2];
	if (pipe(close_fds) < 0) {
		perror("cordon-sandbox: pipe");
		return 1;
	}
	struct wl_display *display = wl_display_connect(NULL);
	if (display == NULL) {
		fprintf(stderr, "cordon-sandbox: cannot connect to the host display\n");
		return 1;
	}
	struct wl_registry *registry = wl_display_get_registry(display);
	wl_registry_add_listener(registry, &registry_listener, NULL);
	wl_display_roundtrip(display);
	if (manager == NULL) {
		fprintf(stderr, "cordon-sandbox: no wp_security_context_manager_v1\n");
		return 1;
	}
	struct wp_security_context_v1 *context =
		wp_security_context_manager_v1_create_listener(manager, listen_fd, close_fds[0]);
	wp_security_context_v1_set_sandbox_engine(context, argv[2]);
	wp_security_context_v1_set_app_id(context, argv[3]);
	wp_security_context_v1_set_instance_id(context, "test");
	wp_security_context_v1_commit(context);
	if (wl_display_roundtrip(display) < 0) {
		fprintf(stderr, "cordon-sandbox: the compositor refused the context\n");
		return 1;
	}
	close(listen_fd);
	close(close_fds[0]);
	printf("ready\n");
	fflush(stdout);

	char buf[64];
	while (read(STDIN_FILENO, buf, sizeof(buf)) > 0) {
	}
	close(close_fds[1]);
	wp_security_context_v1_destroy(context);
	wp_security_context_manager_v1_destroy(manager);
	wl_registry_destroy(registry);
	wl_display_roundtrip(display);
	wl_display_disconnect(display);
	unlink(argv[1]);
	return 0;
}
