/*
 * qmlp.c: integer inference of a quantised MLP (see qmlp.h, and the
 * section "The arithmetic that is proved" of vr-quant(1)).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "quant/qmlp.h"

#define I128_MAX ((vr_i128)(((vr_u128)1 << 127) - 1))

int
vr_qlayer_facc(const struct vr_qlayer *q)
{
    return q->fin + q->fw;
}

int
vr_qlayer_fu(const struct vr_qlayer *q)
{
    return q->fin + q->fw - q->kpre;
}

int
vr_qlayer_fout(const struct vr_qlayer *q)
{
    int fu = vr_qlayer_fu(q);

    return q->act == VR_QACT_POLY ? q->fc + q->deg * fu - q->kpost : fu;
}

int
vr_qmlp_bits(vr_i128 v)
{
    vr_u128 a = v < 0 ? -(vr_u128)v : (vr_u128)v;
    int n = 0;

    while (a) {
        a >>= 1;
        n++;
    }
    return n;
}

int
vr_qmlp_init(struct vr_qmlp *m, const int *dims, int L)
{
    memset(m, 0, sizeof(*m));
    if (L < 1 || L > VR_QMLP_MAXL)
        return VR_ESHAPE;
    m->L = L;
    for (int l = 0; l < L; l++) {
        struct vr_qlayer *q = &m->lay[l];
        if (dims[l] <= 0 || dims[l + 1] <= 0) {
            vr_qmlp_free(m);
            return VR_ESHAPE;
        }
        q->C = dims[l];
        q->OC = dims[l + 1];
        q->W = vr_callocarray((size_t)q->C * (size_t)q->OC, sizeof(int32_t));
        q->b = vr_callocarray((size_t)q->OC, sizeof(int64_t));
        if (q->W == NULL || q->b == NULL) {
            vr_qmlp_free(m);
            return VR_ENOMEM;
        }
    }
    vr_qmlp_bounds_reset(m);
    return VR_OK;
}

void
vr_qmlp_free(struct vr_qmlp *m)
{
    for (int l = 0; l < VR_QMLP_MAXL; l++) {
        free(m->lay[l].W);
        free(m->lay[l].b);
    }
    memset(m, 0, sizeof(*m));
}

static bool
in(long long v, long long lo, long long hi)
{
    return v >= lo && v <= hi;
}

int
vr_qmlp_check(const struct vr_qmlp *m)
{
    if (!in(m->L, 1, VR_QMLP_MAXL) || !in(m->in_bits, 2, 32))
        return VR_EFORMAT;
    for (int l = 0; l < m->L; l++) {
        const struct vr_qlayer *q = &m->lay[l];
        int fu = vr_qlayer_fu(q);
        if (q->C <= 0 || q->OC <= 0 || q->W == NULL || q->b == NULL)
            return VR_EFORMAT;
        if (l > 0 && (q->C != m->lay[l - 1].OC
            || q->fin != vr_qlayer_fout(&m->lay[l - 1])))
            return VR_EFORMAT;
        if (!in(q->wbits, 2, 32) || !in(q->fw, -64, 126)
            || !in(q->fin, -64, 126) || !in(q->kpre, 0, 126)
            || !in(fu, -64, 126) || !in(q->act, VR_QACT_NONE, VR_QACT_POLY))
            return VR_EFORMAT;
        if (q->act == VR_QACT_POLY) {
            if (!in(q->deg, 1, VR_QACT_MAXDEG) || !in(q->fc, 0, 62)
                || !in(q->kpost, 0, 126) || fu < 0
                || (long long)q->deg * fu > 120)
                return VR_EFORMAT;
            for (int k = 0; k <= q->deg; k++)
                if (!in(q->coef[k], -((int64_t)1 << 62), (int64_t)1 << 62))
                    return VR_EFORMAT;
        }
        int64_t wmax = ((int64_t)1 << (q->wbits - 1)) - 1;
        for (size_t i = 0; i < (size_t)q->C * (size_t)q->OC; i++)
            if (!in(q->W[i], -wmax, wmax))
                return VR_EFORMAT;
        for (int o = 0; o < q->OC; o++)
            if (!in(q->b[o], -VR_QMLP_VMAX, VR_QMLP_VMAX))
                return VR_EFORMAT;
    }
    return VR_OK;
}

/*
 * Round half to even of v = x * 2^f, computed exactly: x * 2^f is exact in
 * double (a float32 times a power of two, no underflow in our range), and
 * the tie test compares the exact fractional part with 0.5.
 */
