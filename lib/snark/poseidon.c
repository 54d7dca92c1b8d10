/* poseidon.c: circomlib-compatible Poseidon (see poseidon.h). */
#include "vr.h"
#include "snark/poseidon.h"

#include "snark/poseidon_const.inc"

int
vr_poseidon_params(const vr_fr **c, const vr_fr **m, int *rp, int t)
{
    if (t == 3) {
        *c = poseidon_c3;
        *m = &poseidon_m3[0][0];
        *rp = VR_POSEIDON_T3_RP;
    } else if (t == 17) {
        *c = poseidon_c17;
        *m = &poseidon_m17[0][0];
        *rp = VR_POSEIDON_T17_RP;
    } else {
        return VR_ERANGE;
    }
    return VR_OK;
}

static void
sbox(vr_fr *x)
{
    vr_fr x2, x4;

    vr_fr_sqr(&x2, x);          /* x^2 */
    vr_fr_sqr(&x4, &x2);        /* x^4 */
    vr_fr_mul(x, &x4, x);       /* x^5 */
}

int
vr_poseidon_permute(vr_fr *state, int t)
{
    const vr_fr *c, *m;
    vr_fr tmp[17], prod;
    int rp, rc;

    if ((rc = vr_poseidon_params(&c, &m, &rp, t)) != VR_OK)
        return rc;
    int nr = VR_POSEIDON_RF + rp;
    for (int rho = 0; rho < nr; rho++) {
        bool full = rho < VR_POSEIDON_RF / 2 || rho >= VR_POSEIDON_RF / 2 + rp;
        // ARK, S-box (every lane or lane 0), MIX: s'_i = sum_j M[i][j] s_j
        for (int i = 0; i < t; i++)
            vr_fr_add(&state[i], &state[i], &c[rho * t + i]);
        for (int i = 0; i < (full ? t : 1); i++)
            sbox(&state[i]);
        for (int i = 0; i < t; i++) {
            tmp[i] = vr_fr_zero;
            for (int j = 0; j < t; j++) {
                vr_fr_mul(&prod, &m[i * t + j], &state[j]);
                vr_fr_add(&tmp[i], &tmp[i], &prod);
            }
        }
        for (int i = 0; i < t; i++)
            state[i] = tmp[i];
    }
    return VR_OK;
}

int
vr_poseidon_hash(vr_fr *out, const vr_fr *in, size_t n, const vr_fr *init)
{
    vr_fr s[17];
    int rc;

    if (n != 2 && n != 16)
        return VR_ERANGE;
    s[0] = *init;
    for (size_t i = 0; i < n; i++)
        s[i + 1] = in[i];
    if ((rc = vr_poseidon_permute(s, (int)n + 1)) != VR_OK)
        return rc;
    *out = s[0];
    return VR_OK;
}

size_t
vr_poseidon_ints_elems(size_t n, int bits)
{
    size_t per = (size_t)(VR_POSEIDON_PACK_BITS / bits);
    return (n + per - 1) / per;
}

size_t
vr_poseidon_ints_steps(size_t n, int bits)
{
    return (vr_poseidon_ints_elems(n, bits) + VR_POSEIDON_CHAIN - 1) /
        VR_POSEIDON_CHAIN;
}

int
vr_poseidon_ints(vr_fr *out, const int64_t *v, size_t n, int bits)
{
    if (bits < 1 || bits > 64 || n == 0 || n >= ((size_t)1 << 56))
        return VR_ERANGE;
    int64_t lo = bits == 64 ? INT64_MIN : -((int64_t)1 << (bits - 1));
    int64_t hi = bits == 64 ? INT64_MAX : ((int64_t)1 << (bits - 1)) - 1;
    for (size_t i = 0; i < n; i++)
        if (v[i] < lo || v[i] > hi)
            return VR_ERANGE;
    size_t per = (size_t)(VR_POSEIDON_PACK_BITS / bits);
    size_t m = vr_poseidon_ints_elems(n, bits);
    vr_fr h, blk[16], e, u, sh, two;
    uint64_t lim[4] = {0, 0, 0, 0};

    // h_0 = n 2^8 + bits
    lim[0] = ((uint64_t)n << 8) | (uint64_t)bits;
    lim[1] = (uint64_t)n >> 56;
    (void)vr_fr_from_canonical(&h, lim);
    // 2^bits as a field element: the step between packed values
    lim[0] = lim[1] = 0;
    lim[bits / 64] = (uint64_t)1 << (bits % 64);
    (void)vr_fr_from_canonical(&two, lim);
    for (size_t b = 0; b * VR_POSEIDON_CHAIN < m; b++) {
        blk[0] = h;
        for (size_t k = 0; k < VR_POSEIDON_CHAIN; k++) {
            size_t j = b * VR_POSEIDON_CHAIN + k;
            e = vr_fr_zero;
            sh = vr_fr_one;
            for (size_t q = 0; q < per && j < m; q++) {
                size_t i = j * per + q;
                if (i >= n)
                    break;
                // u_i = v_i + 2^(bits-1), as an unsigned 64-bit value
                uint64_t ui = (uint64_t)v[i] + ((uint64_t)1 << (bits - 1));
                vr_fr_from_u64(&u, ui);
                vr_fr_mul(&u, &u, &sh);
                vr_fr_add(&e, &e, &u);
                vr_fr_mul(&sh, &sh, &two);
            }
            blk[k + 1] = e;
        }
        (void)vr_poseidon_hash(&h, blk, 16, &vr_fr_zero);
    }
    *out = h;
    return VR_OK;
}
