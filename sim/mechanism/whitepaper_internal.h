/* Internal to the sigmoid mechanisms (whitepaper*.c, yuma0.c): the state they keep in the
 * subnet between epochs, the weight matrix as an epoch uses it (masks, the consensus peg,
 * row normalisation), activity, the peg's controller and the scaling-vector variant.
 * Not part of the interface; everything carries the bt_wp_ prefix. */
#ifndef BT_WHITEPAPER_INTERNAL_H
#define BT_WHITEPAPER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "mechanism/whitepaper.h"
#include "mechanism/arena.h"

/* Kept in net->mech_state. */
typedef struct {
    size_t n;
    long min_weights;   /* min_allowed_weights in force (the controller raises it) */
    double *scaling;    /* the scaling vector A of the scaling-vector variant, starts at 1 */
} bt_wp_state;

/* The state of net, created on first use from p. NULL on ENOMEM. */
bt_wp_state *bt_wp_state_get(const bt_params *p, bt_subnet *net);

/* A row-compressed matrix: row i is col/val[ptr[i] .. ptr[i+1]). */
typedef struct {
    size_t n;
    size_t *ptr;
    uint32_t *col;
    double *val;
} bt_wp_mat;

/* What an epoch does to the stored rows before using them. */
typedef struct {
    const uint8_t *row_allowed;   /* NULL: every row; else a row i with 0 counts as empty */
    int mask_self;                /* drop (i, i) */
    int mask_outdated;            /* drop (i, j) when last_update_i <= block_at_registration_j */
    long min_weights;             /* the peg: rows with fewer non-zero weights (0: no check) */
} bt_wp_rules;

/* The weight matrix as the epoch uses it: masks, then the peg (max_min_ratio, then
 * min_weights with p->short_rows), then each row L1-normalised; zero entries are left out.
 * row_sum[i] is 1 for a row that counts, 0 for an empty or rejected one. 0, or -1 on ENOMEM. */
int bt_wp_weights(bt_arena *ar, const bt_params *p, const bt_subnet *net, const bt_wp_rules *rules,
                  bt_wp_mat *W, double *row_sum);

/* The chain's activity rule: active[i] = last_update_i + cutoff >= current_block. */
void bt_wp_activity(const bt_params *p, const bt_subnet *net, uint8_t *active);

/* x / sum(x) in place; an all-zero vector is left as it is. Returns the sum. */
double bt_wp_normalize(double *x, size_t n);

/* The peg's controller, after an epoch with loss L: raises the minimum while L >= 0. */
void bt_wp_controller(const bt_params *p, bt_wp_state *st, double loss, size_t n);

/* Scaling-vector variant (spec 1.14): from stake s (tokens), scaling A and weights W, the rank
 * R = W^T (A s) / sum(A s), the signed stake x_j = sum_i c_ij a_i s_i (c_ij = +1 when j is
 * reachable from i, i included, within p->scaling_depth edges of weight > edge_threshold, else
 * -1), and T = sigmoid(x). 0, or -1 on ENOMEM. */
int bt_wp_vb_consensus(bt_arena *ar, const bt_params *p, const bt_wp_mat *W, const double *s,
                       const double *A, double *R, double *x, double *T);

/* The gradient of L = -sum_j R_j (T_j - 0.5) with respect to A, for R and T from
 * bt_wp_vb_consensus. 0, or -1 on ENOMEM. */
int bt_wp_vb_gradient(bt_arena *ar, const bt_params *p, const bt_wp_mat *W, const double *s,
                      const double *A, const double *R, const double *T, double *grad);

#endif
