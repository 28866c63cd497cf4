/*
 * kind = qemu: the config keys and their errors, the QEMU and virtiofsd
 * command lines, the QMP client against tests/fake-qemu (real QMP, and
 * hostile variants), and the whole launcher with the fake QEMU standing in
 * for the VM and the real cordon-agent on a pty standing in for the
 * virtio-serial port: apps with hot-added ports and the waypipe relay
 * (tests/fake-bin/waypipe), the 32nd app, stop over QMP, SIGKILL and the
 * restart, the accel = auto fallback, and that nothing survives.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tests/unit/fixture_vm.h"
#include "common/strv.h"
#include "vmm/agent_client.h"
#include "vmm/qemu.h"
#include "vmm/qmp.h"

#define FAKE_QEMU CORDON_SOURCE_ROOT "/tests/fake-qemu"
#define FAKE_BIN CORDON_SOURCE_ROOT "/tests/fake-bin"

/* ---- config ---- */

static struct cordon_config *load(const char *text, struct config_errors *errs) {
	return config_load_string(text, "t.conf", errs);
}

static void expect_error(const char *text, const char *expected) {
	struct config_errors errs = {0};
	struct cordon_config *c = load(text, &errs);
	if (c != NULL || errs.len != 1 || strcmp(errs.msgs[0], expected) != 0) {
		print_message("expected: %s\n", expected);
		for (size_t i = 0; i < errs.len; i++) {
			print_message("     got: %s\n", errs.msgs[i]);
		}
	}
	assert_null(c);
	assert_int_equal(errs.len, 1);
	assert_string_equal(errs.msgs[0], expected);
	config_errors_finish(&errs);
}

static void test_config_keys(void **state) {
	struct config_errors errs = {0};
	struct cordon_config *c = load("[domain vm]\nkind = qemu\n"
		"qemu = /opt/qemu/bin/qemu-system-x86_64\nkernel = /k\ninitrd = /i\n"
		"root = /srv/guest\ndisk = /d.img,ro\nmem = 1024\ncpus = 3\n"
		"accel = tcg\nparams = quiet\nshare = /home/u/shared:shared\n"
		"relay = waypipe\nagent = serial\nrestart = always\nstop-timeout = 9\n"
		"apps = foot\n"
		"[domain vm2]\nkind = qemu\nkernel = /k\n", &errs);
	for (size_t i = 0; i < errs.len; i++) {
		print_message("%s\n", errs.msgs[i]);
	}
	assert_non_null(c);
	struct config_domain *d = config_find_domain(c, "vm");
	assert_int_equal(d->kind, CONFIG_DOMAIN_QEMU);
	assert_string_equal(d->qemu, "/opt/qemu/bin/qemu-system-x86_64");
	assert_string_equal(d->root, "/srv/guest");
	assert_int_equal(d->accel, CONFIG_ACCEL_TCG);
	assert_int_equal(d->relay, CONFIG_RELAY_WAYPIPE);
	assert_int_equal(d->mem_mib, 1024);
	assert_int_equal(d->cpus, 3);
	assert_int_equal(d->n_disks, 1);
	assert_int_equal(d->n_shares, 1);
	assert_string_equal(d->agent, "serial");
	assert_int_equal(d->restart, CONFIG_RESTART_ALWAYS);
	assert_int_equal(d->stop_timeout, 9);
	assert_string_equal(config_kind_name(d->kind), "qemu");
	/* Defaults: auto, waypipe, the serial agent, no Xwayland of cordon's. */
	d = config_find_domain(c, "vm2");
	assert_null(d->qemu);
	assert_int_equal(d->accel, CONFIG_ACCEL_AUTO);
	assert_int_equal(d->relay, CONFIG_RELAY_WAYPIPE);
	assert_string_equal(d->agent, "serial");
	assert_int_equal(config_domain_xwayland(d), CONFIG_XWAYLAND_NO);
	config_destroy(c);
}

