/*
 * Unit tests for lib/snark: R1CS builder and files, .wtns, JSON, .zkey,
 * Groth16 setup/prove/verify against the snarkjs vectors in
 * ../shared/reference/zk/vectors/groth16, and every rejection.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util_test.h"
#include "vr.h"
#include "base/mem.h"
#include "base/rng.h"
#include "field/fr.h"
#include "snark/g16stream.h"
#include "snark/groth16.h"
#include "snark/sjson.h"
#include "snark/solidity.h"
#include "snark/r1cs.h"

#define VEC "reference/zk/vectors/groth16/"

__extension__ typedef unsigned __int128 u128;

static unsigned char *
slurp(const char *rel, size_t *len)
{
    FILE *f = fopen(vr_test_shared(rel), "rb");
    unsigned char *buf;

    ck_assert_msg(f != NULL, "cannot open %s", vr_test_shared(rel));
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    buf = malloc(*len + 1);
    ck_assert(fread(buf, 1, *len, f) == *len);
    buf[*len] = 0;
    fclose(f);
    return buf;
}

/* e2e.json, parsed once per test that needs it. */
static struct vr_sjson_doc e2e;
static const struct vr_sjson *
e2e_get(const char *path)
{
    const struct vr_sjson *v;
    char buf[256], *save, *tok;

    if (e2e.root == NULL) {
        size_t len;
        char *t = (char *)slurp(VEC "e2e.json", &len);
        ck_assert_int_eq(vr_sjson_parse(&e2e, t, len), VR_OK);
        free(t);
    }
    v = e2e.root;
    snprintf(buf, sizeof(buf), "%s", path);
    for (tok = strtok_r(buf, ".", &save); tok; tok = strtok_r(NULL, ".", &save)) {
        if (v->type == VR_SJSON_ARRAY)
            v = &v->kids[atoi(tok)];
        else
            v = vr_sjson_get(v, tok);
        ck_assert_msg(v != NULL, "e2e.json: no %s", path);
    }
    return v;
}

static void
dec_fr(vr_fr *x, const struct vr_sjson *v)
{
    uint64_t l[4];

    ck_assert_int_eq(vr_sjson_dec(l, v, vr_fr_modulus), VR_OK);
    ck_assert_int_eq(vr_fr_from_canonical(x, l), VR_OK);
}

START_TEST(test_json)
{
    struct vr_sjson_doc d;
    const char *good = "{\"a\": [1, -2.5e3, \"x\\u00e9\\ud83d\\ude00\"],"
        " \"b\": {\"c\": true, \"d\": null}, \"e\": \"12345678901234567890\"}";
    const char *bad[] = {"", "{", "[1,]", "{\"a\":1,}", "01", "[1] x",
        "\"\\u0000\"", "\"\\ud800\"", "{a:1}", "[\"\x01\"]", "tru", "1.",
        "-", "[1 2]", "{\"a\" 1}", "\"abc"};
    uint64_t l[4];

    ck_assert_int_eq(vr_sjson_parse(&d, good, strlen(good)), VR_OK);
    ck_assert_int_eq((int)vr_sjson_get(d.root, "a")->n, 3);
    ck_assert_str_eq(vr_sjson_get(d.root, "a")->kids[1].s, "-2.5e3");
    ck_assert_str_eq(vr_sjson_get(d.root, "a")->kids[2].s,
        "x\xc3\xa9\xf0\x9f\x98\x80");
    ck_assert(vr_sjson_get(vr_sjson_get(d.root, "b"), "c")->b == 1);
    ck_assert_int_eq(vr_sjson_dec(l, vr_sjson_get(d.root, "e"), vr_fr_modulus),
        VR_OK);
    ck_assert(l[0] == 12345678901234567890ULL && l[1] == 0);
    vr_sjson_free(&d);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(vr_sjson_parse(&d, bad[i], strlen(bad[i])) == VR_EFORMAT,
            "accepted %s", bad[i]);
    }
    // Decimal strings: canonical, below the modulus.
    {
        const char *dec[] = {"\"0\"", "\"00\"", "\"01\"", "\"-1\"", "\"1a\"",
            "\"\"", "1",
            "\"21888242871839275222246405745257275088548364400416034343698204186575808495617\"",
            "\"21888242871839275222246405745257275088548364400416034343698204186575808495616\""};
        int want[] = {VR_OK, VR_EFORMAT, VR_EFORMAT, VR_EFORMAT, VR_EFORMAT,
            VR_EFORMAT, VR_EFORMAT, VR_ERANGE, VR_OK};
        char out[80];
        for (int i = 0; i < 9; i++) {
            ck_assert_int_eq(vr_sjson_parse(&d, dec[i], strlen(dec[i])), VR_OK);
            ck_assert_msg(vr_sjson_dec(l, d.root, vr_fr_modulus) == want[i],
                "decimal %s", dec[i]);
            if (want[i] == VR_OK) {
                vr_dec_format(out, l);
                ck_assert(strncmp(out, dec[i] + 1, strlen(out)) == 0);
            }
            vr_sjson_free(&d);
        }
    }
}
END_TEST

START_TEST(test_r1cs_vectors)
{
    size_t len, wlen, nw, bad;
    unsigned char *buf = slurp(VEC "circuit.r1cs", &len);
    unsigned char *wbuf = slurp(VEC "witness.wtns", &wlen);
    struct vr_r1cs r;
    vr_fr *w;
    char *out;
    size_t olen;
    FILE *f;

    ck_assert_int_eq(vr_r1cs_parse(&r, buf, len), VR_OK);
    ck_assert_int_eq(r.nwires, 7);
    ck_assert_int_eq(vr_r1cs_npublic(&r), 2);
    ck_assert_int_eq((int)r.ncons, 3);
    ck_assert_int_eq(vr_wtns_parse(&w, &nw, wbuf, wlen), VR_OK);
    ck_assert_int_eq((int)nw, 7);
    for (int i = 0; i < 7; i++) {
        vr_fr x;
        char p[64];
        snprintf(p, sizeof(p), "circuit.witness.%d", i);
        dec_fr(&x, e2e_get(p));
        ck_assert(vr_fr_eq(&x, &w[i]));
    }
    ck_assert_int_eq(vr_r1cs_check(&r, w, &bad), VR_OK);
    // Break wire 5 (t = a*b): constraint 0 fails first.
    vr_fr_add(&w[5], &w[5], &vr_fr_one);
    ck_assert_int_eq(vr_r1cs_check(&r, w, &bad), VR_EREJECT);
    ck_assert_int_eq((int)bad, 0);
    vr_fr_sub(&w[5], &w[5], &vr_fr_one);
    vr_fr_add(&w[6], &w[6], &vr_fr_one);
    ck_assert_int_eq(vr_r1cs_check(&r, w, &bad), VR_EREJECT);
    ck_assert_int_eq((int)bad, 2);
    vr_fr_sub(&w[6], &w[6], &vr_fr_one);

    // Byte-identical round trips.
    f = open_memstream(&out, &olen);
    ck_assert_int_eq(vr_r1cs_write(f, &r), VR_OK);
    fclose(f);
    ck_assert_int_eq((int)olen, (int)len);
    ck_assert(memcmp(out, buf, len) == 0);
    free(out);
    f = open_memstream(&out, &olen);
    ck_assert_int_eq(vr_wtns_write(f, w, nw), VR_OK);
    fclose(f);
    ck_assert_int_eq((int)olen, (int)wlen);
    ck_assert(memcmp(out, wbuf, wlen) == 0);
    free(out);

    // Every truncation is refused, never a crash.
    for (size_t n = 0; n < len; n++) {
        struct vr_r1cs t;
        ck_assert_msg(vr_r1cs_parse(&t, buf, n) == VR_EFORMAT, "r1cs prefix %zu", n);
    }
    for (size_t n = 0; n < wlen; n++) {
        vr_fr *tw;
        size_t tn;
        ck_assert_msg(vr_wtns_parse(&tw, &tn, wbuf, n) == VR_EFORMAT,
            "wtns prefix %zu", n);
    }
    // A coefficient >= r and a wire out of range.
    {
        unsigned char *b2 = malloc(len);
        struct vr_r1cs t;
        // First term of constraint 0: section 2 starts at 12 + 12 + 64 +
        // 12 = 100: u32 nTerms, u32 wire, 32-byte coefficient.
        memcpy(b2, buf, len);
        memset(b2 + 108, 0xff, 32);
        ck_assert_int_eq(vr_r1cs_parse(&t, b2, len), VR_EFORMAT);
        memcpy(b2, buf, len);
        b2[104] = 7;
        ck_assert_int_eq(vr_r1cs_parse(&t, b2, len), VR_EFORMAT);
        memcpy(b2, wbuf, wlen);
        memset(b2 + wlen - 32, 0xff, 32);
        free(w);
        ck_assert_int_eq(vr_wtns_parse(&w, &nw, b2, wlen), VR_EFORMAT);
        ck_assert(w == NULL);
        free(b2);
    }
    free(w);
    vr_r1cs_free(&r);
    free(buf);
    free(wbuf);
}
END_TEST

