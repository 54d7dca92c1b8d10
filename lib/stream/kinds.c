#include "stream/kinds.h"

const struct vr_col vr_candle_cols[VR_CANDLE_NCOLS] = {
    {"time", VR_DT_I64, 0}, {"open", VR_DT_F64, 0}, {"high", VR_DT_F64, 0},
    {"low", VR_DT_F64, 0}, {"close", VR_DT_F64, 0}, {"volume", VR_DT_F64, 0},
    {"funding", VR_DT_F64, 0}, {"segment", VR_DT_I32, 0},
};

const struct vr_col vr_feat_cols[VR_FEAT_NCOLS] = {
    {"time", VR_DT_I64, 0}, {"segment", VR_DT_I32, 0},
    {"close", VR_DT_F64, 0}, {"feat", VR_DT_F64, VR_FEAT_C},
};

const struct vr_col vr_sample_cols[VR_SAMPLE_NCOLS] = {
    {"end", VR_DT_I64, 0}, {"label", VR_DT_I8, 0}, {"split", VR_DT_U8, 0},
    {"regime", VR_DT_U8, 0},
};
