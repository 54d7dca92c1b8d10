/*
 * Unit tests for the powers of tau writer (lib/snark/ptaugen.c) and its
 * BLAKE2b, plus a developer driver:
 *   check_ptau new POWER OUT [NTHREADS [raw]]   fresh .ptau, prepared
 *       for phase 2 unless "raw" (then sections 1-7 only)
 * Exit 0 ok, 2 usage, 3 bad input, 4 I/O.  With no arguments it runs the
 * unit tests.  snarkjs's own checks of our files are in tests/cli/ptau.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "util_test.h"
#include "vr.h"
#include "curve/g1.h"
#include "curve/g2.h"
#include "field/fr.h"
#include "snark/groth16.h"
#include "snark/internal.h"     /* the BLAKE2b under test */
#include "snark/ptau.h"
#include "snark/r1cs.h"

static void
hex(char *out, const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
}

START_TEST(test_blake2b)
{
    struct vr_blake2b s, u;
    unsigned char d[64], e[64], msg[1000];
    char x[129];

    vr_blake2b_init(&s);
    vr_blake2b_final(&s, d);
    hex(x, d, 64);
    ck_assert_str_eq(x, "786a02f742015903c6c6fd852552d272912f4740e15847618a"
        "86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f7"
        "01afe9be2ce");
    vr_blake2b_init(&s);
    vr_blake2b_update(&s, "abc", 3);
    vr_blake2b_final(&s, d);
    hex(x, d, 64);
    ck_assert_str_eq(x, "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b"
        "12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab9238"
        "6edd4009923");
    // Any split of the input gives the same hash, block edges included.
    for (size_t i = 0; i < sizeof(msg); i++)
        msg[i] = (unsigned char)(i * 7 + 3);
    static const size_t lens[] = {0, 1, 127, 128, 129, 256, 257, 1000};
    for (size_t a = 0; a < sizeof(lens) / sizeof(lens[0]); a++) {
        size_t n = lens[a];
        vr_blake2b_init(&u);
        vr_blake2b_update(&u, msg, n);
        vr_blake2b_final(&u, e);
        for (size_t cut = 0; cut <= n; cut += 61) {
            vr_blake2b_init(&s);
            vr_blake2b_update(&s, msg, cut);
            vr_blake2b_update(&s, msg + cut, n - cut);
            vr_blake2b_final(&s, d);
            ck_assert_mem_eq(d, e, 64);
        }
    }
}
END_TEST

/* The setup's fixed-base multiplication equals vr_g1_mul / vr_g2_mul on
 * edge scalars (zero, small, digit and carry boundaries, r - 1, ...) and
 * pseudo-random ones. */
