/* Scenario loading: a valid file becomes the expected structs (fields, defaults, order of rows,
 * sorting, from-array expansion); every kind of bad input gives rc 2 and one error line naming
 * the file and the JSON path; --set overrides change values and are validated like the file. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "scenario/scenario.h"

static const char *EXAMPLE =
    "{\n"
    "  \"name\": \"yuma3_kappa_moves_first\",\n"
    "  \"seed\": 7,\n"
    "  \"description\": \"ignored\",\n"
    "  \"mechanism\": {\"kind\": \"yuma3\", \"arithmetic\": \"fixed\", \"kappa\": 0.5,\n"
    "                \"bonds_penalty\": 0.0, \"bonds_moving_average\": 0.975,\n"
    "                \"max_allowed_validators\": 3,\n"
    "                \"liquid_alpha\": {\"enabled\": true, \"alpha_low\": 0.1,\n"
    "                                 \"alpha_high\": 0.3, \"steepness\": 10}},\n"
    "  \"peers\": [{\"name\": \"A\", \"stake\": 8}, {\"name\": \"B\", \"stake\": 1, \"group\": \"cabal\"},\n"
    "            {\"name\": \"C\", \"stake\": 1}, {\"name\": \"S1\", \"stake\": 0},\n"
    "            {\"name\": \"S2\", \"stake\": 0}],\n"
    "  \"epochs\": 6,\n"
    "  \"weights\": [\n"
    "    {\"epoch\": 1, \"from\": [\"C\", \"B\"], \"to\": {\"S2\": 1, \"S1\": 0}, \"every\": 1},\n"
    "    {\"epoch\": 0, \"from\": \"A\", \"to\": {\"S1\": 1, \"S2\": 0}},\n"
    "    {\"epoch\": 1, \"from\": \"A\", \"to\": {}}\n"
    "  ],\n"
    "  \"events\": [{\"epoch\": 2, \"type\": \"reset_bonds\", \"peer\": \"S1\"}],\n"
    "  \"output\": {\"bonds\": true, \"weights\": false}\n"
    "}\n";

/* A small valid scenario to which each error test adds or changes one thing. */
#define MINI_HEAD "{\"name\": \"m\", \"epochs\": 4, \"mechanism\": {\"kind\": \"yuma\"}, " \
                  "\"peers\": [{\"name\": \"V\", \"stake\": 1}, {\"name\": \"S\", \"stake\": 0}]"
#define MINI(extra) MINI_HEAD extra "}"

static int parse(const char *text, const char *const *ovs, size_t n, bt_scenario *s, char *err)
{
    return bt_scenario_parse("t.json", text, strlen(text), ovs, n, s, err, 512);
}

/* rc 2, one line, "t.json: " first, `want` inside, and nothing left allocated in s. */
static void expect_error_ov(const char *text, const char *const *ovs, size_t n, const char *want)
{
    bt_scenario s;
    char err[512];
    int rc = parse(text, ovs, n, &s, err);
    cr_assert_eq(rc, BT_EXIT_BAD_INPUT, "rc %d for: %s", rc, text);
    cr_assert_eq(strncmp(err, "t.json: ", 8), 0, "no file name: %s", err);
    cr_assert_null(strchr(err, '\n'), "more than one line: %s", err);
    cr_assert_not_null(strstr(err, want), "\"%s\" not in \"%s\"", want, err);
    cr_assert_null(s.peers);
    cr_assert_null(s.weights);
    cr_assert_null(s.json);
    cr_assert_eq(s.npeers, 0);
}

static void expect_error(const char *text, const char *want)
{
    expect_error_ov(text, NULL, 0, want);
}

static void load_example(bt_scenario *s)
{
    char err[512];
    int rc = parse(EXAMPLE, NULL, 0, s, err);
    cr_assert_eq(rc, 0, "%s", err);
}

/* ---------------- valid scenarios ---------------- */

Test(scenario, example_top_level_fields_and_output_switches)
{
    bt_scenario s;
    load_example(&s);
    cr_assert_str_eq(s.name, "yuma3_kappa_moves_first");
    cr_assert_str_eq(s.path, "t.json");
    cr_assert_eq(s.seed, 7);
    cr_assert_eq(s.epochs, 6);
    cr_assert_eq(s.output.bonds, 1);
    cr_assert_eq(s.output.weights, 0);
    bt_scenario_free(&s);
}

