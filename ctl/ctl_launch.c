#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ctl/cordonctl.h"
#include "vmm/agent_client.h"

#define RUN_DEFAULT_TIMEOUT_S 60
/* Marks the launchers cordonctl wrote, so it only ever removes its own. */
#define DESKTOP_MARK "X-Cordon-Generated=true"

static char **json_strv(struct json_object *list) {
	size_t n = json_object_array_length(list);
	char **strv = calloc(n + 1, sizeof(*strv));
	if (strv == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		strv[i] = (char *)json_object_get_string(json_object_array_get_idx(list, i));
	}
	return strv;
}

/* An exit status a shell would give: the code, or 128 + the signal. */
static int exit_status(bool signaled, int code) {
	return signaled ? 128 + code : code;
}

static int run_exec(char **exec, char **env, bool wait) {
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "cordonctl: run: fork: %s\n", strerror(errno));
		return CTL_EXIT_FAILED;
	}
	if (pid == 0) {
		if (!wait) {
			/*
			 * Detached like an app started from a launcher: it must not hold
			 * the caller's terminal or pipe (`$(cordonctl run …)` returns).
			 */
			int null = open("/dev/null", O_RDWR | O_CLOEXEC);
			if (null >= 0) {
				dup2(null, STDIN_FILENO);
				dup2(null, STDOUT_FILENO);
				dup2(null, STDERR_FILENO);
			}
			setsid();
		}
		execvpe(exec[0], exec, env);
		fprintf(stderr, "cordonctl: run: cannot execute '%s': %s\n", exec[0], strerror(errno));
		_exit(127);
	}
	printf("%d\n", (int)pid);
	fflush(stdout);
	if (!wait) {
		return CTL_EXIT_OK;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "cordonctl: run: waitpid: %s\n", strerror(errno));
			return CTL_EXIT_FAILED;
		}
	}
	return WIFSIGNALED(status) ? exit_status(true, WTERMSIG(status)) :
		exit_status(false, WEXITSTATUS(status));
}

static void print_pid(pid_t pid, void *data) {
	printf("%d\n", (int)pid);
	fflush(stdout);
}

