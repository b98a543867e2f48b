/* Miners (miner.h): answers, online training, the copy's snapshots. */
#include "miner.h"
#include "prob.h"
#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdlib.h>

static size_t train_batch(const bt_miner *m, const bt_task *t)
{
    return m->cfg.train_batch ? m->cfg.train_batch : t->cfg.batch;
}

static int alloc_training(bt_miner *m, const bt_task *t)
{
    size_t b = train_batch(m, t), d_out = t->cfg.d_out;
    m->grad = bt_model_alloc(t->cfg.d_in, m->cfg.width, d_out);
    m->x = gsl_matrix_float_alloc(b, t->cfg.d_in);
    m->p = gsl_matrix_float_alloc(b, d_out);
    if (!m->grad || !m->x || !m->p) return -1;
    if (m->cfg.type == BT_MINER_STUDENT)
        return (m->teacher_work = bt_task_work(t, b)) ? 0 : -1;
    m->z = gsl_matrix_float_alloc(b, d_out);
    m->mix = gsl_matrix_float_alloc(b, d_out);
    return m->z && m->mix ? 0 : -1;
}

bt_miner *bt_miner_alloc(const bt_miner_config *cfg, const bt_task *t, size_t target,
                         uint64_t seed, uint64_t index)
{
    bt_miner *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->cfg = *cfg;
    m->target = target;
    m->rng = bt_task_rng(seed, 0x6d696e6572ULL /* "miner" */, index);
    if (!m->rng) goto fail;
    if (cfg->type == BT_MINER_STUDENT || cfg->type == BT_MINER_DISTILLED) {
        m->model = bt_model_alloc(t->cfg.d_in, cfg->width, t->cfg.d_out);
        if (!m->model || alloc_training(m, t)) goto fail;
        bt_model_init(m->model, m->rng, cfg->init_scale);
    } else if (cfg->type == BT_MINER_COPY) {
        m->nring = (size_t)cfg->delay + 1;
        m->ring = calloc(m->nring, sizeof *m->ring);
        if (!m->ring) goto fail;
    }
    return m;
fail:
    bt_miner_free(m);
    return NULL;
}

void bt_miner_free(bt_miner *m)
{
    if (!m) return;
    bt_model_free(m->model);
    for (size_t q = 0; m->ring && q < m->nring; q++) bt_model_free(m->ring[q]);
    free(m->ring);
    if (m->rng) gsl_rng_free(m->rng);
    for (int q = 0; q < BT_MINER_WORKS; q++) bt_model_work_free(m->works[q]);
    bt_model_work_free(m->teacher_work);
    bt_model_free(m->grad);
    if (m->x) gsl_matrix_float_free(m->x);
    if (m->p) gsl_matrix_float_free(m->p);
    if (m->z) gsl_matrix_float_free(m->z);
    if (m->mix) gsl_matrix_float_free(m->mix);
    free(m->key);
    free(m->src);
    free(m);
}

/* The forward scratch of m for batches of `rows`, allocated on first use (a few sizes occur:
 * queries, training, the held-out batch). NULL on ENOMEM or when every slot is taken. */
static bt_model_work *work_for(bt_miner *m, const bt_model *model, size_t rows)
{
    for (int q = 0; q < BT_MINER_WORKS; q++) {
        if (m->works[q] && m->works[q]->batch == rows) return m->works[q];
        if (!m->works[q]) return m->works[q] = bt_model_work_alloc(model, rows);
    }
    return NULL;
}

/* The model a miner answers with: its own, or the copy's snapshot `delay` epochs back. */
static const bt_model *serving_model(bt_miner *const *all, size_t i)
{
    const bt_miner *m = all[i];
    if (m->cfg.type != BT_MINER_COPY) return m->model;
    if (m->pushed == 0) return all[m->target]->model;   /* before the first snapshot */
    long back = m->pushed - 1 - m->cfg.delay;
    if (back < 0) back = 0;
    return m->ring[(size_t)back % m->nring];
}

static void add_noise(gsl_matrix_float *z, double sd, gsl_rng *r)
{
    for (size_t b = 0; b < z->size1; b++)
        for (size_t k = 0; k < z->size2; k++) z->data[b * z->tda + k] += (float)gsl_ran_gaussian_ziggurat(r, sd);
}

