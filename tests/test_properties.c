/* Invariants every chain epoch must keep, checked on every epoch of the shipped scenarios in
 * both arithmetics: incentive and dividends each sum to 1 or 0, server and validator emission
 * split the epoch's emission 50/50 (when anything is earned), bonds stay in [0, 1], and runs
 * are deterministic whatever the thread count. */
#include "chain_harness.h"
#include <math.h>
#include <omp.h>

typedef struct {
    bt_params p;
    long epochs_checked;
    double *dense;
    double checksum;
} inv_ctx;

static int check_invariants(void *vctx, long e, const bt_subnet *net, const bt_epoch_result *r)
{
    inv_ctx *c = vctx;
    size_t n = net->n;
    double si = 0, sd = 0, sse = 0, sve = 0, se = 0;
    for (size_t i = 0; i < n; i++) {
        cr_assert(r->incentive[i] >= 0 && r->dividends[i] >= 0, "epoch %ld peer %zu negative", e, i);
        si += r->incentive[i];
        sd += r->dividends[i];
        sse += r->server_emission[i];
        sve += r->validator_emission[i];
        se += r->emission[i];
        c->checksum += r->emission[i] * (double)(i + 1) + r->dividends[i];
    }
    double tol = 1e-6;
    cr_assert(fabs(si - 1) < tol || si == 0, "epoch %ld: sum incentive %.12f", e, si);
    cr_assert(fabs(sd - 1) < tol || sd == 0, "epoch %ld: sum dividends %.12f", e, sd);
    double rao = c->p.rao_emission;
    cr_assert(fabs(se - rao) < 1e-6 * rao, "epoch %ld: combined emission %.3f of %.3f", e, se, rao);
    if (si > 0 && sd > 0) {
        cr_assert(fabs(sse - rao / 2) < 1e-6 * rao, "epoch %ld: server emission %.3f, want half of %.3f", e, sse, rao);
        cr_assert(fabs(sve - rao / 2) < 1e-6 * rao, "epoch %ld: validator emission %.3f", e, sve);
    }
    bt_bonds_carried(&c->p, net, c->dense);
    for (size_t q = 0; q < n * n; q++)
        cr_assert(c->dense[q] >= 0 && c->dense[q] <= 1 + 1e-12, "epoch %ld: bond %zu = %g", e, q, c->dense[q]);
    c->epochs_checked++;
    return 0;
}

static double run_checked(const char *relpath, const char *const *sets, size_t nsets)
{
    char path[4096], err[1024];
    snprintf(path, sizeof path, "%s/%s", root_dir(), relpath);
    bt_scenario sc;
    cr_assert_eq(bt_scenario_load(path, sets, nsets, &sc, err, sizeof err), 0, "%s", err);
    inv_ctx c = {.p = sc.mech};
    c.dense = calloc(sc.npeers * sc.npeers, sizeof(double));
    bt_run_options opt = {.quiet = 1, .observe = check_invariants, .observe_ctx = &c};
    bt_run_summary sum;
    cr_assert_eq(bt_run(&sc, &opt, &sum, err, sizeof err), 0, "%s", err);
    cr_assert_eq(c.epochs_checked, sc.epochs);
    bt_run_summary_free(&sum);
    bt_scenario_free(&sc);
    free(c.dense);
    return c.checksum;
}

static const char *scenarios[] = {
    "scenarios/chain/test_bonds.json", "scenarios/chain/yuma3_kappa_moves_first.json",
    "scenarios/chain/yuma3_one_epoch_switch.json", "scenarios/chain/yuma3_liquid_alpha_disabled.json",
    "scenarios/chain/test_zero_weights.json"};

Test(invariants, chain_scenarios_both_arithmetics)
{
    const char *fl[] = {"mechanism.arithmetic=float"}, *fx[] = {"mechanism.arithmetic=fixed"};
    for (size_t q = 0; q < sizeof scenarios / sizeof scenarios[0]; q++) {
        run_checked(scenarios[q], fl, 1);
        run_checked(scenarios[q], fx, 1);
    }
}

Test(invariants, default_scenario_under_every_kind_and_arithmetic)
{
    const char *kinds[] = {"mechanism.kind=yuma", "mechanism.kind=yuma3"};
    const char *ariths[] = {"mechanism.arithmetic=float", "mechanism.arithmetic=fixed"};
    for (int k = 0; k < 2; k++)
        for (int a = 0; a < 2; a++) {
            const char *sets[] = {kinds[k], ariths[a], "epochs=12", "mechanism.liquid_alpha.enabled=true",
                                  "mechanism.bonds_penalty=0.5"};
            run_checked("scenarios/default.json", sets, 5);
        }
}

Test(determinism, one_and_two_threads_give_identical_results)
{
    const char *sets[] = {"epochs=8", "mechanism.liquid_alpha.enabled=true", "mechanism.bonds_penalty=0.3"};
    omp_set_num_threads(1);
    double one = run_checked("scenarios/default.json", sets, 3);
    omp_set_num_threads(2);
    double two = run_checked("scenarios/default.json", sets, 3);
    cr_expect(memcmp(&one, &two, sizeof one) == 0, "checksums differ: %.17g vs %.17g", one, two);
}
