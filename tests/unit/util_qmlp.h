/* util_qmlp.h: random quantised layers and inputs for check_quant and
 * check_circuit. */
#ifndef VR_TEST_UTIL_QMLP_H
#define VR_TEST_UTIL_QMLP_H

#include <stdint.h>

#include "base/rng.h"
#include "quant/qmlp.h"

/* The polynomial layers' ranges, which each suite keeps small enough for
 * its own arithmetic. */
struct vr_test_qpoly {
    int deg_min, deg_span;      /* degree deg_min + [0, deg_span) */
    int fc_span;                /* coefficient fraction bits [0, fc_span) */
    int fout_max;               /* kpost keeps fout <= fout_max */
};

/*
 * Layer q with q->fin, q->fw and q->wbits set: random weights of wbits
 * bits, biases in [-1000, 1000], the pre-activation shift, activation
 * act, and for VR_QACT_POLY the degree, coefficients and post-shift.
 */
void vr_test_qlayer_fill(struct vr_qlayer *q, struct vr_rng *rng, int act,
    const struct vr_test_qpoly *poly);
/* X: m's inputs, in_bits-bit values, the extremes +-lim one time in 4. */
void vr_test_qinput(int64_t *X, const struct vr_qmlp *m, struct vr_rng *rng);

#endif
