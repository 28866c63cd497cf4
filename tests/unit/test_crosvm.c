/*
 * The crosvm command line (vmm/crosvm.c) against golden files, the fake
 * crosvm's parser, and the command templates (vmm/command.c).
 * CORDON_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "tests/unit/fixture.h"
#include "config/config.h"
#include "vmm/command.h"
#include "vmm/crosvm.h"
#include "common/strv.h"

#define GOLDEN_DIR CORDON_SOURCE_ROOT "/tests/data"
#define FAKE_CROSVM CORDON_SOURCE_ROOT "/tests/fake-crosvm"

static const struct crosvm_paths run_paths = {
	.socket = "/run/user/1000/cordon/work/wayland-0",
	.control = "/run/user/1000/cordon/work/crosvm.sock",
	.serial = "/run/user/1000/cordon/work/serial.log",
};

/* The domain every key of kind = crosvm is set in, built by hand. */
static struct config_disk full_disks[] = {
	{ "/srv/vm/data.img", false },
	{ "/srv/vm/ro.img", true },
};
static struct config_share full_shares[] = {
	{ "/home/user/Documents", "docs" },
	{ "/srv/share", "share" },
};
static char *full_args[] = { "-p", "quiet", NULL };

static struct config_domain full_domain(void) {
	return (struct config_domain){
		.name = "work",
		.kind = CONFIG_DOMAIN_CROSVM,
		.crosvm = "/opt/crosvm/bin/crosvm",
		.kernel = "/srv/vm/vmlinuz",
		.initrd = "/srv/vm/initrd.img",
		.root = "/srv/vm/root.img",
		.disks = full_disks,
		.n_disks = 2,
		.mem_mib = 4096,
		.cpus = 4,
		.params = "console=hvc0 rw",
		.shares = full_shares,
		.n_shares = 2,
		.net = "tap0",
		.cid = 5,
		.gpu = "cross-domain:virgl2",
		.sandbox = false,
		.args = full_args,
	};
}

static const char full_config_text[] =
	"[domain work]\n"
	"kind = crosvm\n"
	"crosvm = /opt/crosvm/bin/crosvm\n"
	"kernel = /srv/vm/vmlinuz\n"
	"initrd = /srv/vm/initrd.img\n"
	"root = /srv/vm/root.img\n"
	"disk = /srv/vm/data.img\n"
	"disk = /srv/vm/ro.img,ro\n"
	"mem = 4096\n"
	"cpus = 4\n"
	"params = console=hvc0 rw\n"
	"share = /home/user/Documents:docs\n"
	"share = /srv/share:share\n"
	"net = tap0\n"
	"cid = 5\n"
	"gpu = cross-domain:virgl2\n"
	"sandbox = no\n"
	"args = -p quiet\n";

static char *join_lines(char *const *argv) {
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	assert_non_null(f);
	for (size_t i = 0; argv[i]; i++) {
		fprintf(f, "%s\n", argv[i]);
	}
	fclose(f);
	return out;
}

static void check_golden(char *const *argv, const char *name) {
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", GOLDEN_DIR, name);
	char *got = join_lines(argv);
	const char *update = getenv("CORDON_UPDATE_GOLDEN");
	if (update && strcmp(update, "1") == 0) {
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs(got, f);
		fclose(f);
	}
	char *want = fixture_slurp(path);
	if (!want) {
		fail_msg("cannot read golden file %s", path);
	}
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "--- want (%s)\n%s--- got\n%s", path, want, got);
	}
	assert_string_equal(got, want);
	free(got);
	free(want);
}

static void assert_no_deprecated(char *const *argv) {
	static const char *deprecated[] = { "-r", "--root", "--rwdisk", "--cid",
		"--tap-name", NULL };
	for (size_t i = 0; argv[i]; i++) {
		for (size_t j = 0; deprecated[j]; j++) {
			if (strcmp(argv[i], deprecated[j]) == 0) {
				fail_msg("deprecated flag %s emitted", argv[i]);
			}
		}
	}
}

/* The crosvm command line for d; fails the test if there is none. */
static char **run_argv(const struct config_domain *d, const struct crosvm_paths *paths) {
	char err[256] = "";
	char **argv = crosvm_run_argv(d, paths, err, sizeof(err));
	if (!argv) {
		fail_msg("%s", err);
	}
	return argv;
}

/* d's command line is the golden file's and has no deprecated flag. */
static void check_domain_golden(const struct config_domain *d, const char *name) {
	char **argv = run_argv(d, &run_paths);
	check_golden(argv, name);
	assert_no_deprecated(argv);
	strv_free(argv);
}

