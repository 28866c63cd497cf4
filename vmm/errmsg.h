#ifndef CORDON_VMM_ERRMSG_H
#define CORDON_VMM_ERRMSG_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Formats a message into err (when err and errlen are set) and returns
 * false, so a failing path reads "return errmsg_fail(err, errlen, …);".
 */
bool errmsg_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
