/*
 * msm.c: Pippenger multi-scalar multiplication in G1 and G2, see msm.h.
 *
 * This file holds the group-independent half: scratch layout, scalar
 * recoding (canonical form, negation, bit lengths, groups, signed
 * digits) and the choice of window.  The group half (sorting points into
 * buckets, batched affine additions, bucket and window sums) is written
 * once in msm.inc and instantiated below for G1 over Fp and G2 over Fp2,
 * the way blst instantiates its Pippenger for E1 and E2 with macros.
 *
 * Shapes for a run on n points, split into groups of m points each:
 *   k     (n, 4)   canonical scalars, possibly negated (uint64 limbs)
 *   bl    (n)      bit length of k, 0 = skip (zero scalar or base at inf)
 *   neg   (n)      1 if k was replaced by r - k
 *   idx   (n)      point indices, grouped: group g at [goff[g], +m_g)
 *   dig   (W, m)   signed digits of the current group, sign includes neg
 *   ws    (W, P)   Jacobian sum of window w over part p of the points
 *   per thread:    buckets, sort counters, a sorted block of points and
 *                  the batch of pending additions
 */
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "vr.h"
#include "base/par.h"
#include "curve/msm.h"
#include "field/fp2v.h"
#include "field/fpv.h"
#include "field/limb.h"

#define NGROUP 6
static const int group_bits[NGROUP] = {1, 8, 16, 32, 64, 254};
#define GROUP_MERGE_MIN 256     /* smaller groups join the next one up */
#define PAR_MIN_ADDS 8192       /* groups with fewer point additions
                                   (points x windows) run on one thread */
#define PAR_MIN_PREP 16384      /* so does scalar preparation below this */

#define CMAX 16                 /* widest window: 2^15 buckets */
#define SUB_LOG2 14             /* points sorted per block */
#define BATCH 1024              /* additions sharing one inversion */
#define ALIGN 64
#define SEG 256                 /* most running sums side by side */
#define SEG_MIN_NB 1024         /* (the window model's batched sums) */
#define MULTI_NB 8192           /* buckets a thread may hold for several
                                   windows at once */
#define SUB_MIN_LOG2 13         /* entries sorted per block, at least */

/* -- scalar recoding ----------------------------------------------------- */

/* (r - 1) / 2: scalars above it are negated. */
static const uint64_t half_r[4] = {
    0xa1f0fac9f8000000ULL, 0x9419f4243cdcb848ULL,
    0xdc2822db40c0ac2eULL, 0x183227397098d014ULL
};

static int
windows(int bits, int c)
{
    // Digits in (-2^(c-1), 2^(c-1)]: the top window takes at most c-1 bits
    // of k plus a carry, so ceil((bits+1)/c) windows never carry out.
    return (bits + c) / c;
}

/*
 * Window width for m points of at most `bits` bits: minimize
 *   W(c) * (m * A + 2^(c-1) * R),
 * A ~ 8 multiplications per batched affine addition (with the sort), and
 * R per bucket in the window sum: ~17 for the batched segment sums of
 * SEG_MIN_NB buckets and more (two batched additions and their share of
 * the inversions), and 12 below, where the sums of several windows share
 * their flushes or run as Jacobian sums (see segments() in msm.inc); the
 * 12 was tuned on MSMs of 2^10 points.
 */
static int
choose_c(size_t m, int bits)
{
    double best = 0;
    int bc = 1;

    for (int c = 1; c <= CMAX; c++) {
        size_t nb = (size_t)1 << (c - 1);
        double cost = (double)windows(bits, c) *
            ((double)m * 8.0 + (double)nb * (nb >= SEG_MIN_NB ? 17.0 : 12.0));
        if (c == 1 || cost < best) {
            best = cost;
            bc = c;
        }
    }
    return bc;
}

static int
bitlen(const uint64_t k[4])
{
    for (int i = 3; i >= 0; i--)
        if (k[i])
            return 64 * i + 64 - __builtin_clzll(k[i]);
    return 0;
}