/* The builder: x^3 + x + 5 = out, the classic example. */
START_TEST(test_r1cs_builder)
{
    struct vr_r1cs r;
    struct vr_lc a = {0}, b = {0}, c = {0};
    vr_fr w[6], five;
    size_t bad;
    int64_t x2, x3;

    // Wires: 0 one, 1 out (public output), 2 x (private input).
    ck_assert_int_eq(vr_r1cs_init(&r, 1, 0, 1), VR_OK);
    x2 = vr_r1cs_alloc(&r);
    x3 = vr_r1cs_alloc(&r);
    ck_assert_int_eq((int)x2, 3);
    vr_lc_add_i64(&a, 2, 1);
    vr_lc_add_i64(&b, 2, 1);
    vr_lc_add_i64(&c, (uint32_t)x2, 1);
    ck_assert_int_eq(vr_r1cs_add(&r, &a, &b, &c), VR_OK);
    vr_lc_clear(&a); vr_lc_clear(&b); vr_lc_clear(&c);
    vr_lc_add_i64(&a, (uint32_t)x2, 1);
    vr_lc_add_i64(&b, 2, 1);
    vr_lc_add_i64(&c, (uint32_t)x3, 1);
    ck_assert_int_eq(vr_r1cs_add(&r, &a, &b, &c), VR_OK);
    // (x3 + x + 5 + x - x) * 1 = out: duplicates merge, zeros vanish.
    vr_lc_clear(&a); vr_lc_clear(&b); vr_lc_clear(&c);
    vr_fr_from_u64(&five, 5);
    vr_lc_add_i64(&a, 2, 1);
    vr_lc_add_i64(&a, (uint32_t)x3, 1);
    vr_lc_add_const(&a, &five);
    vr_lc_add_i64(&a, 2, 1);
    vr_lc_add_i64(&a, 2, -1);
    vr_lc_add_i64(&b, 0, 1);
    vr_lc_add_i64(&c, 1, 1);
    ck_assert_int_eq(vr_r1cs_add(&r, &a, &b, &c), VR_OK);
    ck_assert_int_eq((int)(r.off[7] - r.off[6]), 3);
    ck_assert_int_eq(r.terms[r.off[6]].wire, 0);
    vr_lc_clear(&a);
    vr_lc_add_i64(&a, 9, 1);
    ck_assert_int_eq(vr_r1cs_add(&r, &a, &b, &c), VR_ERANGE);
    ck_assert_int_eq((int)r.ncons, 3);
    vr_lc_free(&a); vr_lc_free(&b); vr_lc_free(&c);

    w[0] = vr_fr_one;
    vr_fr_from_u64(&w[1], 35);
    vr_fr_from_u64(&w[2], 3);
    vr_fr_from_u64(&w[3], 9);
    vr_fr_from_u64(&w[4], 27);
    ck_assert_int_eq(vr_r1cs_check(&r, w, &bad), VR_OK);
    vr_fr_from_u64(&w[1], 36);
    ck_assert_int_eq(vr_r1cs_check(&r, w, &bad), VR_EREJECT);
    ck_assert_int_eq((int)bad, 2);
    w[0] = vr_fr_zero;
    ck_assert_int_eq(vr_r1cs_check(&r, w, &bad), VR_EREJECT);
    ck_assert(bad == SIZE_MAX);
    vr_r1cs_free(&r);
}
END_TEST


static void
dec_fp(vr_fp *x, const struct vr_sjson *v)
{
    uint64_t l[4];

    ck_assert_int_eq(vr_sjson_dec(l, v, vr_fp_modulus), VR_OK);
    ck_assert_int_eq(vr_fp_from_canonical(x, l), VR_OK);
}

/* e2e point [x, y] (G1) equals p. */
static void
ck_g1(const vr_g1_affine *p, const char *path)
{
    const struct vr_sjson *v = e2e_get(path);
    vr_g1_affine q;

    if (v->type == VR_SJSON_NULL) {     /* infinity */
        ck_assert_msg(vr_g1_affine_is_inf(p), "G1 %s not infinity", path);
        return;
    }
    dec_fp(&q.x, &v->kids[0]);
    dec_fp(&q.y, &v->kids[1]);
    ck_assert_msg(vr_g1_affine_eq(p, &q), "G1 %s differs", path);
}

static void
ck_g2(const vr_g2_affine *p, const char *path)
{
    const struct vr_sjson *v = e2e_get(path);
    vr_g2_affine q;

    if (v->type == VR_SJSON_NULL) {
        ck_assert_msg(vr_g2_affine_is_inf(p), "G2 %s not infinity", path);
        return;
    }
    dec_fp(&q.x.c0, &v->kids[0].kids[0]);
    dec_fp(&q.x.c1, &v->kids[0].kids[1]);
    dec_fp(&q.y.c0, &v->kids[1].kids[0]);
    dec_fp(&q.y.c1, &v->kids[1].kids[1]);
    ck_assert_msg(vr_g2_affine_eq(p, &q), "G2 %s differs", path);
}

static void
load_pk(struct vr_g16_pk *pk, unsigned char **buf, size_t *len)
{
    *buf = slurp(VEC "circuit_final.zkey", len);
    ck_assert_msg(vr_zkey_parse(pk, *buf, *len) == VR_OK, "zkey: %s",
        vr_snark_errmsg());
}

static vr_fr *
load_wtns(size_t *nw)
{
    size_t len;
    unsigned char *buf = slurp(VEC "witness.wtns", &len);
    vr_fr *w;

    ck_assert_int_eq(vr_wtns_parse(&w, nw, buf, len), VR_OK);
    free(buf);
    return w;
}

