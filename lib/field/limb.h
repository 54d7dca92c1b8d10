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
 * Carry chains.  On x86-64 with GCC or Clang the add-with-carry
 * intrinsics give straight adc/sbb chains (the portable u128 form below
 * compiles to much worse code on GCC 12); elsewhere, or with
 * -DVR_LIMB_PORTABLE, plain C.  tests/unit/check_limb.c runs both.
 */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && \
    !defined(VR_LIMB_PORTABLE)
#include <x86intrin.h>
#define VR_LIMB_INTRINSICS 1
#if defined(__BMI2__) && defined(__ADX__)
#define VR_LIMB_ASM 1       /* mulx/adcx/adox Montgomery product below */
#endif
#endif

/* *out = a + b + cin (cin 0 or 1); returns the carry out. */
static inline uint64_t
vr_limb_addc(uint64_t *out, uint64_t a, uint64_t b, uint64_t cin)
{
#ifdef VR_LIMB_INTRINSICS
    unsigned long long o;
    uint64_t c = _addcarry_u64((unsigned char)cin, a, b, &o);
    *out = o;
    return c;
#else
    vr_u128 s = (vr_u128)a + b + cin;
    *out = (uint64_t)s;
    return (uint64_t)(s >> 64);
#endif
}

/* *out = a - b - bin (bin 0 or 1); returns the borrow out. */
static inline uint64_t
vr_limb_subb(uint64_t *out, uint64_t a, uint64_t b, uint64_t bin)
{
#ifdef VR_LIMB_INTRINSICS
    unsigned long long o;
    uint64_t c = _subborrow_u64((unsigned char)bin, a, b, &o);
    *out = o;
    return c;
#else
    vr_u128 d = (vr_u128)a - b - bin;
    *out = (uint64_t)d;
    return (uint64_t)(d >> 64) & 1;
#endif
}

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

    r[0] ^= mask & (r[0] ^ a[0]);
    r[1] ^= mask & (r[1] ^ a[1]);
    r[2] ^= mask & (r[2] ^ a[2]);
    r[3] ^= mask & (r[3] ^ a[3]);
}

/* r = a - b over 256 bits; returns the borrow (0 or 1). */
static inline uint64_t
vr_limb_sub_raw(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t c;

    c = vr_limb_subb(&r[0], a[0], b[0], 0);
    c = vr_limb_subb(&r[1], a[1], b[1], c);
    c = vr_limb_subb(&r[2], a[2], b[2], c);
    return vr_limb_subb(&r[3], a[3], b[3], c);
}

/* r = a + b over 256 bits; returns the carry (0 or 1). */
static inline uint64_t
vr_limb_add_raw(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t c;

    c = vr_limb_addc(&r[0], a[0], b[0], 0);
    c = vr_limb_addc(&r[1], a[1], b[1], c);
    c = vr_limb_addc(&r[2], a[2], b[2], c);
    return vr_limb_addc(&r[3], a[3], b[3], c);
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

    r[0] = (t[0] & keep) | (s[0] & ~keep);
    r[1] = (t[1] & keep) | (s[1] & ~keep);
    r[2] = (t[2] & keep) | (s[2] & ~keep);
    r[3] = (t[3] & keep) | (s[3] & ~keep);
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

    mm[0] = m[0] & mask;
    mm[1] = m[1] & mask;
    mm[2] = m[2] & mask;
    mm[3] = m[3] & mask;
    vr_limb_add_raw(r, t, mm);
}

/* r = -a mod m (0 stays 0). */
static inline void
vr_limb_neg_mod(uint64_t r[4], const uint64_t a[4], const uint64_t m[4])
{
    uint64_t t[4], nz = vr_limb_mask(vr_limb_is_zero(a) ^ 1);

    vr_limb_sub_raw(t, m, a);
    r[0] = t[0] & nz;
    r[1] = t[1] & nz;
    r[2] = t[2] & nz;
    r[3] = t[3] & nz;
}

