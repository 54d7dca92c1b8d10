/*
 * encode.c: byte encodings of Groth16 points shared by the streams, the
 * EVM calldata and the Solidity constants: 32-byte big-endian canonical
 * coordinates, G2 in the EVM's (c1, c0) order, infinity all zero (the
 * curve modules keep infinity as affine (0, 0), which encodes to zeros).
 */
#include <string.h>

#include "vr.h"
#include "snark/groth16.h"
#include "snark/internal.h"

void
vr_g16_enc_g1(unsigned char out[64], const vr_g1_affine *p)
{
    vr_fp_to_bytes_be(out, &p->x);
    vr_fp_to_bytes_be(out + 32, &p->y);
}

void
vr_g16_enc_g2(unsigned char out[128], const vr_g2_affine *q)
{
    vr_fp_to_bytes_be(out, &q->x.c1);
    vr_fp_to_bytes_be(out + 32, &q->x.c0);
    vr_fp_to_bytes_be(out + 64, &q->y.c1);
    vr_fp_to_bytes_be(out + 96, &q->y.c0);
}

void
vr_g16_proof_to_bytes(unsigned char out[VR_G16_PROOF_BYTES],
    const struct vr_g16_proof *pi)
{
    vr_g16_enc_g1(out, &pi->a);
    vr_g16_enc_g2(out + 64, &pi->b);
    vr_g16_enc_g1(out + 192, &pi->c);
}

int
vr_g16_dec_g1(vr_g1_affine *p, const unsigned char in[64])
{
    if (vr_fp_from_bytes_be(&p->x, in) != VR_OK ||
        vr_fp_from_bytes_be(&p->y, in + 32) != VR_OK)
        return vr_snark_fail("G1 coordinate not below p");
    if (!vr_g1_affine_is_on_curve(p))
        return vr_snark_fail("G1 point not on the curve");
    return VR_OK;
}

int
vr_g16_dec_g2(vr_g2_affine *q, const unsigned char in[128], int subgroup)
{
    if (vr_fp_from_bytes_be(&q->x.c1, in) != VR_OK ||
        vr_fp_from_bytes_be(&q->x.c0, in + 32) != VR_OK ||
        vr_fp_from_bytes_be(&q->y.c1, in + 64) != VR_OK ||
        vr_fp_from_bytes_be(&q->y.c0, in + 96) != VR_OK)
        return vr_snark_fail("G2 coordinate not below p");
    if (!vr_g2_affine_is_on_curve(q))
        return vr_snark_fail("G2 point not on the twist");
    if (subgroup && !vr_g2_affine_is_in_subgroup(q))
        return vr_snark_fail("G2 point not in the subgroup G2");
    return VR_OK;
}

int
vr_g16_proof_from_bytes(struct vr_g16_proof *pi,
    const unsigned char in[VR_G16_PROOF_BYTES])
{
    int rc;

    if ((rc = vr_g16_dec_g1(&pi->a, in)) != VR_OK ||
        (rc = vr_g16_dec_g2(&pi->b, in + 64, 1)) != VR_OK ||
        (rc = vr_g16_dec_g1(&pi->c, in + 192)) != VR_OK)
        return rc;
    return VR_OK;
}
