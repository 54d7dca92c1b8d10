#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "nn/dense.h"
#include "nn/gemm.h"
#include "nn/internal.h"
#include "nn/lstm.h"

/* Gate nonlinearities and the cell update of one step, rows b of the
 * batch: G (B, 4H) pre-activations in, activations out. */
static void
cell_forward(float *h, float *c, float *G, const float *cprev, int B, int H)
{
    for (size_t b = 0; b < (size_t)B; b++) {
        float *g_b = G + b * 4 * (size_t)H;
        float *c_b = c + b * (size_t)H, *h_b = h + b * (size_t)H;
        const float *cp_b = cprev ? cprev + b * (size_t)H : NULL;
        for (size_t j = 0; j < (size_t)H; j += VR_VW) {
            vr_v16f i = vr_v16_sigmoid(vr_v16_load(g_b + j));
            vr_v16f f = vr_v16_sigmoid(vr_v16_load(g_b + H + j));
            vr_v16f g = vr_v16_tanh(vr_v16_load(g_b + 2 * H + j));
            vr_v16f o = vr_v16_sigmoid(vr_v16_load(g_b + 3 * H + j));
            // c_t = f c_{t-1} + i g;  h_t = o tanh(c_t)
            vr_v16f ct = i * g;
            if (cp_b)
                ct = f * vr_v16_load(cp_b + j) + ct;
            vr_v16_store(g_b + j, i);
            vr_v16_store(g_b + H + j, f);
            vr_v16_store(g_b + 2 * H + j, g);
            vr_v16_store(g_b + 3 * H + j, o);
            vr_v16_store(c_b + j, ct);
            vr_v16_store(h_b + j, o * vr_v16_tanh(ct));
        }
    }
}

/*
 * The recurrence runs on slices of the batch: rows of different samples
 * never meet until the weight gradients, so each of nthreads threads
 * takes its own rows through all T steps, with single-threaded BLAS, and
 * nobody waits on anybody inside the time loop.  The slices depend only
 * on B and the thread count, so the results do too.
 */
struct span {
    float *h, *c, *G;               /* full (T, B, .) arrays */
    float *dh, *dG, *dc;            /* backward */
    double *db;                     /* backward: (4H) bias sums of the rows */
    const float *Whh;
    int B, b0, nb, T, H;
};

static void
span_forward(const struct span *s)
{
    size_t G4 = 4 * (size_t)s->H, BH = (size_t)s->B * s->H;
    size_t BG = (size_t)s->B * G4, o = (size_t)s->b0;

    for (int t = 0; t < s->T; t++) {
        float *G_t = s->G + (size_t)t * BG + o * G4;
        // G_t (nb, 4H) += h_{t-1} (nb, H) Whh^T (H, 4H); h_{-1} = 0
        if (t > 0)
            vr_gemm(G_t, (int)G4, s->h + (size_t)(t - 1) * BH + o * s->H,
                s->H, s->Whh, s->H, false, true, 1.0f, 1.0f, s->nb, (int)G4,
                s->H);
        cell_forward(s->h + (size_t)t * BH + o * s->H,
            s->c + (size_t)t * BH + o * s->H, G_t,
            t > 0 ? s->c + (size_t)(t - 1) * BH + o * s->H : NULL, s->nb,
            s->H);
    }
}

static void span_backward(const struct span *s);

#define MAXSPANS 64

struct spans {
    const struct span *proto;
    double *db;
};

/* Slice k of n: rows [B k / n, B (k+1) / n). */
static void
span_run(void *arg, int k, int n)
{
    const struct spans *ss = arg;
    struct span s = *ss->proto;
    int B = s.B;

    s.b0 = (int)((long)B * k / n);
    s.nb = (int)((long)B * (k + 1) / n) - s.b0;
    s.db = ss->db ? ss->db + (size_t)k * 4 * (size_t)s.H : NULL;
    if (s.nb == 0) {
        if (s.db != NULL)
            memset(s.db, 0, 4 * (size_t)s.H * sizeof(double));
        return;
    }
    if (s.dG == NULL)
        span_forward(&s);
    else
        span_backward(&s);
}

/* Run proto's batch in vr_gemm_threads() slices (at most B and MAXSPANS);
 * db: 4H doubles of scratch a slice for the backward, or NULL.  Returns
 * the number of slices. */
static int
nspans(int B)
{
    int n = vr_gemm_threads();
    return n > MAXSPANS ? (B < MAXSPANS ? B : MAXSPANS) : n > B ? B : n;
}

static int
run_spans(const struct span *proto, double *db)
{
    struct spans ss = {proto, db};
    int n = nspans(proto->B);

    vr_nn_parallel(n, span_run, &ss);
    return n;
}

