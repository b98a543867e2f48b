/* The conditional-computation gate (router.h): scoring, top-k choice, per-example softmax,
 * SGD, in float32. Products through GSL's BLAS. */
#include "router.h"
#include "prob.h"
#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort_vector_float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

bt_router *bt_router_alloc(size_t m, size_t d_in, size_t k, size_t batch, double lr, double explore,
                           size_t backoff_max)
{
    if (!m || !d_in || !k || k > m || !batch || !backoff_max) return NULL;
    bt_router *rt = calloc(1, sizeof *rt);
    if (!rt) return NULL;
    rt->m = m; rt->d_in = d_in; rt->k = k; rt->batch = batch; rt->backoff_max = backoff_max;
    rt->lr = lr; rt->explore = explore;
    rt->v = gsl_matrix_float_calloc(m, d_in);
    rt->c = gsl_vector_float_calloc(m);
    rt->xbar = gsl_vector_float_alloc(d_in);
    rt->mean = gsl_vector_float_alloc(m);
    rt->sel = calloc(k, sizeof *rt->sel);
    rt->vsel = gsl_matrix_float_alloc(k, d_in);
    rt->a = gsl_matrix_float_alloc(batch, k);
    rt->g = gsl_matrix_float_alloc(batch, k);
    rt->da = gsl_matrix_float_alloc(batch, k);
    rt->dv = gsl_matrix_float_alloc(k, d_in);
    rt->dc = gsl_vector_float_alloc(k);
    rt->ones = gsl_vector_float_alloc(batch);
    rt->chosen = calloc(m, sizeof *rt->chosen);
    rt->misses = calloc(m, sizeof *rt->misses);
    rt->skip_until = calloc(m, sizeof *rt->skip_until);
    if (!rt->v || !rt->c || !rt->xbar || !rt->mean || !rt->sel || !rt->vsel || !rt->a || !rt->g || !rt->da ||
        !rt->dv || !rt->dc || !rt->ones || !rt->chosen || !rt->misses || !rt->skip_until) {
        bt_router_free(rt);
        return NULL;
    }
    gsl_vector_float_set_all(rt->ones, 1.0f);
    return rt;
}

void bt_router_free(bt_router *rt)
{
    if (!rt) return;
    gsl_matrix_float *mats[] = {rt->v, rt->vsel, rt->a, rt->g, rt->da, rt->dv};
    gsl_vector_float *vecs[] = {rt->c, rt->xbar, rt->mean, rt->dc, rt->ones};
    for (size_t q = 0; q < sizeof mats / sizeof mats[0]; q++)
        if (mats[q]) gsl_matrix_float_free(mats[q]);
    for (size_t q = 0; q < sizeof vecs / sizeof vecs[0]; q++)
        if (vecs[q]) gsl_vector_float_free(vecs[q]);
    free(rt->sel);
    free(rt->chosen);
    free(rt->misses);
    free(rt->skip_until);
    free(rt);
}

/* the top k of rt->mean into rt->sel, then in ascending miner order */
static void choose(bt_router *rt)
{
    size_t k = rt->k;
    if (k == rt->m) {
        for (size_t j = 0; j < k; j++) rt->sel[j] = j;
        return;
    }
    gsl_sort_vector_float_largest_index(rt->sel, k, rt->mean);
    for (size_t q = 1; q < k; q++)   /* insertion sort of k indices */
        for (size_t p = q; p > 0 && rt->sel[p - 1] > rt->sel[p]; p--) {
            size_t s = rt->sel[p];
            rt->sel[p] = rt->sel[p - 1];
            rt->sel[p - 1] = s;
        }
}