int
vr_qmlp_quantize_input(const struct vr_qmlp *m, int64_t *X, const float *x)
{
    const struct vr_qlayer *q = &m->lay[0];
    int64_t lim = ((int64_t)1 << (m->in_bits - 1)) - 1;

    for (int c = 0; c < q->C; c++) {
        if (!isfinite(x[c]))
            return VR_ERANGE;
        double v = ldexp((double)x[c], q->fin);
        if (v > (double)lim)
            v = (double)lim;
        if (v < -(double)lim)
            v = -(double)lim;
        double fl = floor(v), fr = v - fl;      /* exact: |v| < 2^32 */
        int64_t r = (int64_t)fl;
        if (fr > 0.5 || (fr == 0.5 && (r & 1)))
            r++;
        X[c] = r;
    }
    return VR_OK;
}

vr_i128
vr_qmlp_rescale(vr_i128 *rem, vr_i128 x, int k)
{
    VR_ASSERT(k >= 0 && k <= 126);
    if (k == 0) {
        if (rem)
            *rem = 0;
        return x;
    }
    // floor((x + 2^(k-1)) / 2^k): arithmetic shift of the sum; the sum
    // cannot overflow because callers keep |x| <= 2^125.
    vr_i128 s = x + ((vr_i128)1 << (k - 1));
    vr_i128 q = s >> k;         /* GCC: arithmetic shift, i.e. floor */
    if (rem)
        *rem = s - q * ((vr_i128)1 << k);
    return q;
}

int
vr_qtrace_init(struct vr_qtrace *t, const struct vr_qmlp *m)
{
    memset(t, 0, sizeof(*t));
    t->x = vr_callocarray((size_t)m->lay[0].C, sizeof(int64_t));
    if (t->x == NULL)
        return VR_ENOMEM;
    for (int l = 0; l < m->L; l++) {
        size_t n = (size_t)m->lay[l].OC;
        t->z[l] = vr_callocarray(n, sizeof(int64_t));
        t->u[l] = vr_callocarray(n, sizeof(int64_t));
        t->a[l] = vr_callocarray(n, sizeof(int64_t));
        t->rpre[l] = vr_callocarray(n, sizeof(int64_t));
        t->p[l] = vr_callocarray(n, sizeof(vr_i128));
        t->rpost[l] = vr_callocarray(n, sizeof(vr_i128));
        if (!t->z[l] || !t->u[l] || !t->a[l] || !t->rpre[l] || !t->p[l]
            || !t->rpost[l]) {
            vr_qtrace_free(t);
            return VR_ENOMEM;
        }
    }
    return VR_OK;
}

void
vr_qtrace_free(struct vr_qtrace *t)
{
    free(t->x);
    for (int l = 0; l < VR_QMLP_MAXL; l++) {
        free(t->z[l]);
        free(t->u[l]);
        free(t->a[l]);
        free(t->rpre[l]);
        free(t->p[l]);
        free(t->rpost[l]);
    }
    memset(t, 0, sizeof(*t));
}

static bool
fits(vr_i128 v, vr_i128 lim)
{
    return v >= -lim && v <= lim;
}

/* P = sum_k Ck U^k S^(d-k), S = 2^fu, by Horner: acc = Cd, then
 * acc = acc U + C(d-j) S^j for j = 1..d.  Exact, or false on overflow. */
static bool
poly_eval(vr_i128 *out, const struct vr_qlayer *q, int64_t u, int fu)
{
    vr_i128 acc = q->coef[q->deg];
    vr_i128 plim = (vr_i128)1 << VR_QMLP_PBITS;

    for (int j = 1; j <= q->deg; j++) {
        vr_i128 t, c;
        if (__builtin_mul_overflow(acc, (vr_i128)u, &t))
            return false;
        // C(d-j) 2^(j fu): j fu <= 120 (checked), |C| <= 2^62
        if (__builtin_mul_overflow((vr_i128)q->coef[q->deg - j],
            (vr_i128)1 << (j * fu), &c))
            return false;
        if (__builtin_add_overflow(t, c, &acc))
            return false;
        if (!fits(acc, plim) && j == q->deg)
            return false;
    }
    *out = acc;
    return true;
}