void
vr_lstm_forward(float *h, float *c, float *gates, const float *x,
    const float *Wih, const float *Whh, const float *bih, const float *bhh,
    int B, int T, int C, int H)
{
    size_t G4 = 4 * (size_t)H, TB = (size_t)T * B;

    VR_ASSERT(H % VR_VW == 0);
    // gates (T*B, 4H) = bih + bhh + x (T*B, C) Wih^T: all steps at once
    for (size_t k = 0; k < G4; k++)
        gates[k] = bih[k] + bhh[k];
    for (size_t r = 1; r < TB; r++)
        memcpy(gates + r * G4, gates, G4 * sizeof(float));
    vr_gemm(gates, (int)G4, x, C, Wih, C, false, true, 1.0f, 1.0f, (int)TB,
        (int)G4, C);
    struct span s = {h, c, gates, NULL, NULL, NULL, NULL, Whh, B, 0, B, T,
        H};
    run_spans(&s, NULL);
}

/* Backward of one step's cell: dh (B, H) in, dc (B, H) in/out (d loss /
 * d c_t in, d loss / d c_{t-1} out), dG (B, 4H) out. */
static void
cell_backward(float *dG, float *dc, const float *dh, const float *G,
    const float *c, const float *cprev, int B, int H)
{
    for (size_t b = 0; b < (size_t)B; b++) {
        const float *g_b = G + b * 4 * (size_t)H;
        float *dg_b = dG + b * 4 * (size_t)H;
        const float *c_b = c + b * (size_t)H, *dh_b = dh + b * (size_t)H;
        const float *cp_b = cprev ? cprev + b * (size_t)H : NULL;
        float *dc_b = dc + b * (size_t)H;
        for (size_t j = 0; j < (size_t)H; j += VR_VW) {
            vr_v16f i = vr_v16_load(g_b + j), f = vr_v16_load(g_b + H + j);
            vr_v16f g = vr_v16_load(g_b + 2 * H + j);
            vr_v16f o = vr_v16_load(g_b + 3 * H + j);
            vr_v16f d = vr_v16_load(dh_b + j);
            vr_v16f tc = vr_v16_tanh(vr_v16_load(c_b + j));
            vr_v16f cp = cp_b ? vr_v16_load(cp_b + j) : i - i;
            // dc = dc_next + dh o (1 - tanh^2 c)
            vr_v16f dct = vr_v16_load(dc_b + j) + d * o * (1.0f - tc * tc);
            vr_v16_store(dg_b + j, dct * g * i * (1.0f - i));
            vr_v16_store(dg_b + H + j, dct * cp * f * (1.0f - f));
            vr_v16_store(dg_b + 2 * H + j, dct * i * (1.0f - g * g));
            vr_v16_store(dg_b + 3 * H + j, d * tc * o * (1.0f - o));
            vr_v16_store(dc_b + j, dct * f);
        }
    }
}

typedef float v8f __attribute__((vector_size(32), aligned(4)));
typedef double v8d __attribute__((vector_size(64), aligned(8)));

/* db[k] += sum_r in[r][k] in double; in (R, K), K a multiple of 8. */
static void
colsum_add(double *db, const float *in, size_t R, size_t K)
{
    for (size_t k = 0; k < K; k += 8) {
        v8d acc;
        memcpy(&acc, db + k, sizeof(acc));
        for (size_t r = 0; r < R; r++) {
            v8f x;
            memcpy(&x, in + r * K + k, sizeof(x));
            acc += __builtin_convertvector(x, v8d);
        }
        memcpy(db + k, &acc, sizeof(acc));
    }
}

static void
span_backward(const struct span *s)
{
    size_t G4 = 4 * (size_t)s->H, BH = (size_t)s->B * s->H;
    size_t BG = (size_t)s->B * G4, o = (size_t)s->b0, H = (size_t)s->H;
    float *dc = s->dc + o * H;

    memset(dc, 0, (size_t)s->nb * H * sizeof(float));
    memset(s->db, 0, G4 * sizeof(double));
    for (int t = s->T - 1; t >= 0; t--) {
        float *dG_t = s->dG + (size_t)t * BG + o * G4;
        cell_backward(dG_t, dc, s->dh + (size_t)t * BH + o * H,
            s->G + (size_t)t * BG + o * G4, s->c + (size_t)t * BH + o * H,
            t > 0 ? s->c + (size_t)(t - 1) * BH + o * H : NULL, s->nb,
            s->H);
        // bias gradient: column sums of dG_t, in double, while it is hot
        colsum_add(s->db, dG_t, (size_t)s->nb, G4);
        // dh_{t-1} (nb, H) += dG_t (nb, 4H) Whh (4H, H)
        if (t > 0)
            vr_gemm(s->dh + (size_t)(t - 1) * BH + o * H, s->H, dG_t,
                (int)G4, s->Whh, s->H, false, false, 1.0f, 1.0f, s->nb,
                s->H, (int)G4);
    }
}

