/*
 * Unit tests for Poseidon (native and gadget) and lib/circuit: every
 * vector of ../shared/reference/zk/vectors/poseidon.json of width 3 and
 * 17; random models whose witnesses satisfy their R1CS with the class
 * lib/quant predicts, and that agree with the float model they were
 * quantised from; lying witnesses that each gadget must refuse; a
 * small circuit proved and verified.
 */
#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util_json.h"
#include "util_qmlp.h"
#include "util_test.h"
#include "vr.h"
#include "base/rng.h"
#include "circuit/circuit.h"
#include "nn/mlp.h"
#include "quant/quantize.h"
#include "snark/groth16.h"
#include "snark/poseidon.h"

static void
fr_dec(vr_fr *r, const char *dec)
{
    mpz_t z;
    unsigned char be[32];
    size_t n;

    mpz_init_set_str(z, dec, 10);
    memset(be, 0, 32);
    ck_assert(mpz_sizeinbase(z, 2) <= 256);
    mpz_export(be + 32 - (mpz_sizeinbase(z, 256)), &n, 1, 1, 1, 0, z);
    if (mpz_sgn(z) == 0)
        memset(be, 0, 32);
    ck_assert_int_eq(vr_fr_from_bytes_be(r, be), VR_OK);
    mpz_clear(z);
}

START_TEST(test_poseidon_vectors)
{
    struct vr_json *j = vr_json_load(
        vr_test_shared("reference/zk/vectors/poseidon.json"));
    const struct vr_json *v = vr_json_req(j, "vectors");
    int nchecked = 0;

    for (size_t i = 0; i < v->n; i++) {
        const struct vr_json *e = vr_json_at(v, i);
        int t = atoi(vr_json_text(e, "t"));
        if ((t != 3 && t != 17) || vr_json_get(e, "nOut") != NULL)
            continue;
        const struct vr_json *in = vr_json_req(e, "inputs");
        vr_fr x[16], init = vr_fr_zero, want, got;
        ck_assert_int_eq((int)in->n, t - 1);
        for (size_t k = 0; k < in->n; k++)
            fr_dec(&x[k], vr_json_at(in, k)->text);
        if (vr_json_get(e, "initState") != NULL)
            fr_dec(&init, vr_json_text(e, "initState"));
        fr_dec(&want, vr_json_text(e, "output"));
        ck_assert_int_eq(vr_poseidon_hash(&got, x, in->n, &init), VR_OK);
        ck_assert_msg(vr_fr_eq(&got, &want), "vector %zu (t = %d)", i, t);
        nchecked++;
    }
    ck_assert_int_ge(nchecked, 6);
    // nOut = 3 (PoseidonEx): the whole state after the permutation
    for (size_t i = 0; i < v->n; i++) {
        const struct vr_json *e = vr_json_at(v, i);
        if (atoi(vr_json_text(e, "t")) != 3 || vr_json_get(e, "nOut") == NULL)
            continue;
        const struct vr_json *in = vr_json_req(e, "inputs");
        const struct vr_json *out = vr_json_req(e, "output");
        vr_fr st[3] = {vr_fr_zero}, want;
        for (size_t k = 0; k < in->n; k++)
            fr_dec(&st[k + 1], vr_json_at(in, k)->text);
        ck_assert_int_eq(vr_poseidon_permute(st, 3), VR_OK);
        for (size_t k = 0; k < out->n; k++) {
            fr_dec(&want, vr_json_at(out, k)->text);
            ck_assert(vr_fr_eq(&st[k], &want));
        }
        nchecked++;
    }
    ck_assert_int_ge(nchecked, 7);
    vr_fr x[4] = {vr_fr_one};
    vr_fr h;
    ck_assert_int_eq(vr_poseidon_hash(&h, x, 3, &vr_fr_zero), VR_ERANGE);
    vr_json_free(j);
}
END_TEST

