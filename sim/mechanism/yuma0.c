/* Kind "yuma0": the chain's first on-chain form (subtensor's first epoch, 2023-03; spec
 * chain-yuma.md section 7), in double precision:
 *   S = normalize(stake); A = S with inactive peers 0, normalised; permits: top-k of S
 *   W: rows of peers without a permit (last epoch's) emptied, self-weights and outdated entries
 *      dropped, the consensus peg, rows normalised; optional weight-consensus cuts (up to 3)
 *   R = normalize(W^T A);  T_j = sum_i A_i [w_ij >= 0.1 / (n + 1)];  C = sigmoid_safe(T; rho, kappa)
 *   I = normalize(R o C);  B = colnorm(EMA_alpha(colnorm(W o A), colnorm(B))), alpha = 1 - bma
 *   D = normalize(B I);  E = normalize(I + D), or A (else S) when I + D is all zero.
 * The chain's sigmoid_safe clamps the exponent to [-20, 20]. No owner or stake-threshold rules
 * (they came later). */
#include "mechanism/whitepaper_internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const bt_params *p;
    bt_subnet *net;
    bt_epoch_result *r;
    bt_arena *ar;
    size_t n;
    double *S;          /* normalised stake */
    uint8_t *pold;      /* permits before the epoch */
    bt_wp_mat W;
} y0_epoch;

static double sigmoid_safe(double t, double rho, double kappa)
{
    double e = -rho * (t - kappa);
    e = e < -20 ? -20 : e > 20 ? 20 : e;
    return 1.0 / (1.0 + exp(e));
}

static int cmp_stake(const void *a, const void *b, void *ctx)
{
    const double *s = ctx;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    if (s[i] != s[j]) return s[i] < s[j] ? -1 : 1;
    return (i > j) - (i < j);   /* stable: ties keep index order */
}

/* is_topk: every peer when n <= k; otherwise the n - k smallest stakes (ties: lower uid
 * first) lose their permit. */
static int permits(y0_epoch *y)
{
    size_t n = y->n, k = (size_t)y->p->max_allowed_validators;
    for (size_t i = 0; i < n; i++) y->r->permit[i] = 1;
    if (n <= k) return 0;
    size_t *idx = bt_arena_get(y->ar, n, sizeof *idx);
    if (!idx) return -1;
    for (size_t i = 0; i < n; i++) idx[i] = i;
    qsort_r(idx, n, sizeof *idx, cmp_stake, y->S);
    for (size_t q = 0; q < n - k; q++) y->r->permit[idx[q]] = 0;
    return 0;
}

/* The weight-consensus cuts: wc_j = sum_i colnorm(W o A)_ij w_ij; entries above wc_j are cut
 * to it (to 0 where wc_j <= 0), p->weight_cuts times. */
static int weight_cuts(y0_epoch *y)
{
    size_t n = y->n;
    const double *A = y->r->active_stake;
    double *den = bt_arena_get(y->ar, n ? n : 1, sizeof *den), *wc = bt_arena_get(y->ar, n ? n : 1, sizeof *wc);
    if (!den || !wc) return -1;
    for (long cut = 0; cut < y->p->weight_cuts; cut++) {
        memset(den, 0, n * sizeof *den);
        memset(wc, 0, n * sizeof *wc);
        for (size_t i = 0; i < n; i++)
            for (size_t q = y->W.ptr[i]; q < y->W.ptr[i + 1]; q++) den[y->W.col[q]] += y->W.val[q] * A[i];
        for (size_t i = 0; i < n; i++)
            for (size_t q = y->W.ptr[i]; q < y->W.ptr[i + 1]; q++) {
                uint32_t j = y->W.col[q];
                if (den[j] > 0) wc[j] += y->W.val[q] * A[i] / den[j] * y->W.val[q];
            }
        for (size_t q = 0; q < y->W.ptr[n]; q++) {
            double c = wc[y->W.col[q]];
            if (c < y->W.val[q]) y->W.val[q] = c > 0 ? c : 0;
        }
    }
    return 0;
}

