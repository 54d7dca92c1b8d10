/*
 * Unit tests for lib/field/fpv.h and fp2v.h, the eight-lane AVX-512 IFMA
 * arithmetic of the MSMs: every routine against the scalar code, lane by
 * lane, on random operands and on the edges (0, 1, p-1, p-2, limbs all
 * ones, 2^k).  The product is a b 2^-260, so 16 times it must equal
 * fp.c's a b 2^-256.  Built without IFMA the header is empty and so is
 * the suite (0 checks); check_msm then covers the scalar path.
 */
#include <stdio.h>
#include <string.h>

#include "util_test.h"
#include "vr.h"
#include "field/fp.h"
#include "field/fp2.h"
#include "field/fp2v.h"
#include "field/fpv.h"
#include "field/limb.h"

#ifdef VR_FPV

/* An element below p: random most of the time, else an edge value. */
static void
operand(vr_fp *r, uint64_t *s)
{
    static const uint64_t one[4] = {1, 0, 0, 0};
    const uint64_t *p = vr_fp_modulus;
    uint64_t k = vr_test_next(s) % 12;

    memset(r->l, 0, sizeof(r->l));
    switch (k) {
    case 0:
        return;
    case 1:
        r->l[0] = 1;
        return;
    case 2:
        vr_limb_sub_raw(r->l, p, one);
        return;
    case 3:
        vr_limb_sub_raw(r->l, p, one);
        vr_limb_sub_raw(r->l, r->l, one);
        return;
    case 4:                     /* 2^252 - 1: every 52-bit limb all ones */
        r->l[0] = r->l[1] = r->l[2] = ~0ULL;
        r->l[3] = 0x0fffffffffffffffULL;
        return;
    case 5: {
        unsigned b = (unsigned)(vr_test_next(s) % 253);
        r->l[b / 64] = (uint64_t)1 << (b % 64);
        return;
    }
    default:
        for (int i = 0; i < 4; i++)
            r->l[i] = vr_test_next(s);
        r->l[3] &= 0x3fffffffffffffffULL;
        while (!vr_limb_lt(r->l, p))
            r->l[3] >>= 1;
        return;
    }
}

static void
times16(vr_fp *r)
{
    for (int i = 0; i < 4; i++)
        vr_limb_add_mod(r->l, r->l, r->l, vr_fp_modulus);
}

static void
ck_fp_eq(const vr_fp *got, const vr_fp *want, const char *what, int lane)
{
    if (memcmp(got->l, want->l, sizeof(got->l)) != 0)
        ck_abort_msg("%s: lane %d differs: %016llx.. want %016llx..", what,
            lane, (unsigned long long)got->l[3],
            (unsigned long long)want->l[3]);
}

START_TEST(test_arith)
{
    uint64_t s = vr_test_seed() + 5;
    long iters = vr_test_iters(2000);
    vr_fp a[8], b[8], r[8], w;
    vr_fpv va, vb, vr;

    for (long it = 0; it < iters; it++) {
        for (int i = 0; i < 8; i++) {
            operand(&a[i], &s);
            operand(&b[i], &s);
        }
        vr_fpv_load(&va, a);
        vr_fpv_load(&vb, b);
        vr_fpv_store(r, &va);
        for (int i = 0; i < 8; i++)
            ck_fp_eq(&r[i], &a[i], "load/store", i);

        vr_fpv_mul(&vr, &va, &vb);
        vr_fpv_store(r, &vr);
        for (int i = 0; i < 8; i++) {
            times16(&r[i]);
            vr_fp_mul(&w, &a[i], &b[i]);
            ck_fp_eq(&r[i], &w, "mul", i);
        }
        vr_fpv_mul(&vr, &va, &va);     /* squares, aliased operands */
        vr_fpv_store(r, &vr);
        for (int i = 0; i < 8; i++) {
            times16(&r[i]);
            vr_fp_sqr(&w, &a[i]);
            ck_fp_eq(&r[i], &w, "sqr", i);
        }
        vr_fpv_add(&vr, &va, &vb);
        vr_fpv_store(r, &vr);
        for (int i = 0; i < 8; i++) {
            vr_fp_add(&w, &a[i], &b[i]);
            ck_fp_eq(&r[i], &w, "add", i);
        }
        vr_fpv_sub(&vr, &va, &vb);
        vr_fpv_store(r, &vr);
        for (int i = 0; i < 8; i++) {
            vr_fp_sub(&w, &a[i], &b[i]);
            ck_fp_eq(&r[i], &w, "sub", i);
        }
        vr_fpv_sub(&vr, &vb, &va);
        vr_fpv_store(r, &vr);
        for (int i = 0; i < 8; i++) {
            vr_fp_sub(&w, &b[i], &a[i]);
            ck_fp_eq(&r[i], &w, "sub (swapped)", i);
        }
    }
}
END_TEST

