/*
 * modinv.c: variable-time modular inversion by batches of 62 divsteps,
 * see modinv.h.
 *
 * State (Bernstein-Yang): f, g with f = m, g = a at the start; d, e with
 * d a = f and e a = g (mod m) throughout (so d = 0, e = 1 at first); eta
 * = -delta.  A divstep, with f odd, is
 *   eta < 0 and g odd:  (eta, f, g) <- (-eta - 1, g, (g - f) / 2)
 *   otherwise:          (eta, f, g) <- (eta - 1, f, (g + (g mod 2) f) / 2)
 * 62 of them depend only on the low 62 bits of f and g, so they run on
 * single words, accumulating the 2x2 matrix t (scaled by 2^62) with
 * [f, g] <- t [f, g] / 2^62, then applied to the full f, g and, modulo m,
 * to d, e.  When g = 0, f = +-1 (the gcd) and d = +-a^-1.
 */
#include <string.h>

#include "field/modinv.h"

__extension__ typedef __int128 vr_i128;

#define M62 ((uint64_t)-1 >> 2)

const struct vr_modinv_mod vr_modinv_p = {
    {{0x3c208c16d87cfd47, 0x1e05aa45a1c72a34, 0x05045b68181585d9,
      0x19139cb84c680a6e, 0x30}},
    0x382df87d1b799c77
};

const struct vr_modinv_mod vr_modinv_r = {
    {{0x03e1f593f0000001, 0x20cfa121e6e5c245, 0x05045b68181585d2,
      0x19139cb84c680a6e, 0x30}},
    0x3d1e0a6c10000001
};

struct trans {
    int64_t u, v, q, r;
};

/*
 * 62 divsteps on the low words f0, g0 (f0 odd); returns the new eta and
 * leaves in t the matrix with t [f0, g0] = 2^62 [f', g'].  Runs of zero
 * low bits of g are skipped at once, and the elimination of g's low bits
 * by a multiple of f takes up to 6 (or 4) bits a step, with w = -g / f
 * mod 2^6 from f^-1 = f (f^2 - 2) mod 2^6 (mod 2^4: f + ((f+1) & 4) 2).
 */
static int64_t
divsteps(int64_t eta, uint64_t f0, uint64_t g0, struct trans *t)
{
    uint64_t u = 1, v = 0, q = 0, r = 1, f = f0, g = g0, m, w, tmp;
    int i = 62, limit, zeros;

    for (;;) {
        // A sentinel bit at i: count zeros only up to i.
        zeros = __builtin_ctzll(g | ((uint64_t)-1 << i));
        g >>= zeros;
        u <<= zeros;
        v <<= zeros;
        eta -= zeros;
        i -= zeros;
        if (i == 0)
            break;
        if (eta < 0) {
            // Swap: (f, g) <- (g, -f), and the rows of t with them.
            eta = -eta;
            tmp = f; f = g; g = 0 - tmp;
            tmp = u; u = q; q = 0 - tmp;
            tmp = v; v = r; r = 0 - tmp;
            limit = (int)eta + 1 > i ? i : (int)eta + 1;
            m = ((uint64_t)-1 >> (64 - limit)) & 63;
            w = (f * g * (f * f - 2)) & m;
        } else {
            limit = (int)eta + 1 > i ? i : (int)eta + 1;
            m = ((uint64_t)-1 >> (64 - limit)) & 15;
            w = f + (((f + 1) & 4) << 1);
            w = ((0 - w) * g) & m;
        }
        g += f * w;
        q += u * w;
        r += v * w;
    }
    t->u = (int64_t)u;
    t->v = (int64_t)v;
    t->q = (int64_t)q;
    t->r = (int64_t)r;
    return eta;
}

/*
 * [d, e] <- (t [d, e] + m [md, me]) / 2^62, with md, me chosen so that
 * the low 62 bits vanish, plus m where d or e was negative: keeps d and e
 * in (-2m, m).
 */
