#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/parse.h"

int
vr_parse_long(long long *r, const char *s, long long lo, long long hi)
{
    char *end;
    long long v;

    if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
        return VR_EFORMAT;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (*end != '\0')
        return VR_EFORMAT;
    if (errno == ERANGE || v < lo || v > hi)
        return VR_ERANGE;
    *r = v;
    return VR_OK;
}

int
vr_parse_double(double *r, const char *s, double lo, double hi)
{
    char *end;
    double v;

    if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
        return VR_EFORMAT;
    errno = 0;
    v = strtod(s, &end);
    if (*end != '\0' || isnan(v))
        return VR_EFORMAT;
    if (errno == ERANGE || !isfinite(v) || v < lo || v > hi)
        return VR_ERANGE;
    *r = v;
    return VR_OK;
}

int64_t
vr_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* H. Hinnant, "chrono-Compatible Low-Level Date Algorithms". */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

void
vr_format_time_ms(char *buf, int64_t ms)
{
    int64_t s = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    int64_t days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
    int64_t sod = s - days * 86400;
    int y;
    unsigned m, d;

    civil_from_days(days, &y, &m, &d);
    snprintf(buf, 32, "%04d-%02u-%02u %02u:%02u:%02u", y, m, d,
        (unsigned)(sod / 3600), (unsigned)(sod / 60 % 60), (unsigned)(sod % 60));
}

static int
digits(const char *s, int n, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return 0;
        *v = *v * 10 + (unsigned)(s[i] - '0');
    }
    return 1;
}

int
vr_parse_time_ms(int64_t *ms, const char *s)
{
    size_t len = strlen(s);
    unsigned y, mo, d, h = 0, mi = 0, sec = 0;

    if (len >= 10 && s[4] == '-' && s[7] == '-') {
        if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) ||
            !digits(s + 8, 2, &d))
            return VR_EFORMAT;
        if (len > 10) {
            if ((s[10] != ' ' && s[10] != 'T') || len < 16 || s[13] != ':' ||
                !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi))
                return VR_EFORMAT;
            if (len == 19) {
                if (s[16] != ':' || !digits(s + 17, 2, &sec))
                    return VR_EFORMAT;
            } else if (len != 16)
                return VR_EFORMAT;
        }
        if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
            sec > 60)
            return VR_EFORMAT;
        *ms = (vr_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
            sec) * 1000;
        return VR_OK;
    }
    long long v;
    if (vr_parse_long(&v, s, 0, 999999999999999999LL) != VR_OK)
        return VR_EFORMAT;
    if (len <= 11)
        *ms = v * 1000;
    else if (len <= 14)
        *ms = v;
    else if (len <= 17)
        *ms = v / 1000;
    else
        return VR_EFORMAT;
    return VR_OK;
}
