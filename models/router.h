/* bt_router: a validator's learned gate over the miners (the whitepaper's conditional
 * computation, section 7). Each miner j has a key v_j and a bias c_j; on a batch the gate
 * scores a_bj = v_j . x_b + c_j, chooses the k miners with the largest batch-mean score (plus
 * Gaussian exploration noise of sd `explore`), and weights their answers per example with
 * g_b = softmax over the chosen of a_b: the validator's joined output is
 * G(x_b) = sum_j g_bj f_j(x_b) (logits). The gate learns by SGD on the validator's loss given
 * e_jb = dloss_b / dg_bj. Only the chosen k miners are queried. In float32.
 *
 * The batch-mean score of every miner is v_j . mean_b(x_b) + c_j, one product of the m x d_in
 * keys with the batch's mean input; the per-example scores are computed for the k chosen only
 * (a batch x k product), so that choosing among thousands of miners costs little more than
 * gating the few chosen. */
#ifndef BT_ROUTER_H
#define BT_ROUTER_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_matrix_float.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_vector_float.h>

typedef struct {
    size_t m, d_in, k, batch;
    double lr, explore;
    gsl_matrix_float *v;       /* m x d_in: keys */
    gsl_vector_float *c;       /* m: biases */
    gsl_vector_float *xbar;    /* d_in: the batch's mean input */
    gsl_vector_float *mean;    /* m: batch-mean scores (with the exploration noise) */
    size_t *sel;               /* k chosen miners, ascending */
    gsl_matrix_float *vsel;    /* k x d_in: the chosen miners' keys */
    gsl_matrix_float *a;       /* batch x k: the chosen miners' scores on the last batch */
    gsl_matrix_float *g;       /* batch x k: gates of the chosen */
    gsl_matrix_float *da;      /* batch x k */
    gsl_matrix_float *dv;      /* k x d_in */
    gsl_vector_float *dc;      /* k */
    gsl_vector_float *ones;    /* batch */
    uint64_t *chosen;          /* m: times each miner was chosen */
} bt_router;

/* Gate over m miners choosing k (1..m) per batch of `batch` inputs of dimension d_in; keys and
 * biases start at 0 (equal gates). NULL on ENOMEM or bad sizes. */
bt_router *bt_router_alloc(size_t m, size_t d_in, size_t k, size_t batch, double lr, double explore);
void bt_router_free(bt_router *rt);

/* Scores x, chooses k miners (noise from r, which may be NULL when explore is 0), fills sel
 * and g and counts the choice. Allocates nothing. */
void bt_router_route(bt_router *rt, const gsl_matrix_float *x, gsl_rng *r);

/* The gradient of the mean loss over the batch with respect to the chosen miners' keys (dv,
 * k x d_in) and biases (dc), given e (k x batch, e_jb = dloss_b/dg_bj) for the last route. */
void bt_router_gradient(bt_router *rt, const gsl_matrix_float *x, const gsl_matrix_float *e);

/* bt_router_gradient, then one SGD step on the chosen miners' keys and biases. */
void bt_router_learn(bt_router *rt, const gsl_matrix_float *x, const gsl_matrix_float *e);

#endif
