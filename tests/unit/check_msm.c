/*
 * Unit tests for lib/curve/msm: vr_g1_msm and vr_g2_msm against the naive
 * sum of scalar multiplications (sizes 0..300), and for larger sizes
 * against the discrete-log identity: with bases B_i = k_i G for known
 * k_i, sum s_i B_i = (sum s_i k_i) G, the right side computed in Fr.
 * Scalars mix random, zero, one, r-1, small (8, 16, 32 bits, both
 * signs), powers of two; bases repeat and include infinity; 1, 2 and 3
 * threads.
 */
#include <stdlib.h>
#include <string.h>

#include "util_test.h"
#include "vr.h"
#include "base/rng.h"
#include "curve/g1.h"
#include "curve/g2.h"
#include "curve/msm.h"
#include "field/fr.h"

enum kind {
    S_RANDOM, S_ZERO, S_ONE, S_MINUS_ONE, S_SMALL8, S_NEG8, S_SMALL16,
    S_NEG16, S_SMALL32, S_POW2, S_HALF, NKIND
};

static void
random_fr(vr_fr *a, struct vr_rng *rng)
{
    uint64_t l[4];

    for (int i = 0; i < 4; i++)
        l[i] = vr_rng_u64(rng);
    l[3] &= 0x3fffffffffffffffULL;
    // Rejection keeps it uniform below r.
    if (vr_fr_from_canonical(a, l) != VR_OK)
        random_fr(a, rng);
}

/* A scalar of the given kind. */
static void
make_scalar(vr_fr *s, struct vr_rng *rng, int kind)
{
    uint64_t l[4] = {0};

    switch (kind) {
    case S_RANDOM:
        random_fr(s, rng);
        return;
    case S_ZERO:
        *s = vr_fr_zero;
        return;
    case S_ONE:
        *s = vr_fr_one;
        return;
    case S_MINUS_ONE:
        vr_fr_neg(s, &vr_fr_one);
        return;
    case S_SMALL8:
    case S_NEG8:
        vr_fr_from_u64(s, vr_rng_below(rng, 256));
        break;
    case S_SMALL16:
    case S_NEG16:
        vr_fr_from_u64(s, vr_rng_below(rng, 65536));
        break;
    case S_SMALL32:
        vr_fr_from_u64(s, vr_rng_u64(rng) >> 32);
        return;
    case S_POW2: {
        unsigned b = (unsigned)vr_rng_below(rng, 254);
        l[b / 64] = (uint64_t)1 << (b % 64);
        ck_assert_int_eq(vr_fr_from_canonical(s, l), VR_OK);
        return;
    }
    default: {
        // (r-1)/2 and (r+1)/2: the two sides of the negation threshold.
        static const uint64_t h[4] = {
            0xa1f0fac9f8000000ULL, 0x9419f4243cdcb848ULL,
            0xdc2822db40c0ac2eULL, 0x183227397098d014ULL
        };
        ck_assert_int_eq(vr_fr_from_canonical(s, h), VR_OK);
        if (vr_rng_below(rng, 2))
            vr_fr_add(s, s, &vr_fr_one);
        return;
    }
    }
    if (kind == S_NEG8 || kind == S_NEG16)
        vr_fr_neg(s, s);
}

/* Scalars: kinds drawn from a mask of allowed kinds. */
static void
make_scalars(vr_fr *s, size_t n, struct vr_rng *rng, unsigned mask)
{
    for (size_t i = 0; i < n; i++) {
        int k;
        do
            k = (int)vr_rng_below(rng, NKIND);
        while (!(mask >> k & 1));
        make_scalar(&s[i], rng, k);
    }
}

#define ALL_KINDS ((1u << NKIND) - 1)

/*
 * The group-specific part, written once for G1 and G2:
 *   make_bases: n affine bases B_i = k_i G with the k_i returned, from a
 *     pool of `distinct` points (so bases repeat when distinct < n), and
 *     about 1 in 16 at infinity (k_i = 0) when with_inf.
 *   naive: sum s_i B_i by vr_gX_mul_var.
 *   check: vr_gX_msm on 1, 2 and 3 threads against ref.
 */
