/* util_nnfix.h: reading ../shared/reference/nn fixtures in unit tests. */
#ifndef VR_TEST_UTIL_NNFIX_H
#define VR_TEST_UTIL_NNFIX_H

#include <stddef.h>
#include <stdint.h>

/* fixtures/<name>.bin of exactly n float64 values (fails the test
 * otherwise); caller frees. */
double *vr_test_fixture(const char *name, size_t n);
/* The same, as float32. */
float *vr_test_fixture_f32(const char *name, size_t n);
/* n (<= 64) int64 labels as ints. */
int *vr_test_fixture_labels(const char *name, size_t n);
/* Fail unless max |got - want| <= rtol * max |want|; returns the
 * relative error. */
double vr_test_compare(const char *what, const float *got,
    const double *want, size_t n, double rtol);

struct vr_dataset;
/* A learnable generated dataset: n samples of windows T x 8, rows
 * standard normal, the label from the mean s of feature 0 over the last
 * five steps (BUY s > 0.5, SELL s < -0.5, else HOLD), split 70/15/15 in
 * order, regimes cycling every 50 samples.  Seeded; free with
 * vr_dataset_free. */
void vr_test_learnable_dataset(struct vr_dataset *d, size_t n, int T,
    uint64_t seed);

#endif