START_TEST(test_fixedbase)
{
    enum { N = 40 };
    vr_g1_affine *t1 = malloc(VR_FB_ENTRIES * sizeof(*t1)), o1[N], e1;
    vr_g2_affine *t2 = malloc(VR_FB_ENTRIES * sizeof(*t2)), o2[N], e2;
    vr_fr k[N], x;
    uint64_t c[4];
    size_t n = 0;
    vr_g1 j1;
    vr_g2 j2;

    ck_assert(t1 && t2);
    vr_fb_table_g1(t1);
    vr_fb_table_g2(t2);
    static const uint64_t small[] = {0, 1, 2, 15, 16, 17, 31, 32, 33, 511,
        512, 0x10842108421084ULL, 0xffffffffffffffffULL};
    for (size_t i = 0; i < sizeof(small) / sizeof(small[0]); i++)
        vr_fr_from_u64(&k[n++], small[i]);
    vr_fr_neg(&k[n++], &vr_fr_one);                     /* r - 1 */
    vr_fr_from_u64(&x, 2);
    vr_fr_neg(&k[n++], &x);                             /* r - 2 */
    vr_fr_neg(&k[n++], &k[7]);                          /* r - 32 */
    vr_fr_half(&k[n++], &k[13]);                        /* (r - 1) / 2 */
    c[0] = c[1] = c[2] = 0;
    c[3] = (uint64_t)1 << 61;                           /* 2^253 */
    ck_assert_int_eq(vr_fr_from_canonical(&k[n++], c), VR_OK);
    c[0] = c[1] = c[2] = 0x8421084210842108ULL;         /* 16s everywhere */
    c[3] = 0x0421084210842108ULL;
    ck_assert_int_eq(vr_fr_from_canonical(&k[n++], c), VR_OK);
    vr_fr_from_u64(&x, 0x9e3779b97f4a7c15ULL);
    k[n] = x;
    for (n++; n < N; n++)
        vr_fr_mul(&k[n], &k[n - 1], &x);                /* x^i */
    ck_assert_int_eq(vr_fb_g1(o1, t1, k, NULL, N, 2), VR_OK);
    ck_assert_int_eq(vr_fb_g2(o2, t2, k, NULL, N, 2), VR_OK);
    for (size_t i = 0; i < N; i++) {
        vr_g1_mul(&j1, &vr_g1_generator, &k[i]);
        vr_g1_to_affine(&e1, &j1);
        ck_assert_msg(vr_g1_affine_eq(&o1[i], &e1), "G1 scalar %zu", i);
        vr_g2_mul(&j2, &vr_g2_generator, &k[i]);
        vr_g2_to_affine(&e2, &j2);
        ck_assert_msg(vr_g2_affine_eq(&o2[i], &e2), "G2 scalar %zu", i);
    }
    free(t1);
    free(t2);
}
END_TEST

/* The chain circuit t0 = x x, t_i = t_(i-1) x + i, y = t_(n-1) public. */
static void
chain(struct vr_r1cs *r, vr_fr **wout, long n)
{
    struct vr_lc a = {0}, b = {0}, c = {0};
    vr_fr *w, t;
    int64_t prev = 2, cur;

    vr_r1cs_init(r, 1, 0, 1);
    w = malloc(((size_t)n + 3) * sizeof(vr_fr));
    ck_assert_ptr_nonnull(w);
    w[0] = vr_fr_one;
    vr_fr_from_u64(&w[2], 7);
    for (long i = 0; i < n; i++) {
        cur = i == n - 1 ? 1 : vr_r1cs_alloc(r);
        vr_lc_clear(&a); vr_lc_clear(&b); vr_lc_clear(&c);
        vr_lc_add_i64(&a, (uint32_t)prev, 1);
        vr_lc_add_i64(&b, 2, 1);
        vr_lc_add_i64(&c, (uint32_t)cur, 1);
        vr_lc_add_i64(&c, 0, -(int64_t)i);
        ck_assert_int_eq(vr_r1cs_add(r, &a, &b, &c), VR_OK);
        vr_fr_from_u64(&t, (uint64_t)i);
        vr_fr_mul(&w[cur], &w[prev], &w[2]);
        vr_fr_add(&w[cur], &w[cur], &t);
        prev = cur;
    }
    vr_lc_free(&a); vr_lc_free(&b); vr_lc_free(&c);
    *wout = w;
}

static unsigned char *
make_ptau(size_t *len, uint32_t power, bool prepared, const vr_fr sec[6])
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(vr_ptau_new_toxic(f, power, prepared, sec, 2), VR_OK);
    ck_assert_int_eq(fclose(f), 0);
    return (unsigned char *)buf;
}

static void
secrets(vr_fr sec[6], uint64_t seed)
{
    for (int i = 0; i < 6; i++)
        vr_fr_from_u64(&sec[i], seed * 1000003u + (uint64_t)i * 7919u + 11);
}

/*
 * A key from our .ptau (power 5) and delta equals the circuit-specific
 * setup's key for the same tau, alpha, beta, gamma = 1 and delta: so the
 * Lagrange sections hold exactly L_j(tau) G1/G2, alpha L_j(tau) G1 and
 * beta L_j(tau) G1, and section 4-6's first points alpha, beta.
 */
