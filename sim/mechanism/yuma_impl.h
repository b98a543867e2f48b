/* One chain Yuma epoch (original and Yuma 3), written once for both arithmetics.
 * yuma.c includes this file twice, GSL "templates_on" style: once with NUM = double (float
 * mode) and once with NUM = bt_fx (the chain's I32F32), each with its own N_* operations and
 * suffix. The steps and their order follow spec chain-yuma.md section 3 (run_epoch.rs). */

#define FN(x) BT_CAT(x, SFX)

/* A sparse matrix whose row i owns slots ptr[i] .. ptr[i] + bound_i; len[i] are in use.
 * Rows can then be filled in parallel. Column order within a row is whatever the step keeps. */
typedef struct {
    size_t n;
    size_t *ptr;
    uint32_t *len;
    uint32_t *col;
    NUM *val;
} FN(mat);

/* Memory comes from the epoch's arena, which is reset as a whole; nothing to free per matrix. */

/* bound(i) is taken from the array `bound`. Returns 0 or -1. */
static int FN(mat_alloc)(bt_arena *ar, FN(mat) *m, size_t n, const size_t *bound)
{
    memset(m, 0, sizeof *m);
    m->n = n;
    m->ptr = bt_arena_get(ar, n + 1, sizeof *m->ptr);
    m->len = bt_arena_zeroed(ar, n ? n : 1, sizeof *m->len);
    if (!m->ptr || !m->len) return -1;
    size_t total = 0;
    for (size_t i = 0; i < n; i++) { m->ptr[i] = total; total += bound[i]; }
    m->ptr[n] = total;
    m->col = bt_arena_get(ar, total ? total : 1, sizeof *m->col);
    m->val = bt_arena_get(ar, total ? total : 1, sizeof *m->val);
    if (!m->col || !m->val) return -1;
    return 0;
}

static int FN(mat_alloc_like)(bt_arena *ar, FN(mat) *m, const FN(mat) *shape, size_t extra_per_row_from_other,
                              const FN(mat) *other)
{
    size_t n = shape->n;
    size_t *bound = bt_arena_get(ar, n ? n : 1, sizeof *bound);
    if (!bound) return -1;
    for (size_t i = 0; i < n; i++)
        bound[i] = shape->len[i] + (extra_per_row_from_other && other ? other->len[i] : 0);
    return FN(mat_alloc)(ar, m, n, bound);
}

/* Appending to row i goes through a cursor kept in registers (a length in memory would be
 * re-read after every store, since it aliases the column array's type). */
typedef struct { uint32_t *col; NUM *val; uint32_t k; } FN(cursor);

static inline FN(cursor) FN(row_begin)(FN(mat) *m, size_t i)
{
    FN(cursor) c = {m->col + m->ptr[i], m->val + m->ptr[i], 0};
    return c;
}

static inline void FN(put)(FN(cursor) *c, uint32_t j, NUM v)
{
    c->col[c->k] = j;
    c->val[c->k] = v;
    c->k++;
}

static inline void FN(row_end)(FN(mat) *m, size_t i, const FN(cursor) *c) { m->len[i] = c->k; }

static NUM FN(vec_sum)(const NUM *x, size_t n)
{
    NUM s = N_ZERO;
    for (size_t i = 0; i < n; i++) s = N_PLAIN_ADD(s, x[i]);
    return s;
}

/* inplace_normalize: x / sum(x), left alone when the sum is 0. */
static void FN(normalize)(NUM *x, size_t n)
{
    NUM s = FN(vec_sum)(x, n);
    if (s == N_ZERO) return;
    for (size_t i = 0; i < n; i++) x[i] = N_DIV(x[i], s);
}


static int FN(col_normalize)(bt_arena *ar, FN(mat) *m, size_t ncols)
{
    NUM *sum = bt_arena_zeroed(ar, ncols ? ncols : 1, sizeof *sum);
    if (!sum) return -1;
    for (size_t i = 0; i < m->n; i++)
        for (size_t a = m->ptr[i]; a < m->ptr[i] + m->len[i]; a++)
            if (m->col[a] < ncols) sum[m->col[a]] = N_ADD(sum[m->col[a]], m->val[a]);
    for (size_t i = 0; i < m->n; i++)
        for (size_t a = m->ptr[i]; a < m->ptr[i] + m->len[i]; a++)
            if (sum[m->col[a]] != N_ZERO) m->val[a] = N_DIV(m->val[a], sum[m->col[a]]);
    return 0;
}

