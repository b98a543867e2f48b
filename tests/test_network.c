/* The network: latency draws follow the link's distribution (GSL), a query past its timeout or
 * to an offline miner fails, scheduled offline intervals and random churn happen at the given
 * rates and are logged, and the same seed replays the same run. */
#include "net_harness.h"
#include "net/net.h"
#include <gsl/gsl_rng.h>
#include <math.h>

static double mean_latency(const bt_network_spec *s, size_t v, size_t m, double *sd)
{
    gsl_rng *r[2] = {gsl_rng_alloc(gsl_rng_mt19937), gsl_rng_alloc(gsl_rng_mt19937)};
    gsl_rng_set(r[0], 1);
    gsl_rng_set(r[1], 2);
    bt_net *net = bt_net_alloc(s, 2, r);
    double sum = 0, sq = 0;
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        double x = bt_net_latency(net, r[0], v, m);
        sum += x;
        sq += x * x;
    }
    *sd = sqrt(sq / n - (sum / n) * (sum / n));
    bt_net_free(net);
    gsl_rng_free(r[0]);
    gsl_rng_free(r[1]);
    return sum / n;
}

Test(latency, draws_have_the_distributions_mean)
{
    double sd;
    bt_network_spec ln = {.dist = BT_LAT_LOGNORMAL, .a = -2, .b = 0.5, .timeout = 1};
    double m = mean_latency(&ln, 0, 1, &sd);
    cr_expect(fabs(m / exp(-2 + 0.125) - 1) < 0.01, "lognormal mean %g", m);
    bt_network_spec ga = {.dist = BT_LAT_GAMMA, .a = 2, .b = 0.1, .timeout = 1};
    m = mean_latency(&ga, 0, 1, &sd);
    cr_expect(fabs(m / 0.2 - 1) < 0.01, "gamma mean %g", m);
    cr_expect(fabs(sd / (sqrt(2) * 0.1) - 1) < 0.02, "gamma sd %g", sd);
    bt_network_spec fx = {.dist = BT_LAT_FIXED, .a = 0.3, .timeout = 1};
    cr_expect(fabs(mean_latency(&fx, 0, 1, &sd) - 0.3) < 1e-9);
    cr_expect(!(sd > 1e-6), "sd %g", sd);   /* NaN when rounding makes the variance negative */
}

Test(latency, peer_spread_gives_every_link_its_own_scale)
{
    double sd;
    bt_network_spec fx = {.dist = BT_LAT_FIXED, .a = 0.3, .peer_spread = 0.5, .timeout = 1};
    double a = mean_latency(&fx, 0, 1, &sd), b = mean_latency(&fx, 1, 0, &sd), c = mean_latency(&fx, 0, 0, &sd);
    cr_expect_eq(a, b, "the link factor is the product of both ends' factors");
    cr_expect_neq(a, c);
    cr_expect_neq(a, 0.3);
}

#define NET(extra)                                                                                   \
    "{\"name\": \"net\", \"seed\": 11, \"epochs\": 10, \"mechanism\": {\"kind\": \"yuma3\", \"tempo\": 10}," \
    " \"chain\": {\"weights_rate_limit\": 0, \"commit_reveal\": {\"enabled\": false}}," extra        \
    " \"peers\": [{\"name\": \"H\", \"stake\": 100, \"group\": \"honest\","                         \
    "    \"agent\": {\"type\": \"honest\", \"noise\": 0, \"offset\": 0, \"alpha\": 1}},"            \
    "  {\"name\": \"M1\", \"stake\": 0, \"quality\": {\"value\": 0.5}},"                             \
    "  {\"name\": \"M2\", \"stake\": 0, \"quality\": {\"value\": 0.5}},"                             \
    "  {\"name\": \"M3\", \"stake\": 0, \"quality\": {\"value\": 0.5}},"                             \
    "  {\"name\": \"M4\", \"stake\": 0, \"quality\": {\"value\": 0.5}}]}"

Test(timeout, queries_slower_than_the_timeout_fail)
{
    nrun *r = nrun_text(NET("\"network\": {\"latency\": {\"dist\": \"fixed\", \"value\": 0.6}, \"timeout\": 0.5},"), NULL, 0);
    for (long e = 0; e < r->epochs; e++) cr_expect_eq(NAT(r, last_update, e, 0), 0, "every answer failed: no row");
    nrun_free(r);
    r = nrun_text(NET("\"network\": {\"latency\": {\"dist\": \"fixed\", \"value\": 0.4}, \"timeout\": 0.5},"), NULL, 0);
    cr_expect_eq(NAT(r, last_update, 3, 0), 31);
    for (size_t m = 1; m < 5; m++) cr_expect(fabs(NW(r, 3, 0, m) - 0.25) < 1e-12);
    nrun_free(r);
}

