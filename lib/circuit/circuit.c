/* circuit.c: the quantised MLP as an R1CS (see circuit.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "circuit/circuit.h"
#include "snark/poseidon.h"

/* Largest bound (bits of |value|) a wire may reach: far below the field's
 * 2^253.8, so sums with the offsets of the gadgets still cannot wrap. */
#define FIELD_SAFE_BITS 250

static int
bits_u(uint64_t v)
{
    int n = 0;

    while (v) {
        v >>= 1;
        n++;
    }
    return n;
}

static int
imax(int a, int b)
{
    return a > b ? a : b;
}

static int
imin(int a, int b)
{
    return a < b ? a : b;
}

static int
why_fail(char *why, size_t n, int err, const char *fmt, ...)
{
    va_list ap;

    if (why != NULL && n > 0) {
        va_start(ap, fmt);
        vsnprintf(why, n, fmt, ap);
        va_end(ap);
    }
    return err;
}

/* Bits of the bound of P = sum_k Ck U^k 2^((d-k) fu) for |U| < 2^ub. */
static int
poly_bits(const struct vr_qlayer *q, int ub)
{
    int fu = vr_qlayer_fu(q), best = 0;

    for (int k = 0; k <= q->deg; k++) {
        int cb = vr_qmlp_bits(q->coef[k]);
        if (cb > 0)
            best = imax(best, cb + k * ub + (q->deg - k) * fu);
    }
    return best + bits_u((uint64_t)q->deg + 1);
}

/*
 * The range, in bits, a decomposition checks for stage st of q: the worst
 * case, or (margin >= 0) the bits seen on the training data plus margin,
 * never above the worst case; at most 63 bits (lib/quant's limit).  Only
 * completeness depends on it: whatever it is, the decomposition bounds
 * the value it checks, and the plan's wrap checks use that bound.
 */
static int
range_bits(const struct vr_qlayer *q, int st, int margin)
{
    int b = q->bound[st].wc_bits;

    if (margin >= 0 && q->bound[st].seen_bits + margin < b)
        b = q->bound[st].seen_bits + margin;
    return imax(1, imin(b, VR_CIRCUIT_CAP_BITS));
}