#define DEFINE_GROUP(G, J, A)                                               \
static void                                                                 \
G##_make_bases(A *b, vr_fr *k, size_t n, size_t distinct, int with_inf,     \
    struct vr_rng *rng)                                                     \
{                                                                           \
    J *jac = calloc(distinct, sizeof(J));                                   \
    A *pool = calloc(distinct, sizeof(A));                                  \
    vr_fr *pk = calloc(distinct, sizeof(vr_fr));                            \
    vr_fr a, d;                                                             \
    J P, Q;                                                                 \
                                                                            \
    ck_assert(jac && pool && pk);                                           \
    /* P_j = (a + j d) G: one addition per point, then one batch */        \
    /* conversion to affine. */                                             \
    random_fr(&a, rng);                                                     \
    random_fr(&d, rng);                                                     \
    vr_##G##_mul_var(&P, &vr_##G##_generator, &a);                          \
    vr_##G##_mul_var(&Q, &vr_##G##_generator, &d);                          \
    pk[0] = a;                                                              \
    jac[0] = P;                                                             \
    for (size_t j = 1; j < distinct; j++) {                                 \
        vr_##G##_add_var(&jac[j], &jac[j - 1], &Q);                         \
        vr_fr_add(&pk[j], &pk[j - 1], &d);                                  \
    }                                                                       \
    vr_##G##_to_affine_batch(pool, jac, distinct);                          \
    for (size_t i = 0; i < n; i++) {                                        \
        size_t j = i < distinct ? i : (size_t)vr_rng_below(rng, distinct);  \
        if (with_inf && vr_rng_below(rng, 16) == 0) {                       \
            memset(&b[i], 0, sizeof(A));                                    \
            k[i] = vr_fr_zero;                                              \
        } else {                                                            \
            b[i] = pool[j];                                                 \
            k[i] = pk[j];                                                   \
        }                                                                   \
    }                                                                       \
    free(jac);                                                              \
    free(pool);                                                             \
    free(pk);                                                               \
}                                                                           \
                                                                            \
