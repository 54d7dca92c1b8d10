/*
 * Unit tests for lib/field: Fp and Fr against fields.json and against GMP
 * (random values plus 0, 1, m-1, m-2, (m-1)/2), encodings, batch
 * inversion, Fr roots of unity and randomness; the tower Fp2/Fp6/Fp12
 * against fields.json and its algebraic identities.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>

#include "util_json.h"
#include "util_test.h"
#include "vr.h"
#include "field/fp.h"
#include "field/fr.h"
#include "field/fp2.h"
#include "field/fp6.h"
#include "field/fp12.h"
#include "field/limb.h"

/* START_TEST pastes its argument: expand S(name) first. */
#define START_TEST_X(n) START_TEST(n)

#define T vr_fp
#define F(x) vr_fp_##x
#define S(x) x##_fp
#define KEY "Fq"
#include "tmpl_field.h"
#undef T
#undef F
#undef S
#undef KEY

#define T vr_fr
#define F(x) vr_fr_##x
#define S(x) x##_fr
#define KEY "Fr"
#include "tmpl_field.h"
#undef T
#undef F
#undef S
#undef KEY

START_TEST(test_fr_roots)
{
    struct vr_json *j = vr_json_load(vr_test_shared(
        "reference/zk/vectors/constants.json"));
    const struct vr_json *w = vr_json_req(j, "constants.fr_roots_of_unity");
    vr_fr t, u;

    ck_assert_int_eq((int)w->n, 29);
    for (int k = 0; k <= 28; k++) {
        char key[8];
        snprintf(key, sizeof(key), "%d", k);
        ck_assert_int_eq(vr_fr_root_of_unity(&t, k), VR_OK);
        check_dec_fr(&t, vr_json_text(w, key), "omega", k);
        // exact order 2^k: omega^(2^(k-1)) = -1 for k >= 1
        u = t;
        for (int i = 1; i < k; i++)
            vr_fr_sqr(&u, &u);
        if (k >= 1) {
            vr_fr_add(&u, &u, &vr_fr_one);
            ck_assert(vr_fr_is_zero(&u));
        }
    }
    ck_assert_int_eq(vr_fr_root_of_unity(&t, 29), VR_ERANGE);
    ck_assert_int_eq(vr_fr_root_of_unity(&t, -1), VR_ERANGE);
    vr_json_free(j);
}
END_TEST

START_TEST(test_fr_misc)
{
    vr_fr a, b, c;

    vr_fr_from_i64(&a, -5);
    vr_fr_from_u64(&b, 5);
    vr_fr_add(&c, &a, &b);
    ck_assert(vr_fr_is_zero(&c));
    vr_fr_from_i64(&a, INT64_MIN);
    vr_fr_from_u64(&b, (uint64_t)1 << 63);
    vr_fr_add(&c, &a, &b);
    ck_assert(vr_fr_is_zero(&c));
    vr_fr_from_i64(&a, 42);
    vr_fr_from_u64(&b, 42);
    ck_assert(vr_fr_eq(&a, &b));
    // random: in range, and not constant
    ck_assert_int_eq(vr_fr_random(&a), VR_OK);
    ck_assert_int_eq(vr_fr_random(&b), VR_OK);
    ck_assert(!vr_fr_eq(&a, &b));
    ck_assert(vr_limb_lt(a.l, vr_fr_modulus));
}
END_TEST


/* ---- tower ---- */

static void
fp2_from_json(vr_fp2 *r, const struct vr_json *a)
{
    from_dec_fp(&r->c0, vr_json_at(a, 0)->text);
    from_dec_fp(&r->c1, vr_json_at(a, 1)->text);
}

static void
fp2_check_json(const vr_fp2 *r, const struct vr_json *a, const char *what,
    int i)
{
    check_dec_fp(&r->c0, vr_json_at(a, 0)->text, what, i);
    check_dec_fp(&r->c1, vr_json_at(a, 1)->text, what, i);
}

static void
fp12_from_json(vr_fp12 *r, const struct vr_json *a)
{
    vr_fp c[12];

    ck_assert_int_eq((int)a->n, 12);
    for (int k = 0; k < 12; k++)
        from_dec_fp(&c[k], vr_json_at(a, (size_t)k)->text);
    vr_fp12_from_fps(r, c);
}

