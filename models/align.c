/* Rank correlations (align.h). Sorting is a radix sort of the values' bits (no branch to
 * mispredict: a comparison sort of a few thousand doubles costs more than GSL's whole Spearman). */
#include "align.h"
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int degenerate(const double *x, size_t n)
{
    int constant = 1;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i])) return 1;
        if (x[i] != x[0]) constant = 0;
    }
    return constant;
}

/* the bits of v as an unsigned integer in the order of the doubles (-0 as +0) */
static uint64_t order_bits(double v)
{
    uint64_t u;
    v += 0.0;
    memcpy(&u, &v, sizeof u);
    return u >> 63 ? ~u : u | 0x8000000000000000ULL;
}

typedef struct {
    size_t n, *idx, *itmp, *ibuf;   /* idx and itmp swap between the halves of ibuf */
    uint64_t *key, *ktmp, *kbuf;
} sorter;

static int sorter_alloc(sorter *s, size_t n)
{
    s->n = n;
    s->ibuf = malloc(2 * n * sizeof *s->ibuf);
    s->kbuf = malloc(2 * n * sizeof *s->kbuf);
    if (!s->ibuf || !s->kbuf) {
        free(s->ibuf);
        free(s->kbuf);
        return -1;
    }
    s->idx = s->ibuf;
    s->itmp = s->ibuf + n;
    s->key = s->kbuf;
    s->ktmp = s->kbuf + n;
    return 0;
}

static void sorter_free(sorter *s)
{
    free(s->ibuf);
    free(s->kbuf);
}

/* s->idx, stably sorted by v[s->idx[.]] ascending (LSD radix, 8 bits a pass; a pass where every
 * value has the same byte is skipped) */
static void sort_by(sorter *s, const double *v)
{
    size_t n = s->n;
    for (size_t i = 0; i < n; i++) s->key[i] = order_bits(v[s->idx[i]]);
    for (int shift = 0; shift < 64; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++) count[((s->key[i] >> shift) & 0xff) + 1]++;
        if (count[((s->key[0] >> shift) & 0xff) + 1] == n) continue;
        for (int d = 0; d < 256; d++) count[d + 1] += count[d];
        for (size_t i = 0; i < n; i++) {
            size_t to = count[(s->key[i] >> shift) & 0xff]++;
            s->itmp[to] = s->idx[i];
            s->ktmp[to] = s->key[i];
        }
        size_t *ti = s->idx; s->idx = s->itmp; s->itmp = ti;
        uint64_t *tk = s->key; s->key = s->ktmp; s->ktmp = tk;
    }
}

static void identity(sorter *s)
{
    for (size_t i = 0; i < s->n; i++) s->idx[i] = i;
}

/* rank[i] = 1-based rank of x[i], ties sharing their mean rank; idx sorts x */
static void ranks(const double *x, size_t n, const size_t *idx, double *rank)
{
    for (size_t a = 0; a < n;) {
        size_t e = a;
        while (e + 1 < n && x[idx[e + 1]] == x[idx[a]]) e++;
        for (size_t t = a; t <= e; t++) rank[idx[t]] = 0.5 * (double)(a + e) + 1.0;
        a = e + 1;
    }
}

int bt_align_ranks(const double *x, size_t n, double *rank)
{
    if (n < 2 || degenerate(x, n)) {
        for (size_t i = 0; i < n; i++) rank[i] = NAN;
        return 0;
    }
    sorter s;
    if (sorter_alloc(&s, n)) return -1;
    identity(&s);
    sort_by(&s, x);
    ranks(x, n, s.idx, rank);
    sorter_free(&s);
    return 0;
}

double bt_align_spearman_ranked(const double *xrank, const double *y, size_t n, double *work)
{
    if (n < 2 || isnan(xrank[0])) return NAN;   /* x held a NaN or was constant */
    if (bt_align_ranks(y, n, work)) return NAN;
    if (isnan(work[0])) return NAN;
    return gsl_stats_correlation(xrank, 1, work, 1, n);
}

double bt_align_spearman(const double *x, const double *y, size_t n, double *work)
{
    if (n < 2 || degenerate(x, n) || degenerate(y, n)) return NAN;
    if (bt_align_ranks(x, n, work)) return gsl_stats_spearman(x, 1, y, 1, n, work);   /* GSL's needs no more memory */
    return bt_align_spearman_ranked(work, y, n, work + n);
}

/* pairs within runs of equal values of v[idx[.]] (and of w[idx[.]] too, when w is given) */
static double tied_pairs(const double *v, const double *w, const size_t *idx, size_t n)
{
    double t = 0;
    for (size_t a = 0; a < n;) {
        size_t e = a;
        while (e + 1 < n && v[idx[e + 1]] == v[idx[a]] && (!w || w[idx[e + 1]] == w[idx[a]])) e++;
        t += 0.5 * (double)(e - a + 1) * (double)(e - a);
        a = e + 1;
    }
    return t;
}

/* Sorts v[0..n) ascending (merge sort, tmp: n scratch; the merge selects without branching)
 * and returns how many pairs were out of order (i < j, v_i > v_j). */
static double count_swaps(double *v, double *tmp, size_t n)
{
    double swaps = 0;
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n, a = lo, b = mid, o = lo;
            while (a < mid && b < hi) {
                int take_b = v[b] < v[a];
                tmp[o++] = take_b ? v[b] : v[a];
                swaps += take_b ? (double)(mid - a) : 0.0;
                b += (size_t)take_b;
                a += (size_t)!take_b;
            }
            while (a < mid) tmp[o++] = v[a++];
            while (b < hi) tmp[o++] = v[b++];
        }
        memcpy(v, tmp, n * sizeof *v);
    }
    return swaps;
}

/* Knight (1966): with the pairs sorted by (x, y), tau-b's numerator (concordant - discordant)
 * is n0 - n1 - n2 + n3 - 2 swaps, n1, n2 the pairs tied in x, in y, n3 in both, swaps the
 * discordant pairs: those a merge sort of y (in that order) has to exchange. */
double bt_align_kendall(const double *x, const double *y, size_t n)
{
    if (n < 2) return NAN;
    for (size_t i = 0; i < n; i++)
        if (isnan(x[i]) || isnan(y[i])) return NAN;
    sorter s;
    double *v = malloc(2 * n * sizeof *v);
    if (!v || sorter_alloc(&s, n)) {
        free(v);
        return NAN;
    }
    identity(&s);
    sort_by(&s, y);
    sort_by(&s, x);   /* stable: by x, then y */
    double n0 = 0.5 * (double)n * (double)(n - 1), n1 = tied_pairs(x, NULL, s.idx, n), n3 = tied_pairs(x, y, s.idx, n);
    for (size_t i = 0; i < n; i++) v[i] = y[s.idx[i]];
    double swaps = count_swaps(v, v + n, n);
    identity(&s);   /* v is sorted now */
    double n2 = tied_pairs(v, NULL, s.idx, n);
    sorter_free(&s);
    free(v);
    double den = sqrt((n0 - n1) * (n0 - n2));
    return den > 0 ? (n0 - n1 - n2 + n3 - 2 * swaps) / den : NAN;
}
