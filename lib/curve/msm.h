/*
 * msm.h: multi-scalar multiplication in G1 and G2 of BN254,
 *   out = sum_i scalars[i] * bases[i],
 * the bulk of a Groth16 proof.
 *
 * Algorithm (Pippenger's bucket method, as in gnark-crypto and blst):
 *   - Scalars leave Montgomery form; a scalar k > (r-1)/2 is replaced by
 *     r - k with the base negated, so -1, -2, .. cost what 1, 2, .. cost.
 *     Zero scalars and bases at infinity are skipped.
 *   - Points are grouped by the bit length of their scalar (1, <= 8,
 *     <= 16, <= 32, <= 64, more): the small integers that fill a neural
 *     network's witness get few windows.  Each group is its own Pippenger
 *     run with the window width c chosen from its size and bit length.
 *   - Signed c-bit digits in (-2^(c-1), 2^(c-1)]: 2^(c-1) buckets.
 *   - Buckets are filled in affine coordinates with batched additions: a
 *     block of up to 2^14 (point, window) entries is sorted by bucket,
 *     then summed pairwise level by level, and the block sums added into
 *     the buckets; up to 1024 independent additions share one inversion
 *     (Montgomery's trick), with doubling, P + (-P) and infinity handled.
 *     Sorting first means no bucket conflicts, so all-equal scalars (one
 *     bucket) batch as well as random ones.
 *   - On CPUs with AVX-512 IFMA (field/fpv.h) those additions run eight
 *     at a time in 52-bit lanes, on a curve isomorphic to BN254's (or its
 *     twist) chosen so that no number changes representation (msm.c).
 *   - Each window's buckets are combined by the running sum
 *     sum_b b * B_b, batched over segments when that is cheaper; windows
 *     by Horner's rule with c doublings.
 *   - Tasks of one or several windows (several when windows are small,
 *     so they share flushes), or of part of the points, are spread over
 *     nthreads threads.
 *
 * Timing depends on the scalars (zero skipping, bit lengths, the bucket
 * pattern), as in every Pippenger MSM (gnark, arkworks, rapidsnark); this
 * is the one place the prover accepts variable time on witness data.
 *
 * Memory: nothing is allocated except thread stacks (base/par.h).  The
 * caller passes scratch of at least vr_g1_msm_scratch_size(n, nthreads)
 * bytes (any alignment); its content on entry is ignored and on return
 * is unspecified.  Roughly 100 bytes per point (canonical scalars and
 * their digits; with IFMA, plus a converted copy of the bases) and 2-3 MiB
 * per thread (buckets and a sorted block): in G1 on 2 threads 2 MiB for
 * n = 2^10, 17 MiB for 2^16 and 52 MiB for 2^18 (G2: 4, 26, 74 MiB).
 */
#ifndef VR_CURVE_MSM_H
#define VR_CURVE_MSM_H

#include <stddef.h>

#include "curve/g1.h"
#include "curve/g2.h"
#include "field/fr.h"

/* Largest n accepted: indices are kept in 32 bits. */
#define VR_MSM_MAX_N ((size_t)0xffffffffu)

/* Bytes of scratch for an MSM of n points on nthreads threads (nthreads
 * clamped to 1 .. VR_PAR_MAX as in the MSM itself).  0 if n exceeds
 * VR_MSM_MAX_N or the size does not fit in size_t. */
size_t vr_g1_msm_scratch_size(size_t n, int nthreads);
size_t vr_g2_msm_scratch_size(size_t n, int nthreads);

/*
 * out = sum_{i < n} scalars[i] * bases[i] (infinity for n = 0).
 * bases: affine, on the curve (G2: in the subgroup), (0, 0) for infinity
 * (not checked here: decode untrusted points with the curve's checked
 * decoders; a point off the curve gives a meaningless sum, or a failed
 * assertion when it makes a batch denominator vanish);
 * scalars: Montgomery form (vr_fr).  scratch: see above.  out must not
 * alias the inputs.  VR_ERANGE if n > VR_MSM_MAX_N, else VR_OK.
 */
int vr_g1_msm(vr_g1 *out, void *scratch, const vr_g1_affine *bases,
    const vr_fr *scalars, size_t n, int nthreads);
int vr_g2_msm(vr_g2 *out, void *scratch, const vr_g2_affine *bases,
    const vr_fr *scalars, size_t n, int nthreads);

#endif