int bt_miner_answer(bt_miner *const *all, size_t i, const gsl_matrix_float *x, gsl_matrix_float *z, gsl_rng *rng)
{
    bt_miner *m = all[i];
    gsl_rng *r = rng ? rng : m->rng;
    m->answers++;
    if (m->cfg.type == BT_MINER_RANDOM) {
        gsl_matrix_float_set_zero(z);
        add_noise(z, m->cfg.noise > 0 ? m->cfg.noise : 1.0, r);
        return 0;
    }
    const bt_model *model = serving_model(all, i);
    bt_model_work *w = work_for(m, model, x->size1);
    if (!w) return -1;
    bt_model_forward(model, x, w);
    gsl_matrix_float_memcpy(z, w->z);
    if (m->cfg.noise > 0) add_noise(z, m->cfg.noise, r);
    return 0;
}

/* The distiller's targets for m->x: softmax of the mixture of its sources' logits, the
 * sources being the `sources` miners with the largest mixw (uniform over all when mixw is NULL
 * or all zero). */
static int distill_targets(bt_miner *const *all, size_t n, size_t i, const double *mixw)
{
    bt_miner *m = all[i];
    size_t k = m->cfg.sources < n - 1 ? m->cfg.sources : n - 1;
    if (m->nkey != n) {   /* the miner count is fixed in a run: allocated once */
        free(m->key);
        free(m->src);
        m->key = malloc(n * sizeof *m->key);
        m->src = malloc(n * sizeof *m->src);
        m->nkey = m->key && m->src ? n : 0;
        if (!m->nkey) return -1;
    }
    double *key = m->key, total = 0;
    size_t *src = m->src;
    for (size_t j = 0; j < n; j++) {
        key[j] = j == i ? -1.0 : (mixw ? mixw[j] : 0.0);
        if (j != i) total += key[j] > 0 ? key[j] : 0;
    }
    if (total <= 0) {   /* nothing to go by: every other miner, equally */
        for (size_t j = 0; j < n; j++) key[j] = j == i ? -1.0 : 1.0;
        k = n - 1;
    }
    gsl_sort_largest_index(src, k, key, 1, n);
    double sum = 0;
    for (size_t q = 0; q < k; q++) sum += key[src[q]] > 0 ? key[src[q]] : 0;
    gsl_matrix_float_set_zero(m->mix);
    gsl_vector_float_view mixv = gsl_vector_float_view_array(m->mix->data, m->mix->size1 * m->mix->size2);
    gsl_vector_float_view zv = gsl_vector_float_view_array(m->z->data, m->z->size1 * m->z->size2);
    for (size_t q = 0; q < k; q++) {
        double a = sum > 0 ? (key[src[q]] > 0 ? key[src[q]] : 0) / sum : 1.0 / (double)k;
        if (a <= 0) continue;
        if (bt_miner_answer(all, src[q], m->x, m->z, m->rng)) return -1;
        gsl_blas_saxpy((float)a, &zv.vector, &mixv.vector);
    }
    bt_prob_softmax_rows(m->mix, m->p);
    return 0;
}

int bt_miner_train(bt_miner *const *all, size_t n, size_t i, const bt_task *t, const double *mixw)
{
    bt_miner *m = all[i];
    if (!m->model) return 0;
    bt_model_work *w = work_for(m, m->model, m->x->size1);
    if (!w) return -1;
    for (long s = 0; s < m->cfg.compute; s++) {
        bt_task_inputs(t, m->rng, m->x);
        if (m->cfg.type == BT_MINER_STUDENT)
            bt_task_targets(t, m->x, m->teacher_work, m->p);
        else if (n < 2)
            return 0;   /* a distiller alone has nothing to learn from */
        else if (distill_targets(all, n, i, mixw))
            return -1;
        bt_model_sgd_step(m->model, m->x, m->p, m->cfg.lr, w, m->grad);
        m->steps++;
    }
    return 0;
}

int bt_miner_snapshot(bt_miner *const *all, size_t i)
{
    bt_miner *m = all[i];
    if (m->cfg.type != BT_MINER_COPY) return 0;
    const bt_model *src = all[m->target]->model;
    size_t slot = (size_t)m->pushed % m->nring;
    if (!m->ring[slot] && !(m->ring[slot] = bt_model_alloc(src->d_in, src->width, src->d_out))) return -1;
    bt_model_copy(m->ring[slot], src);
    m->pushed++;
    return 0;
}

int bt_miner_offline(const bt_miner *m, long e)
{
    for (size_t q = 0; q < m->cfg.noutages; q++)
        if (e >= m->cfg.outage_from[q] && e < m->cfg.outage_to[q]) return 1;
    return 0;
}