static int
greater(const uint64_t a[4], const uint64_t b[4])
{
    for (int i = 3; i >= 0; i--)
        if (a[i] != b[i])
            return a[i] > b[i];
    return 0;
}

static int
group_of(int bits)
{
    int g = 0;

    while (bits > group_bits[g])
        g++;
    return g;
}

/* Bits [o, o + c) of k, o < 256. */
static uint32_t
extract(const uint64_t k[4], int o, int c)
{
    int limb = o >> 6, sh = o & 63;
    uint64_t v = k[limb] >> sh;

    if (sh + c > 64 && limb < 3)
        v |= k[limb + 1] << (64 - sh);
    return (uint32_t)(v & (((uint64_t)1 << c) - 1));
}

/* -- scratch layout -------------------------------------------------------- */

struct pair_hdr {               /* the size of one pending addition's record */
    void *dst;
    const void *p, *q;
    int32_t kind, slot;
};

struct layout {
    int T;                      /* threads */
    int c_cap;                  /* widest window any group may use */
    size_t dig_cap;             /* digits (int32) the buffer holds */
    size_t sub;                 /* entries (point, window) per block */
    size_t nbk;                 /* buckets a thread holds */
    size_t k, bl, neg, idx, dig, ws, conv;      /* offsets */
    size_t thr, thr_stride;     /* per-thread areas */
    size_t t_bk, t_occ, t_cnt, t_start, t_fill, t_act, t_ne, t_buf, t_pr,
        t_num, t_den, t_pre, t_seg, t_lam;  /* offsets inside a thread area */
    size_t total;
};

