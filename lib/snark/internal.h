/*
 * internal.h: helpers shared inside lib/snark: the iden3 binary container
 * (binfileutils: magic, version, sections of u32 id + u64 size), little-
 * endian cursors, whole-file reading and the thread's error message.
 */
#ifndef VR_SNARK_INTERNAL_H
#define VR_SNARK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "curve/g1.h"
#include "curve/g2.h"
#include "field/fr.h"

/* Largest file we read whole (a hostile size cannot exhaust memory). */
#define VR_SNARK_MAXFILE ((size_t)1 << 36)

/* Set the thread's message (printf-style) and return VR_EFORMAT. */
int vr_snark_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Same with another status. */
int vr_snark_failc(int err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Read all of f into *buf (malloc'd, caller frees). */
int vr_snark_slurp(unsigned char **buf, size_t *len, FILE *f);

/* r1cs.c: a header's field description, u32 n8 = 32 then the prime r
 * (little-endian); VR_EFORMAT naming what otherwise. */
struct vr_cur;
int vr_snark_check_prime(struct vr_cur *c, const char *what);

/* A parsed container: sections point into the caller's buffer. */
#define VR_BIN_MAXSEC 32
struct vr_bin {
    uint32_t version;
    int nsec;
    struct { uint32_t id; const unsigned char *p; uint64_t len; } sec[VR_BIN_MAXSEC];
};
/* Parse the container: magic (4 chars), version <= maxver, sections that
 * lie inside buf.  VR_EFORMAT otherwise. */
int vr_bin_parse(struct vr_bin *b, const unsigned char *buf, size_t len,
    const char *magic, uint32_t maxver);
/* The one section with id: VR_EFORMAT if missing or duplicated. */
int vr_bin_section(const struct vr_bin *b, uint32_t id,
    const unsigned char **p, uint64_t *len);

/* A bounds-checked little-endian reader over a section. */
struct vr_cur {
    const unsigned char *p;
    size_t left;
    bool bad;                   /* set on overrun; reads then give 0 */
};
uint32_t vr_cur_u32(struct vr_cur *c);
uint64_t vr_cur_u64(struct vr_cur *c);
/* n bytes, or NULL (and bad) on overrun. */
const unsigned char *vr_cur_bytes(struct vr_cur *c, size_t n);

/* Little-endian stores. */
void vr_put_u32(unsigned char *p, uint32_t v);
void vr_put_u64(unsigned char *p, uint64_t v);
/* fwrite helpers: 0 or -1; errors are collected by the caller's ferror. */
void vr_fput_u32(FILE *f, uint32_t v);
void vr_fput_u64(FILE *f, uint64_t v);
/* Container header and a section header. */
void vr_bin_write_head(FILE *f, const char *magic, uint32_t version,
    uint32_t nsec);
void vr_bin_write_sec(FILE *f, uint32_t id, uint64_t len);
/* VR_OK, or VR_EIO if f has seen a write error (after fflush). */
int vr_snark_flush(FILE *f);

/* The prime r, little-endian bytes (the n8 = 32 "prime" fields). */
extern const unsigned char vr_snark_r_le[32];
/* The prime p, little-endian bytes. */
extern const unsigned char vr_snark_p_le[32];

/* encode.c: point encodings (groth16.h), and their checked decoders:
 * VR_EFORMAT for a coordinate >= p, a point off its curve, and (G2 with
 * subgroup != 0) a point outside G2.  Infinity is all zeros. */
void vr_g16_enc_g1(unsigned char out[64], const vr_g1_affine *p);
void vr_g16_enc_g2(unsigned char out[128], const vr_g2_affine *q);
int vr_g16_dec_g1(vr_g1_affine *p, const unsigned char in[64]);
int vr_g16_dec_g2(vr_g2_affine *q, const unsigned char in[128], int subgroup);

/* groth16.c: log2 of snarkjs's domain for a circuit; affine forms of n
 * Jacobian points with one batched inversion after randomising the
 * projective coordinates (j is overwritten; VR_EIO from getrandom). */
int vr_g16_domain_log2(size_t ncons, uint32_t npublic);
int vr_g16_affine_g1(vr_g1_affine *out, vr_g1 *j, size_t n);

/* zkey.c: a "LEM" point (Montgomery-form little-endian coordinates, as in
 * .zkey and .ptau files): VR_EFORMAT naming what[i] if a coordinate is not
 * below p, the point is off its curve or (subgroup) outside G2. */
int vr_lem_g1(vr_g1_affine *p, const unsigned char *b, const char *what,
    size_t i);
int vr_lem_g2(vr_g2_affine *q, const unsigned char *b, int subgroup,
    const char *what, size_t i);

#endif
