/* bt_task: the fixed task every miner is measured on. A random teacher network (a bt_model of
 * width `hidden`, weights from the task's seed) maps inputs x ~ N(0, I_d_in) to logits over
 * d_out classes; its softmax is the target distribution. Every answer in the network has the
 * standard shape batch x d_out (the whitepaper's tensor standardisation). A held-out batch,
 * drawn once from the seed, measures each model's true quality: its loss against the teacher.
 * Inputs and targets are float32, like the models. */
#ifndef BT_TASK_H
#define BT_TASK_H

#include <gsl/gsl_matrix_float.h>
#include <gsl/gsl_rng.h>
#include "models_config.h"
#include "model.h"

typedef struct {
    bt_task_config cfg;
    bt_model *teacher;
    gsl_matrix_float *holdout_x;   /* holdout x d_in */
    gsl_matrix_float *holdout_p;   /* holdout x d_out: the teacher's probabilities on it */
    double holdout_plogp;          /* bt_prob_plogp_rows(holdout_p), paid once */
} bt_task;

/* Builds the teacher and the held-out batch from cfg->seed. NULL on ENOMEM or a zero size. */
bt_task *bt_task_alloc(const bt_task_config *cfg);
void bt_task_free(bt_task *t);

/* Fills x (rows x d_in) with N(0, 1) inputs: a key drawn from r (two 32-bit draws) expanded by
 * bt_normals_fill (normals.h), so that a batch costs r two draws. */
void bt_task_inputs(const bt_task *t, gsl_rng *r, gsl_matrix_float *x);

/* p = softmax(teacher(x)); w is teacher scratch (bt_task_work) of x's row count. */
void bt_task_targets(const bt_task *t, const gsl_matrix_float *x, bt_model_work *w, gsl_matrix_float *p);

/* The loss of answer z (holdout x d_out logits) on the held-out batch: a model's true quality. */
double bt_task_holdout_loss(const bt_task *t, const gsl_matrix_float *z);

/* Scratch for bt_task_targets on batches of `rows` examples. NULL on ENOMEM. */
bt_model_work *bt_task_work(const bt_task *t, size_t rows);

/* A gsl_rng (mt19937) seeded from (seed, stream, index) through a 64-bit mix, so that every
 * peer and purpose gets its own reproducible stream. NULL on ENOMEM. */
gsl_rng *bt_task_rng(uint64_t seed, uint64_t stream, uint64_t index);

#endif
