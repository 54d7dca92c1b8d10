/*
 * Unit tests for lib/field/modinv.c (safegcd inversion) against GMP's
 * mpz_invert, modulo p and r: random operands, and the ones that stress
 * the divstep batches (1, 2, m-1, m-2, powers of two, long runs of zero
 * bits, small numbers, numbers just below 2^k).  Then vr_fp_inv_var and
 * vr_fr_inv_var, which wrap it, against a * a^-1 = 1 and zero rejected.
 */
#include <string.h>

#include <gmp.h>

#include "util_test.h"
#include "vr.h"
#include "field/fp.h"
#include "field/fr.h"
#include "field/limb.h"
#include "field/modinv.h"

/* A nonzero operand below m. */
static void
operand(uint64_t a[4], uint64_t *s, const uint64_t m[4], long i)
{
    static const uint64_t one[4] = {1, 0, 0, 0};
    unsigned b;

    memset(a, 0, 4 * sizeof(uint64_t));
    switch (i % 10) {
    case 0:
        a[0] = 1 + vr_test_next(s) % 3;         /* 1, 2, 3 */
        return;
    case 1:
        vr_limb_sub_raw(a, m, one);
        if (vr_test_next(s) & 1)
            vr_limb_sub_raw(a, a, one);
        return;
    case 2:
        b = (unsigned)(vr_test_next(s) % 254);
        a[b / 64] = (uint64_t)1 << (b % 64);
        return;
    case 3:                     /* 2^k - 1 */
        b = 1 + (unsigned)(vr_test_next(s) % 253);
        for (unsigned j = 0; j < b; j++)
            a[j / 64] |= (uint64_t)1 << (j % 64);
        return;
    case 4:                     /* a long run of low zeros */
        a[3] = vr_test_next(s) & 0x0fffffffffffffffULL;
        a[3] |= 1;
        return;
    case 5:
        a[0] = vr_test_next(s);
        break;
    default:
        for (int j = 0; j < 4; j++)
            a[j] = vr_test_next(s);
        a[3] &= 0x3fffffffffffffffULL;
        break;
    }
    while (!vr_limb_lt(a, m))
        a[3] >>= 1;
    if (vr_limb_is_zero(a))
        a[0] = 5;
}

static void
to_mpz(mpz_t z, const uint64_t a[4])
{
    mpz_import(z, 4, -1, sizeof(uint64_t), 0, 0, a);
}

static void
check_mod(const uint64_t m[4], const struct vr_modinv_mod *mod, uint64_t s,
    long iters)
{
    mpz_t zm, za, zr, zw;
    uint64_t a[4], r[4];

    mpz_inits(zm, za, zr, zw, NULL);
    to_mpz(zm, m);
    for (long i = 0; i < iters; i++) {
        operand(a, &s, m, i);
        to_mpz(za, a);
        ck_assert(mpz_invert(zw, za, zm) != 0);
        vr_modinv_var(r, a, mod);
        to_mpz(zr, r);
        if (mpz_cmp(zr, zw) != 0)
            ck_abort_msg("inverse differs from GMP at i = %ld, a = %s", i,
                mpz_get_str(NULL, 16, za));
        vr_modinv_var(a, a, mod);       /* aliased */
        ck_assert(memcmp(a, r, sizeof(r)) == 0);
    }
    memset(a, 0, sizeof(a));
    vr_modinv_var(r, a, mod);
    ck_assert(vr_limb_is_zero(r));
    mpz_clears(zm, za, zr, zw, NULL);
}

START_TEST(test_p)
{
    check_mod(vr_fp_modulus, &vr_modinv_p, vr_test_seed() + 11,
        vr_test_iters(2000) * 10);
}
END_TEST

START_TEST(test_r)
{
    check_mod(vr_fr_modulus, &vr_modinv_r, vr_test_seed() + 12,
        vr_test_iters(2000) * 10);
}
END_TEST

START_TEST(test_wrappers)
{
    uint64_t s = vr_test_seed() + 13, l[4];
    vr_fp a, b, c;
    vr_fr x, y, z;

    for (long i = 0; i < vr_test_iters(2000); i++) {
        operand(l, &s, vr_fp_modulus, i);
        ck_assert_int_eq(vr_fp_from_canonical(&a, l), VR_OK);
        ck_assert_int_eq(vr_fp_inv_var(&b, &a), VR_OK);
        vr_fp_mul(&c, &a, &b);
        ck_assert(vr_limb_eq(c.l, vr_fp_one.l));
        vr_fp_inv(&c, &a);
        ck_assert(vr_limb_eq(c.l, b.l));
        operand(l, &s, vr_fr_modulus, i);
        ck_assert_int_eq(vr_fr_from_canonical(&x, l), VR_OK);
        ck_assert_int_eq(vr_fr_inv_var(&y, &x), VR_OK);
        vr_fr_mul(&z, &x, &y);
        ck_assert(vr_limb_eq(z.l, vr_fr_one.l));
    }
    ck_assert_int_eq(vr_fp_inv_var(&b, &vr_fp_zero), VR_ERANGE);
    ck_assert_int_eq(vr_fr_inv_var(&y, &vr_fr_zero), VR_ERANGE);
}
END_TEST

static Suite *
modinv_suite(void)
{
    Suite *s = suite_create("modinv");
    TCase *tc = tcase_create("safegcd");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_p);
    tcase_add_test(tc, test_r);
    tcase_add_test(tc, test_wrappers);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vr_test_run(modinv_suite());
}
