/*
 * Unit tests for lib/poly/ntt: the snarkjs vectors of
 * ../shared/reference/zk/vectors/ntt.json, a naive DFT for every size up
 * to 2^10 (plain and coset, forward and inverse), and round trips up to
 * 2^16 on 1, 2 and 3 threads.
 */
#include <gmp.h>
#include <stdlib.h>
#include <string.h>

#include "util_json.h"
#include "util_test.h"
#include "vr.h"
#include "base/rng.h"
#include "field/fr.h"
#include "poly/ntt.h"

static void
random_fr(vr_fr *a, struct vr_rng *rng)
{
    uint64_t l[4];

    // Uniform enough for tests: 253 random bits are always below r.
    for (int i = 0; i < 4; i++)
        l[i] = vr_rng_u64(rng);
    l[3] &= 0x1fffffffffffffffULL;
    ck_assert_int_eq(vr_fr_from_canonical(a, l), VR_OK);
}

static void
fr_from_dec(vr_fr *a, const char *dec)
{
    mpz_t z;
    uint64_t l[4] = {0};
    size_t cnt = 0;

    mpz_init_set_str(z, dec, 10);
    ck_assert(mpz_sizeinbase(z, 2) <= 256);
    mpz_export(l, &cnt, -1, sizeof(uint64_t), 0, 0, z);
    mpz_clear(z);
    ck_assert_int_eq(vr_fr_from_canonical(a, l), VR_OK);
}

static vr_fr *
fr_array(const struct vr_json *arr, size_t n)
{
    vr_fr *v = calloc(n, sizeof(vr_fr));

    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(arr->n, n);
    for (size_t i = 0; i < n; i++)
        fr_from_dec(&v[i], vr_json_at(arr, i)->text);
    return v;
}

static void
assert_fr_array_eq(const vr_fr *a, const vr_fr *b, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(vr_fr_eq(&a[i], &b[i]), "%s: element %zu differs",
            what, i);
}

/* out = sum_j in[j] (s g^j) w^(ij), the O(n^2) definition. */
static void
naive_dft(vr_fr *out, const vr_fr *in, size_t n, const vr_fr *w,
    const vr_fr *g, const vr_fr *s)
{
    vr_fr wi = vr_fr_one;       /* w^i */

    for (size_t i = 0; i < n; i++) {
        vr_fr acc = vr_fr_zero, p = *s, t;      /* p = s (g w^i)^j */
        vr_fr step;

        vr_fr_mul(&step, &wi, g);
        for (size_t j = 0; j < n; j++) {
            vr_fr_mul(&t, &in[j], &p);
            vr_fr_add(&acc, &acc, &t);
            vr_fr_mul(&p, &p, &step);
        }
        out[i] = acc;
        vr_fr_mul(&wi, &wi, w);
    }
}

START_TEST(test_vectors)
{
    struct vr_json *j = vr_json_load(
        vr_test_shared("reference/zk/vectors/ntt.json"));
    const struct vr_json *cases = vr_json_req(j, "cases");
    struct vr_ntt_domain d;

    ck_assert_uint_ge(cases->n, 4);
    ck_assert_int_eq(vr_ntt_domain_init(&d, 4), VR_OK);
    for (size_t c = 0; c < cases->n; c++) {
        const struct vr_json *cs = vr_json_at(cases, c);
        size_t n = strtoul(vr_json_text(cs, "n"), NULL, 10);
        int log2n = __builtin_ctzl(n);
        vr_fr w, w2, wn, w2n;
        vr_fr *in = fr_array(vr_json_req(cs, "input"), n);
        vr_fr *fwd = fr_array(vr_json_req(cs, "forward"), n);
        vr_fr *inv = fr_array(vr_json_req(cs, "inverse"), n);
        vr_fr *cos = fr_array(vr_json_req(cs, "coset_odd_forward"), n);
        vr_fr *x = calloc(n, sizeof(vr_fr));

        ck_assert_uint_eq(n, (size_t)1 << log2n);
        // The roots of unity are the snarkjs ones.
        fr_from_dec(&wn, vr_json_text(cs, "omega_n"));
        fr_from_dec(&w2n, vr_json_text(cs, "omega_2n"));
        ck_assert_int_eq(vr_fr_root_of_unity(&w, log2n), VR_OK);
        ck_assert_int_eq(vr_fr_root_of_unity(&w2, log2n + 1), VR_OK);
        ck_assert(vr_fr_eq(&w, &wn));
        ck_assert(vr_fr_eq(&w2, &w2n));

        memcpy(x, in, n * sizeof(vr_fr));
        vr_ntt_forward(&d, x, log2n, 1);
        assert_fr_array_eq(x, fwd, n, "forward");
        vr_ntt_inverse(&d, x, log2n, 2);
        assert_fr_array_eq(x, in, n, "inverse(forward)");

        memcpy(x, in, n * sizeof(vr_fr));
        vr_ntt_inverse(&d, x, log2n, 1);
        assert_fr_array_eq(x, inv, n, "inverse");

        memcpy(x, in, n * sizeof(vr_fr));
        vr_ntt_coset_forward(&d, x, log2n, &w2, 1);
        assert_fr_array_eq(x, cos, n, "coset_odd_forward");
        vr_ntt_coset_inverse(&d, x, log2n, &w2, 1);
        assert_fr_array_eq(x, in, n, "coset inverse");
        free(in);
        free(fwd);
        free(inv);
        free(cos);
        free(x);
    }
    vr_ntt_domain_free(&d);
    vr_json_free(j);
}
END_TEST

