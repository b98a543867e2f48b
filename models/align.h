/* Alignment between two rankings of the same miners, e.g. true quality and incentive:
 * Spearman's rank correlation (ties averaged) and Kendall's tau-b (ties corrected), both in
 * O(n log n) (merge sorts; Kendall by Knight's count of the swaps that sort one ranking in
 * the order of the other), so that measuring thousands of miners every epoch stays cheap. Both
 * are NaN when either vector is constant or holds a NaN, or n < 2. */
#ifndef BT_ALIGN_H
#define BT_ALIGN_H

#include <stddef.h>

/* work: 2n doubles. */
double bt_align_spearman(const double *x, const double *y, size_t n, double *work);

double bt_align_kendall(const double *x, const double *y, size_t n);

#endif