static void
fp12_check_json(const vr_fp12 *r, const struct vr_json *a, const char *what,
    int i)
{
    vr_fp c[12];

    vr_fp12_to_fps(c, r);
    for (int k = 0; k < 12; k++)
        check_dec_fp(&c[k], vr_json_at(a, (size_t)k)->text, what, i);
}

START_TEST(test_fp2_vectors)
{
    struct vr_json *j = vr_json_load(vr_test_shared(
        "reference/zk/vectors/fields.json"));
    const struct vr_json *smp = vr_json_req(j, "Fq2.samples");

    ck_assert_int_ge((int)smp->n, 6);
    for (size_t i = 0; i < smp->n; i++) {
        const struct vr_json *s = vr_json_at(smp, i);
        vr_fp2 a, b, t, u;
        fp2_from_json(&a, vr_json_req(s, "a"));
        fp2_from_json(&b, vr_json_req(s, "b"));
        vr_fp2_mul(&t, &a, &b);
        fp2_check_json(&t, vr_json_req(s, "mul"), "fp2 mul", (int)i);
        vr_fp2_sqr(&t, &a);
        fp2_check_json(&t, vr_json_req(s, "sqr_a"), "fp2 sqr", (int)i);
        vr_fp2_inv(&t, &a);
        fp2_check_json(&t, vr_json_req(s, "inv_a"), "fp2 inv", (int)i);
        ck_assert_int_eq(vr_fp2_inv_var(&t, &a), VR_OK);
        fp2_check_json(&t, vr_json_req(s, "inv_a"), "fp2 inv_var", (int)i);
        int sq = !strcmp(vr_json_text(s, "a_is_square"), "true");
        ck_assert_int_eq(vr_fp2_sqrt(&t, &a), sq ? VR_OK : VR_ERANGE);
        // sqrt(a^2) is a or -a
        vr_fp2_sqr(&u, &a);
        ck_assert_int_eq(vr_fp2_sqrt(&t, &u), VR_OK);
        vr_fp2_neg(&u, &a);
        ck_assert(vr_fp2_eq(&t, &a) || vr_fp2_eq(&t, &u));
    }
    vr_json_free(j);
}
END_TEST

START_TEST(test_fp12_vectors)
{
    struct vr_json *j = vr_json_load(vr_test_shared(
        "reference/zk/vectors/fields.json"));
    const struct vr_json *smp = vr_json_req(j, "Fq12.samples");

    ck_assert_int_ge((int)smp->n, 3);
    for (size_t i = 0; i < smp->n; i++) {
        const struct vr_json *s = vr_json_at(smp, i);
        vr_fp12 a, b, t;
        fp12_from_json(&a, vr_json_req(s, "a"));
        fp12_from_json(&b, vr_json_req(s, "b"));
        vr_fp12_mul(&t, &a, &b);
        fp12_check_json(&t, vr_json_req(s, "mul"), "fp12 mul", (int)i);
        vr_fp12_sqr(&t, &a);
        fp12_check_json(&t, vr_json_req(s, "sqr_a"), "fp12 sqr", (int)i);
        vr_fp12_inv(&t, &a);
        fp12_check_json(&t, vr_json_req(s, "inv_a"), "fp12 inv", (int)i);
    }
    vr_json_free(j);
}
END_TEST

/* Deterministic pseudo-random Fp from a 64-bit LCG state (tests only). */
static void
rand_fp(vr_fp *r, uint64_t *s)
{
    uint64_t l[4];

    for (int k = 0; k < 4; k++) {
        *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
        l[k] = *s ^ (*s >> 29);
    }
    l[3] &= 0x0fffffffffffffffULL;          /* < 2^252 < p */
    ck_assert_int_eq(vr_fp_from_canonical(r, l), VR_OK);
}

static void
rand_fp2(vr_fp2 *r, uint64_t *s)
{
    rand_fp(&r->c0, s);
    rand_fp(&r->c1, s);
}

static void
rand_fp6(vr_fp6 *r, uint64_t *s)
{
    rand_fp2(&r->c0, s);
    rand_fp2(&r->c1, s);
    rand_fp2(&r->c2, s);
}

static void
rand_fp12(vr_fp12 *r, uint64_t *s)
{
    rand_fp6(&r->c0, s);
    rand_fp6(&r->c1, s);
}

