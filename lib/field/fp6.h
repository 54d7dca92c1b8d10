/*
 * fp6.h: Fp6 = Fp2[v]/(v^3 - xi), xi = 9 + u.
 *
 * [c0, c1, c2] means c0 + c1 v + c2 v^2.  Constant time; outputs may
 * alias inputs; no allocation.
 */
#ifndef VR_FIELD_FP6_H
#define VR_FIELD_FP6_H

#include <stdbool.h>

#include "field/fp2.h"

typedef struct { vr_fp2 c0, c1, c2; } vr_fp6;

extern const vr_fp6 vr_fp6_zero;
extern const vr_fp6 vr_fp6_one;

void vr_fp6_add(vr_fp6 *r, const vr_fp6 *a, const vr_fp6 *b);
void vr_fp6_sub(vr_fp6 *r, const vr_fp6 *a, const vr_fp6 *b);
void vr_fp6_neg(vr_fp6 *r, const vr_fp6 *a);
/* r = a * b (Karatsuba over the cubic extension: 6 Fp2 products). */
void vr_fp6_mul(vr_fp6 *r, const vr_fp6 *a, const vr_fp6 *b);
/* r = a^2. */
void vr_fp6_sqr(vr_fp6 *r, const vr_fp6 *a);
/* r = a * v = xi c2 + c0 v + c1 v^2. */
void vr_fp6_mul_v(vr_fp6 *r, const vr_fp6 *a);
/* r = a * s for s in Fp2. */
void vr_fp6_mul_fp2(vr_fp6 *r, const vr_fp6 *a, const vr_fp2 *s);
/* r = a * (b0 + b1 v) (sparse: 5 Fp2 products). */
void vr_fp6_mul_01(vr_fp6 *r, const vr_fp6 *a, const vr_fp2 *b0,
    const vr_fp2 *b1);
/* r = 1/a.  Constant time; 1/0 = 0. */
void vr_fp6_inv(vr_fp6 *r, const vr_fp6 *a);
/* r = a^(p^k), k = 1, 2 or 3. */
void vr_fp6_frobenius(vr_fp6 *r, const vr_fp6 *a, int k);

bool vr_fp6_is_zero(const vr_fp6 *a);
bool vr_fp6_eq(const vr_fp6 *a, const vr_fp6 *b);
void vr_fp6_cmov(vr_fp6 *r, const vr_fp6 *a, int flag);

#endif