/* Domain name of config text gives the golden file's command line. */
static void check_text_golden(const char *text, const char *name, const char *golden) {
	struct config_errors errs = {0};
	struct cordon_config *c = config_load_string(text, "test.conf", &errs);
	for (size_t i = 0; i < errs.len; i++) {
		fprintf(stderr, "%s\n", errs.msgs[i]);
	}
	assert_non_null(c);
	config_errors_finish(&errs);
	struct config_domain *d = config_find_domain(c, name);
	assert_non_null(d);
	check_domain_golden(d, golden);
	config_destroy(c);
}

static void test_full_golden(void **state) {
	struct config_domain d = full_domain();
	check_domain_golden(&d, "crosvm-full.args");
}

static void test_minimal_golden(void **state) {
	/* Only what kind = crosvm requires; everything else takes defaults. */
	struct config_domain d = {
		.name = "mini", .kind = CONFIG_DOMAIN_CROSVM,
		.kernel = "/boot/vmlinuz", .sandbox = true,
	};
	check_domain_golden(&d, "crosvm-minimal.args");
}

/* The config parser and the builder agree: the text gives the same line. */
static void test_full_from_config_text(void **state) {
	check_text_golden(full_config_text, "work", "crosvm-full.args");
}

static void test_minimal_from_config_text(void **state) {
	check_text_golden("[domain mini]\nkind = crosvm\nkernel = /boot/vmlinuz\n", "mini",
		"crosvm-minimal.args");
}

static void test_stop_argv(void **state) {
	struct config_domain d = full_domain();
	char err[256];
	char **argv = crosvm_stop_argv(&d, run_paths.control, err, sizeof(err));
	assert_non_null(argv);
	assert_int_equal(strv_len(argv), 3);
	assert_string_equal(argv[0], "/opt/crosvm/bin/crosvm");
	assert_string_equal(argv[1], "stop");
	assert_string_equal(argv[2], run_paths.control);
	strv_free(argv);
	struct config_domain m = { .name = "m", .kind = CONFIG_DOMAIN_CROSVM };
	argv = crosvm_stop_argv(&m, run_paths.control, err, sizeof(err));
	assert_non_null(argv);
	assert_string_equal(argv[0], "crosvm");
	strv_free(argv);
}

static void expect_error(struct config_domain *d, const struct crosvm_paths *paths,
		const char *needle) {
	char err[256] = "";
	char **argv = crosvm_run_argv(d, paths, err, sizeof(err));
	if (argv) {
		strv_free(argv);
		fail_msg("expected an error containing '%s'", needle);
	}
	if (!strstr(err, needle)) {
		fail_msg("error '%s' does not contain '%s'", err, needle);
	}
}

static void test_errors(void **state) {
	struct config_domain d = full_domain();
	d.kernel = NULL;
	expect_error(&d, &run_paths, "no kernel");
	d = full_domain();
	d.kernel = "vmlinuz";
	expect_error(&d, &run_paths, "not an absolute path");
	d = full_domain();
	struct config_share bad_share = { "/a:b", "tag" };
	d.shares = &bad_share;
	d.n_shares = 1;
	expect_error(&d, &run_paths, "contains ':'");
	d = full_domain();
	struct config_share bad_tag = { "/srv", "t,a" };
	d.shares = &bad_tag;
	d.n_shares = 1;
	expect_error(&d, &run_paths, "share tag");
	d = full_domain();
	d.gpu = "cross-domain,displays=x";
	expect_error(&d, &run_paths, "gpu context types");
	d = full_domain();
	d.net = "tap0,mac=x";
	expect_error(&d, &run_paths, "net tap name");
	d = full_domain();
	d.cid = 2;
	expect_error(&d, &run_paths, "reserved");
	d = full_domain();
	struct crosvm_paths comma = run_paths;
	comma.socket = "/run/a,b/wayland-0";
	expect_error(&d, &comma, "--wayland-sock");
	d = full_domain();
	d.kind = CONFIG_DOMAIN_COMMAND;
	expect_error(&d, &run_paths, "not of kind crosvm");
}

