/*
 * ptaugen.c: a single-party powers of tau as a snarkjs .ptau (ptau.h).
 *
 * The transcript follows snarkjs 0.7.6 (powersoftau_new.js,
 * powersoftau_contribute.js, keypair.js, powersoftau_verify.js) as if
 * `powersoftau new` were followed by one `contribute` and, when asked,
 * `prepare phase2`: every point of the file is a known scalar times a
 * generator, so rather than update 2^power points one party at a time we
 * compute the scalars (powers of tau, Lagrange values at tau) and
 * multiply the generators by them with the fixed-base tables of
 * fixedbase.c, on threads.
 *
 * Encodings the hashes see (ffjavascript/wasmcurves): "U" uncompressed =
 * big-endian canonical x then y (G2 coordinates as c1 then c0), "C"
 * compressed = big-endian x with bit 0x80 of the first byte set when y
 * is "negative" (canonical value above (p-1)/2; in Fp2 the sign of c1,
 * or of c0 when c1 = 0).
 */
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "curve/g1.h"
#include "curve/g2.h"
#include "field/fp2.h"
#include "snark/internal.h"
#include "snark/ptau.h"

/* (p-1)/2, limbs */
static const uint64_t half_p[4] = {
    0x9e10460b6c3e7ea3, 0xcbc0b548b438e546, 0xdc2822db40c0ac2e,
    0x183227397098d014,
};
/* The cofactor of G2 in the twist, 2p - r (ffjavascript's cofactorG2). */
static const uint64_t cofactor_g2[4] = {
    0x345f2299c0f9fa8d, 0x06ceecda572a2489, 0xb85045b68181585e,
    0x30644e72e131a029,
};

/* 1 if a's canonical value exceeds (p-1)/2 (wasmcurves' sign -1). */
static int
fp_negative(const vr_fp *a)
{
    uint64_t c[4];

    vr_fp_to_canonical(c, a);
    for (int i = 3; i >= 0; i--)
        if (c[i] != half_p[i])
            return c[i] > half_p[i];
    return 0;
}

static int
fp2_negative(const vr_fp2 *a)
{
    return vr_fp_is_zero(&a->c1) ? fp_negative(&a->c0) : fp_negative(&a->c1);
}

static void
enc_u1(unsigned char out[64], const vr_g1_affine *p)
{
    vr_g1_affine_to_bytes_be(out, p);
}

static void
enc_u2(unsigned char out[128], const vr_g2_affine *q)
{
    vr_g16_enc_g2(out, q);
}

static void
enc_c1(unsigned char out[32], const vr_g1_affine *p)
{
    vr_fp_to_bytes_be(out, &p->x);
    if (fp_negative(&p->y))
        out[0] |= 0x80;
}

static void
enc_c2(unsigned char out[64], const vr_g2_affine *q)
{
    vr_fp_to_bytes_be(out, &q->x.c1);
    vr_fp_to_bytes_be(out + 32, &q->x.c0);
    if (fp2_negative(&q->y))
        out[0] |= 0x80;
}

/* ffjavascript's ChaCha (20 rounds, key = seed, counter from 0). */
struct chacha {
    uint32_t st[16], out[16];
    int idx;
};

static uint32_t
rotl32(uint32_t x, int n)
{
    return x << n | x >> (32 - n);
}

#define QR(a, b, c, d) do {                                             \
        x[a] += x[b]; x[d] = rotl32(x[d] ^ x[a], 16);                   \
        x[c] += x[d]; x[b] = rotl32(x[b] ^ x[c], 12);                   \
        x[a] += x[b]; x[d] = rotl32(x[d] ^ x[a], 8);                    \
        x[c] += x[d]; x[b] = rotl32(x[b] ^ x[c], 7);                    \
    } while (0)

static uint32_t
chacha_u32(struct chacha *c)
{
    if (c->idx == 16) {
        uint32_t *x = c->out;
        memcpy(x, c->st, sizeof(c->st));
        for (int i = 0; i < 10; i++) {
            QR(0, 4, 8, 12); QR(1, 5, 9, 13); QR(2, 6, 10, 14);
            QR(3, 7, 11, 15); QR(0, 5, 10, 15); QR(1, 6, 11, 12);
            QR(2, 7, 8, 13); QR(3, 4, 9, 14);
        }
        for (int i = 0; i < 16; i++)
            x[i] += c->st[i];
        for (int i = 12; i < 16 && ++c->st[i] == 0; i++)
            ;
        c->idx = 0;
    }
    return c->out[c->idx++];
}