/* r = a / 2 mod m: add m when a is odd (a + m < 2^255), then shift. */
static inline void
vr_limb_half_mod(uint64_t r[4], const uint64_t a[4], const uint64_t m[4])
{
    uint64_t mm[4], t[4], mask = vr_limb_mask(a[0] & 1);

    mm[0] = m[0] & mask;
    mm[1] = m[1] & mask;
    mm[2] = m[2] & mask;
    mm[3] = m[3] & mask;
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
vr_limb_mont_mul_c(uint64_t r[4], const uint64_t a[4], const uint64_t b[4],
    const uint64_t m[4], uint64_t n0)
{
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    const uint64_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    const uint64_t m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3];
    uint64_t b_[4] = {b[0], b[1], b[2], b[3]};  /* r may alias b */

    // One outer step, unrolled by the macro below (GCC 12 keeps the loop
    // otherwise):
    //   (A, t0) = t0 + a0 bi;  q = t0 n0;  C = (t0 + q m0) >> 64
    //   (A, tj) = tj + aj bi + A;  (C, t[j-1]) = tj + q mj + C   (j = 1..3)
    //   t3 = C + A
#define VR_CIOS_STEP(bi) do {                                             \
        vr_u128 A_, C_;                                                   \
        uint64_t q_, hA_, hC_;                                            \
        A_ = (vr_u128)a0 * (bi) + t0;                                     \
        t0 = (uint64_t)A_;                                                \
        hA_ = (uint64_t)(A_ >> 64);                                       \
        q_ = t0 * n0;                                                     \
        C_ = (vr_u128)q_ * m0 + t0;                                       \
        hC_ = (uint64_t)(C_ >> 64);                                       \
        A_ = (vr_u128)a1 * (bi) + t1 + hA_;                               \
        hA_ = (uint64_t)(A_ >> 64);                                       \
        C_ = (vr_u128)q_ * m1 + (uint64_t)A_ + hC_;                       \
        t0 = (uint64_t)C_;                                                \
        hC_ = (uint64_t)(C_ >> 64);                                       \
        A_ = (vr_u128)a2 * (bi) + t2 + hA_;                               \
        hA_ = (uint64_t)(A_ >> 64);                                       \
        C_ = (vr_u128)q_ * m2 + (uint64_t)A_ + hC_;                       \
        t1 = (uint64_t)C_;                                                \
        hC_ = (uint64_t)(C_ >> 64);                                       \
        A_ = (vr_u128)a3 * (bi) + t3 + hA_;                               \
        hA_ = (uint64_t)(A_ >> 64);                                       \
        C_ = (vr_u128)q_ * m3 + (uint64_t)A_ + hC_;                       \
        t2 = (uint64_t)C_;                                                \
        hC_ = (uint64_t)(C_ >> 64);                                       \
        t3 = hC_ + hA_;                                                   \
    } while (0)
    VR_CIOS_STEP(b_[0]);
    VR_CIOS_STEP(b_[1]);
    VR_CIOS_STEP(b_[2]);
    VR_CIOS_STEP(b_[3]);
#undef VR_CIOS_STEP
    uint64_t t[4] = {t0, t1, t2, t3};
    vr_limb_reduce_once(r, t, m);
}

#ifdef VR_LIMB_ASM
/*
 * The same CIOS product in x86-64 assembly with BMI2 mulx and the two
 * independent carry chains of ADX (adcx: CF, adox: OF), as in blst and
 * gnark-crypto's generated amd64 code.  Per outer step i:
 *   t += a b[i]: lo_j go into t_j on the OF chain, hi_j into t_(j+1) on
 *                the CF chain, A = hi_3 + both carries;
 *   q = t0 n0, t = (t + q m) / 2^64: same two chains shifted one limb down,
 *                t3 = hi_3 + A + carries.
 * The C version above is the reference (tests/unit/check_limb.c).
 */
/*
 * The two halves of a step, as asm text for the operands [t0]..[t3]
 * (the window), [hi], [A] (scratch, A the fifth word), [a], [b], [m],
 * [n0]; ntt.c and fp2.c build their own products from them.
 *   VR_ADX_MUL(OFF): t += a b[OFF/8], A = the carry-out word;
 *   VR_ADX_REDUCE:   q = t0 n0, t = (t + q m + A 2^256) / 2^64.
 */