START_TEST(test_tower_identities)
{
    uint64_t s = vr_test_seed() + (uint64_t)_i * 7919;
    long iters = vr_test_iters(2000) / 100 + 1;

    for (long it = 0; it < iters; it++) {
        vr_fp2 a2, b2, t2, u2;
        vr_fp6 a6, b6, t6, u6;
        vr_fp12 a, b, c, t, u;

        // Fp2: sqrt of random squares and non-squares, xi, inverse
        rand_fp2(&a2, &s);
        vr_fp2_sqr(&b2, &a2);
        ck_assert_int_eq(vr_fp2_sqrt(&t2, &b2), VR_OK);
        vr_fp2_sqr(&u2, &t2);
        ck_assert(vr_fp2_eq(&u2, &b2));
        vr_fp2_inv(&t2, &a2);
        vr_fp2_mul(&t2, &t2, &a2);
        ck_assert(vr_fp2_eq(&t2, &vr_fp2_one));
        vr_fp2 xi;
        vr_fp_from_u64(&xi.c0, 9);
        xi.c1 = vr_fp_one;
        vr_fp2_mul(&t2, &a2, &xi);
        vr_fp2_mul_xi(&u2, &a2);
        ck_assert(vr_fp2_eq(&t2, &u2));
        // Fp2 sqrt of elements of Fp: a non-residue of Fp (3) still has
        // a root in Fp2 (the alpha = -1 branch), and sqrt(-1) = +-u
        if (it == 0) {
            vr_fp2 three = vr_fp2_zero, m1 = vr_fp2_zero;
            vr_fp_from_u64(&three.c0, 3);
            ck_assert(!vr_fp_is_square(&three.c0));
            ck_assert_int_eq(vr_fp2_sqrt(&t2, &three), VR_OK);
            vr_fp2_sqr(&u2, &t2);
            ck_assert(vr_fp2_eq(&u2, &three));
            vr_fp_neg(&m1.c0, &vr_fp_one);
            ck_assert_int_eq(vr_fp2_sqrt(&t2, &m1), VR_OK);
            ck_assert(vr_fp_is_zero(&t2.c0));
            vr_fp2_sqr(&u2, &t2);
            ck_assert(vr_fp2_eq(&u2, &m1));
            ck_assert_int_eq(vr_fp2_sqrt(&t2, &vr_fp2_zero), VR_OK);
            ck_assert(vr_fp2_is_zero(&t2));
            // xi = 9 + u is not a square in Fp2 (else not a sextic
            // non-residue)
            vr_fp2 xi9;
            vr_fp_from_u64(&xi9.c0, 9);
            xi9.c1 = vr_fp_one;
            ck_assert_int_eq(vr_fp2_sqrt(&t2, &xi9), VR_ERANGE);
        }
        // Fp6: sqr == mul, inverse, sparse mul
        rand_fp6(&a6, &s);
        rand_fp6(&b6, &s);
        vr_fp6_sqr(&t6, &a6);
        vr_fp6_mul(&u6, &a6, &a6);
        ck_assert(vr_fp6_eq(&t6, &u6));
        vr_fp6_inv(&t6, &a6);
        vr_fp6_mul(&t6, &t6, &a6);
        ck_assert(vr_fp6_eq(&t6, &vr_fp6_one));
        b6.c2 = vr_fp2_zero;
        vr_fp6_mul(&t6, &a6, &b6);
        vr_fp6_mul_01(&u6, &a6, &b6.c0, &b6.c1);
        ck_assert(vr_fp6_eq(&t6, &u6));
        // Fp12: sqr == mul, inverse, sparse 034 mul
        rand_fp12(&a, &s);
        rand_fp12(&b, &s);
        vr_fp12_sqr(&t, &a);
        vr_fp12_mul(&u, &a, &a);
        ck_assert(vr_fp12_eq(&t, &u));
        vr_fp12_inv(&t, &a);
        vr_fp12_mul(&t, &t, &a);
        ck_assert(vr_fp12_is_one(&t));
        c = (vr_fp12){0};
        c.c0.c0 = b.c0.c0;
        c.c1.c0 = b.c1.c0;
        c.c1.c1 = b.c1.c1;
        vr_fp12_mul(&t, &a, &c);
        vr_fp12_mul_034(&u, &a, &c.c0.c0, &c.c1.c0, &c.c1.c1);
        ck_assert(vr_fp12_eq(&t, &u));
        // Frobenius: a^p by exponentiation; k = 2, 3 by composition
        vr_fp12_pow(&t, &a, vr_fp_modulus);
        vr_fp12_frobenius(&u, &a, 1);
        ck_assert(vr_fp12_eq(&t, &u));
        vr_fp12_frobenius(&t, &u, 1);
        vr_fp12_frobenius(&c, &a, 2);
        ck_assert(vr_fp12_eq(&t, &c));
        vr_fp12_frobenius(&t, &c, 1);
        vr_fp12_frobenius(&u, &a, 3);
        ck_assert(vr_fp12_eq(&t, &u));
        // conj is the p^6 power: frob3(frob3(a)) == conj(a)
        vr_fp12_frobenius(&t, &u, 3);
        vr_fp12_conj(&c, &a);
        ck_assert(vr_fp12_eq(&t, &c));
        // cyclotomic squaring on g = a^((p^6 - 1)(p^2 + 1))
        vr_fp12_inv(&t, &a);
        vr_fp12_conj(&c, &a);
        vr_fp12_mul(&c, &c, &t);                /* a^(p^6 - 1) */
        vr_fp12_frobenius(&t, &c, 2);
        vr_fp12_mul(&c, &c, &t);                /* ^(p^2 + 1) */
        vr_fp12_sqr(&t, &c);
        vr_fp12_cyclotomic_sqr(&u, &c);
        ck_assert(vr_fp12_eq(&t, &u));
        // and the cyclotomic inverse is the conjugate
        vr_fp12_conj(&t, &c);
        vr_fp12_mul(&t, &t, &c);
        ck_assert(vr_fp12_is_one(&t));
    }
}
END_TEST

