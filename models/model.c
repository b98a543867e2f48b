/* The two-layer network (model.h): forward pass, exact gradient, SGD. Products are
 * gsl_blas_dgemm/dgemv/dger on OpenBLAS; the only loops are the element-wise tanh, its
 * derivative and the softmax. */
#include "model.h"
#include "prob.h"
#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* tanh through one exp: about twice as fast as libm's tanh, absolute error ~1e-16 */
static double fast_tanh(double x)
{
    if (x > 20) return 1.0;
    if (x < -20) return -1.0;
    return 1.0 - 2.0 / (1.0 + exp(2.0 * x));
}

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
    double *t = m->theta;
    m->w1 = gsl_matrix_view_array(t, width, d_in);
    t += width * d_in;
    m->b1 = gsl_vector_view_array(t, width);
    t += width;
    m->w2 = gsl_matrix_view_array(t, d_out, width);
    t += d_out * width;
    m->b2 = gsl_vector_view_array(t, d_out);
    m->all = gsl_vector_view_array(m->theta, m->nparams);
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
    for (size_t q = 0; q < m->width * m->d_in; q++) m->w1.matrix.data[q] = gsl_ran_gaussian(r, s1);
    for (size_t q = 0; q < m->d_out * m->width; q++) m->w2.matrix.data[q] = gsl_ran_gaussian(r, s2);
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
    w->h = gsl_matrix_alloc(batch, m->width);
    w->z = gsl_matrix_alloc(batch, m->d_out);
    w->dz = gsl_matrix_alloc(batch, m->d_out);
    w->dh = gsl_matrix_alloc(batch, m->width);
    w->ones = gsl_vector_alloc(batch);
    if (!w->h || !w->z || !w->dz || !w->dh || !w->ones) {
        bt_model_work_free(w);
        return NULL;
    }
    gsl_vector_set_all(w->ones, 1.0);
    return w;
}

void bt_model_work_free(bt_model_work *w)
{
    if (!w) return;
    if (w->h) gsl_matrix_free(w->h);
    if (w->z) gsl_matrix_free(w->z);
    if (w->dz) gsl_matrix_free(w->dz);
    if (w->dh) gsl_matrix_free(w->dh);
    if (w->ones) gsl_vector_free(w->ones);
    free(w);
}

void bt_model_forward(const bt_model *m, const gsl_matrix *x, bt_model_work *w)
{
    /* H = tanh(X W1^T + 1 b1^T) */
    gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, x, &m->w1.matrix, 0.0, w->h);
    gsl_blas_dger(1.0, w->ones, &m->b1.vector, w->h);
    for (size_t b = 0; b < w->h->size1; b++) {
        double *row = w->h->data + b * w->h->tda;
        for (size_t j = 0; j < w->h->size2; j++) row[j] = fast_tanh(row[j]);
    }
    /* Z = H W2^T + 1 b2^T */
    gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, w->h, &m->w2.matrix, 0.0, w->z);
    gsl_blas_dger(1.0, w->ones, &m->b2.vector, w->z);
}

double bt_model_gradient(const bt_model *m, const gsl_matrix *x, const gsl_matrix *p,
                         bt_model_work *w, bt_model *grad)
{
    bt_model_forward(m, x, w);
    double loss = bt_prob_kl_rows(p, w->z);
    double inv_b = 1.0 / (double)w->batch;
    /* dZ = (softmax(Z) - P) / B */
    bt_prob_softmax_rows(w->z, w->dz);
    gsl_matrix_sub(w->dz, p);
    gsl_matrix_scale(w->dz, inv_b);
    /* dW2 = dZ^T H, db2 = dZ^T 1, dH = dZ W2 */
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, w->dz, w->h, 0.0, &grad->w2.matrix);
    gsl_blas_dgemv(CblasTrans, 1.0, w->dz, w->ones, 0.0, &grad->b2.vector);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, w->dz, &m->w2.matrix, 0.0, w->dh);
    /* through tanh: dA = dH o (1 - H^2) */
    for (size_t b = 0; b < w->dh->size1; b++) {
        double *d = w->dh->data + b * w->dh->tda;
        const double *h = w->h->data + b * w->h->tda;
        for (size_t j = 0; j < w->dh->size2; j++) d[j] *= 1.0 - h[j] * h[j];
    }
    /* dW1 = dA^T X, db1 = dA^T 1 */
    gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, w->dh, x, 0.0, &grad->w1.matrix);
    gsl_blas_dgemv(CblasTrans, 1.0, w->dh, w->ones, 0.0, &grad->b1.vector);
    return loss;
}

double bt_model_sgd_step(bt_model *m, const gsl_matrix *x, const gsl_matrix *p, double lr,
                         bt_model_work *w, bt_model *grad)
{
    double loss = bt_model_gradient(m, x, p, w, grad);
    gsl_blas_daxpy(-lr, &grad->all.vector, &m->all.vector);
    return loss;
}
