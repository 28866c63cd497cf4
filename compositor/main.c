#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wlr/util/log.h>
#include "compositor/guard/clip_explain.h"
#include "compositor/server.h"
#include "config/config.h"
#include "vmm/vmm.h"

static const char usage[] =
	"usage: cordon [options]\n"
	"  -c, --config FILE   read FILE instead of the default config\n"
	"  -s, --startup CMD   run CMD once cordon is ready\n"
	"      --validate      check the config, print every error and warning, exit\n"
	"      --strict        with --validate: fail on warnings too\n"
	"      --explain-policy [FROM TO]\n"
	"                      print which clipboard rule decides each paste, exit\n"
	"      --ready-fd N    write WAYLAND_DISPLAY=NAME and a newline to fd N when ready\n"
	"  -d, --debug         verbose logging\n"
	"  -v, --version       print the version\n"
	"  -h, --help          print this help\n";

struct validate_domain {
	const struct config_domain *domain;
	int errors, warnings;
};

static void validate_report(enum vmm_check severity, const char *msg, void *data) {
	struct validate_domain *v = data;
	const struct config_domain *d = v->domain;
	fprintf(stderr, "%s:%d: %s[domain %s] %s\n", d->file ? d->file : "config",
		d->line, severity == VMM_CHECK_ERROR ? "" : "warning: ", d->name, msg);
	if (severity == VMM_CHECK_ERROR) {
		v->errors++;
	} else {
		v->warnings++;
	}
}

/*
 * What the parser cannot know: whether a launcher's binary, kernel and
 * images exist. A config that cannot build a command line is an error; a
 * missing binary or image only a warning, since cordon starts without them
 * and the config may well be written before they are installed.
 */
static void validate_launchers(const struct cordon_config *config,
		int *errors, int *warnings) {
	const struct config_domain *d;
	wl_list_for_each(d, &config->domains, link) {
		struct validate_domain v = { .domain = d };
		vmm_check(d, validate_report, &v);
		*errors += v.errors;
		*warnings += v.warnings;
	}
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
		{"strict", no_argument, NULL, 'S'},
		{"explain-policy", no_argument, NULL, 'E'},
		{"ready-fd", required_argument, NULL, 'R'},
		{"debug", no_argument, NULL, 'd'},
		{"version", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *config_path = NULL;
	struct server_options opts = {.ready_fd = -1};
	bool validate = false, strict = false, debug = false, explain = false;
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
		case 'S':
			strict = true;
			break;
		case 'E':
			explain = true;
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
	if (explain && argc - optind != 0 && argc - optind != 2) {
		fprintf(stderr, "cordon: --explain-policy takes no domain or two (FROM TO)\n%s",
			usage);
		return 2;
	}
	const char *explain_from = explain && optind < argc ? argv[optind] : NULL;
	const char *explain_to = explain && optind < argc ? argv[optind + 1] : NULL;
	if (explain && !validate) {
		/* Like --validate: no seat, display or GPU. */
		struct config_errors errs = {0};
		struct cordon_config *config = config_load(config_path, &errs);
		if (config == NULL) {
			print_errors(&errs);
			config_errors_finish(&errs);
			return 1;
		}
		config_errors_finish(&errs);
		bool ok = clip_explain_print(stdout, stderr, config, explain_from, explain_to);
		config_destroy(config);
		return ok ? 0 : 1;
	}
	if (optind < argc && !explain) {
		fprintf(stderr, "cordon: unexpected argument '%s'\n%s", argv[optind], usage);
		return 2;
	}

	struct config_errors errs = {0};
	struct cordon_config *config = config_load(config_path, &errs);
	if (strict && !validate) {
		fprintf(stderr, "cordon: --strict only applies to --validate\n%s", usage);
		config_errors_finish(&errs);
		config_destroy(config);
		return 2;
	}
	if (validate) {
		/* Checking a file must not need a seat, a display or a GPU. */
		int errors = 0, warnings = 0;
		if (config == NULL) {
			print_errors(&errs);
			errors = 1;
		} else {
			validate_launchers(config, &errors, &warnings);
		}
		int rc = errors > 0 || (strict && warnings > 0) ? 1 : 0;
		const char *name = config && config->path ? config->path : "built-in defaults";
		if (rc == 0 && warnings > 0) {
			printf("%s: ok, %d warning%s\n", name, warnings, warnings == 1 ? "" : "s");
		} else if (rc == 0) {
			printf("%s: ok\n", name);
		} else if (errors == 0) {
			fprintf(stderr, "%s: %d warning%s, failed under --strict\n", name,
				warnings, warnings == 1 ? "" : "s");
		}
		/* --validate --explain-policy [FROM TO]: the table after the verdict. */
		if (explain && config != NULL && !clip_explain_print(stdout, stderr, config,
				explain_from, explain_to)) {
			rc = 1;
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
	/* Nor a log meeting a file size limit: the write fails with EFBIG. */
	signal(SIGXFSZ, SIG_IGN);

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