__attribute__((unused)) static int FN(col_max_upscale)(bt_arena *ar, FN(mat) *m, size_t ncols)
{
    NUM *mx = bt_arena_zeroed(ar, ncols ? ncols : 1, sizeof *mx);
    if (!mx) return -1;
    for (size_t i = 0; i < m->n; i++)
        for (size_t a = m->ptr[i]; a < m->ptr[i] + m->len[i]; a++)
            if (mx[m->col[a]] < m->val[a]) mx[m->col[a]] = m->val[a];
    for (size_t i = 0; i < m->n; i++)
        for (size_t a = m->ptr[i]; a < m->ptr[i] + m->len[i]; a++)
            if (mx[m->col[a]] != N_ZERO) m->val[a] = N_DIV(m->val[a], mx[m->col[a]]);
    return 0;
}

typedef struct { NUM score, stake; } FN(vote);


/* Moves the votes of v[first..last) with score < pivot (below = 1) or <= pivot (below = 0)
 * to the front, without branches on the data (a swap every step; the predicate only moves the
 * boundary); returns the boundary and adds the moved votes' stake to *moved. */
static inline size_t FN(partition)(FN(vote) *v, size_t first, size_t last, NUM pivot, int strict,
                                   NUM *moved)
{
    size_t store = first;
    NUM sum = N_ZERO;
    for (size_t i = first; i < last; i++) {
        FN(vote) x = v[i];
        int take = strict ? x.score < pivot : x.score <= pivot;
        v[i] = v[store];
        v[store] = x;
        sum = N_ADD(sum, take ? x.stake : N_ZERO);
        store += (size_t)take;
    }
    *moved = sum;
    return store;
}

/* weighted_median: the chain's selection with a mid pivot, in place. With exact sums the result
 * does not depend on the order of v (it is the score whose cumulative-stake interval holds
 * `minority`; the smallest when minority < 0, the largest past the end), so partitioning in
 * place is faithful. Expected O(k). */
static NUM FN(select_median)(FN(vote) *v, size_t k, NUM stake_sum, NUM minority)
{
    size_t first = 0, last = k;
    NUM lo = N_ZERO, hi = stake_sum;
    for (;;) {
        size_t count = last - first;
        if (count == 0) return N_ZERO;
        if (count == 1) return v[first].score;
        NUM pivot = v[first + count / 2].score, lo_stake, eq_stake;
        size_t lt = FN(partition)(v, first, last, pivot, 1, &lo_stake);
        if (minority < N_ADD(lo, lo_stake) && lt > first) {
            last = lt;
            hi = N_ADD(lo, lo_stake);
            continue;
        }
        size_t gt = FN(partition)(v, lt, last, pivot, 0, &eq_stake);
        NUM hi_stake = N_ZERO;
        for (size_t i = gt; i < last; i++) hi_stake = N_ADD(hi_stake, v[i].stake);
        if (N_SUB(hi, hi_stake) <= minority && gt < last) {
            first = gt;
            lo = N_SUB(hi, hi_stake);
        } else {
            return pivot;
        }
    }
}

/* The median of one column: e holds the m present votes and one spare slot; the other nv - m
 * validators vote 0 with the rest of stake_sum (one combined entry in the spare slot; exact
 * sums make that equivalent). e is reordered in place. */
static NUM FN(median_walk)(FN(vote) *e, size_t m, size_t nv, NUM stake_sum, NUM minority)
{
    size_t k = m;
    if (nv > m) {
        NUM present = N_ZERO;
        for (size_t q = 0; q < m; q++) present = N_ADD(present, e[q].stake);
        e[k].score = N_ZERO;
        e[k].stake = N_SUB(stake_sum, present);
        k++;
    }
    return FN(select_median)(e, k, stake_sum, minority);
}

/* weighted_median_col_sparse. Every validator with positive active stake votes in every column
 * (a missing entry is a 0). With exact sums the chain's mid-pivot quickselect returns the score
 * whose cumulative-stake interval [lo, lo + stake) holds `minority` (smallest if minority < 0,
 * largest past the end), whatever the order, so each column is sorted and walked. */
