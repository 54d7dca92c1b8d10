/*
 * solidity.c: the Groth16 verifier contract and verifyProof calldata.
 *
 * Gas: the precompiles cost 181,000 (pairing of 4 pairs, EIP-1108) plus
 * 6,150 per public signal (ecMul + ecAdd); the contract adds only
 * straight-line assembly around them: no ABI decoding loop, no memory
 * copies beyond the pairing input, constants inlined, one return.
 *
 * The check e(A, B) = e(alpha, beta) e(vk_x, gamma) e(C, delta) is
 * written e(A, B) e(-alpha, beta) e(vk_x, -gamma) e(C, -delta) = 1: the
 * key's constants are negated at generation, so the proof's words go to
 * memory as they are (A and B in one calldatacopy).
 * Memory layout of the pairing input (768 bytes at 0x000):
 *   0x000 A              0x040 B (x.c1 x.c0 y.c1 y.c0, straight from calldata)
 *   0x0c0 -alpha1        0x100 beta2
 *   0x180 vk_x           0x1c0 -gamma2
 *   0x240 C              0x280 -delta2
 * vk_x is accumulated in place at 0x180 with the ecMul output at 0x1c0
 * (so ecAdd reads 0x180..0x200 in one piece) before gamma2 is stored.
 * ecMul input lives at 0x300..0x360.
 * Calldata: 0x04 A, 0x44 B, 0xc4 C, 0x104 + 32 i public signal i.
 */
#include <stdio.h>
#include <string.h>

#include "vr.h"
#include "snark/groth16.h"
#include "snark/internal.h"
#include "snark/solidity.h"

static const char *const R_HEX =
    "0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001";

void
vr_solidity_selector(unsigned char out[4], size_t npublic)
{
    char sig[128];
    unsigned char h[32];
    int n = snprintf(sig, sizeof(sig), "verifyProof(uint256[2],"
        "uint256[2][2],uint256[2],uint256[%zu])", npublic);

    vr_keccak256(h, sig, (size_t)n);
    memcpy(out, h, 4);
}

static void
hexword(FILE *f, const unsigned char *b)
{
    fputs("0x", f);
    for (int i = 0; i < 32; i++)
        fprintf(f, "%02x", b[i]);
}

/* mstore(off, word) for each 32-byte word of b. */
static void
store(FILE *f, unsigned off, const unsigned char *b, int nwords,
    const char *what)
{
    fprintf(f, "            // %s\n", what);
    for (int i = 0; i < nwords; i++) {
        fprintf(f, "            mstore(0x%03x, ", off + 32u * (unsigned)i);
        hexword(f, b + 32 * i);
        fputs(")\n", f);
    }
}

int
vr_solidity_write(FILE *f, const struct vr_g16_vk *vk)
{
    unsigned char g1[64], g2[128];
    size_t n = vk->npublic;
    vr_g1_affine na;
    vr_g2_affine nq;

    fprintf(f,
        "// SPDX-License-Identifier: MIT\n"
        "// Groth16 verifier (BN254) for one verifying key, written by\n"
        "// VeriRegime's lib/snark/solidity.c.  Do not edit: regenerate.\n"
        "pragma solidity ^0.8.0;\n"
        "\n"
        "contract Groth16Verifier {\n"
        "    /// True iff the proof (a, b, c) is valid for the public signals.\n"
        "    /// G2 coordinates come in the EVM order (c1, c0).\n"
        "    function verifyProof(\n"
        "        uint256[2] calldata,\n"
        "        uint256[2][2] calldata,\n"
        "        uint256[2] calldata,\n"
        "        uint256[%zu] calldata\n"
        "    ) external view returns (bool) {\n"
        "        assembly {\n"
        "            let ok := 1\n", n);
    vr_g16_enc_g1(g1, &vk->ic[0]);
    store(f, 0x180, g1, 2, "vk_x = IC[0] + sum pub[i] * IC[i + 1]");
    for (size_t i = 0; i < n; i++) {
        vr_g16_enc_g1(g1, &vk->ic[i + 1]);
        fprintf(f, "            {\n"
            "                let s := calldataload(0x%zx)\n"
            "                ok := and(ok, lt(s, %s))\n", 0x104 + 32 * i, R_HEX);
        fputs("                mstore(0x300, ", f);
        hexword(f, g1);
        fputs(")\n                mstore(0x320, ", f);
        hexword(f, g1 + 32);
        fputs(")\n                mstore(0x340, s)\n"
            "                ok := and(ok, staticcall(gas(), 0x07, 0x300, 0x60, "
            "0x1c0, 0x40))\n"
            "                ok := and(ok, staticcall(gas(), 0x06, 0x180, 0x80, "
            "0x180, 0x40))\n"
            "            }\n", f);
    }
    fputs("            // A, B\n"
        "            calldatacopy(0x000, 0x04, 0xc0)\n", f);
    vr_g1_affine_neg(&na, &vk->alpha1);
    vr_g16_enc_g1(g1, &na);
    store(f, 0x0c0, g1, 2, "-alpha1");
    vr_g16_enc_g2(g2, &vk->beta2);
    store(f, 0x100, g2, 4, "beta2");
    vr_g2_affine_neg(&nq, &vk->gamma2);
    vr_g16_enc_g2(g2, &nq);
    store(f, 0x1c0, g2, 4, "-gamma2");
    fputs("            // C\n"
        "            calldatacopy(0x240, 0xc4, 0x40)\n", f);
    vr_g2_affine_neg(&nq, &vk->delta2);
    vr_g16_enc_g2(g2, &nq);
    store(f, 0x280, g2, 4, "-delta2");
    fputs("            ok := and(ok, staticcall(gas(), 0x08, 0x000, 0x300, "
        "0x000, 0x20))\n"
        "            mstore(0x000, and(ok, mload(0x000)))\n"
        "            return(0x000, 0x20)\n"
        "        }\n"
        "    }\n"
        "}\n", f);
    return vr_snark_flush(f);
}

int
vr_solidity_calldata(FILE *f, const struct vr_g16_proof *pi, const vr_fr *pub,
    size_t npub)
{
    unsigned char sel[4], b[VR_G16_PROOF_BYTES], w[32];

    vr_solidity_selector(sel, npub);
    vr_g16_proof_to_bytes(b, pi);
    fputs("0x", f);
    for (int i = 0; i < 4; i++)
        fprintf(f, "%02x", sel[i]);
    for (int i = 0; i < VR_G16_PROOF_BYTES; i++)
        fprintf(f, "%02x", b[i]);
    for (size_t i = 0; i < npub; i++) {
        vr_fr_to_bytes_be(w, &pub[i]);
        for (int j = 0; j < 32; j++)
            fprintf(f, "%02x", w[j]);
    }
    return vr_snark_flush(f);
}
