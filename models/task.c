/* The teacher task (task.h) and the seeding of every random stream of the models. */
#include "task.h"
#include "normals.h"
#include "prob.h"
#include <gsl/gsl_randist.h>
#include <stdlib.h>

/* splitmix64's finaliser: a well-mixed 64-bit value from any input. */
static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

gsl_rng *bt_task_rng(uint64_t seed, uint64_t stream, uint64_t index)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r) return NULL;
    uint64_t s = mix64(mix64(mix64(seed) ^ stream) ^ index);
    gsl_rng_set(r, (unsigned long)(s & 0xffffffffUL) ? (unsigned long)(s & 0xffffffffUL) : 1UL);
    return r;
}

bt_task *bt_task_alloc(const bt_task_config *cfg)
{
    if (!cfg->d_in || !cfg->d_out || !cfg->hidden || !cfg->batch || !cfg->holdout) return NULL;
    bt_task *t = calloc(1, sizeof *t);
    gsl_rng *r = bt_task_rng(cfg->seed, 0x7465616368ULL /* "teach" */, 0);
    bt_model_work *w = NULL;
    if (!t || !r) goto fail;
    t->cfg = *cfg;
    t->teacher = bt_model_alloc(cfg->d_in, cfg->hidden, cfg->d_out);
    t->holdout_x = gsl_matrix_float_alloc(cfg->holdout, cfg->d_in);
    t->holdout_p = gsl_matrix_float_alloc(cfg->holdout, cfg->d_out);
    if (!t->teacher || !t->holdout_x || !t->holdout_p) goto fail;
    w = bt_model_work_alloc(t->teacher, cfg->holdout);
    if (!w) goto fail;
    bt_model_init(t->teacher, r, 1.0);
    /* hidden biases spread the tanh units; the output layer sets the logits' scale */
    for (size_t j = 0; j < cfg->hidden; j++) gsl_vector_float_set(&t->teacher->b1.vector, j, (float)gsl_ran_gaussian(r, 0.5));
    gsl_matrix_float_scale(&t->teacher->w2.matrix, (float)cfg->scale);
    bt_task_inputs(t, r, t->holdout_x);
    bt_task_targets(t, t->holdout_x, w, t->holdout_p);
    t->holdout_plogp = bt_prob_plogp_rows(t->holdout_p);
    bt_model_work_free(w);
    gsl_rng_free(r);
    return t;
fail:
    bt_model_work_free(w);
    gsl_rng_free(r);
    bt_task_free(t);
    return NULL;
}

void bt_task_free(bt_task *t)
{
    if (!t) return;
    bt_model_free(t->teacher);
    if (t->holdout_x) gsl_matrix_float_free(t->holdout_x);
    if (t->holdout_p) gsl_matrix_float_free(t->holdout_p);
    free(t);
}

void bt_task_inputs(const bt_task *t, gsl_rng *r, gsl_matrix_float *x)
{
    (void)t;
    uint64_t key = (uint64_t)gsl_rng_get(r) << 32;   /* mt19937: 32 bits a draw */
    key ^= (uint64_t)gsl_rng_get(r);
    for (size_t b = 0; b < x->size1; b++)
        bt_normals_fill(x->data + b * x->tda, x->size2, key, (uint64_t)b * x->size2);
}

void bt_task_targets(const bt_task *t, const gsl_matrix_float *x, bt_model_work *w, gsl_matrix_float *p)
{
    bt_model_forward(t->teacher, x, w);
    bt_prob_softmax_rows(w->z, p);
}

double bt_task_holdout_loss(const bt_task *t, const gsl_matrix_float *z)
{
    return bt_prob_kl_rows_given(t->holdout_p, t->holdout_plogp, z);
}

bt_model_work *bt_task_work(const bt_task *t, size_t rows)
{
    return bt_model_work_alloc(t->teacher, rows);
}