static int FN(consensus)(bt_arena *ar, const FN(mat) *w, const NUM *active_stake, NUM kappa, NUM *c)
{
    size_t n = w->n, nv = 0;
    int rc = -1;
    NUM *ustake = bt_arena_get(ar, n ? n : 1, sizeof *ustake);
    size_t *colptr = bt_arena_zeroed(ar, n + 1, sizeof *colptr);
    FN(vote) *votes = NULL;
    size_t *fill = NULL;
    if (!ustake || !colptr) goto out;
    for (size_t i = 0; i < n; i++) if (active_stake[i] > N_ZERO) ustake[nv++] = active_stake[i];
    FN(normalize)(ustake, nv);
    NUM stake_sum = FN(vec_sum)(ustake, nv);
    NUM minority = N_SUB(stake_sum, kappa);
    memset(c, 0, n * sizeof *c);
    if (nv == 0) { rc = 0; goto out; }

    for (size_t i = 0; i < n; i++)
        if (active_stake[i] > N_ZERO)
            for (size_t a = w->ptr[i]; a < w->ptr[i] + w->len[i]; a++) colptr[w->col[a] + 1]++;
    for (size_t j = 0; j < n; j++) colptr[j + 1] += colptr[j] + 1;   /* + a spare slot each */
    votes = bt_arena_get(ar, colptr[n] ? colptr[n] : 1, sizeof *votes);
    fill = bt_arena_get(ar, n ? n : 1, sizeof *fill);
    if (!votes || !fill) goto out;
    memcpy(fill, colptr, n * sizeof *fill);
    for (size_t i = 0, k = 0; i < n; i++) {
        if (!(active_stake[i] > N_ZERO)) continue;
        for (size_t a = w->ptr[i]; a < w->ptr[i] + w->len[i]; a++) {
            FN(vote) *v = &votes[fill[w->col[a]]++];
            v->score = w->val[a];
            v->stake = ustake[k];
        }
        k++;
    }

    int nthreads = BT_THREADS_FOR(colptr[n]);
    #pragma omp parallel for num_threads(nthreads) schedule(dynamic, 64)
    for (size_t j = 0; j < n; j++) {
        size_t m = fill[j] - colptr[j];
        if (m == 0) continue;                  /* no entry: every vote is 0 */
        c[j] = FN(median_walk)(votes + colptr[j], m, nv, stake_sum, minority);
    }
    rc = 0;
out:
    return rc;
}

/* Where the chain walks a row with a merge that assumes ascending columns (liquid alpha), an
 * unsorted row finds 0 for some columns. This reproduces that walk for the columns `want`. */
static int FN(row_sorted)(const uint32_t *col, uint32_t len)
{
    for (uint32_t q = 1; q < len; q++) if (col[q] <= col[q - 1]) return 0;
    return 1;
}

static void FN(walk_lookup)(const uint32_t *col, const NUM *val, uint32_t len, size_t n,
                            NUM *dense_out)
{
    uint32_t p = 0;
    for (size_t j = 0; j < n; j++) {
        NUM found = N_ZERO;
        while (p < len && col[p] < j) p++;
        if (p < len && col[p] == j) found = val[p];
        dense_out[j] = found;
    }
}

typedef struct {
    NUM alpha_fixed;              /* 1 - bonds_moving_average */
    NUM alpha_low, alpha_high, steep;  /* steep = steepness / -100 in chain units */
    int liquid;
} FN(ema_params);

/* Supplied by yuma.c for each arithmetic, defined after this file is included. */
static int FN(stake)(const bt_params *p, const bt_subnet *net, long owner, NUM *S);
static void FN(ema_setup)(const bt_params *p, FN(ema_params) *ep);
static void FN(emission)(const bt_params *p, bt_epoch_result *r, const NUM *S, const NUM *A,
                         const NUM *I, const NUM *D, NUM *E, size_t n);
static int FN(store_bonds)(bt_arena *ar, const bt_params *p, bt_subnet *net, FN(mat) *ema,
                           const uint8_t *pnew, const uint8_t *pold);

static NUM FN(alpha_sigmoid)(const FN(ema_params) *ep, NUM c, NUM w, NUM b)
{
    NUM diff_buy = N_CLAMP(N_SUB(w, c), N_ZERO, N_ONE);
    NUM diff_sell = N_CLAMP(N_SUB(b, w), N_ZERO, N_ONE);
    NUM d = w >= b ? diff_buy : diff_sell;
    NUM sig = N_SAT_DIV(N_ONE, N_ADD(N_ONE, N_EXP(N_MUL(ep->steep, N_SUB(d, N_HALF)))));
    NUM a = N_ADD(ep->alpha_low, N_MUL(sig, N_SUB(ep->alpha_high, ep->alpha_low)));
    return N_CLAMP(a, ep->alpha_low, ep->alpha_high);
}