/* The product used by the build (mulx/adcx/adox assembly on x86-64 with
 * BMI2 and ADX) equals the C CIOS on unreduced operands < 2m. */
START_TEST(test_mont_fast_vs_c)
{
    const uint64_t *m = _i ? vr_fr_modulus : vr_fp_modulus;
    uint64_t n0 = _i ? VR_FR_N0 : VR_FP_N0;
    uint64_t s = vr_test_seed() + 99;
    long iters = vr_test_iters(2000) * 20;

    for (long it = 0; it < iters; it++) {
        uint64_t a[4], b[4], c[4], d[4];
        for (int k = 0; k < 4; k++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            a[k] = s ^ (s >> 31);
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            b[k] = s ^ (s >> 29);
        }
        a[3] &= 0x7fffffffffffffffULL;
        b[3] &= 0x7fffffffffffffffULL;
        if (it % 5 == 0)        /* the largest admissible: 2m - 1 */
            vr_limb_add_raw(a, m, m), vr_limb_sub_raw(a, a,
                (const uint64_t[4]){1, 0, 0, 0});
        // reduce into [0, 2m)
        while (!vr_limb_lt(a, (const uint64_t[4]){m[0] << 1,
            (m[1] << 1) | (m[0] >> 63), (m[2] << 1) | (m[1] >> 63),
            (m[3] << 1) | (m[2] >> 63)}))
            vr_limb_sub_raw(a, a, m);
        while (!vr_limb_lt(b, (const uint64_t[4]){m[0] << 1,
            (m[1] << 1) | (m[0] >> 63), (m[2] << 1) | (m[1] >> 63),
            (m[3] << 1) | (m[2] >> 63)}))
            vr_limb_sub_raw(b, b, m);
        vr_limb_mont_mul(c, a, b, m, n0);
        vr_limb_mont_mul_c(d, a, b, m, n0);
        ck_assert(memcmp(c, d, 32) == 0);
        ck_assert(vr_limb_lt(c, m));
    }
}
END_TEST

static Suite *
field_suite(void)
{
    Suite *s = suite_create("field");
    TCase *tc = tcase_create("fp");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_vectors_fp);
    tcase_add_loop_test(tc, test_gmp_fp, 0, 2);
    tcase_add_test(tc, test_encoding_fp);
    tcase_add_test(tc, test_batch_inv_fp);
    suite_add_tcase(s, tc);
    tc = tcase_create("fr");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_vectors_fr);
    tcase_add_loop_test(tc, test_gmp_fr, 0, 2);
    tcase_add_test(tc, test_encoding_fr);
    tcase_add_test(tc, test_batch_inv_fr);
    tcase_add_test(tc, test_fr_roots);
    tcase_add_test(tc, test_fr_misc);
    suite_add_tcase(s, tc);
    tc = tcase_create("tower");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_fp2_vectors);
    tcase_add_test(tc, test_fp12_vectors);
    tcase_add_loop_test(tc, test_tower_identities, 0, 2);
    tcase_add_loop_test(tc, test_mont_fast_vs_c, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vr_test_run(field_suite());
}
