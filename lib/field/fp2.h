/*
 * fp2.h: Fp2 = Fp[u]/(u^2 + 1), the field of the G2 twist coordinates.
 *
 * [c0, c1] means c0 + c1*u.  Constant time unless _var; outputs may alias
 * inputs; no allocation.
 */
#ifndef VR_FIELD_FP2_H
#define VR_FIELD_FP2_H

#include <stdbool.h>

#include "field/fp.h"

typedef struct { vr_fp c0, c1; } vr_fp2;

extern const vr_fp2 vr_fp2_zero;
extern const vr_fp2 vr_fp2_one;

void vr_fp2_add(vr_fp2 *r, const vr_fp2 *a, const vr_fp2 *b);
void vr_fp2_sub(vr_fp2 *r, const vr_fp2 *a, const vr_fp2 *b);
void vr_fp2_neg(vr_fp2 *r, const vr_fp2 *a);
/* r = 2a. */
void vr_fp2_dbl(vr_fp2 *r, const vr_fp2 *a);
/* r = a * b (lazy reduction: each component a sum of two products
 * reduced once, 2 Montgomery reductions for 4 products). */
void vr_fp2_mul(vr_fp2 *r, const vr_fp2 *a, const vr_fp2 *b);
/* r = a^2 ((a0 + a1)(a0 - a1) + 2 a0 a1 u: 2 Fp products). */
void vr_fp2_sqr(vr_fp2 *r, const vr_fp2 *a);
/* r = a * s for s in Fp. */
void vr_fp2_mul_fp(vr_fp2 *r, const vr_fp2 *a, const vr_fp *s);
/* r = a * xi, xi = 9 + u (the sextic non-residue of the tower). */
void vr_fp2_mul_xi(vr_fp2 *r, const vr_fp2 *a);
/* r = conj(a) = a0 - a1 u = a^p (the Frobenius map). */
void vr_fp2_conj(vr_fp2 *r, const vr_fp2 *a);
/* r = 1/a = conj(a) / (a0^2 + a1^2).  Constant time; 1/0 = 0. */
void vr_fp2_inv(vr_fp2 *r, const vr_fp2 *a);
/* r = 1/a, variable time (public data).  VR_ERANGE if a == 0. */
int vr_fp2_inv_var(vr_fp2 *r, const vr_fp2 *a);
/* r = a^e, e a public 256-bit exponent (4 limbs).  Constant time in a. */
void vr_fp2_pow(vr_fp2 *r, const vr_fp2 *a, const uint64_t e[4]);
/*
 * r = a square root of a (Adj and Rodriguez-Henriquez, "Square root
 * computation over even extension fields", 2012, algorithm 9; p = 3 mod
 * 4).  VR_ERANGE if a is not a square (r then unspecified), else VR_OK.
 * Constant time in a.
 */
int vr_fp2_sqrt(vr_fp2 *r, const vr_fp2 *a);

bool vr_fp2_is_zero(const vr_fp2 *a);
bool vr_fp2_eq(const vr_fp2 *a, const vr_fp2 *b);
/* r = flag ? a : r.  Constant time. */
void vr_fp2_cmov(vr_fp2 *r, const vr_fp2 *a, int flag);

#endif