/* mat_ema_sparse on one row: alpha*new + (1-alpha)*old over the union, ascending, keep > 0.
 * acc is a zeroed scratch of n entries, left zeroed; seen marks touched columns. */
static void FN(ema_row)(FN(mat) *out, size_t i, const FN(mat) *nw, const FN(mat) *old, NUM alpha,
                        NUM *acc, uint8_t *seen, uint32_t *touched)
{
    NUM one_minus = N_SUB(N_ONE, alpha);
    uint32_t nt = 0;
    for (size_t a = nw->ptr[i]; a < nw->ptr[i] + nw->len[i]; a++) {
        uint32_t j = nw->col[a];
        if (!seen[j]) { seen[j] = 1; touched[nt++] = j; }
        acc[j] = N_ADD(acc[j], N_MUL(alpha, nw->val[a]));
    }
    for (size_t a = old->ptr[i]; a < old->ptr[i] + old->len[i]; a++) {
        uint32_t j = old->col[a];
        if (!seen[j]) { seen[j] = 1; touched[nt++] = j; }
        acc[j] = N_ADD(acc[j], N_MUL(one_minus, old->val[a]));
    }
    bt_sort_u32(touched, nt);
    FN(cursor) cur = FN(row_begin)(out, i);
    for (uint32_t q = 0; q < nt; q++) {
        uint32_t j = touched[q];
        if (acc[j] > N_ZERO) FN(put)(&cur, j, acc[j]);
        acc[j] = N_ZERO;
        seen[j] = 0;
    }
    FN(row_end)(out, i, &cur);
}

/* mat_ema_alpha_sparse on one row, given alpha for each position of the new row:
 * min(1, (1-a)*old + max(0, a*new)) for the columns of the new row, in its order, keeping
 * values > 0; an old bond whose column is absent from the new row is dropped. bval/bmark are
 * zeroed scratch rows of n, left zeroed. */
static void FN(ema_alpha_apply)(FN(mat) *out, size_t i, const FN(mat) *nw, const FN(mat) *old,
                                const NUM *alpha, NUM *bval, uint8_t *bmark)
{
    const uint32_t *wc = nw->col + nw->ptr[i], *bc = old->col + old->ptr[i];
    const NUM *wv = nw->val + nw->ptr[i], *bv = old->val + old->ptr[i];
    uint32_t wl = nw->len[i], bl = old->len[i];
    for (uint32_t q = 0; q < bl; q++) { bval[bc[q]] = bv[q]; bmark[bc[q]] = 1; }
    FN(cursor) cur = FN(row_begin)(out, i);
    for (uint32_t q = 0; q < wl; q++) {
        uint32_t j = wc[q];
        NUM dec = bmark[j] ? N_MUL(N_SUB(N_ONE, alpha[q]), bval[j]) : N_ZERO;
        NUM inc = N_MUL(alpha[q], wv[q]);
        if (inc < N_ZERO) inc = N_ZERO;
        NUM v = N_ADD(dec, inc);
        if (v > N_ONE) v = N_ONE;
        if (v > N_ZERO) FN(put)(&cur, j, v);
    }
    FN(row_end)(out, i, &cur);
    for (uint32_t q = 0; q < bl; q++) { bval[bc[q]] = N_ZERO; bmark[bc[q]] = 0; }
}

/* compute_liquid_alpha_values_sparse for the positions of new row i (the only ones the EMA
 * reads). The chain looks weights and bonds up with a merge that assumes ascending columns;
 * unsorted rows are walked the same way, so they find 0 where the chain does. */
