#include <stdio.h>
#include <stdlib.h>

#include "util_test.h"

uint64_t
vr_test_seed(void)
{
    static int printed;
    const char *s = getenv("VR_TEST_SEED");
    uint64_t seed = s ? strtoull(s, NULL, 0) : 20261123;

    if (!printed++)
        fprintf(stderr, "VR_TEST_SEED=%llu\n", (unsigned long long)seed);
    return seed;
}

long
vr_test_iters(long def)
{
    const char *s = getenv("VR_TEST_ITERS");
    return s ? strtol(s, NULL, 0) : def;
}

const char *
vr_test_shared(const char *rel)
{
    static char buf[4096];
    const char *base = getenv("VR_SHARED");

    snprintf(buf, sizeof(buf), "%s/%s", base ? base : "../shared", rel);
    return buf;
}

int
vr_test_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int nf;

    srunner_run_all(sr, CK_ENV);
    nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

uint64_t
vr_test_next(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s ^ (*s >> 29);
}
