/* Evaluators (peers with "scoring") as agents of the network (models/models_agent.h): their
 * rows go through the chain's rules (commit-reveal, the rate limit), and whether a miner's
 * answer arrives is the network's (latency against the timeout, churn), with the numbers the
 * scenario's distributions give. */
#include "run/run.h"
#include "io/h5read.h"
#include "scenario/scenario.h"
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEMPO 10

/* two evaluators, four miners of different quality; `extra` adds top-level keys */
static const char *base =
    "{\"name\": \"evaluator_agent\", \"seed\": 3, \"epochs\": %ld,\n"
    " \"mechanism\": {\"kind\": \"yuma3\", \"tempo\": %d, \"max_allowed_validators\": 8},\n"
    " \"task\": {\"d_in\": 8, \"d_out\": 5, \"hidden\": 8, \"batch\": 16, \"holdout\": 64},\n"
    " \"peers\": [\n"
    "  {\"name\": \"V0\", \"stake\": 600, \"scoring\": {\"queries\": 4}},\n"
    "  {\"name\": \"V1\", \"stake\": 400, \"scoring\": {\"queries\": 4}},\n"
    "  {\"name\": \"M0\", \"stake\": 0, \"model\": {\"width\": 8, \"compute\": 2}},\n"
    "  {\"name\": \"M1\", \"stake\": 0, \"model\": {\"width\": 4, \"compute\": 2}},\n"
    "  {\"name\": \"M2\", \"stake\": 0, \"model\": {\"width\": 2, \"compute\": 1}},\n"
    "  {\"name\": \"M3\", \"stake\": 0, \"model\": {\"type\": \"random\"}}]%s}\n";

enum { NPEERS = 6, NEVAL = 2 };

static char g_scn[128], g_out[128];

typedef struct {
    long epochs;
    int64_t last_update[64][NPEERS];   /* LastUpdate seen at each epoch */
} observed;

static int observe(void *ctx, long e, const bt_subnet *net, const bt_epoch_result *r)
{
    (void)r;
    observed *o = ctx;
    if (e < 64)
        for (size_t i = 0; i < NPEERS; i++) o->last_update[e][i] = net->last_update[i];
    o->epochs = e + 1;
    return 0;
}

static void write_scenario(long epochs, const char *extra)
{
    snprintf(g_scn, sizeof g_scn, "/tmp/btsim_evalagent_%d.json", (int)getpid());
    FILE *f = fopen(g_scn, "w");
    cr_assert(f);
    fprintf(f, base, epochs, TEMPO, extra);
    fclose(f);
}

/* runs the scenario into g_out; returns its reader */
static bt_h5read *run(long epochs, const char *extra, observed *o)
{
    bt_scenario sc;
    bt_run_summary sum;
    char err[512];
    write_scenario(epochs, extra);
    cr_assert_eq(bt_scenario_load(g_scn, NULL, 0, &sc, err, sizeof err), 0, "%s", err);
    snprintf(g_out, sizeof g_out, "/tmp/btsim_evalagent_%d.h5", (int)getpid());
    bt_run_options opt = {.out_path = g_out, .seed = sc.seed, .quiet = 1, .observe = o ? observe : NULL,
                          .observe_ctx = o};
    cr_assert_eq(bt_run(&sc, &opt, &sum, err, sizeof err), 0, "%s", err);
    bt_run_summary_free(&sum);
    bt_scenario_free(&sc);
    unlink(g_scn);
    bt_h5read *r;
    cr_assert_eq(bt_h5read_open(&r, g_out, err, sizeof err), 0, "%s", err);
    return r;
}

static double *read_series(bt_h5read *r, const char *ds, size_t epochs, size_t cols)
{
    int nd;
    size_t d[3] = {0, 1, 1};
    cr_assert_eq(bt_h5read_dims(r, ds, &nd, d), 0, "%s", bt_h5read_error(r));
    cr_assert_eq(d[0], epochs, "%s rows", ds);
    cr_assert_eq(d[1], cols, "%s columns", ds);
    double *buf = malloc(epochs * cols * sizeof *buf);
    cr_assert_eq(bt_h5read_f64(r, ds, buf, epochs * cols), 0, "%s", bt_h5read_error(r));
    return buf;
}

static void done(bt_h5read *r)
{
    bt_h5read_close(r);
    unlink(g_out);
}

static double incentive_sum(const double *inc, long e)
{
    double s = 0;
    for (size_t i = 0; i < NPEERS; i++) s += inc[(size_t)e * NPEERS + i];
    return s;
}

/* the evaluators' share of answers that did not come over the run of r */
static double missed_share(bt_h5read *r, long epochs)
{
    double *missed = read_series(r, "/models/missed", (size_t)epochs, NPEERS), s = 0;
    for (long e = 0; e < epochs; e++)
        for (size_t v = 0; v < NEVAL; v++) s += missed[(size_t)e * NPEERS + v];
    free(missed);
    return s / (double)(epochs * NEVAL);
}

Test(evaluator_agent, rows_are_set_after_each_epoch_and_in_force_at_the_next)
{
    observed o = {0};
    bt_h5read *r = run(6, "", &o);
    double *inc = read_series(r, "/epochs/incentive", 6, NPEERS);
    cr_assert_eq(o.epochs, 6);
    for (long e = 0; e < 6; e++) {
        /* queries at the block after epoch e - 1 (block 0 for epoch 0), the row a block later */
        for (size_t v = 0; v < NEVAL; v++)
            cr_expect_eq(o.last_update[e][v], (int64_t)e * TEMPO + 1, "epoch %ld: V%zu's row set at block %lld", e, v,
                         (long long)o.last_update[e][v]);
        cr_expect(fabs(incentive_sum(inc, e) - 1) < 1e-9, "epoch %ld: the rows are in force", e);
    }
    cr_expect_eq(missed_share(r, 6), 0.0, "without a network every answer arrives");
    free(inc);
    done(r);
}