static void FN(liquid_alpha_row)(const FN(mat) *nw, const FN(mat) *old, size_t i, const NUM *c,
                                 const FN(ema_params) *ep, size_t n, NUM *alpha,
                                 NUM *bval, NUM *wdense, NUM *bdense)
{
    const uint32_t *wc = nw->col + nw->ptr[i], *bc = old->col + old->ptr[i];
    const NUM *wv = nw->val + nw->ptr[i], *bv = old->val + old->ptr[i];
    uint32_t wl = nw->len[i], bl = old->len[i];
    int walk = !FN(row_sorted)(wc, wl) || !FN(row_sorted)(bc, bl);
    if (walk) {
        FN(walk_lookup)(wc, wv, wl, n, wdense);
        FN(walk_lookup)(bc, bv, bl, n, bdense);
        for (uint32_t q = 0; q < wl; q++)
            alpha[q] = FN(alpha_sigmoid)(ep, c[wc[q]], wdense[wc[q]], bdense[wc[q]]);
        return;
    }
    for (uint32_t q = 0; q < bl; q++) bval[bc[q]] = bv[q];
    for (uint32_t q = 0; q < wl; q++) alpha[q] = FN(alpha_sigmoid)(ep, c[wc[q]], wv[q], bval[wc[q]]);
    for (uint32_t q = 0; q < bl; q++) bval[bc[q]] = N_ZERO;
}

/* Per-thread scratch rows for the bond EMAs. */
typedef struct {
    NUM *acc, *bval, *wdense, *bdense, *alpha;
    uint8_t *seen, *bmark;
    uint32_t *touched;
} FN(scratch);

static int FN(scratch_alloc)(bt_arena *ar, FN(scratch) *s, size_t n)
{
    size_t m = n ? n : 1;
    s->acc = bt_arena_zeroed(ar, m, sizeof(NUM)); s->bval = bt_arena_zeroed(ar, m, sizeof(NUM));
    s->wdense = bt_arena_get(ar, m, sizeof(NUM)); s->bdense = bt_arena_get(ar, m, sizeof(NUM));
    s->alpha = bt_arena_get(ar, m, sizeof(NUM));
    s->seen = bt_arena_zeroed(ar, m, 1); s->bmark = bt_arena_zeroed(ar, m, 1);
    s->touched = bt_arena_get(ar, 2 * m, sizeof(uint32_t));
    return s->acc && s->bval && s->wdense && s->bdense && s->alpha && s->seen && s->bmark && s->touched ? 0 : -1;
}

/* Bonds EMA for every row: liquid (per pair) or with the scalar alpha. out is sized by the
 * caller: new row + old row per row. */
static int FN(bonds_ema)(bt_arena *ar, FN(mat) *out, const FN(mat) *nw, const FN(mat) *old,
                         const NUM *c, const FN(ema_params) *ep, int liquid)
{
    size_t n = nw->n;
    int nthreads = BT_THREADS_FOR(nw->ptr[n] + old->ptr[n]);
    FN(scratch) *s = bt_arena_get(ar, (size_t)nthreads, sizeof *s);
    if (!s) return -1;
    for (int t = 0; t < nthreads; t++)
        if (FN(scratch_alloc)(ar, &s[t], n)) return -1;
    #pragma omp parallel num_threads(nthreads)
    {
        FN(scratch) *my = &s[omp_get_thread_num()];
        #pragma omp for schedule(dynamic, 64)
        for (size_t i = 0; i < n; i++) {
            if (liquid) {
                FN(liquid_alpha_row)(nw, old, i, c, ep, n, my->alpha, my->bval, my->wdense, my->bdense);
                FN(ema_alpha_apply)(out, i, nw, old, my->alpha, my->bval, my->bmark);
            } else {
                FN(ema_row)(out, i, nw, old, ep->alpha_fixed, my->acc, my->seen, my->touched);
            }
        }
    }
    return 0;
}

/* The stored weights as the epoch reads them: permit, self-weight and outdated masks, then
 * rows normalised. Values: fixed I32F32(u16); float as stored. */
static int FN(read_weights)(bt_arena *ar, FN(mat) *w, const bt_params *p, const bt_subnet *net,
                            const uint8_t *forbid)
{
    size_t n = net->n;
    size_t *bound = bt_arena_get(ar, n ? n : 1, sizeof *bound);
    if (!bound) return -1;
    for (size_t i = 0; i < n; i++) bound[i] = forbid[i] ? 0 : net->weights[i].len;
    if (FN(mat_alloc)(ar, w, n, bound)) return -1;
    for (size_t i = 0; i < n; i++) {
        if (forbid[i]) continue;
        const bt_row *r = &net->weights[i];
        int64_t updated = net->last_update[i];
        FN(cursor) cur = FN(row_begin)(w, i);
        NUM sum = N_ZERO;
        for (uint32_t q = 0; q < r->len; q++) {
            uint32_t j = r->col[q];
            if (j >= n) continue;
            if (j == i && (long)i != p->owner) continue;
            if (updated <= net->block_at_registration[j]) continue;
            NUM v = N_FROM_STORED_WEIGHT(r->val[q]);
            sum = N_PLAIN_ADD(sum, v);
            FN(put)(&cur, j, v);
        }
        FN(row_end)(w, i, &cur);
        if (sum > N_ZERO)                    /* inplace_row_normalize_sparse */
            for (uint32_t q = 0; q < cur.k; q++) cur.val[q] = N_DIV(cur.val[q], sum);
    }
    return 0;
}