START_TEST(test_zkey_vectors)
{
    struct vr_g16_pk pk;
    unsigned char *buf;
    size_t len, olen;
    char *out, p[64];
    FILE *f;

    load_pk(&pk, &buf, &len);
    ck_assert_int_eq(pk.nvars, 7);
    ck_assert_int_eq(pk.npublic, 2);
    ck_assert_int_eq(pk.n, 8);
    ck_assert_int_eq((int)pk.ncoef, 12);
    ck_g1(&pk.alpha1, "zkey.header.alpha1");
    ck_g1(&pk.beta1, "zkey.header.beta1");
    ck_g2(&pk.beta2, "zkey.header.beta2");
    ck_g2(&pk.gamma2, "zkey.header.gamma2");
    ck_g1(&pk.delta1, "zkey.header.delta1");
    ck_g2(&pk.delta2, "zkey.header.delta2");
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof(p), "zkey.IC.%d", i);
        ck_g1(&pk.ic[i], p);
    }
    for (int i = 0; i < 7; i++) {
        snprintf(p, sizeof(p), "zkey.A.%d", i);
        ck_g1(&pk.a[i], p);
        snprintf(p, sizeof(p), "zkey.B1.%d", i);
        ck_g1(&pk.b1[i], p);
        snprintf(p, sizeof(p), "zkey.B2.%d", i);
        ck_g2(&pk.b2[i], p);
    }
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof(p), "zkey.C.%d", i);
        ck_g1(&pk.c[i], p);
    }
    for (int i = 0; i < 8; i++) {
        snprintf(p, sizeof(p), "zkey.H.%d", i);
        ck_g1(&pk.h[i], p);
    }
    for (int i = 0; i < 12; i++) {
        const struct vr_sjson *e;
        vr_fr v;
        snprintf(p, sizeof(p), "zkey.coefficients.%d", i);
        e = e2e_get(p);
        ck_assert_int_eq(pk.coef[i].matrix,
            atoi(vr_sjson_get(e, "matrix")->s));
        ck_assert_int_eq(pk.coef[i].row,
            atoi(vr_sjson_get(e, "constraint")->s));
        ck_assert_int_eq(pk.coef[i].wire, atoi(vr_sjson_get(e, "signal")->s));
        dec_fr(&v, vr_sjson_get(e, "value"));
        ck_assert(vr_fr_eq(&v, &pk.coef[i].value));
    }
    // Written back byte for byte.
    f = open_memstream(&out, &olen);
    ck_assert_int_eq(vr_zkey_write(f, &pk), VR_OK);
    fclose(f);
    ck_assert_int_eq((int)olen, (int)len);
    ck_assert(memcmp(out, buf, len) == 0);
    free(out);
    vr_g16_pk_free(&pk);
    // Truncations, and corrupted points/coefficients.
    for (size_t n = 0; n < len; n += 7) {
        struct vr_g16_pk t;
        ck_assert_msg(vr_zkey_parse(&t, buf, n) == VR_EFORMAT,
            "zkey prefix %zu", n);
    }
    {
        unsigned char *b2 = malloc(len);
        struct vr_g16_pk t;
        // alpha1.x (section 2 data at 40, alpha1 at +84) >= p
        memcpy(b2, buf, len);
        memset(b2 + 40 + 84, 0xff, 32);
        ck_assert_int_eq(vr_zkey_parse(&t, b2, len), VR_EFORMAT);
        // alpha1 off the curve
        memcpy(b2, buf, len);
        b2[40 + 84] ^= 1;
        ck_assert_int_eq(vr_zkey_parse(&t, b2, len), VR_EFORMAT);
        // nPublic >= nVars
        memcpy(b2, buf, len);
        b2[40 + 76] = 9;
        ck_assert_int_eq(vr_zkey_parse(&t, b2, len), VR_EFORMAT);
        free(b2);
    }
    free(buf);
}
END_TEST

/* Prove with r = s = 0 on the snarkjs key: the intermediates of e2e.json
 * and proof_rs0.json byte for byte. */
START_TEST(test_prove_rs0)
{
    struct vr_g16_pk pk;
    struct vr_g16_proof pi;
    unsigned char *buf, *want;
    size_t len, wlen, nw, olen;
    vr_fr *w, zero = vr_fr_zero;
    char *out;
    FILE *f;

    load_pk(&pk, &buf, &len);
    w = load_wtns(&nw);
    ck_assert_int_eq(vr_g16_prove_rs(&pi, &pk, w, nw - 1, &zero, &zero, 1),
        VR_ESHAPE);
    ck_assert_int_eq(vr_g16_prove_rs(&pi, &pk, w, nw, &zero, &zero, 1), VR_OK);
    // Intermediates of e2e.json: A, B, C on the domain and the odd coset,
    // and the H scalars.
    {
        vr_fr h[8], abc[48], x;
        const char *names[] = {"A_evals", "B_evals", "C_evals_equal_A_times_B",
            "A_odd", "B_odd", "C_odd"};
        char p[96];
        ck_assert_int_eq(vr_g16_h(h, abc, &pk, w, nw, 1), VR_OK);
        for (int m = 0; m < 7; m++) {
            for (int i = 0; i < 8; i++) {
                snprintf(p, sizeof(p), "prover_intermediates_rs0.%s.%d",
                    m < 6 ? names[m] : "h_scalars_A_odd_times_B_odd_minus_C_odd",
                    i);
                dec_fr(&x, e2e_get(p));
                ck_assert_msg(vr_fr_eq(&x, m < 6 ? &abc[8 * m + i] : &h[i]),
                    "%s differs", p);
            }
        }
        ck_assert_int_eq(vr_g16_h(h, NULL, &pk, w, nw - 1, 1), VR_ESHAPE);
    }
    f = open_memstream(&out, &olen);
    ck_assert_int_eq(vr_g16_proof_json_write(f, &pi), VR_OK);
    fclose(f);
    want = slurp(VEC "proof_rs0.json", &wlen);
    ck_assert_msg(olen == wlen && memcmp(out, want, wlen) == 0,
        "proof differs:\n%s", out);
    free(out);
    free(want);
    // Multi-threaded gives the same proof.
    {
        struct vr_g16_proof p2;
        ck_assert_int_eq(vr_g16_prove_rs(&p2, &pk, w, nw, &zero, &zero, 2),
            VR_OK);
        ck_assert(vr_g1_affine_eq(&p2.a, &pi.a) &&
            vr_g2_affine_eq(&p2.b, &pi.b) && vr_g1_affine_eq(&p2.c, &pi.c));
    }
    free(w);
    vr_g16_pk_free(&pk);
    free(buf);
}
END_TEST

START_TEST(test_json_files)
{
    size_t len, olen, npub;
    unsigned char *buf = slurp(VEC "proof.json", &len);
    struct vr_g16_proof pi;
    struct vr_g16_vk vk;
    vr_fr *pub;
    char *out;
    FILE *f;

    // proof.json round trip, and rejections.
    ck_assert_int_eq(vr_g16_proof_json_parse(&pi, (char *)buf, len), VR_OK);
    f = open_memstream(&out, &olen);
    vr_g16_proof_json_write(f, &pi);
    fclose(f);
    ck_assert(olen == len && memcmp(out, buf, len) == 0);
    free(out);
    {
        char *t = malloc(len + 1);
        const char *subs[][2] = {
            {"8046248483845109350002307571749179543598946609944249996383940792315571023065",
             "8046248483845109350002307571749179543598946609944249996383940792315571023066"},
            {"\"groth16\"", "\"plonk\""},
            {"\"1\"\n ],\n \"pi_b\"", "\"2\"\n ],\n \"pi_b\""},
            {"8046248483845109350002307571749179543598946609944249996383940792315571023065",
             "0008046248483845109350002307571749179543598946609944249996383940792315571023"},
            {"8046248483845109350002307571749179543598946609944249996383940792315571023065",
             "99999999999999999999999999999999999999999999999999999999999999999999999999999"},
        };
        for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
            char *at;
            memcpy(t, buf, len + 1);
            at = strstr(t, subs[i][0]);
            ck_assert(at != NULL);
            memcpy(at, subs[i][1], strlen(subs[i][1]));
            ck_assert_msg(vr_g16_proof_json_parse(&pi, t, len) == VR_EFORMAT,
                "accepted substitution %zu", i);
        }
        for (size_t n = 0; n < len - 1; n++)
            ck_assert(vr_g16_proof_json_parse(&pi, (char *)buf, n) ==
                VR_EFORMAT);
        free(t);
    }
    free(buf);
    buf = slurp(VEC "public.json", &len);
    ck_assert_int_eq(vr_g16_public_json_parse(&pub, &npub, (char *)buf, len),
        VR_OK);
    ck_assert_int_eq((int)npub, 2);
    f = open_memstream(&out, &olen);
    vr_g16_public_json_write(f, pub, npub);
    fclose(f);
    ck_assert(olen == len && memcmp(out, buf, len) == 0);
    free(out);
    free(pub);
    free(buf);
    ck_assert_int_eq(vr_g16_public_json_parse(&pub, &npub,
        "[\"21888242871839275222246405745257275088548364400416034343698204186575808495617\"]",
        82), VR_EFORMAT);
    ck_assert_int_eq(vr_g16_public_json_parse(&pub, &npub, "[5]", 3),
        VR_EFORMAT);
    buf = slurp(VEC "verification_key.json", &len);
    ck_assert_msg(vr_g16_vk_json_parse(&vk, (char *)buf, len) == VR_OK, "%s",
        vr_snark_errmsg());
    ck_assert_int_eq(vk.npublic, 2);
    ck_g1(&vk.ic[1], "zkey.IC.1");
    ck_g2(&vk.delta2, "zkey.header.delta2");
    // Written back (with vk_alphabeta_12) byte for byte.
    f = open_memstream(&out, &olen);
    ck_assert_int_eq(vr_g16_vk_json_write(f, &vk), VR_OK);
    fclose(f);
    ck_assert_msg(olen == len && memcmp(out, buf, len) == 0, "vk json:\n%s",
        out);
    free(out);
    vr_g16_vk_free(&vk);
    free(buf);
}
END_TEST

