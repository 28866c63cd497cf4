#include <stdint.h>
#include <stdlib.h>
#include "common/array.h"

void *array_grow(void *array, size_t len, size_t *cap, size_t size) {
	if (len < *cap) {
		return array;
	}
	size_t grown = *cap ? *cap * 2 : 8;
	if (size == 0 || grown < *cap || grown > SIZE_MAX / size) {
		return NULL;
	}
	void *copy = realloc(array, grown * size);
	if (copy != NULL) {
		*cap = grown;
	}
	return copy;
}
