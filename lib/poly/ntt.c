/*
 * ntt.c: radix-2 NTT over Fr, see ntt.h.
 *
 * Shape of a transform of n = 2^k elements x[0..n):
 *   1. (coset forward) x[j] *= g^j
 *   2. bit-reversal permutation
 *   3. stages m = 1, 2, .., BLOCK/2 inside contiguous blocks of BLOCK
 *      elements (they stay in L2 while all these stages run)
 *   4. stages m = BLOCK .. n/2 as full passes, two stages per pass
 * With AVX-512 IFMA (ntt_ifma.h) the butterflies run 8 at a time, three
 * stages per load and store, on values kept lazily in [0, 4r) and
 * reduced by the last stage; from n = 64 steps 2 and stages m = 1, 2, 4
 * are one pass (vfirst3), and steps 1 and 5 are vectorized too.
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
#include "poly/ntt_ifma.h"

#define BLOCK_LOG2 14           /* 16384 elements = 512 KiB per block */
#define PAR_MIN_LOG2 14         /* smaller transforms use one thread */
#define VEC_MIN 8               /* IFMA: stages m >= 8 run 8 lanes wide */

#ifdef VR_NTT_IFMA
/*
 * Domain for n >= 16 in the vector build.  From the top stage alone,
 * top[j] = omega_n^j for j < n/2 (entry m + j of the scalar table is
 * omega_2m^j = top[j n / 2m]), it fills the scalar tw[0..8) of the
 * stages m < 8 and the vector table tw52 of all stages as w 2^260 (see
 * ntt_ifma.h), 8 entries per vr_fpv: entry e is lane e % 8 of
 * block e / 8, so a stage reads consecutive blocks; block 0 is the
 * stages m < 8, for vfirst3.  Peak memory 56n bytes, kept 40n.
 */
static int
domain_init_ifma(struct vr_ntt_domain *d)
{
    size_t n = d->n;
    vr_fr *top = vr_mallocarray(n / 2, sizeof(vr_fr));
    vr_fr *tw = vr_mallocarray(VEC_MIN, sizeof(vr_fr));
    vr_fpv *t = aligned_alloc(64, n / 8 * sizeof(vr_fpv));
    vr_fr w, sixteen, w16[8];

    if (top == NULL || tw == NULL || t == NULL) {
        free(top);
        free(tw);
        free(t);
        memset(d, 0, sizeof(*d));
        return VR_ENOMEM;
    }
    vr_fr_root_of_unity(&w, d->log2n);
    top[0] = vr_fr_one;
    for (size_t j = 1; j < n / 2; j++)
        vr_fr_mul(&top[j], &top[j - 1], &w);
    vr_fr_from_u64(&sixteen, 16);
    for (size_t b = 0; b < n / 8; b++) {
        for (size_t e = 0; e < 8; e++) {
            size_t i = 8 * b + e, m, k = 0;
            if (i > 0) {
                m = (size_t)1 << (63 - __builtin_clzll(i));
                k = (i - m) * (n / (2 * m));
            }
            if (i < VEC_MIN)
                tw[i] = top[k];
            vr_fr_mul(&w16[e], &top[k], &sixteen);
        }
        v52_load(&t[b], w16);
    }
    free(top);
    d->tw = tw;
    d->tw52 = t;
    return VR_OK;
}
#endif

int
vr_ntt_domain_init(struct vr_ntt_domain *d, int log2n)
{
    size_t n;
    vr_fr w;

    memset(d, 0, sizeof(*d));
    if (log2n < 0 || log2n > VR_NTT_MAX_LOG2)
        return VR_ERANGE;
    n = (size_t)1 << log2n;
    d->log2n = log2n;
    d->n = n;
#ifdef VR_NTT_IFMA
    if (n >= 2 * VEC_MIN)
        return domain_init_ifma(d);
#endif
    if ((d->tw = vr_mallocarray(n, sizeof(vr_fr))) == NULL) {
        memset(d, 0, sizeof(*d));
        return VR_ENOMEM;
    }
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
    free(d->tw52);
    memset(d, 0, sizeof(*d));
}

