/*
 * kinds.h: the row-data stream kinds and their columns (vr-stream(5)).
 * Writers emit chunks of at most VR_CHUNK_ROWS rows; every chunk is the
 * columns below, in this order.
 */
#ifndef VR_STREAM_KINDS_H
#define VR_STREAM_KINDS_H

#include "stream/stream.h"

/*
 * kind "candles": one row a minute, in time order.
 *   time i64 (n)      open time, epoch milliseconds UTC
 *   open high low close volume f64 (n)
 *   funding f64 (n)   funding rate in force at that minute; NaN if none
 *   segment i32 (n)   run of contiguous minutes: rises by one at every
 *                     gap that is not filled and at every file boundary
 * Header keys: symbol (str), interval ("1m"), source (str).
 */
enum { VR_CANDLE_TIME, VR_CANDLE_OPEN, VR_CANDLE_HIGH, VR_CANDLE_LOW,
    VR_CANDLE_CLOSE, VR_CANDLE_VOLUME, VR_CANDLE_FUNDING, VR_CANDLE_SEGMENT,
    VR_CANDLE_NCOLS };
extern const struct vr_col vr_candle_cols[VR_CANDLE_NCOLS];

/*
 * kind "features": one row a minute after the indicators' warm-up.
 *   time i64 (n), segment i32 (n), close f64 (n)
 *   feat f64 (n, C)   C = 8 features named by header key "features"
 * Header keys: symbol, features [str], raw (bool: TA-Lib values rather
 * than the stationary transform).
 */
#define VR_FEAT_C 8
enum { VR_FEAT_TIME, VR_FEAT_SEGMENT, VR_FEAT_CLOSE, VR_FEAT_FEAT,
    VR_FEAT_NCOLS };
extern const struct vr_col vr_feat_cols[VR_FEAT_NCOLS];

/*
 * kind "dataset": stream/dataset.h.  Row chunks (all first), then sample
 * chunks:
 *   x f32 (n, C)  normalised features   time i64 (n)
 *   end i64 (n)   label i8 (n)   split u8 (n)   regime u8 (n)
 */
enum { VR_ROW_X, VR_ROW_TIME, VR_ROW_NCOLS };
enum { VR_SAMPLE_END, VR_SAMPLE_LABEL, VR_SAMPLE_SPLIT, VR_SAMPLE_REGIME,
    VR_SAMPLE_NCOLS };
extern const struct vr_col vr_sample_cols[VR_SAMPLE_NCOLS];

#endif