Test(evaluator_agent, commit_reveal_holds_the_rows_back)
{
    bt_h5read *r = run(6, ",\n \"chain\": {\"weights_rate_limit\": 0, \"commit_reveal\": {\"enabled\": true, \"reveal_period\": 2}}", NULL);
    double *inc = read_series(r, "/epochs/incentive", 6, NPEERS);
    for (long e = 0; e < 2; e++) cr_expect_eq(incentive_sum(inc, e), 0.0, "epoch %ld: nothing revealed yet", e);
    for (long e = 2; e < 6; e++)
        cr_expect(fabs(incentive_sum(inc, e) - 1) < 1e-9, "epoch %ld: the rows committed 2 epochs ago are in force", e);
    free(inc);
    done(r);
}

Test(evaluator_agent, the_rate_limit_refuses_rows_set_too_soon)
{
    /* rows every tempo (10 blocks) against a limit of 15: every other one is refused */
    observed o = {0};
    bt_h5read *r = run(6, ",\n \"chain\": {\"weights_rate_limit\": 15, \"commit_reveal\": {\"enabled\": false}}", &o);
    static const int64_t want[6] = {1, 1, 21, 21, 41, 41};
    for (long e = 0; e < 6; e++)
        for (size_t v = 0; v < NEVAL; v++)
            cr_expect_eq(o.last_update[e][v], want[e], "epoch %ld: V%zu LastUpdate %lld, expected %lld", e, v,
                         (long long)o.last_update[e][v], (long long)want[e]);
    done(r);
}

Test(evaluator_agent, answers_slower_than_the_timeout_are_missed)
{
    /* log latency ~ N(-0.5, 1), timeout 1 block: P(latency > 1) = P(Z > 0.5) = 0.3085 */
    const long epochs = 30;
    bt_h5read *r = run(epochs, ",\n \"network\": {\"latency\": {\"dist\": \"lognormal\", \"mu\": -0.5, \"sigma\": 1}, \"timeout\": 1}", NULL);
    double share = missed_share(r, epochs);
    /* 2 evaluators x 4 queries x 4 miners x 30 epochs = 960 answers: sd 0.015 */
    cr_log_info("missed %.4f of the answers (expected 0.3085)", share);
    cr_expect(fabs(share - 0.3085) < 0.06, "missed %.4f of the answers, expected 0.3085", share);
    done(r);
}

Test(evaluator_agent, churn_takes_model_miners_offline)
{
    /* up-times of mean 20 blocks, down-times of mean 20: a miner is offline half the time */
    const long epochs = 40;
    bt_h5read *r = run(epochs, ",\n \"network\": {\"churn\": {\"rate_offline\": 0.05, \"mean_offline_blocks\": 20}}", NULL);
    double share = missed_share(r, epochs);
    cr_log_info("churn: missed %.4f of the answers (expected about 0.5)", share);
    cr_expect(share > 0.25 && share < 0.75, "missed %.4f of the answers, expected about 0.5", share);
    int nd;
    size_t d[3] = {0, 1, 1};
    cr_assert_eq(bt_h5read_dims(r, "/events/peer", &nd, d), 0, "%s", bt_h5read_error(r));
    double *peer = malloc((d[0] ? d[0] : 1) * sizeof *peer);
    cr_assert_eq(bt_h5read_f64(r, "/events/peer", peer, d[0]), 0, "%s", bt_h5read_error(r));
    size_t miners_logged = 0, others = 0;
    for (size_t q = 0; q < d[0]; q++) {
        if (peer[q] >= 2) miners_logged++;
        else others++;
    }
    cr_expect(miners_logged > 10, "the model miners' offline intervals are logged (%zu entries)", miners_logged);
    cr_expect_eq(others, 0, "validators do not churn");
    free(peer);
    done(r);
}

static void expect_load_error(const char *extra_peer_key, const char *path)
{
    char json[4096], err[512];
    snprintf(json, sizeof json, base, 2L, TEMPO, "");
    /* give V0 (peers[0]) or M0 (peers[2]) an extra key */
    char *at = strstr(json, extra_peer_key[0] == 'V' ? "\"queries\": 4}}" : "\"compute\": 2}}");
    cr_assert(at);
    at = strchr(at, '}') + 1;
    char tail[4096];
    snprintf(tail, sizeof tail, "%s", at);
    snprintf(at, sizeof json - (size_t)(at - json), ", %s%s", extra_peer_key + 1, tail);
    write_scenario(2, "");
    FILE *f = fopen(g_scn, "w");
    fputs(json, f);
    fclose(f);
    bt_scenario sc;
    cr_expect_neq(bt_scenario_load(g_scn, NULL, 0, &sc, err, sizeof err), 0);
    cr_expect(strstr(err, path) != NULL, "error names %s: %s", path, err);
    unlink(g_scn);
}

Test(evaluator_agent, only_scoring_makes_an_evaluator)
{
    expect_load_error("V\"agent\": {\"type\": \"honest\"}", "peers[0].agent");
    expect_load_error("M\"agent\": {\"type\": \"evaluator\"}", "peers[2].agent.type");
}
