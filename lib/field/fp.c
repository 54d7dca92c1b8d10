/*
 * fp.c: BN254 base field Fp, bound to the 4-limb routines of limb.h.
 * fr.c is the same code bound to r (kept as a separate file so that each
 * reads on its own; the differences are the constants, sqrt and the
 * Fr-only helpers).
 */
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "field/fp.h"
#include "field/limb.h"
#include "field/modinv.h"

/* p, little-endian limbs */
const uint64_t vr_fp_modulus[4] = {
    0x3c208c16d87cfd47, 0x97816a916871ca8d,
    0xb85045b68181585d, 0x30644e72e131a029
};
#define M vr_fp_modulus
/* -p^-1 mod 2^64 */
#define N0 VR_FP_N0

const vr_fp vr_fp_zero = {{0, 0, 0, 0}};
/* 2^256 mod p: 1 in Montgomery form */
const vr_fp vr_fp_one = {{
    0xd35d438dc58f0d9d, 0x0a78eb28f5c70b3d,
    0x666ea36f7879462c, 0x0e0a77c19a07df2f
}};
/* 2^512 mod p: Montgomery-multiplying a plain value by it converts it in */
static const uint64_t R2[4] = {
    0xf32cfc5b538afa89, 0xb5e71911d44501fb,
    0x47ab1eff0a417ff6, 0x06d89f71cab8351f
};
/* 2^768 mod p: turns the plain inverse of a Montgomery value into
 * Montgomery form (inv_var) */
static const uint64_t R3[4] = {
    0xb1cd6dafda1530df, 0x62f210e6a7283db6,
    0xef7f0b0c0ada0afb, 0x20fd6e902d592544
};
/* p - 2: Fermat's exponent for the inverse */
static const uint64_t P_MINUS_2[4] = {
    0x3c208c16d87cfd45, 0x97816a916871ca8d,
    0xb85045b68181585d, 0x30644e72e131a029
};
/* (p + 1) / 4: a^((p+1)/4) is a square root of a when one exists */
static const uint64_t P_PLUS_1_DIV_4[4] = {
    0x4f082305b61f3f52, 0x65e05aa45a1c72a3,
    0x6e14116da0605617, 0x0c19139cb84c680a
};
/* (p - 1) / 2: Euler's criterion */
static const uint64_t P_MINUS_1_DIV_2[4] = {
    0x9e10460b6c3e7ea3, 0xcbc0b548b438e546,
    0xdc2822db40c0ac2e, 0x183227397098d014
};

#define VERIFY_REDUCED(a) VR_VERIFY_CHECK(vr_limb_lt((a)->l, M))

void
vr_fp_add(vr_fp *r, const vr_fp *a, const vr_fp *b)
{
    VERIFY_REDUCED(a);
    VERIFY_REDUCED(b);
    vr_limb_add_mod(r->l, a->l, b->l, M);
    VERIFY_REDUCED(r);
}

void
vr_fp_sub(vr_fp *r, const vr_fp *a, const vr_fp *b)
{
    VERIFY_REDUCED(a);
    VERIFY_REDUCED(b);
    vr_limb_sub_mod(r->l, a->l, b->l, M);
    VERIFY_REDUCED(r);
}

void
vr_fp_neg(vr_fp *r, const vr_fp *a)
{
    VERIFY_REDUCED(a);
    vr_limb_neg_mod(r->l, a->l, M);
    VERIFY_REDUCED(r);
}

void
vr_fp_dbl(vr_fp *r, const vr_fp *a)
{
    VERIFY_REDUCED(a);
    vr_limb_add_mod(r->l, a->l, a->l, M);
    VERIFY_REDUCED(r);
}

void
vr_fp_half(vr_fp *r, const vr_fp *a)
{
    VERIFY_REDUCED(a);
    vr_limb_half_mod(r->l, a->l, M);
    VERIFY_REDUCED(r);
}

