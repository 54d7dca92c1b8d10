/*
 * limb.h: 4 x 64-bit limb arithmetic modulo an odd 254-bit prime m.
 *
 * The one all-`static inline` header of the library (blst's vect.h).
 * Every routine takes the modulus as (m, n0) with n0 = -m^-1 mod 2^64,
 * and fp.c / fr.c bind them to BN254's p and r.  Numbers are 4 limbs,
 * least significant first.  Unless the name ends in _var, each routine
 * runs in time independent of the values of its operands: no branch and
 * no memory index depends on them.
 *
 * Preconditions (callers keep them, VR_VERIFY_CHECK tests them):
 *   m < 2^254 (top limb < 2^62), so a + b < 2^255 never carries out and
 *   the "no-carry" CIOS Montgomery multiplication applies
 *   (gnark-crypto, "Faster Montgomery multiplication", 2020); operands are
 *   fully reduced (< m).
 */
#ifndef VR_FIELD_LIMB_H
#define VR_FIELD_LIMB_H

#include <stdbool.h>
#include <stdint.h>

__extension__ typedef unsigned __int128 vr_u128;

/*
 * Compiler barrier: the value passes through an empty asm, so the
 * optimizer cannot see that a mask is 0 or all-ones and turn a select
 * back into a branch.  The only place in the library that does this.
 */
static inline uint64_t
vr_limb_barrier(uint64_t x)
{
    __asm__ ("" : "+r"(x));
    return x;
}

/* All-ones if bit is 1, zero if 0.  bit must be 0 or 1. */
static inline uint64_t
vr_limb_mask(uint64_t bit)
{
    return vr_limb_barrier(0 - bit);
}

/* 1 if x == 0 else 0, constant time. */
static inline uint64_t
vr_limb_is_zero_word(uint64_t x)
{
    return ((x | (0 - x)) >> 63) ^ 1;
}

/* 1 if a == 0 (all 4 limbs), constant time. */
static inline uint64_t
vr_limb_is_zero(const uint64_t a[4])
{
    return vr_limb_is_zero_word(a[0] | a[1] | a[2] | a[3]);
}

/* 1 if a == b, constant time. */
static inline uint64_t
vr_limb_eq(const uint64_t a[4], const uint64_t b[4])
{
    return vr_limb_is_zero_word((a[0] ^ b[0]) | (a[1] ^ b[1]) |
        (a[2] ^ b[2]) | (a[3] ^ b[3]));
}

/* r = flag ? a : r, constant time.  flag is 0 or 1.  r may alias a. */
static inline void
vr_limb_cmov(uint64_t r[4], const uint64_t a[4], uint64_t flag)
{
    uint64_t mask = vr_limb_mask(flag);

    for (int i = 0; i < 4; i++)
        r[i] ^= mask & (r[i] ^ a[i]);
}

