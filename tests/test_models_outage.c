/* models/ (issue 5, items 5 and 9): a noisier miner weighs less than a cleaner one under every
 * scoring rule; the router picks the better miner after training; miners' outages and the
 * distilled student standing in for them; determinism of a models run under threads (OpenMP
 * and OpenBLAS). */
#include "models.h"
#include "run/run.h"
#include "io/h5read.h"
#include "scenario/scenario.h"
#include <criterion/criterion.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void openblas_set_num_threads(int n);   /* OpenBLAS, which the build links */

/* n_eval evaluators (peers 0..), then nm students of the given widths, compute 8 */
static bt_models_config *network(size_t n_eval, size_t nm, const size_t *width)
{
    bt_models_config *c = bt_models_config_alloc(n_eval + nm);
    cr_assert_not_null(c);
    c->task.d_in = 8; c->task.d_out = 5; c->task.hidden = 16; c->task.batch = 16; c->task.holdout = 128;
    for (size_t v = 0; v < n_eval; v++) c->role[v] = BT_ROLE_EVALUATOR;
    for (size_t q = 0; q < nm; q++) {
        c->role[n_eval + q] = BT_ROLE_MINER;
        c->miner[n_eval + q].width = width[q] ? width[q] : 1;
        c->miner[n_eval + q].type = width[q] ? BT_MINER_STUDENT : BT_MINER_RANDOM;
        c->miner[n_eval + q].compute = 8;
    }
    return c;
}

static bt_models *build(const bt_models_config *c, uint64_t seed)
{
    char err[256];
    bt_models *m = bt_models_alloc(c, seed, err, sizeof err);
    cr_assert_not_null(m, "%s", err);
    return m;
}

/* epochs with the evaluators' mean normalised row as the incentive */
static void run_epochs(bt_models *m, long epochs)
{
    size_t n = m->npeers, to[16];
    double w[16], inc[16];
    cr_assert(n <= 16);
    for (long e = 0; e < epochs; e++) {
        cr_assert_eq(bt_models_epoch(m), 0);
        memset(inc, 0, sizeof inc);
        for (size_t v = 0; v < m->nevals; v++) {
            size_t k = bt_models_row(m, m->eval_peer[v], to, w);
            double s = 0;
            for (size_t q = 0; q < k; q++) s += w[q];
            for (size_t q = 0; q < k && s > 0; q++) inc[to[q]] += w[q] / s / (double)m->nevals;
        }
        bt_models_measure(m, inc);
    }
}

Test(models_outage, a_noisier_miner_weighs_less_under_every_rule)
{
    size_t width[] = {16, 16};
    for (int rule = 0; rule < BT_RULE_NRULES; rule++) {
        bt_models_config *c = network(1, 2, width);
        c->eval[0].rule = (bt_score_rule)rule;
        c->eval[0].temperature = 0.5;
        c->miner[2].noise = 1.0;   /* the same student's logits, plus N(0, 1) */
        bt_models *m = build(c, 31);
        run_epochs(m, 12);
        size_t to[2];
        double w[2];
        cr_assert_eq(bt_models_row(m, 0, to, w), 2);
        cr_log_info("%s: clean %.4f, noisy %.4f", bt_score_rule_names[rule], w[0], w[1]);
        cr_expect(w[1] < w[0], "%s: the noisy miner (%g) below the clean one (%g)", bt_score_rule_names[rule], w[1], w[0]);
        bt_models_free(m);
        bt_models_config_free(c);
    }
}

/* top_k 2 of 6 (with k = 1 the gate, a softmax over one miner, gets no gradient) */
Test(models_outage, the_router_picks_the_better_miner_after_training)
{
    size_t width[] = {0, 0, 16, 0, 0, 0};   /* five random miners and a student */
    bt_models_config *c = network(1, 6, width);
    c->eval[0].top_k = 2;
    c->eval[0].queries = 4;
    c->eval[0].explore = 0.05;
    bt_models *m = build(c, 32);
    run_epochs(m, 1);
    const bt_eval *ev = m->evals[0];
    double first = (double)ev->picked[2] / (double)ev->queries;
    run_epochs(m, 14);
    double last = (double)ev->picked[2] / (double)ev->queries;
    cr_log_info("router top-2 of 6: share of batches sent to the student %.2f at epoch 0, %.2f at epoch 14", first, last);
    cr_expect(last >= 0.9, "the student is picked: %g of batches", last);
    bt_models_free(m);
    bt_models_config_free(c);
}

/* The best miner (the one student among random miners) goes offline over epochs [10, 20) and
 * comes back: the router, which had learned to send it nearly every batch, must route around
 * it within the outage (it backs off after each miss) and send it batches again once it is
 * back. Before the backoff, the gate (which does not learn a missing miner's score) kept
 * choosing it through the whole outage: every one of those answers missed. */
