/*
 * r1cs.h: rank-1 constraint systems over Fr (BN254), a builder for
 * gadgets, a satisfiability check, and the iden3 .r1cs file format.
 *
 * Wires follow the iden3 order: wire 0 is the constant one, then the
 * public outputs, the public inputs, the private inputs, and then every
 * internal wire.  nPublic (as snarkjs counts it) = npub_out + npub_in.
 * A constraint k says <A_k, w> * <B_k, w> = <C_k, w>, each side a sparse
 * linear combination sum coef_j * w[wire_j] with wires strictly
 * ascending and no zero coefficients.
 *
 * Coefficients and witnesses are vr_fr values (Montgomery form).
 */
#ifndef VR_SNARK_R1CS_H
#define VR_SNARK_R1CS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "field/fr.h"

/* One term coef * w[wire]. */
struct vr_r1cs_term {
    uint32_t wire;
    vr_fr coef;
};

/* A linear combination under construction: any order, duplicates and
 * zeros allowed; vr_r1cs_add normalises it.  Zero-initialise, then free
 * with vr_lc_free (or reuse after vr_lc_clear). */
struct vr_lc {
    struct vr_r1cs_term *t;     /* owned */
    size_t n, cap;
};

struct vr_r1cs {
    uint32_t nwires;            /* including wire 0 */
    uint32_t npub_out, npub_in, nprv_in;
    uint64_t nlabels;           /* .r1cs header field (nwires if unknown) */
    size_t ncons;
    struct vr_r1cs_term *terms; /* owned: all terms, constraint by constraint */
    size_t nterms, cap;
    size_t *off;                /* owned: 3*ncons+1 offsets into terms:
                                 * side s of constraint k is
                                 * terms[off[3k+s] .. off[3k+s+1]) */
    size_t offcap;
    uint64_t *labels;           /* owned or NULL: wire -> label id */
};

/* Number of public signals (outputs, then inputs). */
static inline uint32_t
vr_r1cs_npublic(const struct vr_r1cs *r)
{
    return r->npub_out + r->npub_in;
}

/*
 * Start an empty system with wire 0 and the given numbers of public
 * outputs, public inputs and private inputs (wires 1.. in that order).
 * VR_ENOMEM on failure.  Free with vr_r1cs_free.
 */
int vr_r1cs_init(struct vr_r1cs *r, uint32_t npub_out, uint32_t npub_in,
    uint32_t nprv_in);
/* A fresh internal wire: its index, or VR_ERANGE once 2^32-1 wires. */
int64_t vr_r1cs_alloc(struct vr_r1cs *r);
/*
 * Add the constraint a * b = c.  Each side is normalised (sorted by
 * wire, duplicate wires merged, zero terms dropped); a, b, c are left
 * unchanged.  VR_ERANGE if a wire is not allocated, VR_ENOMEM.
 */
int vr_r1cs_add(struct vr_r1cs *r, const struct vr_lc *a,
    const struct vr_lc *b, const struct vr_lc *c);
void vr_r1cs_free(struct vr_r1cs *r);

/* lc += coef * w[wire].  VR_ENOMEM. */
int vr_lc_add(struct vr_lc *lc, uint32_t wire, const vr_fr *coef);
/* lc += v * w[wire] for a small signed integer v. */
int vr_lc_add_i64(struct vr_lc *lc, uint32_t wire, int64_t v);
/* lc += constant c (a term on wire 0). */
int vr_lc_add_const(struct vr_lc *lc, const vr_fr *c);
/* Empty lc, keeping its memory. */
void vr_lc_clear(struct vr_lc *lc);
void vr_lc_free(struct vr_lc *lc);

/* <side s of constraint k, w>. */
void vr_r1cs_eval(vr_fr *out, const struct vr_r1cs *r, size_t k, int s,
    const vr_fr *w);
/*
 * Check the witness w (nwires values, w[0] must be 1) against every
 * constraint.  VR_OK, or VR_EREJECT with *bad set to the first failing
 * constraint (SIZE_MAX when w[0] != 1).  bad may be NULL.
 * Variable time (it stops at the first failure): do not use it where the
 * timing of a secret witness matters.
 */
int vr_r1cs_check(const struct vr_r1cs *r, const vr_fr *w, size_t *bad);

/*
 * iden3 .r1cs (version 1): sections 1 (header), 2 (constraints) and 3
 * (wire -> label map) are read; custom-gate sections (4, 5) are refused
 * (PLONK only), unknown ones ignored.  Every coefficient must be below r
 * and every wire below nWires; each side is normalised on reading.
 * VR_EFORMAT on malformed or truncated input (vr_snark_errmsg() says
 * where), VR_ENOMEM, VR_EIO.
 */
int vr_r1cs_parse(struct vr_r1cs *r, const unsigned char *buf, size_t len);
int vr_r1cs_read(struct vr_r1cs *r, FILE *f);
/* Write r as .r1cs version 1 (sections 1, 2, 3; labels = wire ids when
 * r->labels is NULL).  VR_EIO on a write error. */
int vr_r1cs_write(FILE *f, const struct vr_r1cs *r);

/*
 * iden3 .wtns (version 2): nwires values, standard form.  *w is
 * allocated (nwires vr_fr, Montgomery) and owned by the caller, who wipes
 * it (it is secret) and frees it.  Values must be below r.
 */
int vr_wtns_parse(vr_fr **w, size_t *nwires, const unsigned char *buf,
    size_t len);
int vr_wtns_read(vr_fr **w, size_t *nwires, FILE *f);
int vr_wtns_write(FILE *f, const vr_fr *w, size_t nwires);

/* Read all of f (at most 64 GiB) into *buf, malloc'd and owned by the
 * caller.  VR_EIO, VR_ENOMEM, VR_EFORMAT (too large). */
int vr_snark_read_all(unsigned char **buf, size_t *len, FILE *f);

/* Detail of the last VR_EFORMAT from lib/snark in this thread ("" if
 * none), for messages such as "circuit.r1cs: section 2: ...". */
const char *vr_snark_errmsg(void);

#endif
