/* The whitepaper's mechanism, one step (spec whitepaper.md sections 1.4-1.8, readings of
 * section 4):
 *   S_hat = stake / total (over active peers with active_stake_only)
 *   R = W^T S_hat, rows of W L1-normalised;  t_j = sum_i s_hat_i [w_ij > edge_threshold]
 *   C = sigmoid(rho (t - kappa));  I = normalize(R o C);  L = -sum_j r_j (c_j - 0.5)
 *   b_ij += w_ij s_i (cumulative), or b_ij = beta b_ij + (1 - beta) w_ij s_i (EMA)
 *   o_ij = b_ij / sum_k b_kj;  dS_i = self_share I_i + (1 - self_share) sum_j o_ij I_j
 *   (a peer nobody holds bonds in keeps all of its incentive);  S += M dS, where the mint M is
 *   tau x total stake ("proportional") or tau tokens ("fixed").
 * The scaling-vector variant (spec 1.14) replaces trust and consensus (whitepaper_vb.c) and
 * mints only while L < 0, taking a gradient step on the scaling vector otherwise. */
#include "mechanism/whitepaper_internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const bt_params *p;
    bt_subnet *net;
    bt_epoch_result *r;
    bt_arena *ar;
    bt_wp_state *st;
    size_t n;
    double total;     /* stake in tokens, all peers */
    double *s_tok;    /* stake the step counts (tokens; inactive peers 0 with active_stake_only) */
    bt_wp_mat W;
} wp_step;

/* Stake: tokens counted, normalised stake weight, activity. */
static void stake_in(wp_step *w)
{
    const bt_params *p = w->p;
    bt_epoch_result *r = w->r;
    bt_wp_activity(p, w->net, r->active);
    w->total = 0;
    for (size_t i = 0; i < w->n; i++) w->total += w->net->stake[i];
    for (size_t i = 0; i < w->n; i++) {
        r->stake_weight[i] = w->total > 0 ? w->net->stake[i] / w->total : 0;
        w->s_tok[i] = (p->active_stake_only && !r->active[i]) ? 0 : w->net->stake[i];
        r->active_stake[i] = w->s_tok[i];
        r->permit[i] = w->net->permit[i] = 1;   /* the paper has no permits: every row counts */
    }
    bt_wp_normalize(r->active_stake, w->n);
}

/* R = W^T S_hat and t_j = stake behind edges above the threshold; C = sigmoid. */
static void rank_trust(wp_step *w)
{
    const bt_params *p = w->p;
    bt_epoch_result *r = w->r;
    const double *S = r->active_stake;
    memset(r->rank, 0, w->n * sizeof *r->rank);
    memset(r->trust, 0, w->n * sizeof *r->trust);
    for (size_t i = 0; i < w->n; i++) {
        double s = S[i];
        if (s == 0) continue;
        for (size_t q = w->W.ptr[i]; q < w->W.ptr[i + 1]; q++) {
            uint32_t j = w->W.col[q];
            r->rank[j] += w->W.val[q] * s;
            if (w->W.val[q] > p->edge_threshold) r->trust[j] += s;
        }
    }
    for (size_t j = 0; j < w->n; j++) r->consensus[j] = bt_wp_sigmoid(r->trust[j], p->rho, p->kappa);
}

/* Bonds bought this step: row i gains w_ij s_i (cumulative) or moves to it (EMA). The row is
 * rebuilt in scratch (pos[] maps a column to its slot) and stored with bt_row_assign. */
static int accrue_bonds(wp_step *w)
{
    const bt_params *p = w->p;
    size_t n = w->n;
    int32_t *pos = bt_arena_get(w->ar, n ? n : 1, sizeof *pos);
    uint32_t *col = bt_arena_get(w->ar, n ? n : 1, sizeof *col);
    double *val = bt_arena_get(w->ar, n ? n : 1, sizeof *val);
    if (!pos || !col || !val) return -1;
    for (size_t j = 0; j < n; j++) pos[j] = -1;
    int ema = p->bond_accrual == BT_BONDS_EMA;
    double keep = ema ? p->bonds_moving_average : 1.0, buy = ema ? 1.0 - p->bonds_moving_average : 1.0;
    for (size_t i = 0; i < n; i++) {
        bt_row *b = &w->net->bonds[i];
        size_t q0 = w->W.ptr[i], q1 = w->W.ptr[i + 1];
        if (q0 == q1 && (!ema || b->len == 0)) continue;
        uint32_t len = 0;
        for (uint32_t q = 0; q < b->len; q++) {
            if (b->col[q] >= n || pos[b->col[q]] >= 0) continue;
            pos[b->col[q]] = (int32_t)len;
            col[len] = b->col[q];
            val[len++] = keep * b->val[q];
        }
        double s = w->s_tok[i];
        for (size_t q = q0; q < q1 && s > 0; q++) {
            uint32_t j = w->W.col[q];
            if (pos[j] < 0) { pos[j] = (int32_t)len; col[len] = j; val[len++] = 0; }
            val[pos[j]] += buy * w->W.val[q] * s;
        }
        for (uint32_t q = 0; q < len; q++) pos[col[q]] = -1;
        if (bt_row_assign(b, col, val, len)) return -1;
    }
    return 0;
}

