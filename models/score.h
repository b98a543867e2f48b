/* Scoring: what a validator measures on one batch, and how its measurements become a weight
 * row.
 *
 * On a batch with targets P (the teacher's probabilities), answers z_jb (logits) of the k
 * miners queried and the gate g_bj (router.h), the validator's joined output is
 * m_b = sum_j g_bj z_jb with loss l_b = KL(P_b || softmax(m_b)). bt_score_evaluate computes
 *  - loss_j: each miner's own loss, mean_b KL(P_b || softmax(z_jb));
 *  - the importance of miner j, the change of the validator's loss when j is removed from
 *    the mixture (m_b -> m_b - g_bj z_jb, the whitepaper's dF = [0..-f_j..0]), by Taylor
 *    expansion: first order -g_bj (s_b - P_b).z_jb, second order (1/2) g_bj^2 z_jb^T H_b z_jb
 *    with H_b = diag(s_b) - s_b s_b^T, the Fisher information of the softmax (equal to the
 *    Hessian of the cross-entropy in the logits), i.e. (1/2) g_bj^2 Var_{s_b}(z_jb); s_b =
 *    softmax(m_b). Means over the batch;
 *  - the same change exactly (leave one out), when asked for;
 *  - e_jb = dl_b/dg_bj = (s_b - P_b).z_jb, which trains the gate.
 *
 * The per-validator state keeps, per miner, a moving average over queries of the rule's
 * statistic: for fisher and loo the importance, over every query once the miner has been
 * measured (a miner the router left out of a batch counts 0 there: removing it changes
 * nothing); for the baselines the loss, over the queries that reached the miner (others keep
 * their last estimate). It turns the averages
 * into weights: fisher/loo max(importance, 0); inverse_loss 1/(loss + 1e-3); softmax
 * exp(-(loss - min loss)/temperature); rank n-1-rank (best n-1, worst 0, ties share). Miners
 * never measured get no entry. */
#ifndef BT_SCORE_H
#define BT_SCORE_H

#include <stddef.h>
#include <gsl/gsl_matrix_float.h>
#include <gsl/gsl_vector_float.h>
#include "models_config.h"

/* The tensors are float32 like the answers; every statistic that becomes a score (losses,
 * importance terms, their batch means) is summed in double. */
typedef struct {
    size_t k, batch, d_out;
    gsl_matrix_float *z;         /* k x (batch*d_out): row j = miner j's logits, example-major */
    gsl_matrix_float *zsq;       /* z squared, element-wise */
    gsl_matrix_float *mix;       /* batch x d_out: joined logits m */
    gsl_matrix_float *s;         /* batch x d_out: softmax(m) */
    gsl_matrix_float *sp;        /* batch x d_out: s - P */
    gsl_matrix_float *e;         /* k x batch: dl_b/dg_bj */
    gsl_matrix_float *sz, *sq;   /* k x batch: s_b.z_jb and s_b.z_jb^2 */
    gsl_vector_float *tmp;       /* d_out */
    double plogp;          /* mean_b sum_c P log P of the last targets (prob.h) */
    double *loss;          /* k: each miner's own loss */
    double *first, *second;/* k: the importance's first- and second-order terms */
    double *loo;           /* k: exact leave-one-out change (when asked) */
    double mix_loss;       /* the validator's loss on the batch */
} bt_score_batch;

bt_score_batch *bt_score_batch_alloc(size_t k, size_t batch, size_t d_out);
void bt_score_batch_free(bt_score_batch *sb);

/* Miner j's logits as a batch x d_out view of row j of sb->z (answers are written there). */
gsl_matrix_float_view bt_score_answer_view(bt_score_batch *sb, size_t j);

/* Everything above from sb->z, the targets p (batch x d_out) and gates g (batch x k); loo
 * non-zero computes the exact leave-one-out changes too. */
void bt_score_evaluate(bt_score_batch *sb, const gsl_matrix_float *p, const gsl_matrix_float *g, int loo);

/* A validator's running scores over m miners. */
typedef struct {
    bt_score_rule rule;
    double ema, temperature;
    int order;
    size_t m;
    double *stat;        /* m: moving average of the rule's statistic */
    unsigned char *seen; /* m: measured at least once */
    double *work, *rank; /* m: scratch of the rank rule */
    size_t *idx;         /* m */
} bt_score_state;

bt_score_state *bt_score_state_alloc(const bt_eval_config *cfg, size_t m);
void bt_score_state_free(bt_score_state *st);

/* Folds one evaluated batch into the averages; sel[j] is the miner of row j of sb. */
void bt_score_update(bt_score_state *st, const bt_score_batch *sb, const size_t *sel);

/* w[0..m) = the weights the state implies (0 for miners never measured); returns how many
 * miners have been measured. */
size_t bt_score_weights(bt_score_state *st, double *w);

#endif