/* ffjavascript F1.fromRng: four u64 (high word first), the first the
 * lowest, masked to 254 bits, rejected if >= p; the result is used as
 * Montgomery limbs as they are. */
static void
chacha_fp(vr_fp *x, struct chacha *c)
{
    uint64_t l[4];

    for (;;) {
        for (int i = 0; i < 4; i++) {
            uint64_t hi = chacha_u32(c);
            l[i] = hi << 32 | chacha_u32(c);
        }
        l[3] &= ((uint64_t)1 << 62) - 1;
        int lt = 0;
        for (int i = 3; i >= 0; i--) {
            if (l[i] != vr_fp_modulus[i]) {
                lt = l[i] < vr_fp_modulus[i];
                break;
            }
        }
        if (lt)
            break;
    }
    memcpy(x->l, l, sizeof(l));
}

/*
 * snarkjs's hashToG2 (keypair.js): ChaCha seeded with the first 32 bytes
 * of the hash as big-endian words, then ffjavascript's G2.fromRng: x from
 * the stream, a bit choosing the sign of y, until x^3 + b is a square;
 * the point times the cofactor.  Public data: variable time.
 */
static void
hash_to_g2(vr_g2_affine *out, const unsigned char hash[64])
{
    struct chacha c = {.idx = 16};
    static const uint32_t k[4] = {0x61707865, 0x3320646e, 0x79622d32,
        0x6b206574};
    vr_fp2 x, y, t, b, nine_u;
    vr_g2 p;
    vr_g2_affine a;
    int greatest;

    memcpy(c.st, k, sizeof(k));
    for (int i = 0; i < 8; i++)
        c.st[4 + i] = (uint32_t)hash[4 * i] << 24 | (uint32_t)hash[4 * i + 1]
            << 16 | (uint32_t)hash[4 * i + 2] << 8 | hash[4 * i + 3];
    // b = 3 / (9 + u)
    vr_fp_from_u64(&nine_u.c0, 9);
    vr_fp_from_u64(&nine_u.c1, 1);
    vr_fp2_inv(&b, &nine_u);
    vr_fp_from_u64(&t.c0, 3);
    vr_fp_from_u64(&t.c1, 0);
    vr_fp2_mul(&b, &b, &t);
    do {
        chacha_fp(&x.c0, &c);
        chacha_fp(&x.c1, &c);
        greatest = (int)(chacha_u32(&c) & 1);
        vr_fp2_sqr(&t, &x);
        vr_fp2_mul(&t, &t, &x);
        vr_fp2_add(&t, &t, &b);
    } while (vr_fp2_sqrt(&y, &t) != VR_OK);
    if (greatest ^ fp2_negative(&y))
        vr_fp2_neg(&y, &y);
    a.x = x;
    a.y = y;
    vr_g2_from_affine(&p, &a);
    vr_g2_mul_u256_var(&p, &p, cofactor_g2);
    vr_g2_to_affine(out, &p);
}

/* The first challenge: BLAKE2b of the empty hash and the U encodings of
 * a fresh file (every point a generator), powersoftau_utils.js. */
static void
first_challenge(unsigned char out[64], uint32_t power)
{
    struct vr_blake2b h, e;
    unsigned char blank[64], g1[64], g2[128], blk[64 * 128];
    size_t n = (size_t)1 << power;

    vr_blake2b_init(&e);
    vr_blake2b_final(&e, blank);
    vr_blake2b_init(&h);
    vr_blake2b_update(&h, blank, 64);
    enc_u1(g1, &vr_g1_generator_affine);
    enc_u2(g2, &vr_g2_generator_affine);
    // Blocks of 128 G1 or 64 G2 encodings, then the rest one by one.
    for (int i = 0; i < 128; i++)
        memcpy(blk + 64 * i, g1, 64);
    for (int s = 0; s < 4; s++) {
        size_t cnt = s == 0 ? 2 * n - 1 : n, per = s == 1 ? 64 : 128;
        if (s == 1)
            for (int i = 0; i < 64; i++)
                memcpy(blk + 128 * i, g2, 128);
        if (s == 2)
            for (int i = 0; i < 128; i++)
                memcpy(blk + 64 * i, g1, 64);
        for (; cnt >= per; cnt -= per)
            vr_blake2b_update(&h, blk, sizeof(blk));
        for (; cnt > 0; cnt--)
            vr_blake2b_update(&h, s == 1 ? g2 : g1, s == 1 ? 128 : 64);
    }
    vr_blake2b_update(&h, g2, 128);
    vr_blake2b_final(&h, out);
}

