/*
 * ntt.c: radix-2 NTT over Fr, see ntt.h.
 *
 * Shape of a transform of n = 2^k elements x[0..n):
 *   1. (coset forward) x[j] *= g^j
 *   2. bit-reversal permutation
 *   3. stages m = 1, 2, .., BLOCK/2 inside contiguous blocks of BLOCK
 *      elements (they stay in L2 while all these stages run)
 *   4. stages m = BLOCK .. n/2 as full passes, two stages per pass
 *   5. (inverse) x[i] <- x[-i mod n] * n^-1, (coset inverse) * g^-i
 * Stage m combines pairs (x[a + j], x[a + j + m]) for a a multiple of 2m
 * and j < m with the Cooley-Tukey butterfly
 *   v = omega_2m^j x[a+j+m];  x[a+j] += v;  x[a+j+m] = x[a+j] - v.
 * Each step splits its index range among the threads, with a barrier
 * between steps.
 */
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "base/par.h"
#include "field/limb.h"
#include "poly/ntt.h"

#define BLOCK_LOG2 14           /* 16384 elements = 512 KiB per block */
#define PAR_MIN_LOG2 14         /* smaller transforms use one thread */

int
vr_ntt_domain_init(struct vr_ntt_domain *d, int log2n)
{
    size_t n;
    vr_fr w;

    memset(d, 0, sizeof(*d));
    if (log2n < 0 || log2n > VR_NTT_MAX_LOG2)
        return VR_ERANGE;
    n = (size_t)1 << log2n;
    if ((d->tw = vr_mallocarray(n, sizeof(vr_fr))) == NULL)
        return VR_ENOMEM;
    d->log2n = log2n;
    d->n = n;
    d->tw[0] = vr_fr_one;
    if (n == 1)
        return VR_OK;
    // Top stage m = n/2: tw[n/2 + j] = omega_n^j by repeated products,
    // then each lower stage takes every other entry of the one above,
    // since omega_2m^j = omega_4m^(2j).
    vr_fr_root_of_unity(&w, log2n);
    d->tw[n / 2] = vr_fr_one;
    for (size_t j = 1; j < n / 2; j++)
        vr_fr_mul(&d->tw[n / 2 + j], &d->tw[n / 2 + j - 1], &w);
    for (size_t m = n / 4; m >= 1; m /= 2)
        for (size_t j = 0; j < m; j++)
            d->tw[m + j] = d->tw[2 * m + 2 * j];
    return VR_OK;
}

void
vr_ntt_domain_free(struct vr_ntt_domain *d)
{
    free(d->tw);
    memset(d, 0, sizeof(*d));
}

struct job {
    const vr_fr *tw;
    vr_fr *x;
    int log2n;
    size_t n;
    int inverse;
    const vr_fr *g;             /* coset shift (forward), or NULL */
    vr_fr ginv;                 /* 1/g (coset inverse) */
    int coset_inv;
};

static uint64_t
bitrev(uint64_t i, int bits)
{
    // Reverse the 64-bit word by swapping ever smaller halves.
    i = (i >> 32) | (i << 32);
    i = ((i >> 16) & 0x0000ffff0000ffffULL) | ((i & 0x0000ffff0000ffffULL) << 16);
    i = ((i >> 8) & 0x00ff00ff00ff00ffULL) | ((i & 0x00ff00ff00ff00ffULL) << 8);
    i = ((i >> 4) & 0x0f0f0f0f0f0f0f0fULL) | ((i & 0x0f0f0f0f0f0f0f0fULL) << 4);
    i = ((i >> 2) & 0x3333333333333333ULL) | ((i & 0x3333333333333333ULL) << 2);
    i = ((i >> 1) & 0x5555555555555555ULL) | ((i & 0x5555555555555555ULL) << 1);
    return bits == 0 ? 0 : i >> (64 - bits);
}

/* x[j] *= s * g^j for j in [lo, hi). */
static void
scale_powers(vr_fr *x, size_t lo, size_t hi, const vr_fr *s, const vr_fr *g)
{
    uint64_t e[4] = {lo, 0, 0, 0};
    vr_fr p;

    vr_fr_pow(&p, g, e);
    vr_fr_mul(&p, &p, s);
    for (size_t j = lo; j < hi; j++) {
        vr_fr_mul(&x[j], &x[j], &p);
        vr_fr_mul(&p, &p, g);
    }
}

