#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wlr/util/log.h>
#include "compositor/server.h"
#include "config/config.h"
#include "vmm/vmm.h"

static const char usage[] =
	"usage: cordon [options]\n"
	"  -c, --config FILE   read FILE instead of the default config\n"
	"  -s, --startup CMD   run CMD once cordon is ready\n"
	"      --validate      check the config, print every error, exit\n"
	"      --ready-fd N    write WAYLAND_DISPLAY=NAME and a newline to fd N when ready\n"
	"  -d, --debug         verbose logging\n"
	"  -v, --version       print the version\n"
	"  -h, --help          print this help\n";

/*
 * What the parser cannot know: whether a launcher's binary, kernel and
 * images exist. Reported like parse errors, with the domain's line.
 */
static int validate_launchers(const struct cordon_config *config) {
	int failed = 0;
	const struct config_domain *d;
	wl_list_for_each(d, &config->domains, link) {
		char err[512];
		if (!vmm_validate(d, err, sizeof(err))) {
			/* The launcher names the domain itself; the prefix already does. */
			const char *msg = err;
			size_t n = strlen(d->name);
			if (strncmp(msg, "domain ", 7) == 0 && strncmp(msg + 7, d->name, n) == 0 &&
					strncmp(msg + 7 + n, ": ", 2) == 0) {
				msg += 9 + n;
			}
			fprintf(stderr, "%s:%d: [domain %s] %s\n", d->file ? d->file : "config",
				d->line, d->name, msg);
			failed = 1;
		}
	}
	return failed;
}

static int print_errors(const struct config_errors *errs) {
	for (size_t i = 0; i < errs->len; i++) {
		fprintf(stderr, "%s\n", errs->msgs[i]);
	}
	return errs->len > 0 ? 1 : 0;
}

int main(int argc, char *argv[]) {
	static const struct option options[] = {
		{"config", required_argument, NULL, 'c'},
		{"startup", required_argument, NULL, 's'},
		{"validate", no_argument, NULL, 'V'},
		{"ready-fd", required_argument, NULL, 'R'},
		{"debug", no_argument, NULL, 'd'},
		{"version", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *config_path = NULL;
	struct server_options opts = {.ready_fd = -1};
	bool validate = false, debug = false;
	int c;
	while ((c = getopt_long(argc, argv, "c:s:dvh", options, NULL)) != -1) {
		switch (c) {
		case 'c':
			config_path = optarg;
			break;
		case 's':
			opts.startup_cmd = optarg;
			break;
		case 'V':
			validate = true;
			break;
		case 'R': {
			char *end;
			long fd = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || fd < 0 || fd > 65535) {
				fprintf(stderr, "cordon: --ready-fd needs a file descriptor, not '%s'\n",
					optarg);
				return 2;
			}
			opts.ready_fd = (int)fd;
			break;
		}
		case 'd':
			debug = true;
			break;
		case 'v':
			printf("cordon %s\n", CORDON_VERSION);
			return 0;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "cordon: unexpected argument '%s'\n%s", argv[optind], usage);
		return 2;
	}

	struct config_errors errs = {0};
	struct cordon_config *config = config_load(config_path, &errs);
	if (validate) {
		/* Checking a file must not need a seat, a display or a GPU. */
		int rc = config == NULL ? (print_errors(&errs), 1) : validate_launchers(config);
		if (config != NULL && rc == 0) {
			printf("%s: ok\n", config->path ? config->path : "built-in defaults");
		}
		config_errors_finish(&errs);
		config_destroy(config);
		return rc;
	}
	if (config == NULL) {
		print_errors(&errs);
		config_errors_finish(&errs);
		return 1;
	}
	config_errors_finish(&errs);

	wlr_log_init(debug ? WLR_DEBUG : WLR_INFO, NULL);
	/* A client dying mid-write must not take the compositor with it. */
	signal(SIGPIPE, SIG_IGN);

	struct cordon_server *server = server_create(config);
	if (server == NULL) {
		return 1;
	}
	int rc = 1;
	if (server_start(server, &opts)) {
		rc = server_run(server);
	}
	server_destroy(server);
	return rc;
}
