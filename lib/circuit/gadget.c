/* gadget.c: the circuit builder and its gadgets (see gadget.h). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "circuit/gadget.h"
#include "snark/poseidon.h"

const char *const vr_cg_names[VR_CG_COUNT] = {
    "matmul", "activation", "rescale", "range", "hash", "argmax"
};

static vr_fr pow2_tab[254];
static pthread_once_t pow2_once = PTHREAD_ONCE_INIT;

static void
pow2_init(void)
{
    pow2_tab[0] = vr_fr_one;
    for (int i = 1; i < 254; i++)
        vr_fr_dbl(&pow2_tab[i], &pow2_tab[i - 1]);
}

const vr_fr *
vr_fr_pow2(int i)
{
    VR_ASSERT(i >= 0 && i < 254);
    pthread_once(&pow2_once, pow2_init);
    return &pow2_tab[i];
}

void
vr_fr_from_i128(vr_fr *r, vr_i128 v)
{
    vr_u128 a = v < 0 ? -(vr_u128)v : (vr_u128)v;
    uint64_t lim[4] = {(uint64_t)a, (uint64_t)(a >> 64), 0, 0};

    (void)vr_fr_from_canonical(r, lim);     /* < 2^128 < r */
    if (v < 0)
        vr_fr_neg(r, r);
}

static void
fail(struct vr_cb *b, int err)
{
    if (b->err == VR_OK)
        b->err = err;
}

int
vr_cb_init(struct vr_cb *b, struct vr_r1cs *r, bool wit, uint32_t npub_out,
    uint32_t npub_in, uint32_t nprv_in)
{
    uint64_t n = 1 + (uint64_t)npub_out + npub_in + nprv_in;

    memset(b, 0, sizeof(*b));
    pthread_once(&pow2_once, pow2_init);
    if (n >= UINT32_MAX)
        return VR_ERANGE;
    b->r = r;
    b->wit = wit;
    b->nw = (uint32_t)n;
    b->cost.npublic = npub_out + npub_in;
    if (r != NULL)
        VR_ASSERT(r->nwires == n && r->ncons == 0);
    if (wit) {
        b->wcap = n < 1024 ? 1024 : (size_t)n;
        if ((b->w = vr_callocarray(b->wcap, sizeof(vr_fr))) == NULL)
            return VR_ENOMEM;
        b->w[0] = vr_fr_one;
    }
    b->cost.wires[0] = n;
    return VR_OK;
}

void
vr_cb_free(struct vr_cb *b, bool free_w)
{
    vr_lc_free(&b->a);
    vr_lc_free(&b->b);
    vr_lc_free(&b->c);
    free(b->tags);
    b->tags = NULL;
    if (free_w && b->w != NULL) {
        vr_memzero_explicit(b->w, b->wcap * sizeof(vr_fr));
        free(b->w);
        b->w = NULL;
    }
}

uint32_t
vr_cb_wire(struct vr_cb *b, const vr_fr *v)
{
    uint32_t wire = b->nw;

    if (b->nw == UINT32_MAX - 1) {
        fail(b, VR_ERANGE);
        return 0;
    }
    if (b->r != NULL && b->err == VR_OK) {
        int64_t got = vr_r1cs_alloc(b->r);
        if (got < 0)
            fail(b, (int)got);
        else
            VR_ASSERT((uint32_t)got == wire);
    }
    if (b->wit && b->err == VR_OK) {
        if (wire >= b->wcap) {
            size_t ncap = b->wcap * 2;
            vr_fr *nw = vr_reallocarray(b->w, ncap, sizeof(vr_fr));
            if (nw == NULL) {
                fail(b, VR_ENOMEM);
                return wire;
            }
            b->w = nw;
            b->wcap = ncap;
        }
        b->w[wire] = v != NULL ? *v : vr_fr_zero;
    }
    b->nw++;
    b->cost.wires[b->stage]++;
    return wire;
}

