/*
 * ntt_ifma.h: Fr arithmetic on 8 elements at once with AVX-512 IFMA
 * (vpmadd52luq / vpmadd52huq), for the butterflies of ntt.c.  Only
 * lib/poly/ntt.c includes this.
 *
 * An element is held as 5 limbs of 52 bits (v = sum l[i] 2^(52 i)); a
 * vr_fpv (field/fpv.h, whose radix conversions this reuses) holds 8
 * elements, limb i of element e in lane e of l[i].
 * Data stay in the library's Montgomery form (a 2^256 mod r): only the
 * product differs, v52_mul computing a b 2^-260 mod r, so the NTT keeps
 * its twiddles as w 2^260 mod r (16 times the vr_fr form) and
 * v52_mul(x, w 2^260) = x w 2^256, the vr_fr form of the product.
 *
 * Lazy reduction (Harvey, "Faster arithmetic for number-theoretic
 * transforms", 2014): values move between stages in [0, 4r), which fits
 * 256 bits since r < 2^254, and are reduced to [0, r) once at the end.
 * "Normalized" means every limb is in [0, 2^52); v52_mul needs
 * normalized inputs (IFMA reads the low 52 bits of each lane).
 *
 * Everything is constant time: the selections are lane masks.
 */
#ifndef VR_POLY_NTT_IFMA_H
#define VR_POLY_NTT_IFMA_H

#include "field/fpv.h"

#if defined(VR_FPV) && !defined(VR_NTT_PORTABLE)
#define VR_NTT_IFMA 1

#include <immintrin.h>
#include <stdint.h>

#include "field/fr.h"

#define V52_MASK 0xfffffffffffffULL     /* 2^52 - 1 */
/* -r^-1 mod 2^52 (VR_FR_N0 mod 2^52) */
#define V52_N0 0x1f593efffffffULL

/* r and 2r in 52-bit limbs, least significant first */
static const uint64_t v52_r[5] = {
    0x1f593f0000001ULL, 0x4879b9709143eULL, 0x181585d2833e8ULL,
    0xa029b85045b68ULL, 0x30644e72e131ULL
};
static const uint64_t v52_2r[5] = {
    0x3eb27e0000002ULL, 0x90f372e12287cULL, 0x302b0ba5067d0ULL,
    0x405370a08b6d0ULL, 0x60c89ce5c263ULL
};

/*
 * Transpose indices: from 4 vectors of 2 elements x 4 limbs to 4 vectors
 * of one limb x 8 elements, as pairs of vpermt2q (within 4 elements)
 * then vshufi64x2 (joining two halves); the inverse uses the same ones.
 */
#define V52_IDX_LO _mm512_set_epi64(13, 9, 5, 1, 12, 8, 4, 0)
#define V52_IDX_HI _mm512_set_epi64(15, 11, 7, 3, 14, 10, 6, 2)

/* v = x[0..8) (any values < 2^256), normalized. */
static inline void
v52_load(vr_fpv *v, const vr_fr *x)
{
    __m512i z0 = _mm512_loadu_si512(x), z1 = _mm512_loadu_si512(x + 2);
    __m512i z2 = _mm512_loadu_si512(x + 4), z3 = _mm512_loadu_si512(x + 6);
    __m512i p0 = _mm512_permutex2var_epi64(z0, V52_IDX_LO, z1);
    __m512i p1 = _mm512_permutex2var_epi64(z0, V52_IDX_HI, z1);
    __m512i q0 = _mm512_permutex2var_epi64(z2, V52_IDX_LO, z3);
    __m512i q1 = _mm512_permutex2var_epi64(z2, V52_IDX_HI, z3);
    // u_k: 64-bit limb k of the 8 elements
    __m512i u0 = _mm512_shuffle_i64x2(p0, q0, 0x44);
    __m512i u1 = _mm512_shuffle_i64x2(p0, q0, 0xee);
    __m512i u2 = _mm512_shuffle_i64x2(p1, q1, 0x44);
    __m512i u3 = _mm512_shuffle_i64x2(p1, q1, 0xee);

    vr_fpv_from_l64(v, u0, u1, u2, u3);
}

