/*
 * candles.h: where minute candles come from, and the one path that turns
 * them into a "candles" stream (stream/kinds.h).
 *
 * A source (struct vr_csrc) yields candles in time order: the synthetic
 * market (synth.c), a CSV or zip dump file (csvsrc.c), a candles stream
 * (csvsrc.c) or the Binance REST API (rest.c).  A funding source is a
 * source too, whose rows carry only time and funding.  vr_fetch_run
 * (fetch.c) merges any number of sources by time, drops duplicate minutes,
 * applies the gap policy, numbers segments, joins funding rates as of each
 * minute and writes the stream in chunks of VR_CHUNK_ROWS, in bounded
 * memory.
 *
 * Errors: functions return VR_OK, a count, or a negative status; the
 * detail is in the source's or fetch's msg as "file:line: what", fit for
 * "vr-fetch: msg".  Nothing here prints.
 */
#ifndef VR_MARKET_CANDLES_H
#define VR_MARKET_CANDLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stream/stream.h"

#define VR_MINUTE_MS 60000LL

/* One candle, or one funding rate (time and funding only). */
struct vr_candle {
    int64_t time;           /* open time, epoch ms UTC */
    double open, high, low, close, volume;
    double funding;         /* rate in force; NaN if the source has none */
    bool brk;               /* the source starts a new segment here */
};

/*
 * A source of candles.  next gives 1 with *c set, 0 at the end, < 0 on
 * error with msg set; after an error or the end it must not be called
 * again.  Times never decrease within a source (a source that sees time
 * go backwards fails with VR_EFORMAT); equal times are duplicates, for
 * the merge to drop.  Free with vr_csrc_free.
 */
struct vr_csrc {
    int (*next)(struct vr_csrc *s, struct vr_candle *c);
    void (*free)(struct vr_csrc *s);
    char name[256];         /* file name (or URL) for messages */
    long line;              /* line (or row) of the last candle returned */
    bool cont;              /* entering this source is no file boundary */
    char msg[512];          /* detail of the last error */
};

/* Next candle: s->next(s, c). */
int vr_csrc_next(struct vr_csrc *s, struct vr_candle *c);
/* Release a source (NULL is fine). */
void vr_csrc_free(struct vr_csrc *s);

/*
 * Synthetic market: n minutes from start (epoch ms, rounded down to a
 * minute), seeded.  Four Markov regimes (bull, bear, high and low
 * volatility) with geometric durations whose drift, volatility and mean
 * reversion ramp in, GARCH(1,1) volatility on each minute's shock,
 * momentum runs that lean with the regime, Poisson jumps partly given
 * back, volume that follows volatility, the size of the move, trends and
 * runs, and a funding rate reset every 8 hours (00, 08, 16 UTC) that
 * leans with the trend (equations in synth.c).  Same seed, same candles, on every
 * platform with an IEEE double libm.  VR_ENOMEM only.
 */
int vr_synth_new(struct vr_csrc **s, uint64_t seed, int64_t start,
    int64_t n);
/* Regime of the candle last returned by a synthetic source (0 bull,
 * 1 bear, 2 high volatility, 3 low volatility). */
int vr_synth_regime(const struct vr_csrc *s);

/*
 * A CSV file of candles, or a zip of them (detected by its "PK" magic;
 * every *.csv entry in archive order, each a new segment).  "-" is stdin.
 * Accepted layouts, told apart by the first line:
 *   - a header naming the columns: a time column (timestamp, date, time,
 *     open_time, datetime) and open, high, low, close, volume, in any
 *     order, other columns ignored (generic OHLCV, Binance futures dumps);
 *   - no header: time, open, high, low, close, volume first, any columns
 *     after (Binance spot and old futures dumps, 12 columns).
 * Times are epoch seconds, milliseconds or microseconds, told apart by
 * magnitude per value (< 1e11 s, < 1e14 ms, else us), or "YYYY-MM-DD
 * HH:MM[:SS]" UTC, and must fall on a minute.  A row is rejected (VR_EFORMAT,
 * "file:line: what") if a number is malformed or not finite, a price is
 * not positive, volume is negative, high < low, or open/close lie outside
 * [low, high], or time goes backwards.  Open errors: VR_EIO (errno set)
 * or VR_EFORMAT (not a zip with a CSV, ...), message in msg (at least 256
 * bytes), *s NULL.
 */
int vr_csvsrc_new(struct vr_csrc **s, const char *path, char *msg,
    size_t msgsize);
/*
 * A funding-rate CSV (Binance funding dump: calc_time,
 * funding_interval_hours, last_funding_rate, with or without header; or
 * a header naming calc_time / fundingTime and last_funding_rate /
 * fundingRate), or a zip of one.  Rows give time and funding.
 */
int vr_fundsrc_new(struct vr_csrc **s, const char *path, char *msg,
    size_t msgsize);
/*
 * Merge n sources by time into one (on equal times the earlier source
 * first), e.g. monthly funding dumps.  Takes ownership of the n sources
 * (freed with the merge, or on failure).  VR_ENOMEM only.
 */
