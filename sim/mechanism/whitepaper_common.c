/* Pieces the sigmoid mechanisms (whitepaper, yuma0) share: the sigmoid and the chain loss, the
 * state kept in the subnet between epochs, the weight matrix an epoch uses (masks, the
 * consensus peg, normalisation), activity and the peg's controller. */
#include "mechanism/whitepaper_internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

double bt_wp_sigmoid(double t, double rho, double kappa)
{
    return 1.0 / (1.0 + exp(-rho * (t - kappa)));
}

double bt_wp_chain_loss(const double *rank, const double *consensus, size_t n)
{
    double l = 0;
    for (size_t j = 0; j < n; j++) l -= rank[j] * (consensus[j] - 0.5);
    return l;
}

double bt_wp_normalize(double *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += x[i];
    if (s != 0)
        for (size_t i = 0; i < n; i++) x[i] /= s;
    return s;
}

/* ---- state kept in the subnet ---- */

static void state_free(void *v)
{
    bt_wp_state *st = v;
    if (!st) return;
    free(st->scaling);
    free(st);
}

bt_wp_state *bt_wp_state_get(const bt_params *p, bt_subnet *net)
{
    if (net->mech_state) {
        if (net->mech_state_free != state_free) return NULL;   /* another mechanism's state */
        return net->mech_state;
    }
    bt_wp_state *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    st->n = net->n;
    st->min_weights = p->min_allowed_weights;
    st->scaling = malloc((net->n ? net->n : 1) * sizeof *st->scaling);
    if (!st->scaling) { free(st); return NULL; }
    for (size_t i = 0; i < net->n; i++) st->scaling[i] = 1.0;
    net->mech_state = st;
    net->mech_state_free = state_free;
    return st;
}

void bt_wp_controller(const bt_params *p, bt_wp_state *st, double loss, size_t n)
{
    if (!p->peg_controller || loss < 0) return;
    long max = p->controller_max > 0 ? p->controller_max : (long)(n > 0 ? n - 1 : 0);
    long m = st->min_weights + p->controller_step;
    if (m > max) m = max;
    if (m > st->min_weights) st->min_weights = m;
}

void bt_wp_activity(const bt_params *p, const bt_subnet *net, uint8_t *active)
{
    int64_t cutoff = bt_params_activity_cutoff(p);
    for (size_t i = 0; i < net->n; i++) active[i] = !(net->last_update[i] + cutoff < net->current_block);
}

/* ---- the weight matrix an epoch uses ---- */

/* The peg on one row (vals in place): max_min_ratio, then min_weights, rejecting or padding.
 * Padding raises the row's listed zero entries, in listed order, to its smallest non-zero
 * weight (an agent spreading weight over its next-best evaluated peers). 1 if the row counts. */
static int peg_row(const bt_params *p, long min_weights, double *val, size_t len)
{
    size_t k = 0;
    double mx = 0, mn = INFINITY;
    for (size_t q = 0; q < len; q++)
        if (val[q] > 0) { k++; if (val[q] > mx) mx = val[q]; if (val[q] < mn) mn = val[q]; }
    if (k == 0) return 0;
    if (p->max_min_ratio > 0 && mx > p->max_min_ratio * mn) return 0;
    if (min_weights <= 0 || k >= (size_t)min_weights) return 1;
    if (p->short_rows != BT_SHORT_PAD) return 0;
    for (size_t q = 0; q < len && k < (size_t)min_weights; q++)
        if (val[q] == 0) { val[q] = mn; k++; }
    return k >= (size_t)min_weights;
}

int bt_wp_weights(bt_arena *ar, const bt_params *p, const bt_subnet *net, const bt_wp_rules *rules,
                  bt_wp_mat *W, double *row_sum)
{
    size_t n = net->n, total = 0;
    for (size_t i = 0; i < n; i++) total += net->weights[i].len;
    W->n = n;
    W->ptr = bt_arena_get(ar, n + 1, sizeof *W->ptr);
    W->col = bt_arena_get(ar, total ? total : 1, sizeof *W->col);
    W->val = bt_arena_get(ar, total ? total : 1, sizeof *W->val);
    if (!W->ptr || !W->col || !W->val) return -1;
    size_t at = 0;
    W->ptr[0] = 0;
    for (size_t i = 0; i < n; i++) {
        const bt_row *r = &net->weights[i];
        size_t start = at;
        row_sum[i] = 0;
        if (!rules->row_allowed || rules->row_allowed[i]) {
            for (uint32_t q = 0; q < r->len; q++) {
                uint32_t j = r->col[q];
                if (j >= n || (rules->mask_self && j == i)) continue;
                if (rules->mask_outdated && net->last_update[i] <= net->block_at_registration[j]) continue;
                W->col[at] = j;
                W->val[at++] = r->val[q] > 0 ? r->val[q] : 0;
            }
            if (!peg_row(p, rules->min_weights, W->val + start, at - start)) at = start;
        }
        double s = 0;
        size_t keep = start;
        for (size_t q = start; q < at; q++) s += W->val[q];
        for (size_t q = start; q < at; q++)
            if (W->val[q] > 0) { W->col[keep] = W->col[q]; W->val[keep++] = W->val[q] / s; }
        at = keep;
        if (at > start) row_sum[i] = 1.0;
        W->ptr[i + 1] = at;
    }
    return 0;
}
