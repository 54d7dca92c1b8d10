/*
 * fpv.h: eight elements of Fp at once, with AVX-512 IFMA.
 *
 * The batched affine additions of the G1 MSM (lib/curve/msm.c) do the
 * same few multiplications for hundreds of independent points, so they
 * run eight at a time, one per 64-bit lane of a 512-bit register, with
 * the 52-bit multiply-accumulate instructions vpmadd52{lo,hi}uq.  On the
 * machine of the benchmarks an eight-lane product costs about 20 ns, so
 * 2.5 ns an element against 12 ns for the best scalar mulx/adx code.
 *
 * Representation: an element is 5 limbs of 52 bits (radix 2^52, least
 * significant first), limb j of all eight lanes in one register.  Values
 * are fully reduced (< p) on entry to and exit from every routine.
 *
 * Montgomery domain: the product is a b 2^-260 mod p (five 52-bit
 * reduction steps), not the a b 2^-256 of fp.c.  Read as 2^260-domain
 * numbers, fp.c's Montgomery limbs of v stand for v / 16; msm.c uses that
 * to run its additions on an isomorphic curve instead of converting every
 * number (see the comment there).
 *
 * Everything is static inline and exists only where the compiler targets
 * AVX512F + AVX512IFMA (VR_FPV is then defined; -DVR_FPV_DISABLE turns it
 * off).  tests/unit/check_fpv.c checks each routine against fp.c lane by
 * lane.  Not constant time: for public data (MSM bases and bucket sums).
 */
#ifndef VR_FIELD_FPV_H
#define VR_FIELD_FPV_H

#if defined(__AVX512F__) && defined(__AVX512IFMA__) && \
    !defined(VR_FPV_DISABLE)
#define VR_FPV 1

#include <immintrin.h>
#include <stdint.h>

#include "field/fp.h"

typedef struct { __m512i l[5]; } vr_fpv;

#define VR_FPV_M52 0xfffffffffffffULL

/* p in radix 2^52; -p^-1 mod 2^52. */
#define VR_FPV_P0 0x8c16d87cfd47ULL
#define VR_FPV_P1 0x916871ca8d3c2ULL
#define VR_FPV_P2 0x181585d97816aULL
#define VR_FPV_P3 0xa029b85045b68ULL
#define VR_FPV_P4 0x30644e72e131ULL
#define VR_FPV_N0 0x20782e4866389ULL

static inline __m512i
vr_fpv_bc(uint64_t x)
{
    return _mm512_set1_epi64((long long)x);
}

/* p's limb i, in every lane. */
static inline __m512i
vr_fpv_p(int i)
{
    static const uint64_t p[5] = {
        VR_FPV_P0, VR_FPV_P1, VR_FPV_P2, VR_FPV_P3, VR_FPV_P4
    };

    return vr_fpv_bc(p[i]);
}

/*
 * Carry limbs 0..3 into their successors (arithmetic shifts, so a limb
 * may be negative), leaving them in [0, 2^52); limb 4 keeps the sign.
 */
static inline void
vr_fpv_carry(__m512i t[5])
{
    const __m512i m = vr_fpv_bc(VR_FPV_M52);

    for (int i = 0; i < 4; i++) {
        t[i + 1] = _mm512_add_epi64(t[i + 1], _mm512_srai_epi64(t[i], 52));
        t[i] = _mm512_and_si512(t[i], m);
    }
}

/*
 * r = t mod p for t < 2p with limbs of up to 62 bits: carry, subtract p
 * with a borrow chain, and keep t in the lanes where that went negative.
 */
static inline void
vr_fpv_reduce(vr_fpv *r, __m512i t[5])
{
    __m512i s[5];
    __mmask8 neg;

    vr_fpv_carry(t);
    for (int i = 0; i < 5; i++)
        s[i] = _mm512_sub_epi64(t[i], vr_fpv_p(i));
    vr_fpv_carry(s);
    neg = _mm512_movepi64_mask(s[4]);
    for (int i = 0; i < 5; i++)
        r->l[i] = _mm512_mask_blend_epi64(neg, s[i], t[i]);
}