/* x[0..8) from u[k] = 64-bit limb k of the 8 elements. */
static inline void
v52_store_limbs(vr_fr *x, const __m512i u[4])
{
    __m512i u0 = u[0], u1 = u[1], u2 = u[2], u3 = u[3];
    __m512i p0 = _mm512_shuffle_i64x2(u0, u1, 0x44);
    __m512i q0 = _mm512_shuffle_i64x2(u0, u1, 0xee);
    __m512i p1 = _mm512_shuffle_i64x2(u2, u3, 0x44);
    __m512i q1 = _mm512_shuffle_i64x2(u2, u3, 0xee);

    _mm512_storeu_si512(x, _mm512_permutex2var_epi64(p0, V52_IDX_LO, p1));
    _mm512_storeu_si512(x + 2, _mm512_permutex2var_epi64(p0, V52_IDX_HI, p1));
    _mm512_storeu_si512(x + 4, _mm512_permutex2var_epi64(q0, V52_IDX_LO, q1));
    _mm512_storeu_si512(x + 6, _mm512_permutex2var_epi64(q0, V52_IDX_HI, q1));
}

/* x[0..8) = v, v normalized and < 2^256. */
static inline void
v52_store(vr_fr *x, const vr_fpv *v)
{
    __m512i u[4];

    vr_fpv_to_l64(u, v);
    v52_store_limbs(x, u);
}

/*
 * Transpose the 8 x 8 matrix of 64-bit words a[row] lane col in place:
 * three rounds, round b exchanging bit b of the row and column indices
 * between rows p and p + 2^b (vpermt2q with the indices below).
 */
static inline void
v52_transpose8(__m512i a[8])
{
    static const int64_t idx[3][2][8] = {
        {{0, 8, 2, 10, 4, 12, 6, 14}, {1, 9, 3, 11, 5, 13, 7, 15}},
        {{0, 1, 8, 9, 4, 5, 12, 13}, {2, 3, 10, 11, 6, 7, 14, 15}},
        {{0, 1, 2, 3, 8, 9, 10, 11}, {4, 5, 6, 7, 12, 13, 14, 15}},
    };

    for (int b = 0; b < 3; b++) {
        __m512i ip = _mm512_loadu_si512(idx[b][0]);
        __m512i iq = _mm512_loadu_si512(idx[b][1]);
        int h = 1 << b;
        for (int p = 0; p < 8; p++) {
            if (p & h)
                continue;
            __m512i lo = a[p], hi = a[p + h];
            a[p] = _mm512_permutex2var_epi64(lo, ip, hi);
            a[p + h] = _mm512_permutex2var_epi64(lo, iq, hi);
        }
    }
}

/*
 * t = a b 2^-260 mod r, Montgomery multiplication in radix 2^52 (the
 * word-by-word CIOS of limb.h, 8 lanes wide; Drucker and Gueron, "Fast
 * modular squaring with AVX512IFMA", 2018).  a and b normalized; the
 * result is < a b / 2^260 + r, so below 2r when a < 2^260 and b < r, and
 * its limbs are NOT normalized (each < 2^58: at most 20 products of 52
 * bits land on one limb).  Step i adds a b_i, then q r with q = t_0 n0
 * mod 2^52, which clears the low 52 bits, and shifts one limb down.
 */
static inline void
v52_mul(vr_fpv *t, const vr_fpv *a, const vr_fpv *b)
{
    const __m512i m = _mm512_set1_epi64(V52_MASK);
    const __m512i z = _mm512_setzero_si512();
    const __m512i n0 = _mm512_set1_epi64(V52_N0);
    const __m512i r0 = _mm512_set1_epi64(v52_r[0]);
    const __m512i r1 = _mm512_set1_epi64(v52_r[1]);
    const __m512i r2 = _mm512_set1_epi64(v52_r[2]);
    const __m512i r3 = _mm512_set1_epi64(v52_r[3]);
    const __m512i r4 = _mm512_set1_epi64(v52_r[4]);
    __m512i t0 = z, t1 = z, t2 = z, t3 = z, t4 = z, t5, q;

    for (int i = 0; i < 5; i++) {
        __m512i bi = b->l[i];
        t0 = _mm512_madd52lo_epu64(t0, a->l[0], bi);
        t1 = _mm512_madd52lo_epu64(t1, a->l[1], bi);
        t2 = _mm512_madd52lo_epu64(t2, a->l[2], bi);
        t3 = _mm512_madd52lo_epu64(t3, a->l[3], bi);
        t4 = _mm512_madd52lo_epu64(t4, a->l[4], bi);
        q = _mm512_and_si512(_mm512_madd52lo_epu64(z, t0, n0), m);
        t1 = _mm512_madd52hi_epu64(t1, a->l[0], bi);
        t2 = _mm512_madd52hi_epu64(t2, a->l[1], bi);
        t3 = _mm512_madd52hi_epu64(t3, a->l[2], bi);
        t4 = _mm512_madd52hi_epu64(t4, a->l[3], bi);
        t5 = _mm512_madd52hi_epu64(z, a->l[4], bi);
        t0 = _mm512_madd52lo_epu64(t0, q, r0);
        t1 = _mm512_madd52lo_epu64(t1, q, r1);
        t2 = _mm512_madd52lo_epu64(t2, q, r2);
        t3 = _mm512_madd52lo_epu64(t3, q, r3);
        t4 = _mm512_madd52lo_epu64(t4, q, r4);
        t1 = _mm512_madd52hi_epu64(t1, q, r0);
        t2 = _mm512_madd52hi_epu64(t2, q, r1);
        t3 = _mm512_madd52hi_epu64(t3, q, r2);
        t4 = _mm512_madd52hi_epu64(t4, q, r3);
        t5 = _mm512_madd52hi_epu64(t5, q, r4);
        // t0 is now 0 mod 2^52: shift down, keeping its carry
        t0 = _mm512_add_epi64(t1, _mm512_srli_epi64(t0, 52));
        t1 = t2;
        t2 = t3;
        t3 = t4;
        t4 = t5;
    }
    t->l[0] = t0;
    t->l[1] = t1;
    t->l[2] = t2;
    t->l[3] = t3;
    t->l[4] = t4;
}