static void
update_de(struct vr_s62 *d, struct vr_s62 *e, const struct trans *t,
    const struct vr_modinv_mod *mod)
{
    const int64_t u = t->u, v = t->v, q = t->q, r = t->r;
    const int64_t *m = mod->m.v;
    int64_t sd = d->v[4] >> 63, se = e->v[4] >> 63;
    int64_t md = (u & sd) + (v & se), me = (q & sd) + (r & se);
    vr_i128 cd, ce;

    cd = (vr_i128)u * d->v[0] + (vr_i128)v * e->v[0];
    ce = (vr_i128)q * d->v[0] + (vr_i128)r * e->v[0];
    md -= (int64_t)((mod->minv62 * (uint64_t)cd + (uint64_t)md) & M62);
    me -= (int64_t)((mod->minv62 * (uint64_t)ce + (uint64_t)me) & M62);
    cd += (vr_i128)m[0] * md;
    ce += (vr_i128)m[0] * me;
    cd >>= 62;
    ce >>= 62;
    for (int i = 1; i < 5; i++) {
        cd += (vr_i128)u * d->v[i] + (vr_i128)v * e->v[i] +
            (vr_i128)m[i] * md;
        ce += (vr_i128)q * d->v[i] + (vr_i128)r * e->v[i] +
            (vr_i128)m[i] * me;
        d->v[i - 1] = (int64_t)((uint64_t)cd & M62);
        e->v[i - 1] = (int64_t)((uint64_t)ce & M62);
        cd >>= 62;
        ce >>= 62;
    }
    d->v[4] = (int64_t)cd;
    e->v[4] = (int64_t)ce;
}

/* [f, g] <- t [f, g] / 2^62 (exact). */
static void
update_fg(struct vr_s62 *f, struct vr_s62 *g, const struct trans *t)
{
    const int64_t u = t->u, v = t->v, q = t->q, r = t->r;
    vr_i128 cf, cg;

    cf = (vr_i128)u * f->v[0] + (vr_i128)v * g->v[0];
    cg = (vr_i128)q * f->v[0] + (vr_i128)r * g->v[0];
    cf >>= 62;
    cg >>= 62;
    for (int i = 1; i < 5; i++) {
        cf += (vr_i128)u * f->v[i] + (vr_i128)v * g->v[i];
        cg += (vr_i128)q * f->v[i] + (vr_i128)r * g->v[i];
        f->v[i - 1] = (int64_t)((uint64_t)cf & M62);
        g->v[i - 1] = (int64_t)((uint64_t)cg & M62);
        cf >>= 62;
        cg >>= 62;
    }
    f->v[4] = (int64_t)cf;
    g->v[4] = (int64_t)cg;
}

/* Carry limbs 0..3 into their successor (signed), leaving them in
 * [0, 2^62). */
static void
carry(int64_t v[5])
{
    for (int i = 0; i < 4; i++) {
        v[i + 1] += v[i] >> 62;
        v[i] &= (int64_t)M62;
    }
}

/* d in (-2m, m) -> (sign < 0 ? -d : d) mod m in [0, m). */
static void
normalize(struct vr_s62 *d, int64_t sign, const struct vr_modinv_mod *mod)
{
    int64_t *v = d->v, add = v[4] >> 63, neg = sign >> 63;

    for (int i = 0; i < 5; i++)
        v[i] += mod->m.v[i] & add;
    for (int i = 0; i < 5; i++)
        v[i] = (v[i] ^ neg) - neg;
    carry(v);
    add = v[4] >> 63;
    for (int i = 0; i < 5; i++)
        v[i] += mod->m.v[i] & add;
    carry(v);
}

void
vr_modinv_var(uint64_t r[4], const uint64_t a[4],
    const struct vr_modinv_mod *mod)
{
    struct vr_s62 d = {{0}}, e = {{1}}, f = mod->m, g;
    int64_t eta = -1;

    g.v[0] = (int64_t)(a[0] & M62);
    g.v[1] = (int64_t)((a[0] >> 62 | a[1] << 2) & M62);
    g.v[2] = (int64_t)((a[1] >> 60 | a[2] << 4) & M62);
    g.v[3] = (int64_t)((a[2] >> 58 | a[3] << 6) & M62);
    g.v[4] = (int64_t)(a[3] >> 56);
    if ((g.v[0] | g.v[1] | g.v[2] | g.v[3] | g.v[4]) == 0) {
        memset(r, 0, 4 * sizeof(uint64_t));
        return;
    }
    for (;;) {
        struct trans t;

        eta = divsteps(eta, (uint64_t)f.v[0], (uint64_t)g.v[0], &t);
        update_de(&d, &e, &t, mod);
        update_fg(&f, &g, &t);
        if (g.v[0] == 0 && (g.v[1] | g.v[2] | g.v[3] | g.v[4]) == 0)
            break;
    }
    // g = 0, f = +-gcd = +-1, and d a = f.
    normalize(&d, f.v[4], mod);
    r[0] = (uint64_t)d.v[0] | (uint64_t)d.v[1] << 62;
    r[1] = (uint64_t)d.v[1] >> 2 | (uint64_t)d.v[2] << 60;
    r[2] = (uint64_t)d.v[2] >> 4 | (uint64_t)d.v[3] << 58;
    r[3] = (uint64_t)d.v[3] >> 6 | (uint64_t)d.v[4] << 56;
}
