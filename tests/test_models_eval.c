/* models/ at the level of a network of models: the Fisher importance ranking a useless miner
 * last, the baseline rules' weights, the router concentrating on the best miners, the
 * distilled student learning, copies and distillers, rank correlations, determinism. */
#include "models.h"
#include "align.h"
#include "score.h"
#include <criterion/criterion.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* n_eval evaluators (peers 0..) then miners of the given widths and compute; a width of 0
 * makes a random miner. */
static bt_models_config *network(size_t n_eval, size_t nm, const size_t *width, const long *compute)
{
    bt_models_config *c = bt_models_config_alloc(n_eval + nm);
    cr_assert_not_null(c);
    c->task.d_in = 8; c->task.d_out = 5; c->task.hidden = 16; c->task.batch = 16; c->task.holdout = 128;
    for (size_t v = 0; v < n_eval; v++) c->role[v] = BT_ROLE_EVALUATOR;
    for (size_t q = 0; q < nm; q++) {
        bt_miner_config *mc = &c->miner[n_eval + q];
        c->role[n_eval + q] = BT_ROLE_MINER;
        mc->type = width[q] ? BT_MINER_STUDENT : BT_MINER_RANDOM;
        mc->width = width[q] ? width[q] : 1;
        mc->compute = compute[q];
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

/* runs epochs, measuring with the mean of the evaluators' normalised rows as the incentive */
static void run_epochs(bt_models *m, long epochs, double *inc)
{
    size_t n = m->npeers, to[64];
    double w[64];
    for (long e = 0; e < epochs; e++) {
        cr_assert_eq(bt_models_epoch(m), 0);
        memset(inc, 0, n * sizeof *inc);
        for (size_t v = 0; v < m->nevals; v++) {
            size_t k = bt_models_row(m, m->eval_peer[v], to, w);
            double s = 0;
            for (size_t q = 0; q < k; q++) s += w[q];
            for (size_t q = 0; q < k && s > 0; q++) inc[to[q]] += w[q] / s / (double)m->nevals;
        }
        bt_models_measure(m, inc);
    }
}

Test(models_eval, fisher_ranks_a_useless_miner_last)
{
    size_t width[] = {16, 8, 0, 4, 16};
    long compute[] = {8, 8, 0, 8, 2};
    bt_models_config *c = network(1, 5, width, compute);
    c->eval[0].rule = BT_RULE_FISHER;
    bt_models *m = build(c, 11);
    double inc[6];
    run_epochs(m, 20, inc);
    size_t to[8];
    double w[8];
    cr_assert_eq(bt_models_row(m, 0, to, w), 5, "all five miners measured");
    cr_log_info("fisher weights: %.4f %.4f %.4f(random) %.4f %.4f", w[0], w[1], w[2], w[3], w[4]);
    for (size_t q = 0; q < 5; q++)
        if (q != 2) cr_expect(w[2] < w[q], "the random miner (%g) below miner %zu (%g)", w[2], q, w[q]);
    cr_expect(w[2] == 0, "a miner whose removal helps gets no weight");
    cr_expect(m->met.spearman > 0.6, "weights track quality: Spearman %g", m->met.spearman);
    bt_models_free(m);
    bt_models_config_free(c);
}

Test(models_eval, baseline_rules_give_the_documented_weights)
{
    bt_eval_config ec;
    bt_eval_config_default(&ec);
    bt_score_batch *sb = bt_score_batch_alloc(4, 1, 2);
    size_t sel[4] = {0, 1, 2, 3};
    double loss[4] = {0.5, 0.1, 0.3, 0.3}, w[4];
    memcpy(sb->loss, loss, sizeof loss);
    ec.ema = 0.5;
    ec.rule = BT_RULE_INVERSE_LOSS;
    bt_score_state *st = bt_score_state_alloc(&ec, 4);
    bt_score_update(st, sb, sel);
    sb->loss[0] = 0.1;   /* the moving average: 0.5 * 0.5 + 0.5 * 0.1 = 0.3 */
    bt_score_update(st, sb, sel);
    cr_assert_eq(bt_score_weights(st, w), 4);
    cr_expect_float_eq(w[0], 1 / (0.3 + 1e-3), 1e-12);
    cr_expect_float_eq(w[1], 1 / (0.1 + 1e-3), 1e-12);
    st->rule = BT_RULE_SOFTMAX;
    st->temperature = 0.1;
    bt_score_weights(st, w);
    cr_expect_float_eq(w[1], 1.0, 1e-12);
    cr_expect_float_eq(w[2], exp(-2.0), 1e-12);
    st->rule = BT_RULE_RANK;   /* losses 0.3 0.1 0.3 0.3: best 3, the three tied share ranks 1..3 */
    bt_score_weights(st, w);
    cr_expect_float_eq(w[1], 3.0, 1e-12);
    cr_expect_float_eq(w[0], 1.0, 1e-12);
    cr_expect_float_eq(w[3], 1.0, 1e-12);
    bt_score_state_free(st);
    bt_score_batch_free(sb);
}

Test(models_eval, router_concentrates_on_the_best_miners)
{
    size_t width[] = {0, 2, 16, 0, 16, 1};
    long compute[] = {0, 8, 8, 0, 8, 8};
    bt_models_config *c = network(1, 6, width, compute);
    c->eval[0].top_k = 2;
    c->eval[0].queries = 8;
    c->eval[0].explore = 0.05;
    bt_models *m = build(c, 12);
    double inc[7];
    run_epochs(m, 30, inc);
    double overlap = m->met.router_overlap[0];
    cr_log_info("router top-2 of 6: overlap with the true best two %.2f, traffic saved %.2f, shares %.2f %.2f %.2f %.2f %.2f %.2f",
                overlap, m->met.traffic_saved, m->met.query_share[1], m->met.query_share[2], m->met.query_share[3],
                m->met.query_share[4], m->met.query_share[5], m->met.query_share[6]);
    cr_expect(overlap >= 0.75, "most picks go to the best two miners: %g", overlap);
    cr_expect_float_eq(m->met.traffic_saved, 1 - 2.0 / 6.0, 1e-12);
    cr_expect(m->met.query_share[1] + m->met.query_share[4] < 0.1, "random miners are dropped");
    bt_models_free(m);
    bt_models_config_free(c);
}

Test(models_eval, the_distilled_student_learns_from_the_network)
{
    size_t width[] = {16, 16, 8};
    long compute[] = {8, 8, 8};
    bt_models_config *c = network(1, 3, width, compute);
    c->eval[0].distill = 1;
    c->eval[0].distill_width = 16;
    c->eval[0].queries = 8;
    bt_models *m = build(c, 13);
    double inc[4];
    run_epochs(m, 1, inc);
    double first = m->met.distill_loss[0];
    run_epochs(m, 40, inc);
    double last = m->met.distill_loss[0];
    cr_log_info("distilled student: KL to the teacher %.4f after 1 epoch, %.4f after 41; the network's own %.4f",
                first, last, m->met.mixture_loss[0]);
    cr_expect(last < 0.5 * first, "its loss at least halves (%g -> %g)", first, last);
    bt_models_free(m);
    bt_models_config_free(c);
}

Test(models_eval, copies_serve_their_target_as_it_was)
{
    size_t width[] = {8, 8, 8};
    long compute[] = {4, 0, 0};
    bt_models_config *c = network(0, 3, width, compute);
    c->miner[1].type = BT_MINER_COPY; c->miner[1].target = 0; c->miner[1].delay = 0;
    c->miner[2].type = BT_MINER_COPY; c->miner[2].target = 0; c->miner[2].delay = 3;
    bt_models *m = build(c, 14);
    double inc[3], hist[10];
    for (long e = 0; e < 10; e++) {
        run_epochs(m, 1, inc);
        hist[e] = m->met.true_loss[0];
        cr_expect_eq(m->met.true_loss[1], m->met.true_loss[0], "delay 0 answers as the target");
        if (e >= 3) cr_expect_eq(m->met.true_loss[2], hist[e - 3], "delay 3 answers as the target 3 epochs ago");
    }
    bt_models_free(m);
    bt_models_config_free(c);
}

Test(models_eval, a_distiller_learns_without_the_teacher)
{
    size_t width[] = {16, 16, 16};
    long compute[] = {8, 8, 16};
    bt_models_config *c = network(0, 3, width, compute);
    c->miner[2].type = BT_MINER_DISTILLED;
    c->miner[2].sources = 2;
    bt_models *m = build(c, 15);
    double inc[3] = {0.5, 0.5, 0};
    run_epochs(m, 1, inc);
    double first = m->met.true_loss[2];
    for (long e = 0; e < 30; e++) {
        cr_assert_eq(bt_models_epoch(m), 0);
        bt_models_measure(m, inc);
    }
    cr_log_info("distilled miner: true KL %.4f -> %.4f; its sources %.4f %.4f", first, m->met.true_loss[2],
                m->met.true_loss[0], m->met.true_loss[1]);
    cr_expect(m->met.true_loss[2] < 0.5 * first);
    bt_models_free(m);
    bt_models_config_free(c);
}

Test(models_eval, rank_correlations)
{
    double x[] = {1, 2, 3}, y[] = {1, 3, 2}, work[8];
    cr_expect_float_eq(bt_align_spearman(x, y, 3, work), 0.5, 1e-12);
    cr_expect_float_eq(bt_align_kendall(x, y, 3), 1.0 / 3.0, 1e-12);
    double a[] = {1, 2, 2, 3}, b[] = {1, 2, 3, 4};
    cr_expect_float_eq(bt_align_kendall(a, b, 4), 5.0 / sqrt(30.0), 1e-12);
    cr_expect_float_eq(bt_align_spearman(b, b, 4, work), 1.0, 1e-12);
    double flat[] = {2, 2, 2};
    cr_expect(isnan(bt_align_spearman(x, flat, 3, work)));
    cr_expect(isnan(bt_align_kendall(flat, x, 3)));
}

/* tau-b by its definition, over every pair */
static double kendall_pairs(const double *x, const double *y, size_t n)
{
    double s = 0, n0 = 0.5 * (double)n * (double)(n - 1), tx = 0, ty = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            int a = (x[i] > x[j]) - (x[i] < x[j]), b = (y[i] > y[j]) - (y[i] < y[j]);
            s += a * b;
            tx += a == 0;
            ty += b == 0;
        }
    double den = sqrt((n0 - tx) * (n0 - ty));
    return den > 0 ? s / den : NAN;
}

/* the O(n log n) algorithms against the definitions, on rankings with many ties (few distinct
 * values, zeros, -0, negatives) and without */
Test(models_eval, rank_correlations_match_their_definitions)
{
    gsl_rng *r = bt_task_rng(3, 4, 5);
    double x[500], y[500], work[1000];
    for (int trial = 0; trial < 60; trial++) {
        size_t n = 2 + gsl_rng_uniform_int(r, 499);
        unsigned long levels = 1 + gsl_rng_uniform_int(r, trial % 2 ? 8 : 100000);
        for (size_t i = 0; i < n; i++) {
            x[i] = (double)gsl_rng_uniform_int(r, levels) - (double)(levels / 2);
            if (x[i] == 0 && i % 2) x[i] = -0.0;   /* equal to 0, other bits */
            y[i] = trial % 3 ? (double)gsl_rng_uniform_int(r, levels) + 0.3 * x[i] : (i % 2 ? -0.0 : 0.0);
        }
        double k = bt_align_kendall(x, y, n), kd = kendall_pairs(x, y, n);
        cr_expect(k == kd || (isnan(k) && isnan(kd)), "n %zu: Kendall %.17g, by pairs %.17g", n, k, kd);
        double sp = bt_align_spearman(x, y, n, work), xrank[500];
        cr_assert_eq(bt_align_ranks(x, n, xrank), 0);
        double spr = bt_align_spearman_ranked(xrank, y, n, work);
        cr_expect(sp == spr || (isnan(sp) && isnan(spr)), "n %zu: Spearman %.17g, from x's ranks %.17g", n, sp, spr);
        if (isnan(sp)) {
            int xflat = 1, yflat = 1;
            for (size_t i = 1; i < n; i++) {
                xflat &= x[i] == x[0];
                yflat &= y[i] == y[0];
            }
            cr_expect(xflat || yflat, "n %zu: Spearman NaN only for a constant ranking", n);
        } else {
            cr_expect_float_eq(sp, gsl_stats_spearman(x, 1, y, 1, n, work), 1e-12, "n %zu", n);
        }
    }
    gsl_rng_free(r);
}

Test(models_eval, same_seed_same_run_other_seed_other_run)
{
    size_t width[] = {8, 0, 4};
    long compute[] = {4, 0, 4};
    bt_models_config *c = network(2, 3, width, compute);
    c->eval[1].top_k = 2;
    c->eval[1].distill = 1;
    bt_models *a = build(c, 21), *b = build(c, 21), *d = build(c, 22);
    double ia[5], ib[5], id[5];
    run_epochs(a, 5, ia); run_epochs(b, 5, ib); run_epochs(d, 5, id);
    cr_expect(memcmp(ia, ib, sizeof ia) == 0, "same seed, same incentive");
    cr_expect_eq(a->met.distill_loss[1], b->met.distill_loss[1]);
    cr_expect_neq(a->met.true_loss[2], d->met.true_loss[2], "another seed, another run");
    bt_models_free(a); bt_models_free(b); bt_models_free(d);
    bt_models_config_free(c);
}

Test(models_eval, refuses_what_it_cannot_run)
{
    size_t width[] = {8, 8};
    long compute[] = {1, 1};
    bt_models_config *c = network(1, 2, width, compute);
    c->miner[2].type = BT_MINER_COPY;
    c->miner[2].target = 0;   /* an evaluator */
    char err[256];
    cr_expect_null(bt_models_alloc(c, 1, err, sizeof err));
    cr_expect(strstr(err, "copy's target") != NULL, "%s", err);
    c->role[1] = c->role[2] = BT_ROLE_NONE;
    cr_expect_null(bt_models_alloc(c, 1, err, sizeof err));
    cr_expect(strstr(err, "at least one miner") != NULL, "%s", err);
    bt_models_config_free(c);
}