void
vr_fp_mul(vr_fp *r, const vr_fp *a, const vr_fp *b)
{
    VERIFY_REDUCED(a);
    VERIFY_REDUCED(b);
    vr_limb_mont_mul(r->l, a->l, b->l, M, N0);
    VERIFY_REDUCED(r);
}

void
vr_fp_sqr(vr_fp *r, const vr_fp *a)
{
    VERIFY_REDUCED(a);
    vr_limb_mont_sqr(r->l, a->l, M, N0);
    VERIFY_REDUCED(r);
}

void
vr_fp_pow(vr_fp *r, const vr_fp *a, const uint64_t e[4])
{
    vr_fp table[16], acc = vr_fp_one, t;

    // table[i] = a^i, read back by a masked scan so that the window value
    // (part of e) selects no address.
    table[0] = vr_fp_one;
    for (int i = 1; i < 16; i++)
        vr_fp_mul(&table[i], &table[i - 1], a);
    for (int w = 63; w >= 0; w--) {
        uint64_t nib = (e[w >> 4] >> ((w & 15) * 4)) & 15;
        for (int k = 0; k < 4; k++)
            vr_fp_sqr(&acc, &acc);
        t = table[0];
        for (uint64_t i = 1; i < 16; i++)
            vr_limb_cmov(t.l, table[i].l, vr_limb_is_zero_word(i ^ nib));
        vr_fp_mul(&acc, &acc, &t);
    }
    *r = acc;
    // a or e may be secret (Fermat inverse of a witness, a private power)
    vr_memzero_explicit(table, sizeof(table));
    vr_memzero_explicit(&acc, sizeof(acc));
    vr_memzero_explicit(&t, sizeof(t));
}

void
vr_fp_inv(vr_fp *r, const vr_fp *a)
{
    vr_fp_pow(r, a, P_MINUS_2);
}

int
vr_fp_inv_var(vr_fp *r, const vr_fp *a)
{
    // A = the Montgomery limbs of a (= aR) as a plain integer: A^-1 =
    // a^-1 R^-1 by safegcd (modinv.c), and one Montgomery product with R^3
    // gives a^-1 R, the Montgomery form of 1/a.
    uint64_t x[4];

    VERIFY_REDUCED(a);
    if (vr_limb_is_zero(a->l)) {
        *r = vr_fp_zero;
        return VR_ERANGE;
    }
    vr_modinv_var(x, a->l, &vr_modinv_p);
    vr_limb_mont_mul(r->l, x, R3, M, N0);
    VERIFY_REDUCED(r);
    return VR_OK;
}

int
vr_fp_sqrt(vr_fp *r, const vr_fp *a)
{
    vr_fp s, c;

    vr_fp_pow(&s, a, P_PLUS_1_DIV_4);
    vr_fp_sqr(&c, &s);
    *r = s;
    return VR_ERANGE * (int)(vr_limb_eq(c.l, a->l) ^ 1);
}

bool
vr_fp_is_square(const vr_fp *a)
{
    vr_fp e;

    vr_fp_pow(&e, a, P_MINUS_1_DIV_2);
    return (vr_limb_eq(e.l, vr_fp_one.l) | vr_limb_is_zero(a->l)) != 0;
}

bool
vr_fp_is_zero(const vr_fp *a)
{
    return vr_limb_is_zero(a->l) != 0;
}

bool
vr_fp_is_one(const vr_fp *a)
{
    return vr_limb_eq(a->l, vr_fp_one.l) != 0;
}

bool
vr_fp_eq(const vr_fp *a, const vr_fp *b)
{
    return vr_limb_eq(a->l, b->l) != 0;
}

void
vr_fp_cmov(vr_fp *r, const vr_fp *a, int flag)
{
    vr_limb_cmov(r->l, a->l, (uint64_t)(flag != 0));
}