int
vr_circuit_plan(struct vr_circuit *c, struct vr_qmlp *m, int invis,
    int wvis, int margin, char *why, size_t whysize)
{
    int inb;        /* bits of the bound of the layer's input: |a| < 2^inb */

    memset(c, 0, sizeof(*c));
    if (vr_qmlp_check(m) != VR_OK)
        return why_fail(why, whysize, VR_EFORMAT, "malformed model");
    if (m->in_bits < 2 || m->in_bits > 62)
        return why_fail(why, whysize, VR_ERANGE, "in_bits %d", m->in_bits);
    vr_qmlp_bounds_worst(m);
    c->m = m;
    c->invis = invis;
    c->wvis = wvis;
    c->margin = margin;
    inb = m->in_bits - 1;
    for (int l = 0; l < m->L; l++) {
        const struct vr_qlayer *q = &m->lay[l];
        int zb, ub;
        bool last = l == m->L - 1;

        // |Z| < 2^zb: lib/quant's interval analysis with the weights
        // known; with hashed weights any weights of the width
        if (wvis == VR_W_FIXED) {
            // lib/quant's worst case, or the bound from what the circuit
            // checks of the inputs (|a| < 2^inb) if smaller:
            // |Z_o| <= sum_c |W_oc| 2^inb + |B_o|
            int zc = 0;
            for (int o = 0; o < q->OC; o++) {
                uint64_t sw = 0;
                for (int ci = 0; ci < q->C; ci++) {
                    int64_t wq = q->W[(size_t)o * (size_t)q->C + (size_t)ci];
                    sw += (uint64_t)(wq < 0 ? -wq : wq);
                }
                zc = imax(zc, imax(bits_u(sw) + inb,
                    vr_qmlp_bits(q->b[o])) + 1);
            }
            zb = imin(q->bound[VR_QST_Z].wc_bits, zc);
        } else {
            zb = imax(inb + q->wbits - 1 + bits_u((uint64_t)q->C), 63) + 1;
            c->nweights += (uint64_t)q->C * (uint64_t)q->OC + (uint64_t)q->OC;
        }
        if (zb > FIELD_SAFE_BITS - 2)
            return why_fail(why, whysize, VR_ERANGE,
                "layer %d: |Z| may reach 2^%d", l, zb);
        c->zbits[l] = zb;
        // the decomposition of Z: for a rescale, for ReLU's sign, or
        // to bound a polynomial's argument
        bool dec = q->kpre > 0 || q->act == VR_QACT_RELU
            || (q->act == VR_QACT_POLY && poly_bits(q, zb) > FIELD_SAFE_BITS)
            || (!last && zb > VR_CIRCUIT_CAP_BITS);
        ub = zb;
        if (dec) {
            ub = range_bits(q, VR_QST_U, margin);
            if (q->kpre + ub + 1 > 127)
                return why_fail(why, whysize, VR_ERANGE,
                    "layer %d: rescale by 2^%d of a %d-bit quotient exceeds"
                    " 127 bits", l, q->kpre, ub);
            c->ubits[l] = ub;
        }
        int outb = ub;
        if (q->act == VR_QACT_POLY) {
            int pb = poly_bits(q, ub);
            if (pb > FIELD_SAFE_BITS)
                return why_fail(why, whysize, VR_ERANGE,
                    "layer %d: the polynomial may reach 2^%d and wrap "
                    "around the field", l, pb);
            c->pbits[l] = pb;
            outb = pb;
            if (q->kpost > 0 || (!last && pb > VR_CIRCUIT_CAP_BITS)) {
                int ab = range_bits(q, VR_QST_A, margin);
                if (q->kpost + ab + 1 > 127)
                    return why_fail(why, whysize, VR_ERANGE,
                        "layer %d: rescale by 2^%d of a %d-bit quotient "
                        "exceeds 127 bits", l, q->kpost, ab);
                c->abits[l] = ab;
                outb = ab;
            }
        }
        inb = outb;
    }
    // m - logit_j - 1 in [-2^(inb+1), 2^(inb+1)]
    c->dbits = inb + 2;
    if (c->dbits > 127)
        return why_fail(why, whysize, VR_ERANGE,
            "the logits may reach 2^%d", inb);
    // the public layout
    int C0 = m->lay[0].C;
    c->npub_out = 1;
    c->npub_in = (invis == VR_IN_PUBLIC ? (uint32_t)C0 : 0)
        + (invis == VR_IN_HASHED) + (wvis == VR_W_HASHED) + 1;
    uint64_t nprv = (invis != VR_IN_PUBLIC ? (uint64_t)C0 : 0) + c->nweights;
    if (nprv > (1u << 30))
        return why_fail(why, whysize, VR_ERANGE, "too many inputs");
    c->nprv_in = (uint32_t)nprv;
    uint32_t w = 1;
    c->w_class = w++;
    if (invis == VR_IN_PUBLIC) {
        c->w_x = w;
        w += (uint32_t)C0;
    }
    if (invis == VR_IN_HASHED)
        c->w_input = w++;
    if (wvis == VR_W_HASHED)
        c->w_model = w++;
    c->w_time = w++;
    if (invis != VR_IN_PUBLIC) {
        c->w_x = w;
        w += (uint32_t)C0;
    }
    if (wvis == VR_W_HASHED)
        c->w_weights = w;
    return VR_OK;
}

int
vr_circuit_degree(const struct vr_qlayer *q)
{
    int d = q->deg;

    while (d > 1 && q->coef[d] == 0)
        d--;
    return d;
}

/* Builder state shared by the stages. */
struct bstate {
    struct vr_cb *b;
    const struct vr_circuit *c;
    const struct vr_qtrace *tr;
    bool cons, wit;
    struct vr_lc x, y, z;       /* scratch the gadgets do not touch */
};

/*
 * The packed chain hash of poseidon.h over n consecutive wires from
 * first (values v when the witness is on), each already range-checked
 * to [-2^(bits-1), 2^(bits-1)): *out the combination, *outv its value.
 */
