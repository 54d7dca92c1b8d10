/*
 * Unit tests for lib/field/limb.h: the portable C paths against the fast
 * ones.  This file includes limb.h with VR_LIMB_PORTABLE, so its own
 * copies of the routines are plain C (u128 carries, C CIOS), and compares
 * them on random and edge operands with what the library was built with
 * (adc/sbb intrinsics and the mulx/adcx/adox assembly on x86-64 with
 * BMI2 and ADX).  Also the C CIOS against GMP directly.
 */
#define VR_LIMB_PORTABLE 1

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>

#include "util_test.h"
#include "vr.h"
#include "field/fp.h"
#include "field/fr.h"
#include "field/limb.h"

#ifdef VR_LIMB_INTRINSICS
#error "VR_LIMB_PORTABLE did not select the portable path"
#endif

#define FP_N0 0x87d20782e4866389ULL
#define FR_N0 0xc2e1f593efffffffULL

/* Operand below m: random, or one of 0, 1, m-1, m-2, 2^k, all-ones-ish. */
static void
operand(uint64_t r[4], uint64_t *s, const uint64_t m[4], long i)
{
    static const uint64_t one[4] = {1, 0, 0, 0};

    switch (i % 9) {
    case 0: memset(r, 0, 32); return;
    case 1: memcpy(r, one, 32); return;
    case 2: vr_limb_sub_raw(r, m, one); return;
    case 3: vr_limb_sub_raw(r, m, one); vr_limb_sub_raw(r, r, one); return;
    case 4:
        r[0] = r[1] = r[2] = ~0ULL;
        r[3] = m[3] - 1;
        return;
    default:
        for (int k = 0; k < 4; k++)
            r[k] = vr_test_next(s);
        r[3] &= 0x3fffffffffffffffULL;
        while (!vr_limb_lt(r, m))
            r[3] >>= 1;
        return;
    }
}

static void
check_field(const uint64_t m[4], uint64_t n0, int is_fp, long iters,
    uint64_t seed)
{
    uint64_t s = seed;
    mpz_t A, B, M, R, Z, W;

    mpz_inits(A, B, M, R, Z, W, NULL);
    mpz_import(M, 4, -1, 8, 0, 0, m);
    mpz_set_ui(R, 1);
    mpz_mul_2exp(R, R, 256);
    mpz_invert(R, R, M);                    /* 2^-256 mod m */
    for (long i = 0; i < iters; i++) {
        uint64_t a[4], b[4], c[4], d[4];
        operand(a, &s, m, i);
        operand(b, &s, m, i / 9 + i * 7);

        // C CIOS == a b 2^-256 mod m (GMP)
        vr_limb_mont_mul_c(c, a, b, m, n0);
        mpz_import(A, 4, -1, 8, 0, 0, a);
        mpz_import(B, 4, -1, 8, 0, 0, b);
        mpz_mul(Z, A, B);
        mpz_mul(Z, Z, R);
        mpz_mod(Z, Z, M);
        memset(d, 0, 32);
        mpz_export(d, NULL, -1, 8, 0, 0, Z);
        ck_assert(memcmp(c, d, 32) == 0);

        // the library (fast path) agrees with the portable path
        if (is_fp) {
            vr_fp x, y, z;
            memcpy(x.l, a, 32);
            memcpy(y.l, b, 32);
            vr_fp_mul(&z, &x, &y);
            ck_assert(memcmp(z.l, c, 32) == 0);
            vr_fp_add(&z, &x, &y);
            vr_limb_add_mod(d, a, b, m);
            ck_assert(memcmp(z.l, d, 32) == 0);
            vr_fp_sub(&z, &x, &y);
            vr_limb_sub_mod(d, a, b, m);
            ck_assert(memcmp(z.l, d, 32) == 0);
            vr_fp_neg(&z, &x);
            vr_limb_neg_mod(d, a, m);
            ck_assert(memcmp(z.l, d, 32) == 0);
            vr_fp_half(&z, &x);
            vr_limb_half_mod(d, a, m);
            ck_assert(memcmp(z.l, d, 32) == 0);
        } else {
            vr_fr x, y, z;
            memcpy(x.l, a, 32);
            memcpy(y.l, b, 32);
            vr_fr_mul(&z, &x, &y);
            ck_assert(memcmp(z.l, c, 32) == 0);
            vr_fr_add(&z, &x, &y);
            vr_limb_add_mod(d, a, b, m);
            ck_assert(memcmp(z.l, d, 32) == 0);
            vr_fr_sub(&z, &x, &y);
            vr_limb_sub_mod(d, a, b, m);
            ck_assert(memcmp(z.l, d, 32) == 0);
        }
    }
    mpz_clears(A, B, M, R, Z, W, NULL);
}