static void                                                                 \
G##_naive(J *ref, const A *b, const vr_fr *s, size_t n)                     \
{                                                                           \
    *ref = vr_##G##_infinity;                                               \
    for (size_t i = 0; i < n; i++) {                                        \
        J P, T;                                                             \
        if (vr_##G##_affine_is_inf(&b[i]))                                  \
            continue;                                                       \
        vr_##G##_from_affine(&P, &b[i]);                                    \
        vr_##G##_mul_var(&T, &P, &s[i]);                                    \
        vr_##G##_add_var(ref, ref, &T);                                     \
    }                                                                       \
}                                                                           \
                                                                            \
/* (sum s_i k_i) G */                                                       \
static void                                                                 \
G##_by_dlog(J *ref, const vr_fr *k, const vr_fr *s, size_t n)               \
{                                                                           \
    vr_fr acc = vr_fr_zero, t;                                              \
    for (size_t i = 0; i < n; i++) {                                        \
        vr_fr_mul(&t, &k[i], &s[i]);                                        \
        vr_fr_add(&acc, &acc, &t);                                          \
    }                                                                       \
    vr_##G##_mul_var(ref, &vr_##G##_generator, &acc);                       \
}                                                                           \
                                                                            \
static void                                                                 \
G##_check(const J *ref, const A *b, const vr_fr *s, size_t n,               \
    const char *what)                                                       \
{                                                                           \
    for (int t = 1; t <= 3; t++) {                                          \
        size_t sz = vr_##G##_msm_scratch_size(n, t);                        \
        void *scratch = malloc(sz);                                         \
        J out;                                                              \
        ck_assert(sz > 0);                                                  \
        ck_assert_ptr_nonnull(scratch);                                     \
        /* Garbage scratch must not matter. */                              \
        memset(scratch, 0xa5, sz);                                          \
        ck_assert_int_eq(vr_##G##_msm(&out, scratch, b, s, n, t), VR_OK);   \
        ck_assert_msg(vr_##G##_eq(&out, ref), "%s: n = %zu, %d threads",    \
            what, n, t);                                                    \
        free(scratch);                                                      \
    }                                                                       \
}

DEFINE_GROUP(g1, vr_g1, vr_g1_affine)
DEFINE_GROUP(g2, vr_g2, vr_g2_affine)

/* Sizes 0..300 against the naive sum: each iteration a random size, a
 * random set of allowed scalar kinds, repeats and infinities. */
START_TEST(test_g1_naive)
{
    struct vr_rng rng;
    size_t nmax = 300;
    vr_g1_affine *b = calloc(nmax, sizeof(*b));
    vr_fr *k = calloc(nmax, sizeof(vr_fr)), *s = calloc(nmax, sizeof(vr_fr));
    vr_g1 ref;

    vr_rng_seed(&rng, vr_test_seed() + (uint64_t)_i);
    for (int it = 0; it < 6; it++) {
        size_t n = it == 0 ? (size_t)_i % 4 : (size_t)vr_rng_below(&rng, nmax + 1);
        unsigned mask = it % 2 ? ALL_KINDS : (unsigned)vr_rng_u64(&rng);
        size_t distinct = 1 + (size_t)vr_rng_below(&rng, n + 1);

        if ((mask & ALL_KINDS) == 0)
            mask = 1;
        g1_make_bases(b, k, n, distinct, it % 3 == 0, &rng);
        make_scalars(s, n, &rng, mask);
        g1_naive(&ref, b, s, n);
        g1_check(&ref, b, s, n, "g1 naive");
    }
    free(b);
    free(k);
    free(s);
}
END_TEST

START_TEST(test_g2_naive)
{
    struct vr_rng rng;
    size_t nmax = 300;
    vr_g2_affine *b = calloc(nmax, sizeof(*b));
    vr_fr *k = calloc(nmax, sizeof(vr_fr)), *s = calloc(nmax, sizeof(vr_fr));
    vr_g2 ref;

    vr_rng_seed(&rng, vr_test_seed() + 100 + (uint64_t)_i);
    for (int it = 0; it < 2; it++) {
        size_t n = (size_t)vr_rng_below(&rng, nmax + 1);
        size_t distinct = 1 + (size_t)vr_rng_below(&rng, n + 1);

        g2_make_bases(b, k, n, distinct, it == 0, &rng);
        make_scalars(s, n, &rng, ALL_KINDS);
        g2_naive(&ref, b, s, n);
        g2_check(&ref, b, s, n, "g2 naive");
    }
    free(b);
    free(k);
    free(s);
}
END_TEST

/* The naive sum and the discrete-log identity agree (so the latter is a
 * valid reference for the large sizes below). */
START_TEST(test_reference_agree)
{
    struct vr_rng rng;
    size_t n = 64;
    vr_g1_affine b[64];
    vr_fr k[64], s[64];
    vr_g1 r1, r2;

    vr_rng_seed(&rng, vr_test_seed() + 7);
    g1_make_bases(b, k, n, 20, 1, &rng);
    make_scalars(s, n, &rng, ALL_KINDS);
    g1_naive(&r1, b, s, n);
    g1_by_dlog(&r2, k, s, n);
    ck_assert(vr_g1_eq(&r1, &r2));
    // ... and a wrong scalar is detected by both (on a base not at
    // infinity, where it would change nothing).
    size_t j = 3;
    while (vr_fr_is_zero(&k[j]))
        j++;
    vr_fr_add(&s[j], &s[j], &vr_fr_one);
    g1_naive(&r1, b, s, n);
    ck_assert(!vr_g1_eq(&r1, &r2));
}
END_TEST

/* Larger sizes, one scalar distribution each, against the identity. */
START_TEST(test_g1_large)
{
    static const struct {
        size_t n, distinct;
        unsigned mask;
        int inf;
    } cases[] = {
        {1000, 1000, ALL_KINDS, 1},
        {4096, 4096, 1u << S_RANDOM, 0},
        {5000, 5000, 1u << S_ONE, 0},                    /* one bucket */
        {5000, 3, (1u << S_ONE) | (1u << S_MINUS_ONE), 0},    /* P + (-P) */
        {6000, 50, 1u << S_SMALL8, 1},                   /* doublings */
        {9000, 9000, (1u << S_SMALL8) | (1u << S_NEG16), 0},
        {10000, 10000, (1u << S_SMALL16) | (1u << S_RANDOM) | (1u << S_ZERO), 1},
        {70000, 70000, 1u << S_SMALL8, 0},               /* two blocks */
        {70000, 70000, (1u << S_RANDOM) | (1u << S_SMALL32), 0},
    };
    struct vr_rng rng;
    size_t nmax = 70000;
    vr_g1_affine *b = calloc(nmax, sizeof(*b));
    vr_fr *k = calloc(nmax, sizeof(vr_fr)), *s = calloc(nmax, sizeof(vr_fr));
    vr_g1 ref;

    vr_rng_seed(&rng, vr_test_seed() + 200);
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        size_t n = cases[c].n;
        g1_make_bases(b, k, n, cases[c].distinct, cases[c].inf, &rng);
        make_scalars(s, n, &rng, cases[c].mask);
        g1_by_dlog(&ref, k, s, n);
        g1_check(&ref, b, s, n, "g1 large");
    }
    // All scalars zero, all bases at infinity: the result is O.
    for (size_t i = 0; i < 5000; i++)
        s[i] = vr_fr_zero;
    g1_check(&vr_g1_infinity, b, s, 5000, "g1 zeros");
    memset(b, 0, 5000 * sizeof(*b));
    make_scalars(s, 5000, &rng, ALL_KINDS);
    g1_check(&vr_g1_infinity, b, s, 5000, "g1 infinities");
    free(b);
    free(k);
    free(s);
}
END_TEST