/* Dividends D_i = sum_j o_ij I_j and the step's share dS (sums to 1 when I does); minted
 * stake into net->stake and the emission fields (rao, 1 token = 1e9 rao). */
static int pay(wp_step *w, int mint)
{
    const bt_params *p = w->p;
    bt_epoch_result *r = w->r;
    size_t n = w->n;
    double *colsum = bt_arena_zeroed(w->ar, n ? n : 1, sizeof *colsum);
    double *dS = bt_arena_get(w->ar, n ? n : 1, sizeof *dS);
    if (!colsum || !dS) return -1;
    for (size_t i = 0; i < n; i++)
        for (uint32_t q = 0; q < w->net->bonds[i].len; q++) colsum[w->net->bonds[i].col[q]] += w->net->bonds[i].val[q];
    double isum = 0, own = p->self_share, rest = 1.0 - p->self_share;
    for (size_t i = 0; i < n; i++) {
        const bt_row *b = &w->net->bonds[i];
        double d = 0;
        for (uint32_t q = 0; q < b->len; q++)
            if (colsum[b->col[q]] > 0) d += b->val[q] / colsum[b->col[q]] * r->incentive[b->col[q]];
        r->dividends[i] = d;
        isum += r->incentive[i];
    }
    double M = p->emission == BT_EMIT_FIXED ? p->tau : p->tau * w->total;
    if (!mint) M = 0;
    for (size_t i = 0; i < n; i++) {
        double keep = r->incentive[i] * (colsum[i] > 0 ? own : 1.0), div = rest * r->dividends[i];
        if (isum == 0) {   /* nothing earned: emission follows the stake counted, as on chain */
            keep = 0;
            div = r->active_stake[i];
        }
        dS[i] = keep + div;
        r->server_emission[i] = M * keep * 1e9;
        r->validator_emission[i] = M * div * 1e9;
        r->emission[i] = M * dS[i] * 1e9;
    }
    for (size_t i = 0; i < n; i++) w->net->stake[i] += M * dS[i];
    return 0;
}

/* The scaling-vector variant: rank, signed stake and sigmoid from whitepaper_vb.c. */
static int scaling_consensus(wp_step *w)
{
    bt_epoch_result *r = w->r;
    if (bt_wp_vb_consensus(w->ar, w->p, &w->W, w->s_tok, w->st->scaling, r->rank, r->trust, r->consensus))
        return -1;
    return 0;
}

static int scaling_step(wp_step *w)
{
    size_t n = w->n;
    double *g = bt_arena_get(w->ar, n ? n : 1, sizeof *g);
    if (!g) return -1;
    if (bt_wp_vb_gradient(w->ar, w->p, &w->W, w->s_tok, w->st->scaling, w->r->rank, w->r->consensus, g))
        return -1;
    for (size_t i = 0; i < n; i++) {
        double a = w->st->scaling[i] - w->p->scaling_lr * g[i];
        w->st->scaling[i] = a < 0 ? 0 : a > 1 ? 1 : a;
    }
    return 0;
}

static int step(wp_step *w)
{
    const bt_params *p = w->p;
    bt_epoch_result *r = w->r;
    size_t n = w->n;
    w->s_tok = bt_arena_get(w->ar, n ? n : 1, sizeof *w->s_tok);
    if (!w->s_tok) return -1;
    stake_in(w);
    bt_wp_rules rules = {.mask_self = !p->count_self_weights, .min_weights = w->st->min_weights};
    if (bt_wp_weights(w->ar, p, w->net, &rules, &w->W, r->validator_trust)) return -1;
    r->min_allowed_weights = w->st->min_weights;
    if (p->scaling_vector ? scaling_consensus(w) : (rank_trust(w), 0)) return -1;
    for (size_t j = 0; j < n; j++) r->incentive[j] = r->rank[j] * r->consensus[j];
    bt_wp_normalize(r->incentive, n);
    r->chain_loss = bt_wp_chain_loss(r->rank, r->consensus, n);
    int mint = !(p->scaling_vector && r->chain_loss >= 0);
    if (!mint && scaling_step(w)) return -1;
    memcpy(r->scaling, w->st->scaling, n * sizeof *r->scaling);
    if (accrue_bonds(w) || pay(w, mint)) return -1;
    bt_wp_controller(p, w->st, r->chain_loss, n);
    return 0;
}

int bt_whitepaper_epoch(const bt_params *p, bt_subnet *net, bt_epoch_result *r)
{
    if (p->kind != BT_KIND_WHITEPAPER || p->arithmetic != BT_ARITH_FLOAT || r->n != net->n) return BT_EINVAL;
    if (!net->arena && !(net->arena = bt_arena_alloc())) return BT_ENOMEM;
    bt_arena_reset(net->arena);
    wp_step w = {.p = p, .net = net, .r = r, .ar = net->arena, .n = net->n};
    if (!(w.st = bt_wp_state_get(p, net))) return BT_ENOMEM;
    if (step(&w)) return BT_ENOMEM;
    net->last_step_block = net->current_block;
    return BT_OK;
}