static void
chain_hash(struct bstate *s, struct vr_lc *out, vr_fr *outv, uint32_t first,
    const int64_t *v, size_t n, int bits)
{
    struct vr_cb *b = s->b;
    size_t per = (size_t)(VR_POSEIDON_PACK_BITS / bits);
    size_t m = vr_poseidon_ints_elems(n, bits);
    struct vr_lc in[16], h = {0};
    vr_fr inv[16], hv, k, u;
    uint64_t lim[4] = {((uint64_t)n << 8) | (uint64_t)bits,
        (uint64_t)n >> 56, 0, 0};

    memset(in, 0, sizeof(in));
    (void)vr_fr_from_canonical(&hv, lim);
    if (s->cons && vr_lc_add_const(&h, &hv) != VR_OK)
        b->err = VR_ENOMEM;
    for (size_t blk = 0; blk * VR_POSEIDON_CHAIN < m; blk++) {
        vr_lc_clear(&in[0]);
        vr_lc_axpy(b, &in[0], NULL, &h);
        inv[0] = hv;
        for (size_t j = 0; j < VR_POSEIDON_CHAIN; j++) {
            size_t e = blk * VR_POSEIDON_CHAIN + j;
            vr_lc_clear(&in[j + 1]);
            inv[j + 1] = vr_fr_zero;
            for (size_t q = 0; q < per && e < m; q++) {
                size_t i = e * per + q;
                if (i >= n)
                    break;
                // (v_i + 2^(bits-1)) 2^(bits q)
                const vr_fr *sh = vr_fr_pow2(bits * (int)q);
                if (s->cons) {
                    vr_fr_mul(&k, sh, vr_fr_pow2(bits - 1));
                    if (vr_lc_add(&in[j + 1], first + (uint32_t)i, sh) != VR_OK
                        || vr_lc_add_const(&in[j + 1], &k) != VR_OK)
                        b->err = VR_ENOMEM;
                }
                if (s->wit) {
                    vr_fr_from_i64(&u, v[i]);
                    vr_fr_add(&u, &u, vr_fr_pow2(bits - 1));
                    vr_fr_mul(&u, &u, sh);
                    vr_fr_add(&inv[j + 1], &inv[j + 1], &u);
                }
            }
        }
        vr_gadget_poseidon(b, &h, &hv, in, inv, 17);
    }
    vr_lc_clear(out);
    vr_lc_axpy(b, out, NULL, &h);
    *outv = hv;
    for (int i = 0; i < 16; i++)
        vr_lc_free(&in[i]);
    vr_lc_free(&h);
}

/* Range-check n consecutive wires from first to [-2^(bits-1), 2^(bits-1)). */
static void
range_signed(struct bstate *s, uint32_t first, const int64_t *v, size_t n,
    int bits)
{
    for (size_t i = 0; i < n; i++) {
        vr_u128 xv = 0;
        if (s->cons) {
            vr_lc_wire(s->b, &s->x, first + (uint32_t)i);
            if (vr_lc_add_const(&s->x, vr_fr_pow2(bits - 1)) != VR_OK)
                s->b->err = VR_ENOMEM;
        }
        if (s->wit)
            xv = (vr_u128)((vr_i128)v[i] + ((vr_i128)1 << (bits - 1)));
        vr_gadget_bits(s->b, &s->x, xv, bits);
    }
}

/* One Poseidon(2) step: *h = Poseidon(*h, x) on combinations. */
static void
hash2(struct bstate *s, struct vr_lc *h, vr_fr *hv, const struct vr_lc *x,
    const vr_fr *xv)
{
    struct vr_lc in[2] = {{0}, {0}};
    vr_fr inv[2] = {*hv, *xv};

    vr_lc_axpy(s->b, &in[0], NULL, h);
    vr_lc_axpy(s->b, &in[1], NULL, x);
    vr_gadget_poseidon(s->b, h, hv, in, inv, 3);
    vr_lc_free(&in[0]);
    vr_lc_free(&in[1]);
}

/* The input stage: X's values, exact clamp, hash. */
static void
stage_input(struct bstate *s)
{
    const struct vr_circuit *c = s->c;
    const struct vr_qmlp *m = c->m;
    struct vr_cb *b = s->b;
    int bits = m->in_bits;
    size_t n = (size_t)m->lay[0].C;
    vr_fr v, top;

    vr_cb_at(b, 0, VR_CG_RANGE);
    vr_fr_from_i64(&top, ((int64_t)1 << bits) - 1);
    for (size_t i = 0; i < n; i++) {
        uint32_t w = c->w_x + (uint32_t)i;
        int64_t xi = s->wit ? s->tr->x[i] : 0;
        if (s->wit) {
            vr_fr_from_i64(&v, xi);
            vr_cb_set(b, w, &v);
        }
        // X + 2^(b-1) - 1 in [0, 2^b) and != 2^b - 1
        int64_t off = ((int64_t)1 << (bits - 1)) - 1;
        if (s->cons) {
            vr_fr k;
            vr_fr_from_i64(&k, off);
            vr_lc_wire(b, &s->x, w);
            if (vr_lc_add_const(&s->x, &k) != VR_OK)
                b->err = VR_ENOMEM;
        }
        vr_u128 xv = (vr_u128)(vr_i128)(xi + off);
        vr_gadget_bits(b, &s->x, xv, bits);
        if (s->cons) {
            vr_fr k;
            vr_fr_neg(&k, &top);
            if (vr_lc_add_const(&s->x, &k) != VR_OK)
                b->err = VR_ENOMEM;
        }
        vr_fr_from_i64(&v, xi + off - (((int64_t)1 << bits) - 1));
        vr_gadget_nonzero(b, &s->x, &v);
    }
    if (c->invis == VR_IN_HASHED) {
        vr_fr hv;
        vr_cb_at(b, 0, VR_CG_HASH);
        chain_hash(s, &s->y, &hv, c->w_x, s->wit ? s->tr->x : NULL, n, bits);
        if (s->wit)
            vr_cb_set(b, c->w_input, &hv);
        vr_lc_wire(b, &s->z, c->w_input);
        vr_lc_clear(&s->x);
        if (vr_lc_add_const(&s->x, &vr_fr_one) != VR_OK)
            b->err = VR_ENOMEM;
        vr_cb_cons(b, &s->y, &s->x, &s->z);
    }
}

