/*
 * bench_ffiasm: time rapidsnark's arithmetic engine, the third column of
 * bench/zk.sh.
 *
 *   bench/bench_ffiasm [-c] [-r reps] [-t threads] op...
 *   bench/bench_ffiasm -V
 *
 * The engine is ffiasm 0.1.5 from npm (bench/node_modules/ffiasm): Fq and
 * Fr generated as x86-64 assembly by its buildzqfield, G1/G2 over them
 * (c/curve.cpp, xyzz coordinates), ParallelMultiexp (c/multiexp.cpp, the
 * MSM rapidsnark's Groth16 prover calls, OpenMP) and FFT (c/fft.cpp).
 * bench/build_ffiasm.sh builds this file against it; ffiasm's code is
 * not part of this repository.  This is the engine of the original
 * rapidsnark (iden3/rapidsnark-old, whose Groth16 prover calls
 * multiMulByScalar and FFT exactly so); rapidsnark 0.0.4 and later call
 * a newer MSM (multiMulByScalarMSM) that the npm package does not have.
 *
 * Same interface and inputs as bench/bench_zk.c: for each op prints
 * "op<TAB>seconds" (median of reps runs); the inputs are drawn from the
 * same vr_rng (lib/base/rng.h) with the same seed and in the same order,
 * so the points, scalars and NTT vectors are the very values bench_zk
 * times.  -c reports process CPU time (all threads; OpenMP's idle
 * threads spin for a while after each parallel loop, which counts).
 * -t sets the OpenMP threads (default: online CPUs).  ops:
 *   fp_mul fr_mul fp_inv g1_add
 *   msm_g1_{10,14,16,18}[_8b] msm_g1_{16,18}_nn msm_g2_16 ntt_16 ntt_20
 * pairing and pairing4 are not in ffiasm 0.1.5: nothing is printed for
 * them.  Scalars go to the MSM as 32-byte little-endian integers, as
 * rapidsnark's prover passes its witness (it does not shrink small
 * ones).
 *
 * -V checks the setup instead of timing: field mul against GMP, inversion,
 * MSMs (G1 random, 8-bit and witness-mix scalars; G2) against the sum of
 * single scalar multiplications, the G1 and G2 MSM against libvr's on the
 * same inputs, and the FFT against a naive DFT.  Exit 1 on a mismatch.
 */
#include <cassert>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <err.h>
#include <gmp.h>
#include <omp.h>
#include <time.h>
#include <unistd.h>

#include "alt_bn128.hpp"
#include "fft.hpp"

/* lib/vr.h is C11; C++ spells _Noreturn differently. */
#define _Noreturn [[noreturn]]
extern "C" {
#include "vr.h"
#include "base/rng.h"
#include "curve/g1.h"
#include "curve/g2.h"
#include "curve/msm.h"
#include "field/fp.h"
#include "field/fr.h"
}

using AltBn128::F1;
using AltBn128::Fr;
using AltBn128::G1;
using AltBn128::G2;
typedef RawFq::Element FqE;
typedef RawFr::Element FrE;
typedef AltBn128::G1Point G1P;
typedef AltBn128::G1PointAffine G1A;
typedef AltBn128::G2Point G2P;
typedef AltBn128::G2PointAffine G2A;

static int reps = 5;
static clockid_t clk = CLOCK_MONOTONIC;
static int nthreads;
static struct vr_rng rng;

#include "bench_util.h"

/* r, the order of G1 (the Fr modulus), little-endian limbs. */
static const uint64_t R_LIMBS[4] = {
    0x43e1f593f0000001ULL, 0x2833e84879b97091ULL,
    0xb85045b68181585dULL, 0x30644e72e131a029ULL,
};

static void
fq_from_limbs(FqE &e, const uint64_t l[4])
{
    FqE t;

    memcpy(t.v, l, sizeof(t.v));
    F1.toMontgomery(e, t);
}

static void
fr_from_limbs(FrE &e, const uint64_t l[4])
{
    FrE t;

    memcpy(t.v, l, sizeof(t.v));
    Fr.toMontgomery(e, t);
}

static void
fq_to_limbs(uint64_t l[4], const FqE &e)
{
    FqE t;

    F1.fromMontgomery(t, e);
    memcpy(l, t.v, sizeof(t.v));
}

static void
fr_to_limbs(uint64_t l[4], const FrE &e)
{
    FrE t;

    Fr.fromMontgomery(t, e);
    memcpy(l, t.v, sizeof(t.v));
}