START_TEST(test_solidity_calldata)
{
    size_t len, olen, npub;
    unsigned char *buf = slurp(VEC "proof.json", &len), sel[4], h[32];
    struct vr_g16_proof pi;
    vr_fr *pub;
    char *out;
    FILE *f;
    const struct vr_sjson *want;

    // Keccak-256 known answers: "" and "abc".
    vr_keccak256(h, "", 0);
    ck_assert(h[0] == 0xc5 && h[1] == 0xd2 && h[31] == 0x70);
    vr_keccak256(h, "abc", 3);
    ck_assert(h[0] == 0x4e && h[1] == 0x03 && h[31] == 0x45);
    vr_solidity_selector(sel, 2);
    ck_assert(sel[0] == 0xf5 && sel[1] == 0xc9 && sel[2] == 0xd6 &&
        sel[3] == 0x9e);
    ck_assert_int_eq(vr_g16_proof_json_parse(&pi, (char *)buf, len), VR_OK);
    free(buf);
    buf = slurp(VEC "public.json", &len);
    ck_assert_int_eq(vr_g16_public_json_parse(&pub, &npub, (char *)buf, len),
        VR_OK);
    f = open_memstream(&out, &olen);
    ck_assert_int_eq(vr_solidity_calldata(f, &pi, pub, npub), VR_OK);
    fclose(f);
    want = e2e_get("solidity.abi_calldata_for_proof_json");
    ck_assert_str_eq(out, want->s);
    free(out);
    free(pub);
    free(buf);
}
END_TEST

/* x^3 + x + 5 = out (public output), x private; extra copies of x^2
 * chained k more times so the domain can grow. */
static void
cubic_circuit(struct vr_r1cs *r, int extra)
{
    struct vr_lc a = {0}, b = {0}, c = {0};
    vr_fr five;
    int64_t x2, x3, prev;

    ck_assert_int_eq(vr_r1cs_init(r, 1, 0, 1), VR_OK);
    x2 = vr_r1cs_alloc(r);
    x3 = vr_r1cs_alloc(r);
    vr_lc_add_i64(&a, 2, 1);
    vr_lc_add_i64(&b, 2, 1);
    vr_lc_add_i64(&c, (uint32_t)x2, 1);
    vr_r1cs_add(r, &a, &b, &c);
    vr_lc_clear(&a); vr_lc_clear(&c);
    vr_lc_add_i64(&a, (uint32_t)x2, 1);
    vr_lc_add_i64(&c, (uint32_t)x3, 1);
    vr_r1cs_add(r, &a, &b, &c);
    vr_lc_clear(&a); vr_lc_clear(&b); vr_lc_clear(&c);
    vr_fr_from_u64(&five, 5);
    vr_lc_add_i64(&a, 2, 1);
    vr_lc_add_i64(&a, (uint32_t)x3, 1);
    vr_lc_add_const(&a, &five);
    vr_lc_add_i64(&b, 0, 1);
    vr_lc_add_i64(&c, 1, 1);
    vr_r1cs_add(r, &a, &b, &c);
    // y_{k+1} = y_k * x, starting from x^3.
    prev = x3;
    for (int k = 0; k < extra; k++) {
        int64_t y = vr_r1cs_alloc(r);
        vr_lc_clear(&a); vr_lc_clear(&b); vr_lc_clear(&c);
        vr_lc_add_i64(&a, (uint32_t)prev, 1);
        vr_lc_add_i64(&b, 2, 1);
        vr_lc_add_i64(&c, (uint32_t)y, 1);
        vr_r1cs_add(r, &a, &b, &c);
        prev = y;
    }
    vr_lc_free(&a); vr_lc_free(&b); vr_lc_free(&c);
}

static vr_fr *
cubic_witness(const struct vr_r1cs *r, uint64_t x)
{
    vr_fr *w = calloc(r->nwires, sizeof(vr_fr)), t;

    w[0] = vr_fr_one;
    vr_fr_from_u64(&w[2], x);
    vr_fr_mul(&w[3], &w[2], &w[2]);
    vr_fr_mul(&w[4], &w[3], &w[2]);
    vr_fr_from_u64(&t, 5);
    vr_fr_add(&w[1], &w[4], &w[2]);
    vr_fr_add(&w[1], &w[1], &t);
    for (uint32_t i = 5; i < r->nwires; i++)
        vr_fr_mul(&w[i], &w[i - 1], &w[2]);
    return w;
}

/* Builder circuit: setup, prove, verify; every byte of the proof flipped,
 * each public signal changed, another key, batch verification. */
START_TEST(test_builder_prove_verify)
{
    struct vr_r1cs r;
    struct vr_g16_pk pk, pk2;
    struct vr_g16_vk vk, vk2;
    struct vr_g16_pvk pvk, pvk2;
    struct vr_g16_proof pi, bad, batch[4];
    unsigned char enc[VR_G16_PROOF_BYTES];
    vr_fr *w, pub[4], t;
    size_t nbad;

    cubic_circuit(&r, 6);
    w = cubic_witness(&r, 3);
    ck_assert_int_eq(vr_r1cs_check(&r, w, &nbad), VR_OK);
    ck_assert_int_eq(vr_g16_setup(&pk, &vk, &r, 2), VR_OK);
    ck_assert_int_eq(pk.npublic, 1);
    ck_assert_int_eq(pk.n, 16);         /* 9 constraints + 1 public */
    ck_assert_int_eq(vr_g16_prepare(&pvk, &vk), VR_OK);
    ck_assert_int_eq(vr_g16_prove(&pi, &pk, w, r.nwires, 2), VR_OK);
    ck_assert_int_eq(vr_g16_verify(&pvk, &pi, &w[1], 1), VR_OK);
    ck_assert_int_eq(vr_g16_verify(&pvk, &pi, &w[1], 2), VR_ESHAPE);
    // A changed public signal.
    vr_fr_add(&t, &w[1], &vr_fr_one);
    ck_assert_int_eq(vr_g16_verify(&pvk, &pi, &t, 1), VR_EREJECT);
    // Every byte of the encoded proof, each bit in turn across bytes:
    // either the decoder refuses it or the verifier rejects it.
    vr_g16_proof_to_bytes(enc, &pi);
    ck_assert_int_eq(vr_g16_proof_from_bytes(&bad, enc), VR_OK);
    ck_assert_int_eq(vr_g16_verify(&pvk, &bad, &w[1], 1), VR_OK);
    for (int i = 0; i < VR_G16_PROOF_BYTES; i++) {
        enc[i] ^= (unsigned char)(1u << (i % 8));
        if (vr_g16_proof_from_bytes(&bad, enc) == VR_OK)
            ck_assert_msg(vr_g16_verify(&pvk, &bad, &w[1], 1) == VR_EREJECT,
                "byte %d flipped accepted", i);
        enc[i] ^= (unsigned char)(1u << (i % 8));
    }
    // A witness that does not satisfy the circuit gives a bad proof.
    vr_fr_add(&w[5], &w[5], &vr_fr_one);
    ck_assert_int_eq(vr_r1cs_check(&r, w, &nbad), VR_EREJECT);
    ck_assert_int_eq((int)nbad, 3);
    ck_assert_int_eq(vr_g16_prove(&bad, &pk, w, r.nwires, 1), VR_OK);
    ck_assert_int_eq(vr_g16_verify(&pvk, &bad, &w[1], 1), VR_EREJECT);
    vr_fr_sub(&w[5], &w[5], &vr_fr_one);
    // Another circuit with one public signal (one more constraint): its
    // key rejects the proof, and its own proof of the same output (x = 3)
    // is not accepted by the first key.
    {
        struct vr_r1cs r3;
        struct vr_g16_pk pk3;
        struct vr_g16_vk vk3;
        struct vr_g16_pvk pvk3;
        struct vr_g16_proof pi3;
        vr_fr *w3;
        cubic_circuit(&r3, 7);
        w3 = cubic_witness(&r3, 3);
        ck_assert(vr_fr_eq(&w3[1], &w[1]));
        ck_assert_int_eq(vr_g16_setup(&pk3, &vk3, &r3, 1), VR_OK);
        ck_assert_int_eq(vr_g16_prepare(&pvk3, &vk3), VR_OK);
        ck_assert_int_eq(vr_g16_verify(&pvk3, &pi, &w[1], 1), VR_EREJECT);
        ck_assert_int_eq(vr_g16_prove(&pi3, &pk3, w3, r3.nwires, 1), VR_OK);
        ck_assert_int_eq(vr_g16_verify(&pvk3, &pi3, &w3[1], 1), VR_OK);
        ck_assert_int_eq(vr_g16_verify(&pvk, &pi3, &w3[1], 1), VR_EREJECT);
        ck_assert_int_eq(vr_g16_prove(&pi3, &pk3, w, r.nwires, 1),
            VR_ESHAPE);
        vr_g16_pvk_free(&pvk3);
        vr_g16_pk_free(&pk3);
        vr_g16_vk_free(&vk3);
        free(w3);
        vr_r1cs_free(&r3);
    }
    // Another key of the same circuit rejects the proof.
    ck_assert_int_eq(vr_g16_setup(&pk2, &vk2, &r, 1), VR_OK);
    ck_assert_int_eq(vr_g16_prepare(&pvk2, &vk2), VR_OK);
    ck_assert_int_eq(vr_g16_verify(&pvk2, &pi, &w[1], 1), VR_EREJECT);
    // Batch: four proofs for x = 1..4, then one with a wrong signal.
    for (int j = 0; j < 4; j++) {
        vr_fr *wj = cubic_witness(&r, (uint64_t)j + 1);
        ck_assert_int_eq(vr_g16_prove(&batch[j], &pk, wj, r.nwires, 1), VR_OK);
        pub[j] = wj[1];
        free(wj);
    }
    ck_assert_int_eq(vr_g16_verify_batch(&pvk, batch, pub, 1, 4), VR_OK);
    ck_assert_int_eq(vr_g16_verify_batch(&pvk, batch, pub, 1, 0), VR_OK);
    vr_fr_add(&pub[2], &pub[2], &vr_fr_one);
    ck_assert_int_eq(vr_g16_verify_batch(&pvk, batch, pub, 1, 4), VR_EREJECT);
    vr_fr_sub(&pub[2], &pub[2], &vr_fr_one);
    ck_assert_int_eq(vr_g16_verify_batch(&pvk2, batch, pub, 1, 4),
        VR_EREJECT);
    batch[1] = batch[0];
    ck_assert_int_eq(vr_g16_verify_batch(&pvk, batch, pub, 1, 4), VR_EREJECT);

    vr_g16_pvk_free(&pvk);
    vr_g16_pvk_free(&pvk2);
    vr_g16_pk_free(&pk);
    vr_g16_pk_free(&pk2);
    vr_g16_vk_free(&vk);
    vr_g16_vk_free(&vk2);
    free(w);
    vr_r1cs_free(&r);
}
END_TEST