/* crosvm's key=value quoting and the command templates' shell quoting. */
static void test_quote(void **state) {
	static const struct {
		char *(*quote)(const char *);
		const char *in, *want;
	} cases[] = {
		{ crosvm_kv_quote, "/plain/path.img", "/plain/path.img" },
		{ crosvm_kv_quote, "/a,b/x\"y\\z.img", "\"/a,b/x\\\"y\\\\z.img\"" },
		{ crosvm_kv_quote, "it's", "\"it's\"" },
		{ crosvm_kv_quote, "", "\"\"" },
		{ command_shell_quote, "/run/user/1000/cordon/a/wayland-0",
			"/run/user/1000/cordon/a/wayland-0" },
		{ command_shell_quote, "a b", "'a b'" },
		{ command_shell_quote, "it's $(rm -rf ~)", "'it'\\''s $(rm -rf ~)'" },
		{ command_shell_quote, "", "''" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *q = cases[i].quote(cases[i].in);
		assert_non_null(q);
		if (strcmp(q, cases[i].want) != 0) {
			fail_msg("case %zu: '%s' quoted as '%s', want '%s'", i, cases[i].in, q,
				cases[i].want);
		}
		free(q);
	}
}

/* ---- the generated line through the fake crosvm's parser ---- */

struct tmp {
	char dir[64];
	char kernel[128], initrd[128], root[128], disk[128], share[128];
	char socket[128], control[128], serial[128], record[128];
	int listen_fd;
};

static void touch(const char *path) {
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
}

static void tmp_setup(struct tmp *t) {
	strcpy(t->dir, "/tmp/cv.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->kernel, sizeof(t->kernel), "%s/vmlinuz", t->dir);
	snprintf(t->initrd, sizeof(t->initrd), "%s/initrd", t->dir);
	/* A comma makes the builder quote the value; the fake must unquote. */
	snprintf(t->root, sizeof(t->root), "%s/root,1.img", t->dir);
	snprintf(t->disk, sizeof(t->disk), "%s/disk.img", t->dir);
	snprintf(t->share, sizeof(t->share), "%s/share", t->dir);
	snprintf(t->socket, sizeof(t->socket), "%s/wayland-0", t->dir);
	snprintf(t->control, sizeof(t->control), "%s/crosvm.sock", t->dir);
	snprintf(t->serial, sizeof(t->serial), "%s/serial.log", t->dir);
	snprintf(t->record, sizeof(t->record), "%s/record", t->dir);
	touch(t->kernel);
	touch(t->initrd);
	touch(t->root);
	touch(t->disk);
	assert_int_equal(mkdir(t->share, 0700), 0);
	t->listen_fd = fixture_unix_listener(t->socket, 4);
}

static void tmp_teardown(struct tmp *t) {
	close(t->listen_fd);
	const char *files[] = { t->kernel, t->initrd, t->root, t->disk, t->socket,
		t->control, t->serial, t->record };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		unlink(files[i]);
	}
	rmdir(t->share);
	rmdir(t->dir);
}

static bool have_python(void) {
	return access("/usr/bin/python3", X_OK) == 0 ||
		access("/usr/local/bin/python3", X_OK) == 0;
}

/* Runs the fake crosvm with argv[1..]; returns its exit status. */
static int run_fake(char *const *argv, const char *record, bool parse_only,
		char *out, size_t outlen) {
	int pipefd[2];
	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pipefd[1], 2);
		dup2(pipefd[1], 1);
		setenv("FAKE_CROSVM_RECORD", record, 1);
		if (parse_only) {
			setenv("FAKE_CROSVM_PARSE_ONLY", "1", 1);
		}
		size_t n = strv_len(argv);
		char **a = calloc(n + 1, sizeof(char *));
		if (!a) {
			_exit(126);
		}
		a[0] = FAKE_CROSVM;
		for (size_t i = 1; i < n; i++) {
			a[i] = argv[i];
		}
		execv(FAKE_CROSVM, a);
		_exit(127);
	}
	close(pipefd[1]);
	size_t len = 0;
	ssize_t got;
	while (len + 1 < outlen && (got = read(pipefd[0], out + len, outlen - len - 1)) > 0) {
		len += (size_t)got;
	}
	out[len] = '\0';
	close(pipefd[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_fake_accepts_generated(void **state) {
	if (!have_python()) {
		skip();
	}
	struct tmp t;
	tmp_setup(&t);
	struct config_disk disks[] = { { t.disk, true } };
	struct config_share shares[] = { { t.share, "docs" } };
	struct config_domain d = full_domain();
	d.kernel = t.kernel;
	d.initrd = t.initrd;
	d.root = t.root;
	d.disks = disks;
	d.n_disks = 1;
	d.shares = shares;
	d.n_shares = 1;
	struct crosvm_paths paths = { t.socket, t.control, t.serial };
	char **argv = run_argv(&d, &paths);
	char out[4096];
	int rc = run_fake(argv, t.record, true, out, sizeof(out));
	if (rc != 0) {
		fail_msg("fake crosvm rejected the generated line (%d): %s", rc, out);
	}
	/* The recorded line is exactly what was passed, after argv[0]. */
	char *rec = fixture_slurp(t.record);
	assert_non_null(rec);
	assert_non_null(strstr(rec, "\"run\", \"--mem\", \"4096\""));
	assert_non_null(strstr(rec, "root,1.img\\\",root=true\""));
	free(rec);

	/* The minimal line too (sandbox on: no --disable-sandbox). */
	struct config_domain m = { .name = "m", .kind = CONFIG_DOMAIN_CROSVM,
		.kernel = t.kernel, .sandbox = true };
	char **margv = run_argv(&m, &paths);
	rc = run_fake(margv, t.record, true, out, sizeof(out));
	if (rc != 0) {
		fail_msg("fake crosvm rejected the minimal line (%d): %s", rc, out);
	}
	strv_free(margv);

	/* Each deprecated flag, put in front of the kernel, is refused. */
	static const char *deprecated[][2] = {
		{ "-r", "/x" }, { "--root", "/x" }, { "--rwdisk", "/x" },
		{ "--cid", "5" }, { "--tap-name", "tap0" }, { "--bogus", "1" },
	};
	size_t n = strv_len(argv);
	for (size_t i = 0; i < sizeof(deprecated) / sizeof(deprecated[0]); i++) {
		struct strv sv = {0};
		for (size_t j = 0; j + 1 < n; j++) {
			strv_push(&sv, argv[j]);
		}
		strv_push(&sv, deprecated[i][0]);
		strv_push(&sv, deprecated[i][1]);
		strv_push(&sv, argv[n - 1]);
		char **bad = strv_finish(&sv);
		assert_non_null(bad);
		rc = run_fake(bad, t.record, true, out, sizeof(out));
		if (rc == 0) {
			fail_msg("fake crosvm accepted %s", deprecated[i][0]);
		}
		assert_non_null(strstr(out, "Unrecognized argument"));
		strv_free(bad);
	}
	/* A missing kernel file is an error too. */
	unlink(t.kernel);
	rc = run_fake(argv, t.record, true, out, sizeof(out));
	assert_int_not_equal(rc, 0);
	strv_free(argv);
	tmp_teardown(&t);
}

/* ---- command templates ---- */

static void test_expand(void **state) {
	char *cmd[] = { "foo", "--title", "a b", NULL };
	struct command_vars vars = {
		.socket = "/run/x y/wayland-0", .dir = "/run/d", .name = "dev", .cmd = cmd,
		.display = ":3",
	};
	char *s = command_expand("bwrap --bind {socket} /w {dir} {name} ${HOME} "
		"{a,b} {unknown} -e DISPLAY={display} -- {cmd}", &vars);
	assert_string_equal(s, "bwrap --bind '/run/x y/wayland-0' /w /run/d dev "
		"${HOME} {a,b} {unknown} -e DISPLAY=:3 -- foo --title 'a b'");
	free(s);
	/* Without cmd, {cmd} stays as written. */
	vars.cmd = NULL;
	s = command_expand("x {cmd} {", &vars);
	assert_string_equal(s, "x {cmd} {");
	free(s);
	char **argv = command_argv("echo {name}", &vars);
	assert_non_null(argv);
	assert_int_equal(strv_len(argv), 3);
	assert_string_equal(argv[0], "/bin/sh");
	assert_string_equal(argv[1], "-c");
	assert_string_equal(argv[2], "echo dev");
	strv_free(argv);
}

/* A quoted substitution really reaches the shell as one word. */
static void test_expand_through_shell(void **state) {
	char dir[64], out[128];
	fixture_mkdtemp(dir, sizeof(dir), "/tmp/cq.XXXXXX");
	snprintf(out, sizeof(out), "%s/out", dir);
	char *cmd[] = { "printf", "%s|", "it's", "$HOME", "a b", NULL };
	struct command_vars vars = { .socket = out, .cmd = cmd };
	char **argv = command_argv("{cmd} > {socket}", &vars);
	assert_non_null(argv);
	pid_t pid = fixture_spawn(argv, NULL);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	fixture_assert_file_is(out, "it's|$HOME|a b|");
	strv_free(argv);
	fixture_rmtree(dir);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_golden),
		cmocka_unit_test(test_minimal_golden),
		cmocka_unit_test(test_full_from_config_text),
		cmocka_unit_test(test_minimal_from_config_text),
		cmocka_unit_test(test_stop_argv),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_fake_accepts_generated),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_expand_through_shell),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
