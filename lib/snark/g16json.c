/*
 * g16json.c: snarkjs's proof.json, public.json and verification_key.json
 * (FORMATS.md section 5).  Writers produce what snarkjs writes
 * (JSON.stringify with an indent of one space, then a newline), so files
 * compare byte for byte.
 */
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "pairing/pairing.h"
#include "snark/groth16.h"
#include "snark/internal.h"
#include "snark/sjson.h"

static int
dec_fp(vr_fp *x, const struct vr_sjson *v)
{
    uint64_t l[4];
    int rc;

    if ((rc = vr_sjson_dec(l, v, vr_fp_modulus)) != VR_OK)
        return VR_EFORMAT;
    return vr_fp_from_canonical(x, l);
}

static int
is_str(const struct vr_sjson *v, const char *s)
{
    return v && v->type == VR_SJSON_STRING && strcmp(v->s, s) == 0;
}

/* [x, y, "1"] (or ["0", "1", "0"] for infinity when allow_inf). */
static int
json_g1(vr_g1_affine *p, const struct vr_sjson *v, const char *what,
    int allow_inf)
{
    const struct vr_sjson *z = vr_sjson_at(v, 3, 2);

    if (z == NULL)
        return vr_snark_fail("%s: expected [x, y, z]", what);
    if (allow_inf && is_str(z, "0") && is_str(&v->kids[0], "0") &&
        is_str(&v->kids[1], "1")) {
        p->x = vr_fp_zero;
        p->y = vr_fp_zero;
        return VR_OK;
    }
    if (!is_str(z, "1"))
        return vr_snark_fail("%s: z is not \"1\"", what);
    if (dec_fp(&p->x, &v->kids[0]) != VR_OK ||
        dec_fp(&p->y, &v->kids[1]) != VR_OK)
        return vr_snark_fail("%s: %s", what, vr_snark_errmsg());
    if (vr_g1_affine_is_inf(p) || !vr_g1_affine_is_on_curve(p))
        return vr_snark_fail("%s: point not on the curve", what);
    return VR_OK;
}

/* [[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]], on the twist and in G2. */
static int
json_g2(vr_g2_affine *q, const struct vr_sjson *v, const char *what)
{
    const struct vr_sjson *x = vr_sjson_at(v, 3, 0), *y = vr_sjson_at(v, 3, 1),
        *z = vr_sjson_at(v, 3, 2);

    if (!x || !y || !z || !vr_sjson_at(x, 2, 0) || !vr_sjson_at(y, 2, 0) ||
        !vr_sjson_at(z, 2, 0))
        return vr_snark_fail("%s: expected [[x0, x1], [y0, y1], [z0, z1]]",
            what);
    if (!is_str(&z->kids[0], "1") || !is_str(&z->kids[1], "0"))
        return vr_snark_fail("%s: z is not [\"1\", \"0\"]", what);
    if (dec_fp(&q->x.c0, &x->kids[0]) != VR_OK ||
        dec_fp(&q->x.c1, &x->kids[1]) != VR_OK ||
        dec_fp(&q->y.c0, &y->kids[0]) != VR_OK ||
        dec_fp(&q->y.c1, &y->kids[1]) != VR_OK)
        return vr_snark_fail("%s: %s", what, vr_snark_errmsg());
    if (vr_g2_affine_is_inf(q) || !vr_g2_affine_is_on_curve(q))
        return vr_snark_fail("%s: point not on the twist", what);
    if (!vr_g2_affine_is_in_subgroup(q))
        return vr_snark_fail("%s: point not in G2", what);
    return VR_OK;
}

static int
check_tag(const struct vr_sjson *root, const char *key, const char *want)
{
    const struct vr_sjson *v = vr_sjson_get(root, key);

    if (v != NULL && !is_str(v, want))
        return vr_snark_fail("\"%s\" is not \"%s\"", key, want);
    return VR_OK;
}

int
vr_g16_proof_json_parse(struct vr_g16_proof *pi, const char *text, size_t len)
{
    struct vr_sjson_doc d;
    int rc;

    if ((rc = vr_sjson_parse(&d, text, len)) != VR_OK)
        return rc;
    if (d.root->type != VR_SJSON_OBJECT)
        rc = vr_snark_fail("proof: not a JSON object");
    else if ((rc = check_tag(d.root, "protocol", "groth16")) == VR_OK &&
        (rc = check_tag(d.root, "curve", "bn128")) == VR_OK &&
        (rc = json_g1(&pi->a, vr_sjson_get(d.root, "pi_a"), "pi_a", 0)) ==
        VR_OK &&
        (rc = json_g2(&pi->b, vr_sjson_get(d.root, "pi_b"), "pi_b")) ==
        VR_OK)
        rc = json_g1(&pi->c, vr_sjson_get(d.root, "pi_c"), "pi_c", 0);
    vr_sjson_free(&d);
    return rc;
}

