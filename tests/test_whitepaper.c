/* The whitepaper's numbers, reproduced from the scenario files in scenarios/whitepaper/: Figure
 * 4's consensus curve, the section-10 listing's trajectory (to 1e-12), the rho = 0 invariance,
 * the scaling-vector variant's decay (spec 2.8b), and the subgraph totals that bonds inside a
 * subgraph must keep. Expected values are the spec's (shared/spec/whitepaper.md). */
#include "whitepaper_harness.h"
#include "mechanism/whitepaper.h"
#include <math.h>

/* ---- Figure 4 ---- */

static const double FIG4_T[13] = {0, 0.1, 0.25, 0.4, 0.45, 0.49, 0.5, 0.51, 0.55, 0.6, 0.75, 0.9, 1.0};
static const double FIG4_C[13] = {0.006693, 0.017986, 0.075858, 0.268941, 0.377541, 0.475021, 0.5,
                                  0.524979, 0.622459, 0.731059, 0.924142, 0.982014, 0.993307};

Test(figure4, sigmoid_matches_the_spec_table_and_its_slope)
{
    for (int q = 0; q < 13; q++) {
        double c = bt_wp_sigmoid(FIG4_T[q], 10, 0.5);
        cr_expect(fabs(c - FIG4_C[q]) <= 5e-7, "t=%g: c=%.9f, spec %.6f", FIG4_T[q], c, FIG4_C[q]);
    }
    double h = 1e-6;
    double slope = (bt_wp_sigmoid(0.5 + h, 10, 0.5) - bt_wp_sigmoid(0.5 - h, 10, 0.5)) / (2 * h);
    cr_expect(fabs(slope - 2.5) < 1e-6, "slope at kappa %.9f, the paper's 5/2", slope);
}

Test(figure4, scenario_targets_have_trust_t_and_consensus_c)
{
    wp_trace *t = wp_run_file("scenarios/whitepaper/figure4.json", NULL, 0);
    cr_assert_eq(t->n, 113);
    for (int q = 0; q < 13; q++) {
        size_t j = 100 + (size_t)q;
        cr_expect(fabs(WP(t, trust, 0, j) - FIG4_T[q]) < 1e-12, "target %d trust %.15f", q, WP(t, trust, 0, j));
        cr_expect(fabs(WP(t, consensus, 0, j) - FIG4_C[q]) <= 5e-7, "target %d consensus %.9f, spec %.6f",
                  q, WP(t, consensus, 0, j), FIG4_C[q]);
    }
    wp_trace_free(t);
}

/* ---- section 10 ---- */

static const struct { int block; double share, total; } S10[] = {
    {0, 0.4877323388820201, 1.1}, {1, 0.4849535784321247, 1.21}, {2, 0.4815511535094221, 1.331},
    {3, 0.477389901500398, 1.4641}, {4, 0.4723093486843246, 1.61051}, {5, 0.4661222457462059, 1.771561},
    {9, 0.4258790087065162, 2.5937424601}, {10, 0.4109054893545983, 2.853116706110003},
    {15, 0.3094694723628415, 4.594972986357221}, {20, 0.2053005857184977, 7.400249944258172},
    {30, 0.08195530986912067, 19.19434249577509}, {40, 0.03199825846776257, 49.78518112499371},
    {50, 0.01244288402610896, 129.1299381676659}, {70, 0.001876335253374579, 868.7216524793929},
    {99, 0.0001206337199346469, 13780.61233982238},
};

static double sig(double x) { return 1.0 / (1.0 + exp(-x)); }