Test(scenario, example_mechanism_keys_set_and_missing_keys_keep_chain_defaults)
{
    bt_scenario s;
    bt_params d;
    bt_params_default(&d);
    load_example(&s);
    cr_assert_eq(s.mech.kind, BT_KIND_YUMA3);
    cr_assert_eq(s.mech.arithmetic, BT_ARITH_FIXED);
    cr_assert_eq(s.mech.kappa, 0.5);
    cr_assert_eq(s.mech.bonds_penalty, 0.0);
    cr_assert_eq(s.mech.bonds_moving_average, 0.975);
    cr_assert_eq(s.mech.max_allowed_validators, 3);
    cr_assert_eq(s.mech.liquid_alpha, 1);
    cr_assert_eq(s.mech.alpha_low, 0.1);
    cr_assert_eq(s.mech.alpha_high, 0.3);
    cr_assert_eq(s.mech.steepness, 10.0);
    cr_assert_eq(s.mech.tempo, d.tempo);
    cr_assert_eq(s.mech.activity_cutoff, -1);
    cr_assert_eq(s.mech.stake_threshold, d.stake_threshold);
    cr_assert_eq(s.mech.rao_emission, d.rao_emission);
    cr_assert_eq(s.mech.owner, -1);
    cr_assert_eq(s.mech.stake_from_emission, d.stake_from_emission);
    cr_assert_eq(s.mech.rho, d.rho);
    bt_scenario_free(&s);
}

Test(scenario, example_peers_in_file_order_with_empty_group_by_default)
{
    bt_scenario s;
    load_example(&s);
    cr_assert_eq(s.npeers, 5);
    const char *names[] = {"A", "B", "C", "S1", "S2"};
    const double stakes[] = {8, 1, 1, 0, 0};
    for (size_t i = 0; i < 5; i++) {
        cr_assert_str_eq(s.peers[i].name, names[i]);
        cr_assert_eq(s.peers[i].stake, stakes[i]);
        cr_assert_str_eq(s.peers[i].group, i == 1 ? "cabal" : "");
    }
    bt_scenario_free(&s);
}

Test(scenario, weights_sorted_by_epoch_stably_with_from_arrays_expanded_in_order)
{
    bt_scenario s;
    load_example(&s);
    /* file: e1 from [C,B]; e0 from A; e1 from A (empty row) */
    cr_assert_eq(s.nweights, 4);
    const long epoch[] = {0, 1, 1, 1};
    const size_t from[] = {0, 2, 1, 0};
    const long every[] = {0, 1, 1, 0};
    for (size_t i = 0; i < 4; i++) {
        cr_assert_eq(s.weights[i].epoch, epoch[i], "row %zu", i);
        cr_assert_eq(s.weights[i].from, from[i], "row %zu", i);
        cr_assert_eq(s.weights[i].every, every[i], "row %zu", i);
    }
    bt_scenario_free(&s);
}

Test(scenario, weight_rows_keep_the_objects_key_order_and_explicit_zeros)
{
    bt_scenario s;
    load_example(&s);
    const bt_weights_spec *a = &s.weights[0];      /* {"S1": 1, "S2": 0} */
    cr_assert_eq(a->nto, 2);
    cr_assert_eq(a->to[0], 3);
    cr_assert_eq(a->w[0], 1.0);
    cr_assert_eq(a->to[1], 4);
    cr_assert_eq(a->w[1], 0.0);
    for (size_t k = 1; k <= 2; k++) {              /* {"S2": 1, "S1": 0}, once per sender */
        const bt_weights_spec *b = &s.weights[k];
        cr_assert_eq(b->nto, 2);
        cr_assert_eq(b->to[0], 4);
        cr_assert_eq(b->w[0], 1.0);
        cr_assert_eq(b->to[1], 3);
        cr_assert_eq(b->w[1], 0.0);
    }
    cr_assert_neq(s.weights[1].to, s.weights[2].to, "each expanded row owns its arrays");
    cr_assert_eq(s.weights[3].nto, 0, "an empty object is an empty row");
    bt_scenario_free(&s);
}

Test(scenario, events_resolved_to_peer_indices)
{
    bt_scenario s;
    load_example(&s);
    cr_assert_eq(s.nevents, 1);
    cr_assert_eq(s.events[0].epoch, 2);
    cr_assert_eq(s.events[0].type, BT_EVENT_RESET_BONDS);
    cr_assert_eq(s.events[0].peer, 3);
    bt_scenario_free(&s);
}

Test(scenario, events_sorted_by_epoch_keeping_file_order_within_an_epoch)
{
    const char *text = MINI(", \"events\": ["
                            "{\"epoch\": 3, \"type\": \"reset_bonds\", \"peer\": \"V\"},"
                            "{\"epoch\": 1, \"type\": \"reset_bonds\", \"peer\": \"S\"},"
                            "{\"epoch\": 3, \"type\": \"reset_bonds\", \"peer\": \"S\"},"
                            "{\"epoch\": 1, \"type\": \"reset_bonds\", \"peer\": \"V\"}]");
    bt_scenario s;
    char err[512];
    cr_assert_eq(parse(text, NULL, 0, &s, err), 0, "%s", err);
    const long epoch[] = {1, 1, 3, 3};
    const size_t peer[] = {1, 0, 0, 1};
    for (size_t i = 0; i < 4; i++) {
        cr_assert_eq(s.events[i].epoch, epoch[i]);
        cr_assert_eq(s.events[i].peer, peer[i]);
    }
    bt_scenario_free(&s);
}