int vr_mergesrc_new(struct vr_csrc **s, struct vr_csrc **srcs, size_t n);
/* A candles stream file (as written by vr_fetch_run): its rows with
 * their funding, brk set where its segment changes. */
int vr_streamsrc_new(struct vr_csrc **s, const char *path, char *msg,
    size_t msgsize);

/*
 * Binance REST API.  Candles: GET base/api/v3/klines?symbol=&interval=1m
 * &startTime=&endTime=&limit=1000, paged from start until end (epoch ms,
 * end exclusive).  Funding: GET fapi/fapi/v1/fundingRate?symbol=&startTime=
 * &endTime=&limit=1000, paged the same way.  Every response's
 * X-MBX-USED-WEIGHT-1M is honoured (above wait_weight the source sleeps
 * until the next minute); 429 and 418 are retried after Retry-After
 * seconds (or an exponential back-off from 1 s), at most max_retries
 * times in a row.  Other HTTP errors and malformed JSON are errors
 * (VR_EIO for transport and HTTP, VR_EFORMAT for the body).  The
 * constructors fail with VR_EUSAGE if a URL is longer than 800 bytes or
 * the symbol longer than 32, VR_EIO if libcurl cannot start.  o is
 * borrowed for the source's lifetime (its counters are updated).
 */
struct vr_rest_opts {
    const char *base;       /* e.g. "https://api.binance.com" */
    const char *fapi;       /* e.g. "https://fapi.binance.com" */
    const char *symbol;     /* "BTCUSDT" */
    int64_t start, end;     /* epoch ms, [start, end) */
    int wait_weight;        /* default 1000 of Binance's 1200 a minute */
    int max_retries;        /* default 8 */
    long timeout;           /* seconds per request, default 30 */
    /* Counters, updated as the source runs (for the tool's summary). */
    long requests, retries, waits;
};
int vr_rest_klines_new(struct vr_csrc **s, struct vr_rest_opts *o,
    char *msg, size_t msgsize);
int vr_rest_funding_new(struct vr_csrc **s, struct vr_rest_opts *o,
    char *msg, size_t msgsize);

/* What to do where minutes are missing inside one source. */
enum vr_gap {
    VR_GAP_SPLIT,           /* start a new segment (the default) */
    VR_GAP_FILL,            /* up to max_fill minutes: repeat the last
                             * close with zero volume; longer: split */
    VR_GAP_FAIL             /* VR_EFORMAT "file:line: gap of N minutes" */
};

struct vr_fetch {
    /* Set by the caller (zero is a fine default for each). */
    struct vr_csrc **src;   /* borrowed: the sources to merge */
    size_t nsrc;
    struct vr_csrc *funding;    /* borrowed, or NULL: rates to join */
    enum vr_gap gap;
    int64_t max_fill;       /* minutes, for VR_GAP_FILL */
    int64_t from, to;       /* keep times in [from, to) if to > from */
    int64_t limit;          /* at most this many rows if > 0 */
    /* Called after each chunk is written (NULL: not called). */
    void (*progress)(void *ctx, const struct vr_fetch *fx);
    void *progress_ctx;
    /* Results. */
    uint64_t rows;          /* rows written, filled ones included */
    uint64_t dups;          /* duplicate minutes dropped */
    uint64_t gaps;          /* gaps seen inside a source */
    uint64_t gap_minutes;   /* minutes missing in them */
    uint64_t filled;        /* minutes filled */
    int32_t segments;       /* segments written */
    int64_t first, last;    /* time of the first and last row written */
    char msg[600];
};

/*
 * Write the header of a candles stream: symbol, interval "1m", source
 * (free text naming where the candles came from), provenance self.
 */
int vr_candles_header(struct vr_writer *w, const char *symbol,
    const char *source, const char *self);
/*
 * Merge fx->src by time (on equal times the earlier source wins), check
 * and number the rows, join fx->funding as of each minute (the last rate
 * with time <= the minute; NaN before the first) into the rows whose
 * source gave no funding (NaN), and write them to w in
 * chunks, then the trailer.  Segments rise by one at each gap that is not
 * filled, at each source boundary (unless the source has cont set) and
 * where a source sets brk.  On error the trailer is not written, so the
 * partial stream is rejected by readers; the status is the failing
 * source's, the message in fx->msg.
 */
int vr_fetch_run(struct vr_fetch *fx, struct vr_writer *w);

/*
 * Parse one CSV time field (NUL-terminated): epoch s/ms/us by magnitude or
 * "YYYY-MM-DD HH:MM[:SS]" UTC.  VR_EFORMAT if it is neither.
 */
int vr_candle_parse_time(int64_t *ms, const char *s, size_t len);
/* Parse a decimal number exactly as strtod does, faster on plain
 * decimals.  VR_EFORMAT unless the whole field is a finite number. */
int vr_candle_parse_f64(double *v, const char *s, size_t len);

#endif