Test(section10, trajectory_matches_the_spec_to_1e12)
{
    wp_trace *t = wp_run_file("scenarios/whitepaper/section10.json", NULL, 0);
    cr_assert_eq(t->epochs, 100);
    double worst = 0;
    for (size_t q = 0; q < sizeof S10 / sizeof S10[0]; q++) {
        int b = S10[q].block;
        double tot = WP(t, stake, b, 0) + WP(t, stake, b, 1), share = WP(t, stake, b, 1) / tot;
        double err = fabs(share - S10[q].share);
        if (err > worst) worst = err;
        cr_expect(err <= 1e-12, "block %d: cabal share %.17g, spec %.17g", b, share, S10[q].share);
        cr_expect(fabs(tot / S10[q].total - 1) <= 1e-12, "block %d: total %.17g, 1.1^%d = %.17g", b, tot,
                  b + 1, S10[q].total);
    }
    /* the listing itself, step by step, for every block */
    double a = 0.51, c = 0.49;
    for (int b = 0; b < 100; b++) {
        double tot = a + c, ca = sig(10 * (a / tot - 0.5)), cc = sig(10 * (c / tot - 0.5));
        double ia = a * ca, ic = c * cc;
        a += 0.1 * tot * ia / (ia + ic);
        c += 0.1 * tot * ic / (ia + ic);
        double share = WP(t, stake, b, 1) / (WP(t, stake, b, 0) + WP(t, stake, b, 1));
        cr_expect(fabs(share - c / (a + c)) <= 1e-12, "block %d: %.17g vs listing %.17g", b, share, c / (a + c));
    }
    cr_log_info("section 10: largest deviation from the spec's table %.3g", worst);
    wp_trace_free(t);
}

Test(section10, milestones_and_the_starting_chain_loss)
{
    wp_trace *t = wp_run_file("scenarios/whitepaper/section10.json", NULL, 0);
    const double below[] = {0.4, 0.25, 0.1, 0.01, 0.001};
    const int at[] = {11, 18, 28, 53, 77};
    for (int q = 0; q < 5; q++) {
        int first = -1;
        for (int b = 0; b < 100 && first < 0; b++)
            if (WP(t, stake, b, 1) / (WP(t, stake, b, 0) + WP(t, stake, b, 1)) < below[q]) first = b;
        cr_expect_eq(first, at[q], "share first below %g at block %d, spec %d", below[q], first, at[q]);
    }
    double l0 = -(0.51 * (sig(0.1) - 0.5) + 0.49 * (sig(-0.1) - 0.5));
    cr_expect(fabs(t->loss[0] - l0) < 1e-15, "L0 %.17g, want %.17g", t->loss[0], l0);
    cr_expect(fabs(t->loss[0] + 4.9958e-4) < 5e-8, "L0 %.6g, spec -4.9958e-4", t->loss[0]);
    for (long e = 0; e < t->epochs; e++) cr_expect(t->loss[e] < 0, "L >= 0 at %ld", e);
    wp_trace_free(t);
}

Test(section10, rho_zero_keeps_the_shares_for_ever)
{
    const char *sets[] = {"mechanism.rho=0"};
    wp_trace *t = wp_run_file("scenarios/whitepaper/section10.json", sets, 1);
    double total = 1.0;
    for (long e = 0; e < t->epochs; e++) {
        total *= 1.1;
        double tot = WP(t, stake, e, 0) + WP(t, stake, e, 1);
        cr_expect(fabs(WP(t, stake, e, 1) / tot - 0.49) <= 1e-12, "epoch %ld share %.17g", e, WP(t, stake, e, 1) / tot);
        cr_expect(fabs(tot / total - 1) <= 1e-12, "epoch %ld total %.17g", e, tot);
        cr_expect(WP(t, consensus, e, 0) == 0.5 && WP(t, consensus, e, 1) == 0.5);
    }
    wp_trace_free(t);
}

Test(section10, any_kappa_or_positive_rho_shrinks_the_smaller_side)
{
    const char *sets[][2] = {{"mechanism.kappa=0.3", "mechanism.rho=10"}, {"mechanism.kappa=0.7", "mechanism.rho=2"},
                             {"mechanism.kappa=0.5", "mechanism.rho=40"}};
    for (int q = 0; q < 3; q++) {
        wp_trace *t = wp_run_file("scenarios/whitepaper/section10.json", sets[q], 2);
        double prev = 0.49;
        for (long e = 0; e < t->epochs; e++) {
            double share = WP(t, stake, e, 1) / (WP(t, stake, e, 0) + WP(t, stake, e, 1));
            cr_expect(share < prev, "%s %s: share rose at %ld", sets[q][0], sets[q][1], e);
            prev = share;
        }
        wp_trace_free(t);
    }
}

/* 3 honest peers (51%) and 7 cabal peers (49%), every peer weighting its whole subgraph, itself
 * included, with uneven weights: trust is the subgraph's share, bonds stay inside it, so the
 * subgraph totals follow the two-peer listing exactly. */