START_TEST(test_poseidon_gadget)
{
    struct vr_rng rng;
    int t = _i == 0 ? 3 : 17;

    vr_rng_seed(&rng, vr_test_seed() + (uint64_t)_i);
    for (int rep = 0; rep < 2; rep++) {
        struct vr_r1cs r;
        struct vr_cb b;
        struct vr_lc in[16], out = {0};
        vr_fr inv[16], outv, want, got;
        size_t bad;

        memset(in, 0, sizeof(in));
        ck_assert_int_eq(vr_r1cs_init(&r, 0, 0, (uint32_t)t - 1), VR_OK);
        ck_assert_int_eq(vr_cb_init(&b, &r, true, 0, 0, (uint32_t)t - 1),
            VR_OK);
        for (int i = 0; i < t - 1; i++) {
            vr_fr_from_u64(&inv[i], vr_rng_u64(&rng));
            if (rep == 1)
                vr_fr_mul(&inv[i], &inv[i], &inv[i]);
            vr_cb_set(&b, (uint32_t)i + 1, &inv[i]);
            vr_lc_wire(&b, &in[i], (uint32_t)i + 1);
        }
        vr_gadget_poseidon(&b, &out, &outv, in, inv, t);
        ck_assert_int_eq(b.err, VR_OK);
        ck_assert_int_eq(vr_poseidon_hash(&want, inv, (size_t)t - 1,
            &vr_fr_zero), VR_OK);
        ck_assert(vr_fr_eq(&outv, &want));
        // the output combination evaluates to the hash
        got = vr_fr_zero;
        for (size_t k = 0; k < out.n; k++) {
            vr_fr p;
            vr_fr_mul(&p, &out.t[k].coef, &b.w[out.t[k].wire]);
            vr_fr_add(&got, &got, &p);
        }
        ck_assert(vr_fr_eq(&got, &want));
        ck_assert_int_eq(vr_r1cs_check(&r, b.w, &bad), VR_OK);
        int rp = t == 3 ? 57 : 68;
        ck_assert_uint_eq(r.ncons, (size_t)(3 * (8 * t + rp)));
        // a wrong S-box output is caught
        b.w[t + 2] = vr_fr_one;
        ck_assert_int_eq(vr_r1cs_check(&r, b.w, &bad), VR_EREJECT);
        for (int i = 0; i < 16; i++)
            vr_lc_free(&in[i]);
        vr_lc_free(&out);
        vr_cb_free(&b, true);
        vr_r1cs_free(&r);
    }
}
END_TEST

START_TEST(test_poseidon_ints)
{
    int64_t v[40];
    vr_fr h, in[16], want, e;

    // one value: h0 = 1 * 2^8 + 16, e0 = 5 + 2^15
    v[0] = 5;
    ck_assert_int_eq(vr_poseidon_ints(&h, v, 1, 16), VR_OK);
    for (int i = 0; i < 16; i++)
        in[i] = vr_fr_zero;
    vr_fr_from_u64(&in[0], 256 + 16);
    vr_fr_from_u64(&in[1], 5 + 32768);
    ck_assert_int_eq(vr_poseidon_hash(&want, in, 16, &vr_fr_zero), VR_OK);
    ck_assert(vr_fr_eq(&h, &want));
    // 40 values of 62 bits: 4 a field element, 10 elements, one step
    for (int i = 0; i < 40; i++)
        v[i] = i % 2 ? -i : i;
    ck_assert_int_eq(vr_poseidon_ints(&h, v, 40, 62), VR_OK);
    vr_fr_from_u64(&in[0], 40 * 256 + 62);
    for (int j = 0; j < 15; j++) {
        in[j + 1] = vr_fr_zero;
        for (int q = 3; q >= 0 && j < 10; q--) {
            uint64_t u = (uint64_t)(v[j * 4 + q] + ((int64_t)1 << 61));
            vr_fr_from_u64(&e, u);
            for (int s = 0; s < 62; s++)
                vr_fr_dbl(&in[j + 1], &in[j + 1]);
            vr_fr_add(&in[j + 1], &in[j + 1], &e);
        }
    }
    ck_assert_int_eq(vr_poseidon_hash(&want, in, 16, &vr_fr_zero), VR_OK);
    ck_assert(vr_fr_eq(&h, &want));
    ck_assert_uint_eq(vr_poseidon_ints_steps(480, 16), 3);
    v[0] = 1 << 15;
    ck_assert_int_eq(vr_poseidon_ints(&h, v, 1, 16), VR_ERANGE);
    ck_assert_int_eq(vr_poseidon_ints(&h, v, 0, 16), VR_ERANGE);
}
END_TEST

