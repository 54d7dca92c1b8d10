/*
 * final_exp.c: final exponentiation and the pairing entry points.
 *
 * (p^12 - 1)/r = (p^6 - 1)(p^2 + 1) * (p^4 - p^2 + 1)/r.  The easy part
 * is conj(f)/f then a Frobenius; the hard part raises to
 * s (p^4 - p^2 + 1)/r = l0 + l1 p + l2 p^2 + l3 p^3 with
 *   l0 = 12x^3 + 12x^2 + 6x + 1    l1 = 12x^3 + 6x^2 + 4x
 *   l2 = 12x^3 + 6x^2 + 6x         l3 = 12x^3 + 6x^2 + 4x - 1
 * (Fuentes-Castaneda, Knapp and Rodriguez-Henriquez, "Faster hashing to
 * G2", SAC 2011, sec. 6; the chain as in gnark-crypto), three
 * exponentiations by x plus Frobenius maps.  s = 2x(6x^2 + 3x + 1) is
 * the multiplier of the snarkjs convention (pairing.h).
 */
#include "vr.h"
#include "field/limb.h"
#include "pairing/pairing.h"

/* the BN seed x */
#define BN_X 0x44e992b44a6909f1ULL

/* r = a^x for a in the cyclotomic subgroup (binary, cyclotomic squares). */
static void
expt(vr_fp12 *r, const vr_fp12 *a)
{
    vr_fp12 acc = *a;

    for (int i = 61; i >= 0; i--) {         /* bit 62, the top one, is acc */
        vr_fp12_cyclotomic_sqr(&acc, &acc);
        if ((BN_X >> i) & 1)
            vr_fp12_mul(&acc, &acc, a);
    }
    *r = acc;
}

static void
easy_part(vr_fp12 *r, const vr_fp12 *f)
{
    vr_fp12 t, u;

    vr_fp12_inv(&t, f);
    vr_fp12_conj(&u, f);
    vr_fp12_mul(&u, &u, &t);                /* f^(p^6 - 1) */
    vr_fp12_frobenius(&t, &u, 2);
    vr_fp12_mul(r, &t, &u);                 /* ^(p^2 + 1) */
}

void
vr_pairing_final_exp(vr_fp12 *r, const vr_fp12 *f)
{
    vr_fp12 m, t0, t1, t2, t3, t4;

    easy_part(&m, f);
    // exponents of m in the comments; conj is the inverse from here on
    expt(&t0, &m);
    vr_fp12_conj(&t0, &t0);                 /* -x */
    vr_fp12_cyclotomic_sqr(&t0, &t0);       /* -2x */
    vr_fp12_cyclotomic_sqr(&t1, &t0);       /* -4x */
    vr_fp12_mul(&t1, &t0, &t1);             /* -6x */
    expt(&t2, &t1);
    vr_fp12_conj(&t2, &t2);                 /* 6x^2 */
    vr_fp12_conj(&t3, &t1);                 /* 6x */
    vr_fp12_mul(&t1, &t2, &t3);             /* 6x^2 + 6x */
    vr_fp12_cyclotomic_sqr(&t3, &t2);       /* 12x^2 */
    expt(&t4, &t3);                         /* 12x^3 */
    vr_fp12_mul(&t4, &t1, &t4);             /* 12x^3 + 6x^2 + 6x = l2 */
    vr_fp12_mul(&t3, &t0, &t4);             /* 12x^3 + 6x^2 + 4x = l1 */
    vr_fp12_mul(&t0, &t2, &t4);             /* 12x^3 + 12x^2 + 6x */
    vr_fp12_mul(&t0, &m, &t0);              /* l0 */
    vr_fp12_frobenius(&t2, &t3, 1);
    vr_fp12_mul(&t0, &t2, &t0);             /* + l1 p */
    vr_fp12_frobenius(&t2, &t4, 2);
    vr_fp12_mul(&t0, &t2, &t0);             /* + l2 p^2 */
    vr_fp12_conj(&t2, &m);
    vr_fp12_mul(&t2, &t2, &t3);             /* l1 - 1 = l3 */
    vr_fp12_frobenius(&t2, &t2, 3);
    vr_fp12_mul(r, &t2, &t0);               /* + l3 p^3 */
}

void
vr_pairing_final_exp_exact(vr_fp12 *r, const vr_fp12 *f)
{
    /* 1/s mod r: GT has order r, so (f^(s d))^(1/s) = f^d */
    static const uint64_t S_INV[4] = {
        0xb8ca0b2d36636f22, 0xcc37a73fec2bc5e9,
        0x048b6e193fd84104, 0x30644e72e131a029
    };
    vr_fp12 t;

    vr_pairing_final_exp(&t, f);
    vr_fp12_pow(r, &t, S_INV);
}

void
vr_pairing(vr_fp12 *r, const vr_g1_affine *p, const vr_g2_affine *q)
{
    vr_pairing_multi(r, p, q, 1);
}

void
vr_pairing_multi(vr_fp12 *r, const vr_g1_affine *p, const vr_g2_affine *q,
    size_t n)
{
    vr_fp12 f;

    vr_pairing_miller_loop(&f, p, q, n);
    vr_pairing_final_exp(r, &f);
}

bool
vr_pairing_check(const vr_g1_affine *p, const vr_g2_affine *q, size_t n)
{
    vr_fp12 r;

    vr_pairing_multi(&r, p, q, n);
    return vr_fp12_is_one(&r);
}
