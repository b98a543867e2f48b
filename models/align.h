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

/* For many Spearman correlations against one vector x (true quality against every
 * validator's row): rank x once. rank[i] = 1-based rank of x[i], ties sharing their mean rank;
 * all NaN when x holds a NaN or is constant or n < 2. 0, or -1 on ENOMEM. */
int bt_align_ranks(const double *x, size_t n, double *rank);

/* Spearman of x (given as its bt_align_ranks) with y; work: n doubles. NaN as above, and on
 * ENOMEM. */
double bt_align_spearman_ranked(const double *xrank, const double *y, size_t n, double *work);

double bt_align_kendall(const double *x, const double *y, size_t n);

#endif
