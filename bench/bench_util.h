/*
 * bench_util.h: what bench_zk.c and bench_ffiasm.cpp share, so that both
 * sides of bench/zk.sh time and draw their inputs the same way: the
 * clock, the median of the repetitions, the micro-benchmark loop and the
 * 253-bit random numbers (below both p and r) from libvr's rng.  C and
 * C++; each includer defines `clk`, `reps` and `rng` first.
 */
#ifndef VR_BENCH_UTIL_H
#define VR_BENCH_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "base/rng.h"

static double
now(void)
{
    struct timespec ts;

    clock_gettime(clk, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double
median(double *t, int n)
{
    qsort(t, (size_t)n, sizeof(double), cmp_double);
    return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

/* 253 random bits: below both p and r. */
static void
random_limbs(uint64_t l[4])
{
    for (int i = 0; i < 4; i++)
        l[i] = vr_rng_u64(&rng);
    l[3] &= 0x1fffffffffffffffULL;
}

/*
 * Seconds per call of body: setup once, then reps runs of iters calls,
 * each timed; returns the median (from the enclosing function).
 */
#define MICRO(iters, setup, body, done)                                 \
    do {                                                                \
        double t_[64];                                                  \
        setup;                                                          \
        for (int r_ = 0; r_ < reps; r_++) {                             \
            double t0_ = now();                                         \
            for (long i_ = 0; i_ < (iters); i_++) {                     \
                body;                                                   \
            }                                                           \
            t_[r_] = (now() - t0_) / (double)(iters);                   \
        }                                                               \
        done;                                                           \
        return median(t_, reps);                                        \
    } while (0)

#endif