Test(section10, many_peers_with_bonds_follow_the_two_peer_listing)
{
    char text[8192];
    size_t len = 0;
    len += (size_t)snprintf(text + len, sizeof text - len,
                            "{\"name\": \"s10_many\", \"epochs\": 60, \"mechanism\": {\"kind\": \"whitepaper\"}, \"peers\": [");
    for (int i = 0; i < 10; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%s{\"name\": \"p%d\", \"stake\": %s}", i ? ", " : "", i,
                                i < 3 ? "0.17" : "0.07");
    len += (size_t)snprintf(text + len, sizeof text - len, "], \"weights\": [");
    for (int i = 0; i < 10; i++) {
        int lo = i < 3 ? 0 : 3, hi = i < 3 ? 3 : 10;
        len += (size_t)snprintf(text + len, sizeof text - len, "%s{\"epoch\": 0, \"from\": \"p%d\", \"every\": 1, \"to\": {",
                                i ? ", " : "", i);
        for (int j = lo; j < hi; j++)
            len += (size_t)snprintf(text + len, sizeof text - len, "%s\"p%d\": %d", j > lo ? ", " : "", j, 1 + (i * j) % 4);
        len += (size_t)snprintf(text + len, sizeof text - len, "}}");
    }
    snprintf(text + len, sizeof text - len, "]}");
    wp_trace *t = wp_run_text(text, NULL, 0);
    double a = 0.51, c = 0.49;
    for (long b = 0; b < t->epochs; b++) {
        double tot = a + c, ca = sig(10 * (a / tot - 0.5)), cc = sig(10 * (c / tot - 0.5));
        double ia = a * ca, ic = c * cc;
        a += 0.1 * tot * ia / (ia + ic);
        c += 0.1 * tot * ic / (ia + ic);
        double cab = wp_sum(t, t->stake, b, 3, 10), all = wp_sum(t, t->stake, b, 0, 10);
        cr_expect(fabs(cab / all - c / (a + c)) <= 1e-12, "block %ld: %.17g vs %.17g", b, cab / all, c / (a + c));
        cr_expect(fabs(wp_sum(t, t->dividends, b, 3, 10) - wp_sum(t, t->incentive, b, 3, 10)) < 1e-12,
                  "the cabal's dividends are its own incentive");
    }
    wp_trace_free(t);
}

/* ---- the scaling-vector variant (spec 2.8b) ---- */

Test(scaling_vector, decay_matches_the_spec_and_the_two_variable_map)
{
    wp_trace *t = wp_run_file("scenarios/whitepaper/scaling_vector_decay.json", NULL, 0);
    cr_assert_eq(t->epochs, 2000);
    /* spec table: after 1, 2, 11, 101, 501, 1000 and 2000 steps (4 decimals) */
    const long e_at[] = {0, 1, 10, 100, 500, 999, 1999};
    const double spec[] = {0.4900, 0.4899, 0.4894, 0.4835, 0.3937, 0.2301, 0.1206};
    for (int q = 0; q < 7; q++) {
        double share = wp_sum(t, t->stake, e_at[q], 5, 10) / wp_sum(t, t->stake, e_at[q], 0, 10);
        cr_expect(fabs(share - spec[q]) <= 5e-5, "after %ld steps: %.6f, spec %.4f", e_at[q] + 1, share, spec[q]);
    }
    double a = 0.51, b = 0.49;
    for (long e = 0; e < t->epochs; e++) {
        double sa = sig(a - b), sb = sig(b - a), den = a * sa + b * sb;
        double na = a + 0.01 * a * sa / den, nb = b + 0.01 * b * sb / den;
        a = na;
        b = nb;
        double share = wp_sum(t, t->stake, e, 5, 10) / wp_sum(t, t->stake, e, 0, 10);
        cr_expect(fabs(share - b / (a + b)) <= 1e-12, "step %ld: %.17g vs map %.17g", e, share, b / (a + b));
        cr_expect(t->loss[e] < 0, "L < 0 throughout, so the scaling vector never moves");
    }
    for (size_t i = 0; i < t->n; i++) cr_expect_eq(WP(t, scaling, t->epochs - 1, i), 1.0);
    wp_trace_free(t);
}