/* The stored bonds with the recent-registration mask (bonds on peers registered since the
 * last epoch are dropped). */
static int FN(read_bonds)(bt_arena *ar, FN(mat) *b, const bt_params *p, const bt_subnet *net)
{
    size_t n = net->n;
    int64_t last_tempo = net->last_step_block == 0
                             ? (net->current_block > p->tempo ? net->current_block - p->tempo : 0)
                             : net->last_step_block + 1;
    size_t *bound = bt_arena_get(ar, n ? n : 1, sizeof *bound);
    if (!bound) return -1;
    for (size_t i = 0; i < n; i++) bound[i] = net->bonds[i].len;
    if (FN(mat_alloc)(ar, b, n, bound)) return -1;
    int yuma3 = p->kind == BT_KIND_YUMA3;
    for (size_t i = 0; i < n; i++) {
        const bt_row *r = &net->bonds[i];
        FN(cursor) cur = FN(row_begin)(b, i);
        for (uint32_t q = 0; q < r->len; q++) {
            uint32_t j = r->col[q];
            if (j >= n || last_tempo <= net->block_at_registration[j]) continue;
            FN(put)(&cur, j, yuma3 ? N_FROM_STORED_BOND_PROP(r->val[q]) : N_FROM_STORED_BOND(r->val[q]));
        }
        FN(row_end)(b, i, &cur);
    }
    return 0;
}

/* Clipped weights: above c_j becomes c_j, or is dropped when c_j <= 0. */
static int FN(clip)(bt_arena *ar, FN(mat) *wc, const FN(mat) *w, const NUM *c)
{
    if (FN(mat_alloc_like)(ar, wc, w, 0, NULL)) return -1;
    for (size_t i = 0; i < w->n; i++) {
        FN(cursor) cur = FN(row_begin)(wc, i);
        for (size_t a = w->ptr[i]; a < w->ptr[i] + w->len[i]; a++) {
            NUM th = c[w->col[a]], v = w->val[a];
            if (th < v) { if (th > N_ZERO) FN(put)(&cur, w->col[a], th); }
            else FN(put)(&cur, w->col[a], v);
        }
        FN(row_end)(wc, i, &cur);
    }
    return 0;
}

/* interpolate_sparse(W, Wc, beta) for 0 < beta < 1: dense per row, entries > 0, ascending. */
static int FN(interpolate)(bt_arena *ar, FN(mat) *out, const FN(mat) *w, const FN(mat) *wc, NUM beta)
{
    if (FN(mat_alloc_like)(ar, out, w, 0, NULL)) return -1;
    for (size_t i = 0; i < w->n; i++) {
        size_t b = wc->ptr[i], bend = wc->ptr[i] + wc->len[i];
        FN(cursor) cur = FN(row_begin)(out, i);
        for (size_t a = w->ptr[i]; a < w->ptr[i] + w->len[i]; a++) {
            NUM v1 = w->val[a], v2 = N_ZERO;
            if (b < bend && wc->col[b] == w->col[a]) v2 = wc->val[b++];   /* Wc keeps W's order */
            NUM v = N_ADD(v1, N_MUL(beta, N_SUB(v2, v1)));
            if (N_ZERO < v) FN(put)(&cur, w->col[a], v);
        }
        FN(row_end)(out, i, &cur);
        bt_sort_pairs_by_col(out->col + out->ptr[i], out->val + out->ptr[i], out->len[i], sizeof(NUM));
    }
    return 0;
}

/* Bonds and dividends, Yuma 3 (3.11): EMA of weights (liquid or scalar alpha), dividends from
 * column-normalised bonds times incentive, times active stake. */
