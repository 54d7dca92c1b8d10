/*
 * rest.c: Binance REST sources (candles.h): /api/v3/klines and
 * /fapi/v1/fundingRate, paged, with the rate limits honoured.
 *
 * Rate limits (Binance "General API Information"): every response carries
 * X-MBX-USED-WEIGHT-1M, the request weight used in the current minute
 * (the limit is 1200); past wait_weight we sleep until that minute is over
 * by the server's Date header.  A 429 asks us to back off for Retry-After
 * seconds; ignoring it earns a 418 (an IP ban), also with Retry-After.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "vr.h"
#include "base/mem.h"
#include "base/parse.h"
#include "market/candles.h"
#include "market/internal.h"

#define PAGE 1000
#define MAXBODY (16u << 20)     /* a page of 1000 klines is ~150 kB */

struct rest {
    struct vr_csrc base;
    struct vr_rest_opts *o;
    bool funding;
    CURL *curl;
    int64_t cur;                /* next startTime */
    bool done;
    char *body;
    size_t blen, bcap;
    long weight;                /* X-MBX-USED-WEIGHT-1M of the last reply */
    long retry_after;           /* Retry-After seconds, -1 if none */
    int date_sec;               /* second of the minute in Date, -1 none */
    struct vr_candle *q;
    size_t qhead, qn, qcap;
    long row;                   /* rows returned, for messages */
    int64_t prev;
    bool haveprev;
};

