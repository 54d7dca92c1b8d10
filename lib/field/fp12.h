/*
 * fp12.h: Fp12 = Fp6[w]/(w^2 - v), the target field of the pairing.
 *
 * [c0, c1] means c0 + c1 w, so w^6 = xi = 9 + u and an element is
 * sum a_{k,j,i} u^k v^j w^i.  The flat order of the 12 Fp coefficients
 * (c0.c0.c0, c0.c0.c1, c0.c1.c0, ..., c1.c2.c1) is the one of
 * ffjavascript's Gt.toObject and snarkjs' vk_alphabeta_12 (go-ethereum's
 * GT.Marshal writes the reverse).  Constant time; outputs may alias
 * inputs; no allocation.
 */
#ifndef VR_FIELD_FP12_H
#define VR_FIELD_FP12_H

#include <stdbool.h>

#include "field/fp6.h"

typedef struct { vr_fp6 c0, c1; } vr_fp12;

extern const vr_fp12 vr_fp12_one;

void vr_fp12_add(vr_fp12 *r, const vr_fp12 *a, const vr_fp12 *b);
void vr_fp12_sub(vr_fp12 *r, const vr_fp12 *a, const vr_fp12 *b);
/* r = a * b (Karatsuba: 3 Fp6 products). */
void vr_fp12_mul(vr_fp12 *r, const vr_fp12 *a, const vr_fp12 *b);
/* r = a^2 (complex squaring: 2 Fp6 products). */
void vr_fp12_sqr(vr_fp12 *r, const vr_fp12 *a);
/*
 * r = a * (d0 + d3 w + d4 v w), the sparse line value of the Miller loop
 * (position "034" in the w-basis 1, w, w^2, ... : c0.c0, c1.c0, c1.c1).
 */
void vr_fp12_mul_034(vr_fp12 *r, const vr_fp12 *a, const vr_fp2 *d0,
    const vr_fp2 *d3, const vr_fp2 *d4);
/* r = 1/a.  Constant time; 1/0 = 0. */
void vr_fp12_inv(vr_fp12 *r, const vr_fp12 *a);
/* r = c0 - c1 w = a^(p^6); the inverse for a in the cyclotomic subgroup. */
void vr_fp12_conj(vr_fp12 *r, const vr_fp12 *a);
/* r = a^(p^k), k = 1, 2 or 3. */
void vr_fp12_frobenius(vr_fp12 *r, const vr_fp12 *a, int k);
/*
 * r = a^2 for a in the cyclotomic subgroup (a^(p^6+1)... = 1, i.e. after
 * the easy part of the final exponentiation): Granger and Scott, "Faster
 * squaring in the cyclotomic subgroup of sixth degree extensions", 2010,
 * section 3.2.  Wrong for other elements.
 */
void vr_fp12_cyclotomic_sqr(vr_fp12 *r, const vr_fp12 *a);
/* r = a^e, e a public 256-bit exponent (4 limbs), general squaring. */
void vr_fp12_pow(vr_fp12 *r, const vr_fp12 *a, const uint64_t e[4]);

bool vr_fp12_is_one(const vr_fp12 *a);
bool vr_fp12_eq(const vr_fp12 *a, const vr_fp12 *b);
void vr_fp12_cmov(vr_fp12 *r, const vr_fp12 *a, int flag);

/* out = the 12 coefficients of a in the flat order above. */
void vr_fp12_to_fps(vr_fp out[12], const vr_fp12 *a);
/* r = the element with the 12 coefficients in (flat order above). */
void vr_fp12_from_fps(vr_fp12 *r, const vr_fp in[12]);

#endif
