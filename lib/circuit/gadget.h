/*
 * gadget.h: a circuit builder over lib/snark's R1CS that produces the
 * constraints, the witness, or both, from one piece of code, and the
 * gadgets the model circuit is made of.
 *
 * A builder runs in up to two modes at once: with r != NULL it adds
 * constraints to r; with witness on it stores a value for every wire it
 * allocates.  Gadget code is written once: it always allocates the same
 * wires and counts the same constraints, builds linear combinations only
 * when constraints are on, and computes values only when the witness is
 * on.  So the witness vr-prove builds sample by sample lines up with the
 * R1CS vr-circuit compiled, wire for wire.
 *
 * Every constraint is charged to the current (stage, gadget) pair in the
 * cost table.  Errors are sticky in b->err (VR_ENOMEM, VR_ERANGE for a
 * witness value outside what a gadget can represent); after an error
 * the builder still allocates but records nothing new.
 *
 * Constraint counts (n = bits):
 *   vr_gadget_bits       n + 1   (n booleans, one recomposition)
 *   vr_gadget_nonzero    1       (x * inv = 1)
 *   vr_gadget_mul        1
 *   vr_gadget_poseidon   3 per S-box: t R_F + R_P (t = 17: 612)
 */
#ifndef VR_CIRCUIT_GADGET_H
#define VR_CIRCUIT_GADGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "field/fr.h"
#include "quant/qmlp.h"
#include "snark/r1cs.h"

/* Cost categories of the report. */
enum vr_cg {
    VR_CG_MATMUL, VR_CG_ACT, VR_CG_RESCALE, VR_CG_RANGE, VR_CG_HASH,
    VR_CG_ARGMAX, VR_CG_COUNT
};
extern const char *const vr_cg_names[VR_CG_COUNT];

/* Stages: 0 the input, 1..L the layers, L+1 the output. */
#define VR_CIRCUIT_NSTAGE (VR_QMLP_MAXL + 2)

struct vr_circuit_cost {
    int nstage;                                 /* L + 2 */
    uint64_t cons[VR_CIRCUIT_NSTAGE][VR_CG_COUNT];
    uint64_t wires[VR_CIRCUIT_NSTAGE];          /* wires allocated there */
    uint64_t ncons, nwires;
    uint32_t npublic;
};

struct vr_cb {
    struct vr_r1cs *r;          /* borrowed; NULL: no constraints */
    bool wit;                   /* witness on */
    vr_fr *w;                   /* owned when wit: nw values */
    size_t wcap;
    uint32_t nw;                /* wires so far, wire 0 included */
    int err;                    /* first error, sticky */
    int stage, gadget;          /* where constraints are charged */
    bool lenient;               /* tests: keep out-of-range values' low
                                 * bits instead of failing (a cheating
                                 * prover's best attempt) */
    uint16_t *tags;             /* when want_tags: stage << 8 | gadget of
                                 * every constraint (owned) */
    size_t ntags, tagcap;
    bool want_tags;
    struct vr_circuit_cost cost;
    struct vr_lc a, b, c;       /* scratch */
};

/*
 * Start a builder with wire 0 and npub_out + npub_in + nprv_in input
 * wires (their values, when wit, are set with vr_cb_set).  r, if not
 * NULL, must be freshly vr_r1cs_init'ed with the same counts.
 */
int vr_cb_init(struct vr_cb *b, struct vr_r1cs *r, bool wit,
    uint32_t npub_out, uint32_t npub_in, uint32_t nprv_in);
/* Free scratch; b->w stays (caller frees it) unless free_w. */
void vr_cb_free(struct vr_cb *b, bool free_w);

/* A fresh wire with value *v (ignored when the witness is off). */
uint32_t vr_cb_wire(struct vr_cb *b, const vr_fr *v);
/* Set the value of an input wire. */
void vr_cb_set(struct vr_cb *b, uint32_t wire, const vr_fr *v);
/* a * b = c (each may be NULL for the empty combination 0). */
void vr_cb_cons(struct vr_cb *b, const struct vr_lc *a,
    const struct vr_lc *bb, const struct vr_lc *c);
/* Charge the next constraints to (stage, gadget). */
static inline void
vr_cb_at(struct vr_cb *b, int stage, int gadget)
{
    b->stage = stage;
    b->gadget = gadget;
}

/* dst += k * src (k NULL: 1). */
void vr_lc_axpy(struct vr_cb *b, struct vr_lc *dst, const vr_fr *k,
    const struct vr_lc *src);
/* dst = the single term 1 * w[wire]. */
void vr_lc_wire(struct vr_cb *b, struct vr_lc *dst, uint32_t wire);

/* Field helpers: 2^i (0 <= i < 254), signed 128-bit integers. */
const vr_fr *vr_fr_pow2(int i);
void vr_fr_from_i128(vr_fr *r, vr_i128 v);

/*
 * Decompose x into n bits (1 <= n <= 127): n boolean wires bit[0..n-1]
 * (least significant first) with sum 2^i bit_i = x.  xv is x's
 * integer value (witness on; a negative value cast to unsigned); outside
 * [0, 2^n) it sets VR_ERANGE (lenient: takes its low n bits).  The first bit wire is
 * returned (the bits are consecutive wires).
 */
uint32_t vr_gadget_bits(struct vr_cb *b, const struct vr_lc *x, vr_u128 xv,
    int n);
/* x != 0, by an inverse witness: x * inv = 1.  xv: x's value. */
void vr_gadget_nonzero(struct vr_cb *b, const struct vr_lc *x,
    const vr_fr *xv);
/* A fresh wire equal to x * y; *v its value (witness on). */
uint32_t vr_gadget_mul(struct vr_cb *b, const struct vr_lc *x,
    const struct vr_lc *y, const vr_fr *v);

/*
 * Poseidon of width t (3 or 17) with initial state 0 on the inputs in
 * (t - 1 combinations, values inv when the witness is on): *out is
 * set to the combination equal to the hash (no wire of its own), *outv
 * to its value.  R1CS in the reference form of poseidon.h: S-boxes x^5
 * by x2 = x x, x4 = x2 x2, x5 = x4 x (3 constraints); the round constants
 * and MDS products are linear and free.
 */
void vr_gadget_poseidon(struct vr_cb *b, struct vr_lc *out, vr_fr *outv,
    const struct vr_lc *in, const vr_fr *inv, int t);

#endif
