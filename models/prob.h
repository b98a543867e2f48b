/* Row-wise probability helpers over the standard output shape (batch x d_out, float32): softmax
 * of logits, and the KL divergence of a target distribution from the softmax of logits, summed
 * in double (the losses decide scores and metrics). KL(p || softmax z) = sum p log p
 * + cross-entropy; the first term depends on the targets only, so that a batch's targets pay
 * for their logs once however many answers are measured against them. Element-wise work
 * (exp, log) that BLAS does not express; every matrix product is elsewhere, through BLAS. */
#ifndef BT_PROB_H
#define BT_PROB_H

#include <stddef.h>
#include <gsl/gsl_matrix_float.h>

/* out_b = softmax(z_b) for every row b; out may be z. Stable (the row's maximum is subtracted). */
void bt_prob_softmax_rows(const gsl_matrix_float *z, gsl_matrix_float *out);

/* Cross-entropy of one row, sum_k p_k (log sum_i e^z_i - z_k), in nats. */
double bt_prob_xent_row(const float *p, const float *z, size_t d);

/* Mean over rows of sum_k p_bk log p_bk (minus the targets' entropy); zeros count 0. */
double bt_prob_plogp_rows(const gsl_matrix_float *p);

/* Mean over rows of KL(p_b || softmax(z_b)) given plogp = bt_prob_plogp_rows(p); at least 0
 * (rounding could leave -1e-8 for a perfect answer). */
double bt_prob_kl_rows_given(const gsl_matrix_float *p, double plogp, const gsl_matrix_float *z);

/* The same, computing plogp. */
double bt_prob_kl_rows(const gsl_matrix_float *p, const gsl_matrix_float *z);

#endif
