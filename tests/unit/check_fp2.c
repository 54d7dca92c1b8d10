/*
 * Unit tests for the lazy-reduction Fp2 product and square of
 * lib/field/fp2.c against GMP, on both code paths: this file includes
 * fp2.c with VR_LIMB_PORTABLE and its functions renamed ref_*, so its
 * copies run the plain C sum-of-products Montgomery reduction, while the
 * library's run the mulx/adcx/adox assembly (x86-64 with BMI2 and ADX).
 * Operands: random, and the edges of the lazy bounds (0, 1, p - 1,
 * p - 2, all-ones low limbs under p, 2^k), in all pairings of
 * components (a1 = 0 makes p - a1 = p, the largest input), and outputs
 * aliasing inputs.  Seeds: VR_TEST_SEED.
 */
#define VR_LIMB_PORTABLE 1
#define vr_fp2_zero ref_fp2_zero
#define vr_fp2_one ref_fp2_one
#define vr_fp2_add ref_fp2_add
#define vr_fp2_sub ref_fp2_sub
#define vr_fp2_neg ref_fp2_neg
#define vr_fp2_dbl ref_fp2_dbl
#define vr_fp2_mul ref_fp2_mul
#define vr_fp2_sqr ref_fp2_sqr
#define vr_fp2_mul_fp ref_fp2_mul_fp
#define vr_fp2_mul_xi ref_fp2_mul_xi
#define vr_fp2_conj ref_fp2_conj
#define vr_fp2_inv ref_fp2_inv
#define vr_fp2_inv_var ref_fp2_inv_var
#define vr_fp2_pow ref_fp2_pow
#define vr_fp2_sqrt ref_fp2_sqrt
#define vr_fp2_is_zero ref_fp2_is_zero
#define vr_fp2_eq ref_fp2_eq
#define vr_fp2_cmov ref_fp2_cmov
#include "field/fp2.c"
#undef vr_fp2_mul
#undef vr_fp2_sqr

#ifdef VR_LIMB_INTRINSICS
#error "VR_LIMB_PORTABLE did not select the portable path"
#endif

#include <gmp.h>
#include <string.h>

#include "util_test.h"

/* The library's own (fp2.h's declarations were renamed above). */
void vr_fp2_mul(vr_fp2 *r, const vr_fp2 *a, const vr_fp2 *b);
void vr_fp2_sqr(vr_fp2 *r, const vr_fp2 *a);

static uint64_t
next(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s ^ (*s >> 29);
}

/* A canonical value below p: an edge (by k) or random. */
static void
operand(uint64_t r[4], uint64_t *s, long k)
{
    static const uint64_t one[4] = {1, 0, 0, 0};

    switch (k % 8) {
    case 0: memset(r, 0, 32); return;
    case 1: memcpy(r, one, 32); return;
    case 2: vr_limb_sub_raw(r, vr_fp_p_, one); return;        /* p - 1 */
    case 3:
        vr_limb_sub_raw(r, vr_fp_p_, one);
        vr_limb_sub_raw(r, r, one);                             /* p - 2 */
        return;
    case 4:
        r[0] = r[1] = r[2] = ~0ULL;
        r[3] = vr_fp_p_[3] - 1;
        return;
    case 5:
        memset(r, 0, 32);
        r[(next(s) >> 8) % 4] = 1ULL << (next(s) % 62);       /* 2^j */
        return;
    default:
        for (int i = 0; i < 4; i++)
            r[i] = next(s);
        r[3] &= 0x3fffffffffffffffULL;
        while (!vr_limb_lt(r, vr_fp_p_))
            r[3] >>= 1;
    }
}

static void
to_fp(vr_fp *r, const uint64_t v[4])
{
    ck_assert_int_eq(vr_fp_from_canonical(r, v), VR_OK);
}

static void
to_mpz(mpz_t z, const vr_fp *a)
{
    uint64_t v[4];

    vr_fp_to_canonical(v, a);
    mpz_import(z, 4, -1, 8, 0, 0, v);
}

/* r (an Fp2 result) equals (e0, e1) mod p, limb for limb canonical. */
static void
assert_fp2(const vr_fp2 *r, const mpz_t e0, const mpz_t e1,
    const char *what, long i)
{
    mpz_t z;

    ck_assert_msg(vr_limb_lt(r->c0.l, vr_fp_p_) &&
        vr_limb_lt(r->c1.l, vr_fp_p_), "%s %ld: not reduced", what, i);
    mpz_init(z);
    to_mpz(z, &r->c0);
    ck_assert_msg(mpz_cmp(z, e0) == 0, "%s %ld: c0 differs", what, i);
    to_mpz(z, &r->c1);
    ck_assert_msg(mpz_cmp(z, e1) == 0, "%s %ld: c1 differs", what, i);
    mpz_clear(z);
}

