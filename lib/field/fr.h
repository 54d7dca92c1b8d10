/*
 * fr.h: the scalar field Fr of BN254 (the group order r of G1, G2, GT;
 * the field of circuit witnesses, QAP polynomials and NTTs).
 *
 *   r = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001
 *
 * Same contracts as fp.h: Montgomery form (a * 2^256 mod r), fully
 * reduced, constant time unless _var, outputs may alias inputs, no
 * allocation.  r - 1 = 2^28 * t with t odd; 5 generates Fr*.
 */
#ifndef VR_FIELD_FR_H
#define VR_FIELD_FR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Element of Fr: 4 limbs, least significant first, Montgomery form, < r.
 * Copy with `=`. */
typedef struct { uint64_t l[4]; } vr_fr;

extern const vr_fr vr_fr_zero;          /* 0 */
extern const vr_fr vr_fr_one;           /* 1 (= 2^256 mod r in limbs) */
extern const uint64_t vr_fr_modulus[4]; /* r, plain limbs */
/* -r^-1 mod 2^64.  With vr_fr_modulus, for hot loops that call the
 * field/limb.h routines inline, e.g.
 *   vr_limb_mont_mul(r.l, a.l, b.l, vr_fr_modulus, VR_FR_N0)
 * is vr_fr_mul(&r, &a, &b) without the call. */
#define VR_FR_N0 0xc2e1f593efffffffULL

#define VR_FR_TWO_ADICITY 28            /* 2^28 exactly divides r - 1 */

/* r = a + b. */
void vr_fr_add(vr_fr *r, const vr_fr *a, const vr_fr *b);
/* r = a - b. */
void vr_fr_sub(vr_fr *r, const vr_fr *a, const vr_fr *b);
/* r = -a. */
void vr_fr_neg(vr_fr *r, const vr_fr *a);
/* r = 2a. */
void vr_fr_dbl(vr_fr *r, const vr_fr *a);
/* r = a / 2. */
void vr_fr_half(vr_fr *r, const vr_fr *a);
/* r = a * b (CIOS Montgomery multiplication, no branches). */
void vr_fr_mul(vr_fr *r, const vr_fr *a, const vr_fr *b);
/* r = a^2. */
void vr_fr_sqr(vr_fr *r, const vr_fr *a);
/* r = a^e, e a 256-bit plain integer (4 limbs, little endian).  Constant
 * time in a and in e (fixed 4-bit windows, table read by mask). */
void vr_fr_pow(vr_fr *r, const vr_fr *a, const uint64_t e[4]);
/* r = 1/a by Fermat (a^(r-2)).  Constant time.  1/0 gives 0 (r = 0). */
void vr_fr_inv(vr_fr *r, const vr_fr *a);
/* r = 1/a by a binary extended Euclid.  Variable time: public data only.
 * VR_ERANGE (r = 0) if a == 0, else VR_OK. */
int vr_fr_inv_var(vr_fr *r, const vr_fr *a);
/* r = a square root of a, by constant-time Tonelli-Shanks (RFC 9380,
 * appendix I.4).  VR_ERANGE if a is not a square (r then unspecified),
 * else VR_OK.  Which of the two roots is returned is not specified. */
int vr_fr_sqrt(vr_fr *r, const vr_fr *a);
/* 1 if a is a square (incl. 0): Euler's criterion.  Constant time. */
bool vr_fr_is_square(const vr_fr *a);

bool vr_fr_is_zero(const vr_fr *a);
bool vr_fr_is_one(const vr_fr *a);
bool vr_fr_eq(const vr_fr *a, const vr_fr *b);
/* r = flag ? a : r.  flag is 0 or 1.  Constant time. */
void vr_fr_cmov(vr_fr *r, const vr_fr *a, int flag);
/* 1 if the canonical value of a is odd. */
bool vr_fr_is_odd(const vr_fr *a);

/* r = v. */
void vr_fr_from_u64(vr_fr *r, uint64_t v);
/* r = v mod r (negative v gives r - |v|).  Constant time in v. */
void vr_fr_from_i64(vr_fr *r, int64_t v);
/* r = in (plain limbs).  VR_EFORMAT (and r = 0) if in >= r.  Constant
 * time. */
int vr_fr_from_canonical(vr_fr *r, const uint64_t in[4]);
/* out = canonical value of a (plain limbs, < r). */
void vr_fr_to_canonical(uint64_t out[4], const vr_fr *a);
/* Parse 32 big-endian bytes.  VR_EFORMAT (r = 0) unless the value is
 * below r.  Constant time. */
int vr_fr_from_bytes_be(vr_fr *r, const unsigned char in[32]);
/* Write the canonical value as 32 big-endian bytes. */
void vr_fr_to_bytes_be(unsigned char out[32], const vr_fr *a);
/* Parse 32 little-endian bytes.  VR_EFORMAT (r = 0) unless the value
 * is below r.  Constant time. */
int vr_fr_from_bytes_le(vr_fr *r, const unsigned char in[32]);
/* Write the canonical value as 32 little-endian bytes. */
void vr_fr_to_bytes_le(unsigned char out[32], const vr_fr *a);

/*
 * out[i] = 1/in[i] for i < n, by Montgomery's trick.  Zeros are allowed
 * and give zero.  out may alias in (exactly, or not at all).  Variable
 * time: public data only.  No allocation (see vr_fp_batch_inv_var).
 */
void vr_fr_batch_inv_var(vr_fr *out, const vr_fr *in, size_t n);

/*
 * w = omega_k, the primitive 2^k-th root of unity used for NTT domains of
 * size 2^k: omega_28 = 5^t (t = (r-1)/2^28) and omega_k =
 * omega_28^(2^(28-k)), the same values as ffjavascript's Fr.w[k] and
 * constants.json.  omega_0 = 1, omega_1 = -1.  VR_ERANGE unless
 * 0 <= log2n <= 28.
 */
int vr_fr_root_of_unity(vr_fr *w, int log2n);

/*
 * r = a uniformly random element, from getrandom(2) with rejection of
 * 254-bit candidates >= r.  For secrets (witness blinding, toxic waste).
 * VR_EIO (errno set) if the kernel fails us, else VR_OK.
 */
int vr_fr_random(vr_fr *r);

#endif
