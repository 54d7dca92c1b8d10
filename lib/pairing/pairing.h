/*
 * pairing.h: the optimal ate pairing e: G1 x G2 -> GT on BN254.
 *
 *   e(P, Q) = (f_{6x+2,Q}(P) l_{[6x+2]Q, pi(Q)}(P) l_{.., -pi^2(Q)}(P))^d
 *
 * GT convention: the final exponent d is s (p^12 - 1) / r with
 * s = 2x(6x^2 + 3x + 1) (Fuentes-Castaneda et al.'s hard part), so Fp12
 * values equal those of snarkjs/ffjavascript, @noble/curves and
 * gnark-crypto (e.g. snarkjs' vk_alphabeta_12).  go-ethereum's cloudflare
 * bn256 uses the exact exponent (p^12 - 1) / r: vr_pairing_final_exp_exact
 * gives those values (exact = ours^(1/s mod r)).  Both are non-degenerate
 * and bilinear, so every product check answers the same.
 *
 * Inputs are affine points assumed valid (on the curve, Q in G2: decode
 * them with vr_g1_affine_from_bytes_be / vr_g2_affine_from_bytes_evm);
 * (0, 0) stands for O and contributes a factor 1.  Public data: the
 * functions branch on O inputs and are otherwise constant time.  Nothing
 * allocates.
 */
#ifndef VR_PAIRING_PAIRING_H
#define VR_PAIRING_PAIRING_H

#include <stdbool.h>
#include <stddef.h>

#include "curve/g1.h"
#include "curve/g2.h"
#include "field/fp12.h"

/*
 * f = prod_i Miller(P_i, Q_i): one shared squaring per loop step
 * (projective doubling/addition steps with sparse line products, loop
 * over the NAF of 6x + 2, then the two Frobenius lines).  Miller values
 * are only meaningful after a final exponentiation.
 */
void vr_pairing_miller_loop(vr_fp12 *f, const vr_g1_affine *p,
    const vr_g2_affine *q, size_t n);
/*
 * The 88 lines of the Miller loop for a fixed Q (a verifying key's
 * gamma2, delta2...), as (r0, r1, r2) in loop order: preparing once
 * saves the G2 arithmetic of every later loop with that Q.  17 KB.
 */
#define VR_PAIRING_NLINES 88
typedef struct {
    vr_fp2 l[VR_PAIRING_NLINES][3];
    bool inf;                   /* Q = O: the pair contributes 1 */
} vr_g2_prepared;

/* pq = the lines of q (a valid G2 point or (0, 0)). */
void vr_pairing_prepare(vr_g2_prepared *pq, const vr_g2_affine *q);
/* f = prod_i Miller(p[i], q[i]) * prod_j Miller(pp[j], qp[j]) in one
 * loop (shared squarings); equal to vr_pairing_miller_loop on the
 * unprepared points.  p, q may be NULL when n == 0, pp, qp when m == 0. */
void vr_pairing_miller_loop_mixed(vr_fp12 *f, const vr_g1_affine *p,
    const vr_g2_affine *q, size_t n, const vr_g1_affine *pp,
    const vr_g2_prepared *qp, size_t m);

/* r = f^(s (p^12 - 1) / r): easy part conj(f)/f, then ^(p^2 + 1), then
 * the hard part by the x-chain.  f must be nonzero (Miller values are). */
void vr_pairing_final_exp(vr_fp12 *r, const vr_fp12 *f);
/* r = f^((p^12 - 1) / r), the exact exponent (go-ethereum's GT values). */
void vr_pairing_final_exp_exact(vr_fp12 *r, const vr_fp12 *f);

/* r = e(p, q), snarkjs convention. */
void vr_pairing(vr_fp12 *r, const vr_g1_affine *p, const vr_g2_affine *q);
/* r = prod_i e(p[i], q[i]) with one final exponentiation. */
void vr_pairing_multi(vr_fp12 *r, const vr_g1_affine *p,
    const vr_g2_affine *q, size_t n);
/* true if prod_i e(p[i], q[i]) == 1 (EIP-197 ecPairing, Groth16 verify).
 * n == 0 gives true. */
bool vr_pairing_check(const vr_g1_affine *p, const vr_g2_affine *q,
    size_t n);

#endif