Test(scenario, minimal_scenario_gets_defaults_everywhere)
{
    bt_scenario s;
    bt_params d;
    char err[512];
    bt_params_default(&d);
    cr_assert_eq(parse(MINI(""), NULL, 0, &s, err), 0, "%s", err);
    cr_assert_eq(s.mech.kind, BT_KIND_YUMA);
    cr_assert_eq(s.mech.arithmetic, d.arithmetic);
    cr_assert_eq(s.mech.kappa, d.kappa);
    cr_assert_eq(s.mech.bonds_penalty, d.bonds_penalty);
    cr_assert_eq(s.mech.bonds_moving_average, d.bonds_moving_average);
    cr_assert_eq(s.mech.max_allowed_validators, d.max_allowed_validators);
    cr_assert_eq(s.mech.liquid_alpha, d.liquid_alpha);
    cr_assert_eq(s.mech.alpha_low, d.alpha_low);
    cr_assert_eq(s.mech.alpha_high, d.alpha_high);
    cr_assert_eq(s.mech.steepness, d.steepness);
    cr_assert_eq(s.mech.tempo, d.tempo);
    cr_assert_eq(s.mech.activity_cutoff, d.activity_cutoff);
    cr_assert_eq(s.mech.stake_threshold, d.stake_threshold);
    cr_assert_eq(s.mech.rao_emission, d.rao_emission);
    cr_assert_eq(s.mech.owner, d.owner);
    cr_assert_eq(s.mech.stake_from_emission, d.stake_from_emission);
    cr_assert_eq(s.mech.rho, d.rho);
    cr_assert_eq(s.seed, 0);
    cr_assert_eq(s.nweights, 0);
    cr_assert_eq(s.nevents, 0);
    cr_assert_eq(s.output.bonds, 0);
    cr_assert_eq(s.output.weights, 0);
    bt_scenario_free(&s);
}

Test(scenario, every_mechanism_key_is_read)
{
    const char *text =
        "{\"name\": \"m\", \"epochs\": 2, \"peers\": [{\"name\": \"V\", \"stake\": 1}, "
        "{\"name\": \"O\", \"stake\": 0}], \"mechanism\": {\"kind\": \"whitepaper\", "
        "\"arithmetic\": \"float\", \"tempo\": 99, \"activity_cutoff\": 5000, "
        "\"stake_threshold\": 1000, \"rao_emission\": 5e8, \"owner\": \"O\", "
        "\"stake_from_emission\": true, \"rho\": 30, \"kappa\": 1, \"bonds_penalty\": 0.25, "
        "\"liquid_alpha\": {\"alpha_low\": 0.7, \"alpha_high\": 0.7, \"steepness\": -327.68}}}";
    bt_scenario s;
    char err[512];
    cr_assert_eq(parse(text, NULL, 0, &s, err), 0, "%s", err);
    cr_assert_eq(s.mech.kind, BT_KIND_WHITEPAPER);
    cr_assert_eq(s.mech.arithmetic, BT_ARITH_FLOAT);
    cr_assert_eq(s.mech.tempo, 99);
    cr_assert_eq(s.mech.activity_cutoff, 5000);
    cr_assert_eq(s.mech.stake_threshold, 1000);
    cr_assert_eq(s.mech.rao_emission, 5e8);
    cr_assert_eq(s.mech.owner, 1);
    cr_assert_eq(s.mech.stake_from_emission, 1);
    cr_assert_eq(s.mech.rho, 30);
    cr_assert_eq(s.mech.kappa, 1);
    cr_assert_eq(s.mech.bonds_penalty, 0.25);
    cr_assert_eq(s.mech.liquid_alpha, 0, "enabled keeps its default when absent");
    cr_assert_eq(s.mech.steepness, -327.68);
    bt_scenario_free(&s);
}

Test(scenario, json_text_is_kept_with_overrides_applied)
{
    const char *ov[] = {"mechanism.kappa=0.25"};
    bt_scenario s;
    char err[512];
    cr_assert_eq(parse(EXAMPLE, ov, 1, &s, err), 0, "%s", err);
    cr_assert_not_null(strstr(s.json, "\"kappa\":0.25"), "%s", s.json);
    cr_assert_null(strchr(s.json, '\n'), "printed unformatted");
    cr_assert_not_null(strstr(s.json, "\"name\":\"yuma3_kappa_moves_first\""));
    bt_scenario_free(&s);
}