void
vr_cb_set(struct vr_cb *b, uint32_t wire, const vr_fr *v)
{
    VR_ASSERT(wire < b->nw);
    if (b->wit && b->err == VR_OK)
        b->w[wire] = *v;
}

void
vr_cb_cons(struct vr_cb *b, const struct vr_lc *a, const struct vr_lc *bb,
    const struct vr_lc *c)
{
    static const struct vr_lc empty;
    int rc;

    b->cost.cons[b->stage][b->gadget]++;
    if (b->want_tags && b->err == VR_OK) {
        if (b->ntags == b->tagcap) {
            size_t ncap = b->tagcap ? 2 * b->tagcap : 4096;
            uint16_t *nt = vr_reallocarray(b->tags, ncap, sizeof(uint16_t));
            if (nt == NULL) {
                fail(b, VR_ENOMEM);
                return;
            }
            b->tags = nt;
            b->tagcap = ncap;
        }
        b->tags[b->ntags++] = (uint16_t)(b->stage << 8 | b->gadget);
    }
    if (b->r == NULL || b->err != VR_OK)
        return;
    if ((rc = vr_r1cs_add(b->r, a ? a : &empty, bb ? bb : &empty,
        c ? c : &empty)) != VR_OK)
        fail(b, rc);
}

void
vr_lc_axpy(struct vr_cb *b, struct vr_lc *dst, const vr_fr *k,
    const struct vr_lc *src)
{
    vr_fr c;

    for (size_t i = 0; i < src->n; i++) {
        if (k != NULL)
            vr_fr_mul(&c, &src->t[i].coef, k);
        else
            c = src->t[i].coef;
        if (vr_lc_add(dst, src->t[i].wire, &c) != VR_OK)
            fail(b, VR_ENOMEM);
    }
}

void
vr_lc_wire(struct vr_cb *b, struct vr_lc *dst, uint32_t wire)
{
    vr_lc_clear(dst);
    if (vr_lc_add(dst, wire, &vr_fr_one) != VR_OK)
        fail(b, VR_ENOMEM);
}

uint32_t
vr_gadget_bits(struct vr_cb *b, const struct vr_lc *x, vr_u128 xv, int n)
{
    uint32_t first = b->nw;
    vr_fr v;

    VR_ASSERT(n >= 1 && n <= 127);
    if (b->wit && (xv >> n) != 0 && !b->lenient)
        fail(b, VR_ERANGE);
    // bit_i (bit_i - 1) = 0
    for (int i = 0; i < n; i++) {
        v = ((xv >> i) & 1) ? vr_fr_one : vr_fr_zero;
        uint32_t w = vr_cb_wire(b, &v);
        if (b->r != NULL) {
            vr_fr m1;
            vr_fr_neg(&m1, &vr_fr_one);
            vr_lc_wire(b, &b->a, w);
            vr_lc_wire(b, &b->b, w);
            if (vr_lc_add_const(&b->b, &m1) != VR_OK)
                fail(b, VR_ENOMEM);
        }
        vr_cb_cons(b, &b->a, &b->b, NULL);
    }
    // (sum 2^i bit_i) * 1 = x
    if (b->r != NULL) {
        vr_lc_clear(&b->a);
        for (int i = 0; i < n; i++)
            if (vr_lc_add(&b->a, first + (uint32_t)i, vr_fr_pow2(i)) != VR_OK)
                fail(b, VR_ENOMEM);
        vr_lc_clear(&b->b);
        if (vr_lc_add_const(&b->b, &vr_fr_one) != VR_OK)
            fail(b, VR_ENOMEM);
    }
    vr_cb_cons(b, &b->a, &b->b, x);
    return first;
}