/*
 * The tower feeds unreduced sums (< 2m) into the Montgomery product
 * (internal.h fp2_mul/fp2_sqr): the C CIOS must still give the fully
 * reduced a b 2^-256 mod m for such operands (check_field.c compares the
 * assembly with it on the same kind of operands).
 */
START_TEST(test_lazy_operands)
{
    const uint64_t *m = _i ? vr_fr_modulus : vr_fp_modulus;
    uint64_t n0 = _i ? FR_N0 : FP_N0, s = vr_test_seed() + 77;
    long iters = vr_test_iters(2000) * 10;
    mpz_t A, B, M, R, Z;

    mpz_inits(A, B, M, R, Z, NULL);
    mpz_import(M, 4, -1, 8, 0, 0, m);
    mpz_set_ui(R, 1);
    mpz_mul_2exp(R, R, 256);
    mpz_invert(R, R, M);
    for (long i = 0; i < iters; i++) {
        uint64_t a[4], b[4], x[4], y[4], c[4], d[4];
        operand(a, &s, m, i);
        operand(b, &s, m, i / 9 + i * 5);
        operand(x, &s, m, i + 3);
        operand(y, &s, m, i * 3 + 1);
        vr_limb_add_raw(a, a, x);           /* < 2m */
        vr_limb_add_raw(b, b, y);
        vr_limb_mont_mul_c(c, a, b, m, n0);
        mpz_import(A, 4, -1, 8, 0, 0, a);
        mpz_import(B, 4, -1, 8, 0, 0, b);
        mpz_mul(Z, A, B);
        mpz_mul(Z, Z, R);
        mpz_mod(Z, Z, M);
        memset(d, 0, 32);
        mpz_export(d, NULL, -1, 8, 0, 0, Z);
        ck_assert(memcmp(c, d, 32) == 0);
    }
    mpz_clears(A, B, M, R, Z, NULL);
}
END_TEST

START_TEST(test_fp_paths)
{
    check_field(vr_fp_modulus, FP_N0, 1, vr_test_iters(2000) * 10,
        vr_test_seed() + (uint64_t)_i);
}
END_TEST

START_TEST(test_fr_paths)
{
    check_field(vr_fr_modulus, FR_N0, 0, vr_test_iters(2000) * 10,
        vr_test_seed() + 1000003 + (uint64_t)_i);
}
END_TEST

START_TEST(test_helpers)
{
    uint64_t a[4] = {1, 2, 3, 4}, b[4] = {1, 2, 3, 4}, r[4];
    unsigned char be[32], le[32];

    ck_assert_uint_eq(vr_limb_eq(a, b), 1);
    b[3] = 5;
    ck_assert_uint_eq(vr_limb_eq(a, b), 0);
    ck_assert_uint_eq(vr_limb_lt(a, b), 1);
    ck_assert_uint_eq(vr_limb_lt(b, a), 0);
    ck_assert_uint_eq(vr_limb_is_zero_word(0), 1);
    ck_assert_uint_eq(vr_limb_is_zero_word(1ULL << 63), 0);
    memcpy(r, a, 32);
    vr_limb_cmov(r, b, 0);
    ck_assert(memcmp(r, a, 32) == 0);
    vr_limb_cmov(r, b, 1);
    ck_assert(memcmp(r, b, 32) == 0);
    vr_limb_to_be(be, a);
    vr_limb_to_le(le, a);
    ck_assert_int_eq(be[31], 1);
    ck_assert_int_eq(le[0], 1);
    ck_assert_int_eq(be[0], 0);
    vr_limb_from_be(r, be);
    ck_assert(memcmp(r, a, 32) == 0);
    vr_limb_from_le(r, le);
    ck_assert(memcmp(r, a, 32) == 0);
}
END_TEST

static Suite *
limb_suite(void)
{
    Suite *s = suite_create("limb");
    TCase *tc = tcase_create("paths");

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_fp_paths, 0, 2);
    tcase_add_loop_test(tc, test_fr_paths, 0, 2);
    tcase_add_test(tc, test_helpers);
    tcase_add_loop_test(tc, test_lazy_operands, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vr_test_run(limb_suite());
}
