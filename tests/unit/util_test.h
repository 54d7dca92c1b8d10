/* util_test.h: shared helpers for the Check unit tests. */
#ifndef VR_TEST_UTIL_H
#define VR_TEST_UTIL_H

#include <stdint.h>
#include <check.h>

/* VR_TEST_SEED (printed once) or a fixed default. */
uint64_t vr_test_seed(void);
/* A 64-bit LCG step with an xor-shift output: cheap operands for the
 * arithmetic tests, reproducible from the seed in *s. */
uint64_t vr_test_next(uint64_t *s);
/* VR_TEST_ITERS or def. */
long vr_test_iters(long def);
/* Path of a file under ../shared (VR_SHARED overrides), static buffer. */
const char *vr_test_shared(const char *rel);
/* Run a suite with CK_ENV; return the process exit status. */
int vr_test_run(Suite *s);

#endif
