/* bt_models: the synthetic tensor models of one run. Peers with a miner config serve answers
 * from a model (miner.h); peers with an evaluator config query them and score them
 * (eval.h); every peer's random stream derives from the run's seed and its peer index. Each
 * epoch: the miners train, the copies take their snapshots (bt_models_begin_epoch); every
 * evaluator sends its queries when it chooses (bt_models_round) and sets its weight row
 * (bt_models_row); after the mechanism the run hands the epoch's incentive back
 * (bt_models_measure), which measures every miner's true quality on the held-out batch and
 * how well the incentive tracks it. Knows nothing of the chain, the network, the scenario
 * format or files. */
#ifndef BT_MODELS_H
#define BT_MODELS_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>
#include "models_config.h"
#include "task.h"
#include "miner.h"
#include "eval.h"

/* What one epoch measured; vectors over peers, NaN where a peer has no such role. */
typedef struct {
    double *true_loss;            /* miners: KL against the teacher on the held-out batch */
    double spearman, kendall;     /* true quality (-true_loss) against incentive, over miners */
    double traffic_saved;         /* 1 - answers asked / (queries x miners), over evaluators */
    double *query_share;          /* miners: share of the epoch's answers asked of each */
    double *router_overlap;       /* evaluators: share of their picks among the true top k */
    double *mixture_loss;         /* evaluators: mean loss of their joined output */
    double *distill_loss;         /* evaluators with a student: its loss against the teacher */
    double *validator_alignment;  /* evaluators: Spearman of their weight row with quality */
    double *outage_loss;          /* evaluators: mean loss of their joined output on the batches
                                   * with a missing answer (NaN: none this epoch) */
    double *missed;               /* evaluators: share of the answers asked that did not come */
} bt_models_metrics;

typedef struct {
    size_t npeers;
    bt_task *task;
    size_t nminers, nevals;
    size_t *miner_peer;     /* miner number -> peer */
    size_t *eval_peer;      /* evaluator number -> peer */
    long *slot;             /* peer -> miner or evaluator number; -1 */
    bt_miner **miners;
    bt_eval **evals;
    gsl_rng *measure_rng;   /* noise of the answers measured on the held-out batch */
    gsl_matrix_float *hz;   /* holdout x d_out */
    double *mixw;           /* per miner: the last incentive (distillers' source weights) */
    double *scratch;        /* 5 x npeers */
    bt_models_metrics met;
    uint64_t steps;         /* SGD steps the miners took, in total */
    long epoch;             /* epochs begun (bt_models_begin_epoch) */
    unsigned char *offline; /* per miner: offline in the current epoch (outages) */
    int any_offline;        /* some miner is */
} bt_models;

/* Builds the task, the miners and the evaluators of cfg, seeded by seed (the task by its own
 * seed when cfg->task.seeded). NULL with a message in err on ENOMEM or a config the models
 * cannot run (which the scenario module normally rejects first). */
bt_models *bt_models_alloc(const bt_models_config *cfg, uint64_t seed, char *err, size_t errlen);
void bt_models_free(bt_models *m);

/* The start of epoch e's interval (e = the epochs begun so far): the miners train, the copies
 * take their snapshots, the outage intervals holding e take their miners offline, and the
 * evaluators' counters for the epoch start again. 0 or -1 (ENOMEM). */
int bt_models_begin_epoch(bt_models *m);

/* Evaluator `peer` sends its `queries` batches now; link (may be NULL: every answer arrives)
 * says which answers arrive, besides the models' own outages. 0 or -1 (ENOMEM). */
int bt_models_round(bt_models *m, size_t peer, const bt_eval_link *link);

/* bt_models_begin_epoch, then every evaluator's round with every answer arriving: an epoch
 * without a network (tests, bench-models). 0 or -1 (ENOMEM). */
int bt_models_epoch(bt_models *m);

/* The weight row of evaluator `peer` over peers: to[0..k) (miner peers, ascending), w[0..k)
 * (npeers entries each at most); returns k, the miners it has measured. */
size_t bt_models_row(bt_models *m, size_t peer, size_t *to, double *w);

/* After the mechanism: measures the epoch into m->met given the epoch's incentive over peers. */
void bt_models_measure(bt_models *m, const double *incentive);

/* Batches the miners have answered, in total (validators, distillers and measurement). */
uint64_t bt_models_answers(const bt_models *m);

/* Evaluator `peer`, or NULL. */
bt_eval *bt_models_eval(const bt_models *m, size_t peer);

#endif