Test(models_outage, the_router_routes_around_an_offline_miner_and_comes_back)
{
    size_t width[] = {0, 0, 16, 0, 0, 0};
    bt_models_config *c = network(1, 6, width);
    c->eval[0].top_k = 2;
    c->eval[0].queries = 8;
    c->eval[0].explore = 0.05;
    c->miner[3].noutages = 1;   /* peer 3: miner 2, the student */
    c->miner[3].outage_from[0] = 10;
    c->miner[3].outage_to[0] = 20;
    bt_models *m = build(c, 34);
    const bt_eval *ev = m->evals[0];
    double share[24], missed[24];
    for (long e = 0; e < 24; e++) {
        run_epochs(m, 1);
        share[e] = (double)ev->picked[2] / (double)ev->queries;
        missed[e] = m->met.missed[0];
    }
    double before = (share[8] + share[9]) / 2, during = 0, late = 0, back = (share[22] + share[23]) / 2;
    for (long e = 10; e < 20; e++) during += share[e] / 10;
    for (long e = 12; e < 20; e++) late += share[e] / 8;
    cr_log_info("share of batches sent to the student: %.2f before its outage, %.2f over it (%.2f after its first "
                "two epochs; missed answers %.2f), %.2f at epoch 20, %.2f at epochs 22-23",
                before, during, late, missed[15], share[20], back);
    cr_expect(before >= 0.9, "the router had learned to pick the student: %g", before);
    cr_expect(during < 0.25 * before, "it routes around the offline student: %g of batches against %g", during, before);
    cr_expect(late <= 0.2, "after the first misses it only probes, about once an epoch: %g", late);
    cr_expect(back >= 0.9 * before, "the student is chosen again once back: %g against %g", back, before);
    bt_models_free(m);
    bt_models_config_free(c);
}

/* evaluator 0 lets its student stand in, evaluator 1 (same config otherwise) does not; the two
 * best of three miners are offline over epochs [12, 18) */
Test(models_outage, the_distilled_student_cuts_the_outage_loss)
{
    size_t width[] = {16, 16, 2};
    bt_models_config *c = network(2, 3, width);
    for (size_t v = 0; v < 2; v++) {
        c->eval[v].distill = 1;
        c->eval[v].queries = 8;
    }
    c->eval[1].stand_in = 0;
    for (size_t q = 2; q < 4; q++) {
        c->miner[q].noutages = 1;
        c->miner[q].outage_from[0] = 12;
        c->miner[q].outage_to[0] = 18;
    }
    bt_models *m = build(c, 33);
    run_epochs(m, 12);
    cr_expect(isnan(m->met.outage_loss[0]) && m->met.missed[0] == 0, "no outage before epoch 12");
    double with = 0, without = 0;
    for (long e = 12; e < 18; e++) {
        run_epochs(m, 1);
        with += m->met.outage_loss[0] / 6;
        without += m->met.outage_loss[1] / 6;
        cr_expect_float_eq(m->met.missed[0], 2.0 / 3.0, 1e-12, "two of three answers missing");
    }
    cr_log_info("outage loss: %.4f with the student standing in, %.4f without", with, without);
    cr_expect(with < 0.75 * without, "the student cuts the outage loss (%g against %g)", with, without);
    run_epochs(m, 1);
    cr_expect(isnan(m->met.outage_loss[0]), "back online at epoch 18");
    size_t to[3];
    double w[3];
    cr_assert_eq(bt_models_row(m, 0, to, w), 3);
    bt_models_free(m);
    bt_models_config_free(c);
}

/* ---- determinism under threads: a run of attack.json with 1 and 2 OpenMP and OpenBLAS threads */

static double *run_models(int threads, const char *ds, size_t *count)
{
    char path[1024], err[512], out[128];
    const char *root = getenv("BTSIM_ROOT"), *ov[] = {"epochs=4"};
    snprintf(path, sizeof path, "%s/scenarios/models/outages.json", root ? root : ".");
    bt_scenario sc;
    bt_run_summary sum;
    cr_assert_eq(bt_scenario_load(path, ov, 1, &sc, err, sizeof err), 0, "%s", err);
    snprintf(out, sizeof out, "/tmp/btsim_models_thr_%d_%d.h5", (int)getpid(), threads);
    omp_set_num_threads(threads);
    openblas_set_num_threads(threads);
    bt_run_options opt = {.out_path = out, .seed = sc.seed, .quiet = 1};
    cr_assert_eq(bt_run(&sc, &opt, &sum, err, sizeof err), 0, "%s", err);
    bt_run_summary_free(&sum);
    bt_scenario_free(&sc);
    bt_h5read *r;
    int nd;
    size_t d[3] = {0, 1, 1};
    cr_assert_eq(bt_h5read_open(&r, out, err, sizeof err), 0, "%s", err);
    cr_assert_eq(bt_h5read_dims(r, ds, &nd, d), 0, "%s", bt_h5read_error(r));
    *count = d[0] * d[1];
    double *buf = malloc(*count * sizeof *buf);
    cr_assert_eq(bt_h5read_f64(r, ds, buf, *count), 0, "%s", bt_h5read_error(r));
    bt_h5read_close(r);
    unlink(out);
    return buf;
}

Test(models_outage, same_output_under_one_and_two_threads)
{
    const char *ds[] = {"/models/true_loss", "/models/alignment", "/models/distill_loss", "/models/mixture_loss"};
    for (size_t q = 0; q < sizeof ds / sizeof ds[0]; q++) {
        size_t n1, n2;
        double *a = run_models(1, ds[q], &n1), *b = run_models(2, ds[q], &n2);
        cr_assert_eq(n1, n2);
        cr_expect(memcmp(a, b, n1 * sizeof *a) == 0, "%s: the same bytes with 1 and 2 threads", ds[q]);
        free(a);
        free(b);
    }
    openblas_set_num_threads(1);
}
