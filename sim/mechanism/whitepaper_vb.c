/* The whitepaper's scaling-vector variant (spec whitepaper.md section 1.14, "Vb"): trust from
 * a +-1 connectivity matrix, T = sigmoid(C^T (A o S)), rank R = W^T (A o S) / sum(A o S), and
 * the gradient of the chain loss L = -R.(T - 0.5) with respect to the scaling vector A.
 *
 * The paper's listing takes c_ij from the sign of the pseudo-inverse of (I - Q), Q = W without
 * its diagonal: an absorbing-Markov-chain reachability. btsim uses what it stands for: c_ij = +1
 * when j is reachable from i (i itself included) along edges of weight above edge_threshold,
 * within scaling_depth edges when that is set, else -1. One breadth-first search per peer:
 * O(n (n + nnz)), meant for graphs of a few thousand peers. */
#include "mechanism/whitepaper_internal.h"
#include <math.h>
#include <string.h>

typedef struct {
    uint32_t *queue;
    uint32_t *depth;
    size_t *seen;     /* stamp: the source + 1 that last reached j */
} bfs_scratch;

static int bfs_alloc(bt_arena *ar, size_t n, bfs_scratch *b)
{
    b->queue = bt_arena_get(ar, n ? n : 1, sizeof *b->queue);
    b->depth = bt_arena_get(ar, n ? n : 1, sizeof *b->depth);
    b->seen = bt_arena_zeroed(ar, n ? n : 1, sizeof *b->seen);
    return b->queue && b->depth && b->seen ? 0 : -1;
}

/* Visits every j reachable from src; returns how many, their indices in b->queue. */
static size_t reach_from(const bt_params *p, const bt_wp_mat *W, size_t src, bfs_scratch *b)
{
    size_t head = 0, tail = 0;
    uint32_t maxd = p->scaling_depth > 0 ? (uint32_t)p->scaling_depth : UINT32_MAX;
    b->queue[tail] = (uint32_t)src;
    b->depth[tail++] = 0;
    b->seen[src] = src + 1;
    while (head < tail) {
        uint32_t i = b->queue[head], d = b->depth[head++];
        if (d >= maxd) continue;
        for (size_t q = W->ptr[i]; q < W->ptr[i + 1]; q++) {
            uint32_t j = W->col[q];
            if (W->val[q] <= p->edge_threshold || b->seen[j] == src + 1) continue;
            b->seen[j] = src + 1;
            b->queue[tail] = j;
            b->depth[tail++] = d + 1;
        }
    }
    return tail;
}

int bt_wp_vb_consensus(bt_arena *ar, const bt_params *p, const bt_wp_mat *W, const double *s,
                       const double *A, double *R, double *x, double *T)
{
    size_t n = W->n;
    bfs_scratch b;
    if (bfs_alloc(ar, n, &b)) return -1;
    double z = 0;
    memset(R, 0, n * sizeof *R);
    memset(x, 0, n * sizeof *x);
    for (size_t i = 0; i < n; i++) {
        double as = A[i] * s[i];
        z += as;
        if (as == 0) continue;
        for (size_t q = W->ptr[i]; q < W->ptr[i + 1]; q++) R[W->col[q]] += W->val[q] * as;
        size_t m = reach_from(p, W, i, &b);
        for (size_t k = 0; k < m; k++) x[b.queue[k]] += as;
    }
    for (size_t j = 0; j < n; j++) {
        if (z > 0) R[j] /= z;
        x[j] = 2.0 * x[j] - z;   /* sum_i c_ij a_i s_i with c = +1 on reach, -1 elsewhere */
        T[j] = 1.0 / (1.0 + exp(-x[j]));
    }
    return 0;
}

/* dL/da_k = -s_k [ (sum_j w_kj (T_j - .5) - sum_j R_j (T_j - .5)) / Z
 *                  + sum_j c_kj R_j T_j (1 - T_j) ]                       (Z = sum_i a_i s_i) */
int bt_wp_vb_gradient(bt_arena *ar, const bt_params *p, const bt_wp_mat *W, const double *s,
                      const double *A, const double *R, const double *T, double *grad)
{
    size_t n = W->n;
    bfs_scratch b;
    double *g = bt_arena_get(ar, n ? n : 1, sizeof *g);
    if (!g || bfs_alloc(ar, n, &b)) return -1;
    double z = 0, rt = 0, gsum = 0;
    for (size_t j = 0; j < n; j++) {
        z += A[j] * s[j];
        rt += R[j] * (T[j] - 0.5);
        g[j] = R[j] * T[j] * (1.0 - T[j]);
        gsum += g[j];
    }
    for (size_t k = 0; k < n; k++) {
        grad[k] = 0;
        if (s[k] == 0 || z == 0) continue;
        double wt = 0, reach = 0;
        for (size_t q = W->ptr[k]; q < W->ptr[k + 1]; q++) wt += W->val[q] * (T[W->col[q]] - 0.5);
        size_t m = reach_from(p, W, k, &b);
        for (size_t q = 0; q < m; q++) reach += g[b.queue[q]];
        grad[k] = -s[k] * ((wt - rt) / z + 2.0 * reach - gsum);
    }
    return 0;
}