static void
random_fq(FqE &e)
{
    uint64_t l[4];

    random_limbs(l);
    fq_from_limbs(e, l);
}

static void
random_fr(FrE &e)
{
    uint64_t l[4];

    random_limbs(l);
    fr_from_limbs(e, l);
}

/* A scalar for the MSM: 32 bytes, little-endian, canonical. */
struct Scalar {
    uint64_t l[4];
};

static void
scalar_from_i64(Scalar &s, int64_t v)
{
    if (v >= 0) {
        s.l[0] = (uint64_t)v;
        s.l[1] = s.l[2] = s.l[3] = 0;
        return;
    }
    // r - |v|: |v| <= 2^15 here, below r's low limb: no borrow.
    s.l[0] = R_LIMBS[0] - (uint64_t)(-v);
    s.l[1] = R_LIMBS[1];
    s.l[2] = R_LIMBS[2];
    s.l[3] = R_LIMBS[3];
}

/* bench_zk.c's witness_scalar, draw for draw. */
static void
witness_scalar(Scalar &s)
{
    uint64_t u = vr_rng_below(&rng, 100);

    if (u < 10)
        scalar_from_i64(s, 0);
    else if (u < 20)
        scalar_from_i64(s, vr_rng_below(&rng, 2) ? 1 : -1);
    else if (u < 60)
        scalar_from_i64(s, (int64_t)vr_rng_below(&rng, 256) - 128);
    else if (u < 90)
        scalar_from_i64(s, (int64_t)vr_rng_below(&rng, 65536) - 32768);
    else
        random_limbs(s.l);
}

/* Keep results alive so the loops are not optimized away. */
static volatile uint64_t sink;

static double
op_fp_mul(void)
{
    FqE a, b;

    MICRO(2000000, (random_fq(a), random_fq(b)),
        F1.mul(a, a, b), sink ^= a.v[0]);
}

static double
op_fr_mul(void)
{
    FrE a, b;

    MICRO(2000000, (random_fr(a), random_fr(b)),
        Fr.mul(a, a, b), sink ^= a.v[0]);
}

static double
op_fp_inv(void)
{
    FqE a;

    // ffiasm's only inversion: RawFq::inv, GMP's mpz_invert plus a
    // Montgomery fix-up.  Chained as in bench_zk: a <- 1/a + 1.
    MICRO(50000, random_fq(a),
        (F1.inv(a, a), F1.add(a, a, F1.one())), sink ^= a.v[0]);
}

/* k * generator for a 253-bit k drawn from the rng. */
static void
g1_random_multiple(G1P &r)
{
    Scalar k;

    random_limbs(k.l);
    G1.mulByScalar(r, G1.one(), (uint8_t *)k.l, 32);
}

static void
g2_random_multiple(G2P &r)
{
    Scalar k;

    random_limbs(k.l);
    G2.mulByScalar(r, G2.one(), (uint8_t *)k.l, 32);
}

static double
op_g1_add(void)
{
    G1P P, Q;

    // ffiasm's general addition: xyzz + xyzz (add-2008-s), the special
    // cases branched on.  bench_zk times Jacobian + Jacobian.
    MICRO(500000, (g1_random_multiple(P), g1_random_multiple(Q)),
        G1.add(P, P, Q), sink ^= P.x.v[0]);
}

static double
op_ntt(int log2n)
{
    size_t n = (size_t)1 << log2n;
    std::vector<FrE> x(n);
    double t[64];
    FFT<RawFr> fft(n);

    for (size_t i = 0; i < n; i++)
        random_fr(x[i]);
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        fft.fft(x.data(), n);
        t[r] = now() - t0;
    }
    sink ^= x[1].v[0];
    return median(t, reps);
}

/*
 * MSM inputs as bench_zk.c draws them: P_i = P_0 + i Q (P_0, Q random
 * multiples of the generator), affine; n scalars of `bits` random bits
 * (253: full; 0: the witness mix).
 */
template <typename Curve, typename P, typename A>
static void
msm_inputs(Curve &g, std::vector<A> &b, std::vector<Scalar> &s, size_t n,
    int bits, void (*random_multiple)(P &))
{
    P acc, Q;

    b.resize(n);
    s.resize(n);
    random_multiple(acc);
    random_multiple(Q);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            g.add(acc, acc, Q);
        g.copy(b[i], acc);
    }
    for (size_t i = 0; i < n; i++) {
        if (bits >= 253) {
            random_limbs(s[i].l);
        } else if (bits == 0) {
            witness_scalar(s[i]);
        } else {
            s[i].l[0] = vr_rng_u64(&rng) >> (64 - bits);
            s[i].l[1] = s[i].l[2] = s[i].l[3] = 0;
        }
    }
}

