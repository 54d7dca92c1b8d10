/*
 * Unit tests for lib/poly/ntt.c: the portable radix-2 path against the
 * one the library was built with (the AVX-512 IFMA kernels where the
 * compiler targets them: -march=native on such a machine).  This file
 * includes ntt.c with VR_NTT_PORTABLE and its functions renamed ref_*,
 * as check_limb.c does with limb.h, and compares the two on every size
 * 2^0 .. 2^18, all four transforms, 1 to 3 threads, on random inputs and
 * on edge inputs that stress the lazy [0, 4r) reduction: all r - 1,
 * alternating 0 and r - 1, a single r - 1, all zero, and shifts g = -1
 * and g = r - 2.  Outputs must be equal limb for limb, so also fully
 * reduced.  check_ntt.c holds the naive DFT and snarkjs vectors.
 */
#define VR_NTT_PORTABLE 1
#define vr_ntt_domain_init ref_domain_init
#define vr_ntt_domain_free ref_domain_free
#define vr_ntt_forward ref_forward
#define vr_ntt_inverse ref_inverse
#define vr_ntt_coset_forward ref_coset_forward
#define vr_ntt_coset_inverse ref_coset_inverse
#include "poly/ntt.c"
#undef vr_ntt_domain_init
#undef vr_ntt_domain_free
#undef vr_ntt_forward
#undef vr_ntt_inverse
#undef vr_ntt_coset_forward
#undef vr_ntt_coset_inverse

#ifdef VR_NTT_IFMA
#error "VR_NTT_PORTABLE did not select the portable path"
#endif

#include <stdio.h>

#include "util_test.h"
#include "base/rng.h"

/* The library's own (ntt.h's declarations were renamed above). */
int vr_ntt_domain_init(struct vr_ntt_domain *d, int log2n);
void vr_ntt_domain_free(struct vr_ntt_domain *d);
void vr_ntt_forward(const struct vr_ntt_domain *d, vr_fr *x, int log2n,
    int nthreads);
void vr_ntt_inverse(const struct vr_ntt_domain *d, vr_fr *x, int log2n,
    int nthreads);
void vr_ntt_coset_forward(const struct vr_ntt_domain *d, vr_fr *x,
    int log2n, const vr_fr *g, int nthreads);
void vr_ntt_coset_inverse(const struct vr_ntt_domain *d, vr_fr *x,
    int log2n, const vr_fr *g, int nthreads);

#define KMAX 15

enum fill { F_RANDOM, F_MAX, F_ALT, F_ONE_MAX, F_ZERO, NFILL };
static const char *fill_name[NFILL] = {
    "random", "all r-1", "0, r-1 alternating", "one r-1", "zero"
};

static void
random_fr(vr_fr *a, struct vr_rng *rng)
{
    uint64_t l[4];

    // 253 random bits, then half the time the top bit of r's range.
    for (int i = 0; i < 4; i++)
        l[i] = vr_rng_u64(rng);
    l[3] &= 0x1fffffffffffffffULL;
    if (vr_rng_u64(rng) & 1)
        l[3] |= 0x2000000000000000ULL;
    if (vr_fr_from_canonical(a, l) != VR_OK)
        *a = vr_fr_zero;
}

static void
fill(vr_fr *x, size_t n, enum fill f, struct vr_rng *rng)
{
    vr_fr max;

    vr_fr_neg(&max, &vr_fr_one);                /* r - 1 */
    for (size_t i = 0; i < n; i++) {
        switch (f) {
        case F_RANDOM:
            random_fr(&x[i], rng);
            break;
        case F_MAX:
            x[i] = max;
            break;
        case F_ALT:
            x[i] = i % 2 ? max : vr_fr_zero;
            break;
        case F_ONE_MAX:
            x[i] = i == n / 3 ? max : vr_fr_zero;
            break;
        default:
            x[i] = vr_fr_zero;
        }
    }
}

static void
assert_same(const vr_fr *a, const vr_fr *b, size_t n, const char *what,
    int k, int nt, enum fill f)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(vr_limb_eq(a[i].l, b[i].l),
            "%s 2^%d, %d threads, %s input: element %zu differs",
            what, k, nt, fill_name[f], i);
}

/* One transform t (0 forward, 1 inverse, 2 coset forward, 3 coset
 * inverse) on both paths. */
static void
both(const struct vr_ntt_domain *dl, const struct vr_ntt_domain *dr,
    vr_fr *x, vr_fr *y, int k, const vr_fr *g, int t, int nt)
{
    switch (t) {
    case 0:
        vr_ntt_forward(dl, x, k, nt);
        ref_forward(dr, y, k, 1);
        break;
    case 1:
        vr_ntt_inverse(dl, x, k, nt);
        ref_inverse(dr, y, k, 1);
        break;
    case 2:
        vr_ntt_coset_forward(dl, x, k, g, nt);
        ref_coset_forward(dr, y, k, g, 1);
        break;
    default:
        vr_ntt_coset_inverse(dl, x, k, g, nt);
        ref_coset_inverse(dr, y, k, g, 1);
    }
}

