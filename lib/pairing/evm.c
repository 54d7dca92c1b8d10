/* evm.c: EVM BN254 precompiles.  See evm.h. */
#include <string.h>

#include "vr.h"
#include "field/limb.h"
#include "pairing/evm.h"
#include "pairing/pairing.h"

/* Copy in into a zeroed buffer of n bytes (pad short, cut long input). */
static void
padded(unsigned char *buf, size_t n, const unsigned char *in, size_t len)
{
    memset(buf, 0, n);
    if (len > 0)
        memcpy(buf, in, len < n ? len : n);
}

int
vr_evm_bn256_add(unsigned char out[64], const unsigned char *in, size_t len)
{
    unsigned char buf[128];
    vr_g1_affine a, b;
    vr_g1 p;

    padded(buf, sizeof(buf), in, len);
    if (vr_g1_affine_from_bytes_be(&a, buf) != VR_OK ||
        vr_g1_affine_from_bytes_be(&b, buf + 64) != VR_OK)
        return VR_EFORMAT;
    vr_g1_from_affine(&p, &a);
    vr_g1_add_affine_var(&p, &p, &b);
    vr_g1_to_affine(&a, &p);
    vr_g1_affine_to_bytes_be(out, &a);
    return VR_OK;
}

int
vr_evm_bn256_scalar_mul(unsigned char out[64], const unsigned char *in,
    size_t len)
{
    unsigned char buf[96];
    vr_g1_affine a;
    vr_g1 p;
    uint64_t k[4];

    padded(buf, sizeof(buf), in, len);
    if (vr_g1_affine_from_bytes_be(&a, buf) != VR_OK)
        return VR_EFORMAT;
    vr_limb_from_be(k, buf + 64);
    vr_g1_from_affine(&p, &a);
    vr_g1_mul_u256_var(&p, &p, k);
    vr_g1_to_affine(&a, &p);
    vr_g1_affine_to_bytes_be(out, &a);
    return VR_OK;
}

int
vr_evm_bn256_pairing(unsigned char out[32], const unsigned char *in,
    size_t len)
{
    enum { CHUNK = 8 };
    vr_g1_affine p[CHUNK];
    vr_g2_affine q[CHUNK];
    vr_fp12 acc = vr_fp12_one, f;
    size_t k;

    if (len % 192 != 0)
        return VR_EFORMAT;
    k = len / 192;
    // Decode and Miller-loop CHUNK pairs at a time; one final
    // exponentiation for all.
    for (size_t i = 0; i < k; i += CHUNK) {
        size_t m = k - i < CHUNK ? k - i : CHUNK;
        for (size_t j = 0; j < m; j++) {
            const unsigned char *rec = in + (i + j) * 192;
            if (vr_g1_affine_from_bytes_be(&p[j], rec) != VR_OK ||
                vr_g2_affine_from_bytes_evm(&q[j], rec + 64) != VR_OK)
                return VR_EFORMAT;
        }
        vr_pairing_miller_loop(&f, p, q, m);
        vr_fp12_mul(&acc, &acc, &f);
    }
    vr_pairing_final_exp(&f, &acc);
    memset(out, 0, 32);
    out[31] = vr_fp12_is_one(&f);
    return VR_OK;
}
