/*
 * bench_zk: time the BN254 arithmetic of libvr, the C side of bench/zk.sh.
 *
 *   bench/bench_zk [-c] [-r reps] [-t threads] op...
 *
 * For each op prints "op<TAB>seconds" (median of reps runs) on stdout,
 * the format of bench/zk_snarkjs.mjs.  Microbenchmarks report seconds per
 * operation (a dependent chain, so latency, not throughput); MSM and NTT
 * report seconds per call on -t threads (default: online CPUs).  Inputs
 * come from a fixed-seed vr_rng.  -c reports process CPU time (all
 * threads) instead of wall time: steadier when other jobs load the
 * machine, for comparing versions of the code.  ops:
 *   fp_mul fr_mul fp_inv g1_add pairing pairing4
 *   msm_g1_{10,14,16,18}[_8b] msm_g1_{16,18}_nn msm_g2_16 ntt_16 ntt_20
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vr.h"
#include "base/par.h"
#include "base/parse.h"
#include "base/rng.h"
#include "curve/g1.h"
#include "curve/g2.h"
#include "curve/msm.h"
#include "field/fp.h"
#include "field/fr.h"
#include "pairing/pairing.h"
#include "poly/ntt.h"

static int reps = 5;
static clockid_t clk = CLOCK_MONOTONIC;
static int nthreads;
static struct vr_rng rng;

#include "bench_util.h"

static void
random_fr(vr_fr *a)
{
    uint64_t l[4];

    random_limbs(l);
    if (vr_fr_from_canonical(a, l) != VR_OK)
        errx(1, "random_fr");
}

static void
random_fp(vr_fp *a)
{
    uint64_t l[4];

    random_limbs(l);
    if (vr_fp_from_canonical(a, l) != VR_OK)
        errx(1, "random_fp");
}

/* Keep results alive so the loops are not optimized away. */
static volatile uint64_t sink;

static double
op_fp_mul(void)
{
    vr_fp a, b;

    MICRO(2000000, (random_fp(&a), random_fp(&b)),
        vr_fp_mul(&a, &a, &b), sink ^= a.l[0]);
}

static double
op_fr_mul(void)
{
    vr_fr a, b;

    MICRO(2000000, (random_fr(&a), random_fr(&b)),
        vr_fr_mul(&a, &a, &b), sink ^= a.l[0]);
}

static double
op_fp_inv(void)
{
    vr_fp a;

    // Variable-time inversion, as ffjavascript's f1m_inverse.  Chained:
    // a <- 1/a + 1 keeps the input changing and nonzero (a = -1 would
    // give 0, probability ~2^-254).
    MICRO(50000, random_fp(&a),
        (vr_fp_inv_var(&a, &a), vr_fp_add(&a, &a, &vr_fp_one)),
        sink ^= a.l[0]);
}

static double
op_ntt(int log2n)
{
    struct vr_ntt_domain d;
    size_t n = (size_t)1 << log2n;
    vr_fr *x = malloc(n * sizeof(vr_fr));
    double t[64];

    if (x == NULL || vr_ntt_domain_init(&d, log2n) != VR_OK)
        errx(4, "out of memory");
    for (size_t i = 0; i < n; i++)
        random_fr(&x[i]);
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        vr_ntt_forward(&d, x, log2n, nthreads);
        t[r] = now() - t0;
    }
    vr_ntt_domain_free(&d);
    free(x);
    return median(t, reps);
}

static double
op_g1_add(void)
{
    vr_fr k;
    vr_g1 P, Q;

    // Jacobian + Jacobian, branching on the special cases, as
    // ffjavascript's g1m_add (add-2007-bl).
    MICRO(500000,
        (random_fr(&k), vr_g1_mul_var(&P, &vr_g1_generator, &k),
         random_fr(&k), vr_g1_mul_var(&Q, &vr_g1_generator, &k)),
        vr_g1_add_var(&P, &P, &Q), sink ^= P.x.l[0]);
}