int
vr_qmlp_infer(const struct vr_qmlp *m, struct vr_qtrace *tr,
    int64_t *logits, const int64_t *X)
{
    int64_t lim = ((int64_t)1 << (m->in_bits - 1)) - 1;
    int maxw = 0;
    int64_t *buf[2];
    const int64_t *A = X;
    int cur = 0, cls = 0, rc = VR_OK;

    for (int l = 0; l < m->L; l++)
        if (m->lay[l].OC > maxw)
            maxw = m->lay[l].OC;
    buf[0] = vr_mallocarray((size_t)maxw, sizeof(int64_t));
    buf[1] = vr_mallocarray((size_t)maxw, sizeof(int64_t));
    if (buf[0] == NULL || buf[1] == NULL) {
        rc = VR_ENOMEM;
        goto out;
    }
    for (int c = 0; c < m->lay[0].C; c++) {
        if (!in(X[c], -lim, lim)) {
            rc = VR_ERANGE;
            goto out;
        }
        if (tr)
            tr->x[c] = X[c];
    }
    for (int l = 0; l < m->L; l++) {
        const struct vr_qlayer *q = &m->lay[l];
        int fu = vr_qlayer_fu(q);
        int64_t *Aout = buf[cur];
        // When |W| < 2^(wbits-1), |A| < 2^abits and C < 2^cb with
        // wbits - 1 + abits + cb <= 61, every partial sum of Z is below
        // 2^61 + |Bq| <= 2^61 + 2^62 < 2^63: int64 is exact.  Otherwise
        // __int128 (|W| < 2^31, |A| <= 2^62, C < 2^31: below 2^124).
        int64_t amax = 0;
        for (int c = 0; c < q->C; c++)
            if ((A[c] < 0 ? -A[c] : A[c]) > amax)
                amax = A[c] < 0 ? -A[c] : A[c];
        bool narrow = q->wbits - 1 + vr_qmlp_bits(amax)
            + vr_qmlp_bits(q->C) <= 61;
        for (int o = 0; o < q->OC; o++) {
            // Z = sum_c Wq[o][c] A[c] + Bq[o]
            const int32_t *w_o = q->W + (size_t)o * (size_t)q->C;
            vr_i128 z;
            if (narrow) {
                int64_t s = 0;
                for (int c = 0; c < q->C; c++)
                    s += (int64_t)w_o[c] * A[c];
                z = (vr_i128)s + q->b[o];
            } else {
                z = q->b[o];
                for (int c = 0; c < q->C; c++)
                    z += (vr_i128)w_o[c] * A[c];
            }
            if (!fits(z, VR_QMLP_VMAX)) {
                rc = VR_ERANGE;
                goto out;
            }
            vr_i128 rpre, u = vr_qmlp_rescale(&rpre, z, q->kpre);
            vr_i128 p = 0, rpost = 0, a;
            switch (q->act) {
            case VR_QACT_RELU:
                a = u > 0 ? u : 0;
                break;
            case VR_QACT_POLY:
                if (!poly_eval(&p, q, (int64_t)u, fu)) {
                    rc = VR_ERANGE;
                    goto out;
                }
                a = vr_qmlp_rescale(&rpost, p, q->kpost);
                if (!fits(a, VR_QMLP_VMAX)) {
                    rc = VR_ERANGE;
                    goto out;
                }
                break;
            default:
                a = u;
                break;
            }
            Aout[o] = (int64_t)a;
            if (tr) {
                tr->z[l][o] = (int64_t)z;
                tr->u[l][o] = (int64_t)u;
                tr->rpre[l][o] = (int64_t)rpre;
                tr->p[l][o] = p;
                tr->rpost[l][o] = rpost;
                tr->a[l][o] = (int64_t)a;
            }
        }
        A = Aout;
        cur ^= 1;
    }
    // argmax, lowest index on ties
    const struct vr_qlayer *last = &m->lay[m->L - 1];
    for (int o = 1; o < last->OC; o++)
        if (A[o] > A[cls])
            cls = o;
    if (logits)
        memcpy(logits, A, (size_t)last->OC * sizeof(int64_t));
    if (tr)
        tr->cls = cls;
    rc = cls;
out:
    free(buf[0]);
    free(buf[1]);
    return rc;
}

void
vr_qmlp_bounds_reset(struct vr_qmlp *m)
{
    for (int l = 0; l < m->L; l++)
        for (int s = 0; s < VR_QST_COUNT; s++) {
            struct vr_qbound *b = &m->lay[l].bound[s];
            b->lo = INT64_MAX;
            b->hi = INT64_MIN;
            b->seen_bits = 0;
        }
}

static void
fold(struct vr_qbound *b, vr_i128 v)
{
    int64_t s = v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN
        : (int64_t)v;
    int n = vr_qmlp_bits(v);

    if (s < b->lo)
        b->lo = s;
    if (s > b->hi)
        b->hi = s;
    if (n > b->seen_bits)
        b->seen_bits = n;
}

void
vr_qmlp_bounds_add(struct vr_qmlp *m, const struct vr_qtrace *tr)
{
    for (int l = 0; l < m->L; l++) {
        struct vr_qlayer *q = &m->lay[l];
        for (int o = 0; o < q->OC; o++) {
            fold(&q->bound[VR_QST_Z], tr->z[l][o]);
            fold(&q->bound[VR_QST_U], tr->u[l][o]);
            if (q->act == VR_QACT_POLY)
                fold(&q->bound[VR_QST_P], tr->p[l][o]);
            fold(&q->bound[VR_QST_A], tr->a[l][o]);
        }
    }
}

