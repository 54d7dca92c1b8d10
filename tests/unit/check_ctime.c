/*
 * Constant-time check of the secret-handling routines, in the manner of
 * secp256k1's ctime_tests: secrets are marked undefined for valgrind's
 * memcheck, which then reports any branch or memory index that depends
 * on them.  Natively (make check) the marks are no-ops and this is a
 * functional run; tests/ctime.sh builds a valgrind-compatible copy
 * (no AVX-512) and runs it under valgrind, where a leak fails the run.
 * Outputs are marked defined again before anything branches on them.
 */
#include <stdlib.h>
#include <string.h>

#include "util_test.h"
#include "vr.h"
#include "curve/g1.h"
#include "curve/g2.h"
#include "field/fp2.h"
#include "field/fp12.h"
#include "field/fr.h"

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))
#endif
#endif
#ifndef SECRET
#define SECRET(p, n) ((void)(p), (void)(n))
#define PUBLIC(p, n) ((void)(p), (void)(n))
#endif

static void
rand_fr(vr_fr *r, uint64_t *s)
{
    uint64_t l[4];

    for (int i = 0; i < 4; i++) {
        *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
        l[i] = *s ^ (*s >> 31);
    }
    l[3] &= 0x0fffffffffffffffULL;
    ck_assert_int_eq(vr_fr_from_canonical(r, l), VR_OK);
}

START_TEST(test_ctime)
{
    uint64_t s = vr_test_seed() + 1234;
    vr_fr k, k2, t;
    vr_fp a, b;
    vr_g1 p, q;
    vr_g2 p2;
    vr_g1_affine pa;
    int rc;

    for (int it = 0; it < 3; it++) {
        rand_fr(&k, &s);
        rand_fr(&k2, &s);

        // Fr arithmetic on a secret
        SECRET(&k, sizeof(k));
        SECRET(&k2, sizeof(k2));
        vr_fr_mul(&t, &k, &k2);
        vr_fr_add(&t, &t, &k);
        vr_fr_sub(&t, &t, &k2);
        vr_fr_neg(&t, &t);
        vr_fr_inv(&t, &t);
        uint64_t e[4];
        vr_fr_to_canonical(e, &k2);
        vr_fr_pow(&t, &k, e);
        rc = vr_fr_sqrt(&t, &k);
        PUBLIC(&rc, sizeof(rc));
        unsigned char buf[32];
        vr_fr_to_bytes_be(buf, &k);
        rc = vr_fr_from_bytes_be(&t, buf);
        PUBLIC(&rc, sizeof(rc));
        ck_assert_int_eq(rc, VR_OK);
        vr_fr_from_i64(&t, (int64_t)(e[0] ^ e[1]));
        vr_fr_cmov(&t, &k, (int)(e[2] & 1));
        PUBLIC(&t, sizeof(t));

        // Fp / Fp2 on secrets
        memcpy(a.l, k.l, sizeof(a.l));
        memcpy(b.l, k2.l, sizeof(b.l));
        a.l[3] &= 0x0fffffffffffffffULL;
        b.l[3] &= 0x0fffffffffffffffULL;
        SECRET(&a, sizeof(a));
        SECRET(&b, sizeof(b));
        vr_fp_mul(&a, &a, &b);
        vr_fp_inv(&a, &a);
        rc = vr_fp_sqrt(&b, &a);
        PUBLIC(&rc, sizeof(rc));
        vr_fp2 x = {a, b}, y;
        vr_fp2_mul(&y, &x, &x);
        vr_fp2_inv(&y, &y);
        rc = vr_fp2_sqrt(&y, &x);
        PUBLIC(&rc, sizeof(rc));
        vr_fp12 f = vr_fp12_one;
        f.c0.c1 = x;
        f.c1.c2 = y;
        vr_fp12_sqr(&f, &f);
        vr_fp12_inv(&f, &f);
        PUBLIC(&f, sizeof(f));
        PUBLIC(&a, sizeof(a));
        PUBLIC(&b, sizeof(b));

        // scalar multiplications with secret scalars, then secret points
        SECRET(&k, sizeof(k));
        vr_g1_mul(&p, &vr_g1_generator, &k);
        vr_g2_mul(&p2, &vr_g2_generator, &k);
        vr_g1_mul(&q, &p, &k2);                 /* secret point too */
        vr_g1_add(&q, &q, &p);
        vr_g1_dbl(&q, &q);
        vr_g1_to_affine(&pa, &q);
        vr_g1_add_affine(&q, &p, &pa);
        vr_g1_cmov(&q, &p, (int)(k.l[0] & 1));
        PUBLIC(&p, sizeof(p));
        PUBLIC(&p2, sizeof(p2));
        PUBLIC(&q, sizeof(q));
        PUBLIC(&pa, sizeof(pa));
        PUBLIC(&k, sizeof(k));
        PUBLIC(&k2, sizeof(k2));
        // and the answers are right
        vr_g1 v;
        vr_g1_mul_var(&v, &vr_g1_generator, &k);
        ck_assert(vr_g1_eq(&v, &p));
        ck_assert(vr_g1_is_on_curve(&q));
    }
}
END_TEST

static Suite *
ctime_suite(void)
{
    Suite *s = suite_create("ctime");
    TCase *tc = tcase_create("ctime");

    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_ctime);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vr_test_run(ctime_suite());
}
