/* Batch evaluation (importance by Taylor/Fisher and leave-one-out, per-miner losses) and the
 * scoring rules' moving averages and weights (score.h). The per-example products of the k
 * answers with the gate, the softmax and the targets are gsl_blas_sgemv on views of sb->z
 * (float32); their batch means are summed in double. */
#include "score.h"
#include "prob.h"
#include <gsl/gsl_blas.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdlib.h>

bt_score_batch *bt_score_batch_alloc(size_t k, size_t batch, size_t d_out)
{
    if (!k || !batch || !d_out) return NULL;
    bt_score_batch *sb = calloc(1, sizeof *sb);
    if (!sb) return NULL;
    sb->k = k; sb->batch = batch; sb->d_out = d_out;
    sb->z = gsl_matrix_float_alloc(k, batch * d_out);
    sb->zsq = gsl_matrix_float_alloc(k, batch * d_out);
    sb->mix = gsl_matrix_float_alloc(batch, d_out);
    sb->s = gsl_matrix_float_alloc(batch, d_out);
    sb->sp = gsl_matrix_float_alloc(batch, d_out);
    sb->e = gsl_matrix_float_alloc(k, batch);
    sb->sz = gsl_matrix_float_alloc(k, batch);
    sb->sq = gsl_matrix_float_alloc(k, batch);
    sb->tmp = gsl_vector_float_alloc(d_out);
    sb->loss = calloc(k, sizeof(double));
    sb->first = calloc(k, sizeof(double));
    sb->second = calloc(k, sizeof(double));
    sb->loo = calloc(k, sizeof(double));
    if (!sb->z || !sb->zsq || !sb->mix || !sb->s || !sb->sp || !sb->e || !sb->sz || !sb->sq ||
        !sb->tmp || !sb->loss || !sb->first || !sb->second || !sb->loo) {
        bt_score_batch_free(sb);
        return NULL;
    }
    return sb;
}

void bt_score_batch_free(bt_score_batch *sb)
{
    if (!sb) return;
    gsl_matrix_float *mats[] = {sb->z, sb->zsq, sb->mix, sb->s, sb->sp, sb->e, sb->sz, sb->sq};
    for (size_t q = 0; q < sizeof mats / sizeof mats[0]; q++)
        if (mats[q]) gsl_matrix_float_free(mats[q]);
    if (sb->tmp) gsl_vector_float_free(sb->tmp);
    free(sb->loss); free(sb->first); free(sb->second); free(sb->loo);
    free(sb);
}

gsl_matrix_float_view bt_score_answer_view(bt_score_batch *sb, size_t j)
{
    return gsl_matrix_float_view_array(sb->z->data + j * sb->z->tda, sb->batch, sb->d_out);
}

static void own_losses(bt_score_batch *sb, const gsl_matrix_float *p)
{
    for (size_t j = 0; j < sb->k; j++) {
        gsl_matrix_float_view zj = bt_score_answer_view(sb, j);
        sb->loss[j] = bt_prob_kl_rows_given(p, sb->plogp, &zj.matrix);
    }
}

/* exact: mean_b [l(m_b - g_bj z_jb) - l(m_b)], where the targets' own term cancels */
static void leave_one_out(bt_score_batch *sb, const gsl_matrix_float *p, const gsl_matrix_float *g)
{
    for (size_t j = 0; j < sb->k; j++) {
        double d = 0;
        for (size_t b = 0; b < sb->batch; b++) {
            gsl_vector_float_const_view mb = gsl_matrix_float_const_row(sb->mix, b);
            gsl_vector_float_const_view zjb =
                gsl_vector_float_const_view_array(sb->z->data + j * sb->z->tda + b * sb->d_out, sb->d_out);
            gsl_vector_float_memcpy(sb->tmp, &mb.vector);
            gsl_blas_saxpy(-gsl_matrix_float_get(g, b, j), &zjb.vector, sb->tmp);
            const float *pb = p->data + b * p->tda;
            d += bt_prob_xent_row(pb, sb->tmp->data, sb->d_out) - bt_prob_xent_row(pb, mb.vector.data, sb->d_out);
        }
        sb->loo[j] = d / (double)sb->batch;
    }
}

