/* The models inside a run: the scenario keys ("task", peers[].model, peers[].scoring) and their
 * errors, and the scenarios of scenarios/models/ run end to end through bt_run: rewards
 * tracking quality, attacks priced, routing and distillation, /models in the output. */
#include "run/run.h"
#include "io/h5read.h"
#include "scenario/scenario.h"
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char g_out[128];

static void load(const char *rel, const char *const *ov, size_t nov, bt_scenario *sc)
{
    char path[1024], err[512];
    const char *root = getenv("BTSIM_ROOT");
    snprintf(path, sizeof path, "%s/%s", root ? root : ".", rel);
    cr_assert_eq(bt_scenario_load(path, ov, nov, sc, err, sizeof err), 0, "%s", err);
}

/* runs rel with overrides into g_out; returns the reader */
static bt_h5read *run_file(const char *rel, const char *const *ov, size_t nov)
{
    bt_scenario sc;
    bt_run_summary sum;
    char err[512];
    load(rel, ov, nov, &sc);
    snprintf(g_out, sizeof g_out, "/tmp/btsim_models_%d.h5", (int)getpid());
    bt_run_options opt = {.out_path = g_out, .seed = sc.seed, .quiet = 1};
    cr_assert_eq(bt_run(&sc, &opt, &sum, err, sizeof err), 0, "%s", err);
    bt_run_summary_free(&sum);
    bt_scenario_free(&sc);
    bt_h5read *r;
    cr_assert_eq(bt_h5read_open(&r, g_out, err, sizeof err), 0, "%s", err);
    return r;
}

static double *read_all(bt_h5read *r, const char *ds, size_t *rows, size_t *cols)
{
    int nd;
    size_t d[3] = {0, 1, 1};
    cr_assert_eq(bt_h5read_dims(r, ds, &nd, d), 0, "%s", bt_h5read_error(r));
    cr_assert_eq(nd, 2, "%s is [epochs x ...]", ds);
    double *buf = malloc(d[0] * d[1] * sizeof *buf);
    cr_assert_eq(bt_h5read_f64(r, ds, buf, d[0] * d[1]), 0, "%s", bt_h5read_error(r));
    *rows = d[0];
    *cols = d[1];
    return buf;
}

static void done(bt_h5read *r)
{
    bt_h5read_close(r);
    unlink(g_out);
}

Test(models_run, rewards_track_quality)
{
    const char *ov[] = {"epochs=30"};
    bt_h5read *r = run_file("scenarios/models/tracking.json", ov, 1);
    size_t e, n, two, one;
    double *loss = read_all(r, "/models/true_loss", &e, &n);
    double *al = read_all(r, "/models/alignment", &e, &two);
    double *ts = read_all(r, "/models/traffic_saved", &e, &one);
    cr_assert_eq(e, 30);
    cr_assert_eq(n, 16);
    cr_assert_eq(two, 2);
    cr_expect(isnan(loss[0]) && isnan(loss[3]), "validators have no true loss");
    for (size_t i = 4; i < 16; i++) cr_expect(loss[29 * n + i] < loss[i], "miner %zu learns", i);
    double sp = 0, kt = 0;
    for (size_t q = 20; q < 30; q++) { sp += al[2 * q] / 10; kt += al[2 * q + 1] / 10; }
    cr_log_info("tracking (fisher): Spearman %.3f, Kendall %.3f between true quality and incentive, epochs 20-29", sp, kt);
    cr_expect(sp > 0.8, "Spearman %g", sp);
    cr_expect(kt > 0.6, "Kendall %g", kt);
    cr_expect_eq(ts[0], 0.0, "every miner queried");
    free(loss); free(al); free(ts);
    done(r);
}

/* server emission share of peer i among peers lo..hi-1 */
static double share(bt_h5read *r, size_t i, size_t lo, size_t hi)
{
    double em[64], tot = 0;
    cr_assert_eq(bt_h5read_f64(r, "/summary/server_emission", em, 19), 0);
    for (size_t q = lo; q < hi; q++) tot += em[q];
    return em[i] / tot;
}