/*
 * r = a b 2^-260 mod p, lane by lane.  Operand scanning: per limb b_i,
 * t += a b_i (low halves of the 104-bit products in place, high halves one
 * limb up), q = t_0 n0 mod 2^52, t += q p, then t / 2^52 exactly.  The
 * 64-bit accumulators never overflow: each step adds at most four 52-bit
 * halves per limb, and a limb is carried down for at most five steps, so
 * below 2^57.  The result is < 2p before the final subtraction.  r may
 * alias a or b.
 */
static inline void
vr_fpv_mul(vr_fpv *r, const vr_fpv *a, const vr_fpv *b)
{
    const __m512i z = _mm512_setzero_si512(), n0 = vr_fpv_bc(VR_FPV_N0);
    const __m512i p0 = vr_fpv_bc(VR_FPV_P0), p1 = vr_fpv_bc(VR_FPV_P1),
        p2 = vr_fpv_bc(VR_FPV_P2), p3 = vr_fpv_bc(VR_FPV_P3),
        p4 = vr_fpv_bc(VR_FPV_P4);
    const __m512i a0 = a->l[0], a1 = a->l[1], a2 = a->l[2], a3 = a->l[3],
        a4 = a->l[4];
    __m512i b_[5] = {b->l[0], b->l[1], b->l[2], b->l[3], b->l[4]};
    __m512i t0 = z, t1 = z, t2 = z, t3 = z, t4 = z, t5, q;

    for (int i = 0; i < 5; i++) {
        const __m512i bi = b_[i];
        t5 = z;
        t0 = _mm512_madd52lo_epu64(t0, a0, bi);
        t1 = _mm512_madd52hi_epu64(t1, a0, bi);
        t1 = _mm512_madd52lo_epu64(t1, a1, bi);
        t2 = _mm512_madd52hi_epu64(t2, a1, bi);
        t2 = _mm512_madd52lo_epu64(t2, a2, bi);
        t3 = _mm512_madd52hi_epu64(t3, a2, bi);
        t3 = _mm512_madd52lo_epu64(t3, a3, bi);
        t4 = _mm512_madd52hi_epu64(t4, a3, bi);
        t4 = _mm512_madd52lo_epu64(t4, a4, bi);
        t5 = _mm512_madd52hi_epu64(t5, a4, bi);
        q = _mm512_madd52lo_epu64(z, t0, n0);
        t0 = _mm512_madd52lo_epu64(t0, q, p0);
        t1 = _mm512_madd52hi_epu64(t1, q, p0);
        t1 = _mm512_madd52lo_epu64(t1, q, p1);
        t2 = _mm512_madd52hi_epu64(t2, q, p1);
        t2 = _mm512_madd52lo_epu64(t2, q, p2);
        t3 = _mm512_madd52hi_epu64(t3, q, p2);
        t3 = _mm512_madd52lo_epu64(t3, q, p3);
        t4 = _mm512_madd52hi_epu64(t4, q, p3);
        t4 = _mm512_madd52lo_epu64(t4, q, p4);
        t5 = _mm512_madd52hi_epu64(t5, q, p4);
        t0 = _mm512_add_epi64(t1, _mm512_srli_epi64(t0, 52));
        t1 = t2;
        t2 = t3;
        t3 = t4;
        t4 = t5;
    }
    __m512i t[5] = {t0, t1, t2, t3, t4};
    vr_fpv_reduce(r, t);
}

/* r = a + b mod p. */
static inline void
vr_fpv_add(vr_fpv *r, const vr_fpv *a, const vr_fpv *b)
{
    __m512i t[5];

    for (int i = 0; i < 5; i++)
        t[i] = _mm512_add_epi64(a->l[i], b->l[i]);
    vr_fpv_reduce(r, t);
}

/*
 * r = a - b mod p: limb differences with signed carries, then p added
 * back in the lanes where the difference went negative (those need one
 * more carry pass).
 */