static int FN(bonds_yuma3)(bt_arena *ar, FN(mat) *ema, const FN(mat) *wb, const FN(mat) *bonds, const NUM *c,
                           const NUM *incentive, const NUM *active_stake, const FN(ema_params) *ep,
                           NUM *dividends)
{
    size_t n = wb->n;
    int liquid = 0;
    if (ep->liquid)
        for (size_t j = 0; j < n && !liquid; j++) liquid = c[j] != N_ZERO;
    if (FN(mat_alloc_like)(ar, ema, wb, 1, bonds)) return -1;
    if (FN(bonds_ema)(ar, ema, wb, bonds, c, ep, liquid)) return -1;

    /* Dividends from the column-normalised bonds (B-hat), without materialising B-hat: the
     * same division per entry as inplace_col_normalize_sparse, then times incentive. */
    NUM *colsum = bt_arena_zeroed(ar, n ? n : 1, sizeof *colsum);
    if (!colsum) return -1;
    for (size_t i = 0; i < n; i++)
        for (size_t a = ema->ptr[i]; a < ema->ptr[i] + ema->len[i]; a++)
            colsum[ema->col[a]] = N_ADD(colsum[ema->col[a]], ema->val[a]);
    for (size_t i = 0; i < n; i++) {
        NUM total = N_ZERO;
        for (size_t a = ema->ptr[i]; a < ema->ptr[i] + ema->len[i]; a++) {
            uint32_t j = ema->col[a];
            NUM b = colsum[j] != N_ZERO ? N_DIV(ema->val[a], colsum[j]) : ema->val[a];
            total = N_PLAIN_ADD(total, N_MUL(b, incentive[j]));
        }
        dividends[i] = N_CHECKED_MUL(total, active_stake[i]);
    }
    FN(normalize)(dividends, n);
    return 0;
}

/* Bonds and dividends, original Yuma (3.10): column-normalised EMA of stake-weighted weights. */
static int FN(bonds_yuma)(bt_arena *ar, FN(mat) *ema, const FN(mat) *wb, FN(mat) *bonds, const NUM *incentive,
                          const NUM *active_stake, const FN(ema_params) *ep, NUM *dividends)
{
    size_t n = wb->n;
    if (FN(col_normalize)(ar, bonds, n)) return -1;
    FN(mat) delta;
    if (FN(mat_alloc_like)(ar, &delta, wb, 0, NULL)) return -1;
    for (size_t i = 0; i < n; i++) {
        FN(cursor) cur = FN(row_begin)(&delta, i);
        for (size_t a = wb->ptr[i]; a < wb->ptr[i] + wb->len[i]; a++)
            FN(put)(&cur, wb->col[a], N_MUL(wb->val[a], active_stake[i]));
        FN(row_end)(&delta, i, &cur);
    }
    if (FN(col_normalize)(ar, &delta, n)) return -1;
    if (FN(mat_alloc_like)(ar, ema, &delta, 1, bonds)) return -1;
    if (FN(bonds_ema)(ar, ema, &delta, bonds, NULL, ep, 0)) return -1;
    if (FN(col_normalize)(ar, ema, n)) return -1;
    for (size_t i = 0; i < n; i++) {
        NUM d = N_ZERO;
        for (size_t a = ema->ptr[i]; a < ema->ptr[i] + ema->len[i]; a++)
            d = N_ADD(d, N_MUL(incentive[ema->col[a]], ema->val[a]));
        dividends[i] = d;
    }
    FN(normalize)(dividends, n);
    return 0;
}

