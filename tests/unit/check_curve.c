/*
 * Unit tests for lib/curve: G1 and G2 against g1.json / g2.json (scalar
 * multiples up to 2^256 - 1, additions with every special case, EVM
 * encodings, invalid points), group laws on random points, r*G == O,
 * constant-time and wNAF multiplication agreeing, and the G2 subgroup
 * check (fast psi test against r*P == O, on-twist-not-in-G2 rejected).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>

#include "util_json.h"
#include "util_test.h"
#include "vr.h"
#include "curve/g1.h"
#include "curve/g2.h"
#include "field/limb.h"

/* START_TEST pastes its argument: expand S(name) first. */
#define START_TEST_X(n) START_TEST(n)

static void
fp_from_dec(vr_fp *r, const char *dec)
{
    mpz_t v;
    uint64_t l[4] = {0};

    mpz_init_set_str(v, dec, 10);
    ck_assert(mpz_sizeinbase(v, 2) <= 256);
    mpz_export(l, NULL, -1, 8, 0, 0, v);
    ck_assert_int_eq(vr_fp_from_canonical(r, l), VR_OK);
    mpz_clear(v);
}

static void
aff_from_json_g1(vr_g1_affine *a, const struct vr_json *j)
{
    fp_from_dec(&a->x, vr_json_at(j, 0)->text);
    fp_from_dec(&a->y, vr_json_at(j, 1)->text);
}

static void
aff_from_json_g2(vr_g2_affine *a, const struct vr_json *j)
{
    const struct vr_json *x = vr_json_at(j, 0), *y = vr_json_at(j, 1);

    fp_from_dec(&a->x.c0, vr_json_at(x, 0)->text);
    fp_from_dec(&a->x.c1, vr_json_at(x, 1)->text);
    fp_from_dec(&a->y.c0, vr_json_at(y, 0)->text);
    fp_from_dec(&a->y.c1, vr_json_at(y, 1)->text);
}

#define PT vr_g1
#define G(x) vr_g1_##x
#define S(x) x##_g1
#define FILE_ "g1.json"
#define ENC_LEN 64
#define ENC_FROM vr_g1_affine_from_bytes_be
#define ENC_TO vr_g1_affine_to_bytes_be
/* GLV eigenvalue of (x, y) -> (beta x, y) */
#define LAMBDA_LIMBS {0x8b17ea66b99c90ddULL, 0x5bfc41088d8daaa7ULL, \
    0xb3c4d79d41a91758ULL, 0}
#include "tmpl_curve.h"
#undef PT
#undef G
#undef S
#undef FILE_
#undef ENC_LEN
#undef ENC_FROM
#undef ENC_TO
#undef LAMBDA_LIMBS

#define PT vr_g2
#define G(x) vr_g2_##x
#define S(x) x##_g2
#define FILE_ "g2.json"
#define ENC_LEN 128
#define ENC_FROM vr_g2_affine_from_bytes_evm
#define ENC_TO vr_g2_affine_to_bytes_evm
/* psi eigenvalue 6x^2 */
#define LAMBDA_LIMBS {0xf83e9682e87cfd46ULL, 0x6f4d8248eeb859fbULL, 0, 0}
#include "tmpl_curve.h"
#undef PT
#undef G
#undef S
#undef FILE_
#undef ENC_LEN
#undef ENC_FROM
#undef ENC_TO
#undef LAMBDA_LIMBS

START_TEST(test_g1_double_and_invalid)
{
    struct vr_json *j = vr_json_load(vr_test_shared(
        "reference/zk/vectors/g1.json"));
    const struct vr_json *v = vr_json_req(j, "double");

    for (size_t i = 0; i < v->n; i++) {
        const struct vr_json *s = vr_json_at(v, i);
        vr_g1_affine a;
        vr_g1 p;
        aff_from_json_g1(&a, vr_json_req(s, "a"));
        vr_g1_from_affine(&p, &a);
        vr_g1_dbl(&p, &p);
        check_point_g1(&p, vr_json_req(s, "double"), NULL, "dbl", (int)i);
    }
    // invalid points: encode the raw words and expect VR_EFORMAT
    v = vr_json_req(j, "invalid_inputs");
    ck_assert_int_ge((int)v->n, 3);
    for (size_t i = 0; i < v->n; i++) {
        const struct vr_json *pt = vr_json_req(vr_json_at(v, i), "point");
        unsigned char buf[64];
        uint64_t l[4];
        vr_g1_affine a;
        mpz_t t;
        for (int c = 0; c < 2; c++) {
            memset(l, 0, sizeof(l));
            mpz_init_set_str(t, vr_json_at(pt, (size_t)c)->text, 10);
            mpz_export(l, NULL, -1, 8, 0, 0, t);
            mpz_clear(t);
            vr_limb_to_be(buf + 32 * c, l);
        }
        ck_assert_int_eq(vr_g1_affine_from_bytes_be(&a, buf), VR_EFORMAT);
    }
    // all-zero bytes are O
    unsigned char zero[64] = {0};
    vr_g1_affine a;
    ck_assert_int_eq(vr_g1_affine_from_bytes_be(&a, zero), VR_OK);
    ck_assert(vr_g1_affine_is_inf(&a));
    vr_json_free(j);
}
END_TEST