static inline void
vr_fpv_sub(vr_fpv *r, const vr_fpv *a, const vr_fpv *b)
{
    __m512i d[5];
    __mmask8 neg;

    for (int i = 0; i < 5; i++)
        d[i] = _mm512_sub_epi64(a->l[i], b->l[i]);
    vr_fpv_carry(d);
    neg = _mm512_movepi64_mask(d[4]);
    for (int i = 0; i < 5; i++)
        d[i] = _mm512_mask_add_epi64(d[i], neg, d[i], vr_fpv_p(i));
    vr_fpv_carry(d);
    for (int i = 0; i < 5; i++)
        r->l[i] = d[i];
}

/* Four registers of 64-bit limbs (limb j of the 8 lanes) <-> radix 2^52. */
static inline void
vr_fpv_from_l64(vr_fpv *r, __m512i l0, __m512i l1, __m512i l2, __m512i l3)
{
    const __m512i m = vr_fpv_bc(VR_FPV_M52);

    r->l[0] = _mm512_and_si512(l0, m);
    r->l[1] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(l0, 52),
        _mm512_slli_epi64(l1, 12)), m);
    r->l[2] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(l1, 40),
        _mm512_slli_epi64(l2, 24)), m);
    r->l[3] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(l2, 28),
        _mm512_slli_epi64(l3, 36)), m);
    r->l[4] = _mm512_srli_epi64(l3, 16);
}

static inline void
vr_fpv_to_l64(__m512i l[4], const vr_fpv *a)
{
    l[0] = _mm512_or_si512(a->l[0], _mm512_slli_epi64(a->l[1], 52));
    l[1] = _mm512_or_si512(_mm512_srli_epi64(a->l[1], 12),
        _mm512_slli_epi64(a->l[2], 40));
    l[2] = _mm512_or_si512(_mm512_srli_epi64(a->l[2], 24),
        _mm512_slli_epi64(a->l[3], 28));
    l[3] = _mm512_or_si512(_mm512_srli_epi64(a->l[3], 36),
        _mm512_slli_epi64(a->l[4], 16));
}

/* Permutation indices, for two registers a (0..7) and b (8..15). */
#define VR_FPV_IDX(i0, i1, i2, i3, i4, i5, i6, i7) \
    _mm512_set_epi64(i7, i6, i5, i4, i3, i2, i1, i0)
#define vr_fpv_perm2(a, idx, b) _mm512_permutex2var_epi64(a, idx, b)

/*
 * Transpose 4 registers holding 8 consecutive 4-limb numbers (two a
 * register) into limb registers, and back.
 */
static inline void
vr_fpv_t84(__m512i l[4], __m512i z0, __m512i z1, __m512i z2, __m512i z3)
{
    const __m512i ev = VR_FPV_IDX(0, 4, 8, 12, 1, 5, 9, 13),
        od = VR_FPV_IDX(2, 6, 10, 14, 3, 7, 11, 15),
        lo = VR_FPV_IDX(0, 1, 2, 3, 8, 9, 10, 11),
        hi = VR_FPV_IDX(4, 5, 6, 7, 12, 13, 14, 15);
    __m512i t0 = vr_fpv_perm2(z0, ev, z1), t1 = vr_fpv_perm2(z0, od, z1),
        t2 = vr_fpv_perm2(z2, ev, z3), t3 = vr_fpv_perm2(z2, od, z3);

    l[0] = vr_fpv_perm2(t0, lo, t2);
    l[1] = vr_fpv_perm2(t0, hi, t2);
    l[2] = vr_fpv_perm2(t1, lo, t3);
    l[3] = vr_fpv_perm2(t1, hi, t3);
}

static inline void
vr_fpv_t48(__m512i z[4], const __m512i l[4])
{
    const __m512i ev = VR_FPV_IDX(0, 4, 8, 12, 1, 5, 9, 13),
        od = VR_FPV_IDX(2, 6, 10, 14, 3, 7, 11, 15),
        lo = VR_FPV_IDX(0, 1, 2, 3, 8, 9, 10, 11),
        hi = VR_FPV_IDX(4, 5, 6, 7, 12, 13, 14, 15);
    __m512i t0 = vr_fpv_perm2(l[0], lo, l[1]), t2 = vr_fpv_perm2(l[0], hi, l[1]),
        t1 = vr_fpv_perm2(l[2], lo, l[3]), t3 = vr_fpv_perm2(l[2], hi, l[3]);

    z[0] = vr_fpv_perm2(t0, ev, t1);
    z[1] = vr_fpv_perm2(t0, od, t1);
    z[2] = vr_fpv_perm2(t2, ev, t3);
    z[3] = vr_fpv_perm2(t2, od, t3);
}

