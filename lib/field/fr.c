/*
 * fr.c: BN254 scalar field Fr, bound to the 4-limb routines of limb.h.
 * The code mirrors fp.c line for line except for the constants, the
 * square root (r - 1 has 2-adicity 28: Tonelli-Shanks) and the Fr-only
 * helpers at the end.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "vr.h"
#include "field/fr.h"
#include "field/limb.h"
#include "field/modinv.h"
#include "base/mem.h"

/* r, little-endian limbs */
const uint64_t vr_fr_modulus[4] = {
    0x43e1f593f0000001, 0x2833e84879b97091,
    0xb85045b68181585d, 0x30644e72e131a029
};
#define M vr_fr_modulus
/* -r^-1 mod 2^64 */
#define N0 VR_FR_N0

const vr_fr vr_fr_zero = {{0, 0, 0, 0}};
/* 2^256 mod r: 1 in Montgomery form */
const vr_fr vr_fr_one = {{
    0xac96341c4ffffffb, 0x36fc76959f60cd29,
    0x666ea36f7879462e, 0x0e0a77c19a07df2f
}};
/* 2^512 mod r: Montgomery-multiplying a plain value by it converts it in */
static const uint64_t R2[4] = {
    0x1bb8e645ae216da7, 0x53fe3ab1e35c59e3,
    0x8c49833d53bb8085, 0x0216d0b17f4e44a5
};
/* 2^768 mod r: turns the plain inverse of a Montgomery value into
 * Montgomery form (inv_var) */
static const uint64_t R3[4] = {
    0x5e94d8e1b4bf0040, 0x2a489cbe1cfbb6b8,
    0x893cc664a19fcfed, 0x0cf8594b7fcc657c
};
/* r - 2: Fermat's exponent for the inverse */
static const uint64_t P_MINUS_2[4] = {
    0x43e1f593efffffff, 0x2833e84879b97091,
    0xb85045b68181585d, 0x30644e72e131a029
};
/* (r - 1) / 2: Euler's criterion */
static const uint64_t P_MINUS_1_DIV_2[4] = {
    0xa1f0fac9f8000000, 0x9419f4243cdcb848,
    0xdc2822db40c0ac2e, 0x183227397098d014
};
/* (t - 1) / 2 with t = (r - 1) / 2^28 odd: Tonelli-Shanks' first power */
static const uint64_t T_MINUS_1_DIV_2[4] = {
    0xcdcb848a1f0fac9f, 0x0c0ac2e9419f4243,
    0x098d014dc2822db4, 0x0000000183227397
};
/* omega_28 = 5^t, a primitive 2^28-th root of unity, Montgomery form */
static const vr_fr OMEGA_28 = {{
    0x636e735580d13d9c, 0xa22bf3742445ffd6,
    0x56452ac01eb203d8, 0x1860ef942963f9e7
}};

#define VERIFY_REDUCED(a) VR_VERIFY_CHECK(vr_limb_lt((a)->l, M))

void
vr_fr_add(vr_fr *r, const vr_fr *a, const vr_fr *b)
{
    VERIFY_REDUCED(a);
    VERIFY_REDUCED(b);
    vr_limb_add_mod(r->l, a->l, b->l, M);
    VERIFY_REDUCED(r);
}

void
vr_fr_sub(vr_fr *r, const vr_fr *a, const vr_fr *b)
{
    VERIFY_REDUCED(a);
    VERIFY_REDUCED(b);
    vr_limb_sub_mod(r->l, a->l, b->l, M);
    VERIFY_REDUCED(r);
}

void
vr_fr_neg(vr_fr *r, const vr_fr *a)
{
    VERIFY_REDUCED(a);
    vr_limb_neg_mod(r->l, a->l, M);
    VERIFY_REDUCED(r);
}

void
vr_fr_dbl(vr_fr *r, const vr_fr *a)
{
    VERIFY_REDUCED(a);
    vr_limb_add_mod(r->l, a->l, a->l, M);
    VERIFY_REDUCED(r);
}

void
vr_fr_half(vr_fr *r, const vr_fr *a)
{
    VERIFY_REDUCED(a);
    vr_limb_half_mod(r->l, a->l, M);
    VERIFY_REDUCED(r);
}

void
vr_fr_mul(vr_fr *r, const vr_fr *a, const vr_fr *b)
{
    VERIFY_REDUCED(a);
    VERIFY_REDUCED(b);
    vr_limb_mont_mul(r->l, a->l, b->l, M, N0);
    VERIFY_REDUCED(r);
}