static size_t
round_up(size_t x)
{
    return (x + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

/* *off = current end; end += size (rounded). */
static void
place(size_t *off, size_t *end, size_t size)
{
    *off = *end;
    *end += round_up(size);
}

static int
layout_init(struct layout *L, size_t n, int T, size_t aff, size_t fsz,
    size_t jac)
{
    size_t end = 0, nb, e;

    if (n > VR_MSM_MAX_N || sizeof(size_t) < 8)
        return VR_ERANGE;
    if (T < 1)
        T = 1;
    if (T > VR_PAR_MAX)
        T = VR_PAR_MAX;
    memset(L, 0, sizeof(*L));
    L->T = T;
    L->c_cap = 1;
    for (int bits = 1; bits <= 254; bits++) {
        int c = choose_c(n, bits);
        size_t d = n * (size_t)windows(bits, c);
        if (c > L->c_cap)
            L->c_cap = c;
        if (d > L->dig_cap)
            L->dig_cap = d;
    }
    // Blocks of up to 2^SUB_LOG2 entries; small n sort several windows
    // at once, so their blocks hold up to 8 entries a point.
    L->sub = (size_t)1 << SUB_LOG2;
    if (n < L->sub) {
        L->sub = n < ((size_t)1 << SUB_MIN_LOG2) / 8 ?
            8 * n : (size_t)1 << SUB_MIN_LOG2;
        if (L->sub < n)
            L->sub = n;
    }
    if (L->sub == 0)
        L->sub = 1;
    nb = (size_t)1 << (L->c_cap - 1);
    if (nb < MULTI_NB)
        nb = 2 * n < MULTI_NB ? (2 * n > nb ? 2 * n : nb) : MULTI_NB;
    L->nbk = nb;
    place(&L->k, &end, n * 4 * sizeof(uint64_t));
    place(&L->bl, &end, n);
    place(&L->neg, &end, n);
    place(&L->idx, &end, n * sizeof(uint32_t));
    place(&L->dig, &end, L->dig_cap * sizeof(int32_t));
    place(&L->ws, &end, (size_t)255 * (size_t)T * jac);
#ifdef VR_FPV
    place(&L->conv, &end, n * aff);     /* the bases, y / 4 (msm.inc) */
#endif
    // One thread's area.
    e = 0;
    place(&L->t_bk, &e, nb * aff);
    place(&L->t_occ, &e, nb);
    place(&L->t_cnt, &e, nb * sizeof(uint32_t));
    place(&L->t_start, &e, nb * sizeof(uint32_t));
    place(&L->t_fill, &e, nb * sizeof(uint32_t));
    place(&L->t_act, &e, nb * sizeof(uint32_t));
    place(&L->t_ne, &e, nb * sizeof(uint32_t));
    place(&L->t_buf, &e, L->sub * aff);
    place(&L->t_pr, &e, BATCH * sizeof(struct pair_hdr));
    place(&L->t_num, &e, BATCH * fsz);
    place(&L->t_den, &e, BATCH * fsz);
    place(&L->t_pre, &e, BATCH * fsz);
    place(&L->t_seg, &e, 2 * (size_t)SEG * aff);
#ifdef VR_FPV
    // lam, dv: BATCH / 8 vectors each, of fsz / 32 Fp coefficients; cp.
    place(&L->t_lam, &e, 2 * (BATCH / 8) * (fsz / 32) * sizeof(vr_fpv) +
        BATCH * aff);
#endif
    L->thr_stride = e;
    place(&L->thr, &end, (size_t)T * e);
    L->total = end + ALIGN;     /* slack to align the caller's pointer */
    return VR_OK;
}

/* -- the shared run state ---------------------------------------------------- */

struct run {
    struct layout L;
    unsigned char *base;        /* scratch, aligned */
    uint64_t (*k)[4];
    uint8_t *bl, *neg;
    uint32_t *idx;
    int32_t *dig;
    const vr_fr *scalars;
    const void *bases;
    int (*base_inf)(const void *bases, size_t i);
    // Bases as the buckets take them: conv[i] = base_in(bases, i) when
    // base_in is set (the IFMA flush's curve), else bases themselves.
    void (*base_in)(void *conv, const void *bases, size_t i);
    const void *cbases;
    size_t n;
    // The current group.
    const uint32_t *gidx;       /* its point indices */
    size_t m;
    int bits, c, W, P;
    int nw;                     /* windows a task takes (then P = 1) */
    atomic_int next_task;
    // Recoding in nrc chunks that threads claim (next_rc) and count off
    // (rc_done): a thread that starts late finds the work shared out
    // instead of holding the others at a barrier.
    int nrc;                    /* chunks of rcsz points, the last shorter */
    size_t rcsz;
    atomic_int next_rc, rc_done;
};

static void
prep_kernel(void *arg, int tid, int nt)
{
    struct run *R = arg;
    size_t lo, hi;

    vr_par_range(&lo, &hi, R->n, tid, nt);
    for (size_t i = lo; i < hi; i++) {
        uint64_t *k = R->k[i];

        R->neg[i] = 0;
        vr_fr_to_canonical(k, &R->scalars[i]);
        if (R->base_inf(R->bases, i)) {
            R->bl[i] = 0;
            continue;
        }
        if (R->base_in != NULL)
            R->base_in(R->base + R->L.conv, R->bases, i);
        if (greater(k, half_r)) {
            vr_fr t;
            vr_fr_neg(&t, &R->scalars[i]);
            vr_fr_to_canonical(k, &t);
            R->neg[i] = 1;
        }
        R->bl[i] = (uint8_t)bitlen(k);
    }
}

/* Digits of the current group's points [lo, hi) into dig (W, m). */
static void
recode(struct run *R, size_t lo, size_t hi)
{
    int c = R->c, W = R->W;
    int32_t halfc = (int32_t)1 << (c - 1), full = (int32_t)1 << c;

    for (size_t pos = lo; pos < hi; pos++) {
        uint32_t i = R->gidx[pos];
        const uint64_t *k = R->k[i];
        int32_t carry = 0, sgn = R->neg[i] ? -1 : 1;

        for (int w = 0; w < W; w++) {
            int32_t d = (int32_t)extract(k, w * c, c) + carry;
            carry = d > halfc;
            d -= carry * full;
            R->dig[(size_t)w * R->m + pos] = sgn * d;
        }
        VR_ASSERT(carry == 0);
    }
}

/* Recode the current group's digits, chunks claimed by whichever thread
 * asks, and return once every chunk is done. */
static void
recode_shared(struct run *R)
{
    size_t csz = R->rcsz;
    int t;

    while ((t = atomic_fetch_add(&R->next_rc, 1)) < R->nrc) {
        size_t lo = (size_t)t * csz;
        recode(R, lo, R->m - lo < csz ? R->m : lo + csz);
        atomic_fetch_add(&R->rc_done, 1);
    }
    while (atomic_load(&R->rc_done) < R->nrc)
        sched_yield();  /* only chunks being recoded are left */
}

/*
 * Group the points: returns the number of groups, with gm[g] points and
 * gbits[g] bits at idx[goff[g] ..].  Groups smaller than GROUP_MERGE_MIN
 * join the next nonempty group up (one more Pippenger run costs more
 * than a few extra windows for them).
 */
static int
make_groups(struct run *R, size_t gm[NGROUP], size_t goff[NGROUP],
    int gbits[NGROUP])
{
    size_t cnt[NGROUP] = {0}, fill[NGROUP];
    int maxb[NGROUP] = {0}, to[NGROUP];
    int ng = 0;

    for (size_t i = 0; i < R->n; i++) {
        int b = R->bl[i];
        if (b == 0)
            continue;
        int g = group_of(b);
        cnt[g]++;
        if (b > maxb[g])
            maxb[g] = b;
    }
    // to[g]: the group g's points join.
    for (int g = NGROUP - 1; g >= 0; g--) {
        to[g] = g;
        if (cnt[g] == 0 || cnt[g] >= GROUP_MERGE_MIN)
            continue;
        for (int h = g + 1; h < NGROUP; h++)
            if (cnt[h] > 0) {
                to[g] = to[h];
                break;
            }
    }
    for (int g = 0; g < NGROUP; g++)
        if (to[g] != g) {
            cnt[to[g]] += cnt[g];
            cnt[g] = 0;
            if (maxb[g] > maxb[to[g]])
                maxb[to[g]] = maxb[g];
        }
    size_t off = 0;
    for (int g = 0; g < NGROUP; g++) {
        goff[g] = fill[g] = off;
        off += cnt[g];
    }
    for (size_t i = 0; i < R->n; i++)
        if (R->bl[i] != 0) {
            int g = to[group_of(R->bl[i])];
            R->idx[fill[g]++] = (uint32_t)i;
        }
    for (int g = 0; g < NGROUP; g++)
        if (cnt[g] > 0) {
            gm[ng] = cnt[g];
            goff[ng] = goff[g];
            gbits[ng] = maxb[g];
            ng++;
        }
    return ng;
}

/* Window and split for the current group. */
static void
plan_group(struct run *R, int T)
{
    int c = choose_c(R->m, R->bits);

    if (c > R->L.c_cap || R->m * (size_t)windows(R->bits, c) > R->L.dig_cap)
        c = choose_c(R->n, R->bits);    /* fits: m <= n */
    R->c = c;
    R->W = windows(R->bits, c);
    // Small windows: a task takes several, so that a flush serves them
    // all; as many as the bucket space holds, in about T k equal tasks
    // (k >= 2 with threads, so that one that starts late still gets a
    // share).
    size_t cap = R->L.nbk >> (c - 1);
    if (cap > R->L.sub)
        cap = R->L.sub;
    R->nw = 1;
    for (int k = T > 1 ? 2 : 1; cap >= 2; k++) {
        int nw = (R->W + T * k - 1) / (T * k);
        if ((size_t)nw <= cap) {
            R->nw = nw;
            break;
        }
    }
    // Split the points as well as the windows when the windows alone do
    // not share out evenly among the threads.
    R->P = (R->nw == 1 && T > 1 && R->W % T != 0 && R->W < 4 * T) ? T : 1;
}

static int
setup(struct run *R, void *scratch, const void *bases,
    int (*base_inf)(const void *, size_t),
    void (*base_in)(void *, const void *, size_t), const vr_fr *scalars,
    size_t n, int nthreads, size_t aff, size_t fsz, size_t jac)
{
    int rc;

    if ((rc = layout_init(&R->L, n, nthreads, aff, fsz, jac)) != VR_OK)
        return rc;
    R->base = (unsigned char *)(((uintptr_t)scratch + ALIGN - 1) &
        ~(uintptr_t)(ALIGN - 1));
    R->k = (uint64_t (*)[4])(R->base + R->L.k);
    R->bl = R->base + R->L.bl;
    R->neg = R->base + R->L.neg;
    R->idx = (uint32_t *)(R->base + R->L.idx);
    R->dig = (int32_t *)(R->base + R->L.dig);
    R->scalars = scalars;
    R->bases = bases;
    R->base_inf = base_inf;
    R->base_in = base_in;
    R->cbases = base_in != NULL ? (const void *)(R->base + R->L.conv) : bases;
    R->n = n;
    return VR_OK;
}

/* -- G1 ------------------------------------------------------------------- */

/* Fp through the limb.h routines inline (fp.h offers them for hot loops):
 * the batched additions are bound by these calls. */
static inline void
fpi_mul(vr_fp *r, const vr_fp *a, const vr_fp *b)
{
    vr_limb_mont_mul(r->l, a->l, b->l, vr_fp_modulus, VR_FP_N0);
}

static inline void
fpi_sqr(vr_fp *r, const vr_fp *a)
{
    vr_limb_mont_sqr(r->l, a->l, vr_fp_modulus, VR_FP_N0);
}

static inline void
fpi_add(vr_fp *r, const vr_fp *a, const vr_fp *b)
{
    vr_limb_add_mod(r->l, a->l, b->l, vr_fp_modulus);
}

static inline void
fpi_sub(vr_fp *r, const vr_fp *a, const vr_fp *b)
{
    vr_limb_sub_mod(r->l, a->l, b->l, vr_fp_modulus);
}

static inline void
fpi_dbl(vr_fp *r, const vr_fp *a)
{
    vr_limb_add_mod(r->l, a->l, a->l, vr_fp_modulus);
}

static inline void
fpi_neg(vr_fp *r, const vr_fp *a)
{
    vr_limb_neg_mod(r->l, a->l, vr_fp_modulus);
}

#define fpi_inv_var vr_fp_inv_var

#ifdef VR_FPV
/*
 * The additions run eight at a time on fpv.h's IFMA lanes, whose
 * Montgomery product is a b 2^-260 where fp.c's is a b 2^-256.  Read in
 * that domain, fp.c's limbs of a coordinate v stand for v / 16.  Instead
 * of converting every number, the buckets hold points of the isomorphic
 * curve y^2 = x^3 + b/u^6 with u = 4, (x, y) -> (x / u^2, y / u^3): the
 * affine addition and doubling formulas never use the curve constant, so
 * they are the same there (for G2 over Fp2 as well: u is in Fp).  x / 16
 * is what fp.c's limbs of x already stand for, so x passes through
 * unchanged; y / 64 is fp.c's y / 4.  So y is divided by 4 when a base
 * enters the buckets (Y_CONV, once per MSM) and multiplied by 4 when a
 * bucket sum leaves for the Jacobian sums (Y_OUT), and a square taken on
 * the scalar side for a doubling is divided by 16.
 */
#define FLUSH_VEC 1

/* y = y / 2 mod p. */
static inline void
fpi_half(vr_fp *r, const vr_fp *a)
{
    vr_limb_half_mod(r->l, a->l, vr_fp_modulus);
}

/* k p for k < 4. */
static const uint64_t kp_[4][4] = {
    {0, 0, 0, 0},
    {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL,
     0xb85045b68181585dULL, 0x30644e72e131a029ULL},
    {0x7841182db0f9fa8eULL, 0x2f02d522d0e3951aULL,
     0x70a08b6d0302b0bbULL, 0x60c89ce5c2634053ULL},
    {0xb461a4448976f7d5ULL, 0xc6843fb439555fa7ULL,
     0x28f0d12384840918ULL, 0x912ceb58a394e07dULL},
};

/* y = y / 4 mod p: add the multiple k p (k < 4) that makes y divisible
 * by 4 (y + 3p < 2^256), then shift. */
static inline void
fpi_quarter(vr_fp *y)
{
    uint64_t t[4];

    vr_limb_add_raw(t, y->l, kp_[(y->l[0] * VR_FP_N0) & 3]);
    y->l[0] = (t[0] >> 2) | (t[1] << 62);
    y->l[1] = (t[1] >> 2) | (t[2] << 62);
    y->l[2] = (t[2] >> 2) | (t[3] << 62);
    y->l[3] = t[3] >> 2;
}

static inline void
fpi_y_out(vr_fp *y)
{
    fpi_dbl(y, y);
    fpi_dbl(y, y);
}

/* a^2 in the 2^260 domain: fp.c's square, divided by 16. */
static inline void
fpi_sqr_flush(vr_fp *r, const vr_fp *a)
{
    fpi_sqr(r, a);
    for (int i = 0; i < 4; i++)
        fpi_half(r, r);
}

/* The lanes' operations for msm.inc (V_), over Fp. */
#define fpv_mul vr_fpv_mul
#define fpv_sub vr_fpv_sub
#define fpv_load vr_fpv_load
#define fpv_store vr_fpv_store
#define fpv_load_pts vr_fpv_load_pairs
#define fpv_load_xs vr_fpv_load_firsts
#define fpv_store_pts vr_fpv_store_pairs

#define Y_CONV(y) fpi_quarter(y)
#define Y_OUT(y) fpi_y_out(y)
#define F_SQR_FLUSH(r, a) fpi_sqr_flush(r, a)
#define T_V vr_fpv
#define V_(op) fpv_##op
/* In units of one batched addition (about 25 ns here), measured: a
 * flush's inversion and set-up, a Jacobian mixed + full addition, a
 * doubling. */
#define COST_FLUSH 80.0
#define COST_JAC 18.0
#define COST_DBL 5.0
#else
#define Y_OUT(y) ((void)(y))
#define F_SQR_FLUSH(r, a) fpi_sqr(r, a)
#define COST_FLUSH 40.0         /* a batched addition is ~110 ns here */
#define COST_JAC 5.0
#define COST_DBL 1.5
#endif

#define T_AFF vr_g1_affine
#define T_JAC vr_g1
#define T_F vr_fp
#define F_(op) fpi_##op
#define J_(op) vr_g1_##op
#define NAME(x) g1_##x
#include "curve/msm.inc"
#undef T_AFF
#undef T_JAC
#undef T_F
#undef F_
#undef J_
#undef NAME
#undef Y_CONV
#undef Y_OUT
#undef F_SQR_FLUSH
#undef T_V
#undef V_
#undef COST_FLUSH
#undef COST_JAC
#undef COST_DBL

/* -- G2 ------------------------------------------------------------------- */

#define T_AFF vr_g2_affine
#define T_JAC vr_g2
#define T_F vr_fp2
#define F_(op) vr_fp2_##op
#define J_(op) vr_g2_##op
#define NAME(x) g2_##x
#ifdef VR_FPV
/* The G1 scheme above, coefficient by coefficient. */
static inline void
fp2i_quarter(vr_fp2 *y)
{
    fpi_quarter(&y->c0);
    fpi_quarter(&y->c1);
}

static inline void
fp2i_y_out(vr_fp2 *y)
{
    fpi_y_out(&y->c0);
    fpi_y_out(&y->c1);
}

static inline void
fp2i_sqr_flush(vr_fp2 *r, const vr_fp2 *a)
{
    vr_fp2_sqr(r, a);
    for (int i = 0; i < 4; i++) {
        fpi_half(&r->c0, &r->c0);
        fpi_half(&r->c1, &r->c1);
    }
}

#define fp2v_mul vr_fp2v_mul
#define fp2v_sub vr_fp2v_sub
#define fp2v_load vr_fp2v_load
#define fp2v_store vr_fp2v_store

/* Affine G2 points at rec[i]: x = (c0, c1), then y 64 bytes on. */
static inline void
fp2v_load_pts(vr_fp2v *x, vr_fp2v *y, const void *const rec[8])
{
    const void *ry[8];

    for (int i = 0; i < 8; i++)
        ry[i] = (const unsigned char *)rec[i] + sizeof(vr_fp2);
    vr_fpv_load_pairs(&x->c0, &x->c1, rec);
    vr_fpv_load_pairs(&y->c0, &y->c1, ry);
}

static inline void
fp2v_load_xs(vr_fp2v *x, const void *const rec[8])
{
    vr_fpv_load_pairs(&x->c0, &x->c1, rec);
}

static inline void
fp2v_store_pts(void *const rec[8], int n, const vr_fp2v *x,
    const vr_fp2v *y)
{
    void *ry[8];

    for (int i = 0; i < 8; i++)
        ry[i] = (unsigned char *)rec[i] + sizeof(vr_fp2);
    vr_fpv_store_pairs(rec, n, &x->c0, &x->c1);
    vr_fpv_store_pairs(ry, n, &y->c0, &y->c1);
}

#define FLUSH_VEC 1
#define Y_CONV(y) fp2i_quarter(y)
#define Y_OUT(y) fp2i_y_out(y)
#define F_SQR_FLUSH(r, a) fp2i_sqr_flush(r, a)
#define T_V vr_fp2v
#define V_(op) fp2v_##op
#define COST_FLUSH 60.0         /* a batched addition ~75 ns here */
#define COST_JAC 20.0
#define COST_DBL 5.0
#else
#define Y_OUT(y) ((void)(y))
#define F_SQR_FLUSH(r, a) vr_fp2_sqr(r, a)
#define COST_FLUSH 12.0         /* over Fp2 a batched addition is ~350 ns */
#define COST_JAC 5.0
#define COST_DBL 1.5
#endif
#include "curve/msm.inc"
#undef T_AFF
#undef T_JAC
#undef T_F
#undef F_
#undef J_
#undef NAME

size_t
vr_g1_msm_scratch_size(size_t n, int nthreads)
{
    struct layout L;

    if (layout_init(&L, n, nthreads, sizeof(vr_g1_affine), sizeof(vr_fp),
        sizeof(vr_g1)) != VR_OK)
        return 0;
    return L.total;
}

size_t
vr_g2_msm_scratch_size(size_t n, int nthreads)
{
    struct layout L;

    if (layout_init(&L, n, nthreads, sizeof(vr_g2_affine), sizeof(vr_fp2),
        sizeof(vr_g2)) != VR_OK)
        return 0;
    return L.total;
}

int
vr_g1_msm(vr_g1 *out, void *scratch, const vr_g1_affine *bases,
    const vr_fr *scalars, size_t n, int nthreads)
{
    return g1_msm(out, scratch, bases, scalars, n, nthreads);
}

int
vr_g2_msm(vr_g2 *out, void *scratch, const vr_g2_affine *bases,
    const vr_fr *scalars, size_t n, int nthreads)
{
    return g2_msm(out, scratch, bases, scalars, n, nthreads);
}