/* One secret's public key (keypair.js calculatePubKey): g1_s = s G1,
 * g1_sx = x s G1, g2_spx = x H with H = hashToG2(blake2b(pers ||
 * challenge || U(g1_s) || U(g1_sx))). */
struct pkey {
    vr_g1_affine g1_s, g1_sx;
    vr_g2_affine g2_spx;
};

static void
pubkey(struct pkey *k, int pers, const unsigned char challenge[64],
    const vr_fr *x, const vr_fr *s)
{
    struct vr_blake2b h;
    unsigned char b[64], d[64];
    vr_g1 j;
    vr_g2 j2;
    vr_g2_affine sp;
    vr_fr sx;
    unsigned char p = (unsigned char)pers;

    vr_g1_mul(&j, &vr_g1_generator, s);
    vr_g1_to_affine(&k->g1_s, &j);
    vr_fr_mul(&sx, s, x);
    vr_g1_mul(&j, &vr_g1_generator, &sx);
    vr_g1_to_affine(&k->g1_sx, &j);
    vr_blake2b_init(&h);
    vr_blake2b_update(&h, &p, 1);
    vr_blake2b_update(&h, challenge, 64);
    enc_u1(b, &k->g1_s);
    vr_blake2b_update(&h, b, 64);
    enc_u1(b, &k->g1_sx);
    vr_blake2b_update(&h, b, 64);
    vr_blake2b_final(&h, d);
    hash_to_g2(&sp, d);
    vr_g2_from_affine(&j2, &sp);
    vr_g2_mul(&j2, &j2, x);
    vr_g2_to_affine(&k->g2_spx, &j2);
    vr_memzero_explicit(&sx, sizeof(sx));
    vr_memzero_explicit(&j, sizeof(j));
}

/* The partial hash format of snarkjs's misc.js toPartialHash (noble's
 * internal state): buf[128], h as (low, high) u32 pairs, u32 bytes
 * compressed (low, high), u32 pos, zeros to 216 bytes. */
static void
partial_hash(unsigned char out[216], const struct vr_blake2b *s)
{
    memset(out, 0, 216);
    memcpy(out, s->buf, s->pos);
    for (int i = 0; i < 8; i++)
        vr_put_u64(out + 128 + 8 * i, s->h[i]);
    vr_put_u64(out + 192, s->t);
    vr_put_u32(out + 200, (uint32_t)s->pos);
}

static void
hash_g1(struct vr_blake2b *h, const vr_g1_affine *p, size_t n, int comp)
{
    unsigned char b[64];

    for (size_t i = 0; i < n; i++) {
        if (comp)
            enc_c1(b, &p[i]);
        else
            enc_u1(b, &p[i]);
        vr_blake2b_update(h, b, comp ? 32 : 64);
    }
}

static void
hash_g2(struct vr_blake2b *h, const vr_g2_affine *p, size_t n, int comp)
{
    unsigned char b[128];

    for (size_t i = 0; i < n; i++) {
        if (comp)
            enc_c2(b, &p[i]);
        else
            enc_u2(b, &p[i]);
        vr_blake2b_update(h, b, comp ? 64 : 128);
    }
}

static void
write_g1(FILE *f, uint32_t id, const vr_g1_affine *p, size_t n)
{
    unsigned char b[64];

    vr_bin_write_sec(f, id, 64 * (uint64_t)n);
    for (size_t i = 0; i < n; i++) {
        vr_lem_put_g1(b, &p[i]);
        fwrite(b, 1, 64, f);
    }
}

