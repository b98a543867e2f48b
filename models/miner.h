/* bt_miner: what a miner serves. Each answers a batch of inputs with logits of the standard
 * shape (batch x d_out). A student trains online, by SGD on samples it draws and labels with
 * the teacher (its own data), `compute` steps per epoch: its true quality rises with compute and
 * width. The adversaries: random logits; a copy of another miner's model as it was `delay`
 * epochs ago; a student distilled from the incentive-weighted mixture of the top miners (it
 * never sees the teacher). Miners are kept in an array indexed by miner number; copies and
 * distillers reach the others through it. */
#ifndef BT_MINER_H
#define BT_MINER_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_matrix_float.h>
#include <gsl/gsl_rng.h>
#include "models_config.h"
#include "model.h"
#include "task.h"

#define BT_MINER_WORKS 4

typedef struct {
    bt_miner_config cfg;
    size_t target;            /* copy: miner number of the target (cfg.target is a peer) */
    bt_model *model;          /* student, distilled: the trained model; NULL otherwise */
    bt_model **ring;          /* copy: the target's last delay+1 models, one per epoch */
    size_t nring;
    long pushed;              /* copy: snapshots taken */
    gsl_rng *rng;             /* training samples and the noise of answers */
    bt_model_work *works[BT_MINER_WORKS];   /* forward scratch by batch size */
    bt_model_work *teacher_work;            /* training targets (student) */
    bt_model *grad;
    gsl_matrix_float *x, *p, *z;   /* training batch, its targets, a source's logits (distilled) */
    gsl_matrix_float *mix;         /* distilled: the sources' mixed logits */
    double *key;              /* distilled: nkey, the sources' weights (first use) */
    size_t *src, nkey;        /* distilled: nkey, the sources chosen */
    long steps;               /* SGD steps taken */
    uint64_t answers;         /* batches answered (validators, distillers and measurement) */
} bt_miner;

/* A miner for cfg (its target already translated to a miner number in `target`); seed and
 * index seed its stream. NULL on ENOMEM. */
bt_miner *bt_miner_alloc(const bt_miner_config *cfg, const bt_task *t, size_t target,
                         uint64_t seed, uint64_t index);
void bt_miner_free(bt_miner *m);

/* Miner i of all[0..n) answers x: z (x rows x d_out) = logits, plus its noise drawn from rng
 * (NULL: the miner's own stream). 0, or -1 on ENOMEM. */
int bt_miner_answer(bt_miner *const *all, size_t i, const gsl_matrix_float *x, gsl_matrix_float *z, gsl_rng *rng);

/* One epoch of training for miner i: `compute` SGD steps. mixw (over miner numbers, may be
 * NULL) weights the distiller's sources, normally the last epoch's incentive. 0 or -1. */
int bt_miner_train(bt_miner *const *all, size_t n, size_t i, const bt_task *t, const double *mixw);

/* Non-zero when miner m is offline at epoch e (one of its outage intervals holds e). */
int bt_miner_offline(const bt_miner *m, long e);

/* A copy takes this epoch's snapshot of its target. 0 (nothing to do for other types). */
int bt_miner_snapshot(bt_miner *const *all, size_t i);

#endif
