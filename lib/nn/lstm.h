/*
 * lstm.h: the LSTM layer and the teacher network (LSTM layers, then a
 * Linear layer on the last step's hidden state), PyTorch semantics
 * (torch.nn.LSTM, batch_first input, zero initial state):
 *
 *   g_t = x_t Wih^T + bih + h_{t-1} Whh^T + bhh       (B, 4H)
 *   i, f, g, o = sig(g_t[0:H]), sig(g_t[H:2H]), tanh(g_t[2H:3H]),
 *                sig(g_t[3H:4H])
 *   c_t = f c_{t-1} + i g      h_t = o tanh(c_t)
 *
 * Inside, activations are time-major, (T, B, .), so that a step is one
 * contiguous block: the input projection of all steps is one GEMM of
 * T*B rows, each step's recurrence one GEMM over the whole batch, and
 * the weight gradients two GEMMs of T*B rows.
 */
#ifndef VR_NN_LSTM_H
#define VR_NN_LSTM_H

#include <stddef.h>

#include "base/rng.h"
#include "nn/param.h"

/*
 * One LSTM layer over a whole sequence.  H must be a multiple of 16.
 *   x (T, B, C)   Wih (4H, C)   Whh (4H, H)   bih bhh (4H)
 *   gates (T, B, 4H) out: i, f, g, o after their nonlinearities
 *   c h (T, B, H) out: cell and hidden state of every step
 */
void vr_lstm_forward(float *h, float *c, float *gates, const float *x,
    const float *Wih, const float *Whh, const float *bih, const float *bhh,
    int B, int T, int C, int H);
/*
 * Backward of vr_lstm_forward.  Accumulates:
 *   dx (T, B, C) += d/dx (may be NULL: not wanted)
 *   dWih (4H, C), dWhh (4H, H), dbih, dbhh (4H) += their gradients
 * dh (T, B, H) in: d loss / d h_t from above; used as scratch (the
 * recurrent gradient is added into it).  dG (T, B, 4H) and dc (B, H)
 * scratch.  Bias sums in double.
 */
void vr_lstm_backward(float *dx, float *dWih, float *dWhh, float *dbih,
    float *dbhh, float *dh, float *dG, float *dc, const float *x,
    const float *h, const float *c, const float *gates, const float *Wih,
    const float *Whh, int B, int T, int C, int H);

#define VR_LSTM_MAXL 4

/* The teacher: L LSTM layers C -> H -> ... -> H, then fc: H -> V on the
 * last step.  Slab order and names are PyTorch's state_dict:
 * lstm.weight_ih_l<k> (4H, C or H), lstm.weight_hh_l<k> (4H, H),
 * lstm.bias_ih_l<k> (4H), lstm.bias_hh_l<k> (4H) per layer, then
 * fc.weight (V, H), fc.bias (V). */
struct vr_lstmnet {
    int L, C, H, V;
    size_t nparams;
    float *params, *grads;          /* owned: nparams floats each */
    float *Wih[VR_LSTM_MAXL], *Whh[VR_LSTM_MAXL];   /* views, as above */
    float *bih[VR_LSTM_MAXL], *bhh[VR_LSTM_MAXL];
    float *fcW, *fcb;
    float *dWih[VR_LSTM_MAXL], *dWhh[VR_LSTM_MAXL]; /* views into grads */
    float *dbih[VR_LSTM_MAXL], *dbhh[VR_LSTM_MAXL];
    float *dfcW, *dfcb;
    int nparam;
    struct vr_param param[4 * VR_LSTM_MAXL + 2];
    /* Saved by the last forward for the backward. */
    int B, T;
    size_t cap;                     /* B*T rows the buffers hold */
    int Bcap;                       /* B rows dc holds */
    float *xt;                      /* (T, B, C) time-major input */
    float *gates[VR_LSTM_MAXL];     /* (T, B, 4H) */
    float *c[VR_LSTM_MAXL], *h[VR_LSTM_MAXL];      /* (T, B, H) */
    float *dG;                      /* (T, B, 4H) backward scratch */
    float *dh[2];                   /* (T, B, H) */
    float *dc;                      /* (B, H) */
    float *acts;                    /* owned slab behind the above */
};

/* Shape and allocate, parameters zero.  VR_ERANGE on bad sizes (H a
 * multiple of 16), VR_ENOMEM. */
int vr_lstmnet_init(struct vr_lstmnet *n, int L, int C, int H, int V);
/* PyTorch's initialisation: every parameter uniform in +-1/sqrt(H). */
void vr_lstmnet_init_params(struct vr_lstmnet *n, struct vr_rng *rng);
/*
 * logits (B, V) of x (B, T, C) (batch first, as windows are stored);
 * keeps what the backward needs.  VR_ENOMEM if buffers cannot grow.
 */
int vr_lstmnet_forward(struct vr_lstmnet *n, float *logits, const float *x,
    int B, int T);
/* Backward of the last forward: grads += d loss / d params given
 * dlogits (B, V). */
void vr_lstmnet_backward(struct vr_lstmnet *n, const float *dlogits);
void vr_lstmnet_free(struct vr_lstmnet *n);

#endif