int ctl_run_run(struct ctl_conn *conn, const struct ctl_options *options) {
	static const struct option long_options[] = {
		{ "wait", no_argument, NULL, 'w' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	/* getopt wants argv[0] to be the program: give it the command name. */
	int argc = options->nargs + 1;
	char **argv = calloc((size_t)argc + 1, sizeof(*argv));
	if (argv == NULL) {
		return CTL_EXIT_USAGE;
	}
	argv[0] = "run";
	memcpy(argv + 1, options->args, (size_t)options->nargs * sizeof(*argv));
	bool wait = false;
	long timeout_s = RUN_DEFAULT_TIMEOUT_S;
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+wt:", long_options, NULL)) != -1) {
		char *end;
		switch (opt) {
		case 'w':
			wait = true;
			break;
		case 't':
			timeout_s = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || timeout_s < 1 || timeout_s > 3600) {
				fprintf(stderr, "cordonctl: run: --timeout takes 1 to 3600 seconds\n");
				free(argv);
				return CTL_EXIT_USAGE;
			}
			break;
		default:
			free(argv);
			return CTL_EXIT_USAGE;
		}
	}
	/* NAME -- CMD [ARGS…]; the "--" is optional when CMD has no options. */
	int rest = optind;
	if (rest >= argc) {
		fprintf(stderr, "usage: cordonctl run [--wait] [--timeout S] NAME -- CMD [ARGS…]\n");
		free(argv);
		return CTL_EXIT_USAGE;
	}
	const char *name = argv[rest++];
	if (rest < argc && strcmp(argv[rest], "--") == 0) {
		rest++;
	}
	if (rest >= argc) {
		fprintf(stderr, "cordonctl: run: no command given\n");
		free(argv);
		return CTL_EXIT_USAGE;
	}
	char **cmd = argv + rest;

	struct json_object *request = ctl_cmd_object("run");
	struct json_object *list = json_object_new_array();
	for (char **c = cmd; list != NULL && *c != NULL; c++) {
		json_object_array_add(list, json_object_new_string(*c));
	}
	if (request != NULL) {
		json_object_object_add(request, "name", json_object_new_string(name));
		json_object_object_add(request, "argv", list);
	}
	char *line = ctl_json_line(request);
	int status = CTL_EXIT_USAGE;
	if (line == NULL || !ctl_send_line(conn, line)) {
		goto out;
	}
	char *raw;
	struct json_object *reply = ctl_read_reply(conn, &raw);
	if (reply == NULL) {
		goto out;
	}
	status = ctl_reply_status(reply);
	if (status != CTL_EXIT_OK) {
		json_object_put(reply);
		goto out;
	}
	struct json_object *agent = json_object_object_get(reply, "agent");
	struct json_object *exec = json_object_object_get(reply, "exec");
	if (agent != NULL) {
		struct agent_result result = {0};
		char err[512];
		if (!agent_client_run_notify(json_object_get_string(agent), cmd, NULL, NULL,
				(int)timeout_s * 1000, wait, print_pid, NULL, &result, err, sizeof(err))) {
			/* err may quote the agent, which the guest controls. */
			char *clean = ctl_clean(err);
			fprintf(stderr, "cordonctl: run: %s\n", clean ? clean : "the agent failed");
			free(clean);
			status = CTL_EXIT_FAILED;
		} else {
			status = wait ? exit_status(result.signaled, result.code) : CTL_EXIT_OK;
		}
	} else if (exec != NULL) {
		char **exec_argv = json_strv(exec);
		char **env = json_strv(json_object_object_get(reply, "env"));
		status = exec_argv && env && exec_argv[0] ? run_exec(exec_argv, env, wait) :
			CTL_EXIT_FAILED;
		free(exec_argv);
		free(env);
	} else {
		fprintf(stderr, "cordonctl: run: cordon's reply says neither agent nor exec\n");
		status = CTL_EXIT_FAILED;
	}
	json_object_put(reply);
out:
	free(line);
	free(argv);
	return status;
}

/* A file-name-safe form of text: letters, digits, '.', '_' and '-' only. */
static void desktop_slug(char *out, size_t len, const char *text) {
	size_t j = 0;
	for (size_t i = 0; text[i] != '\0' && j + 1 < len; i++) {
		char c = text[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
		out[j++] = ok ? c : '-';
	}
	out[j] = '\0';
}

static bool desktop_is_ours(const char *path) {
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		return false;
	}
	char line[512];
	bool ours = false;
	while (!ours && fgets(line, sizeof(line), f) != NULL) {
		ours = strncmp(line, DESKTOP_MARK, strlen(DESKTOP_MARK)) == 0;
	}
	fclose(f);
	return ours;
}

static bool desktop_dir(char *out, size_t len) {
	const char *data = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	int n;
	if (data != NULL && data[0] == '/') {
		n = snprintf(out, len, "%s/applications", data);
	} else if (home != NULL && home[0] == '/') {
		n = snprintf(out, len, "%s/.local/share/applications", home);
	} else {
		fprintf(stderr, "cordonctl: desktop-entries: neither XDG_DATA_HOME nor HOME is set\n");
		return false;
	}
	return n > 0 && (size_t)n < len;
}

/* mkdir -p for the applications directory. */
static bool make_dirs(char *path) {
	for (char *p = path + 1; *p != '\0'; p++) {
		if (*p == '/') {
			*p = '\0';
			if (mkdir(path, 0755) < 0 && errno != EEXIST) {
				*p = '/';
				return false;
			}
			*p = '/';
		}
	}
	return mkdir(path, 0755) == 0 || errno == EEXIST;
}

/* Desktop Entry Exec quoting: each argument quoted, \ " ` $ escaped. */
static void desktop_quote(FILE *f, const char *arg) {
	fputc('"', f);
	for (const char *c = arg; *c != '\0'; c++) {
		if (*c == '"' || *c == '`' || *c == '$' || *c == '\\') {
			fputs("\\\\", f);
		}
		if (*c == '%') {
			fputc('%', f);
		}
		fputc(*c, f);
	}
	fputc('"', f);
}