/* Known toxic waste: our setup on the vectors' circuit gives keys whose
 * zkey round-trips and whose proofs the verifier accepts; with r = s = 0
 * the proof is a pure function of the key and witness. */
START_TEST(test_setup_roundtrip)
{
    size_t len, nw, olen;
    unsigned char *buf = slurp(VEC "circuit.r1cs", &len);
    struct vr_r1cs r;
    struct vr_g16_pk pk, pk2;
    struct vr_g16_vk vk, vk2;
    struct vr_g16_pvk pvk;
    struct vr_g16_proof pi, pi2;
    vr_fr toxic[5], zero = vr_fr_zero, *w;
    char *out;
    FILE *f;

    ck_assert_int_eq(vr_r1cs_parse(&r, buf, len), VR_OK);
    free(buf);
    for (int i = 0; i < 5; i++)
        vr_fr_from_u64(&toxic[i], 1000003u * (uint64_t)(i + 2));
    ck_assert_int_eq(vr_g16_setup_toxic(&pk, &vk, &r, toxic, 1), VR_OK);
    ck_assert_int_eq(pk.n, 8);
    ck_assert_int_eq((int)pk.ncoef, 12);
    f = open_memstream(&out, &olen);
    ck_assert_int_eq(vr_zkey_write(f, &pk), VR_OK);
    fclose(f);
    ck_assert_int_eq(vr_zkey_parse(&pk2, (unsigned char *)out, olen), VR_OK);
    free(out);
    ck_assert_int_eq(vr_g16_pk_vk(&vk2, &pk2), VR_OK);
    w = load_wtns(&nw);
    ck_assert_int_eq(vr_g16_prove_rs(&pi, &pk, w, nw, &zero, &zero, 1), VR_OK);
    ck_assert_int_eq(vr_g16_prove_rs(&pi2, &pk2, w, nw, &zero, &zero, 1), VR_OK);
    ck_assert(vr_g1_affine_eq(&pi.a, &pi2.a) && vr_g1_affine_eq(&pi.c, &pi2.c));
    ck_assert_int_eq(vr_g16_prepare(&pvk, &vk2), VR_OK);
    ck_assert_int_eq(vr_g16_verify(&pvk, &pi, w + 1, 2), VR_OK);
    ck_assert_int_eq(vr_g16_prove(&pi, &pk2, w, nw, 1), VR_OK);
    ck_assert_int_eq(vr_g16_verify(&pvk, &pi, w + 1, 2), VR_OK);
    // tau in the domain (of size 8 or 16) is refused (it would divide by
    // zero), and so is a zero secret.
    vr_g16_pk_free(&pk2);
    vr_g16_vk_free(&vk2);
    vr_fr_root_of_unity(&toxic[0], 4);
    ck_assert_int_eq(vr_g16_setup_toxic(&pk2, &vk2, &r, toxic, 1), VR_ERANGE);
    vr_fr_root_of_unity(&toxic[0], 3);
    ck_assert_int_eq(vr_g16_setup_toxic(&pk2, &vk2, &r, toxic, 1), VR_ERANGE);
    vr_fr_from_u64(&toxic[0], 2);
    toxic[1] = vr_fr_zero;
    ck_assert_int_eq(vr_g16_setup_toxic(&pk2, &vk2, &r, toxic, 1), VR_ERANGE);
    vr_g16_pvk_free(&pvk);
    vr_g16_pk_free(&pk);
    vr_g16_vk_free(&vk);
    free(w);
    vr_r1cs_free(&r);
}
END_TEST

/* Proofs on the snarkjs vectors: proof.json and proof_rs0.json verify;
 * points off the curve, outside G2, non-canonical are refused. */
