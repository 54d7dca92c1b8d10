#include <math.h>

#include "base/rng.h"

__extension__ typedef unsigned __int128 u128;

static uint64_t
splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline uint64_t
rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void
vr_rng_seed(struct vr_rng *rng, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&seed);
}

uint64_t
vr_rng_u64(struct vr_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t
vr_rng_below(struct vr_rng *rng, uint64_t n)
{
    /* Lemire, "Fast Random Integer Generation in an Interval", 2019. */
    u128 m = (u128)vr_rng_u64(rng) * n;
    uint64_t lo = (uint64_t)m;
    if (lo < n) {
        uint64_t t = -n % n;
        while (lo < t) {
            m = (u128)vr_rng_u64(rng) * n;
            lo = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

double
vr_rng_uniform(struct vr_rng *rng)
{
    return (double)(vr_rng_u64(rng) >> 11) * 0x1.0p-53;
}

double
vr_rng_normal(struct vr_rng *rng)
{
    double u, v, s;

    do {
        u = 2.0 * vr_rng_uniform(rng) - 1.0;
        v = 2.0 * vr_rng_uniform(rng) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    return u * sqrt(-2.0 * log(s) / s);
}