void
vr_gadget_nonzero(struct vr_cb *b, const struct vr_lc *x, const vr_fr *xv)
{
    vr_fr inv = vr_fr_zero;

    if (b->wit) {
        if (vr_fr_is_zero(xv) && !b->lenient)
            fail(b, VR_ERANGE);
        vr_fr_inv(&inv, xv);
    }
    uint32_t w = vr_cb_wire(b, &inv);
    if (b->r != NULL) {
        vr_lc_wire(b, &b->b, w);
        vr_lc_clear(&b->c);
        if (vr_lc_add_const(&b->c, &vr_fr_one) != VR_OK)
            fail(b, VR_ENOMEM);
    }
    vr_cb_cons(b, x, &b->b, &b->c);
}

uint32_t
vr_gadget_mul(struct vr_cb *b, const struct vr_lc *x, const struct vr_lc *y,
    const vr_fr *v)
{
    uint32_t w = vr_cb_wire(b, v);

    if (b->r != NULL)
        vr_lc_wire(b, &b->c, w);
    vr_cb_cons(b, x, y, &b->c);
    return w;
}

/*
 * The Poseidon gadget.  With constraints on, lanes are kept as dense
 * combinations over the wires made inside this permutation (basis bw,
 * coefficients lane[i][k], constant lanec[i]); before the first S-box
 * they are the caller's sparse inputs.  A full round replaces the basis
 * by its t fresh x^5 wires; a partial round appends one.
 */
#define PMAXT 17
#define PMAXB (PMAXT + 1 + 68 + 1)

struct pstate {
    int t, nb;
    uint32_t bw[PMAXB];
    vr_fr lane[PMAXT][PMAXB], lanec[PMAXT];
};

/* x5 wire of the S-box on the combination x (value xv). */
static uint32_t
sbox(struct vr_cb *b, const struct vr_lc *x, const vr_fr *xv)
{
    struct vr_lc l2 = {0}, l4 = {0};
    vr_fr v2 = vr_fr_zero, v4 = vr_fr_zero, v5 = vr_fr_zero;
    uint32_t w2, w4, w5;

    if (b->wit) {
        vr_fr_sqr(&v2, xv);
        vr_fr_sqr(&v4, &v2);
        vr_fr_mul(&v5, &v4, xv);
    }
    w2 = vr_gadget_mul(b, x, x, &v2);               /* x2 = x x */
    if (b->r != NULL)
        vr_lc_wire(b, &l2, w2);
    w4 = vr_gadget_mul(b, &l2, &l2, &v4);           /* x4 = x2 x2 */
    if (b->r != NULL)
        vr_lc_wire(b, &l4, w4);
    w5 = vr_gadget_mul(b, &l4, x, &v5);             /* x5 = x4 x */
    vr_lc_free(&l2);
    vr_lc_free(&l4);
    return w5;
}

/* Lane i (plus constant c) as a sparse combination. */
static void
lane_lc(struct vr_cb *b, struct vr_lc *out, const struct pstate *s, int i,
    const vr_fr *c)
{
    vr_fr k;

    vr_lc_clear(out);
    for (int j = 0; j < s->nb; j++)
        if (!vr_fr_is_zero(&s->lane[i][j])
            && vr_lc_add(out, s->bw[j], &s->lane[i][j]) != VR_OK)
            fail(b, VR_ENOMEM);
    vr_fr_add(&k, &s->lanec[i], c);
    if (!vr_fr_is_zero(&k) && vr_lc_add_const(out, &k) != VR_OK)
        fail(b, VR_ENOMEM);
}

