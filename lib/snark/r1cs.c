/* r1cs.c: constraint systems, the gadget builder, and .r1cs I/O. */
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "snark/internal.h"
#include "snark/r1cs.h"

int
vr_r1cs_init(struct vr_r1cs *r, uint32_t npub_out, uint32_t npub_in,
    uint32_t nprv_in)
{
    uint64_t n = 1 + (uint64_t)npub_out + npub_in + nprv_in;

    memset(r, 0, sizeof(*r));
    if (n > UINT32_MAX)
        return VR_ERANGE;
    r->nwires = (uint32_t)n;
    r->npub_out = npub_out;
    r->npub_in = npub_in;
    r->nprv_in = nprv_in;
    r->offcap = 64;
    if ((r->off = vr_mallocarray(r->offcap, sizeof(size_t))) == NULL)
        return VR_ENOMEM;
    r->off[0] = 0;
    return VR_OK;
}

int64_t
vr_r1cs_alloc(struct vr_r1cs *r)
{
    if (r->nwires == UINT32_MAX)
        return VR_ERANGE;
    return r->nwires++;
}

void
vr_r1cs_free(struct vr_r1cs *r)
{
    free(r->terms);
    free(r->off);
    free(r->labels);
    memset(r, 0, sizeof(*r));
}

static int
lc_reserve(struct vr_r1cs_term **t, size_t *cap, size_t need)
{
    size_t ncap = *cap ? *cap : 16;
    struct vr_r1cs_term *nt;

    if (need <= *cap)
        return VR_OK;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return VR_ENOMEM;
        ncap *= 2;
    }
    if ((nt = vr_reallocarray(*t, ncap, sizeof(**t))) == NULL)
        return VR_ENOMEM;
    *t = nt;
    *cap = ncap;
    return VR_OK;
}

int
vr_lc_add(struct vr_lc *lc, uint32_t wire, const vr_fr *coef)
{
    int rc;

    if ((rc = lc_reserve(&lc->t, &lc->cap, lc->n + 1)) != VR_OK)
        return rc;
    lc->t[lc->n].wire = wire;
    lc->t[lc->n].coef = *coef;
    lc->n++;
    return VR_OK;
}

int
vr_lc_add_i64(struct vr_lc *lc, uint32_t wire, int64_t v)
{
    vr_fr c;

    vr_fr_from_i64(&c, v);
    return vr_lc_add(lc, wire, &c);
}

int
vr_lc_add_const(struct vr_lc *lc, const vr_fr *c)
{
    return vr_lc_add(lc, 0, c);
}

void
vr_lc_clear(struct vr_lc *lc)
{
    lc->n = 0;
}

void
vr_lc_free(struct vr_lc *lc)
{
    free(lc->t);
    memset(lc, 0, sizeof(*lc));
}

static int
term_cmp(const void *a, const void *b)
{
    uint32_t x = ((const struct vr_r1cs_term *)a)->wire;
    uint32_t y = ((const struct vr_r1cs_term *)b)->wire;

    return (x > y) - (x < y);
}

/* Sort terms t[0..n) by wire, merge equal wires, drop zeros: new n. */
static size_t
normalise(struct vr_r1cs_term *t, size_t n)
{
    size_t k = 0;

    qsort(t, n, sizeof(*t), term_cmp);
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && t[k - 1].wire == t[i].wire)
            vr_fr_add(&t[k - 1].coef, &t[k - 1].coef, &t[i].coef);
        else
            t[k++] = t[i];
        if (vr_fr_is_zero(&t[k - 1].coef))
            k--;
    }
    return k;
}

int
vr_r1cs_add(struct vr_r1cs *r, const struct vr_lc *a, const struct vr_lc *b,
    const struct vr_lc *c)
{
    const struct vr_lc *side[3] = {a, b, c};
    size_t need;
    int rc;

    if (r->ncons * 3 + 4 > r->offcap) {
        size_t *no = vr_reallocarray(r->off, r->offcap * 2, sizeof(size_t));
        if (no == NULL)
            return VR_ENOMEM;
        r->off = no;
        r->offcap *= 2;
    }
    need = r->nterms;
    for (int s = 0; s < 3; s++) {
        for (size_t i = 0; i < side[s]->n; i++)
            if (side[s]->t[i].wire >= r->nwires)
                return VR_ERANGE;
        need += side[s]->n;
    }
    if ((rc = lc_reserve(&r->terms, &r->cap, need)) != VR_OK)
        return rc;
    for (int s = 0; s < 3; s++) {
        struct vr_r1cs_term *t = r->terms + r->nterms;
        if (side[s]->n)     /* an empty side may have no array at all */
            memcpy(t, side[s]->t, side[s]->n * sizeof(*t));
        r->nterms += normalise(t, side[s]->n);
        r->off[3 * r->ncons + s + 1] = r->nterms;
    }
    r->ncons++;
    return VR_OK;
}