static int FN(yuma_epoch)(bt_arena *ar, const bt_params *p, bt_subnet *net, bt_epoch_result *r)
{
    size_t n = net->n, m = n ? n : 1;
    int rc = BT_ENOMEM;
    int yuma3 = p->kind == BT_KIND_YUMA3;
    double phase_t0 = omp_get_wtime();
    long owner = p->owner >= 0 && (size_t)p->owner < n ? p->owner : -1;
    NUM *S = bt_arena_zeroed(ar, m, sizeof(NUM)), *A = bt_arena_zeroed(ar, m, sizeof(NUM));
    NUM *c = bt_arena_zeroed(ar, m, sizeof(NUM)), *R = bt_arena_zeroed(ar, m, sizeof(NUM));
    NUM *D = bt_arena_zeroed(ar, m, sizeof(NUM)), *VT = bt_arena_zeroed(ar, m, sizeof(NUM));
    NUM *E = bt_arena_zeroed(ar, m, sizeof(NUM));
    double *key = bt_arena_zeroed(ar, m, sizeof(double));
    uint8_t *forbid = bt_arena_zeroed(ar, m, 1), *pold = bt_arena_zeroed(ar, m, 1), *pnew = bt_arena_zeroed(ar, m, 1);
    FN(mat) w = {0}, wc = {0}, wbuf = {0}, bonds = {0}, ema = {0};
    if (!S || !A || !c || !R || !D || !VT || !E || !key || !forbid || !pold || !pnew) goto out;

    /* Activity (3.1) */
    int64_t cutoff = bt_params_activity_cutoff(p);
    for (size_t i = 0; i < n; i++)
        r->active[i] = !(net->last_update[i] + cutoff < net->current_block);

    /* Stake (3.2), permits (3.3), active stake (3.4) */
    if (FN(stake)(p, net, owner, S)) goto out;
    for (size_t i = 0; i < n; i++) {
        pold[i] = net->permit[i] || (long)i == owner;
        forbid[i] = !pold[i];
        key[i] = N_TO_D(S[i]);
    }
    if (bt_topk_nonzero(key, n, (size_t)p->max_allowed_validators, pnew)) goto out;
    if (owner >= 0) pnew[owner] = 1;
    for (size_t i = 0; i < n; i++) A[i] = (!r->active[i] || forbid[i]) ? N_ZERO : S[i];
    FN(normalize)(A, n);

    /* Weights (3.5), consensus (3.6), clipping and validator trust (3.7), incentive (3.8) */
    BT_PHASE(r, BT_PHASE_SETUP);
    if (FN(read_weights)(ar, &w, p, net, forbid)) goto out;
    BT_PHASE(r, BT_PHASE_WEIGHTS);
    NUM kappa = N_PARAM_FRACTION(p->kappa);
    if (FN(consensus)(ar, &w, A, kappa, c)) goto out;
    BT_PHASE(r, BT_PHASE_CONSENSUS);
    if (FN(clip)(ar, &wc, &w, c)) goto out;
    for (size_t i = 0; i < n; i++) {
        VT[i] = FN(vec_sum)(wc.val + wc.ptr[i], wc.len[i]);
        for (size_t a = wc.ptr[i]; a < wc.ptr[i] + wc.len[i]; a++)
            R[wc.col[a]] = N_ADD(R[wc.col[a]], N_MUL(A[i], wc.val[a]));
    }
    FN(normalize)(R, n);                       /* incentive = normalised rank */

    BT_PHASE(r, BT_PHASE_CLIP);

    /* Weights for bonds (3.9) */
    NUM beta = N_PARAM_FRACTION(p->bonds_penalty);
    const FN(mat) *wb = &w;
    if (beta == N_ONE) wb = &wc;
    else if (beta != N_ZERO) {
        if (FN(interpolate)(ar, &wbuf, &w, &wc, beta)) goto out;
        wb = &wbuf;
    }

    /* Bonds and dividends (3.10 / 3.11) */
    FN(ema_params) ep;
    FN(ema_setup)(p, &ep);
    if (FN(read_bonds)(ar, &bonds, p, net)) goto out;
    if (yuma3 ? FN(bonds_yuma3)(ar, &ema, wb, &bonds, c, R, A, &ep, D)
              : FN(bonds_yuma)(ar, &ema, wb, &bonds, R, A, &ep, D))
        goto out;

    BT_PHASE(r, BT_PHASE_BONDS);

    /* Emission (3.12) */
    FN(emission)(p, r, S, A, R, D, E, n);

    /* Outputs and storage (3.13) */
    for (size_t i = 0; i < n; i++) {
        r->stake_weight[i] = N_TO_D(S[i]);
        r->active_stake[i] = N_TO_D(A[i]);
        r->consensus[i] = N_TO_D(c[i]);
        r->incentive[i] = r->rank[i] = N_TO_D(R[i]);
        r->dividends[i] = N_TO_D(D[i]);
        r->validator_trust[i] = N_TO_D(VT[i]);
        r->trust[i] = 0;
        r->permit[i] = pnew[i];
        N_STORE_U16(r, i, S[i], c[i], R[i], D[i], VT[i]);
    }
    BT_PHASE(r, BT_PHASE_EMISSION);
    if (FN(store_bonds)(ar, p, net, &ema, pnew, pold)) goto out;
    BT_PHASE(r, BT_PHASE_STORE);
    memcpy(net->permit, pnew, n);
    net->last_step_block = net->current_block;
    rc = BT_OK;
out:
    return rc;
}

#undef FN