START_TEST(test_verify_vectors)
{
    size_t len, npub;
    unsigned char *buf = slurp(VEC "verification_key.json", &len), enc[256];
    struct vr_g16_vk vk;
    struct vr_g16_pvk pvk;
    struct vr_g16_proof pi, bad;
    vr_fr *pub;
    const struct vr_sjson *ev = NULL;

    ck_assert_int_eq(vr_g16_vk_json_parse(&vk, (char *)buf, len), VR_OK);
    free(buf);
    ck_assert_int_eq(vr_g16_prepare(&pvk, &vk), VR_OK);
    buf = slurp(VEC "public.json", &len);
    ck_assert_int_eq(vr_g16_public_json_parse(&pub, &npub, (char *)buf, len),
        VR_OK);
    free(buf);
    buf = slurp(VEC "proof.json", &len);
    ck_assert_int_eq(vr_g16_proof_json_parse(&pi, (char *)buf, len), VR_OK);
    free(buf);
    ck_assert_int_eq(vr_g16_verify(&pvk, &pi, pub, npub), VR_OK);
    buf = slurp(VEC "proof_rs0.json", &len);
    ck_assert_int_eq(vr_g16_proof_json_parse(&bad, (char *)buf, len), VR_OK);
    free(buf);
    ck_assert_int_eq(vr_g16_verify(&pvk, &bad, pub, npub), VR_OK);
    ck_assert_int_eq(vr_g16_verify_batch(&pvk, &pi, pub, npub, 1), VR_OK);
    // Swap A and C: valid points, wrong proof.
    bad = pi;
    bad.a = pi.c;
    bad.c = pi.a;
    ck_assert_int_eq(vr_g16_verify(&pvk, &bad, pub, npub), VR_EREJECT);
    // Each public signal changed.
    for (size_t i = 0; i < npub; i++) {
        vr_fr_add(&pub[i], &pub[i], &vr_fr_one);
        ck_assert_int_eq(vr_g16_verify(&pvk, &pi, pub, npub), VR_EREJECT);
        vr_fr_sub(&pub[i], &pub[i], &vr_fr_one);
    }
    // The EVM bytes of the proof: the e2e pairing input starts with -A, B.
    vr_g16_proof_to_bytes(enc, &pi);
    ev = e2e_get("solidity.abi_calldata_for_proof_json");
    {
        char hex[513];
        for (int i = 0; i < 256; i++)
            snprintf(hex + 2 * i, 3, "%02x", enc[i]);
        ck_assert(strncmp(ev->s + 10, hex, 512) == 0);
    }
    // Non-canonical: A.x + p (fits in 256 bits? p < 2^254, so yes).
    {
        unsigned char e2[256];
        uint64_t l[4], c = 0;
        memcpy(e2, enc, 256);
        vr_fp_to_canonical(l, &pi.a.x);
        for (int i = 0; i < 4; i++) {
            u128 s2 = (u128)l[i] + vr_fp_modulus[i] + c;
            l[i] = (uint64_t)s2;
            c = (uint64_t)(s2 >> 64);
        }
        for (int i = 0; i < 32; i++)
            e2[i] = (unsigned char)(l[3 - i / 8] >> (8 * (7 - i % 8)));
        ck_assert_int_eq(vr_g16_proof_from_bytes(&bad, e2), VR_EFORMAT);
    }
    // B on the twist but outside G2 (g2.json): decoder and verifier refuse.
    {
        size_t glen;
        char *g = (char *)slurp("reference/zk/vectors/g2.json", &glen);
        struct vr_sjson_doc d;
        const struct vr_sjson *hx;
        unsigned char e2[256];
        ck_assert_int_eq(vr_sjson_parse(&d, g, glen), VR_OK);
        hx = vr_sjson_get(vr_sjson_get(d.root, "on_twist_not_in_subgroup"),
            "point_evm");
        memcpy(e2, enc, 256);
        for (int i = 0; i < 128; i++) {
            unsigned v;
            sscanf(hx->s + 2 * i, "%2x", &v);
            e2[64 + i] = (unsigned char)v;
        }
        ck_assert_int_eq(vr_g16_proof_from_bytes(&bad, e2), VR_EFORMAT);
        ck_assert_str_eq(vr_snark_errmsg(), "G2 point not in the subgroup G2");
        bad = pi;
        ck_assert_int_eq(vr_fp_from_bytes_be(&bad.b.x.c1, e2 + 64), VR_OK);
        ck_assert_int_eq(vr_fp_from_bytes_be(&bad.b.x.c0, e2 + 96), VR_OK);
        ck_assert_int_eq(vr_fp_from_bytes_be(&bad.b.y.c1, e2 + 128), VR_OK);
        ck_assert_int_eq(vr_fp_from_bytes_be(&bad.b.y.c0, e2 + 160), VR_OK);
        ck_assert(vr_g2_affine_is_on_curve(&bad.b));
        ck_assert_int_eq(vr_g16_verify(&pvk, &bad, pub, npub), VR_EREJECT);
        ck_assert_int_eq(vr_g16_verify_batch(&pvk, &bad, pub, npub, 1),
            VR_EREJECT);
        vr_sjson_free(&d);
        free(g);
    }
    // A point off the curve given directly to the verifier.
    bad = pi;
    vr_fp_add(&bad.a.y, &bad.a.y, &vr_fp_one);
    ck_assert_int_eq(vr_g16_verify(&pvk, &bad, pub, npub), VR_EREJECT);
    bad = pi;
    bad.c.x = vr_fp_zero;
    bad.c.y = vr_fp_zero;
    ck_assert_int_eq(vr_g16_verify(&pvk, &bad, pub, npub), VR_EREJECT);
    free(pub);
    vr_g16_pvk_free(&pvk);
    vr_g16_vk_free(&vk);
}
END_TEST

/* Streams "pk", "vk", "proofs": round trips, and every truncation and a
 * corrupted point refused. */
START_TEST(test_streams)
{
    struct vr_g16_pk pk, pk2;
    struct vr_g16_vk vk, vk2;
    struct vr_g16_pvk pvk;
    struct vr_g16_proof pi[2], *rp;
    unsigned char *buf;
    size_t len, nw, olen[3], n;
    char *out[3];
    vr_fr *w, pub[2], *rpub, zero = vr_fr_zero;
    uint32_t np;
    struct vr_writer wr;
    struct vr_reader rd;
    FILE *f;

    load_pk(&pk, &buf, &len);
    free(buf);
    w = load_wtns(&nw);
    ck_assert_int_eq(vr_g16_pk_vk(&vk, &pk), VR_OK);
    f = open_memstream(&out[0], &olen[0]);
    vr_writer_init(&wr, f);
    ck_assert_int_eq(vr_g16_pk_write(&wr, &pk, NULL, "check_groth16"), VR_OK);
    fclose(f);
    f = open_memstream(&out[1], &olen[1]);
    vr_writer_init(&wr, f);
    ck_assert_int_eq(vr_g16_vk_write(&wr, &vk, NULL, "check_groth16"), VR_OK);
    fclose(f);
    ck_assert_int_eq(vr_g16_prove_rs(&pi[0], &pk, w, nw, &zero, &zero, 1),
        VR_OK);
    ck_assert_int_eq(vr_g16_prove(&pi[1], &pk, w, nw, 1), VR_OK);
    pub[0] = w[1];
    pub[1] = w[2];
    f = open_memstream(&out[2], &olen[2]);
    vr_writer_init(&wr, f);
    ck_assert_int_eq(vr_g16_proofs_header(&wr, 2, NULL, "check_groth16"),
        VR_OK);
    ck_assert_int_eq(vr_g16_proofs_put(&wr, &pi[0], pub, 2, 1), VR_OK);
    ck_assert_int_eq(vr_g16_proofs_put(&wr, &pi[1], pub, 2, 1), VR_OK);
    ck_assert_int_eq(vr_writer_end(&wr), VR_OK);
    fclose(f);

    // pk: read back, prove with it (r = s = 0: the same proof).
    f = fmemopen(out[0], olen[0], "rb");
    ck_assert_int_eq(vr_reader_open(&rd, f, "pk"), VR_OK);
    ck_assert_msg(vr_g16_pk_read(&pk2, &rd) == VR_OK, "%s", rd.msg);
    vr_reader_free(&rd);
    fclose(f);
    {
        struct vr_g16_proof q;
        ck_assert_int_eq(vr_g16_prove_rs(&q, &pk2, w, nw, &zero, &zero, 1),
            VR_OK);
        ck_assert(vr_g1_affine_eq(&q.a, &pi[0].a) &&
            vr_g2_affine_eq(&q.b, &pi[0].b) && vr_g1_affine_eq(&q.c, &pi[0].c));
    }
    vr_g16_pk_free(&pk2);
    // vk and proofs: every proof verifies with the streamed key.
    f = fmemopen(out[1], olen[1], "rb");
    ck_assert_int_eq(vr_reader_open(&rd, f, "vk"), VR_OK);
    ck_assert_msg(vr_g16_vk_read(&vk2, &rd) == VR_OK, "%s", rd.msg);
    vr_reader_free(&rd);
    fclose(f);
    ck_assert_int_eq(vr_g16_prepare(&pvk, &vk2), VR_OK);
    vr_g16_vk_free(&vk2);
    f = fmemopen(out[2], olen[2], "rb");
    ck_assert_int_eq(vr_reader_open(&rd, f, "proofs"), VR_OK);
    ck_assert_int_eq(vr_g16_proofs_npublic(&rd, &np), VR_OK);
    ck_assert_int_eq(np, 2);
    for (int k = 0; k < 2; k++) {
        ck_assert_int_eq(vr_g16_proofs_next(&rd, np, &rp, &rpub, &n), 1);
        ck_assert_int_eq((int)n, 1);
        ck_assert_int_eq(vr_g16_verify(&pvk, rp, rpub, np), VR_OK);
        free(rp);
        free(rpub);
    }
    ck_assert_int_eq(vr_g16_proofs_next(&rd, np, &rp, &rpub, &n), 0);
    vr_reader_free(&rd);
    fclose(f);
    // Truncated anywhere: an error, never a crash or a whole key.
    for (int k = 0; k < 3; k++) {
        size_t step = olen[k] / 97 + 1;
        for (size_t m = 0; m < olen[k]; m += step) {
            int rc;
            f = fmemopen(out[k], m ? m : 1, "rb");
            rc = vr_reader_open(&rd, f, NULL);
            if (rc == VR_OK && k == 0) {
                rc = vr_g16_pk_read(&pk2, &rd);
            } else if (rc == VR_OK && k == 1) {
                rc = vr_g16_vk_read(&vk2, &rd);
                if (rc == VR_OK)
                    vr_g16_vk_free(&vk2);
            } else if (rc == VR_OK) {
                do {
                    rc = vr_g16_proofs_next(&rd, 2, &rp, &rpub, &n);
                    if (rc == 1) {
                        free(rp);
                        free(rpub);
                    }
                } while (rc == 1);
            }
            ck_assert_msg(rc < 0, "stream %d cut at %zu accepted", k, m);
            vr_reader_free(&rd);
            fclose(f);
        }
    }
    // A flipped byte inside the vk's alpha1 point.
    {
        char *hit = memmem(out[1], olen[1], "alpha1", 6);
        unsigned char a[64];
        char *at;
        vr_g1_affine_to_bytes_be(a, &vk.alpha1);
        at = memmem(hit, olen[1] - (size_t)(hit - out[1]), a, 64);
        ck_assert(at != NULL);
        at[40] ^= 4;
        f = fmemopen(out[1], olen[1], "rb");
        ck_assert_int_eq(vr_reader_open(&rd, f, "vk"), VR_OK);
        ck_assert_int_eq(vr_g16_vk_read(&vk2, &rd), VR_EFORMAT);
        ck_assert(strstr(rd.msg, "alpha1") != NULL);
        vr_reader_free(&rd);
        fclose(f);
    }
    for (int k = 0; k < 3; k++)
        free(out[k]);
    vr_g16_pvk_free(&pvk);
    vr_g16_vk_free(&vk2);
    vr_g16_vk_free(&vk);
    vr_g16_pk_free(&pk);
    free(w);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("groth16");
    TCase *tc = tcase_create("r1cs");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_json);
    tcase_add_test(tc, test_r1cs_vectors);
    tcase_add_test(tc, test_r1cs_builder);
    suite_add_tcase(s, tc);
    tc = tcase_create("groth16");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_zkey_vectors);
    tcase_add_test(tc, test_prove_rs0);
    tcase_add_test(tc, test_json_files);
    tcase_add_test(tc, test_solidity_calldata);
    tcase_add_test(tc, test_builder_prove_verify);
    tcase_add_test(tc, test_setup_roundtrip);
    tcase_add_test(tc, test_verify_vectors);
    tcase_add_test(tc, test_streams);
    suite_add_tcase(s, tc);
    return s;
}