void
vr_r1cs_eval(vr_fr *out, const struct vr_r1cs *r, size_t k, int s,
    const vr_fr *w)
{
    vr_fr acc = vr_fr_zero, t;

    for (size_t j = r->off[3 * k + s]; j < r->off[3 * k + s + 1]; j++) {
        vr_fr_mul(&t, &r->terms[j].coef, &w[r->terms[j].wire]);
        vr_fr_add(&acc, &acc, &t);
    }
    *out = acc;
}

int
vr_r1cs_check(const struct vr_r1cs *r, const vr_fr *w, size_t *bad)
{
    vr_fr a, b, c;

    if (!vr_fr_eq(&w[0], &vr_fr_one)) {
        if (bad)
            *bad = SIZE_MAX;
        return VR_EREJECT;
    }
    for (size_t k = 0; k < r->ncons; k++) {
        vr_r1cs_eval(&a, r, k, 0, w);
        vr_r1cs_eval(&b, r, k, 1, w);
        vr_r1cs_eval(&c, r, k, 2, w);
        vr_fr_mul(&a, &a, &b);
        if (!vr_fr_eq(&a, &c)) {
            if (bad)
                *bad = k;
            return VR_EREJECT;
        }
    }
    return VR_OK;
}

/* Check a section-1 style prime field: u32 n8 = 32, then r. */
int
vr_snark_check_prime(struct vr_cur *c, const char *what)
{
    uint32_t n8 = vr_cur_u32(c);
    const unsigned char *q;

    if (c->bad)
        return vr_snark_fail("%s: truncated header", what);
    if (n8 != 32)
        return vr_snark_fail("%s: field size %u bytes (want 32, BN254)",
            what, n8);
    if ((q = vr_cur_bytes(c, 32)) == NULL)
        return vr_snark_fail("%s: truncated header", what);
    if (memcmp(q, vr_snark_r_le, 32) != 0)
        return vr_snark_fail("%s: prime is not BN254's r", what);
    return VR_OK;
}

