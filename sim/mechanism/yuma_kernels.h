/* The fixed-point kernels of the Yuma epoch on dense row-major inputs, so that the chain's
 * math test vectors (spec chain-yuma.md TV-1..TV-4) can check them one by one. A zero entry of
 * a dense input counts as an absent sparse entry. Used by tests; the epoch calls the kernels
 * directly. */
#ifndef BT_YUMA_KERNELS_H
#define BT_YUMA_KERNELS_H

#include <stddef.h>
#include "mechanism/fixed.h"

/* weighted_median(stake, score, all indices, minority, 0, sum(stake)) */
bt_fx bt_fxk_weighted_median(const bt_fx *stake, const bt_fx *score, size_t n, bt_fx minority);
/* weighted_median_col_sparse(stake, W rows x cols, majority) -> c[cols]. 0 or -1. */
int bt_fxk_weighted_median_col(const bt_fx *stake, const bt_fx *w, size_t rows, size_t cols,
                               bt_fx majority, bt_fx *c);
int bt_fxk_col_normalize(bt_fx *m, size_t rows, size_t cols);
int bt_fxk_col_max_upscale(bt_fx *m, size_t rows, size_t cols);
/* col_clip_sparse: dropped entries come back as 0 */
int bt_fxk_col_clip(bt_fx *m, size_t rows, size_t cols, const bt_fx *threshold);
/* matmul_sparse: out_j = sum_i v_i m_ij; matmul_transpose_sparse: out_i = sum_j m_ij v_j */
int bt_fxk_matmul(const bt_fx *m, size_t rows, size_t cols, const bt_fx *v, bt_fx *out);
int bt_fxk_matmul_transpose(const bt_fx *m, size_t rows, size_t cols, const bt_fx *v, bt_fx *out);
/* mat_ema_alpha_sparse with a dense alpha matrix; mat_ema_sparse with a scalar alpha */
int bt_fxk_ema_alpha(const bt_fx *nw, const bt_fx *old, const bt_fx *alpha, size_t rows,
                     size_t cols, bt_fx *out);
int bt_fxk_ema(const bt_fx *nw, const bt_fx *old, bt_fx alpha, size_t rows, size_t cols, bt_fx *out);

#endif
