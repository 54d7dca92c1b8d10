/*
 * ptau.h: a single-party powers of tau (Groth16 phase 1) written as a
 * snarkjs 0.7 .ptau file.
 *
 * The file holds, for secrets tau, alpha, beta (LEM points, as snarkjs
 * stores them): section 1 the header (n8 = 32, p, power, ceremonyPower =
 * power), 2 tau^i G1 (i < 2^(power+1) - 1), 3 tau^i G2, 4 alpha tau^i G1,
 * 5 beta tau^i G1 (i < 2^power each), 6 beta G2, and 7 one contribution
 * record: tau G1, tau G2, alpha G1, beta G1, beta G2, the public key with
 * its proofs of knowledge (s G1, x s G1 and x H for each secret x, H
 * hashed from the first challenge as snarkjs's keypair.js does), the
 * BLAKE2b state of the response hash and the next challenge hash, so
 * that `snarkjs powersoftau verify` checks the file.  Prepared files add
 * what `snarkjs powersoftau prepare phase2` adds, the Lagrange forms:
 * 12 L_j(tau) G1 for the domains 2^m, m = 0..power+1 (2^m points each,
 * the largest one computed as snarkjs does from the 2^(power+1) - 1
 * powers it has), 13 L_j(tau) G2, 14 alpha L_j(tau) G1, 15 beta L_j(tau)
 * G1 (m = 0..power).  Every point is k G for a scalar k computed from
 * the secrets, by constant-time fixed-base multiplication.
 *
 * One party knows tau: such a file is only as trustworthy as the machine
 * that made it (a ceremony needs more contributions: `snarkjs
 * powersoftau contribute` accepts this file as its starting point).
 */
#ifndef VR_SNARK_PTAU_H
#define VR_SNARK_PTAU_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "field/fr.h"

/* Largest power we write (snarkjs's limit for BN254 is 28; the top
 * Lagrange domain of a prepared file is 2^(power+1)). */
#define VR_PTAU_MAXPOWER 27

/*
 * Write to f a fresh .ptau of power `power` (1..VR_PTAU_MAXPOWER),
 * prepared for phase 2 when `prepared`.  tau, alpha, beta and the key
 * scalars come from getrandom(2) and are wiped before returning.
 * VR_ERANGE for a bad power, VR_ENOMEM, VR_EIO (getrandom or writing f).
 * nthreads >= 1.  Memory: about 1.2 KB times 2^power (160 MB at 2^17);
 * the file is 1152 bytes times 2^power prepared, 384 raw.
 */
int vr_ptau_new(FILE *f, uint32_t power, bool prepared, int nthreads);
/* The same with the secrets given (tests only: whoever knows them can
 * forge proofs): sec = {tau, alpha, beta, s_tau, s_alpha, s_beta}, all
 * nonzero, the s_* the bases s G1 of the proofs of knowledge, and tau
 * outside the domain of size 2^(power+1).  VR_ERANGE otherwise. */
int vr_ptau_new_toxic(FILE *f, uint32_t power, bool prepared,
    const vr_fr sec[6], int nthreads);

#endif