/* A random model in the style of check_quant's, small values. */
static void
random_qmlp(struct vr_qmlp *m, struct vr_rng *rng, int act, int nin)
{
    static const struct vr_test_qpoly poly = {2, 2, 10, 5};
    int L = 2 + (int)vr_rng_below(rng, 2), dims[VR_QMLP_MAXL + 1];

    dims[0] = nin;
    for (int l = 1; l <= L; l++)
        dims[l] = 2 + (int)vr_rng_below(rng, 7);
    dims[L] = 3;
    ck_assert_int_eq(vr_qmlp_init(m, dims, L), VR_OK);
    m->in_bits = 4 + (int)vr_rng_below(rng, 10);
    int fin = (int)vr_rng_below(rng, 6);
    for (int l = 0; l < L; l++) {
        struct vr_qlayer *q = &m->lay[l];
        q->fin = fin;
        q->wbits = 2 + (int)vr_rng_below(rng, 7);
        q->fw = (int)vr_rng_below(rng, 6);
        vr_test_qlayer_fill(q, rng, l == L - 1 ? VR_QACT_NONE : act, &poly);
        fin = vr_qlayer_fout(q);
    }
    ck_assert_int_eq(vr_qmlp_check(m), VR_OK);
}

START_TEST(test_circuit_random)
{
    struct vr_rng rng;
    long iters = vr_test_iters(16);
    int nok = 0, nplan = 0;

    vr_rng_seed(&rng, vr_test_seed() + 100 + (uint64_t)_i);
    for (long it = 0; it < iters; it++) {
        struct vr_qmlp m;
        struct vr_circuit c;
        struct vr_circuit_out cr, cw, both;
        struct vr_qtrace tr;
        char why[128];
        int64_t X[40], Xs[6][40];
        vr_fr pub[64];
        size_t bad;
        int act = it % 2 ? VR_QACT_POLY : VR_QACT_RELU;
        int invis = (int)(it / 2 % 3), wvis = (int)(it / 6 % 2);
        int margin = it % 4 == 3 ? 1 : -1;

        random_qmlp(&m, &rng, act, 3 + (int)vr_rng_below(&rng, 30));
        // the inputs; with seen ranges, their bounds are the seen ones
        ck_assert_int_eq(vr_qtrace_init(&tr, &m), VR_OK);
        vr_qmlp_bounds_reset(&m);
        for (int s = 0; s < 6; s++) {
            vr_test_qinput(Xs[s], &m, &rng);
            if (vr_qmlp_infer(&m, &tr, NULL, Xs[s]) >= 0)
                vr_qmlp_bounds_add(&m, &tr);
        }
        vr_qtrace_free(&tr);
        if (vr_circuit_plan(&c, &m, invis, wvis, margin, why, sizeof(why))
            != VR_OK) {
            vr_qmlp_free(&m);
            continue;
        }
        nplan++;
        ck_assert_int_eq(vr_circuit_build(&cr, &c, NULL, 0, VR_CIRCUIT_R1CS),
            VR_OK);
        ck_assert_uint_eq(cr.r.ncons, cr.cost.ncons);
        ck_assert_int_eq(vr_qtrace_init(&tr, &m), VR_OK);
        for (int s = 0; s < 6; s++) {
            memcpy(X, Xs[s], sizeof(X));
            int cls = vr_qmlp_infer(&m, &tr, NULL, X);
            if (cls < 0)
                continue;
            int64_t time = 1700000000000 + s;
            ck_assert_int_eq(vr_circuit_build(&cw, &c, &tr, time,
                VR_CIRCUIT_WITNESS), VR_OK);
            ck_assert_uint_eq(cw.nw, cr.r.nwires);
            ck_assert_int_eq(vr_r1cs_check(&cr.r, cw.w, &bad), VR_OK);
            // the class wire is lib/quant's class
            vr_fr want;
            vr_fr_from_i64(&want, cls);
            ck_assert(vr_fr_eq(&cw.w[c.w_class], &want));
            // the public signals as a verifier computes them
            ck_assert_int_eq(vr_circuit_public(pub, &c, &tr, time), VR_OK);
            for (uint32_t i = 0; i < c.npub_out + c.npub_in; i++)
                ck_assert(vr_fr_eq(&pub[i], &cw.w[i + 1]));
            // both at once: the same witness
            if (s == 0 || it < 4) {
                ck_assert_int_eq(vr_circuit_build(&both, &c, &tr, time,
                    VR_CIRCUIT_R1CS | VR_CIRCUIT_WITNESS), VR_OK);
                ck_assert(memcmp(both.w, cw.w, cw.nw * sizeof(vr_fr)) == 0);
                ck_assert_uint_eq(both.r.nterms, cr.r.nterms);
                vr_circuit_out_free(&both);
            }
            vr_circuit_out_free(&cw);
            nok++;
        }
        vr_qtrace_free(&tr);
        vr_circuit_out_free(&cr);
        vr_qmlp_free(&m);
    }
    ck_assert_int_gt(nplan, iters / 2);
    ck_assert_int_gt(nok, 0);
}
END_TEST

