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
 * gating the few chosen.
 *
 * Missing answers. The validator tells the router which of the chosen miners did not answer
 * (bt_router_observe). A miner that misses is left out of the choice for the validator's next
 * 1 query, then 2, 4, ... after each further miss in a row, at most backoff_max (the
 * validator's queries per epoch: an offline miner is probed about once an epoch); when it is
 * back in the top k it is asked again (a probe), and one answer clears its record. An offline
 * miner is thus asked once per backoff_max queries of its outage instead of every time, and is
 * found again within backoff_max queries of its return; a single drop costs it one query. The backoff leaves the gate's scores alone, so that a returning miner
 * comes back with the weight it had earned. (Counting a missing answer as uniform logits in
 * the gate's gradient would not do: with a softmax gate the gradient only moves the chosen
 * miners' scores relative to each other, so with top_k 1 nothing moves, and a uniform answer
 * can lower the joined loss when the other answers are overconfident.) With fewer than k
 * miners not backing off, the rest of the k are taken from those backing off. */
#ifndef BT_ROUTER_H
#define BT_ROUTER_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_matrix_float.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_vector_float.h>

typedef struct {
    size_t m, d_in, k, batch;
    size_t backoff_max;        /* queries a miner is left out at most after misses in a row */
    double lr, explore;
    gsl_matrix_float *v;       /* m x d_in: keys */
    gsl_vector_float *c;       /* m: biases */
    gsl_vector_float *xbar;    /* d_in: the batch's mean input */
    gsl_vector_float *mean;    /* m: the choice's keys: batch-mean scores with the exploration
                                * noise, -inf for a miner backing off */
    size_t *sel;               /* k chosen miners, ascending */
    gsl_matrix_float *vsel;    /* k x d_in: the chosen miners' keys */
    gsl_matrix_float *a;       /* batch x k: the chosen miners' scores on the last batch */
    gsl_matrix_float *g;       /* batch x k: gates of the chosen */
    gsl_matrix_float *da;      /* batch x k */
    gsl_matrix_float *dv;      /* k x d_in */
    gsl_vector_float *dc;      /* k */
    gsl_vector_float *ones;    /* batch */
    uint64_t *chosen;          /* m: times each miner was chosen */
    uint64_t routes;           /* batches routed */
    unsigned *misses;          /* m: missing answers in a row */
    uint64_t *skip_until;      /* m: left out of the choice while routes <= skip_until */
} bt_router;

/* Gate over m miners choosing k (1..m) per batch of `batch` inputs of dimension d_in; keys and
 * biases start at 0 (equal gates); backoff_max >= 1 (above). NULL on ENOMEM or bad sizes. */
bt_router *bt_router_alloc(size_t m, size_t d_in, size_t k, size_t batch, double lr, double explore,
                           size_t backoff_max);
void bt_router_free(bt_router *rt);

/* Scores x, chooses k miners (noise from r, which may be NULL when explore is 0), fills sel
 * and g and counts the choice. Allocates nothing. */
void bt_router_route(bt_router *rt, const gsl_matrix_float *x, gsl_rng *r);

/* The gradient of the mean loss over the batch with respect to the chosen miners' keys (dv,
 * k x d_in) and biases (dc) for the last route, given the gate g that was applied (batch x k:
 * rt->g, or rt->g renormalised over the miners that answered, 0 for the others: a softmax of
 * the same scores over a subset) and e (k x batch, e_jb = dloss_b/dg_bj). */
void bt_router_gradient(bt_router *rt, const gsl_matrix_float *x, const gsl_matrix_float *g,
                        const gsl_matrix_float *e);

/* bt_router_gradient, then one SGD step on the chosen miners' keys and biases, except those
 * flagged in skip (k flags, may be NULL): a miner that did not answer the batch is not
 * judged by it (the backoff deals with it). */
void bt_router_learn(bt_router *rt, const gsl_matrix_float *x, const gsl_matrix_float *g,
                     const gsl_matrix_float *e, const unsigned char *skip);

/* After the last route's answers: missing[j] non-zero when chosen miner j (of rt->sel) sent
 * none. Updates the backoff (above). */
void bt_router_observe(bt_router *rt, const unsigned char *missing);

#endif
