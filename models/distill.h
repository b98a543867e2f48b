/* bt_distill: knowledge extraction (whitepaper section 8). A validator trains a small student
 * dist(x) on the KL divergence to its joined network output, KL(softmax(G(x)) || dist(x)),
 * never seeing the teacher; how well the student then does against the teacher, on the
 * held-out batch, measures how much the network's answers are worth. */
#ifndef BT_DISTILL_H
#define BT_DISTILL_H

#include <gsl/gsl_matrix_float.h>
#include <gsl/gsl_rng.h>
#include "model.h"
#include "task.h"

typedef struct {
    bt_model *student, *grad;
    bt_model_work *work;     /* at the query batch */
    bt_model_work *hwork;    /* at the held-out batch */
    double lr;
    long steps;              /* SGD steps per batch */
    long taken;
} bt_distill;

/* A student of the given width for task t, initialised from r. NULL on ENOMEM. */
bt_distill *bt_distill_alloc(const bt_task *t, size_t width, double lr, long steps, gsl_rng *r);
void bt_distill_free(bt_distill *d);

/* `steps` SGD steps on (x, q), q the network's probabilities on x. */
void bt_distill_step(bt_distill *d, const gsl_matrix_float *x, const gsl_matrix_float *q);

/* The student's loss against the teacher on the task's held-out batch. */
double bt_distill_loss(bt_distill *d, const bt_task *t);

#endif
