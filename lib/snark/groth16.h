/*
 * groth16.h: Groth16 over BN254, compatible with snarkjs 0.7.
 *
 * Keys follow snarkjs's .zkey (zkey.c reads and writes it), so our prover
 * runs on snarkjs keys and snarkjs runs on ours.  The QAP is the one
 * snarkjs builds from an R1CS: the constraints' A, B, C rows plus
 * nPublic+1 extra A rows (row ncons+i holds w[i] with coefficient 1, for
 * i = 0..nPublic), over the domain of size n = 2^(floor(log2(ncons +
 * nPublic)) + 1), in the Lagrange basis L_j of that domain.
 *
 * Secrets: the setup's tau, alpha, beta, gamma, delta, the witness and
 * the prover's r, s.  They come from getrandom(2) (vr_fr_random) and are
 * wiped with vr_memzero_explicit.  The prover's MSMs and NTTs over the
 * witness run in variable time (as in snarkjs, rapidsnark and gnark);
 * setup's scalar multiplications by the toxic waste are constant time.
 *
 * Every function returns VR_OK or a negative enum vr_err; a well-formed
 * proof that does not verify gives VR_EREJECT.
 */
#ifndef VR_SNARK_GROTH16_H
#define VR_SNARK_GROTH16_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "curve/g1.h"
#include "curve/g2.h"
#include "field/fp12.h"
#include "field/fr.h"
#include "snark/r1cs.h"

struct vr_g16_proof {
    vr_g1_affine a;
    vr_g2_affine b;
    vr_g1_affine c;
};

struct vr_g16_vk {
    uint32_t npublic;
    vr_g1_affine alpha1;
    vr_g2_affine beta2, gamma2, delta2;
    vr_g1_affine *ic;           /* owned: npublic + 1 points */
};

/* One record of .zkey section 4: value * w[wire] goes into row `row` of
 * matrix A (0) or B (1).  value is a plain vr_fr (Montgomery form). */
struct vr_g16_coef {
    uint32_t matrix, row, wire;
    vr_fr value;
};

/* The proving key: exactly the content of a Groth16 .zkey. */
struct vr_g16_pk {
    uint32_t nvars, npublic;
    uint32_t n;                 /* domain size, a power of two */
    int log2n;
    vr_g1_affine alpha1, beta1, delta1;
    vr_g2_affine beta2, gamma2, delta2;
    vr_g1_affine *ic;           /* npublic + 1 */
    size_t ncoef;
    struct vr_g16_coef *coef;   /* ncoef */
    vr_g1_affine *a, *b1;       /* nvars each: A_i(tau), B_i(tau) in G1 */
    vr_g2_affine *b2;           /* nvars: B_i(tau) in G2 */
    vr_g1_affine *c;            /* nvars - npublic - 1: private wires'
                                 * (beta A_i + alpha B_i + C_i)(tau)/delta */
    vr_g1_affine *h;            /* n: L^(2n)_(2j+1)(tau) / delta */
    unsigned char *contrib;     /* section 10 as read (or NULL) */
    size_t contrib_len;
};

/* A verifying key ready for pairings: -gamma, -delta and e(alpha, beta). */
struct vr_g16_pvk {
    struct vr_g16_vk vk;        /* owned copy */
    vr_fp12 alphabeta;          /* e(alpha1, beta2) */
};

void vr_g16_pk_free(struct vr_g16_pk *pk);
void vr_g16_vk_free(struct vr_g16_vk *vk);
void vr_g16_pvk_free(struct vr_g16_pvk *pvk);
/* vk = the verifying key of pk (a copy). */
int vr_g16_pk_vk(struct vr_g16_vk *vk, const struct vr_g16_pk *pk);

/*
 * Circuit-specific setup for r: fresh tau, alpha, beta, gamma, delta from
 * getrandom(2), wiped before returning.  pk and vk are owned by the
 * caller.  VR_ERANGE if the circuit needs a domain over 2^28, VR_ENOMEM,
 * VR_EIO (getrandom).  nthreads >= 1.
 */
int vr_g16_setup(struct vr_g16_pk *pk, struct vr_g16_vk *vk,
    const struct vr_r1cs *r, int nthreads);
/* The same with the five secrets given (tests and known answers only:
 * whoever knows them can forge proofs).  toxic = {tau, alpha, beta,
 * gamma, delta}, all nonzero, tau not in the domain. */
int vr_g16_setup_toxic(struct vr_g16_pk *pk, struct vr_g16_vk *vk,
    const struct vr_r1cs *r, const vr_fr toxic[5], int nthreads);

/*
 * Setup from a snarkjs powers of tau (phase 1, prepared for phase 2:
 * `snarkjs powersoftau prepare phase2`) and a fresh random delta as our
 * phase 2, as `snarkjs groth16 setup` + one `zkey contribute` do (gamma is
 * the G2 generator).  ptau[0..len) is the whole file.  VR_ERANGE if the
 * circuit needs a larger domain than the file has, VR_EFORMAT (with
 * vr_snark_errmsg()) for a malformed file or a bad point.  The keys are
 * only as good as the phase 1 they come from.
 */
int vr_g16_setup_ptau(struct vr_g16_pk *pk, struct vr_g16_vk *vk,
    const struct vr_r1cs *r, const unsigned char *ptau, size_t len,
    int nthreads);
/* The same with delta given: delta = 1 gives snarkjs's `groth16 setup`
 * key (sections 1-9) byte for byte (tests only). */
int vr_g16_setup_ptau_delta(struct vr_g16_pk *pk, struct vr_g16_vk *vk,
    const struct vr_r1cs *r, const unsigned char *ptau, size_t len,
    const vr_fr *delta, int nthreads);

