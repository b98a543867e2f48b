/* Test helper for the sigmoid mechanisms: runs a scenario (a file under BTSIM_ROOT, or JSON
 * text) through bt_run and keeps every epoch's stake after the step, rank, trust, consensus,
 * incentive, dividends, chain loss and min_allowed_weights in memory. */
#ifndef BT_WHITEPAPER_HARNESS_H
#define BT_WHITEPAPER_HARNESS_H

#include "run/run.h"
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t n;
    long epochs;
    double *stake, *rank, *trust, *consensus, *incentive, *dividends, *emission, *scaling;  /* [epochs x n] */
    double *loss;               /* [epochs] */
    long *min_weights;          /* [epochs] */
    double *initial_stake;      /* [n] */
} wp_trace;

static inline int wp_observe(void *ctx, long e, const bt_subnet *net, const bt_epoch_result *r)
{
    wp_trace *t = ctx;
    size_t n = t->n, o = (size_t)e * n;
    memcpy(t->stake + o, net->stake, n * sizeof(double));
    memcpy(t->rank + o, r->rank, n * sizeof(double));
    memcpy(t->trust + o, r->trust, n * sizeof(double));
    memcpy(t->consensus + o, r->consensus, n * sizeof(double));
    memcpy(t->incentive + o, r->incentive, n * sizeof(double));
    memcpy(t->dividends + o, r->dividends, n * sizeof(double));
    memcpy(t->emission + o, r->emission, n * sizeof(double));
    memcpy(t->scaling + o, r->scaling, n * sizeof(double));
    t->loss[e] = r->chain_loss;
    t->min_weights[e] = r->min_allowed_weights;
    return 0;
}

static inline wp_trace *wp_trace_of(bt_scenario *sc)
{
    char err[1024];
    wp_trace *t = calloc(1, sizeof *t);
    size_t n = sc->npeers, ne = (size_t)sc->epochs;
    t->n = n;
    t->epochs = sc->epochs;
    double **arr[] = {&t->stake, &t->rank, &t->trust, &t->consensus, &t->incentive, &t->dividends,
                      &t->emission, &t->scaling};
    for (size_t q = 0; q < sizeof arr / sizeof arr[0]; q++) *arr[q] = calloc(ne * n, sizeof(double));
    t->loss = calloc(ne, sizeof(double));
    t->min_weights = calloc(ne, sizeof(long));
    t->initial_stake = calloc(n, sizeof(double));
    for (size_t i = 0; i < n; i++) t->initial_stake[i] = sc->peers[i].stake;
    bt_run_options opt = {.quiet = 1, .observe = wp_observe, .observe_ctx = t};
    bt_run_summary sum;
    int rc = bt_run(sc, &opt, &sum, err, sizeof err);
    cr_assert_eq(rc, 0, "run %s: %s", sc->path, err);
    bt_run_summary_free(&sum);
    bt_scenario_free(sc);
    return t;
}

/* Runs BTSIM_ROOT/relpath with --set overrides. */
static inline wp_trace *wp_run_file(const char *relpath, const char *const *sets, size_t nsets)
{
    char path[4096], err[1024];
    const char *root = getenv("BTSIM_ROOT");
    snprintf(path, sizeof path, "%s/%s", root ? root : ".", relpath);
    bt_scenario sc;
    int rc = bt_scenario_load(path, sets, nsets, &sc, err, sizeof err);
    cr_assert_eq(rc, 0, "load %s: %s", path, err);
    return wp_trace_of(&sc);
}

static inline wp_trace *wp_run_text(const char *text, const char *const *sets, size_t nsets)
{
    char err[1024];
    bt_scenario sc;
    int rc = bt_scenario_parse("t.json", text, strlen(text), sets, nsets, &sc, err, sizeof err);
    cr_assert_eq(rc, 0, "parse: %s", err);
    return wp_trace_of(&sc);
}

static inline void wp_trace_free(wp_trace *t)
{
    free(t->stake); free(t->rank); free(t->trust); free(t->consensus); free(t->incentive);
    free(t->dividends); free(t->emission); free(t->scaling); free(t->loss); free(t->min_weights);
    free(t->initial_stake);
    free(t);
}

#define WP(t, field, e, i) ((t)->field[(size_t)(e) * (t)->n + (i)])

/* Sum of `field` over peers [lo, hi) at epoch e. */
static inline double wp_sum(const wp_trace *t, const double *field, long e, size_t lo, size_t hi)
{
    double s = 0;
    for (size_t i = lo; i < hi; i++) s += field[(size_t)e * t->n + i];
    return s;
}

#endif