#define BOUND_PCT 97

/*
 * A float MLP (lib/nn) quantised by vr_quant_build at 8-bit weights:
 * over many standard-normal windows, the proved class wire is lib/quant's
 * integer class always, equals the float model's argmax wherever the
 * integer class does (asserted explicitly), and the two agree on most
 * windows.  _i: 0 ReLU, 1 cubic (a polynomial layer in the circuit).
 */
START_TEST(test_circuit_float)
{
    static const char *acts[] = {"relu", "cubic"};
    int dims[4] = {48, 32, 16, 3}, L = 3, wb[3] = {8, 8, 8};
    int B = 256, N = (int)vr_test_iters(1000), nagree = 0, nok = 0;
    struct vr_act a[2];
    struct vr_mlp m;
    struct vr_qmlp q;
    struct vr_qtrace tr;
    struct vr_circuit c;
    struct vr_circuit_out cr, cw;
    struct vr_rng rng;
    char why[128];
    size_t bad;
    float *x = malloc((size_t)N * 48 * sizeof(float));
    float *lg = malloc((size_t)N * 3 * sizeof(float));

    ck_assert(x != NULL && lg != NULL);
    vr_rng_seed(&rng, vr_test_seed() + 300 + (uint64_t)_i);
    for (int l = 0; l < L - 1; l++)
        ck_assert_int_eq(vr_act_lookup(&a[l], acts[_i]), VR_OK);
    ck_assert_int_eq(vr_mlp_init(&m, dims, L, a), VR_OK);
    /*
     * A PyTorch-initialised net often puts nearly every window in one
     * class (its biases dominate); draw until no class takes more than
     * 3/4 of the windows, so that agreement is not one class's share.
     */
    for (int tries = 0;; tries++) {
        int h[3] = {0};
        ck_assert_int_lt(tries, 50);
        vr_mlp_init_params(&m, &rng);
        for (size_t i = 0; i < (size_t)N * 48; i++)
            x[i] = (float)vr_rng_normal(&rng);
        ck_assert_int_eq(vr_mlp_forward(&m, lg, x, N), VR_OK);
        for (int n = 0; n < N; n++) {
            const float *o = lg + n * 3;
            int k = o[1] > o[0] ? 1 : 0;
            h[o[2] > o[k] ? 2 : k]++;
        }
        if (h[0] * 4 <= N * 3 && h[1] * 4 <= N * 3 && h[2] * 4 <= N * 3)
            break;
    }
    // calibration on other windows from the same law
    float *xc = malloc((size_t)B * 48 * sizeof(float));
    ck_assert(xc != NULL);
    for (size_t i = 0; i < (size_t)B * 48; i++)
        xc[i] = (float)vr_rng_normal(&rng);
    ck_assert_int_eq(vr_quant_build(&q, &m, wb, 16, 16, xc, B), VR_OK);
    free(xc);
    ck_assert_int_eq(vr_mlp_forward(&m, lg, x, N), VR_OK);
    ck_assert_int_eq(vr_circuit_plan(&c, &q, VR_IN_HASHED, VR_W_FIXED, -1,
        why, sizeof(why)), VR_OK);
    ck_assert_int_eq(vr_circuit_build(&cr, &c, NULL, 0, VR_CIRCUIT_R1CS),
        VR_OK);
    ck_assert_int_eq(vr_qtrace_init(&tr, &q), VR_OK);
    for (int n = 0; n < N; n++) {
        int64_t X[48];
        vr_fr want;
        const float *o = lg + n * 3;
        int fcls = o[1] > o[0] ? 1 : 0;
        if (o[2] > o[fcls])
            fcls = 2;
        ck_assert_int_eq(vr_qmlp_quantize_input(&q, X, x + n * 48), VR_OK);
        int icls = vr_qmlp_infer(&q, &tr, NULL, X);
        ck_assert_int_ge(icls, 0);
        ck_assert_int_eq(vr_circuit_build(&cw, &c, &tr, 1700000000000 + n,
            VR_CIRCUIT_WITNESS), VR_OK);
        ck_assert_int_eq(vr_r1cs_check(&cr.r, cw.w, &bad), VR_OK);
        vr_fr_from_i64(&want, icls);
        ck_assert(vr_fr_eq(&cw.w[c.w_class], &want));
        if (icls == fcls) {
            vr_fr_from_i64(&want, fcls);
            ck_assert(vr_fr_eq(&cw.w[c.w_class], &want));
            nagree++;
        }
        vr_circuit_out_free(&cw);
        nok++;
    }
    /*
     * Controls: the same count for two broken scales must fall below the
     * bound: (a) the biases at the weights' scale 2^fw instead of the
     * accumulator's 2^(fin + fw); (b) the input at a quarter of its scale.
     */
    int nbias = 0, ninput = 0, hist[3] = {0};
    int64_t *bsave[VR_QMLP_MAXL];
    for (int l = 0; l < L; l++) {
        struct vr_qlayer *ql = &q.lay[l];
        bsave[l] = malloc((size_t)ql->OC * sizeof(int64_t));
        ck_assert(bsave[l] != NULL);
        memcpy(bsave[l], ql->b, (size_t)ql->OC * sizeof(int64_t));
    }
    for (int n = 0; n < N; n++) {
        int64_t X[48];
        const float *o = lg + n * 3;
        int fcls = o[1] > o[0] ? 1 : 0;
        if (o[2] > o[fcls])
            fcls = 2;
        hist[fcls]++;
        ck_assert_int_eq(vr_qmlp_quantize_input(&q, X, x + n * 48), VR_OK);
        for (int l = 0; l < L; l++)
            for (int k = 0; k < q.lay[l].OC; k++)
                q.lay[l].b[k] = bsave[l][k] >> (q.lay[l].fin > 0
                    ? q.lay[l].fin : 0);
        nbias += vr_qmlp_infer(&q, NULL, NULL, X) == fcls;
        for (int l = 0; l < L; l++)
            memcpy(q.lay[l].b, bsave[l], (size_t)q.lay[l].OC
                * sizeof(int64_t));
        for (int k = 0; k < 48; k++)
            X[k] /= 4;
        ninput += vr_qmlp_infer(&q, NULL, NULL, X) == fcls;
    }
    for (int l = 0; l < L; l++)
        free(bsave[l]);
    ck_assert(hist[0] * 4 <= N * 3 && hist[1] * 4 <= N * 3
        && hist[2] * 4 <= N * 3);
    ck_assert_msg(nbias * 100 < N * BOUND_PCT && ninput * 100 < N
        * BOUND_PCT, "%s: a broken scale agrees %d, %d / %d", acts[_i],
        nbias, ninput, N);
    fprintf(stderr, "circuit float %s: classes %d/%d/%d; broken bias "
        "scale %d, broken input scale %d\n", acts[_i], hist[0], hist[1],
        hist[2], nbias, ninput);
    fprintf(stderr, "circuit float %s: proved class = float class on "
        "%d / %d windows (%.1f %%)\n", acts[_i], nagree, nok,
        100.0 * nagree / nok);
    ck_assert_int_eq(nok, N);
    ck_assert_msg(nagree * 100 >= N * BOUND_PCT, "%s: agreement %d / %d",
        acts[_i], nagree, N);
    vr_qtrace_free(&tr);
    vr_circuit_out_free(&cr);
    vr_qmlp_free(&q);
    vr_mlp_free(&m);
    free(x);
    free(lg);
}
END_TEST

