/*
 * g2.h: the group G2, the order-r subgroup of the sextic twist
 * E'(Fp2): y^2 = x^3 + b', b' = 3 / (9 + u) (D-type twist, EIP-197).
 * #E'(Fp2) = r (2p - r), so decoded points need the subgroup check.
 *
 * Same conventions as g1.h: Jacobian vr_g2 with Z = 0 for O, affine
 * vr_g2_affine with (0, 0) for O, constant time unless _var, outputs may
 * alias inputs, nothing allocates.  "On curve" below means on E'.
 */
#ifndef VR_CURVE_G2_H
#define VR_CURVE_G2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "field/fp2.h"
#include "field/fr.h"

typedef struct { vr_fp2 x, y, z; } vr_g2;
typedef struct { vr_fp2 x, y; } vr_g2_affine;

extern const vr_g2 vr_g2_generator;                 /* EIP-197 P2, Z = 1 */
extern const vr_g2_affine vr_g2_generator_affine;   /* EIP-197 P2 */
extern const vr_g2 vr_g2_infinity;                  /* (1, 1, 0) */

/* r = p + q.  Complete and constant time: the doubling and infinity cases
 * are computed and selected by mask (costs an extra doubling). */
void vr_g2_add(vr_g2 *r, const vr_g2 *p, const vr_g2 *q);
/* r = p + q (add-2007-bl), branching on the special cases: public data. */
void vr_g2_add_var(vr_g2 *r, const vr_g2 *p, const vr_g2 *q);
/* r = p + q with q affine ((0,0) = O).  Complete, constant time. */
void vr_g2_add_affine(vr_g2 *r, const vr_g2 *p, const vr_g2_affine *q);
/* r = p + q with q affine (madd-2007-bl), branching: public data. */
void vr_g2_add_affine_var(vr_g2 *r, const vr_g2 *p, const vr_g2_affine *q);
/* r = 2p (dbl-2009-l).  O doubles to O. */
void vr_g2_dbl(vr_g2 *r, const vr_g2 *p);
/* r = -p. */
void vr_g2_neg(vr_g2 *r, const vr_g2 *p);
/* 1 if p and q are the same point (any Z). */
bool vr_g2_eq(const vr_g2 *p, const vr_g2 *q);
bool vr_g2_is_inf(const vr_g2 *p);
/* r = flag ? a : r, constant time. */
void vr_g2_cmov(vr_g2 *r, const vr_g2 *a, int flag);
/* 1 if p (Jacobian) satisfies Y^2 = X^3 + b' Z^6 (O counts as on curve). */
bool vr_g2_is_on_curve(const vr_g2 *p);

void vr_g2_from_affine(vr_g2 *r, const vr_g2_affine *a);
/* r = affine form of p (one constant-time inversion); O gives (0, 0). */
void vr_g2_to_affine(vr_g2_affine *r, const vr_g2 *p);
/* out[i] = affine form of in[i], with one variable-time inversion for the
 * whole batch (Montgomery's trick, prefixes kept in out).  out and in
 * must not overlap.  Public data only. */
void vr_g2_to_affine_batch(vr_g2_affine *out, const vr_g2 *in, size_t n);

bool vr_g2_affine_is_inf(const vr_g2_affine *a);
/* 1 if a is on E' or is (0, 0). */
bool vr_g2_affine_is_on_curve(const vr_g2_affine *a);
bool vr_g2_affine_eq(const vr_g2_affine *a, const vr_g2_affine *b);
void vr_g2_affine_neg(vr_g2_affine *r, const vr_g2_affine *a);

/* r = k p for p in G2.  Constant time in k and p: GLS split by psi,
 * signed 4-bit windows, masked table reads, complete projective formulas
 * (Renes-Costello-Batina).  For secret scalars.  p on E' but outside G2
 * gives a wrong result: decode with the subgroup check first. */
void vr_g2_mul(vr_g2 *r, const vr_g2 *p, const vr_fr *k);
/* r = k p for p in G2, by the GLS split k = k0 + k1 lambda (lambda =
 * 6x^2, psi = [lambda] on G2) and a joint width-5 wNAF.  p outside G2
 * gives a wrong result: decode with the subgroup check first.  Variable
 * time: public k and p only. */
void vr_g2_mul_var(vr_g2 *r, const vr_g2 *p, const vr_fr *k);
/* r = k p for any 256-bit k and any p on E' (no reduction, no
 * endomorphism: plain width-5 wNAF).  Public data. */
void vr_g2_mul_u256_var(vr_g2 *r, const vr_g2 *p, const uint64_t k[4]);

/* r = psi(p) = untwist-Frobenius-twist endomorphism,
 * (x, y) -> (conj(x) xi^((p-1)/3), conj(y) xi^((p-1)/2)). */
void vr_g2_psi(vr_g2 *r, const vr_g2 *p);
/* 1 if p is on E' and in G2 (order r), by the psi test of El Housni,
 * Guillevic and Piellard (2022): one 63-bit scalar multiplication.
 * Variable time: public data. */
bool vr_g2_is_in_subgroup(const vr_g2 *p);
bool vr_g2_affine_is_in_subgroup(const vr_g2_affine *a);

/*
 * Parse 128 bytes as four 32-byte big-endian words.  _evm: x.c1, x.c0,
 * y.c1, y.c0 (EIP-197, Solidity verifiers: imaginary part first).
 * _snarkjs: x.c0, x.c1, y.c0, y.c1.  128 zero bytes are O.  VR_EFORMAT if
 * a word is >= p or the point is not on E', VR_ERANGE if it is on E' but
 * not in G2 (r untouched on error).  Variable time (public data).
 */
int vr_g2_affine_from_bytes_evm(vr_g2_affine *r, const unsigned char in[128]);
void vr_g2_affine_to_bytes_evm(unsigned char out[128], const vr_g2_affine *a);
int vr_g2_affine_from_bytes_snarkjs(vr_g2_affine *r,
    const unsigned char in[128]);
void vr_g2_affine_to_bytes_snarkjs(unsigned char out[128],
    const vr_g2_affine *a);

#endif
