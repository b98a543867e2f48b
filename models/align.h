/* Alignment between two rankings of the same miners, e.g. true quality and incentive:
 * Spearman's rank correlation (gsl_stats_spearman, ties averaged) and Kendall's tau-b (ties
 * corrected). Both are NaN when either vector is constant or n < 2. */
#ifndef BT_ALIGN_H
#define BT_ALIGN_H

#include <stddef.h>

/* work: 2n doubles. */
double bt_align_spearman(const double *x, const double *y, size_t n, double *work);

/* O(n^2) pairs: meant for up to a few thousand miners. */
double bt_align_kendall(const double *x, const double *y, size_t n);

#endif