/*
 * A lying trace (tamper applied to an honest one) built leniently: the
 * R1CS must refuse it, first at a constraint of (stage, gadget).
 */
static void
expect_refused(const struct vr_circuit *c, const struct vr_r1cs *r,
    const uint16_t *tags, const struct vr_qtrace *tr, int stage, int gadget,
    const char *what)
{
    struct vr_circuit_out cw;
    size_t bad;

    ck_assert_int_eq(vr_circuit_build(&cw, c, tr, 7, VR_CIRCUIT_WITNESS
        | VR_CIRCUIT_LENIENT), VR_OK);
    ck_assert_msg(vr_r1cs_check(r, cw.w, &bad) == VR_EREJECT,
        "%s: the lie satisfies the circuit", what);
    ck_assert_msg(bad != SIZE_MAX && tags[bad] == (stage << 8 | gadget),
        "%s: first failure at constraint %zu, stage %d gadget %s; wanted "
        "stage %d gadget %s", what, bad, tags[bad] >> 8,
        vr_cg_names[tags[bad] & 0xff], stage, vr_cg_names[gadget]);
    vr_circuit_out_free(&cw);
}

/* Copy of a trace (values only), for tampering. */
static void
trace_copy(struct vr_qtrace *dst, const struct vr_qtrace *src,
    const struct vr_qmlp *m)
{
    memcpy(dst->x, src->x, (size_t)m->lay[0].C * sizeof(int64_t));
    for (int l = 0; l < m->L; l++) {
        size_t n = (size_t)m->lay[l].OC;
        memcpy(dst->z[l], src->z[l], n * sizeof(int64_t));
        memcpy(dst->u[l], src->u[l], n * sizeof(int64_t));
        memcpy(dst->a[l], src->a[l], n * sizeof(int64_t));
        memcpy(dst->rpre[l], src->rpre[l], n * sizeof(int64_t));
        memcpy(dst->p[l], src->p[l], n * sizeof(vr_i128));
        memcpy(dst->rpost[l], src->rpost[l], n * sizeof(vr_i128));
    }
    dst->cls = src->cls;
}

