/* Test helper: runs a scenario file through bt_run and keeps every epoch's results in memory. */
#ifndef BT_CHAIN_HARNESS_H
#define BT_CHAIN_HARNESS_H

#include "run/run.h"
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t n;
    long epochs;
    bt_kind kind;
    int fixed;
    double *dividends, *incentive, *consensus, *emission;   /* [epochs x n] */
    uint16_t *u16_consensus, *u16_incentive, *u16_dividends, *u16_vt;
    uint64_t *rao_emission;
    double *bonds_carried;       /* [epochs x n x n] */
    double *bonds_stored;        /* [epochs x n x n] as stored (u16 values in fixed mode) */
    bt_params params;
} trace;

static inline int trace_observe(void *ctx, long e, const bt_subnet *net, const bt_epoch_result *r)
{
    trace *t = ctx;
    size_t n = t->n, o = (size_t)e * n;
    memcpy(t->dividends + o, r->dividends, n * sizeof(double));
    memcpy(t->incentive + o, r->incentive, n * sizeof(double));
    memcpy(t->consensus + o, r->consensus, n * sizeof(double));
    memcpy(t->emission + o, r->emission, n * sizeof(double));
    memcpy(t->u16_consensus + o, r->u16_consensus, n * 2);
    memcpy(t->u16_incentive + o, r->u16_incentive, n * 2);
    memcpy(t->u16_dividends + o, r->u16_dividends, n * 2);
    memcpy(t->u16_vt + o, r->u16_validator_trust, n * 2);
    memcpy(t->rao_emission + o, r->rao_emission, n * 8);
    bt_bonds_carried(&t->params, net, t->bonds_carried + o * n);
    double *st = t->bonds_stored + o * n;
    for (size_t i = 0; i < n; i++)
        for (uint32_t q = 0; q < net->bonds[i].len; q++) st[i * n + net->bonds[i].col[q]] = net->bonds[i].val[q];
    return 0;
}

static inline const char *root_dir(void)
{
    const char *r = getenv("BTSIM_ROOT");
    return r ? r : ".";
}

/* Runs ROOT/relpath with the given --set overrides; fails the test on any error. */
static inline trace *trace_run(const char *relpath, const char *const *sets, size_t nsets)
{
    char path[4096], err[1024];
    snprintf(path, sizeof path, "%s/%s", root_dir(), relpath);
    bt_scenario sc;
    int rc = bt_scenario_load(path, sets, nsets, &sc, err, sizeof err);
    cr_assert_eq(rc, 0, "load %s: %s", path, err);
    trace *t = calloc(1, sizeof *t);
    size_t n = sc.npeers, ne = (size_t)sc.epochs;
    t->n = n; t->epochs = sc.epochs; t->kind = sc.mech.kind; t->params = sc.mech;
    t->fixed = sc.mech.arithmetic == BT_ARITH_FIXED;
    t->dividends = calloc(ne * n, 8); t->incentive = calloc(ne * n, 8);
    t->consensus = calloc(ne * n, 8); t->emission = calloc(ne * n, 8);
    t->u16_consensus = calloc(ne * n, 2); t->u16_incentive = calloc(ne * n, 2);
    t->u16_dividends = calloc(ne * n, 2); t->u16_vt = calloc(ne * n, 2);
    t->rao_emission = calloc(ne * n, 8);
    t->bonds_carried = calloc(ne * n * n, 8); t->bonds_stored = calloc(ne * n * n, 8);
    bt_run_options opt = {.out_path = NULL, .quiet = 1, .observe = trace_observe, .observe_ctx = t};
    bt_run_summary sum;
    rc = bt_run(&sc, &opt, &sum, err, sizeof err);
    cr_assert_eq(rc, 0, "run %s: %s", path, err);
    bt_run_summary_free(&sum);
    bt_scenario_free(&sc);
    return t;
}

static inline void trace_free(trace *t)
{
    free(t->dividends); free(t->incentive); free(t->consensus); free(t->emission);
    free(t->u16_consensus); free(t->u16_incentive); free(t->u16_dividends); free(t->u16_vt);
    free(t->rao_emission); free(t->bonds_carried); free(t->bonds_stored);
    free(t);
}

#define AT(t, field, e, i) ((t)->field[(size_t)(e) * (t)->n + (i)])
#define BOND(t, field, e, i, j) ((t)->field[((size_t)(e) * (t)->n + (i)) * (t)->n + (j)])

#endif