Test(scenario, text_without_a_terminating_nul_is_read_within_its_length)
{
    size_t n = strlen(EXAMPLE);
    char *copy = malloc(n);   /* exactly n bytes: ASan catches any read past the end */
    memcpy(copy, EXAMPLE, n);
    bt_scenario s;
    char err[512];
    cr_assert_eq(bt_scenario_parse("t.json", copy, n, NULL, 0, &s, err, sizeof err), 0, "%s", err);
    bt_scenario_free(&s);
    cr_assert_eq(bt_scenario_parse("t.json", copy, n - 3, NULL, 0, &s, err, sizeof err), 2);
    free(copy);
}

Test(scenario, load_reads_a_file_and_records_its_path)
{
    char path[] = "/tmp/btsim_scenario_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, EXAMPLE, strlen(EXAMPLE)), (ssize_t)strlen(EXAMPLE));
    close(fd);
    bt_scenario s;
    char err[512];
    int rc = bt_scenario_load(path, NULL, 0, &s, err, sizeof err);
    unlink(path);
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert_str_eq(s.path, path);
    cr_assert_eq(s.nweights, 4);
    bt_scenario_free(&s);
}

/* ---------------- overrides ---------------- */

Test(overrides, set_numbers_booleans_and_strings_at_any_depth)
{
    const char *ov[] = {"mechanism.kappa=0.4", "peers[0].stake=5", "peers.1.stake=6",
                        "mechanism.liquid_alpha.enabled=false", "output.bonds=false",
                        "mechanism.kind=yuma0", "peers[2].group=\"x y\"", "seed=11"};
    bt_scenario s;
    char err[512];
    cr_assert_eq(parse(EXAMPLE, ov, 8, &s, err), 0, "%s", err);
    cr_assert_eq(s.mech.kappa, 0.4);
    cr_assert_eq(s.peers[0].stake, 5);
    cr_assert_eq(s.peers[1].stake, 6);
    cr_assert_eq(s.mech.liquid_alpha, 0);
    cr_assert_eq(s.output.bonds, 0);
    cr_assert_eq(s.mech.kind, BT_KIND_YUMA0);
    cr_assert_str_eq(s.peers[2].group, "x y");
    cr_assert_eq(s.seed, 11);
    bt_scenario_free(&s);
}

Test(overrides, missing_objects_on_the_path_are_created)
{
    const char *ov[] = {"output.weights=true", "mechanism.liquid_alpha.alpha_low=0.2"};
    bt_scenario s;
    char err[512];
    cr_assert_eq(parse(MINI(""), ov, 2, &s, err), 0, "%s", err);
    cr_assert_eq(s.output.weights, 1);
    cr_assert_eq(s.mech.alpha_low, 0.2);
    bt_scenario_free(&s);
}

Test(overrides, later_overrides_win_and_whole_values_replace)
{
    const char *ov[] = {"epochs=3", "epochs=5", "weights=[]",
                        "peers[1]={\"name\": \"T\", \"stake\": 2}"};
    bt_scenario s;
    char err[512];
    cr_assert_eq(parse(EXAMPLE, ov, 4, &s, err), 0, "%s", err);
    cr_assert_eq(s.epochs, 5);
    cr_assert_eq(s.nweights, 0);
    cr_assert_str_eq(s.peers[1].name, "T");
    cr_assert_eq(s.peers[1].stake, 2);
    bt_scenario_free(&s);
}

Test(overrides, unknown_key_is_reported_with_its_path_and_a_suggestion)
{
    const char *ov[] = {"mechanism.kapa=0.4"};
    expect_error_ov(EXAMPLE, ov, 1, "t.json: mechanism.kapa: unknown key (did you mean \"kappa\"?)");
}

Test(overrides, values_are_validated_like_the_file)
{
    const char *ov1[] = {"mechanism.kappa=1.5"};
    expect_error_ov(EXAMPLE, ov1, 1, "mechanism.kappa: must be in [0, 1], got 1.5");
    const char *ov2[] = {"peers[0].stake=1e999"};
    expect_error_ov(EXAMPLE, ov2, 1, "peers[0].stake: number out of range");
    const char *ov3[] = {"output.bonds=yes"};
    expect_error_ov(EXAMPLE, ov3, 1, "output.bonds: expected true, false or \"sparse\", got \"yes\"");
}

Test(overrides, index_past_the_end_is_an_error)
{
    const char *ov[] = {"peers[9].stake=1"};
    expect_error_ov(EXAMPLE, ov, 1, "t.json: --set peers[9].stake=1: no such element peers[9]");
    const char *ov2[] = {"peers.5.stake=1"};
    expect_error_ov(EXAMPLE, ov2, 1, "no such element peers[5]");
}