/* Every size 2^0 .. 2^10 against the naive DFT, on a domain of 2^10. */
START_TEST(test_naive)
{
    struct vr_rng rng;
    struct vr_ntt_domain d;
    size_t nmax = 1024;
    vr_fr *in = calloc(nmax, sizeof(vr_fr));
    vr_fr *x = calloc(nmax, sizeof(vr_fr));
    vr_fr *ref = calloc(nmax, sizeof(vr_fr));

    vr_rng_seed(&rng, vr_test_seed() + (uint64_t)_i);
    ck_assert_int_eq(vr_ntt_domain_init(&d, 10), VR_OK);
    for (int k = 0; k <= 10; k++) {
        size_t n = (size_t)1 << k;
        vr_fr w, winv, g, ginv, ninv = vr_fr_one;

        for (int i = 0; i < k; i++)
            vr_fr_half(&ninv, &ninv);
        ck_assert_int_eq(vr_fr_root_of_unity(&w, k), VR_OK);
        ck_assert_int_eq(vr_fr_inv_var(&winv, &w), VR_OK);
        random_fr(&g, &rng);
        ck_assert_int_eq(vr_fr_inv_var(&ginv, &g), VR_OK);
        for (size_t i = 0; i < n; i++)
            random_fr(&in[i], &rng);

        memcpy(x, in, n * sizeof(vr_fr));
        vr_ntt_forward(&d, x, k, 1);
        naive_dft(ref, in, n, &w, &vr_fr_one, &vr_fr_one);
        assert_fr_array_eq(x, ref, n, "forward");

        memcpy(x, in, n * sizeof(vr_fr));
        vr_ntt_inverse(&d, x, k, 1);
        naive_dft(ref, in, n, &winv, &vr_fr_one, &ninv);
        assert_fr_array_eq(x, ref, n, "inverse");

        memcpy(x, in, n * sizeof(vr_fr));
        vr_ntt_coset_forward(&d, x, k, &g, 1);
        naive_dft(ref, in, n, &w, &g, &vr_fr_one);
        assert_fr_array_eq(x, ref, n, "coset forward");

        // Coset inverse: x[j] = g^-j n^-1 sum_i X[i] w^(-ij), i.e. the
        // naive inverse DFT followed by the g^-j scaling.
        memcpy(x, in, n * sizeof(vr_fr));
        vr_ntt_coset_inverse(&d, x, k, &g, 1);
        naive_dft(ref, in, n, &winv, &vr_fr_one, &ninv);
        {
            vr_fr p = vr_fr_one;
            for (size_t i = 0; i < n; i++) {
                vr_fr_mul(&ref[i], &ref[i], &p);
                vr_fr_mul(&p, &p, &ginv);
            }
        }
        assert_fr_array_eq(x, ref, n, "coset inverse");
    }
    vr_ntt_domain_free(&d);
    free(in);
    free(x);
    free(ref);
}
END_TEST

/* inverse(forward(x)) == x and the coset pair, for sizes up to 2^16, with
 * 1, 2 and 3 threads giving identical transforms. */