/*
 * The weights stage (hashed weights): values, ranges, the commitment.
 * Charged to stage 0 (the inputs) as range and hash.
 */
static void
stage_weights(struct bstate *s)
{
    const struct vr_circuit *c = s->c;
    const struct vr_qmlp *m = c->m;
    struct vr_cb *b = s->b;
    struct vr_lc h = {0}, hw = {0}, hb = {0};
    vr_fr hv = vr_fr_zero, hwv, hbv, v;
    uint32_t w = c->w_weights;
    int64_t *tmp = NULL;

    for (int l = 0; l < m->L; l++) {
        const struct vr_qlayer *q = &m->lay[l];
        size_t nw = (size_t)q->C * (size_t)q->OC;
        free(tmp);
        if ((tmp = vr_mallocarray(nw, sizeof(int64_t))) == NULL) {
            b->err = VR_ENOMEM;
            break;
        }
        for (size_t i = 0; i < nw; i++) {
            tmp[i] = q->W[i];
            if (s->wit) {
                vr_fr_from_i64(&v, q->W[i]);
                vr_cb_set(b, w + (uint32_t)i, &v);
            }
        }
        for (int o = 0; o < q->OC; o++)
            if (s->wit) {
                vr_fr_from_i64(&v, q->b[o]);
                vr_cb_set(b, w + (uint32_t)nw + (uint32_t)o, &v);
            }
        vr_cb_at(b, 0, VR_CG_RANGE);
        range_signed(s, w, tmp, nw, q->wbits);
        range_signed(s, w + (uint32_t)nw, q->b, (size_t)q->OC,
            VR_CIRCUIT_BIAS_BITS);
        vr_cb_at(b, 0, VR_CG_HASH);
        chain_hash(s, &hw, &hwv, w, tmp, nw, q->wbits);
        chain_hash(s, &hb, &hbv, w + (uint32_t)nw, q->b, (size_t)q->OC,
            VR_CIRCUIT_BIAS_BITS);
        hash2(s, &hw, &hwv, &hb, &hbv);         /* hl = H(hW, hB) */
        hash2(s, &h, &hv, &hw, &hwv);           /* h = H(h, hl) */
        w += (uint32_t)(nw + (size_t)q->OC);
    }
    if (s->wit)
        vr_cb_set(b, c->w_model, &hv);
    vr_lc_wire(b, &s->z, c->w_model);
    vr_lc_clear(&s->x);
    if (vr_lc_add_const(&s->x, &vr_fr_one) != VR_OK)
        b->err = VR_ENOMEM;
    vr_cb_cons(b, &h, &s->x, &s->z);
    free(tmp);
    vr_lc_free(&h);
    vr_lc_free(&hw);
    vr_lc_free(&hb);
}

/*
 * Rescale x (value xv) by 2^k with quotient bound 2^B: the combination of
 * the quotient into *q, and the sign bit's wire (q >= 0) returned.
 */
