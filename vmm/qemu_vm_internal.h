#ifndef CORDON_VMM_QEMU_VM_INTERNAL_H
#define CORDON_VMM_QEMU_VM_INTERNAL_H

/*
 * What qemu_vm.c (QEMU's run: virtiofsd, QMP, the accelerator) and
 * qemu_apps.c (the agent link, cordonctl run's socket and the app ports)
 * share. Not for other files.
 */
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <wayland-server-core.h>
#include "vmm/agent/protocol.h"
#include "vmm/qemu.h"
#include "vmm/qemu_vm.h"
#include "vmm/qmp.h"
#include "vmm/supervisor.h"

#define AGENT_RETRY_MS 200

struct qemu_vm;

enum app_state {
	APP_READING = 0,   /* cordonctl's request is arriving */
	APP_QUEUED,        /* waiting for the guest agent's hello */
	APP_RELAY,         /* host waypipe started; waiting for its socket */
	APP_PLUG,          /* chardev-add / device_add in flight */
	APP_START,         /* request sent to the guest agent */
	APP_RUNNING,       /* the guest said ok; waiting for the exit */
	APP_UNPLUG,        /* device_del / chardev-remove in flight */
};

struct qemu_app {
	struct wl_list link;
	struct qemu_vm *vm;
	enum app_state state;
	int fd;                    /* cordonctl's connection, -1 once gone */
	struct wl_event_source *fd_source;
	struct wl_event_source *timer;
	int64_t began_ms;
	unsigned char hdr[4];
	size_t hdr_len;
	char *body;
	size_t body_len, body_need;
	struct json_object *request;
	int slot;                  /* 1..31 while it holds a port */
	uint64_t id;               /* request id on the agent link */
	struct supervisor *relay;
	char *relay_sock;
	bool plugged_chardev, plugged_device;
	int inflight;              /* QMP commands whose reply names this app */
	bool awaiting_delete;      /* device_del accepted; QEMU's DEVICE_DELETED not yet seen */
};

struct qemu_vm {
	struct wl_event_loop *loop;
	struct qemu_vm_callbacks cb;
	char *name;
	char *dir;
	char *socket_path;
	char **env;
	struct config_domain_copy {
		char *binary;
		char *root;
		enum config_accel accel;
		enum config_relay relay;
		size_t log_max;
		char **argv_kvm, **argv_tcg;
		bool root_is_dir;
	} c;
	char *qmp_path, *agent_path, *vfs_path, *run_path, *agent_address;
	/* The virtiofs socket, made and listened on by cordon and handed to
	 * virtiofsd as its fd 3, so QEMU can connect at once (-1: none). */
	int vfs_fd;

	bool kvm_bad;          /* accel auto: KVM failed once; TCG from now on */
	bool kvm_confirmed;    /* the agent answered under KVM */
	bool using_kvm;        /* the current or last start */
	bool running;          /* QEMU is up (RUNNING) */
	bool stop_seen;        /* a stop was asked during this run */
	int64_t started_ms;
	struct wl_event_source *probe_timer;
	/* QMP or virtiofsd failed while QEMU seemed up: restart unless it ends anyway. */
	struct wl_event_source *grace_timer;
	char grace_why[200];

	struct supervisor *virtiofsd;
	struct qmp *qmp;

	int listen_fd;
	struct wl_event_source *listen_source;

	/* The agent link: one persistent line stream (see protocol.h). */
	int agent_fd;
	struct wl_event_source *agent_source;
	struct wl_event_source *agent_timer;
	bool agent_ready;
	char agent_in[AGENT_PROTOCOL_MAX_MESSAGE + 1];
	size_t agent_in_len;
	bool agent_skipping;   /* dropping the rest of an overlong line */
	char *agent_out;
	size_t agent_out_len;
	uint64_t next_id;
	int64_t garbage_logged_ms;
	unsigned garbage;

	struct wl_list apps;   /* qemu_app */
	struct qemu_app *slots[QEMU_APP_PORTS_MAX + 1];
};

void qemu_vm_say(struct qemu_vm *vm, enum supervisor_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
char *qemu_vm_path(const char *dir, const char *file);

/* qemu_apps.c */
/* The run socket's fd handler: a cordonctl run connection per accept. */
int qemu_apps_handle_listen(int fd, uint32_t mask, void *data);
/* Connects the agent link and says hello until the agent answers. */
int qemu_apps_handle_agent_timer(void *data);
void qemu_apps_close_link(struct qemu_vm *vm);
/* QEMU ended (why: "stopped", "failed"): every app goes, cordonctl is told. */
void qemu_apps_end(struct qemu_vm *vm, const char *why);
/* QMP's DEVICE_DELETED for device id (untrusted: any string). */
void qemu_apps_device_deleted(struct qemu_vm *vm, const char *id);
/* Frees every app without a word (destroy). */
void qemu_apps_free_all(struct qemu_vm *vm);

#endif
