/* Rank correlations (align.h). */
#include "align.h"
#include <gsl/gsl_statistics_double.h>
#include <math.h>

static int constant(const double *x, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (x[i] != x[0]) return 0;
    return 1;
}

double bt_align_spearman(const double *x, const double *y, size_t n, double *work)
{
    if (n < 2 || constant(x, n) || constant(y, n)) return NAN;
    return gsl_stats_spearman(x, 1, y, 1, n, work);
}

static int sign(double d) { return (d > 0) - (d < 0); }

double bt_align_kendall(const double *x, const double *y, size_t n)
{
    if (n < 2) return NAN;
    double s = 0, n0 = 0.5 * (double)n * (double)(n - 1), tx = 0, ty = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            int a = sign(x[i] - x[j]), b = sign(y[i] - y[j]);
            s += a * b;
            tx += a == 0;
            ty += b == 0;
        }
    double den = sqrt((n0 - tx) * (n0 - ty));
    return den > 0 ? s / den : NAN;
}