static uint32_t
rescale(struct bstate *s, struct vr_lc *q, const struct vr_lc *x, vr_i128 xv,
    int k, int B)
{
    struct vr_cb *b = s->b;
    vr_u128 v = 0;
    vr_fr neg;

    // v = x + 2^(k-1) + 2^(k+B)
    if (s->cons) {
        vr_lc_clear(&s->x);
        vr_lc_axpy(b, &s->x, NULL, x);
        if (k > 0 && vr_lc_add_const(&s->x, vr_fr_pow2(k - 1)) != VR_OK)
            b->err = VR_ENOMEM;
        if (vr_lc_add_const(&s->x, vr_fr_pow2(k + B)) != VR_OK)
            b->err = VR_ENOMEM;
    }
    if (s->wit) {
        vr_i128 t = xv + (k > 0 ? (vr_i128)1 << (k - 1) : 0)
            + ((vr_i128)1 << (k + B));
        v = (vr_u128)t;
    }
    uint32_t first = vr_gadget_bits(b, &s->x, v, k + B + 1);
    // q = sum_{i >= k} 2^(i-k) bit_i - 2^B
    vr_lc_clear(q);
    if (s->cons) {
        for (int i = k; i <= k + B; i++)
            if (vr_lc_add(q, first + (uint32_t)i, vr_fr_pow2(i - k)) != VR_OK)
                b->err = VR_ENOMEM;
        vr_fr_neg(&neg, vr_fr_pow2(B));
        if (vr_lc_add_const(q, &neg) != VR_OK)
            b->err = VR_ENOMEM;
    }
    return first + (uint32_t)(k + B);
}

/* A fresh wire equal to the combination x (value v): x * 1 = w. */
static uint32_t
materialise(struct bstate *s, const struct vr_lc *x, const vr_fr *v)
{
    struct vr_lc one = {0};
    uint32_t w;

    if (s->cons && vr_lc_add_const(&one, &vr_fr_one) != VR_OK)
        s->b->err = VR_ENOMEM;
    w = vr_gadget_mul(s->b, x, &one, v);
    vr_lc_free(&one);
    return w;
}

/*
 * Layer l on input wires ain[0..C-1]: output wires aout[0..OC-1] for a
 * hidden layer, or the logits' combinations logit[0..OC-1] for the last.
 */
static void
stage_layer(struct bstate *s, int l, const uint32_t *ain, uint32_t *aout,
    struct vr_lc *logit, uint32_t wfirst)
{
    const struct vr_circuit *c = s->c;
    const struct vr_qlayer *q = &c->m->lay[l];
    const struct vr_qtrace *tr = s->tr;
    struct vr_cb *b = s->b;
    struct vr_lc zl = {0}, ul = {0}, pl = {0}, al = {0}, pw = {0}, sg = {0};
    uint32_t pws[VR_QACT_MAXDEG + 1];
    bool last = l == c->m->L - 1;
    int st = l + 1, fu = vr_qlayer_fu(q);
    vr_fr v, k;