START_TEST(test_circuit_cheats)
{
    struct vr_rng rng;
    int nrelu = 0, nresc = 0, narg = 0, npoly = 0;

    vr_rng_seed(&rng, vr_test_seed() + 200);
    for (int it = 0; it < 40; it++) {
        struct vr_qmlp m;
        struct vr_circuit c;
        struct vr_circuit_out cr;
        struct vr_qtrace tr, lie;
        int64_t X[40];
        int act = it % 2 ? VR_QACT_POLY : VR_QACT_RELU;

        random_qmlp(&m, &rng, act, 8);
        if (vr_circuit_plan(&c, &m, VR_IN_HASHED, VR_W_FIXED, -1, NULL, 0)
            != VR_OK) {
            vr_qmlp_free(&m);
            continue;
        }
        ck_assert_int_eq(vr_circuit_build(&cr, &c, NULL, 0,
            VR_CIRCUIT_R1CS | VR_CIRCUIT_TAGS), VR_OK);
        ck_assert_int_eq(vr_qtrace_init(&tr, &m), VR_OK);
        ck_assert_int_eq(vr_qtrace_init(&lie, &m), VR_OK);
        vr_test_qinput(X, &m, &rng);
        if (vr_qmlp_infer(&m, &tr, NULL, X) < 0)
            goto next;
        // the input clamp: X_0 = 2^(b-1) (just outside)
        trace_copy(&lie, &tr, &m);
        lie.x[0] = (int64_t)1 << (m.in_bits - 1);
        expect_refused(&c, &cr.r, cr.tags, &lie, 0, VR_CG_RANGE, "clamp +");
        lie.x[0] = -((int64_t)1 << (m.in_bits - 1));
        expect_refused(&c, &cr.r, cr.tags, &lie, 0, VR_CG_RANGE, "clamp -");
        // layer 0: claim U one more than rs(Z, kpre) (remainder would be
        // negative), or with the sign of ReLU flipped
        {
            const struct vr_qlayer *q = &m.lay[0];
            int gad = c.ubits[0] == 0 ? VR_CG_ACT
                : q->kpre > 0 ? VR_CG_RESCALE : VR_CG_RANGE;
            trace_copy(&lie, &tr, &m);
            lie.z[0][0] += (int64_t)1 << q->kpre;
            lie.u[0][0] += 1;
            expect_refused(&c, &cr.r, cr.tags, &lie, 1, gad, "quotient");
            nresc++;
            if (q->act == VR_QACT_RELU) {
                // a negative U passed through, a positive one zeroed
                for (int o = 0; o < q->OC; o++) {
                    trace_copy(&lie, &tr, &m);
                    lie.a[0][o] = tr.u[0][o] < 0 ? tr.u[0][o] : 0;
                    if (lie.a[0][o] == tr.a[0][o])
                        continue;
                    expect_refused(&c, &cr.r, cr.tags, &lie, 1, VR_CG_ACT,
                        "relu value");
                    // the sign bit lies: U shifted by 2^B flips it
                    trace_copy(&lie, &tr, &m);
                    lie.z[0][o] += (tr.u[0][o] < 0 ? 1 : -1)
                        * ((int64_t)1 << (q->kpre + c.ubits[0]));
                    expect_refused(&c, &cr.r, cr.tags, &lie, 1, gad,
                        "relu sign");
                    nrelu++;
                    break;
                }
            } else if (c.abits[0] > 0) {
                // the polynomial's rescale: A' one more
                trace_copy(&lie, &tr, &m);
                lie.p[0][0] += (vr_i128)1 << q->kpost;
                lie.a[0][0] += 1;
                expect_refused(&c, &cr.r, cr.tags, &lie, 1, VR_CG_RESCALE,
                    "poly rescale");
                npoly++;
            }
        }
        // the argmax: every other class
        for (int k = 1; k < 3; k++) {
            trace_copy(&lie, &tr, &m);
            lie.cls = (tr.cls + k) % 3;
            expect_refused(&c, &cr.r, cr.tags, &lie, m.L + 1, VR_CG_ARGMAX,
                "class");
            narg++;
        }
next:
        vr_qtrace_free(&tr);
        vr_qtrace_free(&lie);
        vr_circuit_out_free(&cr);
        vr_qmlp_free(&m);
    }
    ck_assert_int_gt(nrelu, 0);
    ck_assert_int_gt(nresc, 0);
    ck_assert_int_gt(narg, 0);
    ck_assert_int_gt(npoly, 0);
}
END_TEST

