/*
 * ntt.h: number-theoretic transform over Fr (BN254 scalar field) for
 * power-of-two sizes 2^0 .. 2^28, in place, optionally on a coset, on a
 * team of threads.
 *
 * Conventions are snarkjs's (ffjavascript Fr.fft / Fr.ifft), checked
 * against ../shared/reference/zk/vectors/ntt.json.  With n = 2^k and
 * w = omega_n = 5^((r-1)/n) (vr_fr_root_of_unity), natural order in and
 * out:
 *   forward        X[i] = sum_j x[j] w^(ij)
 *   inverse        x[j] = n^-1 sum_i X[i] w^(-ij)
 *   coset forward  X[i] = sum_j x[j] g^j w^(ij)   (values at g w^i)
 *   coset inverse  its inverse: x[j] = g^-j n^-1 sum_i X[i] w^(-ij)
 * snarkjs's Groth16 prover uses the odd coset g = omega_2n.
 *
 * A domain holds the twiddle factors for every size up to its own, so one
 * domain of size 2^k serves all transforms of size <= 2^k.  It owns
 * 32 * 2^k bytes (the size of the data), or 40 * 2^k in a build for
 * AVX-512 IFMA: the only allocation, in vr_ntt_domain_init.  The transforms themselves allocate nothing but
 * thread stacks (base/par.h).
 *
 * Data are public polynomials or witness-derived values; the transforms
 * run in time depending only on the size (no branch on the data).
 *
 * Algorithm: bit-reversal permutation, then radix-2 decimation in time:
 * the first stages blockwise in L2-sized blocks, the remaining ones as
 * full passes split among threads.  The inverse is the forward transform
 * followed by X[i] <- X[-i mod n] (w^-1 = w^(n-1)) and the scaling.
 * Built for AVX-512 IFMA (-march=native on such a CPU), the butterflies
 * run 8 at a time in radix 2^52 with lazy reduction, the bit reversal is
 * fused with the first three stages, and the scalings are vectorized;
 * results are identical (fully reduced) either way.
 */
#ifndef VR_POLY_NTT_H
#define VR_POLY_NTT_H

#include <stddef.h>

#include "field/fr.h"

#define VR_NTT_MAX_LOG2 28

struct vr_ntt_domain {
    int log2n;          /* largest transform: 2^log2n */
    size_t n;           /* 2^log2n */
    vr_fr *tw;          /* owned, n entries: tw[m + j] = omega_2m^j for
                           m = 1, 2, 4, .., n/2 and j < m; tw[0] unused.
                           AVX-512 IFMA builds with n >= 16 keep only
                           tw[0..8) */
    void *tw52;         /* owned, NULL unless AVX-512 IFMA and n >= 16:
                           tw[0..n) times 2^4, in ntt.c's vector layout */
};

/* Precompute the twiddles for sizes up to 2^log2n, 0 <= log2n <= 28.
 * VR_ERANGE for another log2n, VR_ENOMEM if allocation fails (d is then
 * zeroed, and vr_ntt_domain_free is still safe). */
int vr_ntt_domain_init(struct vr_ntt_domain *d, int log2n);
/* Release the twiddles.  A no-op on a zeroed domain. */
void vr_ntt_domain_free(struct vr_ntt_domain *d);

/*
 * In-place transforms of x (2^log2n elements, Montgomery form) with
 * 0 <= log2n <= d->log2n (asserted).  nthreads >= 1 threads are used
 * for sizes from 2^12 up; small transforms run on the calling thread.
 */
void vr_ntt_forward(const struct vr_ntt_domain *d, vr_fr *x, int log2n,
    int nthreads);
void vr_ntt_inverse(const struct vr_ntt_domain *d, vr_fr *x, int log2n,
    int nthreads);
/* Coset versions with shift g (g != 0, asserted for the inverse). */
void vr_ntt_coset_forward(const struct vr_ntt_domain *d, vr_fr *x,
    int log2n, const vr_fr *g, int nthreads);
void vr_ntt_coset_inverse(const struct vr_ntt_domain *d, vr_fr *x,
    int log2n, const vr_fr *g, int nthreads);

#endif