    for (int o = 0; o < q->OC; o++) {
        // Z = Wq A + Bq
        vr_cb_at(b, st, VR_CG_MATMUL);
        vr_lc_clear(&zl);
        if (c->wvis == VR_W_FIXED) {
            if (s->cons) {
                for (int ci = 0; ci < q->C; ci++) {
                    int32_t wq = q->W[(size_t)o * (size_t)q->C + (size_t)ci];
                    if (wq != 0 && vr_lc_add_i64(&zl, ain[ci], wq) != VR_OK)
                        b->err = VR_ENOMEM;
                }
                vr_fr_from_i64(&k, q->b[o]);
                if (vr_lc_add_const(&zl, &k) != VR_OK)
                    b->err = VR_ENOMEM;
            }
        } else {
            // one product per weight: W[o][c] * A[c]
            size_t row = (size_t)o * (size_t)q->C;
            for (int ci = 0; ci < q->C; ci++) {
                if (s->cons) {
                    vr_lc_wire(b, &s->x, wfirst + (uint32_t)(row + (size_t)ci));
                    vr_lc_wire(b, &s->y, ain[ci]);
                }
                if (s->wit)
                    vr_fr_mul(&v, &b->w[wfirst + row + (size_t)ci],
                        &b->w[ain[ci]]);
                uint32_t p = vr_gadget_mul(b, &s->x, &s->y, &v);
                if (s->cons && vr_lc_add(&zl, p, &vr_fr_one) != VR_OK)
                    b->err = VR_ENOMEM;
            }
            uint32_t bw = wfirst + (uint32_t)((size_t)q->OC * (size_t)q->C)
                + (uint32_t)o;
            if (s->cons && vr_lc_add(&zl, bw, &vr_fr_one) != VR_OK)
                b->err = VR_ENOMEM;
        }
        // U = rs(Z, kpre), with its sign
        uint32_t sign = 0;
        if (c->ubits[l] > 0) {
            vr_cb_at(b, st, q->kpre > 0 ? VR_CG_RESCALE : VR_CG_RANGE);
            sign = rescale(s, &ul, &zl, s->wit ? tr->z[l][o] : 0, q->kpre,
                c->ubits[l]);
        } else {
            vr_lc_clear(&ul);
            vr_lc_axpy(b, &ul, NULL, &zl);
        }
        // the activation
        vr_lc_clear(&al);
        vr_cb_at(b, st, VR_CG_ACT);
        int64_t av = s->wit ? tr->a[l][o] : 0;
        vr_fr_from_i64(&v, av);
        if (q->act == VR_QACT_RELU) {
            vr_lc_wire(b, &sg, sign);
            uint32_t w = vr_gadget_mul(b, &sg, &ul, &v);
            if (last)
                vr_lc_wire(b, &logit[o], w);
            else
                aout[o] = w;
            continue;
        }
        if (q->act == VR_QACT_POLY) {
            // U^2 .. U^d, then P = sum Ck 2^((d-k) fu) U^k
            vr_fr u, uk;
            vr_fr_from_i64(&u, s->wit ? tr->u[l][o] : 0);
            uk = u;
            int de = vr_circuit_degree(q);
            for (int j = 2; j <= de; j++) {
                vr_fr_mul(&uk, &uk, &u);
                if (s->cons) {
                    if (j == 2) {
                        vr_lc_clear(&pw);
                        vr_lc_axpy(b, &pw, NULL, &ul);
                    } else {
                        vr_lc_wire(b, &pw, pws[j - 1]);
                    }
                }
                pws[j] = vr_gadget_mul(b, &pw, &ul, &uk);
            }
            vr_lc_clear(&pl);
            if (s->cons) {
                for (int j = 0; j <= de; j++) {
                    vr_fr_from_i64(&k, q->coef[j]);
                    vr_fr_mul(&k, &k, vr_fr_pow2((q->deg - j) * fu));
                    if (j == 0) {
                        if (vr_lc_add_const(&pl, &k) != VR_OK)
                            b->err = VR_ENOMEM;
                    } else if (j == 1) {
                        vr_lc_axpy(b, &pl, &k, &ul);
                    } else if (vr_lc_add(&pl, pws[j], &k) != VR_OK) {
                        b->err = VR_ENOMEM;
                    }
                }
            }
            if (c->abits[l] > 0) {
                vr_cb_at(b, st, VR_CG_RESCALE);
                (void)rescale(s, &al, &pl, s->wit ? tr->p[l][o] : 0, q->kpost,
                    c->abits[l]);
            } else {
                vr_lc_axpy(b, &al, NULL, &pl);
            }
        } else {
            vr_lc_axpy(b, &al, NULL, &ul);
        }
        vr_cb_at(b, st, VR_CG_ACT);
        if (!last)
            aout[o] = materialise(s, &al, &v);
        else {
            vr_lc_clear(&logit[o]);
            vr_lc_axpy(b, &logit[o], NULL, &al);
        }
    }
    vr_lc_free(&zl);
    vr_lc_free(&ul);
    vr_lc_free(&pl);
    vr_lc_free(&al);
    vr_lc_free(&pw);
    vr_lc_free(&sg);
}