static void rank_trust_consensus(y0_epoch *y)
{
    size_t n = y->n;
    bt_epoch_result *r = y->r;
    const double *A = r->active_stake;
    double thr = 0.1 / (double)(n + 1);
    memset(r->rank, 0, n * sizeof *r->rank);
    memset(r->trust, 0, n * sizeof *r->trust);
    for (size_t i = 0; i < n; i++) {
        r->validator_trust[i] = 0;
        for (size_t q = y->W.ptr[i]; q < y->W.ptr[i + 1]; q++) {
            uint32_t j = y->W.col[q];
            r->validator_trust[i] += y->W.val[q];
            r->rank[j] += y->W.val[q] * A[i];
            if (y->W.val[q] >= thr) r->trust[j] += A[i];
        }
    }
    bt_wp_normalize(r->rank, n);
    for (size_t j = 0; j < n; j++) {
        r->consensus[j] = sigmoid_safe(r->trust[j], y->p->rho, y->p->kappa);
        r->incentive[j] = r->rank[j] * r->consensus[j];
    }
    bt_wp_normalize(r->incentive, n);
    r->chain_loss = bt_wp_chain_loss(r->rank, r->consensus, n);
}

/* Bonds: old bonds (outdated entries dropped) column-normalised, the EMA towards the
 * column-normalised W o A, column-normalised again; dividends D = normalize(B I). The new rows
 * are stored for peers with a permit, emptied for peers that just lost theirs. */
static int bonds_dividends(y0_epoch *y)
{
    size_t n = y->n;
    bt_subnet *net = y->net;
    bt_epoch_result *r = y->r;
    const double *A = r->active_stake;
    double alpha = 1.0 - y->p->bonds_moving_average;
    double *cb = bt_arena_zeroed(y->ar, n ? n : 1, sizeof *cb), *cd = bt_arena_zeroed(y->ar, n ? n : 1, sizeof *cd);
    double *cn = bt_arena_zeroed(y->ar, n ? n : 1, sizeof *cn);
    int32_t *pos = bt_arena_get(y->ar, n ? n : 1, sizeof *pos);
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += net->bonds[i].len + (y->W.ptr[i + 1] - y->W.ptr[i]);
    size_t *ptr = bt_arena_get(y->ar, n + 1, sizeof *ptr);
    uint32_t *col = bt_arena_get(y->ar, total ? total : 1, sizeof *col);
    double *val = bt_arena_get(y->ar, total ? total : 1, sizeof *val);
    if (!cb || !cd || !cn || !pos || !ptr || !col || !val) return -1;
    for (size_t j = 0; j < n; j++) pos[j] = -1;
    for (size_t i = 0; i < n; i++) {
        const bt_row *b = &net->bonds[i];
        for (uint32_t q = 0; q < b->len; q++)
            if (b->col[q] < n && net->last_update[i] > net->block_at_registration[b->col[q]]) cb[b->col[q]] += b->val[q];
        for (size_t q = y->W.ptr[i]; q < y->W.ptr[i + 1]; q++) cd[y->W.col[q]] += y->W.val[q] * A[i];
    }
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        const bt_row *b = &net->bonds[i];
        ptr[i] = at;
        for (uint32_t q = 0; q < b->len; q++) {
            uint32_t j = b->col[q];
            if (j >= n || net->last_update[i] <= net->block_at_registration[j] || pos[j] >= 0) continue;
            pos[j] = (int32_t)(at - ptr[i]);
            col[at] = j;
            val[at++] = (1.0 - alpha) * (cb[j] > 0 ? b->val[q] / cb[j] : b->val[q]);
        }
        for (size_t q = y->W.ptr[i]; q < y->W.ptr[i + 1]; q++) {
            uint32_t j = y->W.col[q];
            double d = y->W.val[q] * A[i];
            if (cd[j] > 0) d /= cd[j];
            if (pos[j] < 0) { pos[j] = (int32_t)(at - ptr[i]); col[at] = j; val[at++] = 0; }
            val[ptr[i] + (size_t)pos[j]] += alpha * d;
        }
        size_t keep = ptr[i];
        for (size_t q = ptr[i]; q < at; q++) {
            pos[col[q]] = -1;
            if (val[q] > 0) { col[keep] = col[q]; val[keep++] = val[q]; cn[col[q]] += val[q]; }
        }
        at = keep;
    }
    ptr[n] = at;
    for (size_t i = 0; i < n; i++) {
        double d = 0;
        for (size_t q = ptr[i]; q < ptr[i + 1]; q++) {
            if (cn[col[q]] > 0) val[q] /= cn[col[q]];
            d += val[q] * r->incentive[col[q]];
        }
        r->dividends[i] = d;
    }
    bt_wp_normalize(r->dividends, n);
    for (size_t i = 0; i < n; i++) {
        if (r->permit[i]) {
            if (bt_row_assign(&net->bonds[i], col + ptr[i], val + ptr[i], (uint32_t)(ptr[i + 1] - ptr[i]))) return -1;
        } else if (y->pold[i]) {
            net->bonds[i].len = 0;
        }
    }
    return 0;
}

