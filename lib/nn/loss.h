/*
 * loss.h: cross-entropy with label smoothing and class weights.
 *
 *   q_n = (1 - e) onehot(y_n) + e / V,  log p_n = log_softmax(z_n)
 *   loss = sum_n w[y_n] (-sum_k q_nk log p_nk) / sum_n w[y_n]
 *
 * Without weights this is PyTorch's F.cross_entropy(z, y,
 * label_smoothing=e).  With weights each sample's smoothed loss counts
 * w[its class], which is PyTorch's weighted cross-entropy for e = 0.  For
 * e > 0 PyTorch instead weights the smoothing term of every class k by
 * w[k] on every sample; with BUY and SELL weighted 30-40 times HOLD (their
 * balanced weights on real data) that term alone pushes every HOLD sample
 * away from HOLD, and a model trained so never predicts it.  So we weight
 * by the sample's class only.
 */
#ifndef VR_NN_LOSS_H
#define VR_NN_LOSS_H

/*
 * Loss of logits against labels; probs receives softmax(logits), which
 * the backward reuses.
 *   logits (B, V)   y (B) in [0, V)   w (V) or NULL for all ones
 *   probs (B, V)
 * Sums in double.  Returns the loss (NaN if a logit is not finite).
 */
double vr_loss_ce_forward(float *probs, const float *logits, const int *y,
    const float *w, float eps, int B, int V);
/*
 * Backward of vr_loss_ce_forward, times scale.  Accumulates
 *   dlogits[n][j] += scale * w[y_n] (p_nj - q_nj) / sum_n w[y_n]
 */
void vr_loss_ce_backward(float *dlogits, const float *probs, const int *y,
    const float *w, float eps, float scale, int B, int V);

/*
 * Distillation term (Hinton et al. 2015) as PyTorch's
 * kl_div(log_softmax(z / tau), softmax(zt / tau), "batchmean") * tau^2:
 *   loss = tau^2 / B sum_n sum_k p_nk (log p_nk - log s_nk)
 *   p = softmax(zt / tau) (teacher), s = softmax(z / tau) (student)
 *   logits teacher (B, V)   ps (B, V) out: s, kept for the backward
 */
double vr_loss_kd_forward(float *ps, const float *logits,
    const float *teacher, float tau, int B, int V);
/* Backward, times scale: dlogits += scale * tau / B * (s - p). */
void vr_loss_kd_backward(float *dlogits, const float *ps,
    const float *teacher, float tau, float scale, int B, int V);

#endif