Test(overrides, path_through_a_scalar_or_of_the_wrong_shape_is_an_error)
{
    const char *ov1[] = {"name.first=1"};
    expect_error_ov(EXAMPLE, ov1, 1, "--set name.first=1: name is a string");
    const char *ov2[] = {"peers.first=1"};
    expect_error_ov(EXAMPLE, ov2, 1, "peers is an array");
    const char *ov3[] = {"mechanism[0]=1"};
    expect_error_ov(EXAMPLE, ov3, 1, "mechanism is an object, not an array");
}

Test(overrides, malformed_overrides_are_errors)
{
    const char *bad[] = {"mechanism.kappa", "=1", "peers[0.stake=1", "a..b=1", "a.=1",
                         "peers[x].stake=1", "name=[1,", "name=\"open"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_error_ov(EXAMPLE, &bad[i], 1, "--set ");
}

/* ---------------- errors: the file as a whole ---------------- */

Test(errors, malformed_json_reports_line_and_column)
{
    const char *text = "{\n  \"name\": \"x\",\n  \"epochs\": 3,\n  \"peers\": [1, }\n}\n";
    expect_error(text, "t.json: line 4, column 16: invalid JSON");
}

Test(errors, columns_count_characters_not_bytes)
{
    expect_error("{\"name\": \"\xc3\xa9\xc3\xa9\" x}", "line 1, column 15: invalid JSON");
}

Test(errors, truncated_file_reports_where_it_ends)
{
    expect_error("{\n  \"name\": \"x\",\n  \"peers\": [\n", "t.json: line 3, column 13: invalid JSON (the file ends too early)");
    expect_error("{\"name\": \"abc", "line 1, column 14: invalid JSON (the file ends too early)");
}

Test(errors, empty_or_blank_file)
{
    expect_error("", "t.json: line 1, column 1: invalid JSON (empty file)");
    expect_error(" \n\t\n", "invalid JSON (empty file)");
}

Test(errors, text_after_the_value_nul_bytes_control_characters_and_bad_utf8)
{
    expect_error(MINI("") " {}", "invalid JSON (text after the end");
    bt_scenario s;
    char err[512];
    cr_assert_eq(bt_scenario_parse("t.json", "{\"a\": \0}", 8, NULL, 0, &s, err, 512), 2);
    cr_assert_not_null(strstr(err, "line 1, column 7: invalid JSON (NUL byte)"), "%s", err);
    expect_error("{\"name\": \"a\tb\"}", "line 1, column 12: invalid JSON (control character U+0009");
    expect_error("{\"name\": \"\xff\"}", "line 1, column 11: invalid UTF-8");
}

Test(errors, top_level_must_be_an_object)
{
    expect_error("[1, 2]", "t.json: (top level): expected an object, got an array");
}

Test(errors, nesting_deeper_than_64_levels)
{
    char text[512];
    int n = snprintf(text, sizeof text, "{\"name\": ");
    for (int i = 0; i < 100; i++)
        text[n++] = '[';
    text[n] = '\0';
    expect_error(text, "line 1, column 73: nesting deeper than 64 levels");
}

Test(errors, unreadable_file)
{
    bt_scenario s;
    char err[512];
    int rc = bt_scenario_load("/nonexistent/x.json", NULL, 0, &s, err, sizeof err);
    cr_assert_eq(rc, 2);
    cr_assert_str_eq(err, "/nonexistent/x.json: cannot read: No such file or directory");
    rc = bt_scenario_load("/tmp", NULL, 0, &s, err, sizeof err);
    cr_assert_eq(rc, 2);
    cr_assert_str_eq(err, "/tmp: cannot read: Is a directory");
}

Test(errors, file_larger_than_256_mib_is_refused_before_reading)
{
    char path[] = "/tmp/btsim_big_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(ftruncate(fd, (off_t)300 << 20), 0);   /* sparse: no disk used */
    close(fd);
    bt_scenario s;
    char err[512];
    int rc = bt_scenario_load(path, NULL, 0, &s, err, sizeof err);
    unlink(path);
    cr_assert_eq(rc, 2);
    cr_assert_not_null(strstr(err, "file too large"), "%s", err);
}

Test(errors, a_short_err_buffer_is_cut_and_terminated)
{
    bt_scenario s;
    char err[8];
    memset(err, 'x', sizeof err);
    cr_assert_eq(bt_scenario_parse("t.json", "[", 1, NULL, 0, &s, err, sizeof err), 2);
    cr_assert_str_eq(err, "t.json:");
    cr_assert_eq(bt_scenario_parse("t.json", "[", 1, NULL, 0, &s, NULL, 0), 2);
}

/* ---------------- errors: keys ---------------- */

Test(errors, unknown_keys_at_every_level_with_suggestions)
{
    expect_error(MINI(", \"epoch\": 3"), "t.json: epoch: unknown key (did you mean \"epochs\"?)");
    expect_error("{\"name\": \"m\", \"epochs\": 4, \"mechanism\": {\"kind\": \"yuma\", \"kapa\": 0.5}, "
                 "\"peers\": [{\"name\": \"V\", \"stake\": 1}]}",
                 "t.json: mechanism.kapa: unknown key (did you mean \"kappa\"?)");
    expect_error("{\"name\": \"m\", \"epochs\": 4, \"mechanism\": {\"kind\": \"yuma\", "
                 "\"liquid_alpha\": {\"enable\": true}}, \"peers\": [{\"name\": \"V\", \"stake\": 1}]}",
                 "mechanism.liquid_alpha.enable: unknown key (did you mean \"enabled\"?)");
    expect_error("{\"name\": \"m\", \"epochs\": 4, \"mechanism\": {\"kind\": \"yuma\"}, "
                 "\"peers\": [{\"name\": \"V\", \"stake\": 1, \"grup\": \"g\"}]}",
                 "peers[0].grup: unknown key (did you mean \"group\"?)");
    expect_error(MINI(", \"weights\": [{\"epoch\": 0, \"from\": \"V\", \"to\": {}, \"evry\": 2}]"),
                 "weights[0].evry: unknown key (did you mean \"every\"?)");
    expect_error(MINI(", \"events\": [{\"epoch\": 0, \"type\": \"reset_bonds\", \"peer\": \"S\", \"uid\": 1}]"),
                 "events[0].uid: unknown key (valid keys: epoch, block, type, peer, to, amount, param, value)");
    expect_error(MINI(", \"output\": {\"Bonds\": true}"), "output.Bonds: unknown key (did you mean \"bonds\"?)");
}

Test(errors, unknown_key_far_from_any_lists_the_valid_keys)
{
    expect_error(MINI(", \"zzzzzz\": 1"),
                 "zzzzzz: unknown key (valid keys: name, description, seed, mechanism, peers, epochs");
}

Test(errors, missing_required_keys)
{
    expect_error("{\"epochs\": 4, \"mechanism\": {\"kind\": \"yuma\"}, \"peers\": []}",
                 "t.json: (top level): missing key \"name\"");
    expect_error("{\"name\": \"m\", \"epochs\": 4, \"mechanism\": {}, \"peers\": [{\"name\": \"V\", \"stake\": 1}]}",
                 "mechanism: missing key \"kind\"");
    expect_error("{\"name\": \"m\", \"epochs\": 4, \"mechanism\": {\"kind\": \"yuma\"}, \"peers\": [{\"name\": \"V\"}]}",
                 "t.json: peers[0]: missing key \"stake\"");
    expect_error(MINI(", \"weights\": [{\"epoch\": 0, \"from\": \"V\"}]"), "weights[0]: missing key \"to\"");
    expect_error(MINI(", \"events\": [{\"epoch\": 0, \"type\": \"reset_bonds\"}]"), "events[0]: missing key \"peer\"");
}

Test(errors, duplicate_keys_in_one_object)
{
    expect_error(MINI(", \"epochs\": 5"), "t.json: epochs: duplicate key");
    expect_error(MINI(", \"weights\": [{\"epoch\": 0, \"from\": \"V\", \"to\": {\"S\": 1, \"S\": 0}}]"),
                 "weights[0].to.S: duplicate key");
}

Test(errors, duplicate_keys_in_a_large_object)
{
    char *text = malloc(200000);
    size_t n = (size_t)sprintf(text, "{\"name\": \"m\", \"x\": {");
    for (int i = 0; i < 5000; i++)
        n += (size_t)sprintf(text + n, "\"k%d\": 1, ", i);
    sprintf(text + n, "\"k4321\": 2}}");
    expect_error(text, "x.k4321: duplicate key");
    free(text);
}

/* ---------------- errors: values ---------------- */

Test(errors, wrong_types_name_what_was_expected_and_found)
{
    expect_error("{\"name\": 5, \"epochs\": 4, \"mechanism\": {\"kind\": \"yuma\"}, \"peers\": []}",
                 "t.json: name: expected a string, got a number");
    expect_error(MINI(", \"seed\": \"7\""), "seed: expected an integer, got a string");
    expect_error(MINI(", \"output\": {\"bonds\": 1}"), "output.bonds: expected true or false, got a number");
    expect_error(MINI(", \"weights\": {}"), "weights: expected an array, got an object");
    expect_error(MINI(", \"events\": [3]"), "events[0]: expected an object, got a number");
    expect_error(MINI(", \"weights\": [{\"epoch\": 0, \"from\": \"V\", \"to\": {\"S\": \"1\"}}]"),
                 "weights[0].to.S: expected a number, got a string");
    expect_error(MINI(", \"weights\": [{\"epoch\": 0, \"from\": 1, \"to\": {}}]"),
                 "weights[0].from: expected a peer name or an array of peer names, got a number");
    expect_error("{\"name\": \"m\", \"epochs\": 4, \"mechanism\": [], "
                 "\"peers\": [{\"name\": \"V\", \"stake\": 1}]}",
                 "mechanism: expected an object, got an array");
}

Test(errors, integers_must_be_integral_and_in_range)
{
    const char *base = "{\"name\": \"m\", \"mechanism\": {\"kind\": \"yuma\"}, "
                       "\"peers\": [{\"name\": \"V\", \"stake\": 1}], \"epochs\": ";
    const char *cases[][2] = {
        {"2.5", "epochs: must be an integer, got 2.5"},
        {"0", "epochs: must be an integer in [1, 10000000], got 0"},
        {"-3", "epochs: must be an integer in [1, 10000000], got -3"},
        {"10000001", "epochs: must be an integer in [1, 10000000], got 10000001"},
        {"1e999", "epochs: number out of range (it must be finite)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, "%s%s}", base, cases[i][0]);
        expect_error(text, cases[i][1]);
    }
}

Test(errors, mechanism_values_out_of_range)
{
    const char *cases[][2] = {
        {"\"kind\": \"yuma4\"", "mechanism.kind: unknown kind \"yuma4\" (expected one of \"yuma\", \"yuma3\""},
        {"\"kind\": \"yuma\", \"arithmetic\": \"double\"", "mechanism.arithmetic: unknown arithmetic \"double\""},
        {"\"kind\": \"yuma\", \"kappa\": 1.5", "mechanism.kappa: must be in [0, 1], got 1.5"},
        {"\"kind\": \"yuma\", \"bonds_penalty\": -0.1", "mechanism.bonds_penalty: must be in [0, 1], got -0.1"},
        {"\"kind\": \"yuma\", \"bonds_moving_average\": 2", "mechanism.bonds_moving_average: must be in [0, 1], got 2"},
        {"\"kind\": \"yuma\", \"max_allowed_validators\": 0", "mechanism.max_allowed_validators: must be an integer in [1, 65535], got 0"},
        {"\"kind\": \"yuma\", \"tempo\": 0", "mechanism.tempo: must be an integer in [1, 65535], got 0"},
        {"\"kind\": \"yuma\", \"activity_cutoff\": 0", "mechanism.activity_cutoff: must be an integer >= 1, got 0"},
        {"\"kind\": \"yuma\", \"stake_threshold\": -1", "mechanism.stake_threshold: must be finite and >= 0, got -1"},
        {"\"kind\": \"yuma\", \"rao_emission\": 0", "mechanism.rao_emission: must be in (0, 1.8e19], got 0"},
        {"\"kind\": \"yuma\", \"owner\": \"Z\"", "mechanism.owner: unknown peer \"Z\""},
        {"\"kind\": \"yuma\", \"liquid_alpha\": {\"alpha_low\": 1.5}", "mechanism.liquid_alpha.alpha_low: must be in (0, 1], got 1.5"},
        {"\"kind\": \"yuma\", \"liquid_alpha\": {\"alpha_high\": 0}", "mechanism.liquid_alpha.alpha_high: must be in (0, 1], got 0"},
        {"\"kind\": \"yuma\", \"liquid_alpha\": {\"steepness\": 400}", "mechanism.liquid_alpha.steepness: must be in [-327.68, 327.67], got 400"},
        {"\"kind\": \"yuma\", \"liquid_alpha\": {\"alpha_low\": 0.5, \"alpha_high\": 0.3}",
         "mechanism.liquid_alpha: alpha_low (0.5) must be <= alpha_high (0.3)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, "{\"name\": \"m\", \"epochs\": 4, \"mechanism\": {%s}, "
                 "\"peers\": [{\"name\": \"V\", \"stake\": 1}]}", cases[i][0]);
        expect_error(text, cases[i][1]);
    }
}

Test(errors, peers_must_be_named_uniquely_with_finite_non_negative_stake)
{
    expect_error("{\"name\": \"m\", \"epochs\": 4, \"mechanism\": {\"kind\": \"yuma\"}, \"peers\": []}",
                 "peers: must list at least one peer");
    expect_error("{\"name\": \"m\", \"epochs\": 4, \"mechanism\": {\"kind\": \"yuma\"}, "
                 "\"peers\": [{\"name\": \"V\", \"stake\": 1}, {\"name\": \"V\", \"stake\": 2}]}",
                 "t.json: peers[1].name: duplicate peer name \"V\" (also peers[0].name)");
    expect_error("{\"name\": \"m\", \"epochs\": 4, \"mechanism\": {\"kind\": \"yuma\"}, "
                 "\"peers\": [{\"name\": \"\", \"stake\": 1}]}", "peers[0].name: must not be empty");
    expect_error("{\"name\": \"m\", \"epochs\": 4, \"mechanism\": {\"kind\": \"yuma\"}, "
                 "\"peers\": [{\"name\": \"V\", \"stake\": 1}, {\"name\": \"W\", \"stake\": 0}, "
                 "{\"name\": \"X\", \"stake\": -1}]}",
                 "t.json: peers[2].stake: must be finite and >= 0, got -1");
    expect_error("{\"name\": \"m\", \"epochs\": 4, \"mechanism\": {\"kind\": \"yuma\"}, "
                 "\"peers\": [{\"name\": \"V\", \"stake\": -1e999}]}",
                 "peers[0].stake: number out of range (it must be finite)");
}

Test(errors, weights_refer_to_known_peers_within_the_run)
{
    expect_error(MINI(", \"weights\": [{\"epoch\": 0, \"from\": \"V\", \"to\": {}}, "
                      "{\"epoch\": 0, \"from\": \"V\", \"to\": {}}, "
                      "{\"epoch\": 0, \"from\": \"V\", \"to\": {}}, "
                      "{\"epoch\": 0, \"from\": \"V\", \"to\": {\"S\": 1, \"S9\": 1}}]"),
                 "t.json: weights[3].to.S9: unknown peer \"S9\"");
    expect_error(MINI(", \"weights\": [{\"epoch\": 0, \"from\": [\"V\", \"Q\"], \"to\": {}}]"),
                 "weights[0].from[1]: unknown peer \"Q\"");
    expect_error(MINI(", \"weights\": [{\"epoch\": 0, \"from\": [], \"to\": {}}]"),
                 "weights[0].from: must name at least one peer");
    expect_error(MINI(", \"weights\": [{\"epoch\": 0, \"from\": [\"V\", \"V\"], \"to\": {}}]"),
                 "weights[0].from[1]: peer \"V\" is listed twice");
    expect_error(MINI(", \"weights\": [{\"epoch\": 4, \"from\": \"V\", \"to\": {}}]"),
                 "weights[0].epoch: must be < epochs (4), got 4");
    expect_error(MINI(", \"weights\": [{\"epoch\": -1, \"from\": \"V\", \"to\": {}}]"),
                 "weights[0].epoch: must be an integer >= 0, got -1");
    expect_error(MINI(", \"weights\": [{\"epoch\": 0, \"from\": \"V\", \"to\": {\"S\": -0.5}}]"),
                 "weights[0].to.S: must be finite and >= 0, got -0.5");
    expect_error(MINI(", \"weights\": [{\"epoch\": 0, \"from\": \"V\", \"to\": {}, \"every\": 0}]"),
                 "weights[0].every: must be an integer >= 1, got 0");
}

Test(errors, events_name_a_known_type_peer_and_epoch)
{
    expect_error(MINI(", \"events\": [{\"epoch\": 0, \"type\": \"slash\", \"peer\": \"S\"}]"),
                 "events[0].type: unknown type \"slash\" (expected one of \"reset_bonds\", \"register\", \"add_stake\", \"remove_stake\", \"move_stake\", \"set_param\")");
    expect_error(MINI(", \"events\": [{\"epoch\": 0, \"type\": \"reset_bonds\", \"peer\": \"Q\"}]"),
                 "events[0].peer: unknown peer \"Q\"");
    expect_error(MINI(", \"events\": [{\"epoch\": 9, \"type\": \"reset_bonds\", \"peer\": \"S\"}]"),
                 "events[0].epoch: must be < epochs (4), got 9");
}

Test(errors, odd_keys_in_paths_are_quoted_and_messages_stay_on_one_line)
{
    expect_error(MINI(", \"weights\": [{\"epoch\": 0, \"from\": \"V\", \"to\": {\"a.b\\nc\": 1}}]"),
                 "weights[0].to[\"a.b\\u000ac\"]: unknown peer \"a.b\\u000ac\"");
}

Test(errors, integers_beyond_what_a_double_holds_exactly_are_refused)
{
    expect_error(MINI(", \"seed\": 1e20"), "seed: must be an integer <= 9007199254740992, got 1e20");
    expect_error(MINI(", \"weights\": [{\"epoch\": 0, \"from\": \"V\", \"to\": {}, \"every\": 1e300}]"),
                 "weights[0].every: must be an integer <= 9007199254740992, got 1e300");
}