START_TEST(test_g2_large)
{
    struct vr_rng rng;
    size_t n = 20000;
    vr_g2_affine *b = calloc(n, sizeof(*b));
    vr_fr *k = calloc(n, sizeof(vr_fr)), *s = calloc(n, sizeof(vr_fr));
    vr_g2 ref;

    vr_rng_seed(&rng, vr_test_seed() + 300);
    g2_make_bases(b, k, n, n, 1, &rng);
    make_scalars(s, n, &rng, ALL_KINDS);
    g2_by_dlog(&ref, k, s, n);
    g2_check(&ref, b, s, n, "g2 large");
    // Full-size scalars only: one group wide enough (c >= 11) for the
    // batched bucket sums.
    make_scalars(s, n, &rng, 1u << S_RANDOM);
    g2_by_dlog(&ref, k, s, n);
    g2_check(&ref, b, s, n, "g2 large random");
    n = 5000;
    g2_make_bases(b, k, n, 7, 0, &rng);
    make_scalars(s, n, &rng, (1u << S_ONE) | (1u << S_SMALL8));
    g2_by_dlog(&ref, k, s, n);
    g2_check(&ref, b, s, n, "g2 repeated");
    free(b);
    free(k);
    free(s);
}
END_TEST

START_TEST(test_range)
{
    vr_g1 out;

    ck_assert_uint_eq(vr_g1_msm_scratch_size(VR_MSM_MAX_N + 1, 1), 0);
    ck_assert_uint_eq(vr_g2_msm_scratch_size(VR_MSM_MAX_N + 1, 1), 0);
    ck_assert_int_eq(vr_g1_msm(&out, NULL, NULL, NULL, VR_MSM_MAX_N + 1, 1),
        VR_ERANGE);
    ck_assert_int_eq(vr_g1_msm(&out, NULL, NULL, NULL, 0, 1), VR_OK);
    ck_assert(vr_g1_is_inf(&out));
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("msm");
    TCase *tc = tcase_create("msm");

    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_g1_naive, 0, vr_test_iters(4));
    tcase_add_loop_test(tc, test_g2_naive, 0, vr_test_iters(2));
    tcase_add_test(tc, test_reference_agree);
    tcase_add_test(tc, test_g1_large);
    tcase_add_test(tc, test_g2_large);
    tcase_add_test(tc, test_range);
    suite_add_tcase(s, tc);
    return vr_test_run(s);
}