void
vr_lstm_backward(float *dx, float *dWih, float *dWhh, float *dbih,
    float *dbhh, float *dh, float *dG, float *dc, const float *x,
    const float *h, const float *c, const float *gates, const float *Wih,
    const float *Whh, int B, int T, int C, int H)
{
    size_t G4 = 4 * (size_t)H, BG = (size_t)B * G4, TB = (size_t)T * B;
    double *dbp;
    struct span s = {(float *)h, (float *)c, (float *)gates, dh, dG, dc,
        NULL, Whh, B, 0, B, T, H};

    // per-slice bias sums (a few kB; out of memory here is not something
    // the caller could handle better than an abort)
    dbp = malloc(G4 * (size_t)nspans(B) * sizeof(double));
    VR_ASSERT(dbp != NULL);
    int n = run_spans(&s, dbp);
    // dbih, dbhh += the spans' sums, added in span order
    for (size_t k = 0; k < G4; k++) {
        double acc = 0;
        for (int q = 0; q < n; q++)
            acc += dbp[(size_t)q * G4 + k];
        dbih[k] += (float)acc;
        if (dbhh != dbih)
            dbhh[k] += (float)acc;
    }
    free(dbp);
    // dWhh (4H, H) += sum_{t>=1} dG_t^T h_{t-1}: one GEMM of (T-1)*B rows
    if (T > 1)
        vr_gemm(dWhh, H, dG + BG, (int)G4, h, H, true, false, 1.0f, 1.0f,
            (int)G4, H, (int)(TB - (size_t)B));
    // dWih (4H, C) += dG^T (4H, T*B) x (T*B, C)
    vr_gemm(dWih, C, dG, (int)G4, x, C, true, false, 1.0f, 1.0f, (int)G4, C,
        (int)TB);
    // dx (T*B, C) += dG (T*B, 4H) Wih (4H, C)
    if (dx != NULL)
        vr_gemm(dx, C, dG, (int)G4, Wih, C, false, false, 1.0f, 1.0f,
            (int)TB, C, (int)G4);
}

int
vr_lstmnet_init(struct vr_lstmnet *n, int L, int C, int H, int V)
{
    size_t off = 0;
    int k = 0;

    memset(n, 0, sizeof(*n));
    if (L < 1 || L > VR_LSTM_MAXL || C < 1 || C > 65536 || H < VR_VW ||
        H > 16384 || H % VR_VW != 0 || V < 1 || V > 65536)
        return VR_ERANGE;
    n->L = L;
    n->C = C;
    n->H = H;
    n->V = V;
    for (int l = 0; l < L; l++) {
        static const char *fmt[4] = {"lstm.weight_ih_l%d",
            "lstm.weight_hh_l%d", "lstm.bias_ih_l%d", "lstm.bias_hh_l%d"};
        size_t cols[4] = {l == 0 ? (size_t)C : (size_t)H, (size_t)H, 0, 0};
        for (int q = 0; q < 4; q++, k++) {
            struct vr_param *p = &n->param[k];
            snprintf(p->name, sizeof(p->name), fmt[q], l);
            p->rank = cols[q] ? 2 : 1;
            p->shape[0] = 4 * (size_t)H;
            p->shape[1] = cols[q];
            p->n = p->shape[0] * (cols[q] ? cols[q] : 1);
            p->off = off;
            off += p->n;
        }
    }
    n->param[k] = (struct vr_param){"fc.weight", off, 2,
        {(size_t)V, (size_t)H}, (size_t)V * H};
    off += (size_t)V * H;
    n->param[k + 1] = (struct vr_param){"fc.bias", off, 1, {(size_t)V, 0},
        (size_t)V};
    off += (size_t)V;
    n->nparam = k + 2;
    n->nparams = off;
    if (off > VR_MAXPARAM_FLOATS)
        return VR_ERANGE;
    n->params = vr_callocarray(off, sizeof(float));
    n->grads = vr_callocarray(off, sizeof(float));
    if (n->params == NULL || n->grads == NULL) {
        vr_lstmnet_free(n);
        return VR_ENOMEM;
    }
    for (int l = 0; l < L; l++) {
        float **v[8] = {&n->Wih[l], &n->Whh[l], &n->bih[l], &n->bhh[l],
            &n->dWih[l], &n->dWhh[l], &n->dbih[l], &n->dbhh[l]};
        for (int q = 0; q < 4; q++) {
            *v[q] = n->params + n->param[4 * l + q].off;
            *v[4 + q] = n->grads + n->param[4 * l + q].off;
        }
    }
    n->fcW = n->params + n->param[k].off;
    n->fcb = n->params + n->param[k + 1].off;
    n->dfcW = n->grads + n->param[k].off;
    n->dfcb = n->grads + n->param[k + 1].off;
    return VR_OK;
}

