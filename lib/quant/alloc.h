/*
 * alloc.h: mixed-precision bit allocation.
 *
 * Choose one weight bit-width b_l in [bmin, bmax] per layer to minimise
 *   sum_l cost[l][b_l]   subject to   sum_l n_l b_l <= budget,
 * where cost[l][b] = S_l Q_l(b) (vr-quant uses S_l = |Tr H_ll| / n_l and
 * Q_l(b) = ||Q_b(W_l) - W_l||^2, the second-order estimate of the loss
 * increase of HAWQ-v2).  Solved exactly by dynamic programming over the
 * layers on the Pareto front of (bits used, cost): a partial choice is
 * dropped only if another uses no more bits at no greater cost, so the
 * optimum always survives.
 */
#ifndef VR_QUANT_ALLOC_H
#define VR_QUANT_ALLOC_H

#include <stddef.h>

#define VR_ALLOC_MAXB 16    /* widths 1..16; cost rows have 17 entries */
#define VR_ALLOC_MAXL 8

/*
 * bits[l] (L entries) receives an optimal allocation and *best its cost.
 *   cost (L, VR_ALLOC_MAXB + 1): cost[l * (VR_ALLOC_MAXB + 1) + b]
 *   n (L) weights per layer
 * 1 <= bmin <= bmax <= VR_ALLOC_MAXB, 1 <= L <= VR_ALLOC_MAXL.  Among
 * optimal allocations ties go to the one found first (fewer bits used,
 * then earlier layers' smaller widths).  VR_ERANGE if even bmin
 * everywhere exceeds the budget, VR_ENOMEM.
 */
int vr_alloc_bits(int *bits, double *best, const double *cost,
    const size_t *n, int L, int bmin, int bmax, unsigned long long budget);

#endif
