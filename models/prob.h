/* Row-wise probability helpers over the standard output shape (batch x d_out): softmax of logits
 * and the KL divergence of a target distribution from the softmax of logits. Element-wise work
 * (exp, log) that BLAS does not express; every matrix product is elsewhere, through BLAS. */
#ifndef BT_PROB_H
#define BT_PROB_H

#include <stddef.h>
#include <gsl/gsl_matrix.h>

/* out_b = softmax(z_b) for every row b; out may be z. Stable (the row's maximum is subtracted). */
void bt_prob_softmax_rows(const gsl_matrix *z, gsl_matrix *out);

/* KL(p || softmax(z)) for one row of d entries, in nats; p sums to 1 (zeros allowed). */
double bt_prob_kl_row(const double *p, const double *z, size_t d);

/* Mean over rows of KL(p_b || softmax(z_b)). */
double bt_prob_kl_rows(const gsl_matrix *p, const gsl_matrix *z);

#endif
