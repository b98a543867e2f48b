/* The validator's distilled student (distill.h). */
#include "distill.h"
#include <stdlib.h>

bt_distill *bt_distill_alloc(const bt_task *t, size_t width, double lr, long steps, gsl_rng *r)
{
    bt_distill *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->lr = lr;
    d->steps = steps;
    d->student = bt_model_alloc(t->cfg.d_in, width, t->cfg.d_out);
    d->grad = bt_model_alloc(t->cfg.d_in, width, t->cfg.d_out);
    if (!d->student || !d->grad) goto fail;
    d->work = bt_model_work_alloc(d->student, t->cfg.batch);
    d->hwork = bt_model_work_alloc(d->student, t->cfg.holdout);
    if (!d->work || !d->hwork) goto fail;
    bt_model_init(d->student, r, 1.0);
    return d;
fail:
    bt_distill_free(d);
    return NULL;
}

void bt_distill_free(bt_distill *d)
{
    if (!d) return;
    bt_model_free(d->student);
    bt_model_free(d->grad);
    bt_model_work_free(d->work);
    bt_model_work_free(d->hwork);
    free(d);
}

void bt_distill_step(bt_distill *d, const gsl_matrix_float *x, const gsl_matrix_float *q)
{
    for (long s = 0; s < d->steps; s++) {
        bt_model_sgd_step(d->student, x, q, d->lr, d->work, d->grad);
        d->taken++;
    }
}

double bt_distill_loss(bt_distill *d, const bt_task *t)
{
    bt_model_forward(d->student, t->holdout_x, d->hwork);
    return bt_task_holdout_loss(t, d->hwork->z);
}