START_TEST(test_ptau_is_setup)
{
    struct vr_r1cs r;
    struct vr_g16_pk pk, pk2;
    struct vr_g16_vk vk, vk2;
    vr_fr *w, sec[6], toxic[5], delta;
    unsigned char *buf;
    size_t len;

    chain(&r, &w, 12);                          /* domain 2^4 */
    secrets(sec, 1);
    vr_fr_from_u64(&delta, 424242);
    buf = make_ptau(&len, 5, true, sec);
    ck_assert_int_eq(vr_g16_setup_ptau_delta(&pk, &vk, &r, buf, len, &delta,
        1), VR_OK);
    toxic[0] = sec[0];
    toxic[1] = sec[1];
    toxic[2] = sec[2];
    toxic[3] = vr_fr_one;
    toxic[4] = delta;
    ck_assert_int_eq(vr_g16_setup_toxic(&pk2, &vk2, &r, toxic, 1), VR_OK);
    ck_assert_uint_eq(pk.n, pk2.n);
    ck_assert(vr_g1_affine_eq(&pk.alpha1, &pk2.alpha1));
    ck_assert(vr_g1_affine_eq(&pk.beta1, &pk2.beta1));
    ck_assert(vr_g2_affine_eq(&pk.beta2, &pk2.beta2));
    ck_assert(vr_g2_affine_eq(&pk.gamma2, &pk2.gamma2));
    ck_assert(vr_g2_affine_eq(&pk.delta2, &pk2.delta2));
    for (uint32_t i = 0; i < pk.nvars; i++) {
        ck_assert(vr_g1_affine_eq(&pk.a[i], &pk2.a[i]));
        ck_assert(vr_g1_affine_eq(&pk.b1[i], &pk2.b1[i]));
        ck_assert(vr_g2_affine_eq(&pk.b2[i], &pk2.b2[i]));
    }
    for (uint32_t i = 0; i <= pk.npublic; i++)
        ck_assert(vr_g1_affine_eq(&pk.ic[i], &pk2.ic[i]));
    for (uint32_t i = 0; i < pk.nvars - pk.npublic - 1; i++)
        ck_assert(vr_g1_affine_eq(&pk.c[i], &pk2.c[i]));
    for (uint32_t i = 0; i < pk.n; i++)
        ck_assert(vr_g1_affine_eq(&pk.h[i], &pk2.h[i]));
    vr_g16_pk_free(&pk);
    vr_g16_vk_free(&vk);
    vr_g16_pk_free(&pk2);
    vr_g16_vk_free(&vk2);
    free(buf);
    free(w);
    vr_r1cs_free(&r);
}
END_TEST

/* A circuit filling the whole power (its H uses the top domain, which
 * is snarkjs's padded one): a random-delta key proves and verifies, and
 * a raw file (no sections 12-15) is refused by the setup. */
START_TEST(test_ptau_full_domain)
{
    struct vr_r1cs r;
    struct vr_g16_pk pk;
    struct vr_g16_vk vk;
    struct vr_g16_pvk pvk;
    struct vr_g16_proof pi;
    vr_fr *w, sec[6];
    unsigned char *buf;
    size_t len;

    chain(&r, &w, 12);                          /* domain 2^4 */
    secrets(sec, 2);
    buf = make_ptau(&len, 4, true, sec);
    ck_assert_int_eq(vr_g16_setup_ptau(&pk, &vk, &r, buf, len, 2), VR_OK);
    ck_assert_int_eq(vr_g16_prove(&pi, &pk, w, r.nwires, 1), VR_OK);
    ck_assert_int_eq(vr_g16_prepare(&pvk, &vk), VR_OK);
    ck_assert_int_eq(vr_g16_verify(&pvk, &pi, w + 1, 1), VR_OK);
    ck_assert_int_eq(vr_g16_verify(&pvk, &pi, w + 2, 1), VR_EREJECT);
    vr_g16_pvk_free(&pvk);
    vr_g16_pk_free(&pk);
    vr_g16_vk_free(&vk);
    free(buf);
    buf = make_ptau(&len, 4, false, sec);
    ck_assert_int_eq(vr_g16_setup_ptau(&pk, &vk, &r, buf, len, 1),
        VR_EFORMAT);
    free(buf);
    // Power 3 is too small for this circuit.
    buf = make_ptau(&len, 3, true, sec);
    ck_assert_int_eq(vr_g16_setup_ptau(&pk, &vk, &r, buf, len, 1),
        VR_ERANGE);
    free(buf);
    free(w);
    vr_r1cs_free(&r);
}
END_TEST

