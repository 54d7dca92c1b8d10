/*
 * solidity.h: the on-chain side of Groth16: a Solidity verifier contract
 * for one verifying key and the calldata of verifyProof for a proof.
 *
 * The contract has snarkjs's interface,
 *   verifyProof(uint256[2] a, uint256[2][2] b, uint256[2] c,
 *               uint256[N] pubSignals) view returns (bool)
 * (G2 coordinates in the EVM's (c1, c0) order), and spends its gas in the
 * BN254 precompiles: per public signal one ecMul (0x07) and one ecAdd
 * (0x06), then one pairing check (0x08) of four pairs
 * (A, B) (-alpha, beta) (vk_x, -gamma) (C, -delta); every key constant is
 * inlined (negated where shown).  It returns false for a public signal >= r and for anything a
 * precompile refuses (coordinates >= p, points off the curve, B outside
 * G2).
 */
#ifndef VR_SNARK_SOLIDITY_H
#define VR_SNARK_SOLIDITY_H

#include <stddef.h>
#include <stdio.h>

#include "field/fr.h"

struct vr_g16_vk;
struct vr_g16_proof;

/* Keccak-256 (Ethereum's, not SHA3-256) of data[0..len). */
void vr_keccak256(unsigned char out[32], const void *data, size_t len);
/* The 4-byte selector of verifyProof for npublic signals. */
void vr_solidity_selector(unsigned char out[4], size_t npublic);
/* Write the contract (Solidity ^0.8.0, contract Groth16Verifier). */
int vr_solidity_write(FILE *f, const struct vr_g16_vk *vk);
/* Write the calldata: "0x" then selector and words in hex, no newline. */
int vr_solidity_calldata(FILE *f, const struct vr_g16_proof *pi,
    const vr_fr *pub, size_t npub);

#endif