static void test_config_errors(void **state) {
	expect_error("[domain vm]\nkind = qemu\n",
		"t.conf:1: [domain vm] kind = qemu needs a 'kernel' key");
	expect_error("[domain vm]\nkind = qemu\nkernel = /k\naccel = hvf\n",
		"t.conf:4: [domain vm] accel: bad value 'hvf' (expected auto, kvm or tcg)");
	expect_error("[domain vm]\nkind = qemu\nkernel = /k\nrelay = sommelier\n",
		"t.conf:4: [domain vm] relay: bad value 'sommelier' (expected waypipe "
		"or rutabaga)");
	expect_error("[domain vm]\nkind = qemu\nkernel = /k\nqemu = bin/qemu\n",
		"t.conf:4: [domain vm] qemu: bad qemu binary 'bin/qemu' (expected a "
		"program name found in PATH or an absolute path, without blanks)");
	expect_error("[domain vm]\nkind = qemu\nkernel = /k\nqemu = qemu -enable-kvm\n",
		"t.conf:4: [domain vm] qemu: bad qemu binary 'qemu -enable-kvm' (expected "
		"a program name found in PATH or an absolute path, without blanks)");
	expect_error("[domain vm]\nkind = qemu\nkernel = /k\nagent = vsock:3:5100\n",
		"t.conf:4: [domain vm] agent: bad agent 'vsock:3:5100' for kind = qemu "
		"(expected serial: the guest's cordon-agent on the virtio-serial port "
		"cordon.agent)");
	expect_error("[domain vm]\nkind = qemu\nkernel = /k\ncid = 5\n",
		"t.conf:4: [domain vm] key 'cid' applies only to kind = crosvm, and this "
		"domain is kind = qemu");
	expect_error("[domain vm]\nkind = crosvm\nkernel = /k\naccel = kvm\n",
		"t.conf:4: [domain vm] key 'accel' applies only to kind = qemu, and this "
		"domain is kind = crosvm");
	expect_error("[domain vm]\nkind = qemu\nkernel = /k\nmem = 8\n",
		"t.conf:4: [domain vm] mem: 8 is out of range (64 to 1048576)");
	expect_error("[domain vm]\nkind = qemu\nkernel = /k\nshare = rel:tag\n",
		"t.conf:4: [domain vm] share: bad share 'rel:tag' (expected HOSTDIR:TAG "
		"with an absolute HOSTDIR and a TAG without ':', ',' or blanks)");
	expect_error("[domain vm]\nkind = qemu\nkernel = /k\nstop-timeout = 0\n",
		"t.conf:4: [domain vm] stop-timeout: 0 is out of range (1 to 3600)");
	expect_error("[domain vm]\nkind = qemu\nkernel = /k\nrestart = maybe\n",
		"t.conf:4: [domain vm] restart: bad value 'maybe' (expected no, "
		"on-failure or always)");
}

/* ---- command lines ---- */

static struct cordon_config *load_ok(const char *text) {
	struct config_errors errs = {0};
	struct cordon_config *c = load(text, &errs);
	for (size_t i = 0; i < errs.len; i++) {
		print_message("%s\n", errs.msgs[i]);
	}
	config_errors_finish(&errs);
	assert_non_null(c);
	return c;
}

static char *joined(char **argv) {
	size_t len = 1;
	for (char **a = argv; *a; a++) {
		len += strlen(*a) + 3;
	}
	char *s = calloc(1, len);
	assert_non_null(s);
	for (char **a = argv; *a; a++) {
		strcat(s, a == argv ? "" : " ");
		strcat(s, "'");
		strcat(s, *a);
		strcat(s, "'");
	}
	return s;
}

static const struct qemu_paths test_paths = {
	.socket = "/run/c/vm/wayland-0", .qmp = "/run/c/vm/qmp.sock",
	.agent = "/run/c/vm/agent.sock", .virtiofs = "/run/c/vm/virtiofs.sock",
};

/* The QEMU command line for domain vm of config text, quoted and joined. */
static char *run_argv(const char *text, struct qemu_choice ch) {
	struct cordon_config *c = load_ok(text);
	char err[256];
	char **argv = qemu_run_argv(config_find_domain(c, "vm"), &test_paths, &ch, err,
		sizeof(err));
	if (!argv) {
		fail_msg("%s", err);
	}
	char *s = joined(argv);
	strv_free(argv);
	config_destroy(c);
	return s;
}