static double
op_pairing(void)
{
    vr_fp12 f;

    MICRO(100, (void)0,
        vr_pairing(&f, &vr_g1_generator_affine, &vr_g2_generator_affine),
        sink ^= *(const volatile unsigned char *)&f);
}

static double
op_pairing4(void)
{
    vr_g1_affine p[4];
    vr_g2_affine q[4];
    int ok = 0;

    // e(G1, G2)^4 against 1: the same work as ffjavascript's
    // pairingEq4 (4 Miller loops, one final exponentiation, a compare).
    for (int i = 0; i < 4; i++) {
        p[i] = vr_g1_generator_affine;
        q[i] = vr_g2_generator_affine;
    }
    MICRO(50, (void)0, ok += vr_pairing_check(p, q, 4), sink ^= (uint64_t)ok);
}

/*
 * A scalar as a quantized network's witness has them: 10% zero, 10% +-1,
 * 40% signed 8-bit, 30% signed 16-bit, 10% full-size (hash outputs,
 * inverses).  bench/zk_snarkjs.mjs draws the same mix.
 */
static void
witness_scalar(vr_fr *s)
{
    uint64_t u = vr_rng_below(&rng, 100);

    if (u < 10)
        *s = vr_fr_zero;
    else if (u < 20)
        vr_fr_from_i64(s, vr_rng_below(&rng, 2) ? 1 : -1);
    else if (u < 60)
        vr_fr_from_i64(s, (int64_t)vr_rng_below(&rng, 256) - 128);
    else if (u < 90)
        vr_fr_from_i64(s, (int64_t)vr_rng_below(&rng, 65536) - 32768);
    else
        random_fr(s);
}

/*
 * MSM inputs: n distinct affine bases P_i = P_0 + i Q (random P_0, Q),
 * converted in one batch, and n scalars of `bits` random bits (253 =
 * uniform-ish full scalars; 0 = the witness mix above), in Montgomery
 * form.
 */
