/*
 * loss.h: cross-entropy with label smoothing and class weights, with
 * PyTorch's semantics (F.cross_entropy(z, y, weight=w,
 * label_smoothing=e), reduction "mean"):
 *
 *   q = (1 - e) onehot(y) + e / V,  log p = log_softmax(z)
 *   loss = sum_n [ (1 - e) w[y_n] (-log p_n,y_n)
 *                  + (e / V) sum_k w[k] (-log p_n,k) ] / sum_n w[y_n]
 *
 * which is the mean of -sum_k q_k log p_k when w is all ones.
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
 *   dlogits[n][j] += scale * ((1-e) w[y_n] (p_nj - [j = y_n])
 *                    + (e/V) (p_nj sum_k w[k] - w[j])) / sum_n w[y_n]
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
