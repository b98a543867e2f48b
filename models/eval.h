/* bt_eval: one validator that measures miners by evaluating their answers. Per query it draws
 * a batch from its own stream, labels it with the teacher, lets its router choose k miners,
 * asks them, evaluates the batch (score.h), trains its gate on its loss, folds the batch into
 * its scoring rule's moving averages and, optionally, trains its distilled student on the
 * joined output. Its weight row over the miners comes from the scoring state.
 *
 * Missing answers (offline miners, answers the network drops): a chosen miner that sends no
 * answer is replaced, with its gate, by the distilled student when there is one and stand_in
 * is set; otherwise its gate is set to 0 and the others' renormalised (no answer at all:
 * uniform logits). Either way the missing miner is measured as having answered nothing
 * (importance 0, the loss of uniform logits); the gate learns from the batch through the gate
 * it applied, leaving the missing miner's score alone; the router backs off from the missing
 * miner (router.h: left out of the next 1, 2, 4, ... queries, at most one epoch's, until it
 * answers a probe); the
 * student does not train on that batch (it learns from real answers only). */
#ifndef BT_EVAL_H
#define BT_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_matrix_float.h>
#include <gsl/gsl_rng.h>
#include "models_config.h"
#include "task.h"
#include "miner.h"
#include "router.h"
#include "score.h"
#include "distill.h"

typedef struct {
    bt_eval_config cfg;
    size_t m;                  /* miners evaluated: miner numbers 0..m-1 */
    gsl_rng *rng;              /* inputs, exploration, the noise of the answers it gets */
    bt_router *router;
    bt_score_batch *sb;
    bt_score_state *st;
    bt_distill *distill;       /* NULL unless cfg.distill */
    gsl_matrix_float *x, *p;   /* the batch and the teacher's probabilities */
    gsl_matrix_float *g;       /* batch x k: the gate applied (the router's, less missing answers) */
    unsigned char *missing;    /* k: the chosen miner j sent no answer */
    bt_model_work *twork;
    /* this epoch so far (bt_eval_epoch_reset clears them) */
    uint64_t *picked;          /* m: batches sent to each miner */
    uint64_t sent;             /* answers asked for */
    long queries;              /* batches evaluated */
    double mix_loss_sum;       /* sum of the joined output's loss over those batches */
    long outage_queries;       /* batches with at least one missing answer */
    double outage_loss_sum;    /* sum of the joined output's loss over those */
    uint64_t missed;           /* answers asked for that did not come */
} bt_eval;

/* An evaluator of m miners under cfg for task t; seed and index seed its stream. NULL on
 * ENOMEM or bad sizes. */
bt_eval *bt_eval_alloc(const bt_eval_config *cfg, const bt_task *t, size_t m, uint64_t seed,
                       uint64_t index);
void bt_eval_free(bt_eval *ev);

/* The network between the evaluator and the miners: answers(ctx, j) is 1 when miner j's
 * answer to a query sent now arrives in time (online, registered, latency within the
 * timeout), 0 when it does not. Called once per chosen miner per query. */
typedef struct {
    int (*answers)(void *ctx, size_t miner);
    void *ctx;
} bt_eval_link;

/* One query of a batch to the chosen miners of all[0..m). Miner j does not answer when
 * offline[j] is non-zero (its model's own outages; offline may be NULL) or when link says so
 * (link may be NULL: every answer arrives). 0, or -1 on ENOMEM. */
int bt_eval_query(bt_eval *ev, bt_miner *const *all, const bt_task *t, const unsigned char *offline,
                  const bt_eval_link *link);

/* The weight row over the m miners (0 for miners never measured); returns how many were. */
size_t bt_eval_weights(bt_eval *ev, double *w);

void bt_eval_epoch_reset(bt_eval *ev);

#endif
