/* The two-layer network (model.h): forward pass, exact gradient, SGD, in float32. Products are
 * gsl_blas_sgemm/sgemv/saxpy on OpenBLAS; the only loops are element-wise (the tanh and its
 * derivative, the bias rows, the softmax), over contiguous buffers so that they vectorise. */
#include "model.h"
#include "fmath.h"
#include "prob.h"
#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

bt_model *bt_model_alloc(size_t d_in, size_t width, size_t d_out)
{
    if (!d_in || !width || !d_out) return NULL;
    bt_model *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->d_in = d_in;
    m->width = width;
    m->d_out = d_out;
    m->nparams = width * d_in + width + d_out * width + d_out;
    m->theta = calloc(m->nparams, sizeof *m->theta);
    if (!m->theta) {
        free(m);
        return NULL;
    }
    float *t = m->theta;
    m->w1 = gsl_matrix_float_view_array(t, width, d_in);
    t += width * d_in;
    m->b1 = gsl_vector_float_view_array(t, width);
    t += width;
    m->w2 = gsl_matrix_float_view_array(t, d_out, width);
    t += d_out * width;
    m->b2 = gsl_vector_float_view_array(t, d_out);
    m->all = gsl_vector_float_view_array(m->theta, m->nparams);
    return m;
}

void bt_model_free(bt_model *m)
{
    if (!m) return;
    free(m->theta);
    free(m);
}

void bt_model_init(bt_model *m, gsl_rng *r, double scale)
{
    double s1 = scale / sqrt((double)m->d_in), s2 = scale / sqrt((double)m->width);
    memset(m->theta, 0, m->nparams * sizeof *m->theta);
    for (size_t q = 0; q < m->width * m->d_in; q++) m->w1.matrix.data[q] = (float)gsl_ran_gaussian(r, s1);
    for (size_t q = 0; q < m->d_out * m->width; q++) m->w2.matrix.data[q] = (float)gsl_ran_gaussian(r, s2);
}

void bt_model_copy(bt_model *dst, const bt_model *src)
{
    memcpy(dst->theta, src->theta, src->nparams * sizeof *src->theta);
}

bt_model_work *bt_model_work_alloc(const bt_model *m, size_t batch)
{
    if (!batch) return NULL;
    bt_model_work *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->batch = batch;
    w->h = gsl_matrix_float_alloc(batch, m->width);
    w->z = gsl_matrix_float_alloc(batch, m->d_out);
    w->dz = gsl_matrix_float_alloc(batch, m->d_out);
    w->dh = gsl_matrix_float_alloc(batch, m->width);
    w->ones = gsl_vector_float_alloc(batch);
    if (!w->h || !w->z || !w->dz || !w->dh || !w->ones) {
        bt_model_work_free(w);
        return NULL;
    }
    gsl_vector_float_set_all(w->ones, 1.0f);
    return w;
}

void bt_model_work_free(bt_model_work *w)
{
    if (!w) return;
    if (w->h) gsl_matrix_float_free(w->h);
    if (w->z) gsl_matrix_float_free(w->z);
    if (w->dz) gsl_matrix_float_free(w->dz);
    if (w->dh) gsl_matrix_float_free(w->dh);
    if (w->ones) gsl_vector_float_free(w->ones);
    free(w);
}

/* every row of a = v: the output bias, so that the GEMM adds the product onto it (beta 1)
 * instead of a second pass over its output */
static void fill_rows(gsl_matrix_float *a, const gsl_vector_float *v)
{
    const float *src = v->data;
    for (size_t b = 0; b < a->size1; b++) {
        float *row = a->data + b * a->tda;
#pragma omp simd
        for (size_t k = 0; k < a->size2; k++) row[k] = src[k];
    }
}

/* h_bk = tanh(h_bk + bias_k), the hidden bias added in the same pass as the tanh */
BT_VEC_CLONES static void tanh_bias_rows(gsl_matrix_float *h, const gsl_vector_float *bias)
{
    const float *c = bias->data;
    for (size_t b = 0; b < h->size1; b++) {
        float *row = h->data + b * h->tda;
#pragma omp simd
        for (size_t k = 0; k < h->size2; k++) row[k] = bt_tanhf(row[k] + c[k]);
    }
}

void bt_model_forward(const bt_model *m, const gsl_matrix_float *x, bt_model_work *w)
{
    /* H = tanh(X W1^T + 1 b1^T) */
    gsl_blas_sgemm(CblasNoTrans, CblasTrans, 1.0f, x, &m->w1.matrix, 0.0f, w->h);
    tanh_bias_rows(w->h, &m->b1.vector);
    /* Z = 1 b2^T + H W2^T */
    fill_rows(w->z, &m->b2.vector);
    gsl_blas_sgemm(CblasNoTrans, CblasTrans, 1.0f, w->h, &m->w2.matrix, 1.0f, w->z);
}

void bt_model_gradient(const bt_model *m, const gsl_matrix_float *x, const gsl_matrix_float *p,
                       bt_model_work *w, bt_model *grad)
{
    bt_model_forward(m, x, w);
    /* dZ = (softmax(Z) - P) / B */
    bt_prob_softmax_rows(w->z, w->dz);
    float inv_b = 1.0f / (float)w->batch, *dz = w->dz->data;
    const float *pd = p->data;
    size_t nz = w->dz->size1 * w->dz->size2;
    if (p->tda == p->size2) {
#pragma omp simd
        for (size_t q = 0; q < nz; q++) dz[q] = (dz[q] - pd[q]) * inv_b;
    } else {
        for (size_t b = 0; b < p->size1; b++)
            for (size_t k = 0; k < p->size2; k++)
                dz[b * p->size2 + k] = (dz[b * p->size2 + k] - pd[b * p->tda + k]) * inv_b;
    }
    /* dW2 = dZ^T H, db2 = dZ^T 1, dH = dZ W2 */
    gsl_blas_sgemm(CblasTrans, CblasNoTrans, 1.0f, w->dz, w->h, 0.0f, &grad->w2.matrix);
    gsl_blas_sgemv(CblasTrans, 1.0f, w->dz, w->ones, 0.0f, &grad->b2.vector);
    gsl_blas_sgemm(CblasNoTrans, CblasNoTrans, 1.0f, w->dz, &m->w2.matrix, 0.0f, w->dh);
    /* through tanh: dA = dH o (1 - H^2) */
    float *dh = w->dh->data;
    const float *h = w->h->data;
    size_t nh = w->dh->size1 * w->dh->size2;
#pragma omp simd
    for (size_t q = 0; q < nh; q++) dh[q] *= 1.0f - h[q] * h[q];
    /* dW1 = dA^T X, db1 = dA^T 1 */
    gsl_blas_sgemm(CblasTrans, CblasNoTrans, 1.0f, w->dh, x, 0.0f, &grad->w1.matrix);
    gsl_blas_sgemv(CblasTrans, 1.0f, w->dh, w->ones, 0.0f, &grad->b1.vector);
}

void bt_model_sgd_step(bt_model *m, const gsl_matrix_float *x, const gsl_matrix_float *p, double lr,
                       bt_model_work *w, bt_model *grad)
{
    bt_model_gradient(m, x, p, w, grad);
    gsl_blas_saxpy((float)-lr, &grad->all.vector, &m->all.vector);
}