template <typename Curve, typename P, typename A>
static double
msm_time(Curve &g, int log2n, int bits, void (*random_multiple)(P &))
{
    size_t n = (size_t)1 << log2n;
    std::vector<A> b;
    std::vector<Scalar> s;
    double t[64];
    P out;

    msm_inputs<Curve, P, A>(g, b, s, n, bits, random_multiple);
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        g.multiMulByScalar(out, b.data(), (uint8_t *)s.data(), 32,
            (unsigned)n, (unsigned)nthreads);
        t[r] = now() - t0;
        sink ^= *(const volatile unsigned char *)&out;
    }
    return median(t, reps);
}

static double
g1_msm(int log2n, int bits)
{
    return msm_time<Curve<RawFq>, G1P, G1A>(G1, log2n, bits,
        g1_random_multiple);
}

static double op_msm_g1_10(void) { return g1_msm(10, 253); }
static double op_msm_g1_14(void) { return g1_msm(14, 253); }
static double op_msm_g1_16(void) { return g1_msm(16, 253); }
static double op_msm_g1_18(void) { return g1_msm(18, 253); }
static double op_msm_g1_10_8b(void) { return g1_msm(10, 8); }
static double op_msm_g1_14_8b(void) { return g1_msm(14, 8); }
static double op_msm_g1_16_8b(void) { return g1_msm(16, 8); }
static double op_msm_g1_18_8b(void) { return g1_msm(18, 8); }
static double op_msm_g1_16_nn(void) { return g1_msm(16, 0); }
static double op_msm_g1_18_nn(void) { return g1_msm(18, 0); }

static double
op_msm_g2_16(void)
{
    return msm_time<Curve<F2Field<RawFq>>, G2P, G2A>(G2, 16, 253,
        g2_random_multiple);
}

static double op_ntt_16(void) { return op_ntt(16); }
static double op_ntt_20(void) { return op_ntt(20); }

