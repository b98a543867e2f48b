/* Chain Yuma epochs, original and Yuma 3, in float (double) and fixed (the chain's I32F32)
 * arithmetic. The epoch itself is written once in yuma_impl.h; this file supplies each
 * arithmetic's operations and its mode-specific steps (stake, EMA parameters, emission, storage). */
#include "mechanism/mechanism.h"
#include "mechanism/fixed.h"
#include "mechanism/arena.h"
#include <omp.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Threads pay only past a few hundred thousand entries; below that the fork/join and barrier
 * cost more than the work (measured with `make bench`). */
#define BT_PARALLEL_MIN_ENTRIES 200000
#define BT_THREADS_FOR(entries) ((entries) >= BT_PARALLEL_MIN_ENTRIES ? omp_get_max_threads() : 1)

/* Records the time since the previous mark into phase `ph` (uses phase_t0 in scope). */
#define BT_PHASE(r, ph)                                                 \
    do {                                                                \
        double t_ = omp_get_wtime();                                    \
        (r)->phase_ms[ph] = (t_ - phase_t0) * 1e3;                      \
        phase_t0 = t_;                                                  \
    } while (0)

#define BT_CAT_(a, b) a##_##b
#define BT_CAT(a, b) BT_CAT_(a, b)

static void bt_sort_u32(uint32_t *a, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {      /* rows come from a sorted scan: nearly sorted */
        uint32_t v = a[i], k = i;
        while (k > 0 && a[k - 1] > v) { a[k] = a[k - 1]; k--; }
        a[k] = v;
    }
}

/* Sorts (col, 8-byte value) pairs by column. */
static void bt_sort_pairs_by_col(uint32_t *col, void *val, uint32_t n, size_t vsize)
{
    uint64_t *v = val;
    (void)vsize;
    for (uint32_t i = 1; i < n; i++) {
        uint32_t c = col[i], k = i;
        uint64_t x = v[i];
        while (k > 0 && col[k - 1] > c) { col[k] = col[k - 1]; v[k] = v[k - 1]; k--; }
        col[k] = c;
        v[k] = x;
    }
}

/* Stores bond rows as the chain does: a permitted validator gets its new row, one that just
 * lost its permit an empty row, the rest stay untouched. */