#define VR_ADX_MUL(OFF)                                                   \
    "movq " #OFF "(%[b]), %%rdx\n\t"                                    \
    "xorl %%eax, %%eax\n\t"                                             \
    "mulxq 0(%[a]), %%rax, %[hi]\n\t"                                   \
    "adoxq %%rax, %[t0]\n\t"                                            \
    "adcxq %[hi], %[t1]\n\t"                                            \
    "mulxq 8(%[a]), %%rax, %[hi]\n\t"                                   \
    "adoxq %%rax, %[t1]\n\t"                                            \
    "adcxq %[hi], %[t2]\n\t"                                            \
    "mulxq 16(%[a]), %%rax, %[hi]\n\t"                                  \
    "adoxq %%rax, %[t2]\n\t"                                            \
    "adcxq %[hi], %[t3]\n\t"                                            \
    "mulxq 24(%[a]), %%rax, %[A]\n\t"                                   \
    "adoxq %%rax, %[t3]\n\t"                                            \
    "movl $0, %%eax\n\t"                                                \
    "adcxq %%rax, %[A]\n\t"                                             \
    "adoxq %%rax, %[A]\n\t"
#define VR_ADX_REDUCE                                                     \
    "movq %[n0], %%rdx\n\t"                                             \
    "imulq %[t0], %%rdx\n\t"                                            \
    "xorl %%eax, %%eax\n\t"                                             \
    "mulxq 0(%[m]), %%rax, %[hi]\n\t"                                   \
    "adcxq %[t0], %%rax\n\t"                                            \
    "movq %[hi], %[t0]\n\t"                                             \
    "adcxq %[t1], %[t0]\n\t"                                            \
    "mulxq 8(%[m]), %%rax, %[t1]\n\t"                                   \
    "adoxq %%rax, %[t0]\n\t"                                            \
    "adcxq %[t2], %[t1]\n\t"                                            \
    "mulxq 16(%[m]), %%rax, %[t2]\n\t"                                  \
    "adoxq %%rax, %[t1]\n\t"                                            \
    "adcxq %[t3], %[t2]\n\t"                                            \
    "mulxq 24(%[m]), %%rax, %[t3]\n\t"                                  \
    "adoxq %%rax, %[t2]\n\t"                                            \
    "movl $0, %%eax\n\t"                                                \
    "adcxq %%rax, %[t3]\n\t"                                            \
    "adoxq %[A], %[t3]\n\t"
#define VR_ADX_ROUND(OFF) VR_ADX_MUL(OFF) VR_ADX_REDUCE

/*
 * r = a b 2^-256 mod m without the final subtraction, r < 2m.  Here
 * only a < m is needed: b may be any 256-bit number (each step's window
 * stays below a + m < 2m, and the result below a b / 2^256 + m), which
 * the lazy NTT butterflies use.
 */
static inline void
vr_limb_mont_mul_lazy_asm(uint64_t r[4], const uint64_t a[4],
    const uint64_t b[4], const uint64_t m[4], uint64_t n0)
{
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, hi, A;

    __asm__ (
        VR_ADX_ROUND(0)
        VR_ADX_ROUND(8)
        VR_ADX_ROUND(16)
        VR_ADX_ROUND(24)
        : [t0] "+&r" (t0), [t1] "+&r" (t1), [t2] "+&r" (t2), [t3] "+&r" (t3),
          [hi] "=&r" (hi), [A] "=&r" (A)
        : [a] "r" (a), [b] "r" (b), [m] "r" (m), [n0] "r" (n0),
          "m" (*(const uint64_t (*)[4])a), "m" (*(const uint64_t (*)[4])b),
          "m" (*(const uint64_t (*)[4])m)
        : "rax", "rdx", "cc");
    r[0] = t0;
    r[1] = t1;
    r[2] = t2;
    r[3] = t3;
}

static inline void
vr_limb_mont_mul_asm(uint64_t r[4], const uint64_t a[4], const uint64_t b[4],
    const uint64_t m[4], uint64_t n0)
{
    uint64_t t[4];

    vr_limb_mont_mul_lazy_asm(t, a, b, m, n0);
    vr_limb_reduce_once(r, t, m);
}
#endif

/* r = a * b * 2^-256 mod m: the assembly when built for BMI2 + ADX, else C. */
static inline void
vr_limb_mont_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4],
    const uint64_t m[4], uint64_t n0)
{
#ifdef VR_LIMB_ASM
    vr_limb_mont_mul_asm(r, a, b, m, n0);
#else
    vr_limb_mont_mul_c(r, a, b, m, n0);
#endif
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
