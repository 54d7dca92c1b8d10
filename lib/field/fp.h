/*
 * fp.h: the base field Fp of BN254.
 *
 *   p = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47
 *
 * Elements are kept in Montgomery form (a * 2^256 mod p) and fully reduced
 * (< p); they leave that form only at serialization.  All functions are
 * constant time in their operands unless the name ends in _var (public
 * data only).  Outputs may alias inputs everywhere.  Nothing allocates.
 */
#ifndef VR_FIELD_FP_H
#define VR_FIELD_FP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Element of Fp: 4 limbs, least significant first, Montgomery form, < p.
 * Copy with `=`. */
typedef struct { uint64_t l[4]; } vr_fp;

extern const vr_fp vr_fp_zero;          /* 0 */
extern const vr_fp vr_fp_one;           /* 1 (= 2^256 mod p in limbs) */
extern const uint64_t vr_fp_modulus[4]; /* p, plain limbs */
/* -p^-1 mod 2^64.  With vr_fp_modulus, for hot loops that call the
 * field/limb.h routines inline, e.g.
 *   vr_limb_mont_mul(r.l, a.l, b.l, vr_fp_modulus, VR_FP_N0)
 * is vr_fp_mul(&r, &a, &b) without the call. */
#define VR_FP_N0 0x87d20782e4866389ULL

/* r = a + b. */
void vr_fp_add(vr_fp *r, const vr_fp *a, const vr_fp *b);
/* r = a - b. */
void vr_fp_sub(vr_fp *r, const vr_fp *a, const vr_fp *b);
/* r = -a. */
void vr_fp_neg(vr_fp *r, const vr_fp *a);
/* r = 2a. */
void vr_fp_dbl(vr_fp *r, const vr_fp *a);
/* r = a / 2. */
void vr_fp_half(vr_fp *r, const vr_fp *a);
/* r = a * b (CIOS Montgomery multiplication, no branches). */
void vr_fp_mul(vr_fp *r, const vr_fp *a, const vr_fp *b);
/* r = a^2. */
void vr_fp_sqr(vr_fp *r, const vr_fp *a);
/* r = a^e, e a 256-bit plain integer (4 limbs, little endian).  Constant
 * time in a and in e (fixed 4-bit windows, table read by mask). */
void vr_fp_pow(vr_fp *r, const vr_fp *a, const uint64_t e[4]);
/* r = 1/a by Fermat (a^(p-2)).  Constant time.  1/0 gives 0 (r = 0). */
void vr_fp_inv(vr_fp *r, const vr_fp *a);
/* r = 1/a by a binary extended Euclid.  Variable time: public data only.
 * VR_ERANGE (r = 0) if a == 0, else VR_OK. */
int vr_fp_inv_var(vr_fp *r, const vr_fp *a);
/* r = a square root of a (a^((p+1)/4), p = 3 mod 4).  Constant time.
 * VR_ERANGE if a is not a square (r is then unspecified), else VR_OK.
 * Which of the two roots is returned is not specified. */
int vr_fp_sqrt(vr_fp *r, const vr_fp *a);
/* 1 if a is a square (incl. 0): Euler's criterion.  Constant time. */
bool vr_fp_is_square(const vr_fp *a);

bool vr_fp_is_zero(const vr_fp *a);
bool vr_fp_is_one(const vr_fp *a);
bool vr_fp_eq(const vr_fp *a, const vr_fp *b);
/* r = flag ? a : r.  flag is 0 or 1.  Constant time. */
void vr_fp_cmov(vr_fp *r, const vr_fp *a, int flag);
/* 1 if the canonical value of a is odd (the "sign" used by sqrt users). */
bool vr_fp_is_odd(const vr_fp *a);

/* r = v. */
void vr_fp_from_u64(vr_fp *r, uint64_t v);
/* r = in (plain limbs).  VR_EFORMAT (and r = 0) if in >= p.  Constant
 * time. */
int vr_fp_from_canonical(vr_fp *r, const uint64_t in[4]);
/* out = canonical value of a (plain limbs, < p). */
void vr_fp_to_canonical(uint64_t out[4], const vr_fp *a);
/* Parse 32 big-endian bytes.  VR_EFORMAT (r = 0) unless the value is
 * below p.  Constant time. */
int vr_fp_from_bytes_be(vr_fp *r, const unsigned char in[32]);
/* Write the canonical value as 32 big-endian bytes. */
void vr_fp_to_bytes_be(unsigned char out[32], const vr_fp *a);
/* Parse 32 little-endian bytes.  VR_EFORMAT (r = 0) unless the value
 * is below p.  Constant time. */
int vr_fp_from_bytes_le(vr_fp *r, const unsigned char in[32]);
/* Write the canonical value as 32 little-endian bytes. */
void vr_fp_to_bytes_le(unsigned char out[32], const vr_fp *a);

/*
 * out[i] = 1/in[i] for i < n, by Montgomery's trick (3 multiplications per
 * element and one inversion per block).  Zeros are allowed and give zero.
 * out may alias in (exactly, or not at all).  Variable time: public data
 * only.  No allocation: when out != in the prefix products live in out,
 * when out == in they go to a fixed stack block of 256 elements.
 */
void vr_fp_batch_inv_var(vr_fp *out, const vr_fp *in, size_t n);

#endif