static void test_argv_dir_root_tcg(void **state) {
	char *s = run_argv("[domain vm]\nkind = qemu\nkernel = /k/vmlinuz\n"
		"root = /srv/root\nmem = 1024\ncpus = 2\nparams = quiet loglevel=3\n",
		(struct qemu_choice){ .kvm = false, .root_is_dir = true });
	assert_string_equal(s,
		"'qemu-system-x86_64' '-name' 'cordon-vm' '-nodefaults' '-no-user-config' "
		"'-display' 'none' '-no-reboot' '-machine' 'q35,memory-backend=cordonmem' "
		"'-accel' 'tcg' '-cpu' 'max' '-m' '1024' '-smp' '2' "
		"'-object' 'memory-backend-memfd,id=cordonmem,size=1024M,share=on' "
		"'-kernel' '/k/vmlinuz' "
		"'-append' 'console=ttyS0 panic=-1 rootfstype=virtiofs root=cordonroot ro quiet loglevel=3' "
		"'-chardev' 'stdio,id=cordoncon,signal=off' '-serial' 'chardev:cordoncon' "
		"'-chardev' 'socket,id=cordonqmp,path=/run/c/vm/qmp.sock,server=on,wait=off' "
		"'-mon' 'chardev=cordonqmp,mode=control' "
		"'-chardev' 'socket,id=cordonfs,path=/run/c/vm/virtiofs.sock' "
		"'-device' 'vhost-user-fs-pci,chardev=cordonfs,tag=cordonroot' "
		"'-device' 'virtio-serial-pci,id=cordonagent,max_ports=2' "
		"'-chardev' 'socket,id=cordonagentchr,path=/run/c/vm/agent.sock,server=on,wait=off' "
		"'-device' 'virtserialport,bus=cordonagent.0,nr=1,chardev=cordonagentchr,name=cordon.agent' "
		"'-device' 'virtio-serial-pci,id=cordonwl,max_ports=32'");
	free(s);
}

static void test_argv_file_root_kvm(void **state) {
	char *s = run_argv("[domain vm]\nkind = qemu\nqemu = /opt/q\n"
		"kernel = /k\ninitrd = /i\nroot = /img/root,1.img\ndisk = /d.img,ro\n"
		"share = /home/u/s:s\n", (struct qemu_choice){ .kvm = true, .root_is_dir = false });
	assert_non_null(strstr(s, "'/opt/q' '-name'"));
	assert_non_null(strstr(s, "'-accel' 'kvm' '-cpu' 'host'"));
	assert_non_null(strstr(s, "'-kernel' '/k' '-initrd' '/i'"));
	assert_non_null(strstr(s, "'-append' 'console=ttyS0 panic=-1 root=/dev/vda ro'"));
	/* The root first, so it is vda; its comma doubled for QEMU's parser. */
	const char *root = strstr(s, "'-drive' 'file=/img/root,,1.img,if=none,id=cordonroot,"
		"format=raw,readonly=on' '-device' 'virtio-blk-pci,drive=cordonroot'");
	const char *disk = strstr(s, "'-drive' 'file=/d.img,if=none,id=cordondisk0,"
		"format=raw,readonly=on' '-device' 'virtio-blk-pci,drive=cordondisk0'");
	assert_non_null(root);
	assert_non_null(disk);
	assert_true(root < disk);
	assert_non_null(strstr(s, "'-fsdev' 'local,id=cordonshare0,security_model=none,"
		"path=/home/u/s' '-device' 'virtio-9p-pci,fsdev=cordonshare0,mount_tag=s'"));
	assert_null(strstr(s, "vhost-user-fs"));
	free(s);
}

static void test_argv_rutabaga_and_errors(void **state) {
	struct qemu_choice ch = { .kvm = false };
	char *s = run_argv("[domain vm]\nkind = qemu\nkernel = /k\nrelay = rutabaga\n", ch);
	assert_non_null(strstr(s, "'-device' 'virtio-gpu-rutabaga,cross-domain=on,"
		"hostmem=256M,wayland-socket-path=/run/c/vm/wayland-0'"));
	assert_null(strstr(s, "id=cordonwl"));
	/* No root: nothing about one on the kernel command line. */
	assert_non_null(strstr(s, "'console=ttyS0 panic=-1'"));
	free(s);
	struct cordon_config *c = load_ok("[domain bad]\nkind = qemu\nkernel = vmlinuz\n");
	char err[256];
	assert_null(qemu_run_argv(config_find_domain(c, "bad"), &test_paths, &ch, err,
		sizeof(err)));
	assert_string_equal(err, "kernel 'vmlinuz' is not an absolute path");
	config_destroy(c);

	char **argv = qemu_virtiofsd_argv("/usr/libexec/virtiofsd", 3, "/srv/root", false,
		err, sizeof(err));
	s = joined(argv);
	assert_string_equal(s, "'/usr/libexec/virtiofsd' '--fd=3' "
		"'--shared-dir=/srv/root' '--readonly' '--cache=always' '--sandbox=none'");
	free(s);
	strv_free(argv);
	assert_null(qemu_virtiofsd_argv("/usr/libexec/virtiofsd", 3, "srv/root", false,
		err, sizeof(err)));
	assert_string_equal(err, "root 'srv/root' is not an absolute path");
}

