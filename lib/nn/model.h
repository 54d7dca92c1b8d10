/*
 * model.h: a trained model as one object: the network (LSTM teacher or
 * MLP), the input contract inherited from the dataset it was trained on
 * (window T x C, feature names, normalisation), and what training left
 * (scores, options, log).  Read and written as a stream of kind "model"
 * (vr-stream(5)); later tools (vr-distill, vr-quant, vr-circuit) use the
 * same calls.
 *
 * Header keys: arch ("lstm" | "mlp"); dims (layer widths: MLP
 * [T*C, hidden..., V], LSTM [C, H per layer..., V]); acts (MLP: one name
 * per hidden layer) and act_coeffs (one array of c0.. per act, empty for
 * ReLU); the dataset keys T, C, features, norm_mean, norm_std, horizon,
 * up, down, symbol, classes, regimes (so that a live vr-label can read
 * them); metrics ({split: vr_metrics_pack map}); train (options map).
 * Tensors: every parameter as f32 under its PyTorch name, in slab order,
 * then "train_log" f64 (epochs, VR_LOG_COLS) when trained.  Readers
 * ignore tensors they do not know.
 */
#ifndef VR_NN_MODEL_H
#define VR_NN_MODEL_H

#include <stddef.h>

#include "base/rng.h"
#include "nn/lstm.h"
#include "nn/metrics.h"
#include "nn/mlp.h"
#include "stream/dataset.h"
#include "stream/stream.h"

#define VR_MODEL_MAXDIMS (VR_MLP_MAXL + 1)

/* Columns of the training log, one row an epoch. */
enum { VR_LOG_EPOCH, VR_LOG_STEPS, VR_LOG_LOSS, VR_LOG_VAL_F1,
    VR_LOG_VAL_ACC, VR_LOG_LR, VR_LOG_SECONDS, VR_LOG_RATE, VR_LOG_COLS };
extern const char *const vr_log_cols[VR_LOG_COLS];

enum vr_arch { VR_ARCH_MLP, VR_ARCH_LSTM };

struct vr_model {
    enum vr_arch arch;
    int ndims;
    int dims[VR_MODEL_MAXDIMS];
    struct vr_mlp mlp;              /* VR_ARCH_MLP */
    struct vr_lstmnet lstm;         /* VR_ARCH_LSTM */
    /* Views of the network's slab, whichever it is. */
    size_t nparams;
    float *params, *grads;          /* (nparams) */
    int nparam;
    const struct vr_param *param;
    int V;                          /* classes */
    /* Input contract, from the dataset. */
    int T, C;
    char feat[VR_MAXFEAT][VR_NAME_MAX];
    double mean[VR_MAXFEAT], std[VR_MAXFEAT];
    int horizon;
    double up, down;
    char symbol[32];
    /* Training log: (nlog, VR_LOG_COLS) owned, or NULL. */
    double *log;
    size_t nlog;
};

struct vr_train_opts;

/* What vr_model_write stores beside the network (all may be NULL/0). */
struct vr_model_extra {
    const struct vr_metrics *metrics[VR_NSPLIT];   /* scores per split */
    const struct vr_train_opts *opts;
    int best_epoch;                                 /* -1: none */
};

/*
 * Shape a model for inputs like d's (T, C and normalisation copied):
 * arch "mlp" with dims [T*C, hidden..., V] and ndims-2 activations, or
 * "lstm" with dims [C, H, ..., H, V] (acts unused).  Parameters zero.
 * VR_ERANGE on a bad shape, VR_ENOMEM.
 */
int vr_model_init(struct vr_model *m, enum vr_arch arch, const int *dims,
    int ndims, const struct vr_act *acts, const struct vr_dataset *d);
/* PyTorch's default initialisation from rng. */
void vr_model_init_params(struct vr_model *m, struct vr_rng *rng);
/* logits (B, V) of windows x (B, T*C); keeps what the backward needs. */
int vr_model_forward(struct vr_model *m, float *logits, const float *x,
    int B);
/* grads += gradient of the loss whose dlogits (B, V) are given. */
void vr_model_backward(struct vr_model *m, const float *dlogits);
/* "lstm" or "mlp". */
const char *vr_model_arch_name(const struct vr_model *m);
void vr_model_free(struct vr_model *m);

/* Write m as a "model" stream (header with provenance + self, tensors,
 * trailer). */
int vr_model_write(struct vr_writer *w, const struct vr_model *m,
    const struct vr_model_extra *x, const msgpack_object *provenance,
    const char *self);
/* Callback that packs more header entries (exactly as many as promised)
 * and returns 0, or -1 on a write error. */
typedef int vr_model_pack_fn(msgpack_packer *pk, const void *ctx);
/* vr_model_write with nkv more header entries packed by pack(pk, ctx)
 * (a later tool's record, e.g. vr-distill's "distill" map). */
int vr_model_write_kv(struct vr_writer *w, const struct vr_model *m,
    const struct vr_model_extra *x, const msgpack_object *provenance,
    const char *self, int nkv, vr_model_pack_fn *pack, const void *ctx);
/*
 * Read a "model" stream opened on r: header checked (arch, dims, acts,
 * input contract), every parameter present once with its shape, finite.
 * VR_EFORMAT with r->msg on anything else.  Free with vr_model_free
 * whatever this returns.
 */
int vr_model_read(struct vr_model *m, struct vr_reader *r);

/*
 * Check that dataset d fits the model's input (T, C, feature names).
 * VR_ESHAPE with a message in msg (msgsize bytes) otherwise.
 */
int vr_model_check_input(const struct vr_model *m, const struct vr_dataset *d,
    char *msg, size_t msgsize);

#endif
