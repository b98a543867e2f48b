/* The conditional-computation gate (router.h): scoring, top-k choice, per-example softmax,
 * SGD. Products through GSL's BLAS. */
#include "router.h"
#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort_vector.h>
#include <math.h>
#include <stdlib.h>

bt_router *bt_router_alloc(size_t m, size_t d_in, size_t k, size_t batch, double lr, double explore)
{
    if (!m || !d_in || !k || k > m || !batch) return NULL;
    bt_router *rt = calloc(1, sizeof *rt);
    if (!rt) return NULL;
    rt->m = m; rt->d_in = d_in; rt->k = k; rt->batch = batch;
    rt->lr = lr; rt->explore = explore;
    rt->v = gsl_matrix_calloc(m, d_in);
    rt->c = gsl_vector_calloc(m);
    rt->a = gsl_matrix_alloc(batch, m);
    rt->mean = gsl_vector_alloc(m);
    rt->sel = calloc(k, sizeof *rt->sel);
    rt->g = gsl_matrix_alloc(batch, k);
    rt->da = gsl_matrix_alloc(batch, k);
    rt->dv = gsl_matrix_alloc(k, d_in);
    rt->dc = gsl_vector_alloc(k);
    rt->ones = gsl_vector_alloc(batch);
    rt->chosen = calloc(m, sizeof *rt->chosen);
    if (!rt->v || !rt->c || !rt->a || !rt->mean || !rt->sel || !rt->g || !rt->da || !rt->dv ||
        !rt->dc || !rt->ones || !rt->chosen) {
        bt_router_free(rt);
        return NULL;
    }
    gsl_vector_set_all(rt->ones, 1.0);
    return rt;
}

void bt_router_free(bt_router *rt)
{
    if (!rt) return;
    if (rt->v) gsl_matrix_free(rt->v);
    if (rt->c) gsl_vector_free(rt->c);
    if (rt->a) gsl_matrix_free(rt->a);
    if (rt->mean) gsl_vector_free(rt->mean);
    if (rt->g) gsl_matrix_free(rt->g);
    if (rt->da) gsl_matrix_free(rt->da);
    if (rt->dv) gsl_matrix_free(rt->dv);
    if (rt->dc) gsl_vector_free(rt->dc);
    if (rt->ones) gsl_vector_free(rt->ones);
    free(rt->sel);
    free(rt->chosen);
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
    gsl_sort_vector_largest_index(rt->sel, k, rt->mean);
    for (size_t q = 1; q < k; q++)   /* insertion sort of k indices */
        for (size_t p = q; p > 0 && rt->sel[p - 1] > rt->sel[p]; p--) {
            size_t s = rt->sel[p];
            rt->sel[p] = rt->sel[p - 1];
            rt->sel[p - 1] = s;
        }
}

void bt_router_route(bt_router *rt, const gsl_matrix *x, gsl_rng *r)
{
    /* A = X V^T + 1 c^T; batch means */
    gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, x, rt->v, 0.0, rt->a);
    gsl_blas_dger(1.0, rt->ones, rt->c, rt->a);
    gsl_blas_dgemv(CblasTrans, 1.0 / (double)rt->batch, rt->a, rt->ones, 0.0, rt->mean);
    if (rt->explore > 0 && r && rt->k < rt->m)
        for (size_t j = 0; j < rt->m; j++) rt->mean->data[j] += gsl_ran_gaussian_ziggurat(r, rt->explore);
    choose(rt);
    for (size_t j = 0; j < rt->k; j++) rt->chosen[rt->sel[j]]++;
    /* per example, softmax over the chosen miners' scores */
    for (size_t b = 0; b < rt->batch; b++) {
        const double *arow = rt->a->data + b * rt->a->tda;
        double *g = rt->g->data + b * rt->g->tda, mx = -INFINITY, s = 0;
        for (size_t j = 0; j < rt->k; j++) if (arow[rt->sel[j]] > mx) mx = arow[rt->sel[j]];
        for (size_t j = 0; j < rt->k; j++) s += (g[j] = exp(arow[rt->sel[j]] - mx));
        for (size_t j = 0; j < rt->k; j++) g[j] /= s;
    }
}

void bt_router_gradient(bt_router *rt, const gsl_matrix *x, const gsl_matrix *e)
{
    double inv_b = 1.0 / (double)rt->batch;
    /* dA_bj = g_bj (e_jb - sum_i g_bi e_ib) / B */
    for (size_t b = 0; b < rt->batch; b++) {
        gsl_vector_const_view gb = gsl_matrix_const_row(rt->g, b);
        gsl_vector_const_view eb = gsl_matrix_const_column(e, b);
        double mean_e;
        gsl_blas_ddot(&gb.vector, &eb.vector, &mean_e);
        for (size_t j = 0; j < rt->k; j++)
            gsl_matrix_set(rt->da, b, j, gb.vector.data[j] * (gsl_matrix_get(e, j, b) - mean_e) * inv_b);
    }
    /* dV = dA^T X, dc = dA^T 1 */
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, rt->da, x, 0.0, rt->dv);
    gsl_blas_dgemv(CblasTrans, 1.0, rt->da, rt->ones, 0.0, rt->dc);
}

void bt_router_learn(bt_router *rt, const gsl_matrix *x, const gsl_matrix *e)
{
    bt_router_gradient(rt, x, e);
    for (size_t j = 0; j < rt->k; j++) {
        gsl_vector_view vj = gsl_matrix_row(rt->v, rt->sel[j]);
        gsl_vector_view dvj = gsl_matrix_row(rt->dv, j);
        gsl_blas_daxpy(-rt->lr, &dvj.vector, &vj.vector);
        rt->c->data[rt->sel[j]] -= rt->lr * rt->dc->data[j];
    }
}