/* The output stage: argmax with the class public, ties to the lowest. */
static void
stage_argmax(struct bstate *s, const struct vr_lc *logit, const int64_t *lv,
    int V)
{
    const struct vr_circuit *c = s->c;
    struct vr_cb *b = s->b;
    int st = c->m->L + 1, cls = s->wit ? s->tr->cls : 0;
    uint32_t sel = 0;
    struct vr_lc sum = {0}, idx = {0}, mm = {0}, one = {0};
    vr_fr v;

    vr_cb_at(b, st, VR_CG_ARGMAX);
    if (s->cons && vr_lc_add_const(&one, &vr_fr_one) != VR_OK)
        b->err = VR_ENOMEM;
    // s_j boolean
    for (int j = 0; j < V; j++) {
        v = j == cls ? vr_fr_one : vr_fr_zero;
        uint32_t w = vr_cb_wire(b, &v);
        if (j == 0)
            sel = w;
        if (s->cons) {
            vr_fr m1;
            vr_fr_neg(&m1, &vr_fr_one);
            vr_lc_wire(b, &s->x, w);
            vr_lc_wire(b, &s->y, w);
            if (vr_lc_add_const(&s->y, &m1) != VR_OK
                || vr_lc_add(&sum, w, &vr_fr_one) != VR_OK
                || vr_lc_add_i64(&idx, w, j) != VR_OK)
                b->err = VR_ENOMEM;
        }
        vr_cb_cons(b, &s->x, &s->y, NULL);
    }
    // sum s_j = 1, class = sum j s_j
    vr_cb_cons(b, &sum, &one, &one);
    if (s->wit) {
        vr_fr_from_i64(&v, cls);
        vr_cb_set(b, c->w_class, &v);
    }
    vr_lc_wire(b, &s->z, c->w_class);
    vr_cb_cons(b, &idx, &one, &s->z);
    // m = sum s_j logit_j
    for (int j = 0; j < V; j++) {
        vr_fr_from_i64(&v, s->wit && j == cls ? lv[j] : 0);
        if (s->cons)
            vr_lc_wire(b, &s->x, sel + (uint32_t)j);
        uint32_t t = vr_gadget_mul(b, &s->x, &logit[j], &v);
        if (s->cons && vr_lc_add(&mm, t, &vr_fr_one) != VR_OK)
            b->err = VR_ENOMEM;
    }
    // e_j = m - logit_j - sum_{i > j} s_i  in [0, 2^D)
    for (int j = 0; j < V; j++) {
        if (s->cons) {
            vr_fr m1;
            vr_fr_neg(&m1, &vr_fr_one);
            vr_lc_clear(&s->y);
            vr_lc_axpy(b, &s->y, NULL, &mm);
            vr_lc_axpy(b, &s->y, &m1, &logit[j]);
            for (int i = j + 1; i < V; i++)
                if (vr_lc_add(&s->y, sel + (uint32_t)i, &m1) != VR_OK)
                    b->err = VR_ENOMEM;
        }
        vr_i128 e = s->wit ? (vr_i128)lv[cls] - lv[j] - (j < cls) : 0;
        vr_gadget_bits(b, &s->y, (vr_u128)e, c->dbits);
    }
    vr_lc_free(&sum);
    vr_lc_free(&idx);
    vr_lc_free(&mm);
    vr_lc_free(&one);
}

void
vr_circuit_out_free(struct vr_circuit_out *o)
{
    vr_r1cs_free(&o->r);
    if (o->w != NULL) {
        vr_memzero_explicit(o->w, (size_t)o->nw * sizeof(vr_fr));
        free(o->w);
    }
    free(o->tags);
    memset(o, 0, sizeof(*o));
}

int
vr_circuit_build(struct vr_circuit_out *out, const struct vr_circuit *c,
    const struct vr_qtrace *tr, int64_t time, unsigned flags)
{
    const struct vr_qmlp *m = c->m;
    struct vr_cb b;
    struct bstate s;
    struct vr_r1cs *r = (flags & VR_CIRCUIT_R1CS) ? &out->r : NULL;
    uint32_t *ain = NULL, *aout = NULL;
    struct vr_lc *logit = NULL;
    int rc, V = m->lay[m->L - 1].OC, maxw = 0;
    vr_fr v;

    memset(out, 0, sizeof(*out));
    if ((flags & VR_CIRCUIT_WITNESS) && tr == NULL)
        return VR_EUSAGE;
    if (r != NULL && (rc = vr_r1cs_init(r, c->npub_out, c->npub_in,
        c->nprv_in)) != VR_OK)
        return rc;
    if ((rc = vr_cb_init(&b, r, (flags & VR_CIRCUIT_WITNESS) != 0,
        c->npub_out, c->npub_in, c->nprv_in)) != VR_OK)
        return rc;
    b.lenient = (flags & VR_CIRCUIT_LENIENT) != 0;
    b.want_tags = (flags & VR_CIRCUIT_TAGS) != 0;
    b.cost.nstage = m->L + 2;
    memset(&s, 0, sizeof(s));
    s.b = &b;
    s.c = c;
    s.tr = b.wit ? tr : NULL;
    s.cons = r != NULL;
    s.wit = b.wit;
    for (int l = 0; l <= m->L; l++)
        maxw = imax(maxw, l < m->L ? m->lay[l].C : m->lay[l - 1].OC);
    ain = vr_mallocarray((size_t)maxw, sizeof(uint32_t));
    aout = vr_mallocarray((size_t)maxw, sizeof(uint32_t));
    logit = vr_callocarray((size_t)V, sizeof(*logit));
    if (ain == NULL || aout == NULL || logit == NULL) {
        rc = VR_ENOMEM;
        goto out;
    }
    if (s.wit) {
        vr_fr_from_i64(&v, time);
        vr_cb_set(&b, c->w_time, &v);
    }
    stage_input(&s);
    if (c->wvis == VR_W_HASHED)
        stage_weights(&s);
    for (int i = 0; i < m->lay[0].C; i++)
        ain[i] = c->w_x + (uint32_t)i;
    uint32_t wfirst = c->w_weights;
    for (int l = 0; l < m->L; l++) {
        const struct vr_qlayer *q = &m->lay[l];
        stage_layer(&s, l, ain, aout, logit, wfirst);
        wfirst += (uint32_t)((size_t)q->C * (size_t)q->OC + (size_t)q->OC);
        uint32_t *t = ain;
        ain = aout;
        aout = t;
    }
    stage_argmax(&s, logit, s.wit ? tr->a[m->L - 1] : NULL, V);
    rc = b.err;
    if (rc == VR_OK && r != NULL)
        VR_ASSERT(r->nwires == b.nw);
out:
    b.cost.ncons = 0;
    for (int i = 0; i < VR_CIRCUIT_NSTAGE; i++)
        for (int g = 0; g < VR_CG_COUNT; g++)
            b.cost.ncons += b.cost.cons[i][g];
    b.cost.nwires = b.nw;
    out->cost = b.cost;
    out->nw = b.nw;
    if (rc == VR_OK && s.wit) {
        out->w = b.w;
        b.w = NULL;
    }
    if (rc == VR_OK && b.want_tags) {
        out->tags = b.tags;
        out->ntags = b.ntags;
        b.tags = NULL;
    }
    vr_cb_free(&b, true);
    vr_lc_free(&s.x);
    vr_lc_free(&s.y);
    vr_lc_free(&s.z);
    for (int j = 0; logit != NULL && j < V; j++)
        vr_lc_free(&logit[j]);
    free(logit);
    free(ain);
    free(aout);
    if (rc != VR_OK)
        vr_circuit_out_free(out);
    return rc;
}

