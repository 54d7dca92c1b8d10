/*
 * g1.h: the group G1 = E(Fp), E: y^2 = x^3 + 3, of prime order r
 * (cofactor 1: every point on E is in G1).
 *
 * vr_g1 is Jacobian, (X, Y, Z) standing for (X/Z^2, Y/Z^3); Z = 0 is the
 * point at infinity O.  vr_g1_affine is (x, y) with (0, 0) meaning O, as
 * in EIP-196 and snarkjs' zkey files ((0, 0) is not on E).  Functions are
 * constant time unless the name ends in _var (public data only).
 * Outputs may alias inputs.  Nothing allocates.
 */
#ifndef VR_CURVE_G1_H
#define VR_CURVE_G1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "field/fp.h"
#include "field/fr.h"

typedef struct { vr_fp x, y, z; } vr_g1;
typedef struct { vr_fp x, y; } vr_g1_affine;

extern const vr_g1 vr_g1_generator;                 /* (1, 2, 1) */
extern const vr_g1_affine vr_g1_generator_affine;   /* (1, 2) */
extern const vr_g1 vr_g1_infinity;                  /* (1, 1, 0) */

/* r = p + q.  Complete and constant time: the doubling and infinity cases
 * are computed and selected by mask (costs an extra doubling). */
void vr_g1_add(vr_g1 *r, const vr_g1 *p, const vr_g1 *q);
/* r = p + q (add-2007-bl), branching on the special cases: public data. */
void vr_g1_add_var(vr_g1 *r, const vr_g1 *p, const vr_g1 *q);
/* r = p + q with q affine ((0,0) = O).  Complete, constant time. */
void vr_g1_add_affine(vr_g1 *r, const vr_g1 *p, const vr_g1_affine *q);
/* r = p + q with q affine (madd-2007-bl), branching: public data. */
void vr_g1_add_affine_var(vr_g1 *r, const vr_g1 *p, const vr_g1_affine *q);
/* r = 2p (dbl-2009-l).  O doubles to O. */
void vr_g1_dbl(vr_g1 *r, const vr_g1 *p);
/* r = -p. */
void vr_g1_neg(vr_g1 *r, const vr_g1 *p);
/* 1 if p and q are the same point (any Z). */
bool vr_g1_eq(const vr_g1 *p, const vr_g1 *q);
bool vr_g1_is_inf(const vr_g1 *p);
/* r = flag ? a : r, constant time. */
void vr_g1_cmov(vr_g1 *r, const vr_g1 *a, int flag);
/* 1 if p (Jacobian) satisfies Y^2 = X^3 + 3 Z^6 (O counts as on curve). */
bool vr_g1_is_on_curve(const vr_g1 *p);

void vr_g1_from_affine(vr_g1 *r, const vr_g1_affine *a);
/* r = affine form of p (one constant-time inversion); O gives (0, 0). */
void vr_g1_to_affine(vr_g1_affine *r, const vr_g1 *p);
/* out[i] = affine form of in[i], with one variable-time inversion for the
 * whole batch (Montgomery's trick, prefixes kept in out).  out and in
 * must not overlap.  Public data only. */
void vr_g1_to_affine_batch(vr_g1_affine *out, const vr_g1 *in, size_t n);

bool vr_g1_affine_is_inf(const vr_g1_affine *a);
/* 1 if a is on E or is (0, 0). */
bool vr_g1_affine_is_on_curve(const vr_g1_affine *a);
bool vr_g1_affine_eq(const vr_g1_affine *a, const vr_g1_affine *b);
void vr_g1_affine_neg(vr_g1_affine *r, const vr_g1_affine *a);

/* r = k p.  Constant time in k and p: GLV split, signed 4-bit windows,
 * masked table reads, complete projective formulas (Renes-Costello-
 * Batina).  For secret scalars. */
void vr_g1_mul(vr_g1 *r, const vr_g1 *p, const vr_fr *k);
/* r = k p by the GLV split k = k1 + k2 lambda (|ki| < 2^128, the
 * endomorphism (x, y) -> (beta x, y)) and a joint width-5 wNAF.  Variable
 * time: public k and p only. */
void vr_g1_mul_var(vr_g1 *r, const vr_g1 *p, const vr_fr *k);
/* r = k p for any 256-bit k (4 plain limbs; EVM ecMul): k mod r, then as
 * vr_g1_mul_var.  Public data. */
void vr_g1_mul_u256_var(vr_g1 *r, const vr_g1 *p, const uint64_t k[4]);

/*
 * Parse 64 bytes x || y, each 32 bytes big-endian (EIP-196, snarkjs
 * Solidity calldata).  64 zero bytes are O.  VR_EFORMAT if a coordinate
 * is >= p or the point is not on E (r untouched then).
 */
int vr_g1_affine_from_bytes_be(vr_g1_affine *r, const unsigned char in[64]);
/* Write x || y big-endian; O as 64 zero bytes. */
void vr_g1_affine_to_bytes_be(unsigned char out[64], const vr_g1_affine *a);

#endif