/*
 * Developer driver, for tests/cli/groth16.sh and bench/groth16.sh (not a
 * user tool: vr-circuit, vr-prove and vr-verify come later):
 *   check_groth16 prove ZKEY WTNS PROOF_JSON PUBLIC_JSON [NTHREADS]
 *   check_groth16 verify VK_JSON PUBLIC_JSON PROOF_JSON
 *   check_groth16 setup R1CS ZKEY VK_JSON [NTHREADS]
 *   check_groth16 setup-ptau R1CS PTAU ZKEY VK_JSON [delta-one]
 *   check_groth16 r1cs R1CS [OUT_R1CS] [WTNS]   (counts; rewrite; check)
 *   check_groth16 chain N R1CS WTNS   (bench circuit: N constraints
 *       t0 = x x, t_i = t_(i-1) x + i, output y = t_(N-1), x = 7 private)
 *   check_groth16 vkey ZKEY VK_JSON
 *   check_groth16 solidity VK_JSON SOL
 *   check_groth16 calldata PROOF_JSON PUBLIC_JSON
 * Exit 0 ok, 1 proof rejected, 2 usage, 3 bad input, 4 I/O.
 * With no arguments it runs the unit tests.
 */
static unsigned char *
drv_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;

    if (f == NULL) {
        perror(path);
        exit(VR_EXIT_SYS);
    }
    if (vr_snark_read_all(&buf, len, f) != VR_OK) {
        fprintf(stderr, "%s: read error\n", path);
        exit(VR_EXIT_SYS);
    }
    fclose(f);
    return buf;
}

static void
drv_check(int rc, const char *path)
{
    if (rc == VR_OK)
        return;
    fprintf(stderr, "check_groth16: %s: %s%s%s\n", path, vr_strerror(rc),
        *vr_snark_errmsg() ? ": " : "", vr_snark_errmsg());
    exit(vr_exit_code(rc));
}

static FILE *
drv_out(const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");

    if (f == NULL) {
        perror(path);
        exit(VR_EXIT_SYS);
    }
    return f;
}

static void
drv_close(FILE *f, const char *path)
{
    if (fflush(f) != 0 || ferror(f) || (f != stdout && fclose(f) != 0)) {
        fprintf(stderr, "check_groth16: %s: write error\n", path);
        exit(VR_EXIT_SYS);
    }
}