void bt_score_evaluate(bt_score_batch *sb, const gsl_matrix_float *p, const gsl_matrix_float *g, int loo)
{
    size_t k = sb->k, B = sb->batch, d = sb->d_out;
    sb->plogp = bt_prob_plogp_rows(p);
    own_losses(sb, p);
    gsl_matrix_float_memcpy(sb->zsq, sb->z);
    gsl_matrix_float_mul_elements(sb->zsq, sb->z);
    /* joined logits m_b = Z_b^T g_b */
    for (size_t b = 0; b < B; b++) {
        /* the k x d_out block of example b: row j = z_jb */
        gsl_matrix_float_const_view zb = gsl_matrix_float_const_submatrix(sb->z, 0, b * d, k, d);
        gsl_vector_float_const_view gb = gsl_matrix_float_const_row(g, b);
        gsl_vector_float_view mb = gsl_matrix_float_row(sb->mix, b);
        gsl_blas_sgemv(CblasTrans, 1.0f, &zb.matrix, &gb.vector, 0.0f, &mb.vector);
    }
    sb->mix_loss = bt_prob_kl_rows_given(p, sb->plogp, sb->mix);
    bt_prob_softmax_rows(sb->mix, sb->s);
    gsl_matrix_float_memcpy(sb->sp, sb->s);
    gsl_matrix_float_sub(sb->sp, p);
    /* e_jb = Z_b (s_b - P_b); s_b.z_jb and s_b.z_jb^2 for the Fisher term */
    for (size_t b = 0; b < B; b++) {
        gsl_matrix_float_const_view zb = gsl_matrix_float_const_submatrix(sb->z, 0, b * d, k, d),
                                    qb = gsl_matrix_float_const_submatrix(sb->zsq, 0, b * d, k, d);
        gsl_vector_float_const_view spb = gsl_matrix_float_const_row(sb->sp, b), sbv = gsl_matrix_float_const_row(sb->s, b);
        gsl_vector_float_view eb = gsl_matrix_float_column(sb->e, b), szb = gsl_matrix_float_column(sb->sz, b),
                              sqb = gsl_matrix_float_column(sb->sq, b);
        gsl_blas_sgemv(CblasNoTrans, 1.0f, &zb.matrix, &spb.vector, 0.0f, &eb.vector);
        gsl_blas_sgemv(CblasNoTrans, 1.0f, &zb.matrix, &sbv.vector, 0.0f, &szb.vector);
        gsl_blas_sgemv(CblasNoTrans, 1.0f, &qb.matrix, &sbv.vector, 0.0f, &sqb.vector);
    }
    for (size_t j = 0; j < k; j++) {
        double f1 = 0, f2 = 0;
        for (size_t b = 0; b < B; b++) {
            double gj = gsl_matrix_float_get(g, b, j), sz = gsl_matrix_float_get(sb->sz, j, b);
            double var = gsl_matrix_float_get(sb->sq, j, b) - sz * sz;
            f1 -= gj * gsl_matrix_float_get(sb->e, j, b);
            f2 += 0.5 * gj * gj * (var > 0 ? var : 0);
        }
        sb->first[j] = f1 / (double)B;
        sb->second[j] = f2 / (double)B;
    }
    if (loo) leave_one_out(sb, p, g);
}

/* ---- the per-validator state ---- */

bt_score_state *bt_score_state_alloc(const bt_eval_config *cfg, size_t m)
{
    if (!m) return NULL;
    bt_score_state *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    st->rule = cfg->rule;
    st->ema = cfg->ema;
    st->temperature = cfg->temperature;
    st->order = cfg->order;
    st->m = m;
    st->stat = calloc(m, sizeof *st->stat);
    st->seen = calloc(m, 1);
    st->work = calloc(m, sizeof *st->work);
    st->idx = calloc(m, sizeof *st->idx);
    st->rank = calloc(m, sizeof *st->rank);
    if (!st->stat || !st->seen || !st->work || !st->idx || !st->rank) {
        bt_score_state_free(st);
        return NULL;
    }
    return st;
}

void bt_score_state_free(bt_score_state *st)
{
    if (!st) return;
    free(st->stat); free(st->seen); free(st->work); free(st->idx); free(st->rank);
    free(st);
}

static double observation(const bt_score_state *st, const bt_score_batch *sb, size_t j)
{
    switch (st->rule) {
    case BT_RULE_FISHER: return sb->first[j] + (st->order >= 2 ? sb->second[j] : 0.0);
    case BT_RULE_LOO: return sb->loo[j];
    default: return sb->loss[j];
    }
}

void bt_score_update(bt_score_state *st, const bt_score_batch *sb, const size_t *sel)
{
    int importance = st->rule == BT_RULE_FISHER || st->rule == BT_RULE_LOO;
    if (importance) {
        /* a miner outside the batch's mixture changes nothing when removed: its importance on
         * this batch is exactly 0 */
        for (size_t i = 0; i < st->m; i++) st->work[i] = 0;
        for (size_t j = 0; j < sb->k; j++) st->work[sel[j]] = 1;
        for (size_t i = 0; i < st->m; i++)
            if (st->seen[i] && st->work[i] == 0) st->stat[i] *= st->ema;
    }
    for (size_t j = 0; j < sb->k; j++) {
        size_t i = sel[j];
        double x = observation(st, sb, j);
        st->stat[i] = st->seen[i] ? st->ema * st->stat[i] + (1.0 - st->ema) * x : x;
        st->seen[i] = 1;
    }
}

/* rank rule: w = n-1-rank by ascending loss among the n measured, ties averaged */
static void rank_weights(bt_score_state *st, double *w, size_t n)
{
    size_t q = 0;
    for (size_t i = 0; i < st->m; i++)
        if (st->seen[i]) st->work[q++] = st->stat[i];
    gsl_sort_index(st->idx, st->work, 1, n);
    for (size_t a = 0; a < n;) {
        size_t e = a;
        while (e + 1 < n && st->work[st->idx[e + 1]] == st->work[st->idx[a]]) e++;
        for (size_t t = a; t <= e; t++) st->rank[st->idx[t]] = 0.5 * (double)(a + e);
        a = e + 1;
    }
    q = 0;
    for (size_t i = 0; i < st->m; i++) w[i] = st->seen[i] ? (double)(n - 1) - st->rank[q++] : 0.0;
}

size_t bt_score_weights(bt_score_state *st, double *w)
{
    size_t n = 0;
    double lo = INFINITY;
    for (size_t i = 0; i < st->m; i++)
        if (st->seen[i]) {
            n++;
            if (st->stat[i] < lo) lo = st->stat[i];
        }
    if (n && st->rule == BT_RULE_RANK) {
        rank_weights(st, w, n);
        return n;
    }
    for (size_t i = 0; i < st->m; i++) {
        double s = st->stat[i];
        if (!st->seen[i]) { w[i] = 0; continue; }
        switch (st->rule) {
        case BT_RULE_FISHER:
        case BT_RULE_LOO: w[i] = s > 0 ? s : 0; break;
        case BT_RULE_INVERSE_LOSS: w[i] = 1.0 / (s + 1e-3); break;
        case BT_RULE_SOFTMAX: w[i] = exp(-(s - lo) / st->temperature); break;
        default: w[i] = 0; break;
        }
    }
    return n;
}