static void
write_g2(FILE *f, uint32_t id, const vr_g2_affine *p, size_t n)
{
    unsigned char b[128];

    vr_bin_write_sec(f, id, 128 * (uint64_t)n);
    for (size_t i = 0; i < n; i++) {
        vr_lem_put_g2(b, &p[i]);
        fwrite(b, 1, 128, f);
    }
}

static const char contrib_name[] = "veriregime ptau";

/*
 * L holds, for m = 0..top, the 2^m values L^(m)_j(tau) at offset 2^m - 1
 * (2^(top+1) - 1 in all).  With trunc, the top domain (N = 2^top) is the
 * inverse transform of the N - 1 powers snarkjs has: L_j(tau) -
 * tau^(N-1) w^j / N (its prepare phase2 pads tau^(N-1) G with zero).
 */
static void
lagrange_all(vr_fr *L, vr_fr *tmp, int top, const vr_fr *tau, bool trunc)
{
    for (int m = 0; m <= top; m++) {
        size_t M = (size_t)1 << m;
        vr_snark_lagrange_at(L + M - 1, tmp, M, m, tau);
    }
    if (trunc) {
        size_t N = (size_t)1 << top;
        vr_fr c, w, wj = vr_fr_one, t, ninv;
        c = *tau;                           /* tau^(N-1) */
        for (int i = 0; i < top; i++)
            vr_fr_sqr(&c, &c);
        vr_fr_inv(&t, tau);
        vr_fr_mul(&c, &c, &t);
        vr_fr_from_u64(&ninv, (uint64_t)N);
        vr_fr_inv(&ninv, &ninv);
        vr_fr_mul(&c, &c, &ninv);
        vr_fr_root_of_unity(&w, top);
        for (size_t j = 0; j < N; j++) {
            vr_fr_mul(&t, &c, &wj);
            vr_fr_sub(&L[N - 1 + j], &L[N - 1 + j], &t);
            vr_fr_mul(&wj, &wj, &w);
        }
        vr_memzero_explicit(&c, sizeof(c));
        vr_memzero_explicit(&t, sizeof(t));
    }
}