void
vr_fr_sqr(vr_fr *r, const vr_fr *a)
{
    VERIFY_REDUCED(a);
    vr_limb_mont_sqr(r->l, a->l, M, N0);
    VERIFY_REDUCED(r);
}

void
vr_fr_pow(vr_fr *r, const vr_fr *a, const uint64_t e[4])
{
    vr_fr table[16], acc = vr_fr_one, t;

    // table[i] = a^i, read back by a masked scan so that the window value
    // (part of e) selects no address.
    table[0] = vr_fr_one;
    for (int i = 1; i < 16; i++)
        vr_fr_mul(&table[i], &table[i - 1], a);
    for (int w = 63; w >= 0; w--) {
        uint64_t nib = (e[w >> 4] >> ((w & 15) * 4)) & 15;
        for (int k = 0; k < 4; k++)
            vr_fr_sqr(&acc, &acc);
        t = table[0];
        for (uint64_t i = 1; i < 16; i++)
            vr_limb_cmov(t.l, table[i].l, vr_limb_is_zero_word(i ^ nib));
        vr_fr_mul(&acc, &acc, &t);
    }
    *r = acc;
    // a or e may be secret (Fermat inverse of a witness, a private power)
    vr_memzero_explicit(table, sizeof(table));
    vr_memzero_explicit(&acc, sizeof(acc));
    vr_memzero_explicit(&t, sizeof(t));
}

void
vr_fr_inv(vr_fr *r, const vr_fr *a)
{
    vr_fr_pow(r, a, P_MINUS_2);
}

int
vr_fr_inv_var(vr_fr *r, const vr_fr *a)
{
    // A = the Montgomery limbs of a (= aR) as a plain integer: A^-1 =
    // a^-1 R^-1 by safegcd (modinv.c), and one Montgomery product with R^3
    // gives a^-1 R, the Montgomery form of 1/a.
    uint64_t x[4];

    VERIFY_REDUCED(a);
    if (vr_limb_is_zero(a->l)) {
        *r = vr_fr_zero;
        return VR_ERANGE;
    }
    vr_modinv_var(x, a->l, &vr_modinv_r);
    vr_limb_mont_mul(r->l, x, R3, M, N0);
    VERIFY_REDUCED(r);
    return VR_OK;
}

int
vr_fr_sqrt(vr_fr *r, const vr_fr *a)
{
    // Constant-time Tonelli-Shanks, RFC 9380 appendix I.4, with
    // c1 = 28, c3 = (t-1)/2, c5 = 5^t = omega_28 (5 is a non-residue).
    // Loop bounds are fixed; the data only steers masked selects.
    vr_fr z, t, b, c = OMEGA_28, zt, tt, chk;

    vr_fr_pow(&z, a, T_MINUS_1_DIV_2);      /* z = a^((t-1)/2) */
    vr_fr_sqr(&t, &z);
    vr_fr_mul(&t, &t, a);                   /* t = a^t */
    vr_fr_mul(&z, &z, a);                   /* z = a^((t+1)/2) */
    b = t;
    for (int i = VR_FR_TWO_ADICITY; i >= 2; i--) {
        for (int j = 1; j <= i - 2; j++)
            vr_fr_sqr(&b, &b);
        int e = vr_fr_is_one(&b);           /* b = t^(2^(i-2)) == 1 */
        vr_fr_mul(&zt, &z, &c);
        vr_fr_cmov(&z, &zt, !e);
        vr_fr_sqr(&c, &c);
        vr_fr_mul(&tt, &t, &c);
        vr_fr_cmov(&t, &tt, !e);
        b = t;
    }
    vr_fr_sqr(&chk, &z);
    *r = z;
    return VR_ERANGE * (int)(vr_limb_eq(chk.l, a->l) ^ 1);
}

bool
vr_fr_is_square(const vr_fr *a)
{
    vr_fr e;

    vr_fr_pow(&e, a, P_MINUS_1_DIV_2);
    return (vr_limb_eq(e.l, vr_fr_one.l) | vr_limb_is_zero(a->l)) != 0;
}

bool
vr_fr_is_zero(const vr_fr *a)
{
    return vr_limb_is_zero(a->l) != 0;
}

bool
vr_fr_is_one(const vr_fr *a)
{
    return vr_limb_eq(a->l, vr_fr_one.l) != 0;
}

bool
vr_fr_eq(const vr_fr *a, const vr_fr *b)
{
    return vr_limb_eq(a->l, b->l) != 0;
}

void
vr_fr_cmov(vr_fr *r, const vr_fr *a, int flag)
{
    vr_limb_cmov(r->l, a->l, (uint64_t)(flag != 0));
}