void
vr_lstmnet_init_params(struct vr_lstmnet *n, struct vr_rng *rng)
{
    double k = 1.0 / sqrt((double)n->H);

    for (size_t i = 0; i < n->nparams; i++)
        n->params[i] = (float)((2.0 * vr_rng_uniform(rng) - 1.0) * k);
}

/* Buffers for B*T rows. */
static int
reserve(struct vr_lstmnet *n, int B, int T)
{
    size_t rows = (size_t)B * (size_t)T, H = (size_t)n->H, per;

    if (rows <= n->cap && B <= n->Bcap)
        return VR_OK;
    if (rows < n->cap)
        rows = n->cap;
    if (B < n->Bcap)
        B = n->Bcap;
    // xt C, per layer gates 4H + c H + h H, dG 4H, dh 2H; dc B*H
    per = (size_t)n->C + (size_t)n->L * 6 * H + 6 * H;
    float *a = vr_mallocarray(rows * per + (size_t)B * H, sizeof(float));
    if (a == NULL)
        return VR_ENOMEM;
    free(n->acts);
    n->acts = a;
    n->xt = a;
    a += rows * (size_t)n->C;
    for (int l = 0; l < n->L; l++) {
        n->gates[l] = a;
        n->c[l] = a + rows * 4 * H;
        n->h[l] = a + rows * 5 * H;
        a += rows * 6 * H;
    }
    n->dG = a;
    n->dh[0] = a + rows * 4 * H;
    n->dh[1] = a + rows * 5 * H;
    n->dc = a + rows * 6 * H;
    n->cap = rows;
    n->Bcap = B;
    return VR_OK;
}

int
vr_lstmnet_forward(struct vr_lstmnet *n, float *logits, const float *x,
    int B, int T)
{
    size_t C = (size_t)n->C, H = (size_t)n->H;
    int rc;

    if ((rc = reserve(n, B, T)) != VR_OK)
        return rc;
    n->B = B;
    n->T = T;
    // xt[t][b][:] = x[b][t][:]
    for (size_t b = 0; b < (size_t)B; b++)
        for (size_t t = 0; t < (size_t)T; t++)
            memcpy(n->xt + (t * B + b) * C, x + (b * T + t) * C,
                C * sizeof(float));
    for (int l = 0; l < n->L; l++)
        vr_lstm_forward(n->h[l], n->c[l], n->gates[l],
            l == 0 ? n->xt : n->h[l - 1], n->Wih[l], n->Whh[l], n->bih[l],
            n->bhh[l], B, T, l == 0 ? n->C : n->H, n->H);
    // logits (B, V) = h_{T-1} of the last layer, fc
    vr_dense_forward(logits, n->h[n->L - 1] + (size_t)(T - 1) * B * H,
        (int)H, n->fcW, n->fcb, B, (int)H, n->V);
    return VR_OK;
}

void
vr_lstmnet_backward(struct vr_lstmnet *n, const float *dlogits)
{
    int B = n->B, T = n->T, H = n->H;
    size_t BH = (size_t)B * H, rows = (size_t)T * B;
    float *dh = n->dh[0], *dbelow = n->dh[1];

    // d h_{T-1} of the top layer from fc; no other step feeds the loss
    memset(dh, 0, rows * H * sizeof(float));
    vr_dense_backward(dh + (size_t)(T - 1) * BH, H, n->dfcW, n->dfcb,
        dlogits, n->h[n->L - 1] + (size_t)(T - 1) * BH, H, n->fcW, B, H,
        n->V);
    for (int l = n->L - 1; l >= 0; l--) {
        if (l > 0)
            memset(dbelow, 0, rows * H * sizeof(float));
        vr_lstm_backward(l > 0 ? dbelow : NULL, n->dWih[l], n->dWhh[l],
            n->dbih[l], n->dbhh[l], dh, n->dG, n->dc,
            l == 0 ? n->xt : n->h[l - 1], n->h[l], n->c[l], n->gates[l],
            n->Wih[l], n->Whh[l], B, T, l == 0 ? n->C : H, H);
        float *s = dh;
        dh = dbelow;
        dbelow = s;
    }
}

void
vr_lstmnet_free(struct vr_lstmnet *n)
{
    free(n->params);
    free(n->grads);
    free(n->acts);
    n->params = n->grads = n->acts = NULL;
    n->cap = 0;
    n->Bcap = 0;
}
