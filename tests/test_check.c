/* The invariant checker (--check) accepts real epochs and names the epoch and quantity of a
 * broken one; the memory estimate grows with what a run holds. */
#include "chain_harness.h"
#include "run/check.h"
#include <math.h>

typedef struct { int calls; bt_params p; } count_ctx;

static int check_every_epoch(void *vctx, long e, const bt_subnet *net, const bt_epoch_result *r)
{
    count_ctx *c = vctx;
    char err[256];
    cr_assert_eq(bt_check_epoch(&c->p, net, r, e, NULL, err, sizeof err), 0, "%s", err);
    c->calls++;
    return 0;
}

Test(check, real_epochs_pass)
{
    char path[4096], err[1024];
    snprintf(path, sizeof path, "%s/scenarios/chain/yuma3_kappa_moves_first.json", root_dir());
    bt_scenario sc;
    cr_assert_eq(bt_scenario_load(path, NULL, 0, &sc, err, sizeof err), 0, "%s", err);
    count_ctx c = {.p = sc.mech};
    bt_run_options opt = {.quiet = 1, .check = 1, .observe = check_every_epoch, .observe_ctx = &c};
    bt_run_summary sum;
    cr_assert_eq(bt_run(&sc, &opt, &sum, err, sizeof err), 0, "%s", err);
    cr_expect_eq(c.calls, 6);
    bt_run_summary_free(&sum);
    bt_scenario_free(&sc);
}

/* A two-peer epoch result, then one quantity broken at a time. */
static void expect_violation(void (*breakit)(bt_epoch_result *, bt_subnet *), const char *quantity)
{
    bt_params p;
    bt_params_default(&p);
    bt_subnet *net = bt_subnet_alloc(2);
    bt_epoch_result *r = bt_epoch_result_alloc(2);
    net->stake[0] = 1;
    r->incentive[1] = 1;
    r->dividends[0] = 1;
    r->server_emission[1] = r->validator_emission[0] = 5e8;
    r->emission[0] = r->emission[1] = 5e8;
    char err[256];
    cr_assert_eq(bt_check_epoch(&p, net, r, 7, NULL, err, sizeof err), 0, "consistent result rejected: %s", err);
    breakit(r, net);
    cr_assert_neq(bt_check_epoch(&p, net, r, 7, NULL, err, sizeof err), 0, "%s not caught", quantity);
    cr_expect(strstr(err, "epoch 7") != NULL, "message names the epoch: %s", err);
    cr_expect(strstr(err, quantity) != NULL, "message names %s: %s", quantity, err);
    bt_subnet_free(net);
    bt_epoch_result_free(r);
}

static void half_dividends(bt_epoch_result *r, bt_subnet *n) { (void)n; r->dividends[0] = 0.5; }
static void lost_emission(bt_epoch_result *r, bt_subnet *n) { (void)n; r->emission[1] = r->server_emission[1] = 1e8; }
static void negative_stake(bt_epoch_result *r, bt_subnet *n) { (void)r; n->stake[1] = -1; }
static void nan_incentive(bt_epoch_result *r, bt_subnet *n) { (void)n; r->incentive[0] = NAN; }
static void bond_above_one(bt_epoch_result *r, bt_subnet *n)
{
    (void)r;
    uint32_t col = 1;
    double v = 1.5;
    bt_row_assign(&n->bonds[0], &col, &v, 1);
}

Test(check, each_broken_quantity_is_named)
{
    expect_violation(half_dividends, "dividends");
    expect_violation(lost_emission, "emission");
    expect_violation(negative_stake, "stake");
    expect_violation(nan_incentive, "incentive");
    expect_violation(bond_above_one, "bond");
}

Test(check, memory_estimate_grows_with_peers_weights_and_dense_output)
{
    char path[4096], err[1024];
    snprintf(path, sizeof path, "%s/scenarios/default.json", root_dir());
    bt_scenario a, b;
    const char *bonds[] = {"output.bonds=true"};
    cr_assert_eq(bt_scenario_load(path, NULL, 0, &a, err, sizeof err), 0, "%s", err);
    cr_assert_eq(bt_scenario_load(path, bonds, 1, &b, err, sizeof err), 0, "%s", err);
    size_t plain = bt_run_estimate_bytes(&a, 1), dense = bt_run_estimate_bytes(&b, 1);
    cr_expect(dense >= plain + 256 * 256 * 8, "dense bonds output counted: %zu vs %zu", dense, plain);
    cr_expect(bt_run_estimate_bytes(&a, 0) < plain, "no output, less memory");
    bt_scenario_free(&a);
    bt_scenario_free(&b);
}
