/* bt_model: a two-layer network x -> tanh(W1 x + b1) -> W2 h + b2, from inputs of dimension
 * d_in to logits over d_out classes, evaluated on a batch at a time (rows = examples), in
 * float32. The teacher, the miners' students and the validators' distilled students are all
 * bt_models. Its loss against soft targets p is the mean over the batch of
 * KL(p_b || softmax(z_b)) (prob.h); the gradient is exact back-propagation, every product through
 * GSL's BLAS (sgemm, sgemv, saxpy). */
#ifndef BT_MODEL_H
#define BT_MODEL_H

#include <stddef.h>
#include <gsl/gsl_matrix_float.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_vector_float.h>

typedef struct {
    size_t d_in, width, d_out, nparams;
    float *theta;               /* every parameter, contiguous: W1, b1, W2, b2 */
    gsl_matrix_float_view w1;   /* width x d_in */
    gsl_vector_float_view b1;   /* width */
    gsl_matrix_float_view w2;   /* d_out x width */
    gsl_vector_float_view b2;   /* d_out */
    gsl_vector_float_view all;  /* theta as one vector of nparams */
} bt_model;

/* Scratch for one batch size; every matrix is contiguous (tda = columns). */
typedef struct {
    size_t batch;
    gsl_matrix_float *h;      /* batch x width: hidden activations */
    gsl_matrix_float *z;      /* batch x d_out: logits (the output of bt_model_forward) */
    gsl_matrix_float *dz;     /* batch x d_out */
    gsl_matrix_float *dh;     /* batch x width */
    gsl_vector_float *ones;   /* batch ones */
} bt_model_work;

/* Zero parameters; NULL on ENOMEM or a zero dimension. */
bt_model *bt_model_alloc(size_t d_in, size_t width, size_t d_out);
void bt_model_free(bt_model *m);

/* W1 ~ N(0, scale^2/d_in), W2 ~ N(0, scale^2/width), biases 0. */
void bt_model_init(bt_model *m, gsl_rng *r, double scale);

/* dst = src; both of the same shape. */
void bt_model_copy(bt_model *dst, const bt_model *src);

bt_model_work *bt_model_work_alloc(const bt_model *m, size_t batch);
void bt_model_work_free(bt_model_work *w);

/* w->z = logits of x (w->batch x d_in). Allocates nothing. */
void bt_model_forward(const bt_model *m, const gsl_matrix_float *x, bt_model_work *w);

/* The gradient of the loss of m on (x, p) (p: batch x d_out, rows sum to 1) in grad (a model of
 * the same shape). Nobody reads the loss of a training batch, so it is not computed. */
void bt_model_gradient(const bt_model *m, const gsl_matrix_float *x, const gsl_matrix_float *p,
                       bt_model_work *w, bt_model *grad);

/* One SGD step theta -= lr * gradient. */
void bt_model_sgd_step(bt_model *m, const gsl_matrix_float *x, const gsl_matrix_float *p, double lr,
                       bt_model_work *w, bt_model *grad);

#endif