int
vr_g16_public_json_parse(vr_fr **pub, size_t *npub, const char *text,
    size_t len)
{
    struct vr_sjson_doc d;
    vr_fr *v = NULL;
    uint64_t l[4];
    int rc;

    *pub = NULL;
    *npub = 0;
    if ((rc = vr_sjson_parse(&d, text, len)) != VR_OK)
        return rc;
    if (d.root->type != VR_SJSON_ARRAY) {
        rc = vr_snark_fail("public signals: not a JSON array");
        goto out;
    }
    if ((v = vr_mallocarray(d.root->n ? d.root->n : 1, sizeof(vr_fr))) ==
        NULL) {
        rc = VR_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < d.root->n; i++) {
        if (vr_sjson_dec(l, &d.root->kids[i], vr_fr_modulus) != VR_OK) {
            rc = vr_snark_fail("public signal %zu: %s", i, vr_snark_errmsg());
            goto out;
        }
        vr_fr_from_canonical(&v[i], l);
    }
    *pub = v;
    *npub = d.root->n;
    v = NULL;
out:
    free(v);
    vr_sjson_free(&d);
    return rc;
}

int
vr_g16_vk_json_parse(struct vr_g16_vk *vk, const char *text, size_t len)
{
    struct vr_sjson_doc d;
    const struct vr_sjson *np, *ic;
    char what[32];
    long long n;
    int rc;

    memset(vk, 0, sizeof(*vk));
    if ((rc = vr_sjson_parse(&d, text, len)) != VR_OK)
        return rc;
    np = vr_sjson_get(d.root, "nPublic");
    ic = vr_sjson_get(d.root, "IC");
    if ((rc = check_tag(d.root, "protocol", "groth16")) != VR_OK ||
        (rc = check_tag(d.root, "curve", "bn128")) != VR_OK)
        goto out;
    if (np == NULL || np->type != VR_SJSON_NUMBER || strchr(np->s, '.') ||
        strchr(np->s, 'e') || strchr(np->s, 'E') || np->s[0] == '-' ||
        strlen(np->s) > 9) {
        rc = vr_snark_fail("nPublic: not a count");
        goto out;
    }
    n = atoll(np->s);
    if (ic == NULL || ic->type != VR_SJSON_ARRAY || ic->n != (size_t)n + 1) {
        rc = vr_snark_fail("IC: expected nPublic + 1 = %lld points", n + 1);
        goto out;
    }
    vk->npublic = (uint32_t)n;
    if ((vk->ic = vr_mallocarray((size_t)n + 1, sizeof(vr_g1_affine))) ==
        NULL) {
        rc = VR_ENOMEM;
        goto out;
    }
    if ((rc = json_g1(&vk->alpha1, vr_sjson_get(d.root, "vk_alpha_1"),
        "vk_alpha_1", 0)) != VR_OK ||
        (rc = json_g2(&vk->beta2, vr_sjson_get(d.root, "vk_beta_2"),
        "vk_beta_2")) != VR_OK ||
        (rc = json_g2(&vk->gamma2, vr_sjson_get(d.root, "vk_gamma_2"),
        "vk_gamma_2")) != VR_OK ||
        (rc = json_g2(&vk->delta2, vr_sjson_get(d.root, "vk_delta_2"),
        "vk_delta_2")) != VR_OK)
        goto out;
    for (long long i = 0; i <= n; i++) {
        snprintf(what, sizeof(what), "IC[%lld]", i);
        if ((rc = json_g1(&vk->ic[i], &ic->kids[i], what, 1)) != VR_OK)
            goto out;
    }
out:
    if (rc != VR_OK)
        vr_g16_vk_free(vk);
    vr_sjson_free(&d);
    return rc;
}

/* Writers: JSON.stringify(v, null, 1) layout. */
static void
wfp(FILE *f, const vr_fp *x)
{
    uint64_t l[4];
    char buf[80];

    vr_fp_to_canonical(l, x);
    vr_dec_format(buf, l);
    fprintf(f, "\"%s\"", buf);
}