/* A chain of products stays reduced: x <- x * y a thousand times. */
START_TEST(test_chain)
{
    uint64_t s = vr_test_seed() + 6;
    vr_fp a[8], b[8], r[8], w[8];
    vr_fp sixteenth;            /* 2^-4 in fp.c's domain */
    vr_fpv va, vb;

    vr_fp_from_u64(&sixteenth, 16);
    ck_assert_int_eq(vr_fp_inv_var(&sixteenth, &sixteenth), VR_OK);
    for (int i = 0; i < 8; i++) {
        operand(&a[i], &s);
        operand(&b[i], &s);
        w[i] = a[i];
    }
    vr_fpv_load(&va, a);
    vr_fpv_load(&vb, b);
    for (int it = 0; it < 1000; it++) {
        vr_fpv_mul(&va, &va, &vb);
        for (int i = 0; i < 8; i++) {
            vr_fp_mul(&w[i], &w[i], &b[i]);
            vr_fp_mul(&w[i], &w[i], &sixteenth);
        }
    }
    vr_fpv_store(r, &va);
    for (int i = 0; i < 8; i++)
        ck_fp_eq(&r[i], &w[i], "chain", i);
}
END_TEST

static void **
dst_all(void *dst[8], vr_fp out[8][2])
{
    for (int i = 0; i < 8; i++)
        dst[i] = out[i];
    return dst;
}

/* Pairs of elements behind pointers, as the MSM loads affine points. */
START_TEST(test_pairs)
{
    uint64_t s = vr_test_seed() + 7;
    vr_fp rec[8][2], out[8][2], junk[2];
    const void *in[8];
    void *dst[8];
    vr_fpv x, y;

    for (int i = 0; i < 8; i++) {
        operand(&rec[i][0], &s);
        operand(&rec[i][1], &s);
        in[i] = rec[7 - i];
    }
    vr_fpv_load_firsts(&y, in);
    vr_fpv_store_pairs(dst_all(dst, out), 8, &y, &y);
    for (int i = 0; i < 8; i++)
        ck_fp_eq(&out[i][0], &rec[7 - i][0], "firsts", i);
    vr_fpv_load_pairs(&x, &y, in);
    for (int n = 0; n <= 8; n++) {
        memset(out, 0xa5, sizeof(out));
        memcpy(junk, out[0], sizeof(junk));
        for (int i = 0; i < 8; i++)
            dst[i] = out[i];
        vr_fpv_store_pairs(dst, n, &x, &y);
        for (int i = 0; i < 8; i++) {
            if (i < n) {
                ck_fp_eq(&out[i][0], &rec[7 - i][0], "pair x", i);
                ck_fp_eq(&out[i][1], &rec[7 - i][1], "pair y", i);
            } else {
                ck_assert(memcmp(out[i], junk, sizeof(junk)) == 0);
            }
        }
    }
}
END_TEST

/* Fp2 lanes: the product against fp2.c's (times 16 per coefficient). */
START_TEST(test_fp2)
{
    uint64_t s = vr_test_seed() + 8;
    vr_fp2 a[8], b[8], r[8], w;
    vr_fp2v va, vb, vr;

    for (long it = 0; it < vr_test_iters(1000); it++) {
        for (int i = 0; i < 8; i++) {
            operand(&a[i].c0, &s);
            operand(&a[i].c1, &s);
            operand(&b[i].c0, &s);
            operand(&b[i].c1, &s);
        }
        vr_fp2v_load(&va, a);
        vr_fp2v_load(&vb, b);
        vr_fp2v_store(r, &va);
        for (int i = 0; i < 8; i++) {
            ck_fp_eq(&r[i].c0, &a[i].c0, "fp2 load/store c0", i);
            ck_fp_eq(&r[i].c1, &a[i].c1, "fp2 load/store c1", i);
        }
        vr_fp2v_mul(&vr, &va, &vb);
        vr_fp2v_store(r, &vr);
        for (int i = 0; i < 8; i++) {
            times16(&r[i].c0);
            times16(&r[i].c1);
            vr_fp2_mul(&w, &a[i], &b[i]);
            ck_fp_eq(&r[i].c0, &w.c0, "fp2 mul c0", i);
            ck_fp_eq(&r[i].c1, &w.c1, "fp2 mul c1", i);
        }
        vr_fp2v_sub(&vr, &va, &vb);
        vr_fp2v_store(r, &vr);
        for (int i = 0; i < 8; i++) {
            vr_fp2_sub(&w, &a[i], &b[i]);
            ck_fp_eq(&r[i].c0, &w.c0, "fp2 sub c0", i);
            ck_fp_eq(&r[i].c1, &w.c1, "fp2 sub c1", i);
        }
    }
}
END_TEST

static Suite *
fpv_suite(void)
{
    Suite *s = suite_create("fpv");
    TCase *tc = tcase_create("lanes");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_arith);
    tcase_add_test(tc, test_chain);
    tcase_add_test(tc, test_pairs);
    tcase_add_test(tc, test_fp2);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vr_test_run(fpv_suite());
}

#else

/* Not built for IFMA: no lanes to test, an empty suite (0 checks). */
int
main(void)
{
    printf("check_fpv: not built for AVX-512 IFMA, nothing to test\n");
    return vr_test_run(suite_create("fpv"));
}

#endif