/*
 * Prove with the witness w (nw values, w[0] = 1; nw must equal pk->nvars)
 * and fresh random r, s.  The witness is assumed to satisfy the circuit
 * (vr_r1cs_check); a witness that does not gives a proof that does not
 * verify.  VR_ESHAPE if nw != nvars, VR_ENOMEM, VR_EIO.
 */
int vr_g16_prove(struct vr_g16_proof *pi, const struct vr_g16_pk *pk,
    const vr_fr *w, size_t nw, int nthreads);
/* The same with r and s given (r = s = 0 reproduces snarkjs's
 * deterministic proof; never use fixed values for real proofs). */
int vr_g16_prove_rs(struct vr_g16_proof *pi, const struct vr_g16_pk *pk,
    const vr_fr *w, size_t nw, const vr_fr *r, const vr_fr *s,
    int nthreads);

/*
 * The n scalars h_k of the prover's H multi-exponentiation for witness w
 * (snarkjs's algorithm, FORMATS.md 4.1): A(x) B(x) - C(x) at the odd coset
 * points omega_2n omega_n^k.  abc: NULL, or 6n elements receiving the
 * intermediates A_ev, B_ev, C_ev (on the domain) and A_odd, B_odd, C_odd.
 * VR_ESHAPE if nw != nvars, VR_ENOMEM.  Secret data: wipe h and abc.
 */
int vr_g16_h(vr_fr *h, vr_fr *abc, const struct vr_g16_pk *pk, const vr_fr *w,
    size_t nw, int nthreads);

/* Prepare vk for verification (copies it; computes e(alpha, beta)).
 * VR_EFORMAT if a point of vk is invalid. */
int vr_g16_prepare(struct vr_g16_pvk *pvk, const struct vr_g16_vk *vk);
/*
 * Verify pi for the public signals pub (npublic values).  The proof's
 * points must be on their curves and B in G2 (the parsers check this;
 * it is checked again here), and nonzero.  VR_OK, VR_EREJECT, or
 * VR_ESHAPE if npub != npublic.  Variable time (public data).
 */
int vr_g16_verify(const struct vr_g16_pvk *pvk, const struct vr_g16_proof *pi,
    const vr_fr *pub, size_t npub);
/*
 * Verify n proofs of the same circuit at once (pub: n rows of npublic):
 * with random z_j (128 bits, getrandom), check
 *   prod e(-z_j A_j, B_j) e(sum z_j alpha, beta) e(sum z_j vk_x_j, gamma)
 *   e(sum z_j C_j, delta) = 1,
 * one multi-pairing of n + 3 pairs.  VR_OK if all verify; VR_EREJECT if
 * any does not (except with probability 2^-128), without saying which.
 */
int vr_g16_verify_batch(const struct vr_g16_pvk *pvk,
    const struct vr_g16_proof *pi, const vr_fr *pub, size_t npub, size_t n);

/*
 * snarkjs .zkey (Groth16, version 1, sections 1-10).  Reading checks the
 * header (q, r, sizes), every point encoding (coordinates below p, on the
 * curve; the verifying-key G2 points also in G2), every coefficient and
 * index, section sizes exactly.  The proving key's B2 points are checked
 * on the twist only (a bad one only spoils proofs, which then fail).
 */
int vr_zkey_parse(struct vr_g16_pk *pk, const unsigned char *buf, size_t len);
int vr_zkey_read(struct vr_g16_pk *pk, FILE *f);
/* Write pk as a .zkey.  Section 10 is pk->contrib when present, else a
 * record of no contributions with an all-zero circuit hash (snarkjs
 * proves and verifies with it; `zkey verify` does not accept it). */
int vr_zkey_write(FILE *f, const struct vr_g16_pk *pk);

/*
 * snarkjs JSON: proof.json, public.json, verification_key.json.  Numbers
 * are canonical decimal strings; readers reject anything else, points off
 * their curves, G2 points outside G2, and (vk) vk_alphabeta_12 is ignored.
 */
int vr_g16_proof_json_parse(struct vr_g16_proof *pi, const char *text,
    size_t len);
int vr_g16_proof_json_write(FILE *f, const struct vr_g16_proof *pi);
/* *pub allocated (caller frees), *npub set. */
int vr_g16_public_json_parse(vr_fr **pub, size_t *npub, const char *text,
    size_t len);
int vr_g16_public_json_write(FILE *f, const vr_fr *pub, size_t npub);
int vr_g16_vk_json_parse(struct vr_g16_vk *vk, const char *text, size_t len);
/* Writes vk_alphabeta_12 = e(alpha1, beta2) as snarkjs does, so the file
 * matches snarkjs's `zkey export verificationkey` byte for byte. */
int vr_g16_vk_json_write(FILE *f, const struct vr_g16_vk *vk);

/*
 * Binary encodings (our streams and the EVM): G1 = x || y, G2 = x.c1 ||
 * x.c0 || y.c1 || y.c0, 32-byte big-endian coordinates, infinity all
 * zero; a proof is A || B || C = 256 bytes, exactly the first eight words
 * of the Solidity calldata.
 */
#define VR_G16_PROOF_BYTES 256
void vr_g16_proof_to_bytes(unsigned char out[VR_G16_PROOF_BYTES],
    const struct vr_g16_proof *pi);
/* VR_EFORMAT if a coordinate is not below p, a point is off its curve or
 * B is not in G2. */
int vr_g16_proof_from_bytes(struct vr_g16_proof *pi,
    const unsigned char in[VR_G16_PROOF_BYTES]);

#endif
