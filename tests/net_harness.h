/* Test helper for network runs: runs a scenario (a file under the repository or JSON text)
 * through bt_run, keeps every epoch's results and storage in memory (weights densely when the
 * subnet is small), reads the event log back from the HDF5 output, and prices the run. */
#ifndef BT_NET_HARNESS_H
#define BT_NET_HARNESS_H

#include "run/run.h"
#include "run/pricing.h"
#include "io/h5read.h"
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    bt_scenario sc;
    bt_run_summary sum;
    bt_pricing price;
    size_t n;
    long epochs;
    double *incentive, *dividends, *emission, *stake, *consensus;   /* [epochs x n] */
    uint8_t *active, *permit;
    int64_t *last_update, *bar, *block;                             /* block: [epochs] */
    double *weights;                                                /* [epochs x n x n], n <= 64 */
    size_t nlog;
    char **log_type;
    double *log_block, *log_peer, *log_other, *log_value;
} nrun;

#define NAT(r, field, e, i) ((r)->field[(size_t)(e) * (r)->n + (i)])
#define NW(r, e, i, j) ((r)->weights[((size_t)(e) * (r)->n + (i)) * (r)->n + (j)])

static inline int nrun_observe(void *ctx, long e, const bt_subnet *net, const bt_epoch_result *res)
{
    nrun *r = ctx;
    size_t n = r->n, o = (size_t)e * n;
    memcpy(r->incentive + o, res->incentive, n * 8);
    memcpy(r->dividends + o, res->dividends, n * 8);
    memcpy(r->emission + o, res->emission, n * 8);
    memcpy(r->consensus + o, res->consensus, n * 8);
    memcpy(r->stake + o, net->stake, n * 8);
    memcpy(r->active + o, res->active, n);
    memcpy(r->permit + o, res->permit, n);
    memcpy(r->last_update + o, net->last_update, n * 8);
    memcpy(r->bar + o, net->block_at_registration, n * 8);
    r->block[e] = net->current_block;
    if (r->weights) {
        for (size_t i = 0; i < n; i++) {
            const bt_row *row = &net->weights[i];
            double s = 0;
            for (uint32_t q = 0; q < row->len; q++) s += row->val[q];
            for (uint32_t q = 0; q < row->len && s > 0; q++) NW(r, e, i, row->col[q]) = row->val[q] / s;
        }
    }
    return 0;
}

static inline const char *nrun_root(void)
{
    const char *root = getenv("BTSIM_ROOT");
    return root ? root : ".";
}

static inline void nrun_read_log(nrun *r, const char *h5)
{
    char err[512];
    bt_h5read *f;
    cr_assert_eq(bt_h5read_open(&f, h5, err, sizeof err), 0, "%s", err);
    cr_assert_eq(bt_h5read_strings(f, "/events/type", &r->log_type, &r->nlog), 0, "%s", bt_h5read_error(f));
    size_t m = r->nlog ? r->nlog : 1;
    r->log_block = calloc(m, 8); r->log_peer = calloc(m, 8); r->log_other = calloc(m, 8); r->log_value = calloc(m, 8);
    if (r->nlog) {
        cr_assert_eq(bt_h5read_f64(f, "/events/block", r->log_block, r->nlog), 0);
        cr_assert_eq(bt_h5read_f64(f, "/events/peer", r->log_peer, r->nlog), 0);
        cr_assert_eq(bt_h5read_f64(f, "/events/other", r->log_other, r->nlog), 0);
        cr_assert_eq(bt_h5read_f64(f, "/events/value", r->log_value, r->nlog), 0);
    }
    bt_h5read_close(f);
}

static inline nrun *nrun_scenario(const char *label, int rc_load, char *err, bt_scenario *sc, uint64_t *seed)
{
    cr_assert_eq(rc_load, 0, "load %s: %s", label, err);
    nrun *r = calloc(1, sizeof *r);
    r->sc = *sc;
    size_t n = sc->npeers, ne = (size_t)sc->epochs;
    r->n = n;
    r->epochs = sc->epochs;
    r->incentive = calloc(ne * n, 8); r->dividends = calloc(ne * n, 8); r->emission = calloc(ne * n, 8);
    r->stake = calloc(ne * n, 8); r->consensus = calloc(ne * n, 8);
    r->active = calloc(ne * n, 1); r->permit = calloc(ne * n, 1);
    r->last_update = calloc(ne * n, 8); r->bar = calloc(ne * n, 8); r->block = calloc(ne, 8);
    if (n <= 64) r->weights = calloc(ne * n * n, 8);
    static int counter;
    char h5[256];
    snprintf(h5, sizeof h5, "/tmp/btsim_net_test_%d_%d.h5", (int)getpid(), counter++);
    bt_run_options opt = {.out_path = h5, .seed = *seed, .quiet = 1, .observe = nrun_observe, .observe_ctx = r};
    int rc = bt_run(&r->sc, &opt, &r->sum, err, 1024);
    cr_assert_eq(rc, 0, "run %s: %s", label, err);
    nrun_read_log(r, h5);
    unlink(h5);
    cr_assert_eq(bt_pricing_compute(&r->sc, &r->sum, &r->price), 0);
    return r;
}

/* Runs ROOT/relpath with --set overrides. */
static inline nrun *nrun_file(const char *relpath, const char *const *sets, size_t nsets)
{
    char path[4096], err[1024];
    snprintf(path, sizeof path, "%s/%s", nrun_root(), relpath);
    bt_scenario sc;
    int rc = bt_scenario_load(path, sets, nsets, &sc, err, sizeof err);
    uint64_t seed = sc.seed;
    return nrun_scenario(path, rc, err, &sc, &seed);
}

/* Runs a scenario given as JSON text. */
static inline nrun *nrun_text(const char *json, const char *const *sets, size_t nsets)
{
    char err[1024];
    bt_scenario sc;
    int rc = bt_scenario_parse("t.json", json, strlen(json), sets, nsets, &sc, err, sizeof err);
    uint64_t seed = sc.seed;
    return nrun_scenario("t.json", rc, err, &sc, &seed);
}

static inline void nrun_free(nrun *r)
{
    bt_pricing_free(&r->price);
    bt_run_summary_free(&r->sum);
    bt_scenario_free(&r->sc);
    free(r->incentive); free(r->dividends); free(r->emission); free(r->stake); free(r->consensus);
    free(r->active); free(r->permit); free(r->last_update); free(r->bar); free(r->block); free(r->weights);
    bt_h5read_free_strings(r->log_type, r->nlog);
    free(r->log_block); free(r->log_peer); free(r->log_other); free(r->log_value);
    free(r);
}

/* Index of a peer by name; fails the test when absent. */
static inline size_t nrun_peer(const nrun *r, const char *name)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->sc.peers[i].name, name) == 0) return i;
    cr_assert_fail("no peer %s", name);
    return 0;
}

/* Index of a group in the pricing; fails when absent. */
static inline size_t nrun_group(const nrun *r, const char *name)
{
    for (size_t q = 0; q < r->price.ngroups; q++)
        if (strcmp(r->price.name[q], name) == 0) return q;
    cr_assert_fail("no group %s", name);
    return 0;
}

/* Number of log entries of a type (and, when peer >= 0, about that peer). */
static inline size_t nrun_count(const nrun *r, const char *type, long peer)
{
    size_t c = 0;
    for (size_t q = 0; q < r->nlog; q++)
        if (strcmp(r->log_type[q], type) == 0 && (peer < 0 || (long)r->log_peer[q] == peer)) c++;
    return c;
}

#endif