static double
drv_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int
driver(int argc, char **argv)
{
    const char *cmd = argv[1];
    size_t len, len2;
    unsigned char *buf, *buf2;
    int rc;

    if (strcmp(cmd, "prove") == 0 && (argc == 6 || argc == 7)) {
        struct vr_g16_pk pk;
        struct vr_g16_proof pi;
        vr_fr *w;
        size_t nw;
        int nt = argc == 7 ? atoi(argv[6]) : 1;
        double t0, t1, t2;
        FILE *f;

        t0 = drv_now();
        buf = drv_slurp(argv[2], &len);
        drv_check(vr_zkey_parse(&pk, buf, len), argv[2]);
        free(buf);
        buf = drv_slurp(argv[3], &len);
        drv_check(vr_wtns_parse(&w, &nw, buf, len), argv[3]);
        free(buf);
        t1 = drv_now();
        drv_check(vr_g16_prove(&pi, &pk, w, nw, nt < 1 ? 1 : nt), "prove");
        t2 = drv_now();
        fprintf(stderr, "check_groth16: load %.3f s, prove %.3f s\n",
            t1 - t0, t2 - t1);
        f = drv_out(argv[4]);
        drv_check(vr_g16_proof_json_write(f, &pi), argv[4]);
        drv_close(f, argv[4]);
        f = drv_out(argv[5]);
        drv_check(vr_g16_public_json_write(f, w + 1, pk.npublic), argv[5]);
        drv_close(f, argv[5]);
        vr_memzero_explicit(w, nw * sizeof(vr_fr));
        free(w);
        vr_g16_pk_free(&pk);
        return 0;
    }
    if (strcmp(cmd, "verify") == 0 && argc == 5) {
        struct vr_g16_vk vk;
        struct vr_g16_pvk pvk;
        struct vr_g16_proof pi;
        vr_fr *pub;
        size_t npub;

        buf = drv_slurp(argv[2], &len);
        drv_check(vr_g16_vk_json_parse(&vk, (char *)buf, len), argv[2]);
        free(buf);
        buf = drv_slurp(argv[3], &len);
        drv_check(vr_g16_public_json_parse(&pub, &npub, (char *)buf, len),
            argv[3]);
        free(buf);
        buf = drv_slurp(argv[4], &len);
        drv_check(vr_g16_proof_json_parse(&pi, (char *)buf, len), argv[4]);
        free(buf);
        drv_check(vr_g16_prepare(&pvk, &vk), argv[2]);
        rc = vr_g16_verify(&pvk, &pi, pub, npub);
        if (rc == VR_ESHAPE) {
            fprintf(stderr, "check_groth16: %zu public signals, key wants "
                "%u\n", npub, vk.npublic);
            return VR_EXIT_DATA;
        }
        printf("%s\n", rc == VR_OK ? "OK" : "REJECT");
        free(pub);
        vr_g16_pvk_free(&pvk);
        vr_g16_vk_free(&vk);
        return rc == VR_OK ? 0 : VR_EXIT_REJECT;
    }
    if (strcmp(cmd, "setup") == 0 && (argc == 5 || argc == 6)) {
        struct vr_r1cs r;
        struct vr_g16_pk pk;
        struct vr_g16_vk vk;
        int nt = argc == 6 ? atoi(argv[5]) : 1;
        double t0;
        FILE *f;

        buf = drv_slurp(argv[2], &len);
        drv_check(vr_r1cs_parse(&r, buf, len), argv[2]);
        free(buf);
        t0 = drv_now();
        drv_check(vr_g16_setup(&pk, &vk, &r, nt < 1 ? 1 : nt), "setup");
        fprintf(stderr, "check_groth16: setup %.3f s\n", drv_now() - t0);
        f = drv_out(argv[3]);
        drv_check(vr_zkey_write(f, &pk), argv[3]);
        drv_close(f, argv[3]);
        f = drv_out(argv[4]);
        drv_check(vr_g16_vk_json_write(f, &vk), argv[4]);
        drv_close(f, argv[4]);
        vr_g16_pk_free(&pk);
        vr_g16_vk_free(&vk);
        vr_r1cs_free(&r);
        return 0;
    }
    if (strcmp(cmd, "setup-ptau") == 0 && (argc == 6 || argc == 7)) {
        struct vr_r1cs r;
        struct vr_g16_pk pk;
        struct vr_g16_vk vk;
        double t0;
        FILE *f;

        buf = drv_slurp(argv[2], &len);
        drv_check(vr_r1cs_parse(&r, buf, len), argv[2]);
        free(buf);
        buf = drv_slurp(argv[3], &len);
        t0 = drv_now();
        if (argc == 7 && strcmp(argv[6], "delta-one") == 0)
            rc = vr_g16_setup_ptau_delta(&pk, &vk, &r, buf, len, &vr_fr_one, 2);
        else
            rc = vr_g16_setup_ptau(&pk, &vk, &r, buf, len, 2);
        drv_check(rc, argv[3]);
        fprintf(stderr, "check_groth16: setup from ptau %.3f s\n",
            drv_now() - t0);
        free(buf);
        f = drv_out(argv[4]);
        drv_check(vr_zkey_write(f, &pk), argv[4]);
        drv_close(f, argv[4]);
        f = drv_out(argv[5]);
        drv_check(vr_g16_vk_json_write(f, &vk), argv[5]);
        drv_close(f, argv[5]);
        vr_g16_pk_free(&pk);
        vr_g16_vk_free(&vk);
        vr_r1cs_free(&r);
        return 0;
    }
    if (strcmp(cmd, "r1cs") == 0 && argc >= 3 && argc <= 5) {
        struct vr_r1cs r;
        FILE *f;

        buf = drv_slurp(argv[2], &len);
        drv_check(vr_r1cs_parse(&r, buf, len), argv[2]);
        free(buf);
        printf("wires %u public %u (out %u, in %u) private inputs %u "
            "constraints %zu terms %zu\n", r.nwires, vr_r1cs_npublic(&r),
            r.npub_out, r.npub_in, r.nprv_in, r.ncons, r.nterms);
        if (argc >= 4 && strcmp(argv[3], "-") != 0) {
            f = drv_out(argv[3]);
            drv_check(vr_r1cs_write(f, &r), argv[3]);
            drv_close(f, argv[3]);
        }
        if (argc == 5) {
            vr_fr *w;
            size_t nw, bad;
            buf = drv_slurp(argv[4], &len);
            drv_check(vr_wtns_parse(&w, &nw, buf, len), argv[4]);
            free(buf);
            if (nw != r.nwires) {
                fprintf(stderr, "check_groth16: %zu witness values for %u "
                    "wires\n", nw, r.nwires);
                return VR_EXIT_DATA;
            }
            if (vr_r1cs_check(&r, w, &bad) != VR_OK) {
                printf("constraint %zu not satisfied\n", bad);
                return VR_EXIT_REJECT;
            }
            printf("satisfied\n");
            free(w);
        }
        vr_r1cs_free(&r);
        return 0;
    }
    if (strcmp(cmd, "chain") == 0 && argc == 5) {
        struct vr_r1cs r;
        struct vr_lc a = {0}, b = {0}, c = {0};
        long n = atol(argv[2]);
        vr_fr *w, t;
        int64_t prev = 2, cur;
        FILE *f;

        if (n < 1 || n > (1L << 27)) {
            fprintf(stderr, "check_groth16: chain: N out of range\n");
            return VR_EXIT_USAGE;
        }
        // Wires: 0 one, 1 y (public output), 2 x (private input), t_i.
        vr_r1cs_init(&r, 1, 0, 1);
        w = malloc(((size_t)n + 3) * sizeof(vr_fr));
        w[0] = vr_fr_one;
        vr_fr_from_u64(&w[2], 7);
        for (long i = 0; i < n; i++) {
            cur = i == n - 1 ? 1 : vr_r1cs_alloc(&r);
            vr_lc_clear(&a); vr_lc_clear(&b); vr_lc_clear(&c);
            vr_lc_add_i64(&a, (uint32_t)prev, 1);
            vr_lc_add_i64(&b, 2, 1);
            vr_lc_add_i64(&c, (uint32_t)cur, 1);
            vr_lc_add_i64(&c, 0, -(int64_t)i);
            drv_check(vr_r1cs_add(&r, &a, &b, &c), "chain");
            vr_fr_from_u64(&t, (uint64_t)i);
            vr_fr_mul(&w[cur], &w[prev], &w[2]);
            vr_fr_add(&w[cur], &w[cur], &t);
            prev = cur;
        }
        vr_lc_free(&a); vr_lc_free(&b); vr_lc_free(&c);
        f = drv_out(argv[3]);
        drv_check(vr_r1cs_write(f, &r), argv[3]);
        drv_close(f, argv[3]);
        f = drv_out(argv[4]);
        drv_check(vr_wtns_write(f, w, r.nwires), argv[4]);
        drv_close(f, argv[4]);
        free(w);
        vr_r1cs_free(&r);
        return 0;
    }
    if (strcmp(cmd, "vkey") == 0 && argc == 4) {
        struct vr_g16_pk pk;
        struct vr_g16_vk vk;
        FILE *f;

        buf = drv_slurp(argv[2], &len);
        drv_check(vr_zkey_parse(&pk, buf, len), argv[2]);
        free(buf);
        drv_check(vr_g16_pk_vk(&vk, &pk), argv[2]);
        f = drv_out(argv[3]);
        drv_check(vr_g16_vk_json_write(f, &vk), argv[3]);
        drv_close(f, argv[3]);
        vr_g16_pk_free(&pk);
        vr_g16_vk_free(&vk);
        return 0;
    }
    if (strcmp(cmd, "solidity") == 0 && argc == 4) {
        struct vr_g16_vk vk;
        FILE *f;

        buf = drv_slurp(argv[2], &len);
        drv_check(vr_g16_vk_json_parse(&vk, (char *)buf, len), argv[2]);
        free(buf);
        f = drv_out(argv[3]);
        drv_check(vr_solidity_write(f, &vk), argv[3]);
        drv_close(f, argv[3]);
        vr_g16_vk_free(&vk);
        return 0;
    }
    if (strcmp(cmd, "calldata") == 0 && argc == 4) {
        struct vr_g16_proof pi;
        vr_fr *pub;
        size_t npub;

        buf = drv_slurp(argv[2], &len);
        drv_check(vr_g16_proof_json_parse(&pi, (char *)buf, len), argv[2]);
        buf2 = drv_slurp(argv[3], &len2);
        drv_check(vr_g16_public_json_parse(&pub, &npub, (char *)buf2, len2),
            argv[3]);
        drv_check(vr_solidity_calldata(stdout, &pi, pub, npub), "stdout");
        putchar('\n');
        drv_close(stdout, "stdout");
        free(buf);
        free(buf2);
        free(pub);
        return 0;
    }
    fprintf(stderr, "usage: check_groth16 [prove|verify|setup|setup-ptau|r1cs|chain|vkey|solidity|"
        "calldata] ...\n");
    return VR_EXIT_USAGE;
}

int
main(int argc, char **argv)
{
    if (argc > 1)
        return driver(argc, argv);
    return vr_test_run(suite());
}