struct job {
    const vr_fr *tw;
    const void *tw52;           /* IFMA twiddles, see tw52_init */
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
 * Lazy scalar butterflies (Harvey 2014, as the vector ones of
 * ntt_ifma.h) where the build has the mulx/adx product of limb.h but not
 * IFMA: values stay in [0, 4r) < 2^256 between stages, the product skips
 * its final subtraction, and one pass after the last stage reduces
 * (lazy_normalize).  VR_NTT_PORTABLE keeps the reduced butterflies below
 * (the reference of tests/unit/check_ntt_paths.c).
 */
#if !defined(VR_NTT_IFMA) && defined(VR_LIMB_ASM) && \
    !defined(VR_NTT_PORTABLE)
#define VR_NTT_LAZY 1

/* 2r */
static const uint64_t r2_[4] = {
    0x87c3eb27e0000002ULL, 0x5067d090f372e122ULL,
    0x70a08b6d0302b0baULL, 0x60c89ce5c2634053ULL
};

/* r = w y 2^-256 mod r, in [0, 2r), for w < r and any y < 2^256
 * (limb.h's product without its final subtraction). */
static inline void
lazy_mul(uint64_t r[4], const uint64_t w[4], const uint64_t y[4])
{
    vr_limb_mont_mul_lazy_asm(r, w, y, vr_fr_modulus, VR_FR_N0);
}

/*
 * a, b in [0, 4r) -> [0, 4r):
 *   a <- a mod 2r;  v = w b in [0, 2r);  b' = a - v + 2r;  a' = a + v.
 * The raw 256-bit sums cannot wrap: every true value is below 4r.
 */
static inline void
butterfly(vr_fr *a, vr_fr *b, const vr_fr *w)
{
    uint64_t v[4];

    vr_limb_reduce_once(a->l, a->l, r2_);
    lazy_mul(v, w->l, b->l);
    vr_limb_sub_raw(b->l, a->l, v);
    vr_limb_add_raw(b->l, b->l, r2_);
    vr_limb_add_raw(a->l, a->l, v);
}

/* The butterfly with w = 1: v = b mod 2r. */
static inline void
butterfly1(vr_fr *a, vr_fr *b)
{
    uint64_t v[4];

    vr_limb_reduce_once(a->l, a->l, r2_);
    vr_limb_reduce_once(v, b->l, r2_);
    vr_limb_sub_raw(b->l, a->l, v);
    vr_limb_add_raw(b->l, b->l, r2_);
    vr_limb_add_raw(a->l, a->l, v);
}

/* [0, 4r) -> [0, r) for x[lo..hi). */
static void
lazy_normalize(vr_fr *x, size_t lo, size_t hi)
{
    for (size_t i = lo; i < hi; i++) {
        vr_limb_reduce_once(x[i].l, x[i].l, r2_);
        vr_limb_reduce_once(x[i].l, x[i].l, vr_fr_modulus);
    }
}
#else
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
#endif

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

#ifndef VR_NTT_IFMA
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
#endif

#ifdef VR_NTT_IFMA
/*
 * Stage m >= 8 on butterflies t in [lo, hi), lo and hi multiples of 8
 * (t = a/2 + j as in pass_stage), 8 at a time.  Inputs in [0, 4r);
 * outputs in [0, 4r), or reduced to [0, r) when fin (the last stage).
 */
static void
vpass_stage(vr_fr *x, size_t m, size_t lo, size_t hi,
    const vr_fpv *tw52, int fin)
{
    for (size_t t = lo; t < hi; t += 8) {
        size_t a = 2 * m * (t / m), j = t % m;
        vr_fpv u, v;

        v52_load(&u, &x[a + j]);
        v52_load(&v, &x[a + j + m]);
        v52_butterfly(&u, &v, &tw52[(m + j) / 8]);
        if (fin) {
            v52_reduce(&u);
            v52_reduce(&v);
        }
        v52_store(&x[a + j], &u);
        v52_store(&x[a + j + m], &v);
    }
}

/* Stages m and 2m (m >= 8) on quads t in [lo, hi), as pass_stage2; lo and
 * hi multiples of 8.  fin: 2m is the last stage. */
static void
vpass_stage2(vr_fr *x, size_t m, size_t lo, size_t hi,
    const vr_fpv *tw52, int fin)
{
    for (size_t t = lo; t < hi; t += 8) {
        size_t a = 4 * m * (t / m), j = t % m;
        vr_fr *x0 = &x[a + j], *x1 = x0 + m, *x2 = x1 + m, *x3 = x2 + m;
        const vr_fpv *w1 = &tw52[(m + j) / 8];
        vr_fpv u0, u1, u2, u3;

        v52_load(&u0, x0);
        v52_load(&u1, x1);
        v52_load(&u2, x2);
        v52_load(&u3, x3);
        v52_butterfly(&u0, &u1, w1);
        v52_butterfly(&u2, &u3, w1);
        v52_butterfly(&u0, &u2, &tw52[(2 * m + j) / 8]);
        v52_butterfly(&u1, &u3, &tw52[(3 * m + j) / 8]);
        if (fin) {
            v52_reduce(&u0);
            v52_reduce(&u1);
            v52_reduce(&u2);
            v52_reduce(&u3);
        }
        v52_store(x0, &u0);
        v52_store(x1, &u1);
        v52_store(x2, &u2);
        v52_store(x3, &u3);
    }
}

/* Stages m, 2m and 4m (m >= 8) on octets t in [lo, hi), lo and hi
 * multiples of 8.  fin: 4m is the last stage. */
static void
vpass_stage3(vr_fr *x, size_t m, size_t lo, size_t hi,
    const vr_fpv *tw52, int fin)
{
    for (size_t t = lo; t < hi; t += 8) {
        size_t a = 8 * m * (t / m), j = t % m;
        vr_fpv u[8];

        for (int k = 0; k < 8; k++)
            v52_load(&u[k], &x[a + j + (size_t)k * m]);
        for (int k = 0; k < 8; k += 2)
            v52_butterfly(&u[k], &u[k + 1], &tw52[(m + j) / 8]);
        for (int k = 0; k < 8; k += 4) {
            v52_butterfly(&u[k], &u[k + 2], &tw52[(2 * m + j) / 8]);
            v52_butterfly(&u[k + 1], &u[k + 3], &tw52[(3 * m + j) / 8]);
        }
        for (int k = 0; k < 4; k++)
            v52_butterfly(&u[k], &u[k + 4],
                &tw52[(4 * m + (size_t)k * m + j) / 8]);
        for (int k = 0; k < 8; k++) {
            if (fin)
                v52_reduce(&u[k]);
            v52_store(&x[a + j + (size_t)k * m], &u[k]);
        }
    }
}

/*
 * Stages m = 1 .. B/2 on the block x[0..B), fin: B = n.  first3: stages
 * m = 1, 2, 4 are still to do (scalar here; they leave values reduced),
 * else only the vector stages m >= 8.
 */
static void
vblock_stages(vr_fr *x, size_t B, const vr_fr *tw, const vr_fpv *tw52,
    int first3, int fin)
{
    size_t m;

    if (B <= VEC_MIN) {
        block_stages(x, B, tw);
        return;
    }
    if (first3)
        for (size_t b = 0; b < B; b += VEC_MIN)
            block_stages(x + b, VEC_MIN, tw);
    // One or two stages first if their number is not a multiple of 3,
    // then three per load and store.
    m = VEC_MIN;
    if (__builtin_ctzll(B / m) % 3 == 1) {
        vpass_stage(x, m, 0, B / 2, tw52, fin && 2 * m == B);
        m *= 2;
    } else if (__builtin_ctzll(B / m) % 3 == 2) {
        vpass_stage2(x, m, 0, B / 4, tw52, fin && 4 * m == B);
        m *= 4;
    }
    for (; m < B; m *= 8)
        vpass_stage3(x, m, 0, B / 8, tw52, fin && 8 * m == B);
}
#endif

#ifdef VR_NTT_IFMA
/* r = s * 2^4 in every lane: a v52_mul multiplier for s. */
static void
v52_const(vr_fpv *r, const vr_fr *s)
{
    vr_fr v[8], sixteen;

    vr_fr_from_u64(&sixteen, 16);
    vr_fr_mul(&v[0], s, &sixteen);
    for (int e = 1; e < 8; e++)
        v[e] = v[0];
    v52_load(r, v);
}

/*
 * scale_powers 8 lanes wide, for lo and hi multiples of 8: x[j] *= s g^j,
 * or x[j] *= s when g is NULL.  Lane e of p holds s g^(j+e) (times 2^4)
 * and steps by g^8.  Outputs reduced.
 */
static void
vscale_powers(vr_fr *x, size_t lo, size_t hi, const vr_fr *s,
    const vr_fr *g)
{
    vr_fpv p, g8, u;
    vr_fr pe[8], sixteen;

    vr_fr_from_u64(&sixteen, 16);
    if (g == NULL) {
        v52_const(&p, s);
    } else {
        uint64_t e8[4] = {8, 0, 0, 0}, elo[4] = {lo, 0, 0, 0};
        vr_fr t;
        vr_fr_pow(&t, g, e8);
        v52_const(&g8, &t);
        vr_fr_pow(&t, g, elo);
        vr_fr_mul(&t, &t, s);                   /* s g^lo */
        for (int e = 0; e < 8; e++) {
            vr_fr_mul(&pe[e], &t, &sixteen);
            vr_fr_mul(&t, &t, g);
        }
        v52_load(&p, pe);
    }
    for (size_t j = lo; j < hi; j += 8) {
        v52_load(&u, &x[j]);
        v52_mul(&u, &u, &p);                    /* < 2r */
        v52_norm(&u);
        v52_csub(&u, v52_r);
        v52_store(&x[j], &u);
        if (g != NULL) {
            v52_mul(&p, &p, &g8);
            v52_norm(&p);
        }
    }
}

static const size_t rev3[8] = {0, 4, 2, 6, 1, 5, 3, 7};

/* w 2^260 in every lane, w = lane e of the twiddle block b. */
static void
v52_bcast(vr_fpv *r, const vr_fpv *b, int e)
{
    const __m512i idx = _mm512_set1_epi64(e);

    for (int j = 0; j < 5; j++)
        r->l[j] = _mm512_permutexvar_epi64(idx, b->l[j]);
}

/*
 * Stages m = 1, 2, 4 on 8 lanes: v[k] holds position k of 8 groups of 8
 * (one group per lane).  w[0] = omega_4, w[1..3] = omega_8^(1..3), in
 * the 2^260 form.  [0, 4r) in and out.
 */
static void
v52_radix8(vr_fpv v[8], const vr_fpv w[4])
{
    for (int k = 0; k < 8; k += 2)
        v52_butterfly1(&v[k], &v[k + 1]);
    for (int k = 0; k < 8; k += 4) {
        v52_butterfly1(&v[k], &v[k + 2]);
        v52_butterfly(&v[k + 1], &v[k + 3], &w[0]);
    }
    v52_butterfly1(&v[0], &v[4]);
    v52_butterfly(&v[1], &v[5], &w[1]);
    v52_butterfly(&v[2], &v[6], &w[0]);
    v52_butterfly(&v[3], &v[7], &w[3]);
}

/* Write v (as from v52_radix8): lane e, position k goes to
 * x[dst + rev3(e) S + k]. */
static void
v52_store_groups(vr_fr *x, size_t dst, size_t S, const vr_fpv v[8])
{
    __m512i u[4][8];

    for (int k = 0; k < 8; k++) {
        __m512i t[4];
        vr_fpv_to_l64(t, &v[k]);
        for (int l = 0; l < 4; l++)
            u[l][k] = t[l];
    }
    for (int l = 0; l < 4; l++)
        v52_transpose8(u[l]);           /* u[l][e] lane k */
    for (int e = 0; e < 8; e++) {
        __m512i t[4] = {u[0][e], u[1][e], u[2][e], u[3][e]};
        v52_store_limbs(&x[dst + rev3[e] * S + 0], t);
    }
}

/*
 * Bit reversal fused with stages m = 1, 2, 4, for n = 2^L >= 64.  With
 * S = n/8, chunk c < n/64 reads x[rev3(k) S + 8c + e] for k, e < 8:
 * 8 runs of 8 consecutive elements.  Bit reversal sends that element to
 * position 8 G + k of group G = rev_(L-3)(8c + e) = rev3(e) 2^(L-6) + c',
 * c' = rev_(L-6)(c): the runs that chunk c' reads.  So chunks c and c'
 * are loaded together, put through the three stages with lane e = group,
 * and each stored where the other was (c = c' alone).  A thread takes
 * every nt-th pair.
 */
static void
vfirst3(vr_fr *x, int log2n, const vr_fpv *tw52, int tid, int nt)
{
    size_t n = (size_t)1 << log2n, S = n / 8, cnt = 0;
    vr_fpv w[4], a[8], b[8];

    v52_bcast(&w[0], &tw52[0], 3);              /* tw[3] = omega_4 */
    for (int e = 1; e < 4; e++)
        v52_bcast(&w[e], &tw52[0], 4 + e);      /* tw[4 + e] = omega_8^e */
    for (size_t c = 0; c < n / 64; c++) {
        size_t cr = (size_t)bitrev(c, log2n - 6);
        if (cr < c || cnt++ % (size_t)nt != (size_t)tid)
            continue;
        for (int k = 0; k < 8; k++)
            v52_load(&a[k], &x[rev3[k] * S + 8 * c]);
        if (cr != c)
            for (int k = 0; k < 8; k++)
                v52_load(&b[k], &x[rev3[k] * S + 8 * cr]);
        v52_radix8(a, w);
        v52_store_groups(x, 8 * cr, S, a);
        if (cr != c) {
            v52_radix8(b, w);
            v52_store_groups(x, 8 * c, S, b);
        }
    }
}
#endif

/* Bit reversal: the thread owning i swaps the pair (i, rev i). */
static void
bitrev_part(vr_fr *x, int log2n, int tid, int nt)
{
    size_t lo, hi;

    vr_par_range(&lo, &hi, (size_t)1 << log2n, tid, nt);
    for (size_t i = lo; i < hi; i++) {
        size_t r = (size_t)bitrev(i, log2n);
        if (i < r) {
            vr_fr t = x[i];
            x[i] = x[r];
            x[r] = t;
        }
    }
}

/* x[j] *= s g^j (g != NULL) or s, for j < n, this thread's share. */
static void
scale_part(vr_fr *x, size_t n, const vr_fr *s, const vr_fr *g, int tid,
    int nt)
{
    size_t lo, hi;

#ifdef VR_NTT_IFMA
    if (n >= 8) {
        vr_par_range(&lo, &hi, n / 8, tid, nt);
        vscale_powers(x, 8 * lo, 8 * hi, s, g);
        return;
    }
#endif
    vr_par_range(&lo, &hi, n, tid, nt);
    scale_powers(x, lo, hi, s, g != NULL ? g : &vr_fr_one);
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
        scale_part(x, n, &vr_fr_one, jb->g, tid, nt);
        vr_par_barrier();
    }
    // 2. Bit reversal (IFMA from n = 64: fused with stages 1, 2, 4).
#ifdef VR_NTT_IFMA
    int first3 = n < 64;
    if (first3)
        bitrev_part(x, jb->log2n, tid, nt);
    else
        vfirst3(x, jb->log2n, jb->tw52, tid, nt);
#else
    bitrev_part(x, jb->log2n, tid, nt);
#endif
    vr_par_barrier();
    // 3. Blocked stages.
    vr_par_range(&lo, &hi, n / B, tid, nt);
    for (size_t b = lo; b < hi; b++) {
#ifdef VR_NTT_IFMA
        vblock_stages(x + b * B, B, jb->tw, jb->tw52, first3, B == n);
#else
        block_stages(x + b * B, B, jb->tw);
#endif
    }
    vr_par_barrier();
    // 4. Full passes: one radix-2 stage if their number is odd, then two
    // stages per pass.  (Vector passes: three per pass after one or two,
    // each thread's range in units of 8.)
    size_t m = B;
#ifdef VR_NTT_IFMA
    if (__builtin_ctzll(n / m) % 3 == 1) {
        vr_par_range(&lo, &hi, n / 16, tid, nt);
        vpass_stage(x, m, 8 * lo, 8 * hi, jb->tw52, 2 * m == n);
        vr_par_barrier();
        m *= 2;
    } else if (__builtin_ctzll(n / m) % 3 == 2) {
        vr_par_range(&lo, &hi, n / 32, tid, nt);
        vpass_stage2(x, m, 8 * lo, 8 * hi, jb->tw52, 4 * m == n);
        vr_par_barrier();
        m *= 4;
    }
    for (; m < n; m *= 8) {
        vr_par_range(&lo, &hi, n / 64, tid, nt);
        vpass_stage3(x, m, 8 * lo, 8 * hi, jb->tw52, 8 * m == n);
        vr_par_barrier();
    }
#else
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
#endif
#ifdef VR_NTT_LAZY
    vr_par_range(&lo, &hi, n, tid, nt);
    lazy_normalize(x, lo, hi);
    if (jb->inverse)
        vr_par_barrier();
#endif
    if (!jb->inverse)
        return;
    // 5. x[i] <- x[n - i] for 0 < i < n/2 (pairs swap), times n^-1 unless
    // a coset scaling follows (which folds n^-1 in).
    vr_fr ninv = vr_fr_one;
    for (int k = 0; k < jb->log2n; k++)
        vr_fr_half(&ninv, &ninv);
#ifdef VR_NTT_IFMA
    // The vector build swaps first and scales in a separate pass.
    vr_par_range(&lo, &hi, n / 2, tid, nt);
    for (size_t i = lo > 0 ? lo : 1; i < hi; i++) {
        vr_fr t = x[i];
        x[i] = x[n - i];
        x[n - i] = t;
    }
    vr_par_barrier();
    scale_part(x, n, &ninv, jb->coset_inv ? &jb->ginv : NULL, tid, nt);
#else
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
        scale_part(x, n, &ninv, &jb->ginv, tid, nt);
    }
#endif
}

static void
run(const struct vr_ntt_domain *d, vr_fr *x, int log2n, int inverse,
    const vr_fr *g, int nthreads)
{
    struct job jb;

    VR_ASSERT(log2n >= 0 && log2n <= d->log2n);
    memset(&jb, 0, sizeof(jb));
    jb.tw = d->tw;
    jb.tw52 = d->tw52;
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
#ifdef VR_VERIFY
    // make VERIFY=1: inputs and outputs fully reduced (the lazy [0, 4r)
    // values of the vector passes must not leak out).
    for (size_t i = 0; i < jb.n; i++)
        VR_VERIFY_CHECK(vr_limb_lt(x[i].l, vr_fr_modulus));
#endif
    vr_par_run(ntt_kernel, &jb, nthreads);
#ifdef VR_VERIFY
    for (size_t i = 0; i < jb.n; i++)
        VR_VERIFY_CHECK(vr_limb_lt(x[i].l, vr_fr_modulus));
#endif
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
