/* parse.h: strict number and time parsing for options and text input. */
#ifndef VR_BASE_PARSE_H
#define VR_BASE_PARSE_H

#include <stdint.h>

/* Parse a whole decimal integer in [lo, hi].  VR_EFORMAT if s is not a
 * number (empty, trailing junk), VR_ERANGE if outside [lo, hi]. */
int vr_parse_long(long long *r, const char *s, long long lo, long long hi);
/* Parse a whole finite double in [lo, hi].  Same errors. */
int vr_parse_double(double *r, const char *s, double lo, double hi);
/*
 * Parse a UTC time into epoch milliseconds: "YYYY-MM-DD", "YYYY-MM-DD
 * HH:MM[:SS]" (or with 'T'), or an epoch number in seconds (<= 11
 * digits), milliseconds (12-14) or microseconds (15-17).  VR_EFORMAT
 * otherwise.
 */
int vr_parse_time_ms(int64_t *ms, const char *s);
/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant). */
int64_t vr_days_from_civil(int64_t y, unsigned m, unsigned d);
/* Format epoch ms as "YYYY-MM-DD HH:MM:SS" into buf (at least 32 bytes). */
void vr_format_time_ms(char *buf, int64_t ms);

#endif