static const struct {
    const char *name;
    double (*fn)(void);         /* NULL: not in the engine */
} ops[] = {
    {"fp_mul", op_fp_mul},
    {"fr_mul", op_fr_mul},
    {"fp_inv", op_fp_inv},
    {"g1_add", op_g1_add},
    {"pairing", NULL},
    {"pairing4", NULL},
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

/* ---- -V: checks of the setup ---- */

static int failures;

static void
check(bool ok, const char *what)
{
    fprintf(stderr, "bench_ffiasm -V: %s: %s\n", what, ok ? "ok" : "FAILED");
    if (!ok)
        failures++;
}

static const char *P_DEC =
    "21888242871839275222246405745257275088696311157297823662689037894645226208583";

static void
check_fields(void)
{
    mpz_t p, x, y, z;
    bool ok = true;

    mpz_inits(p, x, y, z, NULL);
    mpz_set_str(p, P_DEC, 10);
    for (int i = 0; i < 1000 && ok; i++) {
        uint64_t la[4], lb[4], lc[4];
        FqE a, b, c;

        random_limbs(la);
        random_limbs(lb);
        fq_from_limbs(a, la);
        fq_from_limbs(b, lb);
        F1.mul(c, a, b);
        fq_to_limbs(lc, c);
        mpz_import(x, 4, -1, 8, 0, 0, la);
        mpz_import(y, 4, -1, 8, 0, 0, lb);
        mpz_mul(x, x, y);
        mpz_mod(x, x, p);
        mpz_set_ui(z, 0);
        mpz_import(z, 4, -1, 8, 0, 0, lc);
        ok = mpz_cmp(x, z) == 0;
        // a * a^-1 = 1
        F1.inv(c, a);
        F1.mul(c, c, a);
        ok = ok && F1.eq(c, F1.one());
    }
    check(ok, "Fq mul against GMP, Fq inv (1000 random)");
    mpz_clears(p, x, y, z, NULL);
}

template <typename Curve, typename P, typename A>
static bool
msm_vs_naive(Curve &g, size_t n, int bits, void (*random_multiple)(P &))
{
    std::vector<A> b;
    std::vector<Scalar> s;
    P msm, naive, t;

    msm_inputs<Curve, P, A>(g, b, s, n, bits, random_multiple);
    g.multiMulByScalar(msm, b.data(), (uint8_t *)s.data(), 32, (unsigned)n,
        (unsigned)nthreads);
    g.copy(naive, g.zero());
    for (size_t i = 0; i < n; i++) {
        g.mulByScalar(t, b[i], (uint8_t *)s[i].l, 32);
        g.add(naive, naive, t);
    }
    return g.eq(msm, naive) && !g.isZero(msm);
}

static void
g1_to_vr(vr_g1_affine *r, G1A &a)
{
    uint64_t l[4];

    fq_to_limbs(l, a.x);
    if (vr_fp_from_canonical(&r->x, l) != VR_OK)
        errx(1, "g1_to_vr");
    fq_to_limbs(l, a.y);
    if (vr_fp_from_canonical(&r->y, l) != VR_OK)
        errx(1, "g1_to_vr");
}

static void
fp2_to_vr(vr_fp2 *r, AltBn128::F2Element &a)
{
    uint64_t l[4];

    fq_to_limbs(l, a.a);
    if (vr_fp_from_canonical(&r->c0, l) != VR_OK)
        errx(1, "fp2_to_vr");
    fq_to_limbs(l, a.b);
    if (vr_fp_from_canonical(&r->c1, l) != VR_OK)
        errx(1, "fp2_to_vr");
}

/* ffiasm's MSM against libvr's on the same bases and scalars (G1). */
static bool
g1_msm_vs_libvr(size_t n, int bits)
{
    std::vector<G1A> b;
    std::vector<Scalar> s;
    std::vector<vr_g1_affine> vb(n);
    std::vector<vr_fr> vs(n);
    std::vector<unsigned char> scratch(vr_g1_msm_scratch_size(n, nthreads));
    G1P out;
    G1A outa;
    vr_g1 vout;
    vr_g1_affine vouta, conv;

    msm_inputs<Curve<RawFq>, G1P, G1A>(G1, b, s, n, bits,
        g1_random_multiple);
    for (size_t i = 0; i < n; i++) {
        g1_to_vr(&vb[i], b[i]);
        if (vr_fr_from_canonical(&vs[i], s[i].l) != VR_OK)
            errx(1, "scalar not canonical");
    }
    G1.multiMulByScalar(out, b.data(), (uint8_t *)s.data(), 32, (unsigned)n,
        (unsigned)nthreads);
    if (vr_g1_msm(&vout, scratch.data(), vb.data(), vs.data(), n,
        nthreads) != VR_OK)
        return false;
    G1.copy(outa, out);
    g1_to_vr(&conv, outa);
    vr_g1_to_affine(&vouta, &vout);
    return vr_g1_affine_eq(&conv, &vouta) && !vr_g1_affine_is_inf(&conv);
}

static bool
g2_msm_vs_libvr(size_t n)
{
    std::vector<G2A> b;
    std::vector<Scalar> s;
    std::vector<vr_g2_affine> vb(n);
    std::vector<vr_fr> vs(n);
    std::vector<unsigned char> scratch(vr_g2_msm_scratch_size(n, nthreads));
    G2P out;
    G2A outa;
    vr_g2 vout;
    vr_g2_affine vouta, conv;

    msm_inputs<Curve<F2Field<RawFq>>, G2P, G2A>(G2, b, s, n, 253,
        g2_random_multiple);
    for (size_t i = 0; i < n; i++) {
        fp2_to_vr(&vb[i].x, b[i].x);
        fp2_to_vr(&vb[i].y, b[i].y);
        if (vr_fr_from_canonical(&vs[i], s[i].l) != VR_OK)
            errx(1, "scalar not canonical");
    }
    G2.multiMulByScalar(out, b.data(), (uint8_t *)s.data(), 32, (unsigned)n,
        (unsigned)nthreads);
    if (vr_g2_msm(&vout, scratch.data(), vb.data(), vs.data(), n,
        nthreads) != VR_OK)
        return false;
    G2.copy(outa, out);
    fp2_to_vr(&conv.x, outa.x);
    fp2_to_vr(&conv.y, outa.y);
    vr_g2_to_affine(&vouta, &vout);
    return memcmp(&conv, &vouta, sizeof(conv)) == 0;
}

/* The FFT against sum_j x_j w^(jk), w = the engine's 2^log2n-th root. */
static void
check_fft(int log2n)
{
    size_t n = (size_t)1 << log2n;
    std::vector<FrE> x(n), y(n);
    FFT<RawFr> fft(n);
    FrE w = fft.root(log2n, 1), wn, t, acc, wk, wjk;
    bool ok = true;

    // w has order exactly n.
    Fr.copy(wn, w);
    for (int i = 1; i < log2n; i++)
        Fr.square(wn, wn);
    ok = !Fr.eq(wn, Fr.one());
    Fr.square(wn, wn);
    ok = ok && Fr.eq(wn, Fr.one());
    for (size_t i = 0; i < n; i++) {
        random_fr(x[i]);
        Fr.copy(y[i], x[i]);
    }
    fft.fft(y.data(), n);
    Fr.copy(wk, Fr.one());
    for (size_t k = 0; k < n && ok; k++) {
        Fr.copy(acc, Fr.zero());
        Fr.copy(wjk, Fr.one());
        for (size_t j = 0; j < n; j++) {
            Fr.mul(t, x[j], wjk);
            Fr.add(acc, acc, t);
            Fr.mul(wjk, wjk, wk);
        }
        ok = Fr.eq(acc, y[k]);
        Fr.mul(wk, wk, w);
    }
    fft.ifft(y.data(), n);
    for (size_t i = 0; i < n && ok; i++)
        ok = Fr.eq(x[i], y[i]);
    char what[80];
    snprintf(what, sizeof(what), "FFT 2^%d against naive DFT, ifft(fft)", log2n);
    check(ok, what);
}

static int
verify(void)
{
    vr_rng_seed(&rng, 20261123);
    check_fields();
    for (size_t n : {2, 5, 100, 1000}) {
        char what[80];

        snprintf(what, sizeof(what), "G1 MSM n=%zu, random scalars, vs naive", n);
        check(msm_vs_naive<Curve<RawFq>, G1P, G1A>(G1, n, 253,
            g1_random_multiple), what);
    }
    check(msm_vs_naive<Curve<RawFq>, G1P, G1A>(G1, 1000, 8,
        g1_random_multiple), "G1 MSM n=1000, 8-bit scalars, vs naive");
    check(msm_vs_naive<Curve<RawFq>, G1P, G1A>(G1, 1000, 0,
        g1_random_multiple), "G1 MSM n=1000, witness mix, vs naive");
    check(msm_vs_naive<Curve<F2Field<RawFq>>, G2P, G2A>(G2, 200, 253,
        g2_random_multiple), "G2 MSM n=200, random scalars, vs naive");
    check(g1_msm_vs_libvr(1024, 253), "G1 MSM 2^10 random, vs libvr");
    check(g1_msm_vs_libvr(1024, 0), "G1 MSM 2^10 witness mix, vs libvr");
    check(g2_msm_vs_libvr(256), "G2 MSM 2^8 random, vs libvr");
    check_fft(4);
    check_fft(6);
    return failures ? 1 : 0;
}

static void
usage(void)
{
    fprintf(stderr, "usage: bench_ffiasm [-c] [-r reps] [-t threads] op ...\n"
        "       bench_ffiasm -V\n");
    exit(VR_EXIT_USAGE);
}

static long
number(const char *s, long lo, long hi)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (*s == '\0' || *end != '\0' || v < lo || v > hi)
        usage();
    return v;
}