/* ---- QMP against the fake QEMU ---- */

struct q {
	struct wl_event_loop *loop;
	char dir[64];
	char qmp[128];
	pid_t pid;
	bool ready, closed;
	char why[256];
	int replies;
	bool last_ok;
	char last_error[256];
	char events[512];
};

static void q_ready(struct qmp *qmp, void *data) {
	((struct q *)data)->ready = true;
}

static void q_closed(struct qmp *qmp, const char *why, void *data) {
	struct q *q = data;
	q->closed = true;
	snprintf(q->why, sizeof(q->why), "%s", why);
}

static void q_event(struct qmp *qmp, const char *name, struct json_object *d, void *data) {
	struct q *q = data;
	strncat(q->events, name, sizeof(q->events) - strlen(q->events) - 2);
	strcat(q->events, " ");
}

static void q_reply(struct qmp *qmp, bool ok, struct json_object *ret, const char *error,
		void *data) {
	struct q *q = data;
	q->replies++;
	q->last_ok = ok;
	snprintf(q->last_error, sizeof(q->last_error), "%s", error ? error : "");
}

static void q_start(struct q *q, const char *mode) {
	q->loop = wl_event_loop_create();
	fixture_mkdtemp(q->dir, sizeof(q->dir), "/tmp/cq.XXXXXX");
	snprintf(q->qmp, sizeof(q->qmp), "%s/qmp.sock", q->dir);
	char chr[200], agent[200];
	snprintf(chr, sizeof(chr), "socket,id=cordonqmp,path=%s,server=on,wait=off", q->qmp);
	snprintf(agent, sizeof(agent), "socket,id=cordonagentchr,path=%s/agent.sock,"
		"server=on,wait=off", q->dir);
	q->pid = fork();
	assert_true(q->pid >= 0);
	if (q->pid == 0) {
		setenv("FAKE_QEMU_QMP", mode, 1);
		setenv("FAKE_QEMU_NO_AGENT", "1", 1);
		unsetenv("FAKE_QEMU_RECORD");
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		execl(FAKE_QEMU, FAKE_QEMU, "-chardev", chr, "-chardev", agent, (char *)NULL);
		_exit(127);
	}
}

static void q_stop(struct q *q) {
	kill(q->pid, SIGKILL);
	waitpid(q->pid, NULL, 0);
	wl_event_loop_destroy(q->loop);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", q->dir);
	assert_int_equal(system(cmd), 0);
}

static void q_until(struct q *q, bool *flag, int ms) {
	int64_t end = mstime_now() + ms;
	while (!*flag && mstime_now() < end) {
		wl_event_loop_dispatch(q->loop, 20);
	}
}

static void test_qmp_good(void **state) {
	struct q q = {0};
	q_start(&q, "good");
	struct qmp_callbacks cb = { .ready = q_ready, .closed = q_closed, .event = q_event,
		.data = &q };
	struct qmp *qmp = qmp_create(q.loop, q.qmp, 10000, &cb);
	assert_non_null(qmp);
	/* Queued before the handshake: sent once it is done. */
	assert_true(qmp_command(qmp, "query-nothing", NULL, q_reply, &q));
	q_until(&q, &q.ready, 10000);
	assert_true(q.ready);
	int64_t end = mstime_now() + 5000;
	while (q.replies < 1 && mstime_now() < end) {
		wl_event_loop_dispatch(q.loop, 20);
	}
	assert_int_equal(q.replies, 1);
	assert_false(q.last_ok);
	assert_string_equal(q.last_error, "The command query-nothing has not been found");
	assert_true(qmp_command(qmp, "system_powerdown", NULL, q_reply, &q));
	end = mstime_now() + 5000;
	while ((q.replies < 2 || !strstr(q.events, "POWERDOWN")) && mstime_now() < end) {
		wl_event_loop_dispatch(q.loop, 20);
	}
	assert_int_equal(q.replies, 2);
	assert_true(q.last_ok);
	assert_non_null(strstr(q.events, "POWERDOWN"));
	/* The fake exits after a powerdown: the close is reported. */
	q_until(&q, &q.closed, 5000);
	assert_string_equal(q.why, "QEMU closed the QMP socket");
	qmp_destroy(qmp);
	q_stop(&q);
}