/*
 * Carry-propagate limbs that may be negative or above 2^52 (each
 * |l[i]| < 2^62) of a value in [0, 2^260): arithmetic shifts move the
 * signed carries up.  Afterwards v is normalized.
 */
static inline void
v52_norm(vr_fpv *v)
{
    const __m512i m = _mm512_set1_epi64(V52_MASK);

    for (int j = 0; j < 4; j++) {
        v->l[j + 1] = _mm512_add_epi64(v->l[j + 1],
            _mm512_srai_epi64(v->l[j], 52));
        v->l[j] = _mm512_and_si512(v->l[j], m);
    }
}

/* v = v - c where v >= c, else v (v normalized, c normalized limbs). */
static inline void
v52_csub(vr_fpv *v, const uint64_t c[5])
{
    vr_fpv d;
    __mmask8 keep;

    for (int j = 0; j < 5; j++)
        d.l[j] = _mm512_sub_epi64(v->l[j], _mm512_set1_epi64((long long)c[j]));
    v52_norm(&d);
    keep = _mm512_movepi64_mask(d.l[4]);        /* sign: v < c */
    for (int j = 0; j < 5; j++)
        v->l[j] = _mm512_mask_blend_epi64(keep, d.l[j], v->l[j]);
}

/*
 * Lazy Cooley-Tukey butterfly on 8 lanes (Harvey's, with the reduction
 * moved to the input): x, y in [0, 4r) normalized, w (= omega 2^260) < r.
 *   x <- x mod 2r (one conditional subtraction of 2r)
 *   t = y w        in [0, 2r)
 *   x' = x + t     in [0, 4r)
 *   y' = x - t + 2r in (0, 4r)
 */
static inline void
v52_butterfly(vr_fpv *x, vr_fpv *y, const vr_fpv *w)
{
    vr_fpv t;

    v52_csub(x, v52_2r);
    v52_mul(&t, y, w);
    for (int j = 0; j < 5; j++) {
        __m512i s = _mm512_add_epi64(x->l[j], t.l[j]);
        __m512i d = _mm512_sub_epi64(_mm512_add_epi64(x->l[j],
            _mm512_set1_epi64((long long)v52_2r[j])), t.l[j]);
        x->l[j] = s;
        y->l[j] = d;
    }
    v52_norm(x);
    v52_norm(y);
}

/* The butterfly with w = 1: x, y in [0, 4r) -> [0, 4r), normalized. */
static inline void
v52_butterfly1(vr_fpv *x, vr_fpv *y)
{
    v52_csub(x, v52_2r);
    v52_csub(y, v52_2r);
    for (int j = 0; j < 5; j++) {
        __m512i s = _mm512_add_epi64(x->l[j], y->l[j]);
        __m512i d = _mm512_sub_epi64(_mm512_add_epi64(x->l[j],
            _mm512_set1_epi64((long long)v52_2r[j])), y->l[j]);
        x->l[j] = s;
        y->l[j] = d;
    }
    v52_norm(x);
    v52_norm(y);
}

/* [0, 4r) -> [0, r), normalized. */
static inline void
v52_reduce(vr_fpv *v)
{
    v52_csub(v, v52_2r);
    v52_csub(v, v52_r);
}

#endif /* AVX-512 IFMA */
#endif