START_TEST(test_paths)
{
    static const char *tname[4] = {
        "forward", "inverse", "coset forward", "coset inverse"
    };
    struct vr_rng rng;
    struct vr_ntt_domain dl, dr;
    size_t nmax = (size_t)1 << KMAX;
    vr_fr *in = calloc(nmax, sizeof(vr_fr));
    vr_fr *x = calloc(nmax, sizeof(vr_fr));
    vr_fr *y = calloc(nmax, sizeof(vr_fr));
    vr_fr g[3];

    ck_assert(in != NULL && x != NULL && y != NULL);
    vr_rng_seed(&rng, vr_test_seed() + 3000 + (uint64_t)_i);
    ck_assert_int_eq(vr_ntt_domain_init(&dl, KMAX), VR_OK);
    ck_assert_int_eq(ref_domain_init(&dr, KMAX), VR_OK);
    vr_fr_neg(&g[0], &vr_fr_one);               /* -1 */
    vr_fr_add(&g[1], &vr_fr_one, &vr_fr_one);
    vr_fr_neg(&g[1], &g[1]);                    /* r - 2 */
    random_fr(&g[2], &rng);
    if (vr_fr_is_zero(&g[2]))
        g[2] = vr_fr_one;
    for (int k = 0; k <= KMAX; k++) {
        size_t n = (size_t)1 << k;
        for (int f = 0; f < NFILL; f++) {
            // Random inputs on every size; edge inputs on sizes that
            // cross a code path boundary (8, 16, 64, blocks of 2^14).
            if (f != F_RANDOM && !(k <= 7 || k == 14 || k == 15))
                continue;
            fill(in, n, (enum fill)f, &rng);
            for (int t = 0; t < 4; t++) {
                int nt = 1 + (k + f + t) % 3;
                const vr_fr *gg = &g[(k + t) % 3];
                memcpy(x, in, n * sizeof(vr_fr));
                memcpy(y, in, n * sizeof(vr_fr));
                both(&dl, &dr, x, y, k, gg, t, nt);
                assert_same(x, y, n, tname[t], k, nt, (enum fill)f);
            }
        }
    }
    vr_ntt_domain_free(&dl);
    ref_domain_free(&dr);
    free(in);
    free(x);
    free(y);
}
END_TEST

/* Sizes 2^16 .. 2^18, whose full passes after the 2^14 blocks take one,
 * two and three stages (one pass of three, then one of one), all four
 * transforms on random inputs with 2 threads, element by element. */
START_TEST(test_paths_large)
{
    static const char *tname[4] = {
        "forward", "inverse", "coset forward", "coset inverse"
    };
    struct vr_rng rng;
    struct vr_ntt_domain dl, dr;
    int k = 16 + _i;
    size_t n = (size_t)1 << k;
    vr_fr *in = calloc(n, sizeof(vr_fr));
    vr_fr *x = calloc(n, sizeof(vr_fr));
    vr_fr *y = calloc(n, sizeof(vr_fr));
    vr_fr g;

    ck_assert(in != NULL && x != NULL && y != NULL);
    vr_rng_seed(&rng, vr_test_seed() + 5000 + (uint64_t)_i);
    ck_assert_int_eq(vr_ntt_domain_init(&dl, k), VR_OK);
    ck_assert_int_eq(ref_domain_init(&dr, k), VR_OK);
    random_fr(&g, &rng);
    if (vr_fr_is_zero(&g))
        g = vr_fr_one;
    fill(in, n, F_RANDOM, &rng);
    for (int t = 0; t < 4; t++) {
        memcpy(x, in, n * sizeof(vr_fr));
        memcpy(y, in, n * sizeof(vr_fr));
        both(&dl, &dr, x, y, k, &g, t, 2);
        assert_same(x, y, n, tname[t], k, 2, F_RANDOM);
    }
    vr_ntt_domain_free(&dl);
    ref_domain_free(&dr);
    free(in);
    free(x);
    free(y);
}
END_TEST

/* A domain larger than the transform, and transforms run twice on one
 * domain: the twiddle tables are read-only and shared by all sizes. */
START_TEST(test_domain_reuse)
{
    struct vr_rng rng;
    struct vr_ntt_domain d12, d7, dr;
    size_t n = 128;
    vr_fr in[128], x[128], y[128];

    vr_rng_seed(&rng, vr_test_seed() + 4000);
    ck_assert_int_eq(vr_ntt_domain_init(&d12, 12), VR_OK);
    ck_assert_int_eq(vr_ntt_domain_init(&d7, 7), VR_OK);
    ck_assert_int_eq(ref_domain_init(&dr, 7), VR_OK);
    fill(in, n, F_RANDOM, &rng);
    memcpy(x, in, sizeof(in));
    memcpy(y, in, sizeof(in));
    vr_ntt_forward(&d12, x, 7, 2);
    vr_ntt_forward(&d7, y, 7, 1);
    assert_same(x, y, n, "forward (domain 2^12 vs 2^7)", 7, 2, F_RANDOM);
    memcpy(y, in, sizeof(in));
    ref_forward(&dr, y, 7, 1);
    assert_same(x, y, n, "forward (library vs portable)", 7, 2, F_RANDOM);
    vr_ntt_inverse(&d12, x, 7, 1);
    assert_same(x, in, n, "inverse(forward)", 7, 1, F_RANDOM);
    vr_ntt_domain_free(&d12);
    vr_ntt_domain_free(&d7);
    ref_domain_free(&dr);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("ntt_paths");
    TCase *tc = tcase_create("ntt_paths");

    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_paths, 0, vr_test_iters(2));
    tcase_add_loop_test(tc, test_paths_large, 0, 3);
    tcase_add_test(tc, test_domain_reuse);
    suite_add_tcase(s, tc);
    return vr_test_run(s);
}