static int
rfail(struct rest *s, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
rfail(struct rest *s, int err, const char *fmt, ...)
{
    char what[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    vr_market_msgf(s->base.msg, sizeof(s->base.msg), "%s: %s", s->base.name, what);
    return err;
}

static size_t
on_body(char *p, size_t size, size_t n, void *ctx)
{
    struct rest *s = ctx;
    size_t len = size * n;

    if (s->blen + len + 1 > MAXBODY)
        return 0;           /* curl reports a write error */
    if (s->blen + len + 1 > s->bcap) {
        size_t cap = s->bcap ? s->bcap : 1 << 16;
        char *b;
        while (cap < s->blen + len + 1)
            cap *= 2;
        if ((b = realloc(s->body, cap)) == NULL)
            return 0;
        s->body = b;
        s->bcap = cap;
    }
    memcpy(s->body + s->blen, p, len);
    s->blen += len;
    s->body[s->blen] = '\0';
    return len;
}

/* Header "Name: value" matching name (case-insensitive): the value. */
static const char *
header_value(const char *line, size_t len, const char *name, char *buf,
    size_t bufsize)
{
    size_t nl = strlen(name), i;

    if (len <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return NULL;
    for (i = nl + 1; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
        ;
    size_t vl = len - i;
    while (vl > 0 && isspace((unsigned char)line[i + vl - 1]))
        vl--;
    if (vl >= bufsize)
        vl = bufsize - 1;
    memcpy(buf, line + i, vl);
    buf[vl] = '\0';
    return buf;
}

static size_t
on_header(char *p, size_t size, size_t n, void *ctx)
{
    struct rest *s = ctx;
    size_t len = size * n;
    char v[128];
    long long x;

    if (header_value(p, len, "X-MBX-USED-WEIGHT-1M", v, sizeof(v)) &&
        vr_parse_long(&x, v, 0, 1000000) == VR_OK)
        s->weight = (long)x;
    else if (header_value(p, len, "Retry-After", v, sizeof(v)) &&
        vr_parse_long(&x, v, 0, 86400) == VR_OK)
        s->retry_after = (long)x;
    else if (header_value(p, len, "Date", v, sizeof(v))) {
        /* "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110) */
        const char *c = strchr(v, ':');
        if (c != NULL && c[1] && c[2] && c[3] == ':' &&
            isdigit((unsigned char)c[4]) && isdigit((unsigned char)c[5]) &&
            c[4] <= '5')
            s->date_sec = (c[4] - '0') * 10 + (c[5] - '0');
    }
    return len;
}

static void
sleep_s(double sec)
{
    struct timespec ts;

    if (sec <= 0)
        return;
    ts.tv_sec = (time_t)sec;
    ts.tv_nsec = (long)((sec - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/*
 * GET url into s->body, retrying 429/418 as told.  VR_OK on HTTP 200;
 * VR_EIO with a message otherwise.
 */
static int
get(struct rest *s, const char *url)
{
    struct vr_rest_opts *o = s->o;
    double backoff = 1;
    int tries = 0;

    for (;;) {
        long status = 0;
        CURLcode cc;

        s->blen = 0;
        if (s->body)
            s->body[0] = '\0';
        s->weight = -1;
        s->retry_after = -1;
        s->date_sec = -1;
        curl_easy_setopt(s->curl, CURLOPT_URL, url);
        o->requests++;
        cc = curl_easy_perform(s->curl);
        if (cc != CURLE_OK)
            return rfail(s, VR_EIO, "%s", curl_easy_strerror(cc));
        curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &status);
        if (status == 429 || status == 418) {
            double wait = s->retry_after >= 0 ? (double)s->retry_after :
                backoff;
            if (++tries > o->max_retries)
                return rfail(s, VR_EIO, "HTTP %ld after %d retries", status,
                    o->max_retries);
            o->retries++;
            sleep_s(wait);
            backoff = backoff < 32 ? backoff * 2 : 64;
            continue;
        }
        if (status != 200) {
            /* Binance errors are {"code":-1121,"msg":"Invalid symbol."} */
            const char *m = s->body ? strstr(s->body, "\"msg\"") : NULL;
            return rfail(s, VR_EIO, "HTTP %ld%s%.200s", status,
                m ? ": " : "", m ? m : "");
        }
        if (s->weight >= o->wait_weight) {
            /* near the limit: wait for the server's next minute */
            int sec = s->date_sec >= 0 ? s->date_sec :
                (int)(time(NULL) % 60);
            o->waits++;
            sleep_s(60 - sec);
        }
        return VR_OK;
    }
}

/*
 * A small JSON reader, enough for Binance's replies: arrays of arrays of
 * scalars (klines) and arrays of flat objects (funding).  Scalars are
 * returned as text (strings unquoted; Binance's strings have no escapes
 * that matter for numbers, and escapes are rejected inside them).
 */
struct json {
    const char *p, *end;
};

static void
ws(struct json *j)
{
    while (j->p < j->end && isspace((unsigned char)*j->p))
        j->p++;
}

static bool
eat(struct json *j, char ch)
{
    ws(j);
    if (j->p < j->end && *j->p == ch) {
        j->p++;
        return true;
    }
    return false;
}

/* A scalar (string, number, true/false/null) into buf: 0 ok, -1 bad. */
static int
scalar(struct json *j, char *buf, size_t bufsize)
{
    size_t n = 0;

    ws(j);
    if (j->p >= j->end)
        return -1;
    if (*j->p == '"') {
        j->p++;
        while (j->p < j->end && *j->p != '"') {
            if (*j->p == '\\' || n + 1 >= bufsize)
                return -1;
            buf[n++] = *j->p++;
        }
        if (j->p >= j->end)
            return -1;
        j->p++;
    } else {
        while (j->p < j->end && (isalnum((unsigned char)*j->p) ||
            *j->p == '-' || *j->p == '+' || *j->p == '.')) {
            if (n + 1 >= bufsize)
                return -1;
            buf[n++] = *j->p++;
        }
        if (n == 0)
            return -1;
    }
    buf[n] = '\0';
    return 0;
}

static int
queue_push(struct rest *s, const struct vr_candle *c)
{
    if (s->qn == s->qcap) {
        size_t cap = s->qcap ? 2 * s->qcap : PAGE;
        struct vr_candle *q = vr_reallocarray(s->q, cap, sizeof(*q));
        if (q == NULL)
            return rfail(s, VR_ENOMEM, "out of memory");
        s->q = q;
        s->qcap = cap;
    }
    s->q[s->qn++] = *c;
    return VR_OK;
}

/* Order check and queueing shared by both kinds of page. */
static int
take(struct rest *s, struct vr_candle *c, long row)
{
    char what[200];

    if (!s->funding && vr_candle_check(c, what, sizeof(what)) != VR_OK)
        return rfail(s, VR_EFORMAT, "row %ld: %s", row, what);
    if (s->haveprev && c->time < s->prev)
        return rfail(s, VR_EFORMAT, "row %ld: time goes backwards", row);
    s->prev = c->time;
    s->haveprev = true;
    return queue_push(s, c);
}

/* [[open_time, "open", "high", "low", "close", "volume", ...], ...] */
static int
parse_klines(struct rest *s, int64_t *last)
{
    struct json j = {s->body, s->body + s->blen};
    char v[64];
    long row = 0;

    if (!eat(&j, '['))
        return rfail(s, VR_EFORMAT, "reply is not a JSON array");
    if (eat(&j, ']'))
        return 0;
    do {
        struct vr_candle c = {0};
        double x[6];
        int k = 0;
        row++;
        if (!eat(&j, '['))
            return rfail(s, VR_EFORMAT, "row %ld: not an array", row);
        do {
            if (scalar(&j, v, sizeof(v)) != 0)
                return rfail(s, VR_EFORMAT, "row %ld: bad value", row);
            if (k == 0) {
                if (vr_candle_parse_time(&c.time, v, strlen(v)) != VR_OK)
                    return rfail(s, VR_EFORMAT, "row %ld: bad open time "
                        "'%s'", row, v);
            } else if (k < 6 &&
                vr_candle_parse_f64(&x[k], v, strlen(v)) != VR_OK)
                return rfail(s, VR_EFORMAT, "row %ld: bad number '%s'",
                    row, v);
            k++;
        } while (eat(&j, ','));
        if (!eat(&j, ']') || k < 6)
            return rfail(s, VR_EFORMAT, "row %ld: expected 12 values", row);
        c.open = x[1];
        c.high = x[2];
        c.low = x[3];
        c.close = x[4];
        c.volume = x[5];
        c.funding = NAN;
        *last = c.time;
        if (take(s, &c, row) != VR_OK)
            return VR_EFORMAT;
    } while (eat(&j, ','));
    if (!eat(&j, ']'))
        return rfail(s, VR_EFORMAT, "reply: JSON array not closed");
    return (int)row;
}

/* [{"symbol": "BTCUSDT", "fundingTime": ms, "fundingRate": "0.0001",
 *   "markPrice": "..."}, ...] */
static int
parse_funding(struct rest *s, int64_t *last)
{
    struct json j = {s->body, s->body + s->blen};
    char key[64], v[64];
    long row = 0;

    if (!eat(&j, '['))
        return rfail(s, VR_EFORMAT, "reply is not a JSON array");
    if (eat(&j, ']'))
        return 0;
    do {
        struct vr_candle c = {0};
        bool ht = false, hr = false;
        row++;
        if (!eat(&j, '{'))
            return rfail(s, VR_EFORMAT, "row %ld: not an object", row);
        if (!eat(&j, '}')) {
            do {
                if (scalar(&j, key, sizeof(key)) != 0 || !eat(&j, ':') ||
                    scalar(&j, v, sizeof(v)) != 0)
                    return rfail(s, VR_EFORMAT, "row %ld: bad member", row);
                if (strcmp(key, "fundingTime") == 0) {
                    if (vr_candle_parse_time(&c.time, v, strlen(v)) != VR_OK)
                        return rfail(s, VR_EFORMAT, "row %ld: bad "
                            "fundingTime '%s'", row, v);
                    ht = true;
                } else if (strcmp(key, "fundingRate") == 0) {
                    if (vr_candle_parse_f64(&c.funding, v, strlen(v)) !=
                        VR_OK || fabs(c.funding) >= 1)
                        return rfail(s, VR_EFORMAT, "row %ld: bad "
                            "fundingRate '%s'", row, v);
                    hr = true;
                }
            } while (eat(&j, ','));
            if (!eat(&j, '}'))
                return rfail(s, VR_EFORMAT, "row %ld: object not closed",
                    row);
        }
        if (!ht || !hr)
            return rfail(s, VR_EFORMAT, "row %ld: no fundingTime or "
                "fundingRate", row);
        *last = c.time;
        if (take(s, &c, row) != VR_OK)
            return VR_EFORMAT;
    } while (eat(&j, ','));
    if (!eat(&j, ']'))
        return rfail(s, VR_EFORMAT, "reply: JSON array not closed");
    return (int)row;
}

/* Fetch the next page into the queue. */
static int
page(struct rest *s)
{
    struct vr_rest_opts *o = s->o;
    char url[1024];
    int64_t last = 0;
    int rc;

    vr_market_msgf(url, sizeof(url), s->funding ?
        "%s/fapi/v1/fundingRate?symbol=%s&startTime=%lld&endTime=%lld"
        "&limit=%d" :
        "%s/api/v3/klines?symbol=%s&interval=1m&startTime=%lld"
        "&endTime=%lld&limit=%d", s->funding ? o->fapi : o->base,
        o->symbol, (long long)s->cur, (long long)(o->end - 1), PAGE);
    vr_market_msgf(s->base.name, sizeof(s->base.name), "%s", url);
    if ((rc = get(s, url)) != VR_OK)
        return rc;
    s->qhead = s->qn = 0;
    rc = s->funding ? parse_funding(s, &last) : parse_klines(s, &last);
    if (rc < 0)
        return rc;
    if (rc == 0 || last < s->cur) {
        s->done = true;
        return VR_OK;
    }
    /* next page after the last row; a short page means the end */
    s->cur = last + (s->funding ? 1 : VR_MINUTE_MS);
    if (s->cur >= o->end || rc < PAGE)
        s->done = true;
    return VR_OK;
}

static int
rest_next(struct vr_csrc *b, struct vr_candle *c)
{
    struct rest *s = (struct rest *)b;
    int rc;

    while (s->qhead == s->qn) {
        if (s->done)
            return 0;
        if ((rc = page(s)) != VR_OK)
            return rc;
    }
    *c = s->q[s->qhead++];
    if (c->time >= s->o->end)
        return 0;
    b->line = ++s->row;
    return 1;
}

static void
rest_free(struct vr_csrc *b)
{
    struct rest *s = (struct rest *)b;

    if (s->curl != NULL)
        curl_easy_cleanup(s->curl);
    free(s->body);
    free(s->q);
    free(s);
}

static int
rest_new(struct vr_csrc **out, struct vr_rest_opts *o, bool funding,
    char *msg, size_t msgsize)
{
    static bool inited;
    struct rest *s;

    *out = NULL;
    if (strlen(o->base) > 800 || strlen(o->fapi) > 800 ||
        strlen(o->symbol) > 32) {
        vr_market_msgf(msg, msgsize, "base URL or symbol too long");
        return VR_EUSAGE;
    }
    if (!inited) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
            vr_market_msgf(msg, msgsize, "libcurl: initialisation failed");
            return VR_EIO;
        }
        inited = true;
    }
    if (o->wait_weight <= 0)
        o->wait_weight = 1000;
    if (o->max_retries <= 0)
        o->max_retries = 8;
    if (o->timeout <= 0)
        o->timeout = 30;
    if ((s = calloc(1, sizeof(*s))) == NULL ||
        (s->curl = curl_easy_init()) == NULL) {
        free(s);
        vr_market_msgf(msg, msgsize, "libcurl: out of memory");
        return VR_ENOMEM;
    }
    s->base.next = rest_next;
    s->base.free = rest_free;
    s->o = o;
    s->funding = funding;
    /* the rate in force at start was set up to 8 h (or more) before it */
    s->cur = funding ? o->start - 24 * 3600 * 1000LL : o->start;
    vr_market_msgf(s->base.name, sizeof(s->base.name), "%s",
        funding ? o->fapi : o->base);
    curl_easy_setopt(s->curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(s->curl, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(s->curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(s->curl, CURLOPT_HEADERDATA, s);
    curl_easy_setopt(s->curl, CURLOPT_TIMEOUT, o->timeout);
    curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(s->curl, CURLOPT_USERAGENT, "vr-fetch/" VR_VERSION);
    curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(s->curl, CURLOPT_ACCEPT_ENCODING, "");
    *out = &s->base;
    return VR_OK;
}

int
vr_rest_klines_new(struct vr_csrc **s, struct vr_rest_opts *o, char *msg,
    size_t msgsize)
{
    return rest_new(s, o, false, msg, msgsize);
}

int
vr_rest_funding_new(struct vr_csrc **s, struct vr_rest_opts *o, char *msg,
    size_t msgsize)
{
    return rest_new(s, o, true, msg, msgsize);
}
