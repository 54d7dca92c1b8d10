/*
 * synth.c: the synthetic market, a seeded regime-switching generator of
 * minute candles (candles.h).
 *
 * Per minute t, in regime k (a Markov chain with geometric durations):
 *   h_t  = w_k + a e_{t-1}^2 + b h_{t-1}       GARCH(1,1), w_k = s_k^2 (1-a-b)
 *   r_t  = mu_k + sqrt(h_t) z_t + J_t            z ~ N(0,1), J a Poisson jump
 *   e_t  = r_t - mu_k                            (jumps feed the volatility)
 *   close = open exp(r_t), open = previous close
 *   high/low = max/min(open, close) stretched by a uniform share of sqrt(h_t)
 *   volume = V (sqrt(h_t)/s_0)^1.5 (1 + |z_t|/2) (1/2 + u) (1 + |J_t|/s_0)
 * Funding resets at 00, 08 and 16 UTC to base + lean_k + noise.
 * The constants are tuned so that 3-10 % of 60-minute forward returns pass
 * +/-2 % (check_fetch measures it).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/rng.h"
#include "market/candles.h"
#include "market/internal.h"

enum { BULL, BEAR, HIVOL, LOVOL, NREGIMES };

/* Per-regime drift (log return a minute), volatility (a minute) as a
 * multiple of S0, mean duration (minutes), funding lean. */
static const double mu_k[NREGIMES] = {4.0e-5, -4.5e-5, 0.0, 0.0};
static const double vol_k[NREGIMES] = {1.0, 1.25, 2.0, 0.55};
static const double dur_k[NREGIMES] = {2880, 2160, 720, 2880};
static const double lean_k[NREGIMES] = {2.0e-4, -1.5e-4, 0.5e-4, -0.2e-4};

#define S0 1.2e-3           /* base volatility a minute */
#define GA 0.06             /* GARCH reaction a */
#define GB 0.92             /* GARCH persistence b */
#define JUMP_EVERY 3000.0   /* mean minutes between jumps */
#define JUMP_SIZE 6.0e-3    /* jump standard deviation (log return) */
#define VOL_BASE 40.0       /* typical volume a minute */
#define FUND_BASE 1.0e-4    /* Binance's neutral 0.01 % */
#define FUND_NOISE 5.0e-5
#define FUND_MAX 3.0e-3
#define FUND_EVERY (8 * 3600 * 1000LL)

struct synth {
    struct vr_csrc base;
    struct vr_rng rng;
    int64_t t, left;        /* next open time, minutes still to give */
    double price, h, eprev, rate;
    int regime;
    int64_t stay;           /* minutes left in the regime */
    int64_t tojump;         /* minutes to the next jump */
    int last_regime;
};

/* Geometric (rounded exponential) waiting time with the given mean. */
static int64_t
wait(struct vr_rng *rng, double mean)
{
    double u = vr_rng_uniform(rng);
    return 1 + (int64_t)(-log1p(-u) * mean);
}

static void
new_rate(struct synth *s)
{
    double r = FUND_BASE + lean_k[s->regime] +
        FUND_NOISE * vr_rng_normal(&s->rng);
    s->rate = r > FUND_MAX ? FUND_MAX : r < -FUND_MAX ? -FUND_MAX : r;
}

static int
synth_next(struct vr_csrc *b, struct vr_candle *c)
{
    struct synth *s = (struct synth *)b;
    struct vr_rng *rng = &s->rng;
    double sk, w, sig, z, r, jump = 0, o, cl, hi, lo, u, ratio;

    if (s->left == 0)
        return 0;
    if (--s->stay <= 0) {
        /* move to one of the other three regimes, uniformly */
        s->regime = (s->regime + 1 + (int)vr_rng_below(rng, NREGIMES - 1)) %
            NREGIMES;
        s->stay = wait(rng, dur_k[s->regime]);
    }
    if (s->t % FUND_EVERY == 0)
        new_rate(s);
    sk = S0 * vol_k[s->regime];
    w = sk * sk * (1 - GA - GB);
    s->h = w + GA * s->eprev * s->eprev + GB * s->h;
    sig = sqrt(s->h);
    z = vr_rng_normal(rng);
    r = mu_k[s->regime] + sig * z;
    if (--s->tojump <= 0) {
        jump = JUMP_SIZE * vr_rng_normal(rng) +
            (s->regime == BULL ? 1e-3 : s->regime == BEAR ? -1e-3 : 0);
        r += jump;
        s->tojump = wait(rng, JUMP_EVERY);
    }
    s->eprev = r - mu_k[s->regime];
    o = s->price;
    cl = o * exp(r);
    hi = (o > cl ? o : cl) * (1 + 0.6 * sig * vr_rng_uniform(rng));
    lo = (o < cl ? o : cl) * (1 - 0.6 * sig * vr_rng_uniform(rng));
    ratio = sig / S0;
    u = vr_rng_uniform(rng);
    c->time = s->t;
    c->open = o;
    c->high = hi;
    c->low = lo;
    c->close = cl;
    c->volume = VOL_BASE * ratio * sqrt(ratio) * (1 + 0.5 * fabs(z)) *
        (0.5 + u) * (1 + fabs(jump) / S0);
    c->funding = s->rate;
    c->brk = false;
    s->price = cl;
    s->t += VR_MINUTE_MS;
    s->left--;
    s->last_regime = s->regime;
    b->line++;
    return 1;
}

static void
synth_free(struct vr_csrc *b)
{
    free(b);
}

int
vr_synth_regime(const struct vr_csrc *b)
{
    return ((const struct synth *)b)->last_regime;
}

int
vr_synth_new(struct vr_csrc **out, uint64_t seed, int64_t start, int64_t n)
{
    struct synth *s;

    *out = NULL;
    if ((s = calloc(1, sizeof(*s))) == NULL)
        return VR_ENOMEM;
    s->base.next = synth_next;
    s->base.free = synth_free;
    vr_market_msgf(s->base.name, sizeof(s->base.name), "synthetic");
    vr_rng_seed(&s->rng, seed);
    s->t = start - ((start % VR_MINUTE_MS) + VR_MINUTE_MS) % VR_MINUTE_MS;
    s->left = n > 0 ? n : 0;
    s->price = 30000.0 * exp(0.2 * vr_rng_normal(&s->rng));
    s->regime = (int)vr_rng_below(&s->rng, NREGIMES);
    s->stay = wait(&s->rng, dur_k[s->regime]);
    s->tojump = wait(&s->rng, JUMP_EVERY);
    s->h = S0 * vol_k[s->regime] * S0 * vol_k[s->regime];
    new_rate(s);
    *out = &s->base;
    return VR_OK;
}
