/* internal.h: helpers shared by lib/market's files; nothing else includes
 * this. */
#ifndef VR_MARKET_INTERNAL_H
#define VR_MARKET_INTERNAL_H

#include <stddef.h>

#include "market/candles.h"

/*
 * Check a candle's values: prices positive, volume not negative, high >=
 * low, open and close within [low, high], time on a minute.  VR_OK, or
 * VR_EFORMAT with what (of size n) saying why.
 */
int vr_candle_check(const struct vr_candle *c, char *what, size_t n);

/* snprintf into a message buffer, truncating silently (messages only). */
void vr_market_msgf(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