bool
vr_fp_is_odd(const vr_fp *a)
{
    uint64_t c[4];

    vr_fp_to_canonical(c, a);
    return c[0] & 1;
}

void
vr_fp_from_u64(vr_fp *r, uint64_t v)
{
    uint64_t t[4] = {v, 0, 0, 0};

    /* v < 2^64 < p: always canonical */
    vr_limb_mont_mul(r->l, t, R2, M, N0);
}

int
vr_fp_from_canonical(vr_fp *r, const uint64_t in[4])
{
    // No branch on in (a secret may come this way): convert always, zero
    // the result unless in < m, and turn the flag into the status
    // arithmetically.
    uint64_t t[4], ok = vr_limb_lt(in, M), mask = vr_limb_mask(ok);

    vr_limb_mont_mul(t, in, R2, M, N0);
    r->l[0] = t[0] & mask;
    r->l[1] = t[1] & mask;
    r->l[2] = t[2] & mask;
    r->l[3] = t[3] & mask;
    return VR_EFORMAT * (int)(ok ^ 1);
}

void
vr_fp_to_canonical(uint64_t out[4], const vr_fp *a)
{
    static const uint64_t one[4] = {1, 0, 0, 0};

    VERIFY_REDUCED(a);
    /* a R * 1 * R^-1 = a, and the product is < p */
    vr_limb_mont_mul(out, a->l, one, M, N0);
}

int
vr_fp_from_bytes_be(vr_fp *r, const unsigned char in[32])
{
    uint64_t t[4];

    vr_limb_from_be(t, in);
    return vr_fp_from_canonical(r, t);
}

void
vr_fp_to_bytes_be(unsigned char out[32], const vr_fp *a)
{
    uint64_t t[4];

    vr_fp_to_canonical(t, a);
    vr_limb_to_be(out, t);
}

int
vr_fp_from_bytes_le(vr_fp *r, const unsigned char in[32])
{
    uint64_t t[4];

    vr_limb_from_le(t, in);
    return vr_fp_from_canonical(r, t);
}

void
vr_fp_to_bytes_le(unsigned char out[32], const vr_fp *a)
{
    uint64_t t[4];

    vr_fp_to_canonical(t, a);
    vr_limb_to_le(out, t);
}

/*
 * Montgomery's trick on in[0..n) with prefix products in pre[0..n):
 *   pre[i] = product of the nonzero in[j], j < i     (exclusive prefix)
 *   acc    = 1 / (product of all nonzero in[j])
 *   going down: out[i] = acc * pre[i], then acc *= in[i]
 * pre may be out (then in must not alias out).
 */
static void
batch_inv_block(vr_fp *out, const vr_fp *in, vr_fp *pre, size_t n)
{
    vr_fp acc = vr_fp_one, t;

    for (size_t i = 0; i < n; i++) {
        pre[i] = acc;
        if (!vr_fp_is_zero(&in[i]))
            vr_fp_mul(&acc, &acc, &in[i]);
    }
    vr_fp_inv_var(&acc, &acc);
    for (size_t i = n; i-- > 0;) {
        if (vr_fp_is_zero(&in[i])) {
            out[i] = vr_fp_zero;
            continue;
        }
        vr_fp_mul(&t, &acc, &pre[i]);
        vr_fp_mul(&acc, &acc, &in[i]);
        out[i] = t;
    }
}

void
vr_fp_batch_inv_var(vr_fp *out, const vr_fp *in, size_t n)
{
    enum { BLOCK = 256 };
    vr_fp pre[BLOCK];

    if (out != in) {
        batch_inv_block(out, in, out, n);
        return;
    }
    // In place: in[i] is still needed on the way down, so the prefixes go
    // to the stack, one inversion per block of 256 (about 10% extra).
    for (size_t i = 0; i < n; i += BLOCK) {
        size_t m = n - i < BLOCK ? n - i : BLOCK;
        batch_inv_block(out + i, in + i, pre, m);
    }
}
