/*
 * blake2b.c: BLAKE2b-512, unkeyed (RFC 7693), for the hashes of the
 * snarkjs powers-of-tau transcript.  Like the RFC's reference code, the
 * last block stays in buf until more input arrives or the hash ends.
 */
#include <string.h>

#include "snark/internal.h"

static const uint64_t iv[8] = {
    0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b,
    0xa54ff53a5f1d36f1, 0x510e527fade682d1, 0x9b05688c2b3e6c1f,
    0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
};

static const unsigned char sigma[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
};

static uint64_t
rotr(uint64_t x, int n)
{
    return x >> n | x << (64 - n);
}

static uint64_t
load64(const unsigned char *p)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

#define G(a, b, c, d, x, y) do {                                    \
        v[a] = v[a] + v[b] + (x); v[d] = rotr(v[d] ^ v[a], 32);     \
        v[c] = v[c] + v[d];       v[b] = rotr(v[b] ^ v[c], 24);     \
        v[a] = v[a] + v[b] + (y); v[d] = rotr(v[d] ^ v[a], 16);     \
        v[c] = v[c] + v[d];       v[b] = rotr(v[b] ^ v[c], 63);     \
    } while (0)

/* RFC 7693 section 3.2, F: t counts the bytes through this block. */
static void
compress(uint64_t h[8], const unsigned char *block, uint64_t t, int last)
{
    uint64_t v[16], m[16];

    for (int i = 0; i < 16; i++)
        m[i] = load64(block + 8 * i);
    for (int i = 0; i < 8; i++) {
        v[i] = h[i];
        v[i + 8] = iv[i];
    }
    v[12] ^= t;
    if (last)
        v[14] = ~v[14];
    for (int r = 0; r < 12; r++) {
        const unsigned char *s = sigma[r];
        G(0, 4, 8, 12, m[s[0]], m[s[1]]);
        G(1, 5, 9, 13, m[s[2]], m[s[3]]);
        G(2, 6, 10, 14, m[s[4]], m[s[5]]);
        G(3, 7, 11, 15, m[s[6]], m[s[7]]);
        G(0, 5, 10, 15, m[s[8]], m[s[9]]);
        G(1, 6, 11, 12, m[s[10]], m[s[11]]);
        G(2, 7, 8, 13, m[s[12]], m[s[13]]);
        G(3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for (int i = 0; i < 8; i++)
        h[i] ^= v[i] ^ v[i + 8];
}

void
vr_blake2b_init(struct vr_blake2b *s)
{
    memset(s, 0, sizeof(*s));
    memcpy(s->h, iv, sizeof(iv));
    s->h[0] ^= 0x01010040;              /* digest 64 bytes, no key */
}

void
vr_blake2b_update(struct vr_blake2b *s, const void *in, size_t n)
{
    const unsigned char *p = in;

    while (n > 0) {
        if (s->pos == 128) {            /* full and more to come */
            s->t += 128;
            compress(s->h, s->buf, s->t, 0);
            s->pos = 0;
        }
        if (s->pos == 0 && n > 128) {   /* whole blocks, not the last */
            s->t += 128;
            compress(s->h, p, s->t, 0);
            p += 128;
            n -= 128;
            continue;
        }
        size_t take = 128 - s->pos < n ? 128 - s->pos : n;
        memcpy(s->buf + s->pos, p, take);
        s->pos += take;
        p += take;
        n -= take;
    }
}

void
vr_blake2b_final(struct vr_blake2b *s, unsigned char out[64])
{
    memset(s->buf + s->pos, 0, 128 - s->pos);
    compress(s->h, s->buf, s->t + s->pos, 1);
    for (int i = 0; i < 64; i++)
        out[i] = (unsigned char)(s->h[i / 8] >> (8 * (i % 8)));
    memset(s, 0, sizeof(*s));
}
