#include <errno.h>
#include <sys/wait.h>
#include "common/child.h"

pid_t child_wait(pid_t pid, int *status) {
	pid_t w;
	do {
		w = waitpid(pid, status, 0);
	} while (w < 0 && errno == EINTR);
	return w;
}
