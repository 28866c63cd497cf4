#ifndef CORDON_COMMON_MSTIME_H
#define CORDON_COMMON_MSTIME_H

#include <stdint.h>

/* Milliseconds on the monotonic clock: for deadlines and rate limits. */
int64_t mstime_now(void);

#endif