/*
 * The butterfly calls the limb.h routines inline (vr_fr_mul and friends
 * without the calls, as fr.h offers for hot loops): the transform is
 * bound by these three operations.
 */
static inline void
butterfly(vr_fr *a, vr_fr *b, const vr_fr *w)
{
    vr_fr v;

    vr_limb_mont_mul(v.l, b->l, w->l, vr_fr_modulus, VR_FR_N0);
    vr_limb_sub_mod(b->l, a->l, v.l, vr_fr_modulus);
    vr_limb_add_mod(a->l, a->l, v.l, vr_fr_modulus);
}

/* The butterfly with w = 1. */
static inline void
butterfly1(vr_fr *a, vr_fr *b)
{
    vr_fr v = *b;

    vr_limb_sub_mod(b->l, a->l, v.l, vr_fr_modulus);
    vr_limb_add_mod(a->l, a->l, v.l, vr_fr_modulus);
}

/* Stages m = 1 .. B/2 on the block x[0..B). */
static void
block_stages(vr_fr *x, size_t B, const vr_fr *tw)
{
    // m = 1: twiddle 1, no multiplication.
    for (size_t a = 0; a + 1 < B; a += 2)
        butterfly1(&x[a], &x[a + 1]);
    // j = 0 has twiddle 1 as well.
    for (size_t m = 2; m < B; m *= 2)
        for (size_t a = 0; a < B; a += 2 * m) {
            butterfly1(&x[a], &x[a + m]);
            for (size_t j = 1; j < m; j++)
                butterfly(&x[a + j], &x[a + j + m], &tw[m + j]);
        }
}

/* Butterflies t in [lo, hi) of stage m (t = a/2 + j, a = 2m * (t / m)). */
static void
pass_stage(vr_fr *x, size_t m, size_t lo, size_t hi, const vr_fr *tw)
{
    size_t t = lo;

    while (t < hi) {
        size_t a = 2 * m * (t / m), j = t % m;
        size_t end = j + (hi - t < m - j ? hi - t : m - j);

        for (; j < end; j++)
            butterfly(&x[a + j], &x[a + j + m], &tw[m + j]);
        t += end - (t % m);
    }
}

/*
 * Stages m and 2m in one pass (radix 2^2): quads t in [lo, hi) with
 * a = 4m * (t / m), j = t % m, over x[a + j + {0, m, 2m, 3m}]:
 *   stage m:  (0, 1) and (2, 3) with omega_2m^j
 *   stage 2m: (0, 2) with omega_4m^j and (1, 3) with omega_4m^(j+m)
 * Half the passes over memory of two radix-2 stages, same arithmetic.
 */
static void
pass_stage2(vr_fr *x, size_t m, size_t lo, size_t hi, const vr_fr *tw)
{
    size_t t = lo;

    while (t < hi) {
        size_t a = 4 * m * (t / m), j = t % m;
        size_t end = j + (hi - t < m - j ? hi - t : m - j);

        for (; j < end; j++) {
            vr_fr *x0 = &x[a + j], *x1 = x0 + m, *x2 = x1 + m, *x3 = x2 + m;
            butterfly(x0, x1, &tw[m + j]);
            butterfly(x2, x3, &tw[m + j]);
            butterfly(x0, x2, &tw[2 * m + j]);
            butterfly(x1, x3, &tw[3 * m + j]);
        }
        t += end - (t % m);
    }
}