/* r = a - b over 256 bits; returns the borrow (0 or 1). */
static inline uint64_t
vr_limb_sub_raw(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t borrow = 0;

    for (int i = 0; i < 4; i++) {
        vr_u128 d = (vr_u128)a[i] - b[i] - borrow;
        r[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
    return borrow;
}

/* r = a + b over 256 bits; returns the carry (0 or 1). */
static inline uint64_t
vr_limb_add_raw(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t carry = 0;

    for (int i = 0; i < 4; i++) {
        vr_u128 s = (vr_u128)a[i] + b[i] + carry;
        r[i] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
    return carry;
}

/* 1 if a < b (as 256-bit integers), constant time. */
static inline uint64_t
vr_limb_lt(const uint64_t a[4], const uint64_t b[4])
{
    uint64_t t[4];

    return vr_limb_sub_raw(t, a, b);
}

/*
 * r = t - m if t >= m else t, for t < 2m.  The subtraction is always done
 * and the result chosen by mask.
 */
static inline void
vr_limb_reduce_once(uint64_t r[4], const uint64_t t[4], const uint64_t m[4])
{
    uint64_t s[4], borrow = vr_limb_sub_raw(s, t, m);
    uint64_t keep = vr_limb_mask(borrow);   /* all-ones: t < m, keep t */

    for (int i = 0; i < 4; i++)
        r[i] = (t[i] & keep) | (s[i] & ~keep);
}

/* r = a + b mod m.  a, b < m < 2^254, so a + b < 2^255 fits. */
static inline void
vr_limb_add_mod(uint64_t r[4], const uint64_t a[4], const uint64_t b[4],
    const uint64_t m[4])
{
    uint64_t t[4];

    vr_limb_add_raw(t, a, b);
    vr_limb_reduce_once(r, t, m);
}

/* r = a - b mod m: a - b, plus m when it borrowed. */
static inline void
vr_limb_sub_mod(uint64_t r[4], const uint64_t a[4], const uint64_t b[4],
    const uint64_t m[4])
{
    uint64_t t[4], mm[4], borrow = vr_limb_sub_raw(t, a, b);
    uint64_t mask = vr_limb_mask(borrow);

    for (int i = 0; i < 4; i++)
        mm[i] = m[i] & mask;
    vr_limb_add_raw(r, t, mm);
}

/* r = -a mod m (0 stays 0). */
static inline void
vr_limb_neg_mod(uint64_t r[4], const uint64_t a[4], const uint64_t m[4])
{
    uint64_t t[4], nz = vr_limb_mask(vr_limb_is_zero(a) ^ 1);

    vr_limb_sub_raw(t, m, a);
    for (int i = 0; i < 4; i++)
        r[i] = t[i] & nz;
}

/* r = a / 2 mod m: add m when a is odd (a + m < 2^255), then shift. */
static inline void
vr_limb_half_mod(uint64_t r[4], const uint64_t a[4], const uint64_t m[4])
{
    uint64_t mm[4], t[4], mask = vr_limb_mask(a[0] & 1);

    for (int i = 0; i < 4; i++)
        mm[i] = m[i] & mask;
    vr_limb_add_raw(t, a, mm);
    r[0] = (t[0] >> 1) | (t[1] << 63);
    r[1] = (t[1] >> 1) | (t[2] << 63);
    r[2] = (t[2] >> 1) | (t[3] << 63);
    r[3] = t[3] >> 1;
}

/*
 * r = a * b * 2^-256 mod m (Montgomery product), CIOS without the extra
 * carry word: valid because m's top limb is < 2^63 - 1.  Per outer step
 * i the loop adds a*b[i], then the multiple q*m that clears the low limb
 * (q = t0 * n0), and shifts one limb down.  The result is < 2m before the
 * final conditional subtraction.  r may alias a or b.
 */
static inline void
vr_limb_mont_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4],
    const uint64_t m[4], uint64_t n0)
{
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    uint64_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];

    for (int i = 0; i < 4; i++) {
        uint64_t bi = b[i], q, hiA, hiC;
        vr_u128 A, C;

        /* (A, t0) = t0 + a0*bi */
        A = (vr_u128)a0 * bi + t0;
        t0 = (uint64_t)A;
        hiA = (uint64_t)(A >> 64);
        q = t0 * n0;
        /* C = (t0 + q*m0) >> 64; the low word is zero by choice of q */
        C = (vr_u128)q * m[0] + t0;
        hiC = (uint64_t)(C >> 64);
        /* j = 1 */
        A = (vr_u128)a1 * bi + t1 + hiA;
        hiA = (uint64_t)(A >> 64);
        C = (vr_u128)q * m[1] + (uint64_t)A + hiC;
        t0 = (uint64_t)C;
        hiC = (uint64_t)(C >> 64);
        /* j = 2 */
        A = (vr_u128)a2 * bi + t2 + hiA;
        hiA = (uint64_t)(A >> 64);
        C = (vr_u128)q * m[2] + (uint64_t)A + hiC;
        t1 = (uint64_t)C;
        hiC = (uint64_t)(C >> 64);
        /* j = 3 */
        A = (vr_u128)a3 * bi + t3 + hiA;
        hiA = (uint64_t)(A >> 64);
        C = (vr_u128)q * m[3] + (uint64_t)A + hiC;
        t2 = (uint64_t)C;
        hiC = (uint64_t)(C >> 64);
        t3 = hiC + hiA;
    }
    uint64_t t[4] = {t0, t1, t2, t3};
    vr_limb_reduce_once(r, t, m);
}

/* r = a^2 * 2^-256 mod m.  r may alias a. */
static inline void
vr_limb_mont_sqr(uint64_t r[4], const uint64_t a[4], const uint64_t m[4],
    uint64_t n0)
{
    vr_limb_mont_mul(r, a, a, m, n0);
}

/* Bit i (0 = least significant) of a 256-bit number. */
static inline uint64_t
vr_limb_bit(const uint64_t a[4], int i)
{
    return (a[i >> 6] >> (i & 63)) & 1;
}

/* Big-endian 32 bytes -> limbs (no range check). */
static inline void
vr_limb_from_be(uint64_t r[4], const unsigned char in[32])
{
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int j = 0; j < 8; j++)
            w = (w << 8) | in[(3 - i) * 8 + j];
        r[i] = w;
    }
}

/* Limbs -> big-endian 32 bytes. */
static inline void
vr_limb_to_be(unsigned char out[32], const uint64_t a[4])
{
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            out[(3 - i) * 8 + j] = (unsigned char)(a[i] >> (56 - 8 * j));
}

/* Little-endian 32 bytes -> limbs (no range check). */
static inline void
vr_limb_from_le(uint64_t r[4], const unsigned char in[32])
{
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int j = 7; j >= 0; j--)
            w = (w << 8) | in[i * 8 + j];
        r[i] = w;
    }
}

/* Limbs -> little-endian 32 bytes. */
static inline void
vr_limb_to_le(unsigned char out[32], const uint64_t a[4])
{
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            out[i * 8 + j] = (unsigned char)(a[i] >> (8 * j));
}

#endif