Test(offline, scheduled_intervals_score_as_failures_and_are_logged)
{
    nrun *r = nrun_text(NET("\"network\": {\"offline\": [{\"peer\": \"M2\", \"from_block\": 25, \"to_block\": 55}]},"), NULL, 0);
    /* rounds at 30, 40, 50 find M2 offline: the rows in force at epochs 3, 4, 5 leave it out */
    for (long e = 0; e < r->epochs; e++) {
        int off = e >= 3 && e <= 5;
        cr_expect(off ? NW(r, e, 0, 2) == 0 : NW(r, e, 0, 2) > 0, "epoch %ld: %g", e, NW(r, e, 0, 2));
    }
    cr_expect_eq(nrun_count(r, "offline", 2), 1);
    cr_expect_eq(nrun_count(r, "online", 2), 1);
    nrun_free(r);
}

Test(churn, random_offline_intervals_at_the_given_rate)
{
    const char *sets[] = {"epochs=200"};
    nrun *r = nrun_text(NET("\"network\": {\"churn\": {\"rate_offline\": 0.01, \"mean_offline_blocks\": 20}},"), sets, 1);
    /* 2000 blocks per miner, cycles of about 100 + 20 blocks: ~17 intervals each, 4 miners */
    size_t off = nrun_count(r, "offline", -1);
    cr_expect(off > 40 && off < 100, "%zu offline intervals", off);
    cr_expect_geq(nrun_count(r, "online", -1) + 4, off);
    nrun_free(r);
}

Test(replay, the_same_seed_gives_the_same_run_and_another_seed_another)
{
    const char *net = NET("\"network\": {\"latency\": {\"dist\": \"lognormal\", \"mu\": -1, \"sigma\": 1}, \"timeout\": 0.5,"
                          " \"churn\": {\"rate_offline\": 0.02, \"mean_offline_blocks\": 5}},");
    const char *noisy[] = {"peers[0].agent.noise=0.1"};
    nrun *a = nrun_text(net, noisy, 1), *b = nrun_text(net, noisy, 1);
    const char *other[] = {"peers[0].agent.noise=0.1", "seed=12"};
    nrun *c = nrun_text(net, other, 2);
    cr_expect_eq(memcmp(a->weights, b->weights, (size_t)a->epochs * a->n * a->n * 8), 0);
    cr_expect_eq(a->nlog, b->nlog);
    cr_expect_neq(memcmp(a->weights, c->weights, (size_t)a->epochs * a->n * a->n * 8), 0);
    nrun_free(a);
    nrun_free(b);
    nrun_free(c);
}

/* 64 honest validators and 4000 miners: epochs above the mechanism's threading threshold
 * (200,000 weights). Agents run in kernel order, so 1 and 4 threads give the same run. */
#include <omp.h>

static char *big_scenario(void)
{
    size_t cap = 1 << 20, len = 0;
    char *s = malloc(cap);
    len += (size_t)snprintf(s + len, cap - len,
                            "{\"name\": \"big\", \"seed\": 3, \"epochs\": 2, \"mechanism\": {\"kind\": \"yuma3\", \"tempo\": 20},"
                            " \"chain\": {\"weights_rate_limit\": 0, \"commit_reveal\": {\"enabled\": false}},"
                            " \"network\": {\"latency\": {\"dist\": \"gamma\"}, \"timeout\": 0.2}, \"peers\": [");
    for (int v = 0; v < 64; v++)
        len += (size_t)snprintf(s + len, cap - len, "%s{\"name\": \"V%d\", \"stake\": %d, \"agent\": {\"type\": \"honest\"}}",
                                v ? ", " : "", v, 10 + v);
    for (int m = 0; m < 4000; m++)
        len += (size_t)snprintf(s + len, cap - len, ", {\"name\": \"M%d\", \"stake\": 0, \"quality\": {\"value\": %.3f}}", m,
                                (m % 97) / 97.0);
    snprintf(s + len, cap - len, "]}");
    return s;
}

Test(replay, one_and_four_threads_give_the_same_run, .timeout = 120)
{
    char *json = big_scenario();
    omp_set_num_threads(1);
    nrun *a = nrun_text(json, NULL, 0);
    omp_set_num_threads(4);
    nrun *b = nrun_text(json, NULL, 0);
    size_t n = a->n * (size_t)a->epochs;
    cr_expect_eq(memcmp(a->incentive, b->incentive, n * 8), 0);
    cr_expect_eq(memcmp(a->dividends, b->dividends, n * 8), 0);
    cr_expect_eq(memcmp(a->emission, b->emission, n * 8), 0);
    cr_expect_gt(a->incentive[(size_t)a->n + 100], 0);
    nrun_free(a);
    nrun_free(b);
    free(json);
}
