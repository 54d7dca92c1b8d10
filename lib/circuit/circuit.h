/*
 * circuit.h: the quantised MLP of quant/qmlp.h as an R1CS, and its
 * witness from lib/quant's own integer inference.
 *
 * Public signals (iden3 order: outputs, then inputs):
 *   out  class          the argmax, ties to the lowest index
 *   in   input          hashed: one Poseidon hash (vr_poseidon_ints of
 *                       the C0 integers X at in_bits bits);
 *                       public: the C0 integers X themselves;
 *                       private: nothing
 *   in   model          with hashed weights: the model commitment
 *                       (vr_circuit_commit)
 *   in   time           the window's timestamp (ms), bound to the proof
 *                       and to nothing else
 * Private inputs: X (hashed or private input), then the weights and
 * biases layer by layer (hashed weights).
 *
 * The arithmetic, stage by stage (n bits cost n + 1 constraints,
 * vr_gadget_bits):
 *   input    each X_i + 2^(b-1) - 1 decomposed into b = in_bits bits and
 *            != 2^b - 1, so X_i lies exactly in the clamp
 *            [-(2^(b-1) - 1), 2^(b-1) - 1]; hashed input: the packing and
 *            Poseidon chain of poseidon.h on those wires.
 *   layer    Z = Wq A + Bq is linear (free) with fixed weights, one
 *            product per weight with hashed weights.  A rescale by 2^k
 *            with quotient bound |U| < 2^B decomposes
 *                v = Z + 2^(k-1) + 2^(k+B)      (0 <= v < 2^(k+B+1))
 *            into k + B + 1 bits: the low k are the remainder, the rest
 *            U + 2^B, the top one U >= 0.  ReLU is that sign bit times U
 *            (one product, A' a wire); a polynomial of degree d takes
 *            d - 1 products (U^2 .. U^d), P is linear in them, and P is
 *            rescaled the same way into A' (one more constraint makes
 *            A' a wire for the next layer).
 *   output   one-hot s_j (booleans, sum 1), class = sum j s_j, m =
 *            sum s_j logit_j (V products), and for every j
 *            m - logit_j - [j < class] in [0, 2^D) (D bits each).
 * The bit widths B, D come from vr_circuit_plan.  Soundness: see
 * vr-circuit(1), "Why no wire wraps".
 */
#ifndef VR_CIRCUIT_CIRCUIT_H
#define VR_CIRCUIT_CIRCUIT_H

#include <stdbool.h>
#include <stdint.h>

#include "circuit/gadget.h"
#include "quant/qmlp.h"
#include "snark/r1cs.h"

enum vr_invis { VR_IN_HASHED, VR_IN_PUBLIC, VR_IN_PRIVATE };
enum vr_wvis { VR_W_FIXED, VR_W_HASHED };

#define VR_CIRCUIT_BIAS_BITS 64     /* hashed biases: 64-bit range */
#define VR_CIRCUIT_CAP_BITS 63      /* lib/quant's |value| <= 2^62 */

/* The compiled plan: what each layer's gadgets check. */
struct vr_circuit {
    const struct vr_qmlp *m;    /* borrowed */
    int invis, wvis;
    int margin;                 /* -1: worst-case ranges; else seen + margin */
    /* per layer: 0 = no decomposition of Z (U = Z), else the quotient
     * bound B of the rescale Z -> U (|U| < 2^B) */
    int ubits[VR_QMLP_MAXL];
    /* per polynomial layer: the bound of A' (0 if kpost == 0 and P is
     * taken as it is), and the bits of P's bound as the circuit sees it */
    int abits[VR_QMLP_MAXL];
    int pbits[VR_QMLP_MAXL];
    int zbits[VR_QMLP_MAXL];    /* bits of |Z|'s bound in the circuit */
    int dbits;                  /* argmax difference bits D */
    /* public layout */
    uint32_t npub_out, npub_in, nprv_in;
    uint32_t w_class, w_input, w_model, w_time;     /* wire of each (0: none) */
    uint32_t w_x;               /* first X wire */
    uint32_t w_weights;         /* first weight wire (hashed weights) */
    uint64_t nweights;          /* weights + biases, hashed weights */
};

/*
 * Plan the circuit for m (whose worst-case bounds are recomputed here
 * with vr_qmlp_bounds_worst: a file's bounds are not trusted).  The
 * ranges of U and A' are the worst case (margin < 0) or the bits seen on
 * the training data plus margin (an input beyond them cannot be proved;
 * soundness does not depend on the choice).  m must outlive c.  VR_ERANGE (with *why naming the layer) if some value could
 * reach the field's size and wrap, VR_EFORMAT if m is malformed.
 */
int vr_circuit_plan(struct vr_circuit *c, struct vr_qmlp *m, int invis,
    int wvis, int margin, char *why, size_t whysize);

/* What vr_circuit_build makes. */
struct vr_circuit_out {
    struct vr_r1cs r;           /* VR_CIRCUIT_R1CS */
    vr_fr *w;                   /* VR_CIRCUIT_WITNESS: nw values, secret */
    uint32_t nw;                /* wires, wire 0 included */
    struct vr_circuit_cost cost;
    uint16_t *tags;             /* VR_CIRCUIT_TAGS: stage << 8 | gadget
                                 * of each constraint */
    size_t ntags;
};
#define VR_CIRCUIT_R1CS     1u  /* the constraints */
#define VR_CIRCUIT_WITNESS  2u  /* the witness of tr */
#define VR_CIRCUIT_TAGS     4u  /* where each constraint comes from */
#define VR_CIRCUIT_LENIENT  8u  /* tests only: a lying trace still gives a
                                 * witness (out-of-range values keep their
                                 * low bits), for the R1CS check to refuse */

/*
 * Build the circuit planned in c: its constraints, and/or the witness of
 * the inference tr (from vr_qmlp_infer on the same model; its values are
 * lib/quant's, the gadgets only split them into bits) for the window's
 * timestamp time.  The cost table is always filled; the same code runs
 * in every mode, so a witness lines up with the constraints wire by
 * wire.  Free out with vr_circuit_out_free (wipes the witness).
 * VR_ERANGE if the trace does not fit the plan (an input outside the
 * clamp, a value beyond a bound), VR_ENOMEM.
 */
int vr_circuit_build(struct vr_circuit_out *out, const struct vr_circuit *c,
    const struct vr_qtrace *tr, int64_t time, unsigned flags);
void vr_circuit_out_free(struct vr_circuit_out *o);

/*
 * The public signals of an inference: class, the input signal(s), the
 * model commitment, time, as the circuit orders them (pub: npub_out +
 * npub_in values).
 */
int vr_circuit_public(vr_fr *pub, const struct vr_circuit *c,
    const struct vr_qtrace *tr, int64_t time);

/* The degree the circuit evaluates: deg without its trailing zero
 * coefficients (at least 1), so U^k is never made for a zero Ck. */
int vr_circuit_degree(const struct vr_qlayer *q);

/* Hash of the integer input X (m->lay[0].C values at m->in_bits). */
int vr_circuit_input_hash(vr_fr *h, const struct vr_qmlp *m, const int64_t *X);

/*
 * The model commitment of hashed weights: Poseidon(2) chain over the
 * layers, h = 0, then per layer h = Poseidon(h, Poseidon(hW, hB)) with
 * hW = vr_poseidon_ints(Wq, wbits), hB = vr_poseidon_ints(Bq, 64).
 */
int vr_circuit_commit(vr_fr *h, const struct vr_qmlp *m);

#endif