/* Ties: two identical logits; only the lower index may be claimed. */
START_TEST(test_circuit_tie)
{
    struct vr_qmlp m;
    struct vr_circuit c;
    struct vr_circuit_out cr, cw;
    struct vr_qtrace tr;
    int dims[3] = {4, 3, 3};
    int64_t X[4] = {3, -2, 1, 0};
    size_t bad;

    ck_assert_int_eq(vr_qmlp_init(&m, dims, 2), VR_OK);
    m.in_bits = 8;
    for (int l = 0; l < 2; l++) {
        struct vr_qlayer *q = &m.lay[l];
        q->wbits = 4;
        q->act = l == 0 ? VR_QACT_RELU : VR_QACT_NONE;
        for (int i = 0; i < q->C * q->OC; i++)
            q->W[i] = (int32_t)(i % 5) - 2;
    }
    // classes 1 and 2 share their row and bias; class 0 is far below
    for (int i = 0; i < 3; i++) {
        m.lay[1].W[3 + i] = m.lay[1].W[6 + i] = 3;
        m.lay[1].W[i] = -3;
    }
    ck_assert_int_eq(vr_qmlp_check(&m), VR_OK);
    ck_assert_int_eq(vr_circuit_plan(&c, &m, VR_IN_PUBLIC, VR_W_FIXED, -1,
        NULL, 0), VR_OK);
    ck_assert_int_eq(vr_qtrace_init(&tr, &m), VR_OK);
    ck_assert_int_eq(vr_qmlp_infer(&m, &tr, NULL, X), 1);
    ck_assert(tr.a[1][1] == tr.a[1][2]);
    ck_assert_int_eq(vr_circuit_build(&cr, &c, NULL, 0, VR_CIRCUIT_R1CS
        | VR_CIRCUIT_TAGS), VR_OK);
    ck_assert_int_eq(vr_circuit_build(&cw, &c, &tr, 0, VR_CIRCUIT_WITNESS),
        VR_OK);
    ck_assert_int_eq(vr_r1cs_check(&cr.r, cw.w, &bad), VR_OK);
    vr_circuit_out_free(&cw);
    tr.cls = 2;
    expect_refused(&c, &cr.r, cr.tags, &tr, 3, VR_CG_ARGMAX, "tie");
    vr_circuit_out_free(&cr);
    vr_qtrace_free(&tr);
    vr_qmlp_free(&m);
}
END_TEST

