/*
 * bench_field: ns per operation for the BN254 field, curve and pairing
 * code (lib/field, lib/curve, lib/pairing).  Single thread.
 *
 *   bench/bench_field [-w] [-n scale]
 *
 * Each line: operation, ns/op (thread CPU time, so that other load on a
 * shared machine does not count; -w: wall-clock time, as JS benchmarks
 * measure), iterations.  Chains each result into the
 * next input so the compiler cannot drop the work and the timing includes
 * the dependency latency, as in a real exponentiation or loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "vr.h"
#include "curve/g1.h"
#include "curve/g2.h"
#include "field/fp.h"
#include "field/fp12.h"
#include "field/fr.h"
#include "pairing/pairing.h"

static clockid_t clk = CLOCK_THREAD_CPUTIME_ID;

static double
now(void)
{
    struct timespec ts;

    clock_gettime(clk, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void
report(const char *what, double t0, long n)
{
    printf("%-28s %12.1f ns  (%ld iterations)\n", what, (now() - t0) / n, n);
}

int
main(int argc, char **argv)
{
    long scale = 1;
    int c;

    while ((c = getopt(argc, argv, "n:w")) != -1) {
        if (c == 'n')
            scale = atol(optarg);
        else if (c == 'w')
            clk = CLOCK_MONOTONIC;
        else {
            fprintf(stderr, "usage: bench_field [-w] [-n scale]\n");
            return 2;
        }
    }
    if (scale < 1)
        scale = 1;

    vr_fp a, b;
    vr_fr x, y;
    vr_fp_from_u64(&a, 0x1234567890abcdefULL);
    vr_fp_inv(&a, &a);
    vr_fp_from_u64(&b, 77);
    vr_fp_sqrt(&b, &b);
    vr_fr_random(&x);
    vr_fr_random(&y);

    long n = 2000000 * scale;
    double t0 = now();
    for (long i = 0; i < n; i++)
        vr_fp_mul(&a, &a, &b);
    report("fp_mul", t0, n);
    t0 = now();
    for (long i = 0; i < n; i++)
        vr_fp_sqr(&a, &a);
    report("fp_sqr", t0, n);
    t0 = now();
    for (long i = 0; i < n; i++)
        vr_fp_add(&a, &a, &b);
    report("fp_add", t0, n);
    t0 = now();
    for (long i = 0; i < n; i++)
        vr_fr_mul(&x, &x, &y);
    report("fr_mul", t0, n);

    n = 20000 * scale;
    t0 = now();
    for (long i = 0; i < n; i++)
        vr_fp_inv(&a, &a);
    report("fp_inv (Fermat, ct)", t0, n);
    t0 = now();
    for (long i = 0; i < n; i++)
        vr_fp_inv_var(&a, &a);
    report("fp_inv_var (binary gcd)", t0, n);
    t0 = now();
    for (long i = 0; i < n; i++)
        vr_fr_inv(&x, &x);
    report("fr_inv (Fermat, ct)", t0, n);
    t0 = now();
    for (long i = 0; i < n; i++)
        vr_fr_inv_var(&x, &x);
    report("fr_inv_var (binary gcd)", t0, n);
    t0 = now();
    for (long i = 0; i < n; i++)
        vr_fp_sqrt(&a, &a);
    report("fp_sqrt", t0, n);

    vr_g1 p = vr_g1_generator, q;
    vr_g1_affine qa;
    vr_g1_dbl(&q, &p);
    vr_g1_dbl(&q, &q);
    vr_g1_add(&q, &q, &p);
    vr_g1_to_affine(&qa, &q);
    vr_g1_dbl(&q, &q);
    n = 500000 * scale;
    t0 = now();
    for (long i = 0; i < n; i++)
        vr_g1_add_var(&p, &p, &q);
    report("g1_add_var (jacobian)", t0, n);
    t0 = now();
    for (long i = 0; i < n; i++)
        vr_g1_add(&p, &p, &q);
    report("g1_add (complete, ct)", t0, n);
    t0 = now();
    for (long i = 0; i < n; i++)
        vr_g1_add_affine_var(&p, &p, &qa);
    report("g1_add_affine_var (mixed)", t0, n);
    t0 = now();
    for (long i = 0; i < n; i++)
        vr_g1_dbl(&p, &p);
    report("g1_dbl", t0, n);

    n = 2000 * scale;
    t0 = now();
    for (long i = 0; i < n; i++)
        vr_g1_mul(&p, &p, &x);
    report("g1_mul (ct)", t0, n);
    t0 = now();
    for (long i = 0; i < n; i++)
        vr_g1_mul_var(&p, &p, &x);
    report("g1_mul_var (GLV, wNAF)", t0, n);
    vr_g2 g2 = vr_g2_generator;
    n = 500 * scale;
    t0 = now();
    for (long i = 0; i < n; i++)
        vr_g2_mul(&g2, &g2, &x);
    report("g2_mul (ct)", t0, n);
    t0 = now();
    for (long i = 0; i < n; i++)
        vr_g2_mul_var(&g2, &g2, &x);
    report("g2_mul_var (GLS, wNAF)", t0, n);
    int ok = 0;
    t0 = now();
    for (long i = 0; i < n; i++)
        ok += vr_g2_is_in_subgroup(&g2);
    report("g2_is_in_subgroup", t0, n);

    vr_g1_affine P[4];
    vr_g2_affine Q[4];
    vr_fp12 e, f;
    for (int i = 0; i < 4; i++) {
        vr_g1_mul_var(&p, &vr_g1_generator, &x);
        vr_g1_to_affine(&P[i], &p);
        vr_g2_mul_var(&g2, &vr_g2_generator, &y);
        vr_g2_to_affine(&Q[i], &g2);
        vr_fr_add(&x, &x, &y);
    }
    n = 200 * scale;
    t0 = now();
    for (long i = 0; i < n; i++)
        vr_pairing_miller_loop(&f, &P[i & 3], &Q[i & 3], 1);
    report("miller_loop", t0, n);
    t0 = now();
    for (long i = 0; i < n; i++)
        vr_pairing_final_exp(&e, &f);
    report("final_exp", t0, n);
    t0 = now();
    for (long i = 0; i < n; i++)
        vr_pairing(&e, &P[i & 3], &Q[i & 3]);
    report("pairing", t0, n);
    t0 = now();
    for (long i = 0; i < n; i++)
        vr_pairing_multi(&e, P, Q, 4);
    report("pairing_multi (4 pairs)", t0, n);
    t0 = now();
    for (long i = 0; i < n; i++)
        ok += vr_pairing_check(P, Q, 4);
    report("pairing_check (4 pairs)", t0, n);
    // a Groth16-like check: 1 plain pair + 2 pairs with a fixed Q
    static vr_g2_prepared prep[2];
    vr_pairing_prepare(&prep[0], &Q[1]);
    vr_pairing_prepare(&prep[1], &Q[2]);
    t0 = now();
    for (long i = 0; i < n; i++) {
        vr_pairing_miller_loop(&f, P, Q, 3);
        vr_pairing_final_exp(&e, &f);
    }
    report("3 pairs, plain", t0, n);
    t0 = now();
    for (long i = 0; i < n; i++) {
        vr_pairing_miller_loop_mixed(&f, P, Q, 1, P + 1, prep, 2);
        vr_pairing_final_exp(&e, &f);
    }
    report("3 pairs, 2 prepared", t0, n);
    t0 = now();
    for (long i = 0; i < n; i++)
        vr_pairing_prepare(&prep[0], &Q[i & 3]);
    report("pairing_prepare", t0, n);

    // keep the results alive
    unsigned char buf[32];
    vr_fp_to_bytes_be(buf, &a);
    return (buf[0] == 0x42 && ok == -1) ? 1 : 0;
}