START_TEST(test_roundtrip)
{
    struct vr_rng rng;
    struct vr_ntt_domain d;
    int kmax = 16;
    size_t nmax = (size_t)1 << kmax;
    vr_fr *in = calloc(nmax, sizeof(vr_fr));
    vr_fr *x = calloc(nmax, sizeof(vr_fr));
    vr_fr *y = calloc(nmax, sizeof(vr_fr));

    vr_rng_seed(&rng, vr_test_seed() + 1000);
    ck_assert_int_eq(vr_ntt_domain_init(&d, kmax), VR_OK);
    for (int k = 11; k <= kmax; k++) {
        size_t n = (size_t)1 << k;
        vr_fr g;

        random_fr(&g, &rng);
        for (size_t i = 0; i < n; i++)
            random_fr(&in[i], &rng);
        memcpy(x, in, n * sizeof(vr_fr));
        memcpy(y, in, n * sizeof(vr_fr));
        vr_ntt_forward(&d, x, k, 1);
        vr_ntt_forward(&d, y, k, 2);
        assert_fr_array_eq(x, y, n, "forward 1 vs 2 threads");
        memcpy(y, in, n * sizeof(vr_fr));
        vr_ntt_forward(&d, y, k, 3);
        assert_fr_array_eq(x, y, n, "forward 1 vs 3 threads");
        // A transform of the input's values is not the input.
        ck_assert(!vr_fr_eq(&x[1], &in[1]) || !vr_fr_eq(&x[2], &in[2]));
        vr_ntt_inverse(&d, x, k, 2);
        assert_fr_array_eq(x, in, n, "inverse(forward)");

        vr_ntt_coset_forward(&d, x, k, &g, 2);
        memcpy(y, in, n * sizeof(vr_fr));
        vr_ntt_coset_forward(&d, y, k, &g, 1);
        assert_fr_array_eq(x, y, n, "coset forward 1 vs 2 threads");
        vr_ntt_coset_inverse(&d, x, k, &g, 3);
        assert_fr_array_eq(x, in, n, "coset inverse(coset forward)");
    }
    vr_ntt_domain_free(&d);
    free(in);
    free(x);
    free(y);
}
END_TEST

/* Sizes 2^17 and 2^18 (odd and even numbers of full passes) against the
 * definition at a few output points, on 2 threads:
 * X[i] = sum_j x[j] w^(ij) for i = 0, 1, n-1 and a random i. */
START_TEST(test_large_points)
{
    struct vr_rng rng;
    struct vr_ntt_domain d;
    int k = 17 + _i;
    size_t n = (size_t)1 << k;
    vr_fr *in = calloc(n, sizeof(vr_fr)), *x = calloc(n, sizeof(vr_fr));
    vr_fr w;
    size_t idx[4] = {0, 1, n - 1, 0};

    vr_rng_seed(&rng, vr_test_seed() + 2000 + (uint64_t)_i);
    idx[3] = (size_t)vr_rng_below(&rng, n);
    ck_assert_int_eq(vr_ntt_domain_init(&d, k), VR_OK);
    ck_assert_int_eq(vr_fr_root_of_unity(&w, k), VR_OK);
    for (size_t i = 0; i < n; i++)
        random_fr(&in[i], &rng);
    memcpy(x, in, n * sizeof(vr_fr));
    vr_ntt_forward(&d, x, k, 2);
    for (int t = 0; t < 4; t++) {
        uint64_t e[4] = {idx[t], 0, 0, 0};
        vr_fr step, p = vr_fr_one, acc = vr_fr_zero, m;

        vr_fr_pow(&step, &w, e);
        for (size_t j = 0; j < n; j++) {
            vr_fr_mul(&m, &in[j], &p);
            vr_fr_add(&acc, &acc, &m);
            vr_fr_mul(&p, &p, &step);
        }
        ck_assert_msg(vr_fr_eq(&acc, &x[idx[t]]), "X[%zu]", idx[t]);
    }
    vr_ntt_domain_free(&d);
    free(in);
    free(x);
}
END_TEST

START_TEST(test_domain_range)
{
    struct vr_ntt_domain d;

    ck_assert_int_eq(vr_ntt_domain_init(&d, -1), VR_ERANGE);
    vr_ntt_domain_free(&d);
    ck_assert_int_eq(vr_ntt_domain_init(&d, 29), VR_ERANGE);
    vr_ntt_domain_free(&d);
    ck_assert_int_eq(vr_ntt_domain_init(&d, 0), VR_OK);
    {
        vr_fr x = vr_fr_one, g;
        vr_fr_from_u64(&g, 7);
        vr_ntt_forward(&d, &x, 0, 1);
        ck_assert(vr_fr_eq(&x, &vr_fr_one));
        vr_ntt_coset_inverse(&d, &x, 0, &g, 1);
        ck_assert(vr_fr_eq(&x, &vr_fr_one));
    }
    vr_ntt_domain_free(&d);
    vr_ntt_domain_free(&d);     /* no-op on a zeroed domain */
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("ntt");
    TCase *tc = tcase_create("ntt");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_vectors);
    tcase_add_loop_test(tc, test_naive, 0, vr_test_iters(2));
    tcase_add_test(tc, test_roundtrip);
    tcase_add_loop_test(tc, test_large_points, 0, 2);
    tcase_add_test(tc, test_domain_range);
    suite_add_tcase(s, tc);
    return vr_test_run(s);
}
