/* wtns.c: iden3 .wtns witness files (version 2; FORMATS.md section 3). */
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "snark/internal.h"
#include "snark/r1cs.h"

int
vr_wtns_parse(vr_fr **w, size_t *nwires, const unsigned char *buf, size_t len)
{
    struct vr_bin b;
    const unsigned char *p;
    uint64_t plen;
    struct vr_cur c;
    uint32_t n;
    vr_fr *v;
    int rc;

    *w = NULL;
    *nwires = 0;
    if ((rc = vr_bin_parse(&b, buf, len, "wtns", 2)) != VR_OK)
        return rc;
    if ((rc = vr_bin_section(&b, 1, &p, &plen)) != VR_OK)
        return rc;
    c = (struct vr_cur){p, (size_t)plen, false};
    if ((rc = vr_snark_check_prime(&c, "section 1")) != VR_OK)
        return rc;
    n = vr_cur_u32(&c);
    if (c.bad || c.left != 0)
        return vr_snark_fail("section 1: bad length");
    if ((rc = vr_bin_section(&b, 2, &p, &plen)) != VR_OK)
        return rc;
    if (plen != (uint64_t)n * 32)
        return vr_snark_fail("section 2: %llu bytes for %u values",
            (unsigned long long)plen, n);
    if (n == 0)
        return vr_snark_fail("empty witness");
    if ((v = vr_mallocarray(n, sizeof(vr_fr))) == NULL)
        return VR_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        if (vr_fr_from_bytes_le(&v[i], p + (size_t)i * 32) != VR_OK) {
            vr_memzero_explicit(v, (size_t)n * sizeof(vr_fr));
            free(v);
            return vr_snark_fail("section 2: value %u not below r", i);
        }
    }
    *w = v;
    *nwires = n;
    return VR_OK;
}

int
vr_wtns_read(vr_fr **w, size_t *nwires, FILE *f)
{
    unsigned char *buf;
    size_t len;
    int rc;

    *w = NULL;
    *nwires = 0;
    if ((rc = vr_snark_slurp(&buf, &len, f)) != VR_OK)
        return rc;
    rc = vr_wtns_parse(w, nwires, buf, len);
    vr_memzero_explicit(buf, len);
    free(buf);
    return rc;
}

int
vr_wtns_write(FILE *f, const vr_fr *w, size_t nwires)
{
    unsigned char v[32];

    if (nwires > UINT32_MAX)
        return VR_ERANGE;
    vr_bin_write_head(f, "wtns", 2, 2);
    vr_bin_write_sec(f, 1, 40);
    vr_fput_u32(f, 32);
    fwrite(vr_snark_r_le, 1, 32, f);
    vr_fput_u32(f, (uint32_t)nwires);
    vr_bin_write_sec(f, 2, (uint64_t)nwires * 32);
    for (size_t i = 0; i < nwires; i++) {
        vr_fr_to_bytes_le(v, &w[i]);
        fwrite(v, 1, 32, f);
    }
    vr_memzero_explicit(v, sizeof(v));
    return vr_snark_flush(f);
}