static int store_rows(bt_subnet *net, size_t n, const size_t *ptr, const uint32_t *len,
                      const uint32_t *col, const double *val, const uint8_t *pnew, const uint8_t *pold)
{
    for (size_t i = 0; i < n; i++) {
        if (pnew[i]) {
            if (bt_row_assign(&net->bonds[i], col + ptr[i], val + ptr[i], len[i])) return -1;
        } else if (pold[i]) {
            net->bonds[i].len = 0;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ float arithmetic */
static inline double fx_clamp_f(double v, double lo, double hi)
{
    v = v > hi ? hi : v;   /* min then max, as clamp_value; inputs are never NaN */
    return v < lo ? lo : v;
}

#define NUM double
#define SFX f
#define N_ZERO 0.0
#define N_ONE 1.0
#define N_HALF 0.5
#define N_ADD(a, b) ((a) + (b))
#define N_PLAIN_ADD(a, b) ((a) + (b))
#define N_SUB(a, b) ((a) - (b))
#define N_MUL(a, b) ((a) * (b))
#define N_CHECKED_MUL(a, b) ((a) * (b))
#define N_DIV(a, b) ((b) != 0.0 ? (a) / (b) : 0.0)
#define N_SAT_DIV(a, b) N_DIV(a, b)
#define N_EXP(x) exp(x)
#define N_CLAMP(v, lo, hi) fx_clamp_f(v, lo, hi)
#define N_TO_D(x) (x)
#define N_PARAM_FRACTION(x) (x)
#define N_FROM_STORED_WEIGHT(v) (v)
#define N_FROM_STORED_BOND(v) (v)
#define N_FROM_STORED_BOND_PROP(v) (v)
#define N_STORE_U16(r, i, s, c, inc, d, vt) ((void)0)
#include "mechanism/yuma_impl.h"

static int stake_f(const bt_params *p, const bt_subnet *net, long owner, double *S)
{
    double sum = 0;
    for (size_t i = 0; i < net->n; i++) {
        double s = net->stake[i];
        S[i] = (s < p->stake_threshold && (long)i != owner) ? 0.0 : s;
        sum += S[i];
    }
    if (sum > 0) for (size_t i = 0; i < net->n; i++) S[i] /= sum;
    return 0;
}

static void ema_setup_f(const bt_params *p, ema_params_f *ep)
{
    ep->alpha_fixed = 1.0 - p->bonds_moving_average;
    ep->alpha_low = p->alpha_low;
    ep->alpha_high = p->alpha_high;
    ep->steep = -p->steepness;               /* the chain's steepness/-100, steepness = x*100 */
    ep->liquid = p->liquid_alpha && p->kind == BT_KIND_YUMA3;
}

static void emission_f(const bt_params *p, bt_epoch_result *r, const double *S, const double *A,
                       const double *I, const double *D, double *E, size_t n)
{
    double sum = 0, asum = 0;
    for (size_t i = 0; i < n; i++) { E[i] = I[i] + D[i]; sum += E[i]; asum += A[i]; }
    for (size_t i = 0; i < n; i++) {
        double se = sum != 0 ? I[i] / sum : I[i];
        double ve = sum != 0 ? D[i] / sum : D[i];
        double ce = sum != 0 ? E[i] / sum : E[i];
        if (sum == 0) ve = ce = asum == 0 ? S[i] : A[i];
        r->server_emission[i] = se * p->rao_emission;
        r->validator_emission[i] = ve * p->rao_emission;
        r->emission[i] = ce * p->rao_emission;
    }
}

static int store_bonds_f(bt_arena *ar, const bt_params *p, bt_subnet *net, mat_f *ema, const uint8_t *pnew,
                         const uint8_t *pold)
{
    (void)p;
    (void)ar;  /* float mode carries the values themselves (original Yuma: column-normalised) */
    return store_rows(net, net->n, ema->ptr, ema->len, ema->col, ema->val, pnew, pold);
}

#undef NUM
#undef SFX
#undef N_ZERO
#undef N_ONE
#undef N_HALF
#undef N_ADD
#undef N_PLAIN_ADD
#undef N_SUB
#undef N_MUL
#undef N_CHECKED_MUL
#undef N_DIV
#undef N_SAT_DIV
#undef N_EXP
#undef N_CLAMP
#undef N_TO_D
#undef N_PARAM_FRACTION
#undef N_FROM_STORED_WEIGHT
#undef N_FROM_STORED_BOND
#undef N_FROM_STORED_BOND_PROP
#undef N_STORE_U16

/* ------------------------------------------------------------------ fixed arithmetic */
static bt_fx fx_safe_exp(bt_fx x)
{
    int err;
    bt_fx v = bt_fx_exp(x, &err);
    return err ? 0 : v;
}

static bt_fx fx_clamp(bt_fx v, bt_fx lo, bt_fx hi)
{
    if (v > hi) v = hi;
    return v < lo ? lo : v;
}

static bt_fx fx_param_fraction(double x) { return bt_fx_from_u16_prop(bt_fraction_to_u16(x)); }

#define NUM bt_fx
#define SFX x
#define N_ZERO ((bt_fx)0)
#define N_ONE BT_FX_ONE
#define N_HALF (BT_FX_ONE / 2)
#define N_ADD(a, b) bt_fx_add(a, b)
#define N_PLAIN_ADD(a, b) bt_fx_add(a, b)
#define N_SUB(a, b) bt_fx_sub(a, b)
#define N_MUL(a, b) bt_fx_mul(a, b)
#define N_CHECKED_MUL(a, b) bt_fx_checked_mul(a, b)
#define N_DIV(a, b) bt_fx_div(a, b)
#define N_SAT_DIV(a, b) bt_fx_sat_div(a, b)
#define N_EXP(x) fx_safe_exp(x)
#define N_CLAMP(v, lo, hi) fx_clamp(v, lo, hi)
#define N_TO_D(x) bt_fx_to_double(x)
#define N_PARAM_FRACTION(x) fx_param_fraction(x)
#define N_FROM_STORED_WEIGHT(v) bt_fx_from_int((int64_t)(v))
#define N_FROM_STORED_BOND(v) bt_fx_from_int((int64_t)(v))
#define N_FROM_STORED_BOND_PROP(v) bt_fx_from_u16_prop((unsigned)(v))
#define N_STORE_U16(r, i, s, c, inc, d, vt)                                    \
    do {                                                                        \
        (r)->u16_stake_weight[i] = (uint16_t)bt_fx_to_u16_prop(s);             \
        (r)->u16_consensus[i] = (uint16_t)bt_fx_to_u16_prop(c);                \
        (r)->u16_incentive[i] = (uint16_t)bt_fx_to_u16_prop(inc);              \
        (r)->u16_dividends[i] = (uint16_t)bt_fx_to_u16_prop(d);                \
        (r)->u16_validator_trust[i] = (uint16_t)bt_fx_to_u16_prop(vt);         \
    } while (0)
#include "mechanism/yuma_impl.h"

/* Stake in rao (integers) normalised as I64F64 and truncated to I32F32; below the threshold
 * counts as 0 except for the owner. */
static int stake_x(const bt_params *p, const bt_subnet *net, long owner, bt_fx *S)
{
    size_t n = net->n;
    uint64_t *raw = calloc(n ? n : 1, sizeof *raw);
    if (!raw) return -1;
    double thr = floor(p->stake_threshold * 1e9);
    for (size_t i = 0; i < n; i++) {
        double rao = floor(net->stake[i] * 1e9 + 0.5);
        raw[i] = (rao < thr && (long)i != owner) ? 0 : (uint64_t)rao;
    }
    bt_fx_normalize_stake(raw, n, S);
    free(raw);
    return 0;
}

static void ema_setup_x(const bt_params *p, ema_params_x *ep)
{
    /* alpha = 1 - I32F32(I64F64(bma) / 1e6): 2^32 - floor(bma * 2^32 / 1e6) bits */
    int64_t bma = llround(p->bonds_moving_average * 1e6);
    ep->alpha_fixed = BT_FX_ONE - (bt_fx)(((bt_i128)bma << 32) / 1000000);
    ep->alpha_low = fx_param_fraction(p->alpha_low);
    ep->alpha_high = fx_param_fraction(p->alpha_high);
    ep->steep = bt_fx_sat_div(bt_fx_from_int(lround(p->steepness * 100.0)), bt_fx_from_int(-100));
    ep->liquid = p->liquid_alpha && p->kind == BT_KIND_YUMA3;
}

/* I96F32 products truncated to u64: floor(x_bits * rao / 2^32). */
static uint64_t fx_times_rao(bt_fx x, uint64_t rao)
{
    if (x <= 0) return 0;
    bt_i128 v = ((bt_i128)x * (bt_i128)rao) >> 32;
    return v > (bt_i128)UINT64_MAX ? UINT64_MAX : (uint64_t)v;
}

static void emission_x(const bt_params *p, bt_epoch_result *r, const bt_fx *S, const bt_fx *A,
                       const bt_fx *I, const bt_fx *D, bt_fx *E, size_t n)
{
    bt_fx sum = 0, asum = 0;
    for (size_t i = 0; i < n; i++) {
        E[i] = bt_fx_add(I[i], D[i]);
        sum = bt_fx_add(sum, E[i]);
        asum = bt_fx_add(asum, A[i]);
    }
    uint64_t rao = (uint64_t)llround(p->rao_emission);
    for (size_t i = 0; i < n; i++) {
        bt_fx se = sum != 0 ? bt_fx_div(I[i], sum) : I[i];
        bt_fx ve = sum != 0 ? bt_fx_div(D[i], sum) : D[i];
        bt_fx ce = sum != 0 ? bt_fx_div(E[i], sum) : E[i];
        if (sum == 0) ve = ce = asum == 0 ? S[i] : A[i];
        r->rao_server[i] = fx_times_rao(se, rao);
        r->rao_validator[i] = fx_times_rao(ve, rao);
        r->rao_emission[i] = fx_times_rao(ce, rao);
        r->server_emission[i] = (double)r->rao_server[i];
        r->validator_emission[i] = (double)r->rao_validator[i];
        r->emission[i] = (double)r->rao_emission[i];
    }
}

/* Stored u16: Yuma 3 floor(b * 65535); original Yuma column-max-upscaled first. */
static int store_bonds_x(bt_arena *ar, const bt_params *p, bt_subnet *net, mat_x *ema,
                         const uint8_t *pnew, const uint8_t *pold)
{
    if (p->kind == BT_KIND_YUMA && col_max_upscale_x(ar, ema, net->n)) return -1;
    size_t total = ema->ptr[ema->n];
    double *u16 = bt_arena_get(ar, total ? total : 1, sizeof *u16);
    if (!u16) return -1;
    for (size_t i = 0; i < ema->n; i++)
        for (size_t a = ema->ptr[i]; a < ema->ptr[i] + ema->len[i]; a++)
            u16[a] = (double)bt_fx_to_u16_prop(ema->val[a]);
    return store_rows(net, net->n, ema->ptr, ema->len, ema->col, u16, pnew, pold);
}

int bt_yuma_epoch(const bt_params *p, bt_subnet *net, bt_epoch_result *r)
{
    if (p->kind != BT_KIND_YUMA && p->kind != BT_KIND_YUMA3) return BT_EINVAL;
    if (r->n != net->n) return BT_EINVAL;
    if (!net->arena && !(net->arena = bt_arena_alloc())) return BT_ENOMEM;
    bt_arena_reset(net->arena);
    return p->arithmetic == BT_ARITH_FIXED ? yuma_epoch_x(net->arena, p, net, r) : yuma_epoch_f(net->arena, p, net, r);
}

/* ------------------------------------------------------------------ kernels for the math tests */
#include "mechanism/yuma_kernels.h"

/* Dense rows x cols -> a square sparse matrix of side max(rows, cols), zeros absent. */
static int dense_to_mat(bt_arena *ar, mat_x *m, const bt_fx *d, size_t rows, size_t cols)
{
    size_t n = rows > cols ? rows : cols;
    size_t *bound = bt_arena_zeroed(ar, n ? n : 1, sizeof *bound);
    if (!bound) return -1;
    for (size_t i = 0; i < rows; i++) bound[i] = cols;
    if (mat_alloc_x(ar, m, n, bound)) return -1;
    for (size_t i = 0; i < rows; i++) {
        cursor_x cur = row_begin_x(m, i);
        for (size_t j = 0; j < cols; j++)
            if (d[i * cols + j] != 0) put_x(&cur, (uint32_t)j, d[i * cols + j]);
        row_end_x(m, i, &cur);
    }
    return 0;
}

static void mat_to_dense(const mat_x *m, bt_fx *d, size_t rows, size_t cols)
{
    memset(d, 0, rows * cols * sizeof *d);
    for (size_t i = 0; i < rows; i++)
        for (size_t a = m->ptr[i]; a < m->ptr[i] + m->len[i]; a++)
            if (m->col[a] < cols) d[i * cols + m->col[a]] = m->val[a];
}

bt_fx bt_fxk_weighted_median(const bt_fx *stake, const bt_fx *score, size_t n, bt_fx minority)
{
    if (n == 0) return 0;
    vote_x *e = malloc(n * sizeof *e);
    if (!e) return 0;
    bt_fx sum = 0;
    for (size_t i = 0; i < n; i++) { e[i].score = score[i]; e[i].stake = stake[i]; sum = bt_fx_add(sum, stake[i]); }
    bt_fx r = select_median_x(e, n, sum, minority);
    free(e);
    return r;
}

int bt_fxk_weighted_median_col(const bt_fx *stake, const bt_fx *w, size_t rows, size_t cols,
                               bt_fx majority, bt_fx *c)
{
    mat_x m;
    size_t n = rows > cols ? rows : cols;
    bt_arena *ar = bt_arena_alloc();
    bt_fx *st = ar ? bt_arena_zeroed(ar, n ? n : 1, sizeof *st) : NULL;
    bt_fx *cc = ar ? bt_arena_zeroed(ar, n ? n : 1, sizeof *cc) : NULL;
    int rc = -1;
    if (st && cc && dense_to_mat(ar, &m, w, rows, cols) == 0) {
        memcpy(st, stake, rows * sizeof *st);
        rc = consensus_x(ar, &m, st, majority, cc);
        memcpy(c, cc, cols * sizeof *c);
    }
    bt_arena_free(ar);
    return rc;
}

static int dense_col_op(bt_fx *d, size_t rows, size_t cols, int (*op)(bt_arena *, mat_x *, size_t))
{
    mat_x m;
    bt_arena *ar = bt_arena_alloc();
    int rc = -1;
    if (ar && dense_to_mat(ar, &m, d, rows, cols) == 0 && op(ar, &m, m.n) == 0) {
        mat_to_dense(&m, d, rows, cols);
        rc = 0;
    }
    bt_arena_free(ar);
    return rc;
}

int bt_fxk_col_normalize(bt_fx *m, size_t rows, size_t cols) { return dense_col_op(m, rows, cols, col_normalize_x); }
int bt_fxk_col_max_upscale(bt_fx *m, size_t rows, size_t cols) { return dense_col_op(m, rows, cols, col_max_upscale_x); }

int bt_fxk_col_clip(bt_fx *d, size_t rows, size_t cols, const bt_fx *threshold)
{
    mat_x m, out;
    size_t n = rows > cols ? rows : cols;
    bt_arena *ar = bt_arena_alloc();
    bt_fx *th = ar ? bt_arena_zeroed(ar, n ? n : 1, sizeof *th) : NULL;
    int rc = -1;
    if (th && dense_to_mat(ar, &m, d, rows, cols) == 0) {
        memcpy(th, threshold, cols * sizeof *th);
        if (clip_x(ar, &out, &m, th) == 0) { mat_to_dense(&out, d, rows, cols); rc = 0; }
    }
    bt_arena_free(ar);
    return rc;
}

int bt_fxk_matmul(const bt_fx *d, size_t rows, size_t cols, const bt_fx *v, bt_fx *out)
{
    memset(out, 0, cols * sizeof *out);
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < cols; j++)
            if (d[i * cols + j]) out[j] = bt_fx_add(out[j], bt_fx_mul(v[i], d[i * cols + j]));
    return 0;
}

int bt_fxk_matmul_transpose(const bt_fx *d, size_t rows, size_t cols, const bt_fx *v, bt_fx *out)
{
    for (size_t i = 0; i < rows; i++) {
        bt_fx s = 0;
        for (size_t j = 0; j < cols; j++)
            if (d[i * cols + j]) s = bt_fx_add(s, bt_fx_mul(v[j], d[i * cols + j]));
        out[i] = s;
    }
    return 0;
}

int bt_fxk_ema_alpha(const bt_fx *nw, const bt_fx *old, const bt_fx *alpha, size_t rows,
                     size_t cols, bt_fx *out)
{
    mat_x a, b, o;
    scratch_x s;
    size_t n = rows > cols ? rows : cols;
    bt_arena *ar = bt_arena_alloc();
    int rc = -1;
    if (ar && dense_to_mat(ar, &a, nw, rows, cols) == 0 && dense_to_mat(ar, &b, old, rows, cols) == 0 &&
        mat_alloc_like_x(ar, &o, &a, 0, NULL) == 0 && scratch_alloc_x(ar, &s, n) == 0) {
        for (size_t i = 0; i < rows; i++) {
            for (size_t q = 0; q < a.len[i]; q++) s.alpha[q] = alpha[i * cols + a.col[a.ptr[i] + q]];
            ema_alpha_apply_x(&o, i, &a, &b, s.alpha, s.bval, s.bmark);
        }
        mat_to_dense(&o, out, rows, cols);
        rc = 0;
    }
    bt_arena_free(ar);
    return rc;
}

int bt_fxk_ema(const bt_fx *nw, const bt_fx *old, bt_fx alpha, size_t rows, size_t cols, bt_fx *out)
{
    mat_x a, b, o;
    ema_params_x ep = {.alpha_fixed = alpha};
    bt_arena *ar = bt_arena_alloc();
    int rc = -1;
    if (ar && dense_to_mat(ar, &a, nw, rows, cols) == 0 && dense_to_mat(ar, &b, old, rows, cols) == 0 &&
        mat_alloc_like_x(ar, &o, &a, 1, &b) == 0 && bonds_ema_x(ar, &o, &a, &b, NULL, &ep, 0) == 0) {
        mat_to_dense(&o, out, rows, cols);
        rc = 0;
    }
    bt_arena_free(ar);
    return rc;
}