/* Each hostile QEMU ends the connection with a reason, within the timeout. */
static void hostile(const char *mode, const char *why, bool command) {
	struct q q = {0};
	q_start(&q, mode);
	struct qmp_callbacks cb = { .ready = q_ready, .closed = q_closed, .data = &q };
	struct qmp *qmp = qmp_create(q.loop, q.qmp, 1500, &cb);
	assert_non_null(qmp);
	if (command) {
		q_until(&q, &q.ready, 10000);
		assert_true(q.ready);
		assert_true(qmp_command(qmp, "device_del", NULL, q_reply, &q));
	}
	q_until(&q, &q.closed, 10000);
	assert_true(q.closed);
	if (strncmp(q.why, why, strlen(why)) != 0) {
		fail_msg("%s: '%s' does not start with '%s'", mode, q.why, why);
	}
	if (command) {
		/* The command in flight failed with the reason. */
		assert_int_equal(q.replies, 1);
		assert_false(q.last_ok);
		assert_string_equal(q.last_error, q.why);
	}
	assert_true(qmp_is_closed(qmp));
	assert_false(qmp_command(qmp, "system_powerdown", NULL, q_reply, &q));
	qmp_destroy(qmp);
	q_stop(&q);
}

static void test_qmp_hostile(void **state) {
	hostile("garbage", "QMP sent something that is not one JSON object per line", false);
	hostile("huge", "QMP line longer than 65536 bytes", false);
	hostile("silent", "no QMP greeting within 1500 ms", false);
	hostile("noreply", "no QMP reply within 1500 ms", true);
	hostile("badid", "QMP reply with unexpected id 999999", true);
}

static void test_qmp_nobody(void **state) {
	struct q q = { .loop = wl_event_loop_create() };
	struct qmp_callbacks cb = { .closed = q_closed, .data = &q };
	struct qmp *qmp = qmp_create(q.loop, "/tmp/cordon-no-such-qmp.sock", 300, &cb);
	q_until(&q, &q.closed, 5000);
	assert_string_equal(q.why, "cannot connect to QMP at /tmp/cordon-no-such-qmp.sock "
		"within 300 ms");
	qmp_destroy(qmp);
	wl_event_loop_destroy(q.loop);
}

/* ---- the launcher with the fake QEMU and the real agent ---- */

static int setup(void **state) {
	*state = vm_fixture_setup("/tmp/cv.XXXXXX", "FAKE_QEMU_RECORD");
	unsetenv("FAKE_QEMU_KVM");
	unsetenv("FAKE_QEMU_IGNORE_POWERDOWN");
	unsetenv("FAKE_QEMU_AGENT_NOISE");
	char path[4096];
	snprintf(path, sizeof(path), "%s:%s", FAKE_BIN, getenv("PATH") ? getenv("PATH") :
		"/usr/bin:/bin");
	setenv("PATH", path, 1);
	return 0;
}

static void create(struct vm_fixture *t, const char *extra) {
	vm_fixture_create(t, vm_fixture_load(t, "[domain vm]\nkind = qemu\nqemu = %s\n"
		"kernel = %s\n%s", FAKE_QEMU, t->kernel, extra ? extra : ""), NULL);
}

static void spin(struct vm_fixture *t, int ms) {
	int64_t end = mstime_now() + ms;
	while (mstime_now() < end) {
		wl_event_loop_dispatch(t->loop, 20);
	}
}

/* What the fake QEMU recorded (it has started once the vmm ran it). */
static char *read_record(struct vm_fixture *t) {
	char *rec = fixture_slurp(t->record);
	assert_non_null(rec);
	return rec;
}

static int count(const char *hay, const char *needle) {
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle)) {
		n++;
	}
	return n;
}

/*
 * Runs `cordonctl run`'s side (agent_client_run on the domain's run socket)
 * for each of n commands in a child, while the loop keeps serving; the
 * child writes "ok PID" / "exit CODE" / "error TEXT" lines to out.
 */
