/* Softmax, cross-entropy and KL divergence by rows (prob.h). The exps are float (fmath.h), in
 * loops that only map, so that both GCC and clang vectorise them; every sum is in double. */
#include "prob.h"
#include "fmath.h"
#include <gsl/gsl_blas.h>
#include <math.h>

#define CHUNK 64   /* exps computed ahead of their sum, on the stack */

static float row_max(const float *z, size_t d)
{
    float m = z[0];
    for (size_t k = 1; k < d; k++) m = z[k] > m ? z[k] : m;
    return m;
}

/* sum of a[0..n) in double, in four interleaved partial sums: a fixed order (the same result
 * every time) whose adds do not wait on each other */
static double sum_d(const float *a, size_t n)
{
    double s[4] = {0, 0, 0, 0};
    size_t k = 0;
    for (; k + 4 <= n; k += 4)
        for (int q = 0; q < 4; q++) s[q] += a[k + q];
    for (; k < n; k++) s[0] += a[k];
    return (s[0] + s[1]) + (s[2] + s[3]);
}

/* o[k] = e^(z[k] - m) */
BT_VEC_CLONES static void exp_shifted(const float *z, float m, float *o, size_t d)
{
#pragma omp simd
    for (size_t k = 0; k < d; k++) o[k] = bt_expf(z[k] - m);
}

void bt_prob_softmax_rows(const gsl_matrix_float *z, gsl_matrix_float *out)
{
    size_t d = z->size2;
    for (size_t b = 0; b < z->size1; b++) {
        const float *zr = z->data + b * z->tda;
        float *o = out->data + b * out->tda;
        exp_shifted(zr, row_max(zr, d), o, d);
        float inv = (float)(1.0 / sum_d(o, d));
#pragma omp simd
        for (size_t k = 0; k < d; k++) o[k] *= inv;
    }
}

double bt_prob_xent_row(const float *p, const float *z, size_t d)
{
    float m = row_max(z, d), e[CHUNK];
    double s = 0, pz;
    for (size_t k = 0; k < d; k += CHUNK) {
        size_t n = d - k < CHUNK ? d - k : CHUNK;
        exp_shifted(z + k, m, e, n);
        s += sum_d(e, n);
    }
    gsl_vector_float_const_view pv = gsl_vector_float_const_view_array(p, d), zv = gsl_vector_float_const_view_array(z, d);
    gsl_blas_dsdot(&pv.vector, &zv.vector, &pz);
    return ((double)m + log(s)) * sum_d(p, d) - pz;
}

double bt_prob_plogp_rows(const gsl_matrix_float *p)
{
    double s = 0;
    for (size_t b = 0; b < p->size1; b++) {
        const float *r = p->data + b * p->tda;
        for (size_t k = 0; k < p->size2; k++)
            if (r[k] > 0) s += (double)r[k] * log((double)r[k]);
    }
    return p->size1 ? s / (double)p->size1 : 0;
}

double bt_prob_kl_rows_given(const gsl_matrix_float *p, double plogp, const gsl_matrix_float *z)
{
    if (!p->size1) return 0;
    double s = 0;
    for (size_t b = 0; b < p->size1; b++) s += bt_prob_xent_row(p->data + b * p->tda, z->data + b * z->tda, p->size2);
    double kl = plogp + s / (double)p->size1;
    return kl > 0 || kl != kl ? kl : 0;   /* NaN passes: a diverged answer must show */
}

double bt_prob_kl_rows(const gsl_matrix_float *p, const gsl_matrix_float *z)
{
    return bt_prob_kl_rows_given(p, bt_prob_plogp_rows(p), z);
}