START_TEST(test_mul_sqr_gmp)
{
    uint64_t s = vr_test_seed() * 2654435761ULL + (uint64_t)_i;
    long iters = vr_test_iters(20000);
    mpz_t P, A0, A1, B0, B1, E0, E1, T;

    mpz_inits(P, A0, A1, B0, B1, E0, E1, T, NULL);
    mpz_import(P, 4, -1, 8, 0, 0, vr_fp_p_);
    for (long i = 0; i < iters; i++) {
        uint64_t v[4];
        vr_fp2 a, b, r, q;

        // Edge operands in every combination for the first 8^4 rounds.
        operand(v, &s, i % 8);
        to_fp(&a.c0, v);
        operand(v, &s, i / 8 % 8);
        to_fp(&a.c1, v);
        operand(v, &s, i / 64 % 8);
        to_fp(&b.c0, v);
        operand(v, &s, i / 512 % 8);
        to_fp(&b.c1, v);
        to_mpz(A0, &a.c0);
        to_mpz(A1, &a.c1);
        to_mpz(B0, &b.c0);
        to_mpz(B1, &b.c1);

        // (a0 + a1 u)(b0 + b1 u) = a0 b0 - a1 b1 + (a0 b1 + a1 b0) u
        mpz_mul(E0, A0, B0);
        mpz_submul(E0, A1, B1);
        mpz_mod(E0, E0, P);
        mpz_mul(E1, A0, B1);
        mpz_addmul(E1, A1, B0);
        mpz_mod(E1, E1, P);
        vr_fp2_mul(&r, &a, &b);
        assert_fp2(&r, E0, E1, "mul", i);
        ref_fp2_mul(&r, &a, &b);
        assert_fp2(&r, E0, E1, "mul (portable)", i);
        q = a;
        vr_fp2_mul(&q, &q, &b);                 /* r aliases a */
        assert_fp2(&q, E0, E1, "mul r = a", i);
        q = b;
        ref_fp2_mul(&q, &a, &q);                /* r aliases b */
        assert_fp2(&q, E0, E1, "mul r = b (portable)", i);

        // a^2 = a0^2 - a1^2 + 2 a0 a1 u
        mpz_mul(E0, A0, A0);
        mpz_submul(E0, A1, A1);
        mpz_mod(E0, E0, P);
        mpz_mul(E1, A0, A1);
        mpz_mul_2exp(E1, E1, 1);
        mpz_mod(E1, E1, P);
        vr_fp2_sqr(&r, &a);
        assert_fp2(&r, E0, E1, "sqr", i);
        ref_fp2_sqr(&r, &a);
        assert_fp2(&r, E0, E1, "sqr (portable)", i);
        q = a;
        vr_fp2_sqr(&q, &q);
        assert_fp2(&q, E0, E1, "sqr r = a", i);
        vr_fp2_mul(&q, &a, &a);
        assert_fp2(&q, E0, E1, "mul a a", i);
    }
    mpz_clears(P, A0, A1, B0, B1, E0, E1, T, NULL);
}
END_TEST

/* The portable fp_dual_mont on the extremes of its bounds: x, y in {0, 1,
 * p - 1, p} (p is what y = p - a1 becomes for a1 = 0) and bx, by in
 * {0, 1, p - 1}, against (x bx + y by) 2^-256 mod p from GMP. */
START_TEST(test_dual_edges)
{
    uint64_t v[4][4] = {{0}, {1}, {0}, {0}}, s[16], r[4];
    mpz_t P, X, Z, R, T;

    mpz_inits(P, X, Z, R, T, NULL);
    mpz_import(P, 4, -1, 8, 0, 0, vr_fp_p_);
    mpz_set_ui(R, 1);
    mpz_mul_2exp(R, R, 256);
    mpz_invert(R, R, P);                        /* 2^-256 mod p */
    vr_limb_sub_raw(v[2], vr_fp_p_, v[1]);      /* p - 1 */
    memcpy(v[3], vr_fp_p_, 32);                 /* p */
    for (int c = 0; c < 4 * 4 * 3 * 3; c++) {
        int ix = c % 4, iy = c / 4 % 4, ibx = c / 16 % 3, iby = c / 48;
        memcpy(s, v[ix], 32);
        memcpy(s + 4, v[iy], 32);
        memcpy(s + 8, v[ibx], 32);
        memcpy(s + 12, v[iby], 32);
        fp_dual_mont(r, s);
        mpz_import(X, 4, -1, 8, 0, 0, s);
        mpz_import(T, 4, -1, 8, 0, 0, s + 8);
        mpz_mul(X, X, T);
        mpz_import(Z, 4, -1, 8, 0, 0, s + 4);
        mpz_import(T, 4, -1, 8, 0, 0, s + 12);
        mpz_addmul(X, Z, T);
        mpz_mul(X, X, R);
        mpz_mod(X, X, P);
        mpz_import(Z, 4, -1, 8, 0, 0, r);
        ck_assert_msg(mpz_cmp(X, Z) == 0, "fp_dual_mont case %d", c);
    }
    mpz_clears(P, X, Z, R, T, NULL);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("fp2");
    TCase *tc = tcase_create("fp2");

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_mul_sqr_gmp, 0, 2);
    tcase_add_test(tc, test_dual_edges);
    suite_add_tcase(s, tc);
    return vr_test_run(s);
}