static void clients(struct vm_fixture *t, int n, char **const *cmds, bool wait, char *out,
		size_t outlen) {
	int p[2];
	assert_int_equal(pipe(p), 0);
	const char *address = vmm_agent_address(t->vmm);
	assert_non_null(address);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		FILE *f = fdopen(p[1], "w");
		for (int i = 0; i < n; i++) {
			struct agent_result res = {0};
			char err[512] = "";
			if (agent_client_run(address, cmds[i], NULL, NULL, 20000, wait, &res, err,
					sizeof(err))) {
				fprintf(f, wait ? "exit %d\n" : "ok %d\n", wait ? res.code : (int)res.pid);
			} else {
				fprintf(f, "error %s\n", err);
			}
			fflush(f);
		}
		_exit(0);
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	size_t len = 0;
	int64_t end = mstime_now() + 60000;
	while (mstime_now() < end) {
		wl_event_loop_dispatch(t->loop, 20);
		ssize_t r = read(p[0], out + len, outlen - 1 - len);
		if (r > 0) {
			len += (size_t)r;
		}
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			while ((r = read(p[0], out + len, outlen - 1 - len)) > 0) {
				len += (size_t)r;
			}
			break;
		}
	}
	out[len] = '\0';
	close(p[0]);
}

static void test_vm_app(void **state) {
	struct vm_fixture *t = *state;
	create(t, "accel = tcg\nstop-timeout = 6\n");
	assert_true(vmm_start(t->vmm));
	assert_true(vm_fixture_wait_state(t, SUPERVISOR_RUNNING, 10000));
	char *app[] = { "sh", "-c", "sleep 1; exit 3", NULL };
	char **cmds[] = { app };
	char out[4096];
	clients(t, 1, cmds, true, out, sizeof(out));
	assert_string_equal(out, "exit 3\n");
	/* The port is freed once the app ended, its chardev only after QEMU
	 * reported the port gone (else QEMU refuses it as busy). */
	char *rec = NULL;
	for (int64_t end = mstime_now() + 5000; mstime_now() < end;) {
		spin(t, 50);
		free(rec);
		rec = read_record(t);
		if (strstr(rec, "qmp chardev-remove {\"id\": \"cordonwlchr1\"}")) {
			break;
		}
	}
	assert_null(strstr(rec, "chardev busy"));
	if (getenv("TEST_VERBOSE")) {
		fprintf(stderr, "%s\n", rec);
	}
	assert_non_null(strstr(rec, "\"-accel\", \"tcg\""));
	const char *add = strstr(rec, "qmp chardev-add {\"backend\": {\"data\": {\"addr\": "
		"{\"data\": {\"path\": ");
	const char *dev = strstr(rec, "qmp device_add {\"bus\": \"cordonwl.0\", \"chardev\": "
		"\"cordonwlchr1\", \"driver\": \"virtserialport\", \"id\": \"cordonwlport1\", "
		"\"name\": \"cordon.wl.1\", \"nr\": 1}");
	const char *del = strstr(rec, "qmp device_del {\"id\": \"cordonwlport1\"}");
	const char *rm = strstr(rec, "qmp chardev-remove {\"id\": \"cordonwlchr1\"}");
	assert_non_null(add);
	assert_non_null(dev);
	assert_non_null(del);
	assert_non_null(rm);
	assert_true(add < dev && dev < del && del < rm);
	/* The guest app's Wayland bytes crossed port and relay to the host waypipe. */
	assert_non_null(strstr(rec, "relay "));
	assert_non_null(strstr(rec, "hello from the guest app"));
	/* The host waypipe connects to the domain's own socket. */
	assert_non_null(strstr(rec, "waypipe-client "));
	assert_non_null(strstr(rec, t->socket));
	free(rec);

	/* A command the guest cannot run: waypipe server, which runs it, fails. */
	char *bad[] = { "/nonexistent/app", NULL };
	char **cmds2[] = { bad };
	clients(t, 1, cmds2, true, out, sizeof(out));
	assert_non_null(strstr(out, "exit "));
	assert_string_not_equal(out, "exit 0\n");

	/* Stop: system_powerdown over QMP, and the fake powers off by itself. */
	t->log[0] = '\0';
	vmm_stop(t->vmm);
	assert_true(vm_fixture_wait_state(t, SUPERVISOR_STOPPED, 10000));
	assert_non_null(strstr(t->log, "asked the program to stop"));
	assert_null(strstr(t->log, "sending SIGTERM"));
	assert_non_null(strstr(t->log, "stopped (exited with code 0)"));
	rec = read_record(t);
	assert_non_null(strstr(rec, "qmp system_powerdown {}"));
	free(rec);
}