static void emission(y0_epoch *y)
{
    size_t n = y->n;
    bt_epoch_result *r = y->r;
    double sum = 0, asum = 0, rao = y->p->rao_emission;
    for (size_t i = 0; i < n; i++) { sum += r->incentive[i] + r->dividends[i]; asum += r->active_stake[i]; }
    for (size_t i = 0; i < n; i++) {
        double e = r->incentive[i] + r->dividends[i];
        if (sum != 0) {
            r->server_emission[i] = r->incentive[i] / sum * rao;
            r->validator_emission[i] = r->dividends[i] / sum * rao;
            r->emission[i] = e / sum * rao;
        } else {
            r->server_emission[i] = 0;
            r->validator_emission[i] = r->emission[i] = (asum == 0 ? y->S[i] : r->active_stake[i]) * rao;
        }
    }
}

static int epoch(y0_epoch *y, bt_wp_state *st)
{
    size_t n = y->n;
    bt_epoch_result *r = y->r;
    y->S = r->stake_weight;
    y->pold = bt_arena_get(y->ar, n ? n : 1, 1);
    if (!y->pold) return -1;
    memcpy(y->pold, y->net->permit, n);
    memcpy(y->S, y->net->stake, n * sizeof *y->S);
    bt_wp_normalize(y->S, n);
    bt_wp_activity(y->p, y->net, r->active);
    for (size_t i = 0; i < n; i++) r->active_stake[i] = r->active[i] ? y->S[i] : 0;
    bt_wp_normalize(r->active_stake, n);
    if (permits(y)) return -1;
    bt_wp_rules rules = {.row_allowed = y->pold, .mask_self = 1, .mask_outdated = 1, .min_weights = st->min_weights};
    if (bt_wp_weights(y->ar, y->p, y->net, &rules, &y->W, r->validator_trust) || weight_cuts(y)) return -1;
    r->min_allowed_weights = st->min_weights;
    rank_trust_consensus(y);
    if (bonds_dividends(y)) return -1;
    emission(y);
    memcpy(y->net->permit, r->permit, n);
    for (size_t i = 0; i < n; i++) r->scaling[i] = 1.0;
    bt_wp_controller(y->p, st, r->chain_loss, n);
    return 0;
}

int bt_yuma0_epoch(const bt_params *p, bt_subnet *net, bt_epoch_result *r)
{
    if (p->kind != BT_KIND_YUMA0 || p->arithmetic != BT_ARITH_FLOAT || r->n != net->n) return BT_EINVAL;
    if (!net->arena && !(net->arena = bt_arena_alloc())) return BT_ENOMEM;
    bt_arena_reset(net->arena);
    bt_wp_state *st = bt_wp_state_get(p, net);
    if (!st) return BT_ENOMEM;
    y0_epoch y = {.p = p, .net = net, .r = r, .ar = net->arena, .n = net->n};
    if (epoch(&y, st)) return BT_ENOMEM;
    net->last_step_block = net->current_block;
    return BT_OK;
}