int
main(int argc, char **argv)
{
    int ch;
    bool vflag = false;

    nthreads = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (nthreads < 1)
        nthreads = 1;
    while ((ch = getopt(argc, argv, "cr:t:V")) != -1) {
        switch (ch) {
        case 'c':
            clk = CLOCK_PROCESS_CPUTIME_ID;
            break;
        case 'r':
            reps = (int)number(optarg, 1, 64);
            break;
        case 't':
            nthreads = (int)number(optarg, 1, 1024);
            break;
        case 'V':
            vflag = true;
            break;
        default:
            usage();
        }
    }
    argc -= optind;
    argv += optind;
    omp_set_num_threads(nthreads);
    if (vflag) {
        if (argc != 0)
            usage();
        return verify();
    }
    if (argc == 0)
        usage();
    for (int i = 0; i < argc; i++) {
        size_t k;

        for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
            if (strcmp(argv[i], ops[k].name) == 0)
                break;
        if (k == sizeof(ops) / sizeof(ops[0]))
            errx(VR_EXIT_USAGE, "unknown op %s", argv[i]);
        if (ops[k].fn == NULL) {
            warnx("%s: not in ffiasm 0.1.5", argv[i]);
            continue;
        }
        vr_rng_seed(&rng, 20261123);
        printf("%s\t%.9g\n", argv[i], ops[k].fn());
        fflush(stdout);
    }
    return VR_EXIT_OK;
}
