/*
 * rng.h: the one source of randomness for everything that is not a
 * cryptographic secret (secrets use getrandom(2), in the zk modules).
 * xoshiro256** seeded by splitmix64: same seed, same sequence, on every
 * platform.
 */
#ifndef VR_BASE_RNG_H
#define VR_BASE_RNG_H

#include <stdint.h>

struct vr_rng {
    uint64_t s[4];
};

/* Seed the generator; every seed (0 included) gives a valid state. */
void vr_rng_seed(struct vr_rng *rng, uint64_t seed);
/* Next 64 random bits. */
uint64_t vr_rng_u64(struct vr_rng *rng);
/* Uniform integer in [0, n), unbiased (Lemire).  n > 0. */
uint64_t vr_rng_below(struct vr_rng *rng, uint64_t n);
/* Uniform double in [0, 1) with 53 random bits. */
double vr_rng_uniform(struct vr_rng *rng);
/* Standard normal deviate (Marsaglia polar method, no cached spare). */
double vr_rng_normal(struct vr_rng *rng);

#endif