int ctl_run_desktop_entries(struct ctl_conn *conn, const struct ctl_options *options) {
	char dir[PATH_MAX];
	if (!desktop_dir(dir, sizeof(dir))) {
		return CTL_EXIT_USAGE;
	}
	if (!ctl_send_line(conn, "{\"cmd\":\"domains\"}\n")) {
		return CTL_EXIT_USAGE;
	}
	char *raw;
	struct json_object *reply = ctl_read_reply(conn, &raw);
	if (reply == NULL) {
		return CTL_EXIT_USAGE;
	}
	int status = ctl_reply_status(reply);
	if (status != CTL_EXIT_OK) {
		json_object_put(reply);
		return status;
	}
	if (!make_dirs(dir)) {
		fprintf(stderr, "cordonctl: desktop-entries: cannot create %s: %s\n", dir,
			strerror(errno));
		json_object_put(reply);
		return CTL_EXIT_FAILED;
	}
	/* Names written now; anything of ours not among them is stale. */
	size_t cap = 64, n_written = 0;
	char **written = calloc(cap, sizeof(*written));
	struct json_object *domains;
	size_t n = ctl_array(reply, "domains", &domains);
	for (size_t i = 0; written != NULL && i < n; i++) {
		struct json_object *dom = json_object_array_get_idx(domains, i);
		const char *name = ctl_str(dom, "name");
		struct json_object *apps = json_object_object_get(dom, "apps");
		for (size_t a = 0; a < json_object_array_length(apps); a++) {
			const char *app = json_object_get_string(json_object_array_get_idx(apps, a));
			char slug_d[128], slug_a[128], file[PATH_MAX + 300];
			desktop_slug(slug_d, sizeof(slug_d), name);
			desktop_slug(slug_a, sizeof(slug_a), app);
			snprintf(file, sizeof(file), "%s/cordon-%s-%s.desktop", dir, slug_d, slug_a);
			FILE *f = fopen(file, "w");
			if (f == NULL) {
				fprintf(stderr, "cordonctl: desktop-entries: cannot write %s: %s\n", file,
					strerror(errno));
				status = CTL_EXIT_FAILED;
				continue;
			}
			fprintf(f, "[Desktop Entry]\nType=Application\nName=[%s] %s\nExec=cordonctl run ",
				name, app);
			desktop_quote(f, name);
			fputs(" -- ", f);
			desktop_quote(f, app);
			fprintf(f, "\nTerminal=false\nCategories=X-Cordon;\n%s\n", DESKTOP_MARK);
			if (fclose(f) != 0) {
				status = CTL_EXIT_FAILED;
			}
			printf("wrote %s\n", file);
			if (n_written == cap) {
				char **grown = realloc(written, 2 * cap * sizeof(*written));
				if (grown == NULL) {
					continue;
				}
				written = grown;
				cap *= 2;
			}
			written[n_written++] = strdup(strrchr(file, '/') + 1);
		}
	}
	DIR *d = opendir(dir);
	struct dirent *ent;
	while (d != NULL && written != NULL && (ent = readdir(d)) != NULL) {
		size_t len = strlen(ent->d_name);
		if (strncmp(ent->d_name, "cordon-", 7) != 0 || len < 8 ||
				strcmp(ent->d_name + len - 8, ".desktop") != 0) {
			continue;
		}
		bool current = false;
		for (size_t i = 0; i < n_written && !current; i++) {
			current = written[i] != NULL && strcmp(written[i], ent->d_name) == 0;
		}
		char file[PATH_MAX + 300];
		snprintf(file, sizeof(file), "%s/%s", dir, ent->d_name);
		if (!current && desktop_is_ours(file)) {
			if (unlink(file) == 0) {
				printf("removed %s\n", file);
			}
		}
	}
	if (d != NULL) {
		closedir(d);
	}
	for (size_t i = 0; i < n_written; i++) {
		free(written[i]);
	}
	free(written);
	json_object_put(reply);
	return status;
}
