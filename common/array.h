#ifndef CORDON_COMMON_ARRAY_H
#define CORDON_COMMON_ARRAY_H

#include <stddef.h>

/*
 * Room for one more element in an array of len used out of *cap, each
 * size bytes: returns array itself while len < *cap, else a reallocated
 * copy with *cap doubled (8 the first time). NULL when out of memory or
 * when the new size would overflow; array and *cap are then unchanged.
 *
 *   struct item *grown = array_grow(a->items, a->len, &a->cap, sizeof(*grown));
 *   if (grown == NULL) { ... }
 *   a->items = grown;
 *   a->items[a->len++] = item;
 */
void *array_grow(void *array, size_t len, size_t *cap, size_t size);

#endif