static void
wg1(FILE *f, const char *ind, const vr_g1_affine *p)
{
    if (vr_g1_affine_is_inf(p)) {
        fprintf(f, "[\n%s \"0\",\n%s \"1\",\n%s \"0\"\n%s]", ind, ind, ind,
            ind);
        return;
    }
    fprintf(f, "[\n%s ", ind);
    wfp(f, &p->x);
    fprintf(f, ",\n%s ", ind);
    wfp(f, &p->y);
    fprintf(f, ",\n%s \"1\"\n%s]", ind, ind);
}

static void
wg2(FILE *f, const char *ind, const vr_g2_affine *q)
{
    fprintf(f, "[\n%s [\n%s  ", ind, ind);
    wfp(f, &q->x.c0);
    fprintf(f, ",\n%s  ", ind);
    wfp(f, &q->x.c1);
    fprintf(f, "\n%s ],\n%s [\n%s  ", ind, ind, ind);
    wfp(f, &q->y.c0);
    fprintf(f, ",\n%s  ", ind);
    wfp(f, &q->y.c1);
    fprintf(f, "\n%s ],\n%s [\n%s  \"1\",\n%s  \"0\"\n%s ]\n%s]", ind, ind,
        ind, ind, ind, ind);
}

int
vr_g16_proof_json_write(FILE *f, const struct vr_g16_proof *pi)
{
    fputs("{\n \"pi_a\": ", f);
    wg1(f, " ", &pi->a);
    fputs(",\n \"pi_b\": ", f);
    wg2(f, " ", &pi->b);
    fputs(",\n \"pi_c\": ", f);
    wg1(f, " ", &pi->c);
    fputs(",\n \"protocol\": \"groth16\",\n \"curve\": \"bn128\"\n}\n", f);
    return vr_snark_flush(f);
}

int
vr_g16_public_json_write(FILE *f, const vr_fr *pub, size_t npub)
{
    uint64_t l[4];
    char buf[80];

    if (npub == 0) {
        fputs("[]\n", f);
        return vr_snark_flush(f);
    }
    fputs("[", f);
    for (size_t i = 0; i < npub; i++) {
        vr_fr_to_canonical(l, &pub[i]);
        vr_dec_format(buf, l);
        fprintf(f, "%s\n \"%s\"", i ? "," : "", buf);
    }
    fputs("\n]\n", f);
    return vr_snark_flush(f);
}

int
vr_g16_vk_json_write(FILE *f, const struct vr_g16_vk *vk)
{
    fprintf(f, "{\n \"protocol\": \"groth16\",\n \"curve\": \"bn128\",\n"
        " \"nPublic\": %u,\n \"vk_alpha_1\": ", vk->npublic);
    wg1(f, " ", &vk->alpha1);
    fputs(",\n \"vk_beta_2\": ", f);
    wg2(f, " ", &vk->beta2);
    fputs(",\n \"vk_gamma_2\": ", f);
    wg2(f, " ", &vk->gamma2);
    fputs(",\n \"vk_delta_2\": ", f);
    wg2(f, " ", &vk->delta2);
    fputs(",\n \"vk_alphabeta_12\": [", f);
    {
        // e(alpha1, beta2) in snarkjs's GT convention (pairing.h), as
        // [[c0.b0, c0.b1, c0.b2], [c1.b0, c1.b1, c1.b2]] of [a0, a1].
        vr_fp12 ab;
        const vr_fp6 *h[2];
        vr_pairing(&ab, &vk->alpha1, &vk->beta2);
        h[0] = &ab.c0;
        h[1] = &ab.c1;
        for (int i = 0; i < 2; i++) {
            const vr_fp2 *b[3] = {&h[i]->c0, &h[i]->c1, &h[i]->c2};
            fputs(i ? ",\n  [" : "\n  [", f);
            for (int j = 0; j < 3; j++) {
                fputs(j ? ",\n   [\n    " : "\n   [\n    ", f);
                wfp(f, &b[j]->c0);
                fputs(",\n    ", f);
                wfp(f, &b[j]->c1);
                fputs("\n   ]", f);
            }
            fputs("\n  ]", f);
        }
    }
    fputs("\n ],\n \"IC\": [", f);
    for (uint32_t i = 0; i <= vk->npublic; i++) {
        fputs(i ? ",\n  " : "\n  ", f);
        wg1(f, "  ", &vk->ic[i]);
    }
    fputs("\n ]\n}\n", f);
    return vr_snark_flush(f);
}