static void
ntt_kernel(void *arg, int tid, int nt)
{
    struct job *jb = arg;
    vr_fr *x = jb->x;
    size_t n = jb->n, lo, hi;
    size_t B = n < ((size_t)1 << BLOCK_LOG2) ? n : (size_t)1 << BLOCK_LOG2;

    // 1. Coset shift.
    if (jb->g != NULL) {
        vr_par_range(&lo, &hi, n, tid, nt);
        scale_powers(x, lo, hi, &vr_fr_one, jb->g);
        vr_par_barrier();
    }
    // 2. Bit reversal: the thread owning i swaps the pair (i, rev i).
    vr_par_range(&lo, &hi, n, tid, nt);
    for (size_t i = lo; i < hi; i++) {
        size_t r = (size_t)bitrev(i, jb->log2n);
        if (i < r) {
            vr_fr t = x[i];
            x[i] = x[r];
            x[r] = t;
        }
    }
    vr_par_barrier();
    // 3. Blocked stages.
    vr_par_range(&lo, &hi, n / B, tid, nt);
    for (size_t b = lo; b < hi; b++)
        block_stages(x + b * B, B, jb->tw);
    vr_par_barrier();
    // 4. Full passes: one radix-2 stage if their number is odd, then two
    // stages per pass.
    size_t m = B;
    if (__builtin_ctzll(n / m) % 2 != 0) {      /* log2(n/m) odd */
        vr_par_range(&lo, &hi, n / 2, tid, nt);
        pass_stage(x, m, lo, hi, jb->tw);
        vr_par_barrier();
        m *= 2;
    }
    for (; m < n; m *= 4) {
        vr_par_range(&lo, &hi, n / 4, tid, nt);
        pass_stage2(x, m, lo, hi, jb->tw);
        vr_par_barrier();
    }
    if (!jb->inverse)
        return;
    // 5. x[i] <- x[n - i] for 0 < i < n/2 (pairs swap), times n^-1 unless
    // a coset scaling follows (which folds n^-1 in).
    vr_fr ninv = vr_fr_one;
    for (int k = 0; k < jb->log2n; k++)
        vr_fr_half(&ninv, &ninv);
    vr_par_range(&lo, &hi, n / 2, tid, nt);
    for (size_t i = lo; i < hi; i++) {
        vr_fr t;
        if (i == 0) {
            if (!jb->coset_inv) {
                vr_fr_mul(&x[0], &x[0], &ninv);
                vr_fr_mul(&x[n / 2], &x[n / 2], &ninv);
            }
            continue;
        }
        t = x[i];
        if (jb->coset_inv) {
            x[i] = x[n - i];
            x[n - i] = t;
        } else {
            vr_fr_mul(&x[i], &x[n - i], &ninv);
            vr_fr_mul(&x[n - i], &t, &ninv);
        }
    }
    // n = 1: nothing to reverse, and n^-1 = 1.
    if (jb->coset_inv) {
        vr_par_barrier();
        vr_par_range(&lo, &hi, n, tid, nt);
        scale_powers(x, lo, hi, &ninv, &jb->ginv);
    }
}

static void
run(const struct vr_ntt_domain *d, vr_fr *x, int log2n, int inverse,
    const vr_fr *g, int nthreads)
{
    struct job jb;

    VR_ASSERT(log2n >= 0 && log2n <= d->log2n);
    memset(&jb, 0, sizeof(jb));
    jb.tw = d->tw;
    jb.x = x;
    jb.log2n = log2n;
    jb.n = (size_t)1 << log2n;
    jb.inverse = inverse;
    if (g != NULL && !inverse) {
        jb.g = g;
    } else if (g != NULL) {
        VR_ASSERT(!vr_fr_is_zero(g));
        vr_fr_inv(&jb.ginv, g);
        jb.coset_inv = 1;
    }
    if (log2n < PAR_MIN_LOG2)
        nthreads = 1;
    vr_par_run(ntt_kernel, &jb, nthreads);
}

void
vr_ntt_forward(const struct vr_ntt_domain *d, vr_fr *x, int log2n,
    int nthreads)
{
    run(d, x, log2n, 0, NULL, nthreads);
}

void
vr_ntt_inverse(const struct vr_ntt_domain *d, vr_fr *x, int log2n,
    int nthreads)
{
    run(d, x, log2n, 1, NULL, nthreads);
}

void
vr_ntt_coset_forward(const struct vr_ntt_domain *d, vr_fr *x, int log2n,
    const vr_fr *g, int nthreads)
{
    run(d, x, log2n, 0, g, nthreads);
}

void
vr_ntt_coset_inverse(const struct vr_ntt_domain *d, vr_fr *x, int log2n,
    const vr_fr *g, int nthreads)
{
    run(d, x, log2n, 1, g, nthreads);
}
