/* The whitepaper's scenario keys: defaults (kappa 0.5 for kind whitepaper only), every key read,
 * and each wrong value rejected with rc 2 and one line naming the file and JSON path, like the
 * existing keys (docs/scenario.md). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "scenario/scenario.h"

#define HEAD "{\"name\": \"m\", \"epochs\": 2, \"peers\": [{\"name\": \"V\", \"stake\": 1}], \"mechanism\": "

static int parse(const char *mech, const char *const *ovs, size_t n, bt_scenario *s, char *err)
{
    char text[2048];
    snprintf(text, sizeof text, HEAD "%s}", mech);
    return bt_scenario_parse("t.json", text, strlen(text), ovs, n, s, err, 512);
}

static void expect_error(const char *mech, const char *want)
{
    bt_scenario s;
    char err[512];
    int rc = parse(mech, NULL, 0, &s, err);
    cr_expect_eq(rc, BT_EXIT_BAD_INPUT, "rc %d for %s", rc, mech);
    cr_expect_null(strchr(err, '\n'), "one line: %s", err);
    cr_expect_str_eq(err, want, "for %s", mech);
}

Test(whitepaper_keys, defaults)
{
    bt_scenario s;
    char err[512];
    cr_assert_eq(parse("{\"kind\": \"whitepaper\"}", NULL, 0, &s, err), 0, "%s", err);
    cr_expect_eq(s.mech.kappa, 0.5);
    cr_expect_eq(s.mech.rho, 10);
    cr_expect_eq(s.mech.tau, 0.1);
    cr_expect_eq(s.mech.emission, BT_EMIT_PROPORTIONAL);
    cr_expect_eq(s.mech.self_share, 0.5);
    cr_expect_eq(s.mech.count_self_weights, 1);
    cr_expect_eq(s.mech.active_stake_only, 0);
    cr_expect_eq(s.mech.edge_threshold, 0);
    cr_expect_eq(s.mech.bond_accrual, BT_BONDS_CUMULATIVE);
    cr_expect_eq(s.mech.min_allowed_weights, 0);
    cr_expect_eq(s.mech.max_min_ratio, 0);
    cr_expect_eq(s.mech.short_rows, BT_SHORT_REJECT);
    cr_expect_eq(s.mech.peg_controller, 0);
    cr_expect_eq(s.mech.controller_step, 1);
    cr_expect_eq(s.mech.scaling_vector, 0);
    cr_expect_eq(s.mech.scaling_lr, 0.05);
    bt_scenario_free(&s);
    cr_assert_eq(parse("{\"kind\": \"yuma0\"}", NULL, 0, &s, err), 0, "%s", err);
    cr_expect_eq(s.mech.kappa, 32767.0 / 65535.0, "yuma0 keeps the chain's kappa");
    bt_scenario_free(&s);
    const char *ov[] = {"mechanism.kind=whitepaper"};
    cr_assert_eq(parse("{\"kind\": \"yuma\", \"kappa\": 0.3}", ov, 1, &s, err), 0, "%s", err);
    cr_expect_eq(s.mech.kappa, 0.3, "a given kappa wins");
    bt_scenario_free(&s);
}

Test(whitepaper_keys, every_key_is_read)
{
    bt_scenario s;
    char err[512];
    const char *m = "{\"kind\": \"whitepaper\", \"rho\": 10, \"kappa\": 0.5, \"tau\": 0.2, \"emission\": \"fixed\", "
                    "\"self_share\": 0.25, \"count_self_weights\": false, \"active_stake_only\": true, "
                    "\"edge_threshold\": 0.01, \"bond_accrual\": \"ema\", \"weight_cuts\": 2, "
                    "\"peg\": {\"min_allowed_weights\": 3, \"max_min_ratio\": 64, \"short_rows\": \"pad\", "
                    "\"controller\": true, \"controller_step\": 2, \"controller_max\": 40}, "
                    "\"scaling_vector\": {\"enabled\": true, \"learning_rate\": 0.5, \"depth\": 3}}";
    cr_assert_eq(parse(m, NULL, 0, &s, err), 0, "%s", err);
    cr_expect_eq(s.mech.tau, 0.2);
    cr_expect_eq(s.mech.emission, BT_EMIT_FIXED);
    cr_expect_eq(s.mech.self_share, 0.25);
    cr_expect_eq(s.mech.count_self_weights, 0);
    cr_expect_eq(s.mech.active_stake_only, 1);
    cr_expect_eq(s.mech.edge_threshold, 0.01);
    cr_expect_eq(s.mech.bond_accrual, BT_BONDS_EMA);
    cr_expect_eq(s.mech.weight_cuts, 2);
    cr_expect_eq(s.mech.min_allowed_weights, 3);
    cr_expect_eq(s.mech.max_min_ratio, 64);
    cr_expect_eq(s.mech.short_rows, BT_SHORT_PAD);
    cr_expect_eq(s.mech.peg_controller, 1);
    cr_expect_eq(s.mech.controller_step, 2);
    cr_expect_eq(s.mech.controller_max, 40);
    cr_expect_eq(s.mech.scaling_vector, 1);
    cr_expect_eq(s.mech.scaling_lr, 0.5);
    cr_expect_eq(s.mech.scaling_depth, 3);
    bt_scenario_free(&s);
}

Test(whitepaper_keys, overrides_reach_the_nested_objects)
{
    bt_scenario s;
    char err[512];
    const char *ov[] = {"mechanism.peg.controller=true", "mechanism.scaling_vector.depth=2", "mechanism.tau=1"};
    cr_assert_eq(parse("{\"kind\": \"whitepaper\"}", ov, 3, &s, err), 0, "%s", err);
    cr_expect_eq(s.mech.peg_controller, 1);
    cr_expect_eq(s.mech.scaling_depth, 2);
    cr_expect_eq(s.mech.tau, 1);
    bt_scenario_free(&s);
    const char *bad[] = {"mechanism.peg.min_allowed_weight=3"};
    cr_expect_eq(parse("{\"kind\": \"whitepaper\"}", bad, 1, &s, err), BT_EXIT_BAD_INPUT);
    cr_expect_str_eq(err, "t.json: mechanism.peg.min_allowed_weight: unknown key (did you mean \"min_allowed_weights\"?)");
}

Test(whitepaper_keys, wrong_values_name_their_path)
{
    expect_error("{\"kind\": \"whitepaper\", \"arithmetic\": \"fixed\"}",
                 "t.json: mechanism.arithmetic: kind \"whitepaper\" runs in float arithmetic only, got \"fixed\"");
    expect_error("{\"kind\": \"whitepaper\", \"tau\": -1}", "t.json: mechanism.tau: must be finite and >= 0, got -1");
    expect_error("{\"kind\": \"whitepaper\", \"emission\": \"linear\"}",
                 "t.json: mechanism.emission: unknown emission \"linear\" (expected one of \"proportional\", \"fixed\")");
    expect_error("{\"kind\": \"whitepaper\", \"self_share\": 1.5}", "t.json: mechanism.self_share: must be in [0, 1], got 1.5");
    expect_error("{\"kind\": \"whitepaper\", \"count_self_weights\": 1}",
                 "t.json: mechanism.count_self_weights: expected true or false, got a number");
    expect_error("{\"kind\": \"whitepaper\", \"active_stake_only\": \"yes\"}",
                 "t.json: mechanism.active_stake_only: expected true or false, got a string");
    expect_error("{\"kind\": \"whitepaper\", \"edge_threshold\": 1}", "t.json: mechanism.edge_threshold: must be in [0, 1), got 1");
    expect_error("{\"kind\": \"whitepaper\", \"bond_accrual\": \"sum\"}",
                 "t.json: mechanism.bond_accrual: unknown bond_accrual \"sum\" (expected one of \"cumulative\", \"ema\")");
    expect_error("{\"kind\": \"yuma0\", \"weight_cuts\": 4}", "t.json: mechanism.weight_cuts: must be an integer in [0, 3], got 4");
    expect_error("{\"kind\": \"whitepaper\", \"peg\": 3}", "t.json: mechanism.peg: expected an object, got a number");
    expect_error("{\"kind\": \"whitepaper\", \"peg\": {\"min_allowed_weights\": -1}}",
                 "t.json: mechanism.peg.min_allowed_weights: must be an integer >= 0, got -1");
    expect_error("{\"kind\": \"whitepaper\", \"peg\": {\"min_allowed_weights\": 1.5}}",
                 "t.json: mechanism.peg.min_allowed_weights: must be an integer, got 1.5");
    expect_error("{\"kind\": \"whitepaper\", \"peg\": {\"max_min_ratio\": 0.5}}",
                 "t.json: mechanism.peg.max_min_ratio: must be 0 (off) or >= 1, got 0.5");
    expect_error("{\"kind\": \"whitepaper\", \"peg\": {\"max_min_ratio\": -2}}",
                 "t.json: mechanism.peg.max_min_ratio: must be finite and >= 0, got -2");
    expect_error("{\"kind\": \"whitepaper\", \"peg\": {\"short_rows\": \"drop\"}}",
                 "t.json: mechanism.peg.short_rows: unknown short_rows \"drop\" (expected one of \"reject\", \"pad\")");
    expect_error("{\"kind\": \"whitepaper\", \"peg\": {\"controller\": \"on\"}}",
                 "t.json: mechanism.peg.controller: expected true or false, got a string");
    expect_error("{\"kind\": \"whitepaper\", \"peg\": {\"controller_step\": 0}}",
                 "t.json: mechanism.peg.controller_step: must be an integer >= 1, got 0");
    expect_error("{\"kind\": \"whitepaper\", \"peg\": {\"min_allowed_weights\": 5, \"controller_max\": 2}}",
                 "t.json: mechanism.peg: controller_max (2) must be 0 or >= min_allowed_weights (5)");
    expect_error("{\"kind\": \"whitepaper\", \"peg\": {\"minimum\": 2}}",
                 "t.json: mechanism.peg.minimum: unknown key (valid keys: min_allowed_weights, max_min_ratio, "
                 "short_rows, controller, controller_step, controller_max)");
    expect_error("{\"kind\": \"whitepaper\", \"scaling_vector\": true}",
                 "t.json: mechanism.scaling_vector: expected an object, got a boolean");
    expect_error("{\"kind\": \"whitepaper\", \"scaling_vector\": {\"learning_rate\": 0}}",
                 "t.json: mechanism.scaling_vector.learning_rate: must be finite and > 0, got 0");
    expect_error("{\"kind\": \"whitepaper\", \"scaling_vector\": {\"depth\": -1}}",
                 "t.json: mechanism.scaling_vector.depth: must be an integer >= 0, got -1");
    expect_error("{\"kind\": \"whitepaper\", \"scaling_vector\": {\"enable\": true}}",
                 "t.json: mechanism.scaling_vector.enable: unknown key (did you mean \"enabled\"?)");
    expect_error("{\"kind\": \"whitepaper\", \"taux\": 1}", "t.json: mechanism.taux: unknown key (did you mean \"tau\"?)");
}