bool
vr_fr_is_odd(const vr_fr *a)
{
    uint64_t c[4];

    vr_fr_to_canonical(c, a);
    return c[0] & 1;
}

void
vr_fr_from_u64(vr_fr *r, uint64_t v)
{
    uint64_t t[4] = {v, 0, 0, 0};

    /* v < 2^64 < r: always canonical */
    vr_limb_mont_mul(r->l, t, R2, M, N0);
}

int
vr_fr_from_canonical(vr_fr *r, const uint64_t in[4])
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
vr_fr_to_canonical(uint64_t out[4], const vr_fr *a)
{
    static const uint64_t one[4] = {1, 0, 0, 0};

    VERIFY_REDUCED(a);
    /* a R * 1 * R^-1 = a, and the product is < r */
    vr_limb_mont_mul(out, a->l, one, M, N0);
}

int
vr_fr_from_bytes_be(vr_fr *r, const unsigned char in[32])
{
    uint64_t t[4];

    vr_limb_from_be(t, in);
    return vr_fr_from_canonical(r, t);
}

void
vr_fr_to_bytes_be(unsigned char out[32], const vr_fr *a)
{
    uint64_t t[4];

    vr_fr_to_canonical(t, a);
    vr_limb_to_be(out, t);
}

int
vr_fr_from_bytes_le(vr_fr *r, const unsigned char in[32])
{
    uint64_t t[4];

    vr_limb_from_le(t, in);
    return vr_fr_from_canonical(r, t);
}

void
vr_fr_to_bytes_le(unsigned char out[32], const vr_fr *a)
{
    uint64_t t[4];

    vr_fr_to_canonical(t, a);
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
batch_inv_block(vr_fr *out, const vr_fr *in, vr_fr *pre, size_t n)
{
    vr_fr acc = vr_fr_one, t;

    for (size_t i = 0; i < n; i++) {
        pre[i] = acc;
        if (!vr_fr_is_zero(&in[i]))
            vr_fr_mul(&acc, &acc, &in[i]);
    }
    vr_fr_inv_var(&acc, &acc);
    for (size_t i = n; i-- > 0;) {
        if (vr_fr_is_zero(&in[i])) {
            out[i] = vr_fr_zero;
            continue;
        }
        vr_fr_mul(&t, &acc, &pre[i]);
        vr_fr_mul(&acc, &acc, &in[i]);
        out[i] = t;
    }
}

void
vr_fr_batch_inv_var(vr_fr *out, const vr_fr *in, size_t n)
{
    enum { BLOCK = 256 };
    vr_fr pre[BLOCK];

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

void
vr_fr_from_i64(vr_fr *r, int64_t v)
{
    // Witness values (quantized weights, activations) are secret and may
    // be negative: no branch on the sign.  |v| = (v ^ s) - s with s the
    // sign mask (also right for INT64_MIN), then a masked negation.
    uint64_t sign = (uint64_t)v >> 63, s = vr_limb_mask(sign);
    uint64_t mag = ((uint64_t)v ^ s) - s;
    vr_fr n;

    vr_fr_from_u64(r, mag);
    vr_fr_neg(&n, r);
    vr_fr_cmov(r, &n, (int)sign);
}

int
vr_fr_root_of_unity(vr_fr *w, int log2n)
{
    vr_fr t = OMEGA_28;

    if (log2n < 0 || log2n > VR_FR_TWO_ADICITY)
        return VR_ERANGE;
    for (int i = log2n; i < VR_FR_TWO_ADICITY; i++)
        vr_fr_sqr(&t, &t);
    *w = t;
    return VR_OK;
}

int
vr_fr_random(vr_fr *r)
{
    unsigned char buf[32];
    uint64_t t[4];

    // r has 254 bits, so a 254-bit candidate is accepted with probability
    // r / 2^254 > 0.3: few rounds on average, and the result is uniform.
    for (;;) {
        size_t got = 0;
        while (got < sizeof(buf)) {
            ssize_t n = getrandom(buf + got, sizeof(buf) - got, 0);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                vr_memzero_explicit(buf, sizeof(buf));
                return VR_EIO;
            }
            got += (size_t)n;
        }
        vr_limb_from_le(t, buf);
        t[3] &= 0x3fffffffffffffffULL;
        if (vr_limb_lt(t, M))
            break;
    }
    vr_limb_mont_mul(r->l, t, R2, M, N0);
    vr_memzero_explicit(buf, sizeof(buf));
    vr_memzero_explicit(t, sizeof(t));
    return VR_OK;
}