/* A small model circuit through Groth16: proved, verified, and refused
 * with another class or another input hash. */
START_TEST(test_circuit_groth16)
{
    struct vr_rng rng;
    struct vr_qmlp m;
    struct vr_circuit c;
    struct vr_circuit_out cr, cw;
    struct vr_qtrace tr;
    struct vr_g16_pk pk;
    struct vr_g16_vk vk;
    struct vr_g16_pvk pvk;
    struct vr_g16_proof pi;
    int64_t X[16];
    vr_fr pub[8];
    size_t bad;
    int cls = -1;

    vr_rng_seed(&rng, vr_test_seed() + 300);
    for (int tries = 0; tries < 50; tries++) {
        random_qmlp(&m, &rng, VR_QACT_RELU, 16);
        if (vr_circuit_plan(&c, &m, VR_IN_HASHED, VR_W_FIXED, -1, NULL, 0)
            == VR_OK) {
            ck_assert_int_eq(vr_qtrace_init(&tr, &m), VR_OK);
            vr_test_qinput(X, &m, &rng);
            if ((cls = vr_qmlp_infer(&m, &tr, NULL, X)) >= 0)
                break;
            vr_qtrace_free(&tr);
        }
        vr_qmlp_free(&m);
    }
    ck_assert_int_ge(cls, 0);
    ck_assert_int_eq(vr_circuit_build(&cr, &c, NULL, 0, VR_CIRCUIT_R1CS),
        VR_OK);
    ck_assert_int_eq(vr_circuit_build(&cw, &c, &tr, 42, VR_CIRCUIT_WITNESS),
        VR_OK);
    ck_assert_int_eq(vr_r1cs_check(&cr.r, cw.w, &bad), VR_OK);
    ck_assert_int_eq(vr_g16_setup(&pk, &vk, &cr.r, 1), VR_OK);
    ck_assert_int_eq(vr_g16_prepare(&pvk, &vk), VR_OK);
    ck_assert_int_eq(vr_g16_prove(&pi, &pk, cw.w, cw.nw, 1), VR_OK);
    ck_assert_int_eq(vr_circuit_public(pub, &c, &tr, 42), VR_OK);
    size_t np = vr_r1cs_npublic(&cr.r);
    ck_assert_uint_eq(np, 3);
    ck_assert_int_eq(vr_g16_verify(&pvk, &pi, pub, np), VR_OK);
    vr_fr_from_i64(&pub[0], (cls + 1) % 3);
    ck_assert_int_eq(vr_g16_verify(&pvk, &pi, pub, np), VR_EREJECT);
    ck_assert_int_eq(vr_circuit_public(pub, &c, &tr, 42), VR_OK);
    X[0] = X[0] > 0 ? X[0] - 1 : X[0] + 1;
    ck_assert_int_eq(vr_circuit_input_hash(&pub[1], &m, X), VR_OK);
    ck_assert_int_eq(vr_g16_verify(&pvk, &pi, pub, np), VR_EREJECT);
    vr_g16_pvk_free(&pvk);
    vr_g16_pk_free(&pk);
    vr_g16_vk_free(&vk);
    vr_circuit_out_free(&cw);
    vr_circuit_out_free(&cr);
    vr_qtrace_free(&tr);
    vr_qmlp_free(&m);
}
END_TEST

static Suite *
circuit_suite(void)
{
    Suite *s = suite_create("circuit");
    TCase *tc = tcase_create("poseidon");

    tcase_add_test(tc, test_poseidon_vectors);
    tcase_add_loop_test(tc, test_poseidon_gadget, 0, 2);
    tcase_add_test(tc, test_poseidon_ints);
    suite_add_tcase(s, tc);
    tc = tcase_create("circuit");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_circuit_random, 0, 2);
    tcase_add_loop_test(tc, test_circuit_float, 0, 2);
    tcase_add_test(tc, test_circuit_cheats);
    tcase_add_test(tc, test_circuit_tie);
    tcase_add_test(tc, test_circuit_groth16);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vr_test_run(circuit_suite());
}
