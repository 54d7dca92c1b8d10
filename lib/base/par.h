/*
 * par.h: run one function on a team of threads (pthreads), for the data
 * parallel kernels of the zk modules (NTT, MSM).
 *
 * vr_par_run calls fn(arg, tid, nthreads) for tid = 0 .. nthreads-1, all
 * concurrently (tid 0 on the calling thread), and returns when all have
 * returned.  All or nothing: if a thread cannot be created the team is
 * dissolved and fn runs once, as fn(arg, 0, 1), so a kernel written for
 * any nthreads >= 1 always completes and the call cannot fail.  Inside
 * fn, vr_par_barrier() waits for the whole team.  Thread stacks are the
 * only memory involved (the C library's).
 */
#ifndef VR_BASE_PAR_H
#define VR_BASE_PAR_H

#include <stddef.h>

#define VR_PAR_MAX 64

typedef void vr_par_fn(void *arg, int tid, int nthreads);

/* Run fn on nthreads threads (clamped to 1 .. VR_PAR_MAX).  Returns the
 * team size that ran.  Teams do not nest: fn must not call vr_par_run. */
int vr_par_run(vr_par_fn *fn, void *arg, int nthreads);
/* Wait until every thread of the caller's team has reached the barrier.
 * A no-op outside a team and in a team of one. */
void vr_par_barrier(void);
/* [*lo, *hi): the tid-th of nthreads near-equal contiguous parts of
 * [0, n). */
void vr_par_range(size_t *lo, size_t *hi, size_t n, int tid, int nthreads);
/* Online CPUs, clamped to 1 .. VR_PAR_MAX: a default thread count. */
int vr_par_ncpu(void);

#endif
