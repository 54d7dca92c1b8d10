/*
 * keccak.c: Keccak-256 (the pre-SHA-3 padding used by Ethereum), for the
 * Solidity function selector.  Straight from the Keccak reference
 * (keccak.team, "Keccak specifications", round constants and rotation
 * offsets of Keccak-f[1600]); public data only.
 */
#include <stdint.h>
#include <string.h>

#include "snark/solidity.h"

static const uint64_t rc[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
    0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
    0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
    0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
    0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
    0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
    0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};
/* rotation offsets r[x + 5y] */
static const int rot[25] = {
    0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15,
    21, 8, 18, 2, 61, 56, 14,
};

static uint64_t
rol(uint64_t v, int n)
{
    return n ? v << n | v >> (64 - n) : v;
}

static void
keccakf(uint64_t a[25])
{
    for (int round = 0; round < 24; round++) {
        uint64_t c[5], d[5], b[25];
        // theta
        for (int x = 0; x < 5; x++)
            c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        for (int x = 0; x < 5; x++)
            d[x] = c[(x + 4) % 5] ^ rol(c[(x + 1) % 5], 1);
        for (int i = 0; i < 25; i++)
            a[i] ^= d[i % 5];
        // rho and pi: B[y, 2x + 3y] = rot(A[x, y], r[x, y])
        for (int x = 0; x < 5; x++)
            for (int y = 0; y < 5; y++)
                b[y + 5 * ((2 * x + 3 * y) % 5)] = rol(a[x + 5 * y],
                    rot[x + 5 * y]);
        // chi
        for (int x = 0; x < 5; x++)
            for (int y = 0; y < 5; y++)
                a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] &
                    b[(x + 2) % 5 + 5 * y]);
        // iota
        a[0] ^= rc[round];
    }
}

void
vr_keccak256(unsigned char out[32], const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t a[25] = {0};
    unsigned char blk[136];
    const size_t rate = 136;

    for (;;) {
        size_t n = len < rate ? len : rate;
        memset(blk, 0, rate);
        memcpy(blk, p, n);
        if (n < rate) {
            blk[n] ^= 0x01;         /* Keccak padding, not SHA-3's 0x06 */
            blk[rate - 1] ^= 0x80;
        }
        for (size_t i = 0; i < rate / 8; i++) {
            uint64_t w = 0;
            for (int j = 7; j >= 0; j--)
                w = w << 8 | blk[8 * i + (size_t)j];
            a[i] ^= w;
        }
        keccakf(a);
        if (n < rate)
            break;
        p += n;
        len -= n;
    }
    for (int i = 0; i < 32; i++)
        out[i] = (unsigned char)(a[i / 8] >> (8 * (i % 8)));
}
