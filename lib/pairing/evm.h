/*
 * evm.h: the BN254 precompiles of the EVM on byte buffers, reproducing
 * go-ethereum's outputs (EIP-196 ecAdd 0x06 and ecMul 0x07, EIP-197
 * ecPairing 0x08).  For tests, the on-chain verifier model and tools.
 *
 * 32-byte big-endian words; coordinates must be < p; G1 points on the
 * curve or (0, 0); G2 points (x.c1, x.c0, y.c1, y.c0) on the twist and in
 * G2, or all zero.  ecAdd and ecMul zero-pad short input and ignore bytes
 * past 128 / 96, as go-ethereum does.  A failing call (VR_EFORMAT: bad
 * coordinate, point off the curve or outside G2, ecPairing length not a
 * multiple of 192) leaves out untouched; the EVM then consumes all gas.
 * Public data: variable time.  No allocation.
 */
#ifndef VR_PAIRING_EVM_H
#define VR_PAIRING_EVM_H

#include <stddef.h>

/* out = P1 + P2 from in = x1 || y1 || x2 || y2. */
int vr_evm_bn256_add(unsigned char out[64], const unsigned char *in,
    size_t len);
/* out = s P from in = x || y || s, s any 256-bit number. */
int vr_evm_bn256_scalar_mul(unsigned char out[64], const unsigned char *in,
    size_t len);
/* out = 32-byte 1 if prod e(P_i, Q_i) == 1 else 0, in = k 192-byte
 * (P_i, Q_i) records; k = 0 gives 1. */
int vr_evm_bn256_pairing(unsigned char out[32], const unsigned char *in,
    size_t len);

#endif