START_TEST(test_g2_subgroup)
{
    struct vr_json *j = vr_json_load(vr_test_shared(
        "reference/zk/vectors/g2.json"));
    const struct vr_json *bad = vr_json_req(j, "on_twist_not_in_subgroup");
    unsigned char *buf;
    size_t len;
    vr_g2_affine a;
    vr_g2 p, q;

    // the vector: on E', not in G2; r*P != O; the decoder says VR_ERANGE
    aff_from_json_g2(&a, vr_json_req(bad, "point"));
    ck_assert(vr_g2_affine_is_on_curve(&a));
    ck_assert(!vr_g2_affine_is_in_subgroup(&a));
    vr_g2_from_affine(&p, &a);
    vr_g2_mul_u256_var(&q, &p, vr_fr_modulus);
    ck_assert(!vr_g2_is_inf(&q));
    buf = vr_test_unhex(vr_json_text(bad, "point_evm"), &len);
    ck_assert_int_eq((int)len, 128);
    ck_assert_int_eq(vr_g2_affine_from_bytes_evm(&a, buf), VR_ERANGE);
    free(buf);
    // generator in both byte orders; swapped halves are off the curve
    buf = vr_test_unhex(vr_json_text(j, "generator_evm"), &len);
    ck_assert_int_eq(vr_g2_affine_from_bytes_evm(&a, buf), VR_OK);
    ck_assert(vr_g2_affine_eq(&a, &vr_g2_generator_affine));
    ck_assert_int_eq(vr_g2_affine_from_bytes_snarkjs(&a, buf), VR_EFORMAT);
    free(buf);
    buf = vr_test_unhex(vr_json_text(j,
        "g2_generator_with_swapped_fp2_halves.point_evm"), &len);
    ck_assert_int_eq(vr_g2_affine_from_bytes_evm(&a, buf), VR_EFORMAT);
    ck_assert_int_eq(vr_g2_affine_from_bytes_snarkjs(&a, buf), VR_OK);
    ck_assert(vr_g2_affine_eq(&a, &vr_g2_generator_affine));
    free(buf);
    unsigned char out[128];
    vr_g2_affine_to_bytes_snarkjs(out, &vr_g2_generator_affine);
    ck_assert_int_eq(vr_g2_affine_from_bytes_snarkjs(&a, out), VR_OK);
    ck_assert(vr_g2_affine_eq(&a, &vr_g2_generator_affine));

    // random points of E'(Fp2): the psi test agrees with r*P == O; after
    // clearing the cofactor h2 = 2p - r they are in G2.
    uint64_t s = vr_test_seed();
    int found = 0;
    mpz_t h;
    uint64_t hl[4] = {0};
    mpz_init_set_str(h, "21888242871839275222246405745257275088844257914179"
        "612981679871602714643921549", 10);
    mpz_export(hl, NULL, -1, 8, 0, 0, h);
    mpz_clear(h);
    for (int it = 0; found < 12 && it < 200; it++) {
        vr_fp2 x, y2, b;
        uint64_t l[4];
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 4; i++) {
                s = s * 6364136223846793005ULL + 1442695040888963407ULL;
                l[i] = s ^ (s >> 29);
            }
            l[3] &= 0x0fffffffffffffffULL;
            ck_assert_int_eq(vr_fp_from_canonical(c ? &x.c1 : &x.c0, l),
                VR_OK);
        }
        // b' = y^2 - x^3 on the generator
        vr_fp2_sqr(&b, &vr_g2_generator_affine.y);
        vr_fp2_sqr(&y2, &vr_g2_generator_affine.x);
        vr_fp2_mul(&y2, &y2, &vr_g2_generator_affine.x);
        vr_fp2_sub(&b, &b, &y2);
        vr_fp2_sqr(&y2, &x);
        vr_fp2_mul(&y2, &y2, &x);
        vr_fp2_add(&y2, &y2, &b);
        if (vr_fp2_sqrt(&a.y, &y2) != VR_OK)
            continue;
        a.x = x;
        found++;
        ck_assert(vr_g2_affine_is_on_curve(&a));
        vr_g2_from_affine(&p, &a);
        vr_g2_mul_u256_var(&q, &p, vr_fr_modulus);
        ck_assert_int_eq(vr_g2_is_in_subgroup(&p), vr_g2_is_inf(&q));
        ck_assert(!vr_g2_is_in_subgroup(&p));   /* chance ~ 1/p */
        // [r]P has order dividing h2: on E', not in G2 (unless O)
        vr_g2_mul_u256_var(&q, &p, vr_fr_modulus);
        ck_assert(vr_g2_is_on_curve(&q));
        ck_assert(!vr_g2_is_inf(&q));
        ck_assert(!vr_g2_is_in_subgroup(&q));
        // [h2]P is in G2
        vr_g2_mul_u256_var(&q, &p, hl);
        ck_assert(vr_g2_is_in_subgroup(&q));
        vr_g2_mul_u256_var(&p, &q, vr_fr_modulus);
        ck_assert(vr_g2_is_inf(&p));
    }
    ck_assert_int_ge(found, 12);
    ck_assert(vr_g2_is_in_subgroup(&vr_g2_generator));
    ck_assert(vr_g2_is_in_subgroup(&vr_g2_infinity));
    vr_json_free(j);
}
END_TEST

static Suite *
curve_suite(void)
{
    Suite *s = suite_create("curve");
    TCase *tc = tcase_create("g1");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_scalar_mul_vectors_g1);
    tcase_add_test(tc, test_add_vectors_g1);
    tcase_add_test(tc, test_g1_double_and_invalid);
    tcase_add_loop_test(tc, test_group_laws_g1, 0, 2);
    tcase_add_test(tc, test_mul_edges_g1);
    suite_add_tcase(s, tc);
    tc = tcase_create("g2");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_scalar_mul_vectors_g2);
    tcase_add_test(tc, test_add_vectors_g2);
    tcase_add_test(tc, test_g2_subgroup);
    tcase_add_loop_test(tc, test_group_laws_g2, 0, 2);
    tcase_add_test(tc, test_mul_edges_g2);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vr_test_run(curve_suite());
}