/* r = the 8 consecutive elements a[0..8). */
static inline void
vr_fpv_load(vr_fpv *r, const vr_fp a[8])
{
    __m512i l[4];

    vr_fpv_t84(l, _mm512_loadu_si512(&a[0]), _mm512_loadu_si512(&a[2]),
        _mm512_loadu_si512(&a[4]), _mm512_loadu_si512(&a[6]));
    vr_fpv_from_l64(r, l[0], l[1], l[2], l[3]);
}

/* a[0..8) = the 8 lanes of v. */
static inline void
vr_fpv_store(vr_fp a[8], const vr_fpv *v)
{
    __m512i l[4], z[4];

    vr_fpv_to_l64(l, v);
    vr_fpv_t48(z, l);
    _mm512_storeu_si512(&a[0], z[0]);
    _mm512_storeu_si512(&a[2], z[1]);
    _mm512_storeu_si512(&a[4], z[2]);
    _mm512_storeu_si512(&a[6], z[3]);
}

/*
 * (x, y) = 8 pairs of elements, pair i at rec[i] (64 bytes: x then y,
 * the layout of an affine point).
 */
static inline void
vr_fpv_load_pairs(vr_fpv *x, vr_fpv *y, const void *const rec[8])
{
    const __m512i lo = VR_FPV_IDX(0, 1, 2, 3, 8, 9, 10, 11),
        hi = VR_FPV_IDX(4, 5, 6, 7, 12, 13, 14, 15);
    __m512i p[8], xz[4], yz[4], l[4];

    for (int i = 0; i < 8; i++)
        p[i] = _mm512_loadu_si512(rec[i]);
    for (int i = 0; i < 4; i++) {
        xz[i] = vr_fpv_perm2(p[2 * i], lo, p[2 * i + 1]);
        yz[i] = vr_fpv_perm2(p[2 * i], hi, p[2 * i + 1]);
    }
    vr_fpv_t84(l, xz[0], xz[1], xz[2], xz[3]);
    vr_fpv_from_l64(x, l[0], l[1], l[2], l[3]);
    vr_fpv_t84(l, yz[0], yz[1], yz[2], yz[3]);
    vr_fpv_from_l64(y, l[0], l[1], l[2], l[3]);
}

/* x = the first elements of the 8 pairs at rec[i]. */
static inline void
vr_fpv_load_firsts(vr_fpv *x, const void *const rec[8])
{
    __m512i z[4], l[4];

    for (int i = 0; i < 4; i++)
        z[i] = _mm512_inserti64x4(_mm512_castsi256_si512(
            _mm256_loadu_si256(rec[2 * i])),
            _mm256_loadu_si256(rec[2 * i + 1]), 1);
    vr_fpv_t84(l, z[0], z[1], z[2], z[3]);
    vr_fpv_from_l64(x, l[0], l[1], l[2], l[3]);
}

/* rec[i] = (lane i of x, lane i of y) for i < n (n <= 8). */
static inline void
vr_fpv_store_pairs(void *const rec[8], int n, const vr_fpv *x,
    const vr_fpv *y)
{
    const __m512i lo = VR_FPV_IDX(0, 1, 2, 3, 8, 9, 10, 11),
        hi = VR_FPV_IDX(4, 5, 6, 7, 12, 13, 14, 15);
    __m512i l[4], xz[4], yz[4];

    vr_fpv_to_l64(l, x);
    vr_fpv_t48(xz, l);
    vr_fpv_to_l64(l, y);
    vr_fpv_t48(yz, l);
    for (int i = 0; i < n; i++) {
        __m512i a = xz[i / 2], b = yz[i / 2];
        _mm512_storeu_si512(rec[i], vr_fpv_perm2(a, (i & 1) ? hi : lo, b));
    }
}

#endif
#endif