#define DEFINE_MSM(G, J, A)                                             \
static double                                                           \
G##_msm_time(int log2n, int bits)                                       \
{                                                                       \
    size_t n = (size_t)1 << log2n;                                      \
    J *jac = malloc(n * sizeof(J));                                     \
    A *b = malloc(n * sizeof(A));                                       \
    vr_fr *s = malloc(n * sizeof(vr_fr));                               \
    size_t sz = vr_##G##_msm_scratch_size(n, nthreads);                 \
    void *scratch = malloc(sz);                                         \
    double t[64];                                                       \
    vr_fr k;                                                            \
    J Q, out;                                                           \
                                                                        \
    if (!jac || !b || !s || !scratch)                                   \
        errx(4, "out of memory");                                       \
    random_fr(&k);                                                      \
    vr_##G##_mul_var(&jac[0], &vr_##G##_generator, &k);                 \
    random_fr(&k);                                                      \
    vr_##G##_mul_var(&Q, &vr_##G##_generator, &k);                      \
    for (size_t i = 1; i < n; i++)                                      \
        vr_##G##_add_var(&jac[i], &jac[i - 1], &Q);                     \
    vr_##G##_to_affine_batch(b, jac, n);                                \
    free(jac);                                                          \
    for (size_t i = 0; i < n; i++) {                                    \
        if (bits >= 253) {                                              \
            random_fr(&s[i]);                                           \
        } else if (bits == 0) {                                         \
            witness_scalar(&s[i]);                                      \
        } else {                                                        \
            uint64_t v = vr_rng_u64(&rng) >> (64 - bits);               \
            vr_fr_from_u64(&s[i], v);                                   \
        }                                                               \
    }                                                                   \
    for (int r = 0; r < reps; r++) {                                    \
        double t0 = now();                                              \
        if (vr_##G##_msm(&out, scratch, b, s, n, nthreads) != VR_OK)    \
            errx(1, "msm failed");                                      \
        t[r] = now() - t0;                                              \
        sink ^= *(const volatile unsigned char *)&out;                 \
    }                                                                   \
    free(b);                                                            \
    free(s);                                                            \
    free(scratch);                                                      \
    return median(t, reps);                                             \
}

DEFINE_MSM(g1, vr_g1, vr_g1_affine)
DEFINE_MSM(g2, vr_g2, vr_g2_affine)

static double op_msm_g1_10(void) { return g1_msm_time(10, 253); }
static double op_msm_g1_14(void) { return g1_msm_time(14, 253); }
static double op_msm_g1_16(void) { return g1_msm_time(16, 253); }
static double op_msm_g1_18(void) { return g1_msm_time(18, 253); }
static double op_msm_g1_10_8b(void) { return g1_msm_time(10, 8); }
static double op_msm_g1_14_8b(void) { return g1_msm_time(14, 8); }
static double op_msm_g1_16_8b(void) { return g1_msm_time(16, 8); }
static double op_msm_g1_18_8b(void) { return g1_msm_time(18, 8); }
static double op_msm_g1_16_nn(void) { return g1_msm_time(16, 0); }
static double op_msm_g1_18_nn(void) { return g1_msm_time(18, 0); }
static double op_msm_g2_16(void) { return g2_msm_time(16, 253); }

static double op_ntt_16(void) { return op_ntt(16); }
static double op_ntt_20(void) { return op_ntt(20); }

static const struct {
    const char *name;
    double (*fn)(void);
} ops[] = {
    {"fp_mul", op_fp_mul},
    {"fr_mul", op_fr_mul},
    {"fp_inv", op_fp_inv},
    {"g1_add", op_g1_add},
    {"pairing", op_pairing},
    {"pairing4", op_pairing4},
    {"msm_g1_10", op_msm_g1_10},
    {"msm_g1_14", op_msm_g1_14},
    {"msm_g1_16", op_msm_g1_16},
    {"msm_g1_18", op_msm_g1_18},
    {"msm_g1_10_8b", op_msm_g1_10_8b},
    {"msm_g1_14_8b", op_msm_g1_14_8b},
    {"msm_g1_16_8b", op_msm_g1_16_8b},
    {"msm_g1_18_8b", op_msm_g1_18_8b},
    {"msm_g1_16_nn", op_msm_g1_16_nn},
    {"msm_g1_18_nn", op_msm_g1_18_nn},
    {"msm_g2_16", op_msm_g2_16},
    {"ntt_16", op_ntt_16},
    {"ntt_20", op_ntt_20},
};

static void
usage(void)
{
    fprintf(stderr, "usage: bench_zk [-c] [-r reps] [-t threads] op ...\n");
    exit(VR_EXIT_USAGE);
}

int
main(int argc, char **argv)
{
    int ch;
    long long v;

    nthreads = vr_par_ncpu();
    while ((ch = getopt(argc, argv, "cr:t:")) != -1) {
        switch (ch) {
        case 'c':
            clk = CLOCK_PROCESS_CPUTIME_ID;
            break;
        case 'r':
            if (vr_parse_long(&v, optarg, 1, 64) != VR_OK)
                usage();
            reps = (int)v;
            break;
        case 't':
            if (vr_parse_long(&v, optarg, 1, VR_PAR_MAX) != VR_OK)
                usage();
            nthreads = (int)v;
            break;
        default:
            usage();
        }
    }
    argc -= optind;
    argv += optind;
    if (argc == 0)
        usage();
    vr_rng_seed(&rng, 20261123);
    for (int i = 0; i < argc; i++) {
        size_t k;

        for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
            if (strcmp(argv[i], ops[k].name) == 0)
                break;
        if (k == sizeof(ops) / sizeof(ops[0]))
            errx(VR_EXIT_USAGE, "unknown op %s", argv[i]);
        printf("%s\t%.9g\n", argv[i], ops[k].fn());
        fflush(stdout);
    }
    return VR_EXIT_OK;
}