int
vr_circuit_input_hash(vr_fr *h, const struct vr_qmlp *m, const int64_t *X)
{
    return vr_poseidon_ints(h, X, (size_t)m->lay[0].C, m->in_bits);
}

int
vr_circuit_commit(vr_fr *h, const struct vr_qmlp *m)
{
    vr_fr acc = vr_fr_zero, hw, hb, in[2];
    int64_t *tmp;
    int rc = VR_OK;

    for (int l = 0; l < m->L && rc == VR_OK; l++) {
        const struct vr_qlayer *q = &m->lay[l];
        size_t nw = (size_t)q->C * (size_t)q->OC;
        if ((tmp = vr_mallocarray(nw, sizeof(int64_t))) == NULL)
            return VR_ENOMEM;
        for (size_t i = 0; i < nw; i++)
            tmp[i] = q->W[i];
        rc = vr_poseidon_ints(&hw, tmp, nw, q->wbits);
        free(tmp);
        if (rc == VR_OK)
            rc = vr_poseidon_ints(&hb, q->b, (size_t)q->OC,
                VR_CIRCUIT_BIAS_BITS);
        in[0] = hw;
        in[1] = hb;
        if (rc == VR_OK)
            rc = vr_poseidon_hash(&hw, in, 2, &vr_fr_zero);
        in[0] = acc;
        in[1] = hw;
        if (rc == VR_OK)
            rc = vr_poseidon_hash(&acc, in, 2, &vr_fr_zero);
    }
    *h = acc;
    return rc;
}

int
vr_circuit_public(vr_fr *pub, const struct vr_circuit *c,
    const struct vr_qtrace *tr, int64_t time)
{
    const struct vr_qmlp *m = c->m;
    int rc;

    // pub[i] is wire i + 1
    vr_fr_from_i64(&pub[c->w_class - 1], tr->cls);
    if (c->invis == VR_IN_PUBLIC)
        for (int i = 0; i < m->lay[0].C; i++)
            vr_fr_from_i64(&pub[c->w_x - 1 + (uint32_t)i], tr->x[i]);
    if (c->invis == VR_IN_HASHED
        && (rc = vr_circuit_input_hash(&pub[c->w_input - 1], m, tr->x))
        != VR_OK)
        return rc;
    if (c->wvis == VR_W_HASHED
        && (rc = vr_circuit_commit(&pub[c->w_model - 1], m)) != VR_OK)
        return rc;
    vr_fr_from_i64(&pub[c->w_time - 1], time);
    return VR_OK;
}