static void test_vm_32nd_app(void **state) {
	struct vm_fixture *t = *state;
	create(t, "accel = tcg\n");
	assert_true(vmm_start(t->vmm));
	assert_true(vm_fixture_wait_state(t, SUPERVISOR_RUNNING, 10000));
	char *app[] = { "sleep", "60", NULL };
	char **cmds[32];
	for (int i = 0; i < 32; i++) {
		cmds[i] = app;
	}
	char out[8192];
	clients(t, 32, cmds, false, out, sizeof(out));
	assert_int_equal(count(out, "ok "), 31);
	if (!strstr(out, "error the agent refused: domain vm: all 31 app ports are in use "
			"(one virtio-serial device holds 31); close an app first")) {
		fail_msg("%s", out);
	}
	char *rec = read_record(t);
	assert_int_equal(count(rec, "qmp device_add"), 31);
	assert_non_null(strstr(rec, "\"name\": \"cordon.wl.31\""));
	/* Every relay half is a supervised process; note them to check below. */
	pid_t relays[64];
	int n = 0;
	for (const char *p = rec; (p = strstr(p, "waypipe-client ")) != NULL && n < 64; p++) {
		relays[n++] = (pid_t)atoi(p + strlen("waypipe-client "));
	}
	assert_int_equal(n, 31);
	int qemu_pid = vmm_pid(t->vmm);
	free(rec);
	/* Nothing survives the launcher. */
	vmm_destroy(t->vmm);
	t->vmm = NULL;
	assert_true(fixture_process_gone(qemu_pid));
	for (int i = 0; i < n; i++) {
		if (!fixture_process_gone(relays[i])) {
			fail_msg("relay %d survived", (int)relays[i]);
		}
	}
}

static void test_vm_kill_restart(void **state) {
	struct vm_fixture *t = *state;
	create(t, "accel = tcg\nrestart = on-failure\n");
	assert_true(vmm_start(t->vmm));
	assert_true(vm_fixture_wait_state(t, SUPERVISOR_RUNNING, 10000));
	assert_true(vm_fixture_wait_log(t, "guest agent ready", 10000));
	pid_t pid = vmm_pid(t->vmm);
	kill(pid, SIGKILL);
	assert_true(vm_fixture_wait_state(t, SUPERVISOR_FAILED, 10000));
	/* Restarted per policy, with a fresh QMP and agent link. */
	assert_true(vm_fixture_wait_state(t, SUPERVISOR_RUNNING, 10000));
	assert_int_not_equal(vmm_pid(t->vmm), pid);
	assert_int_equal(vmm_restarts(t->vmm), 1);
	t->log[0] = '\0';
	assert_true(vm_fixture_wait_log(t, "guest agent ready", 10000));
}

static void test_vm_accel_fallback(void **state) {
	struct vm_fixture *t = *state;
	setenv("FAKE_QEMU_KVM", "crash", 1);
	/* A KVM device that opens (this machine's may not), whose guests crash. */
	setenv("CORDON_QEMU_KVM_DEVICE", "/dev/null", 1);
	create(t, "restart = no\n");
	assert_true(vmm_start(t->vmm));
	assert_true(vm_fixture_wait_log(t, "guest agent ready", 15000));
	unsetenv("CORDON_QEMU_KVM_DEVICE");
	char *rec = read_record(t);
	/* KVM was tried first, crashed, and TCG took over despite restart = no. */
	const char *kvm = strstr(rec, "accel kvm");
	const char *tcg = strstr(rec, "accel tcg");
	assert_non_null(kvm);
	assert_non_null(tcg);
	assert_true(kvm < tcg);
	assert_non_null(strstr(t->log, "accel kvm (auto)"));
	assert_non_null(strstr(t->log, "accel auto: QEMU under KVM ended before its "
		"guest agent answered; starting again with TCG"));
	assert_non_null(strstr(t->log, "accel tcg (auto)"));
	assert_int_equal(vmm_state(t->vmm), SUPERVISOR_RUNNING);
	free(rec);
}

static void test_vm_powerdown_ignored(void **state) {
	struct vm_fixture *t = *state;
	setenv("FAKE_QEMU_IGNORE_POWERDOWN", "1", 1);
	create(t, "accel = tcg\nstop-timeout = 2\n");
	assert_true(vmm_start(t->vmm));
	assert_true(vm_fixture_wait_state(t, SUPERVISOR_RUNNING, 10000));
	assert_true(vm_fixture_wait_log(t, "guest agent ready", 10000));
	vmm_stop(t->vmm);
	/* system_powerdown went unheeded: SIGTERM at half the timeout ends it. */
	assert_true(vm_fixture_wait_state(t, SUPERVISOR_STOPPED, 10000));
	char *rec = read_record(t);
	assert_non_null(strstr(rec, "qmp system_powerdown {}"));
	free(rec);
	assert_non_null(strstr(t->log, "sending SIGTERM"));
}