START_TEST(test_ptau_args)
{
    vr_fr sec[6];
    struct stat st;
    FILE *f = fopen("/dev/null", "wb");

    ck_assert_ptr_nonnull(f);
    secrets(sec, 3);
    ck_assert_int_eq(vr_ptau_new_toxic(f, 0, true, sec, 1), VR_ERANGE);
    ck_assert_int_eq(vr_ptau_new_toxic(f, VR_PTAU_MAXPOWER + 1, true, sec,
        1), VR_ERANGE);
    vr_fr_from_u64(&sec[4], 0);
    ck_assert_int_eq(vr_ptau_new_toxic(f, 2, true, sec, 1), VR_ERANGE);
    secrets(sec, 3);
    vr_fr_root_of_unity(&sec[0], 3);        /* tau in the domain 2^3 */
    ck_assert_int_eq(vr_ptau_new_toxic(f, 2, true, sec, 1), VR_ERANGE);
    fclose(f);
    // Only on the real device: a regular file of that name would fill.
    if (stat("/dev/full", &st) == 0 && S_ISCHR(st.st_mode) &&
        (f = fopen("/dev/full", "wb")) != NULL) {
        ck_assert_int_eq(vr_ptau_new(f, 3, true, 1), VR_EIO);
        fclose(f);
    }
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("ptau");
    TCase *tc = tcase_create("ptau");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_blake2b);
    tcase_add_test(tc, test_fixedbase);
    tcase_add_test(tc, test_ptau_is_setup);
    tcase_add_test(tc, test_ptau_full_domain);
    tcase_add_test(tc, test_ptau_args);
    suite_add_tcase(s, tc);
    return s;
}

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int
main(int argc, char **argv)
{
    if (argc == 1)
        return vr_test_run(suite());
    if (strcmp(argv[1], "new") == 0 && argc >= 4 && argc <= 6) {
        long power = atol(argv[2]);
        int nt = argc >= 5 ? atoi(argv[4]) : 1;
        bool raw = argc == 6 && strcmp(argv[5], "raw") == 0;
        FILE *f;
        double t0;
        int rc;

        if (power < 1 || power > VR_PTAU_MAXPOWER || nt < 1 ||
            (argc == 6 && !raw)) {
            fprintf(stderr, "check_ptau: new: bad POWER, NTHREADS or mode\n");
            return VR_EXIT_USAGE;
        }
        if ((f = fopen(argv[3], "wb")) == NULL) {
            perror(argv[3]);
            return VR_EXIT_SYS;
        }
        t0 = now();
        rc = vr_ptau_new(f, (uint32_t)power, !raw, nt);
        if (fclose(f) != 0 && rc == VR_OK)
            rc = VR_EIO;
        if (rc != VR_OK) {
            fprintf(stderr, "check_ptau: %s: %s\n", argv[3], vr_strerror(rc));
            return vr_exit_code(rc);
        }
        fprintf(stderr, "check_ptau: ptau 2^%ld %.3f s\n", power, now() - t0);
        return 0;
    }
    fprintf(stderr, "usage: check_ptau [new POWER OUT [NTHREADS [raw]]]\n");
    return VR_EXIT_USAGE;
}
