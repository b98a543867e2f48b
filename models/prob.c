/* Softmax and KL divergence by rows (prob.h). */
#include "prob.h"
#include <math.h>

static double row_max(const double *z, size_t d)
{
    double m = z[0];
    for (size_t k = 1; k < d; k++)
        if (z[k] > m) m = z[k];
    return m;
}

/* log sum_k exp(z_k), stable */
static double log_sum_exp(const double *z, size_t d)
{
    double m = row_max(z, d), s = 0;
    for (size_t k = 0; k < d; k++) s += exp(z[k] - m);
    return m + log(s);
}

void bt_prob_softmax_rows(const gsl_matrix *z, gsl_matrix *out)
{
    size_t d = z->size2;
    for (size_t b = 0; b < z->size1; b++) {
        const double *zr = z->data + b * z->tda;
        double *o = out->data + b * out->tda;
        double m = row_max(zr, d), s = 0;
        for (size_t k = 0; k < d; k++) s += (o[k] = exp(zr[k] - m));
        for (size_t k = 0; k < d; k++) o[k] /= s;
    }
}

double bt_prob_kl_row(const double *p, const double *z, size_t d)
{
    double lse = log_sum_exp(z, d), kl = 0;
    for (size_t k = 0; k < d; k++)
        if (p[k] > 0) kl += p[k] * (log(p[k]) - z[k] + lse);
    return kl > 0 ? kl : 0;   /* rounding can leave -1e-17 */
}

double bt_prob_kl_rows(const gsl_matrix *p, const gsl_matrix *z)
{
    double s = 0;
    for (size_t b = 0; b < p->size1; b++)
        s += bt_prob_kl_row(p->data + b * p->tda, z->data + b * z->tda, p->size2);
    return p->size1 ? s / (double)p->size1 : 0;
}
