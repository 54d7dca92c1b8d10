/* mem.h: checked allocation and wiping. */
#ifndef VR_BASE_MEM_H
#define VR_BASE_MEM_H

#include <stdbool.h>
#include <stddef.h>

/* *r = a * b; false (and *r unchanged) if it overflows size_t. */
bool vr_mul_ok(size_t *r, size_t a, size_t b);
/* malloc(n * size), NULL on overflow or failure.  Caller frees. */
void *vr_mallocarray(size_t n, size_t size);
/* calloc(n, size), NULL on overflow or failure.  Caller frees. */
void *vr_callocarray(size_t n, size_t size);
/* realloc(p, n * size), NULL on overflow or failure (p left valid). */
void *vr_reallocarray(void *p, size_t n, size_t size);
/* Zero n bytes at p in a way the compiler may not elide (for secrets). */
void vr_memzero_explicit(void *p, size_t n);

#endif