void
vr_gadget_poseidon(struct vr_cb *b, struct vr_lc *out, vr_fr *outv,
    const struct vr_lc *in, const vr_fr *inv, int t)
{
    const vr_fr *C, *M;
    int rp;
    struct pstate *s = NULL;
    struct vr_lc x = {0};
    vr_fr sv[PMAXT], tmp[PMAXT], prod;
    uint32_t w5[PMAXT];
    bool cons = b->r != NULL;

    if (vr_poseidon_params(&C, &M, &rp, t) != VR_OK) {
        fail(b, VR_ERANGE);
        return;
    }
    if (cons && (s = calloc(1, sizeof(*s))) == NULL) {
        fail(b, VR_ENOMEM);
        return;
    }
    if (s != NULL)
        s->t = t;
    // state = [0, in_1 .. in_{t-1}]
    sv[0] = vr_fr_zero;
    for (int i = 1; i < t; i++)
        sv[i] = b->wit ? inv[i - 1] : vr_fr_zero;
    int nr = VR_POSEIDON_RF + rp;
    for (int rho = 0; rho < nr; rho++) {
        bool full = rho < VR_POSEIDON_RF / 2 || rho >= VR_POSEIDON_RF / 2 + rp;
        const vr_fr *c = &C[rho * t];
        // ARK and S-boxes
        for (int i = 0; i < t; i++)
            vr_fr_add(&sv[i], &sv[i], &c[i]);
        for (int i = 0; i < (full ? t : 1); i++) {
            if (cons) {
                if (rho == 0) {
                    vr_lc_clear(&x);
                    if (i > 0)
                        vr_lc_axpy(b, &x, NULL, &in[i - 1]);
                    if (vr_lc_add_const(&x, &c[i]) != VR_OK)
                        fail(b, VR_ENOMEM);
                } else {
                    lane_lc(b, &x, s, i, &c[i]);
                }
            }
            vr_fr xv = sv[i];
            w5[i] = sbox(b, &x, &xv);
            if (b->wit) {
                vr_fr x2;
                vr_fr_sqr(&x2, &xv);
                vr_fr_sqr(&x2, &x2);
                vr_fr_mul(&sv[i], &x2, &xv);
            }
        }
        if (cons) {
            if (full) {
                // lanes = unit vectors on the fresh x^5 wires
                s->nb = t;
                for (int i = 0; i < t; i++) {
                    s->bw[i] = w5[i];
                    for (int j = 0; j < t; j++)
                        s->lane[i][j] = i == j ? vr_fr_one : vr_fr_zero;
                    s->lanec[i] = vr_fr_zero;
                }
            } else {
                // lane 0 = the new wire; the others take their constant
                VR_ASSERT(s->nb < PMAXB);
                int k = s->nb++;
                s->bw[k] = w5[0];
                for (int i = 0; i < t; i++)
                    s->lane[i][k] = vr_fr_zero;
                for (int j = 0; j < k; j++)
                    s->lane[0][j] = vr_fr_zero;
                s->lane[0][k] = vr_fr_one;
                s->lanec[0] = vr_fr_zero;
                for (int i = 1; i < t; i++)
                    vr_fr_add(&s->lanec[i], &s->lanec[i], &c[i]);
            }
            // MIX: lane'_i = sum_j M[i][j] lane_j, column by column
            vr_fr col[PMAXT];
            for (int k = -1; k < s->nb; k++) {
                for (int i = 0; i < t; i++) {
                    col[i] = vr_fr_zero;
                    for (int j = 0; j < t; j++) {
                        const vr_fr *e = k < 0 ? &s->lanec[j] : &s->lane[j][k];
                        if (vr_fr_is_zero(e))
                            continue;
                        vr_fr_mul(&prod, &M[i * t + j], e);
                        vr_fr_add(&col[i], &col[i], &prod);
                    }
                }
                for (int i = 0; i < t; i++) {
                    if (k < 0)
                        s->lanec[i] = col[i];
                    else
                        s->lane[i][k] = col[i];
                }
            }
        }
        if (b->wit) {
            for (int i = 0; i < t; i++) {
                tmp[i] = vr_fr_zero;
                for (int j = 0; j < t; j++) {
                    vr_fr_mul(&prod, &M[i * t + j], &sv[j]);
                    vr_fr_add(&tmp[i], &tmp[i], &prod);
                }
            }
            for (int i = 0; i < t; i++)
                sv[i] = tmp[i];
        }
    }
    if (cons)
        lane_lc(b, out, s, 0, &vr_fr_zero);
    if (b->wit)
        *outv = sv[0];
    vr_lc_free(&x);
    free(s);
}