int
vr_r1cs_parse(struct vr_r1cs *r, const unsigned char *buf, size_t len)
{
    struct vr_bin b;
    const unsigned char *p;
    uint64_t plen;
    struct vr_cur c;
    uint32_t nwires, nout, nin, nprv, ncons;
    uint64_t nlabels;
    int rc;

    memset(r, 0, sizeof(*r));
    if ((rc = vr_bin_parse(&b, buf, len, "r1cs", 1)) != VR_OK)
        return rc;
    for (int i = 0; i < b.nsec; i++)
        if (b.sec[i].id == 4 || b.sec[i].id == 5)
            return vr_snark_fail("custom gates (section %u) are PLONK only",
                b.sec[i].id);
    if ((rc = vr_bin_section(&b, 1, &p, &plen)) != VR_OK)
        return rc;
    c = (struct vr_cur){p, (size_t)plen, false};
    if ((rc = vr_snark_check_prime(&c, "section 1")) != VR_OK)
        return rc;
    nwires = vr_cur_u32(&c);
    nout = vr_cur_u32(&c);
    nin = vr_cur_u32(&c);
    nprv = vr_cur_u32(&c);
    nlabels = vr_cur_u64(&c);
    ncons = vr_cur_u32(&c);
    if (c.bad || c.left != 0)
        return vr_snark_fail("section 1: %s", c.bad ? "truncated" :
            "trailing bytes");
    if (nwires == 0 || 1 + (uint64_t)nout + nin + nprv > nwires)
        return vr_snark_fail("section 1: %u wires cannot hold 1 + %u + %u "
            "+ %u signals", nwires, nout, nin, nprv);
    if ((rc = vr_r1cs_init(r, nout, nin, nprv)) != VR_OK)
        return rc;
    r->nwires = nwires;
    r->nlabels = nlabels;

    if ((rc = vr_bin_section(&b, 2, &p, &plen)) != VR_OK)
        goto fail;
    c = (struct vr_cur){p, (size_t)plen, false};
    // Each term takes 36 bytes: the section length bounds the allocation.
    {
        struct vr_lc lc[3] = {{0}, {0}, {0}};
        for (uint32_t k = 0; k < ncons && rc == VR_OK; k++) {
            for (int s = 0; s < 3 && rc == VR_OK; s++) {
                uint32_t nt = vr_cur_u32(&c);
                vr_lc_clear(&lc[s]);
                if (c.bad || (uint64_t)nt * 36 > c.left) {
                    rc = vr_snark_fail("section 2: constraint %u truncated",
                        k);
                    break;
                }
                for (uint32_t j = 0; j < nt; j++) {
                    uint32_t wire = vr_cur_u32(&c);
                    vr_fr v;
                    if (wire >= nwires) {
                        rc = vr_snark_fail("section 2: constraint %u: wire "
                            "%u out of range (%u wires)", k, wire, nwires);
                        break;
                    }
                    if (vr_fr_from_bytes_le(&v, vr_cur_bytes(&c, 32)) !=
                        VR_OK) {
                        rc = vr_snark_fail("section 2: constraint %u: "
                            "coefficient not below r", k);
                        break;
                    }
                    if ((rc = vr_lc_add(&lc[s], wire, &v)) != VR_OK)
                        break;
                }
            }
            if (rc == VR_OK)
                rc = vr_r1cs_add(r, &lc[0], &lc[1], &lc[2]);
        }
        for (int s = 0; s < 3; s++)
            vr_lc_free(&lc[s]);
        if (rc != VR_OK)
            goto fail;
        if (c.left != 0) {
            rc = vr_snark_fail("section 2: %zu trailing bytes", c.left);
            goto fail;
        }
    }
    // Section 3 (labels) is optional for us; check its length if present.
    for (int i = 0; i < b.nsec; i++) {
        if (b.sec[i].id != 3)
            continue;
        if (b.sec[i].len != (uint64_t)nwires * 8) {
            rc = vr_snark_fail("section 3: %llu bytes for %u wires",
                (unsigned long long)b.sec[i].len, nwires);
            goto fail;
        }
        if ((r->labels = vr_mallocarray(nwires, 8)) == NULL) {
            rc = VR_ENOMEM;
            goto fail;
        }
        c = (struct vr_cur){b.sec[i].p, (size_t)b.sec[i].len, false};
        for (uint32_t w = 0; w < nwires; w++)
            r->labels[w] = vr_cur_u64(&c);
        break;
    }
    return VR_OK;
fail:
    vr_r1cs_free(r);
    return rc;
}

int
vr_r1cs_read(struct vr_r1cs *r, FILE *f)
{
    unsigned char *buf;
    size_t len;
    int rc;

    memset(r, 0, sizeof(*r));
    if ((rc = vr_snark_slurp(&buf, &len, f)) != VR_OK)
        return rc;
    rc = vr_r1cs_parse(r, buf, len);
    free(buf);
    return rc;
}

int
vr_r1cs_write(FILE *f, const struct vr_r1cs *r)
{
    unsigned char v[32];
    uint64_t len2 = (uint64_t)r->nterms * 36 + (uint64_t)r->ncons * 12;

    vr_bin_write_head(f, "r1cs", 1, 3);
    vr_bin_write_sec(f, 1, 64);
    vr_fput_u32(f, 32);
    fwrite(vr_snark_r_le, 1, 32, f);
    vr_fput_u32(f, r->nwires);
    vr_fput_u32(f, r->npub_out);
    vr_fput_u32(f, r->npub_in);
    vr_fput_u32(f, r->nprv_in);
    vr_fput_u64(f, r->labels ? r->nlabels : r->nwires);
    vr_fput_u32(f, (uint32_t)r->ncons);
    vr_bin_write_sec(f, 2, len2);
    for (size_t k = 0; k < 3 * r->ncons; k++) {
        vr_fput_u32(f, (uint32_t)(r->off[k + 1] - r->off[k]));
        for (size_t j = r->off[k]; j < r->off[k + 1]; j++) {
            vr_fput_u32(f, r->terms[j].wire);
            vr_fr_to_bytes_le(v, &r->terms[j].coef);
            fwrite(v, 1, 32, f);
        }
    }
    vr_bin_write_sec(f, 3, (uint64_t)r->nwires * 8);
    for (uint32_t w = 0; w < r->nwires; w++)
        vr_fput_u64(f, r->labels ? r->labels[w] : w);
    return vr_snark_flush(f);
}
