/*
 * synth.c: the synthetic market, a seeded regime-switching generator of
 * minute candles (candles.h), built so that the features of vr-feat(1)
 * carry real, regime-dependent information about the next hour.
 *
 * State per minute t: regime k (Markov chain, geometric durations of mean
 * D_k, the next regime uniform among the other three), trend drift m,
 * run drift b, mean-reversion strength q, target variance v, GARCH
 * variance h, overshoot x (the part of recent jumps still to be given
 * back), log price p and its anchor A (a slow average of p).  With the
 * regime's targets mu_k, q_k, s_k:
 *
 *   m_t = m_{t-1} + (mu_k - m_{t-1}) / TAU_M         trends ramp in
 *   q_t = q_{t-1} + (q_k - q_{t-1}) / TAU_M          so does reversion
 *   v_t = v_{t-1} + ((S0 s_k)^2 - v_{t-1}) / TAU_V   and volatility
 *   b_t = b_{t-1} + (d RUN_DRIFT - b_{t-1}) / TAU_RIN    during a run,
 *   b_t = b_{t-1} (1 - 1/TAU_ROUT)                       otherwise
 *   h_t = v_t (1 - GA - GB) + GA e_{t-1}^2 + GB h_{t-1}   GARCH(1,1)
 *   r_t = m_t + b_t - q_t (p_{t-1} - A_{t-1}) - x_{t-1} / TAU_X
 *         + sqrt(h_t) z_t + J_t                        z ~ N(0,1)
 *   x_t = x_{t-1} (1 - 1/TAU_X) + OVERSHOOT J_t
 *   e_t = sqrt(h_t) z_t + JUMP_FEED J_t              jumps stir volatility
 *   p_t = p_{t-1} + r_t,   A_t = A_{t-1} + (p_t - A_{t-1}) / TAU_A
 *
 * Runs (momentum bursts: breakouts, squeezes, capitulations) start about
 * every RUN_EVERY minutes (Poisson), last RUN_MIN minutes plus a
 * geometric time (mean RUN_LEN in all), and go up (d = +1) with
 * probability 3/4 in a bull regime, 1/4 in a bear one, 1/2 otherwise.
 * Jumps J_t come about every JUMP_EVERY minutes (Poisson), of size
 * JUMP_SIZE N(0,1) + JUMP_BIAS m_t / MU_T, else J_t = 0; OVERSHOOT of a
 * jump is given back over about TAU_X minutes (the x term).
 *
 * Candles: open = previous close, close = open exp(r_t); high and low
 * stretch max/min(open, close) by a uniform share of sqrt(h_t);
 *   volume = V (sqrt(h_t)/S0)^1.5 (1 + |z_t|/2) (1/2 + u) (1 + |J_t|/S0)
 *            (1 + TREND_VOL |m_t| / MU_T) (1 + RUN_VOL |b_t| / RUN_DRIFT)
 * with u ~ U(0, 1).  Funding resets at 00, 08 and 16 UTC to
 *   FUND_BASE + FUND_LEAN m_t / MU_T + FUND_NOISE N(0,1), clamped,
 * so it leans with the trend in force at the settlement.
 *
 * What a model can learn: a run builds momentum over its first half hour
 * (EMA, MACD and RSI show it) on rising volume and usually goes on for
 * the next hour; trends (bull, bear) tilt the runs' direction and show
 * in the funding rate; volatility regimes show in the size of recent
 * moves and in volume; a jump is partly given back within the hour; in
 * the range regimes (high and low volatility) the price is pulled back
 * towards its anchor.  Most runs' hours pass +/-2 %, so runs give over
 * half of the labels; the rest comes from noise and jumps and is not
 * predictable.  The constants are tuned so that 3-10 % of 60-minute
 * forward returns pass +/-2 % (check_fetch measures it), about 6 %.
 * Hourly returns have a standard deviation of 1.0 % (BTC/USDT: 0.6-0.9 %),
 * daily ones 7.8 % (BTC/USDT: 3-4 %; a run moves some 6 % in two hours
 * about once a day): more volatile and far more predictable than BTC, on
 * purpose, so that models have something to learn.
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

#define MU_T 1.0e-4         /* a trend's drift (log return a minute) */

/* Per-regime trend drift, reversion towards the anchor (a minute),
 * volatility as a multiple of S0, mean duration (minutes). */
static const double mu_k[NREGIMES] = {MU_T, -MU_T, 0.0, 0.0};
static const double q_k[NREGIMES] = {0.0, 0.0, 1.0 / 120, 1.0 / 240};
static const double vol_k[NREGIMES] = {1.0, 1.15, 1.5, 0.6};
static const double dur_k[NREGIMES] = {720, 600, 360, 1440};