void bt_router_route(bt_router *rt, const gsl_matrix_float *x, gsl_rng *r)
{
    /* batch means of every miner's score: V mean_b(x_b) + c */
    gsl_blas_sgemv(CblasTrans, 1.0f / (float)rt->batch, x, rt->ones, 0.0f, rt->xbar);
    gsl_vector_float_memcpy(rt->mean, rt->c);
    gsl_blas_sgemv(CblasNoTrans, 1.0f, rt->v, rt->xbar, 1.0f, rt->mean);
    if (rt->explore > 0 && r && rt->k < rt->m)
        for (size_t j = 0; j < rt->m; j++) rt->mean->data[j] += (float)gsl_ran_gaussian_ziggurat(r, rt->explore);
    rt->routes++;
    for (size_t j = 0; j < rt->m; j++)
        if (rt->routes <= rt->skip_until[j]) rt->mean->data[j] = -INFINITY;
    choose(rt);
    for (size_t j = 0; j < rt->k; j++) rt->chosen[rt->sel[j]]++;
    /* the chosen miners' scores per example, A = 1 c_sel^T + X V_sel^T, and g_b = softmax(a_b) */
    for (size_t j = 0; j < rt->k; j++)
        memcpy(rt->vsel->data + j * rt->vsel->tda, rt->v->data + rt->sel[j] * rt->v->tda, rt->d_in * sizeof(float));
    for (size_t b = 0; b < rt->batch; b++) {
        float *row = rt->a->data + b * rt->a->tda;
        for (size_t j = 0; j < rt->k; j++) row[j] = rt->c->data[rt->sel[j]];
    }
    gsl_blas_sgemm(CblasNoTrans, CblasTrans, 1.0f, x, rt->vsel, 1.0f, rt->a);
    bt_prob_softmax_rows(rt->a, rt->g);
}

void bt_router_gradient(bt_router *rt, const gsl_matrix_float *x, const gsl_matrix_float *g,
                        const gsl_matrix_float *e)
{
    float inv_b = 1.0f / (float)rt->batch;
    /* dA_bj = g_bj (e_jb - sum_i g_bi e_ib) / B */
    for (size_t b = 0; b < rt->batch; b++) {
        gsl_vector_float_const_view gb = gsl_matrix_float_const_row(g, b);
        gsl_vector_float_const_view eb = gsl_matrix_float_const_column(e, b);
        double mean_e;
        gsl_blas_dsdot(&gb.vector, &eb.vector, &mean_e);
        for (size_t j = 0; j < rt->k; j++)
            gsl_matrix_float_set(rt->da, b, j, gb.vector.data[j] * (gsl_matrix_float_get(e, j, b) - (float)mean_e) * inv_b);
    }
    /* dV = dA^T X, dc = dA^T 1 */
    gsl_blas_sgemm(CblasTrans, CblasNoTrans, 1.0f, rt->da, x, 0.0f, rt->dv);
    gsl_blas_sgemv(CblasTrans, 1.0f, rt->da, rt->ones, 0.0f, rt->dc);
}

void bt_router_learn(bt_router *rt, const gsl_matrix_float *x, const gsl_matrix_float *g,
                     const gsl_matrix_float *e, const unsigned char *skip)
{
    bt_router_gradient(rt, x, g, e);
    for (size_t j = 0; j < rt->k; j++) {
        if (skip && skip[j]) continue;
        gsl_vector_float_view vj = gsl_matrix_float_row(rt->v, rt->sel[j]);
        gsl_vector_float_view dvj = gsl_matrix_float_row(rt->dv, j);
        gsl_blas_saxpy((float)-rt->lr, &dvj.vector, &vj.vector);
        rt->c->data[rt->sel[j]] -= (float)(rt->lr * rt->dc->data[j]);
    }
}

void bt_router_observe(bt_router *rt, const unsigned char *missing)
{
    for (size_t j = 0; j < rt->k; j++) {
        size_t i = rt->sel[j];
        if (!missing[j]) {
            rt->misses[i] = 0;
            continue;
        }
        if (rt->misses[i] < 31) rt->misses[i]++;
        uint64_t out = (uint64_t)1 << (rt->misses[i] - 1);
        rt->skip_until[i] = rt->routes + (out < rt->backoff_max ? out : rt->backoff_max);
    }
}
