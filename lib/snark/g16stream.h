/*
 * g16stream.h: Groth16 keys and proofs as VeriRegime streams
 * (vr-stream(5)): kinds "vk", "pk" and "proofs".  Every tensor is raw
 * bytes (dtype u8) in the encodings of groth16.h: G1 = x || y, G2 =
 * x.c1 || x.c0 || y.c1 || y.c0 (the EVM order), 32-byte big-endian
 * canonical coordinates, infinity all zero; field elements 32-byte
 * big-endian canonical.
 *
 * kind "vk"   header: protocol "groth16", curve "bn254", npublic (int)
 *   alpha1 u8 (64)   beta2 gamma2 delta2 u8 (128)   ic u8 (npublic+1, 64)
 * kind "pk"   header: protocol, curve, npublic, nvars, domain, ncoef
 *   alpha1 beta1 u8 (64)  beta2 gamma2 u8 (128)  delta1 u8 (64)
 *   delta2 u8 (128)  ic u8 (npublic+1, 64)
 *   coef u8 (ncoef, 44): u32 LE matrix (0 A, 1 B), u32 LE row,
 *        u32 LE wire, 32-byte big-endian value (the .zkey section 4
 *        records with plain values)
 *   a b1 u8 (nvars, 64)  b2 u8 (nvars, 128)
 *   c u8 (nvars-npublic-1, 64)  h u8 (domain, 64)
 * kind "proofs"  header: protocol, curve, npublic
 *   chunks of n >= 1 proofs: proof u8 (n, 256) = A || B || C (the first
 *   eight words of the Solidity calldata), then public u8 (n, npublic, 32)
 *   (the public signals, outputs then inputs).
 *
 * Readers check every point as the .zkey reader does (vk points in G2;
 * the pk's b2 on the twist only) and every value below its modulus.
 */
#ifndef VR_SNARK_G16STREAM_H
#define VR_SNARK_G16STREAM_H

#include <stddef.h>

#include "snark/groth16.h"
#include "stream/stream.h"

/* Write a whole stream: header (provenance, self as vr_writer_header),
 * tensors, trailer. */
int vr_g16_vk_write(struct vr_writer *w, const struct vr_g16_vk *vk,
    const msgpack_object *provenance, const char *self);
int vr_g16_pk_write(struct vr_writer *w, const struct vr_g16_pk *pk,
    const msgpack_object *provenance, const char *self);
/* Read the body of a stream opened with kind "vk" / "pk" up to its
 * trailer.  VR_EFORMAT / VR_ESHAPE with r->msg saying what. */
int vr_g16_vk_read(struct vr_g16_vk *vk, struct vr_reader *r);
int vr_g16_pk_read(struct vr_g16_pk *pk, struct vr_reader *r);

/* Proofs: the header, then any number of chunks, then vr_writer_end. */
int vr_g16_proofs_header(struct vr_writer *w, uint32_t npublic,
    const msgpack_object *provenance, const char *self);
/* n proofs and their public signals (n rows of npublic). */
int vr_g16_proofs_put(struct vr_writer *w, const struct vr_g16_proof *pi,
    const vr_fr *pub, uint32_t npublic, size_t n);
/* The npublic of an opened "proofs" stream (header key). */
int vr_g16_proofs_npublic(struct vr_reader *r, uint32_t *npublic);
/* Next chunk: 1 with *pi and *pub allocated (caller frees) and *n set,
 * 0 at the trailer, < 0 on error. */
int vr_g16_proofs_next(struct vr_reader *r, uint32_t npublic,
    struct vr_g16_proof **pi, vr_fr **pub, size_t *n);

#endif