Test(models_run, attacks_are_priced)
{
    /* peers: V0-V3, M00-M11 (4..15; M10 = 14 is the best), copier 16, random 17, distiller 18 */
    const char *fisher[] = {"epochs=30"};
    const char *rank[] = {"epochs=30", "peers[0].scoring.rule=rank", "peers[1].scoring.rule=rank",
                          "peers[2].scoring.rule=rank", "peers[3].scoring.rule=rank"};
    bt_h5read *r = run_file("scenarios/models/attack.json", fisher, 1);
    double f_target = share(r, 14, 4, 19), f_copy = share(r, 16, 4, 19), f_random = share(r, 17, 4, 19);
    double f_dist = share(r, 18, 4, 19);
    done(r);
    r = run_file("scenarios/models/attack.json", rank, 5);
    double r_target = share(r, 14, 4, 19), r_copy = share(r, 16, 4, 19), r_random = share(r, 17, 4, 19);
    done(r);
    cr_log_info("emission share, fisher: best %.3f copier %.3f random %.4f distiller %.3f; rank: best %.3f copier %.3f random %.4f",
                f_target, f_copy, f_random, f_dist, r_target, r_copy, r_random);
    cr_expect(f_random < 0.01 && r_random < 0.01, "a random miner earns (almost) nothing");
    cr_expect(f_copy < 0.6 * f_target, "fisher: a redundant copy earns far less than its target");
    cr_expect(r_copy > 0.7 * r_target, "rank: the copy is paid like the original");
}

Test(models_run, routing_saves_traffic_and_the_distilled_student_learns)
{
    const char *ov[] = {"epochs=25"};
    bt_h5read *r = run_file("scenarios/models/router.json", ov, 1);
    size_t e, n, one;
    double *ts = read_all(r, "/models/traffic_saved", &e, &one);
    double *dl = read_all(r, "/models/distill_loss", &e, &n);
    double *ov_ = read_all(r, "/models/router_overlap", &e, &n);
    double *qs = read_all(r, "/models/query_share", &e, &n);
    for (size_t q = 0; q < e; q++) cr_expect_float_eq(ts[q], 0.75, 1e-12, "3 of 12 miners per batch");
    double s = 0;
    for (size_t i = 4; i < 16; i++) s += qs[(e - 1) * n + i];
    cr_expect_float_eq(s, 1.0, 1e-9, "query shares sum to 1");
    cr_log_info("router: overlap with the true top 3 %.2f -> %.2f; distilled student KL %.3f -> %.3f",
                ov_[0], ov_[(e - 1) * n], dl[0], dl[(e - 1) * n]);
    for (size_t v = 0; v < 4; v++) cr_expect(dl[(e - 1) * n + v] < 0.5 * dl[v], "validator %zu's student learns", v);
    cr_expect(ov_[(e - 1) * n] > ov_[0], "the gate converges on the best miners");
    cr_expect(isnan(dl[4]), "miners distil nothing");
    free(ts); free(dl); free(ov_); free(qs);
    done(r);
}

Test(models_run, same_seed_same_output)
{
    const char *ov[] = {"epochs=5"};
    bt_h5read *r = run_file("scenarios/models/attack.json", ov, 1);
    size_t e, n;
    double *a = read_all(r, "/models/true_loss", &e, &n);
    done(r);
    r = run_file("scenarios/models/attack.json", ov, 1);
    double *b = read_all(r, "/models/true_loss", &e, &n);
    done(r);
    cr_expect(memcmp(a, b, e * n * sizeof *a) == 0);
    free(a); free(b);
}

/* ---- scenario keys ---- */

static const char *BASE =
    "{\"name\": \"m\", \"mechanism\": {\"kind\": \"yuma3\"}, \"epochs\": 2, %s \"peers\": ["
    "{\"name\": \"V\", \"stake\": 1, \"scoring\": %s},"
    "{\"name\": \"A\", \"stake\": 0, \"model\": %s},"
    "{\"name\": \"B\", \"stake\": 0, \"model\": %s}]%s}";

static int parse(const char *task, const char *scoring, const char *ma, const char *mb, const char *extra,
                 bt_scenario *sc, char *err)
{
    char text[2048];
    snprintf(text, sizeof text, BASE, task, scoring, ma, mb, extra);
    return bt_scenario_parse("m.json", text, strlen(text), NULL, 0, sc, err, 512);
}