#define RUN_DRIFT 5.0e-4    /* a run's drift (log return a minute) */
#define RUN_EVERY 1500.0    /* mean minutes between runs */
#define RUN_LEN 120.0       /* mean minutes a run lasts */
#define RUN_MIN 45          /* minutes a run lasts at least */
#define TAU_RIN 20.0        /* minutes for a run's drift to ramp in */
#define TAU_ROUT 15.0       /* and to fade out */
#define S0 0.9e-3           /* base volatility a minute */
#define GA 0.06             /* GARCH reaction a */
#define GB 0.92             /* GARCH persistence b */
#define TAU_M 90.0          /* minutes for a new drift to ramp in */
#define TAU_V 60.0          /* minutes for a new volatility to ramp in */
#define TAU_A 720.0         /* anchor: average of the log price */
#define JUMP_EVERY 4000.0   /* mean minutes between jumps */
#define JUMP_SIZE 2.5e-2    /* jump standard deviation (log return) */
#define JUMP_BIAS 5.0e-3    /* jumps lean with the trend */
#define OVERSHOOT 0.6       /* share of a jump given back */
#define TAU_X 30.0          /* minutes for the overshoot to decay */
#define JUMP_FEED 0.2       /* share of a jump fed to the GARCH shock */
#define VOL_BASE 40.0       /* typical volume a minute */
#define RUN_VOL 3.0         /* extra volume in a full run */
#define TREND_VOL 0.5       /* extra volume in a full trend */
#define FUND_BASE 1.0e-4    /* Binance's neutral 0.01 % */
#define FUND_LEAN 1.5e-4    /* funding lean in a full trend */
#define FUND_NOISE 5.0e-5
#define FUND_MAX 3.0e-3
#define FUND_EVERY (8 * 3600 * 1000LL)

struct synth {
    struct vr_csrc base;
    struct vr_rng rng;
    int64_t t, left;        /* next open time, minutes still to give */
    double price, p, anchor;    /* close, its log, anchor of the log */
    double m, q, v, h, eprev, x, rate;
    int regime;
    int64_t stay;           /* minutes left in the regime */
    int64_t tojump;         /* minutes to the next jump */
    double b;               /* run drift */
    int rundir;             /* +1 up, -1 down */
    int64_t runleft, torun; /* minutes left in the run, to the next */
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
    double r = FUND_BASE + FUND_LEAN * s->m / MU_T +
        FUND_NOISE * vr_rng_normal(&s->rng);
    s->rate = r > FUND_MAX ? FUND_MAX : r < -FUND_MAX ? -FUND_MAX : r;
}

static int
synth_next(struct vr_csrc *b, struct vr_candle *c)
{
    struct synth *s = (struct synth *)b;
    struct vr_rng *rng = &s->rng;
    double sk, sig, z, r, jump = 0, o, cl, hi, lo, u, ratio;
    int k;

    if (s->left == 0)
        return 0;
    if (--s->stay <= 0) {
        /* move to one of the other three regimes, uniformly */
        s->regime = (s->regime + 1 + (int)vr_rng_below(rng, NREGIMES - 1)) %
            NREGIMES;
        s->stay = wait(rng, dur_k[s->regime]);
    }
    k = s->regime;
    if (s->t % FUND_EVERY == 0)
        new_rate(s);
    if (--s->torun <= 0) {
        /* a run starts (or restarts), leaning with the regime */
        double up = k == BULL ? 0.75 : k == BEAR ? 0.25 : 0.5;
        s->rundir = vr_rng_uniform(rng) < up ? 1 : -1;
        s->runleft = RUN_MIN + wait(rng, RUN_LEN - RUN_MIN);
        s->torun = wait(rng, RUN_EVERY);
    }
    if (s->runleft > 0) {
        s->runleft--;
        s->b += (s->rundir * RUN_DRIFT - s->b) / TAU_RIN;
    } else
        s->b -= s->b / TAU_ROUT;
    s->m += (mu_k[k] - s->m) / TAU_M;
    s->q += (q_k[k] - s->q) / TAU_M;
    sk = S0 * vol_k[k];
    s->v += (sk * sk - s->v) / TAU_V;
    s->h = s->v * (1 - GA - GB) + GA * s->eprev * s->eprev + GB * s->h;
    sig = sqrt(s->h);
    z = vr_rng_normal(rng);
    if (--s->tojump <= 0) {
        jump = JUMP_SIZE * vr_rng_normal(rng) + JUMP_BIAS * s->m / MU_T;
        s->tojump = wait(rng, JUMP_EVERY);
    }
    r = s->m + s->b - s->q * (s->p - s->anchor) - s->x / TAU_X + sig * z + jump;
    s->x += OVERSHOOT * jump - s->x / TAU_X;
    s->eprev = sig * z + JUMP_FEED * jump;
    s->p += r;
    s->anchor += (s->p - s->anchor) / TAU_A;
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
        (0.5 + u) * (1 + fabs(jump) / S0) *
        (1 + TREND_VOL * fabs(s->m) / MU_T) *
        (1 + RUN_VOL * fabs(s->b) / RUN_DRIFT);
    c->funding = s->rate;
    c->brk = false;
    s->price = cl;
    s->t += VR_MINUTE_MS;
    s->left--;
    s->last_regime = k;
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
    int k;

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
    s->p = s->anchor = log(s->price);
    s->regime = k = (int)vr_rng_below(&s->rng, NREGIMES);
    s->stay = wait(&s->rng, dur_k[k]);
    s->tojump = wait(&s->rng, JUMP_EVERY);
    s->torun = wait(&s->rng, RUN_EVERY);
    s->m = mu_k[k];
    s->q = q_k[k];
    s->v = s->h = S0 * vol_k[k] * S0 * vol_k[k];
    new_rate(s);
    *out = &s->base;
    return VR_OK;
}
