/*
 * modinv.h: variable-time modular inversion for fp.c and fr.c (internal
 * to lib/field).
 *
 * Bernstein and Yang's "safegcd" divsteps, 62 at a time on the low words
 * of f and g, each batch applied to the full numbers as one 2x2 matrix:
 * the variable-time variant of libsecp256k1's modinv64 (Wuille's
 * write-up "The safegcd implementation in libsecp256k1 explained"),
 * restated here for 256-bit moduli.  For public data only: the number
 * of iterations depends on the input.
 */
#ifndef VR_FIELD_MODINV_H
#define VR_FIELD_MODINV_H

#include <stdint.h>

/* A number in 5 signed limbs of 62 bits: sum v[i] 2^(62 i). */
struct vr_s62 {
    int64_t v[5];
};

struct vr_modinv_mod {
    struct vr_s62 m;            /* the modulus, limbs in [0, 2^62) */
    uint64_t minv62;            /* m^-1 mod 2^62 */
};

extern const struct vr_modinv_mod vr_modinv_p, vr_modinv_r;

/*
 * r = a^-1 mod m for the plain integer 0 < a < m (4 x 64-bit limbs,
 * least significant first), m odd and < 2^254.  r may alias a.  With
 * a = 0 the result is 0.
 */
void vr_modinv_var(uint64_t r[4], const uint64_t a[4],
    const struct vr_modinv_mod *m);

#endif