/* A guest that sends garbage, overlong lines and made-up answers first. */
static void test_vm_hostile_guest(void **state) {
	struct vm_fixture *t = *state;
	setenv("FAKE_QEMU_AGENT_NOISE", "1", 1);
	create(t, "accel = tcg\n");
	assert_true(vmm_start(t->vmm));
	assert_true(vm_fixture_wait_log(t, "guest agent ready", 20000));
	unsetenv("FAKE_QEMU_AGENT_NOISE");
	assert_non_null(strstr(t->log, "agent link: not a JSON object"));
	/* The link resynchronised: apps run and their exit comes through. */
	char *app[] = { "sh", "-c", "sleep 1; exit 5", NULL };
	char **cmds[] = { app };
	char out[4096];
	clients(t, 1, cmds, true, out, sizeof(out));
	assert_string_equal(out, "exit 5\n");
	assert_int_equal(vmm_state(t->vmm), SUPERVISOR_RUNNING);
	/* The flood was counted and logged a bounded number of times, not per line. */
	assert_true(count(t->log, "agent link:") < 10);
}

/* relay = rutabaga only with a QEMU that lists the device. */
static void test_vm_rutabaga(void **state) {
	struct vm_fixture *t = *state;
	unsetenv("FAKE_QEMU_RUTABAGA");
	create(t, "accel = tcg\nrelay = rutabaga\n");
	char err[512];
	assert_false(vmm_validate(config_find_domain(t->config, "vm"), err, sizeof(err)));
	char want[700];
	snprintf(want, sizeof(want), "domain vm: relay = rutabaga needs a QEMU with "
		"virtio-gpu-rutabaga, and '%s -device help' does not list it; use relay = "
		"waypipe", FAKE_QEMU);
	assert_string_equal(err, want);
	assert_false(vmm_start(t->vmm));
	assert_int_equal(vmm_state(t->vmm), SUPERVISOR_FAILED);
	assert_non_null(strstr(t->log, "does not list it; use relay = waypipe"));

	setenv("FAKE_QEMU_RUTABAGA", "1", 1);
	assert_true(vmm_validate(config_find_domain(t->config, "vm"), err, sizeof(err)));
	assert_true(vmm_start(t->vmm));
	assert_true(vm_fixture_wait_log(t, "guest agent ready", 10000));
	unsetenv("FAKE_QEMU_RUTABAGA");
	char *rec = read_record(t);
	char dev[300];
	snprintf(dev, sizeof(dev), "\"virtio-gpu-rutabaga,cross-domain=on,hostmem=256M,"
		"wayland-socket-path=%s\"", t->socket);
	if (!strstr(rec, dev)) {
		fail_msg("%s not in %s", dev, rec);
	}
	assert_null(strstr(rec, "id=cordonwl,"));
	free(rec);
}

static void test_vm_validate(void **state) {
	struct vm_fixture *t = *state;
	struct config_domain *d = vm_fixture_load(t, "[domain vm]\nkind = qemu\n"
		"qemu = no-such-qemu\nkernel = %s\nroot = /no/such/root.img\n", t->kernel);
	char err[512];
	assert_false(vmm_validate(d, err, sizeof(err)));
	assert_string_equal(err, "domain vm: qemu binary 'no-such-qemu' not found in PATH");
}

/* A test with a fresh domain "vm" set up (fixture_vm.h). */
#define VM_TEST(f) cmocka_unit_test_setup_teardown(f, setup, vm_fixture_teardown)

int main(void) {
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_keys),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_argv_dir_root_tcg),
		cmocka_unit_test(test_argv_file_root_kvm),
		cmocka_unit_test(test_argv_rutabaga_and_errors),
		cmocka_unit_test(test_qmp_good),
		cmocka_unit_test(test_qmp_hostile),
		cmocka_unit_test(test_qmp_nobody),
		VM_TEST(test_vm_app),
		VM_TEST(test_vm_32nd_app),
		VM_TEST(test_vm_kill_restart),
		VM_TEST(test_vm_accel_fallback),
		VM_TEST(test_vm_powerdown_ignored),
		VM_TEST(test_vm_hostile_guest),
		VM_TEST(test_vm_rutabaga),
		VM_TEST(test_vm_validate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