/*
 * A magnitude bound: exact (m, with bits == bits(m)) while it fits 126
 * bits, else only bits (an upper bound on bits(|value|)).
 */
struct mag {
    vr_i128 m;
    int bits;
    bool exact;
};

static struct mag
mag_exact(vr_i128 v)
{
    struct mag r = { v < 0 ? -v : v, 0, true };

    r.bits = vr_qmlp_bits(r.m);
    return r;
}

static struct mag
mag_bits(int bits)
{
    struct mag r = { 0, bits, false };

    return r;
}

/* |a| * |b| */
static struct mag
mag_mul(struct mag a, struct mag b)
{
    vr_i128 t;

    if (a.exact && b.exact && a.bits + b.bits <= 126
        && !__builtin_mul_overflow(a.m, b.m, &t))
        return mag_exact(t);
    if ((a.exact && a.m == 0) || (b.exact && b.m == 0))
        return mag_exact(0);
    return mag_bits(a.bits + b.bits);
}

/* |a| + |b| */
static struct mag
mag_add(struct mag a, struct mag b)
{
    if (a.exact && b.exact && a.bits <= 125 && b.bits <= 125)
        return mag_exact(a.m + b.m);
    return mag_bits((a.bits > b.bits ? a.bits : b.bits) + 1);
}

/* bound of |rs(x, k)| given |x| <= a: rs(a, k) (rs is monotone and
 * |rs(-a, k)| <= rs(a, k)) */
static struct mag
mag_rescale(struct mag a, int k)
{
    if (a.exact)
        return mag_exact(vr_qmlp_rescale(NULL, a.m, k));
    return mag_bits(a.bits > k ? a.bits - k + 1 : 1);
}

static struct mag
mag_pow2(int e)
{
    return e <= 125 ? mag_exact((vr_i128)1 << e) : mag_bits(e + 1);
}

void
vr_qmlp_bounds_worst(struct vr_qmlp *m)
{
    int maxw = m->lay[0].C;
    struct mag *amax, *next;

    for (int l = 0; l < m->L; l++)
        if (m->lay[l].OC > maxw)
            maxw = m->lay[l].OC;
    amax = vr_mallocarray((size_t)maxw, sizeof(*amax));
    next = vr_mallocarray((size_t)maxw, sizeof(*next));
    if (amax == NULL || next == NULL) {
        // no memory: the weakest claim (everything may be huge)
        for (int l = 0; l < m->L; l++)
            for (int s = 0; s < VR_QST_COUNT; s++)
                m->lay[l].bound[s].wc_bits = 1 << 20;
        free(amax);
        free(next);
        return;
    }
    for (int c = 0; c < m->lay[0].C; c++)
        amax[c] = mag_exact(((vr_i128)1 << (m->in_bits - 1)) - 1);
    for (int l = 0; l < m->L; l++) {
        struct vr_qlayer *q = &m->lay[l];
        int fu = vr_qlayer_fu(q);
        int wz = 0, wu = 0, wp = 0, wa = 0;
        for (int o = 0; o < q->OC; o++) {
            const int32_t *w_o = q->W + (size_t)o * (size_t)q->C;
            struct mag z = mag_exact(q->b[o]);
            for (int c = 0; c < q->C; c++)
                z = mag_add(z, mag_mul(mag_exact(w_o[c]), amax[c]));
            struct mag u = mag_rescale(z, q->kpre), a = u;
            if (q->act == VR_QACT_POLY) {
                struct mag p = mag_exact(0), uk = mag_exact(1);
                for (int k = 0; k <= q->deg; k++) {
                    struct mag t = mag_mul(mag_exact(q->coef[k]), uk);
                    p = mag_add(p, mag_mul(t, mag_pow2((q->deg - k) * fu)));
                    uk = mag_mul(uk, u);
                }
                a = mag_rescale(p, q->kpost);
                if (p.bits > wp)
                    wp = p.bits;
            }
            next[o] = a;
            if (z.bits > wz)
                wz = z.bits;
            if (u.bits > wu)
                wu = u.bits;
            if (a.bits > wa)
                wa = a.bits;
        }
        q->bound[VR_QST_Z].wc_bits = wz;
        q->bound[VR_QST_U].wc_bits = wu;
        q->bound[VR_QST_P].wc_bits = wp;
        q->bound[VR_QST_A].wc_bits = wa;
        memcpy(amax, next, (size_t)q->OC * sizeof(*amax));
    }
    free(amax);
    free(next);
}