int
vr_ptau_new_toxic(FILE *f, uint32_t power, bool prepared, const vr_fr sec[6],
    int nthreads)
{
    const vr_fr *tau = &sec[0], *alpha = &sec[1], *beta = &sec[2];
    size_t n, n1, nl;
    vr_fr *k = NULL, *tmp = NULL, t;
    vr_g1_affine *T1 = NULL, *p2 = NULL, *p4 = NULL, *p5 = NULL, *q1 = NULL;
    vr_g2_affine *T2 = NULL, *p3 = NULL, *q2 = NULL, beta2;
    vr_g1_affine alpha1, beta1;
    struct pkey key[3];
    unsigned char challenge[64], resp[64], next[64], partial[216], b[128];
    struct vr_blake2b h;
    int rc = VR_ENOMEM;

    if (power < 1 || power > VR_PTAU_MAXPOWER)
        return VR_ERANGE;
    for (int i = 0; i < 6; i++)
        if (vr_fr_is_zero(&sec[i]))
            return VR_ERANGE;
    t = *tau;                               /* tau^(2^(power+1)) != 1 */
    for (uint32_t i = 0; i <= power; i++)
        vr_fr_sqr(&t, &t);
    if (vr_fr_is_one(&t))
        return VR_ERANGE;
    n = (size_t)1 << power;
    n1 = 2 * n - 1;
    nl = prepared ? 4 * n - 1 : n1;         /* section 12 is the largest */
    k = vr_mallocarray(nl, sizeof(vr_fr));
    tmp = vr_mallocarray(4 * n, sizeof(vr_fr));
    T1 = vr_mallocarray(VR_FB_ENTRIES, sizeof(vr_g1_affine));
    T2 = vr_mallocarray(VR_FB_ENTRIES, sizeof(vr_g2_affine));
    p2 = vr_mallocarray(n1, sizeof(vr_g1_affine));
    p3 = vr_mallocarray(n, sizeof(vr_g2_affine));
    p4 = vr_mallocarray(n, sizeof(vr_g1_affine));
    p5 = vr_mallocarray(n, sizeof(vr_g1_affine));
    if (!k || !tmp || !T1 || !T2 || !p2 || !p3 || !p4 || !p5)
        goto out;
    vr_fb_table_g1(T1);
    vr_fb_table_g2(T2);

    // Sections 2-6: tau^i, alpha tau^i, beta tau^i times the generators.
    k[0] = vr_fr_one;
    for (size_t i = 1; i < n1; i++)
        vr_fr_mul(&k[i], &k[i - 1], tau);
    if ((rc = vr_fb_g1(p2, T1, k, NULL, n1, nthreads)) != VR_OK ||
        (rc = vr_fb_g2(p3, T2, k, NULL, n, nthreads)) != VR_OK)
        goto out;
    for (size_t i = 0; i < n; i++)
        vr_fr_mul(&tmp[i], &k[i], alpha);
    if ((rc = vr_fb_g1(p4, T1, tmp, NULL, n, nthreads)) != VR_OK)
        goto out;
    for (size_t i = 0; i < n; i++)
        vr_fr_mul(&tmp[i], &k[i], beta);
    if ((rc = vr_fb_g1(p5, T1, tmp, NULL, n, nthreads)) != VR_OK)
        goto out;
    {
        vr_g2 j;
        vr_g2_mul(&j, &vr_g2_generator, beta);
        vr_g2_to_affine(&beta2, &j);
    }
    alpha1 = p4[0];
    beta1 = p5[0];

    // The contribution: keys for the first challenge, response, next.
    first_challenge(challenge, power);
    for (int i = 0; i < 3; i++)
        pubkey(&key[i], i, challenge, &sec[i], &sec[3 + i]);
    vr_blake2b_init(&h);
    vr_blake2b_update(&h, challenge, 64);
    hash_g1(&h, p2, n1, 1);
    hash_g2(&h, p3, n, 1);
    hash_g1(&h, p4, n, 1);
    hash_g1(&h, p5, n, 1);
    hash_g2(&h, &beta2, 1, 1);
    partial_hash(partial, &h);
    for (int i = 0; i < 3; i++) {
        hash_g1(&h, &key[i].g1_s, 1, 0);
        hash_g1(&h, &key[i].g1_sx, 1, 0);
    }
    for (int i = 0; i < 3; i++)
        hash_g2(&h, &key[i].g2_spx, 1, 0);
    vr_blake2b_final(&h, resp);
    vr_blake2b_init(&h);
    vr_blake2b_update(&h, resp, 64);
    hash_g1(&h, p2, n1, 0);
    hash_g2(&h, p3, n, 0);
    hash_g1(&h, p4, n, 0);
    hash_g1(&h, p5, n, 0);
    hash_g2(&h, &beta2, 1, 0);
    vr_blake2b_final(&h, next);

    // Write sections 1-7.
    vr_bin_write_head(f, "ptau", 1, prepared ? 11 : 7);
    vr_bin_write_sec(f, 1, 44);
    vr_fput_u32(f, 32);
    fwrite(vr_snark_p_le, 1, 32, f);
    vr_fput_u32(f, power);
    vr_fput_u32(f, power);
    write_g1(f, 2, p2, n1);
    write_g2(f, 3, p3, n);
    write_g1(f, 4, p4, n);
    write_g1(f, 5, p5, n);
    write_g2(f, 6, &beta2, 1);
    vr_bin_write_sec(f, 7, 4 + 64 + 128 + 64 + 64 + 128 + 6 * 64 + 3 * 128 +
        216 + 64 + 4 + 4 + 2 + sizeof(contrib_name) - 1);
    vr_fput_u32(f, 1);
    vr_lem_put_g1(b, &p2[1]); fwrite(b, 1, 64, f);
    vr_lem_put_g2(b, &p3[1]); fwrite(b, 1, 128, f);
    vr_lem_put_g1(b, &alpha1); fwrite(b, 1, 64, f);
    vr_lem_put_g1(b, &beta1); fwrite(b, 1, 64, f);
    vr_lem_put_g2(b, &beta2); fwrite(b, 1, 128, f);
    for (int i = 0; i < 3; i++) {
        vr_lem_put_g1(b, &key[i].g1_s); fwrite(b, 1, 64, f);
        vr_lem_put_g1(b, &key[i].g1_sx); fwrite(b, 1, 64, f);
    }
    for (int i = 0; i < 3; i++) {
        vr_lem_put_g2(b, &key[i].g2_spx); fwrite(b, 1, 128, f);
    }
    fwrite(partial, 1, 216, f);
    fwrite(next, 1, 64, f);
    vr_fput_u32(f, 0);                      /* type: a contribution */
    vr_fput_u32(f, 2 + sizeof(contrib_name) - 1);
    fputc(1, f);                            /* parameter 1: the name */
    fputc((int)sizeof(contrib_name) - 1, f);
    fwrite(contrib_name, 1, sizeof(contrib_name) - 1, f);
    free(p2);
    free(p4);
    free(p5);
    free(p3);
    p2 = p4 = p5 = NULL;
    p3 = NULL;
    if (!prepared) {
        rc = vr_snark_flush(f);
        goto out;
    }

    // Sections 12-15: Lagrange values at tau for every domain.
    q1 = vr_mallocarray(nl, sizeof(vr_g1_affine));
    q2 = vr_mallocarray(n1, sizeof(vr_g2_affine));
    rc = VR_ENOMEM;
    if (!q1 || !q2)
        goto out;
    lagrange_all(k, tmp, (int)power + 1, tau, true);
    if ((rc = vr_fb_g1(q1, T1, k, NULL, nl, nthreads)) != VR_OK)
        goto out;
    write_g1(f, 12, q1, nl);
    // The domains up to 2^power are exact (the top one of section 12 is
    // not): recompute them, then scale by alpha and beta.
    lagrange_all(k, tmp, (int)power, tau, false);
    if ((rc = vr_fb_g2(q2, T2, k, NULL, n1, nthreads)) != VR_OK)
        goto out;
    write_g2(f, 13, q2, n1);
    free(q2);
    q2 = NULL;
    for (size_t i = 0; i < n1; i++)
        vr_fr_mul(&k[n1 + i], &k[i], alpha);
    if ((rc = vr_fb_g1(q1, T1, k + n1, NULL, n1, nthreads)) != VR_OK)
        goto out;
    write_g1(f, 14, q1, n1);
    for (size_t i = 0; i < n1; i++)
        vr_fr_mul(&k[n1 + i], &k[i], beta);
    if ((rc = vr_fb_g1(q1, T1, k + n1, NULL, n1, nthreads)) != VR_OK)
        goto out;
    write_g1(f, 15, q1, n1);
    rc = vr_snark_flush(f);
out:
    if (k) vr_memzero_explicit(k, nl * sizeof(vr_fr));
    if (tmp) vr_memzero_explicit(tmp, 4 * n * sizeof(vr_fr));
    vr_memzero_explicit(&t, sizeof(t));
    free(k);
    free(tmp);
    free(T1);
    free(T2);
    free(p2);
    free(p3);
    free(p4);
    free(p5);
    free(q1);
    free(q2);
    return rc;
}

int
vr_ptau_new(FILE *f, uint32_t power, bool prepared, int nthreads)
{
    vr_fr sec[6], t;
    int rc = VR_OK;

    if (power < 1 || power > VR_PTAU_MAXPOWER)
        return VR_ERANGE;
    for (int i = 0; i < 6 && rc == VR_OK; i++) {
        bool bad;
        do {
            rc = vr_fr_random(&sec[i]);
            bad = vr_fr_is_zero(&sec[i]);
            if (i == 0 && rc == VR_OK && !bad) {
                // tau in the domain of size 2^(power+1): redraw
                // (probability 2^(power+1) / r).
                t = sec[0];
                for (uint32_t j = 0; j <= power; j++)
                    vr_fr_sqr(&t, &t);
                bad = vr_fr_is_one(&t);
            }
        } while (rc == VR_OK && bad);
    }
    if (rc == VR_OK)
        rc = vr_ptau_new_toxic(f, power, prepared, sec, nthreads);
    vr_memzero_explicit(sec, sizeof(sec));
    vr_memzero_explicit(&t, sizeof(t));
    return rc;
}
