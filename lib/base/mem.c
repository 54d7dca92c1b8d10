#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

bool
vr_mul_ok(size_t *r, size_t a, size_t b)
{
    if (a != 0 && b > SIZE_MAX / a)
        return false;
    *r = a * b;
    return true;
}

void *
vr_mallocarray(size_t n, size_t size)
{
    size_t bytes;

    if (!vr_mul_ok(&bytes, n, size))
        return NULL;
    return malloc(bytes ? bytes : 1);
}

void *
vr_callocarray(size_t n, size_t size)
{
    size_t bytes;

    if (!vr_mul_ok(&bytes, n, size))
        return NULL;
    return calloc(bytes ? n : 1, bytes ? size : 1);
}

void *
vr_reallocarray(void *p, size_t n, size_t size)
{
    size_t bytes;

    if (!vr_mul_ok(&bytes, n, size))
        return NULL;
    return realloc(p, bytes ? bytes : 1);
}

void
vr_memzero_explicit(void *p, size_t n)
{
    /* A volatile function pointer: the call cannot be proven dead. */
    static void *(*const volatile memset_v)(void *, int, size_t) = memset;
    memset_v(p, 0, n);
}