#define TASK "\"task\": {\"d_in\": 4, \"d_out\": 3, \"hidden\": 8, \"batch\": 8, \"seed\": 3},"

Test(models_run, scenario_keys_are_read)
{
    bt_scenario sc;
    char err[512];
    cr_assert_eq(parse(TASK, "{\"rule\": \"rank\", \"ema\": 0.5, \"router\": {\"top_k\": 1}, \"distill\": {\"width\": 3}}",
                       "{\"type\": \"student\", \"width\": 5, \"lr\": 0.2, \"compute\": 3}",
                       "{\"type\": \"copy\", \"target\": \"A\", \"delay\": 2}", "", &sc, err), 0, "%s", err);
    cr_assert_not_null(sc.models);
    cr_expect_eq(sc.models->task.d_in, 4);
    cr_expect(sc.models->task.seeded && sc.models->task.seed == 3);
    cr_expect_eq(sc.models->role[0], BT_ROLE_EVALUATOR);
    cr_expect_eq(sc.models->eval[0].rule, BT_RULE_RANK);
    cr_expect_eq(sc.models->eval[0].top_k, 1);
    cr_expect(sc.models->eval[0].distill && sc.models->eval[0].distill_width == 3);
    cr_expect_eq(sc.models->miner[1].width, 5);
    cr_expect_eq(sc.models->miner[2].type, BT_MINER_COPY);
    cr_expect_eq(sc.models->miner[2].target, 1);
    cr_expect_eq(sc.models->miner[2].delay, 2);
    bt_scenario_free(&sc);
}

static void expect_error(const char *task, const char *scoring, const char *ma, const char *mb, const char *extra,
                         const char *msg)
{
    bt_scenario sc;
    char err[512];
    cr_expect_eq(parse(task, scoring, ma, mb, extra, &sc, err), BT_EXIT_BAD_INPUT, "expected: %s", msg);
    cr_expect(strstr(err, msg) != NULL, "got \"%s\", expected \"%s\"", err, msg);
}

Test(models_run, scenario_errors_name_the_path)
{
    const char *st = "{}", *cp = "{\"type\": \"copy\", \"target\": \"A\"}";
    expect_error("", "{}", st, st, "", "m.json: peers[0].scoring: needs the top-level \"task\"");
    expect_error(TASK, "{}", "{\"widht\": 3}", st, "", "peers[1].model.widht: unknown key (did you mean \"width\"?)");
    expect_error(TASK, "{}", "{\"type\": \"clone\"}", st, "", "peers[1].model.type: unknown type \"clone\"");
    expect_error(TASK, "{}", st, "{\"type\": \"copy\"}", "", "peers[2].model: missing key \"target\"");
    expect_error(TASK, "{}", st, "{\"type\": \"copy\", \"target\": \"B\"}", "", "peers[2].model.target: \"B\" must be another peer");
    expect_error(TASK, "{}", "{\"type\": \"random\"}", cp, "", "peers[2].model.target: \"A\" must be another peer");
    expect_error(TASK, "{}", st, "{\"type\": \"random\", \"width\": 3}", "", "peers[2].model.width: only for \"type\": \"student\" or \"distilled\"");
    expect_error(TASK, "{\"rule\": \"shapley\"}", st, st, "", "peers[0].scoring.rule: unknown rule \"shapley\"");
    expect_error(TASK, "{\"router\": {\"top_k\": 3}}", st, st, "", "peers[0].scoring.router.top_k: must be <= the number of peers with a model (2), got 3");
    expect_error(TASK, "{\"ema\": 1}", st, st, "", "peers[0].scoring.ema: must be in [0, 1), got 1");
    expect_error("\"task\": {\"d_out\": 1},", "{}", st, st, "", "task.d_out: must be an integer in [2, 4096], got 1");
    expect_error(TASK, "{}", st, st, ", \"weights\": [{\"epoch\": 0, \"from\": \"V\", \"to\": {\"A\": 1}}]",
                 "peers[0].scoring: peer V also sets scripted \"weights\"");
}
