/*
 * cordon-agent --user: a command runs as that user, with the user's HOME,
 * USER, LOGNAME and SHELL, and XDG_RUNTIME_DIR=/run/user/UID when the
 * agent's own environment has none -- the environment of cordon's guest
 * image, whose init starts the agent with `--user user` and no
 * XDG_RUNTIME_DIR. Regression: with all six entries of its own the agent
 * read past the end of its list and crashed on every request.
 *
 * Switching user needs root; as anyone else the test is skipped.
 */
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "tests/unit/fixture.h"
#include "vmm/agent_client.h"

static void test_user_environment(void **state) {
	(void)state;
	if (geteuid() != 0) {
		skip();
	}
	struct passwd *pw = getpwnam("nobody");
	if (pw == NULL) {
		skip();
	}
	char dir[] = "/tmp/cau.XXXXXX";
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0777), 0);
	char sock[128], addr[140], marker[128];
	snprintf(sock, sizeof(sock), "%s/agent.sock", dir);
	snprintf(addr, sizeof(addr), "unix:%s", sock);
	snprintf(marker, sizeof(marker), "%s/marker", dir);

	/* The guest init's environment: no XDG_RUNTIME_DIR. */
	char *envp[] = { "PATH=/usr/bin:/bin", "HOME=/run", NULL };
	char *agent_argv[] = { CORDON_AGENT_BIN, "--listen", addr, "--user", "nobody", NULL };
	pid_t pid = fixture_spawn(agent_argv, envp);

	char script[256];
	snprintf(script, sizeof(script),
		"echo \"$(id -u)|$HOME|$USER|$LOGNAME|$XDG_RUNTIME_DIR\" > '%s'", marker);
	char *argv[] = { "sh", "-c", script, NULL };
	struct agent_result res;
	char err[256] = "";
	bool ran = agent_client_run(addr, argv, NULL, dir, 5000, true, &res, err, sizeof(err));
	int status = 0;
	pid_t gone = waitpid(pid, &status, WNOHANG);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	if (gone == pid && WIFSIGNALED(status)) {
		fail_msg("the agent died of signal %d", WTERMSIG(status));
	}
	if (!ran) {
		fail_msg("%s", err);
	}
	assert_int_equal(res.code, 0);

	char want[512];
	snprintf(want, sizeof(want), "%u|%s|nobody|nobody|/run/user/%u\n",
		(unsigned)pw->pw_uid, pw->pw_dir, (unsigned)pw->pw_uid);
	fixture_assert_file_is(marker, want);

	unlink(marker);
	unlink(sock);
	rmdir(dir);
}

int main(void) {
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user_environment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
