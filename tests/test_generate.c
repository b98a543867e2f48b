/* "generate": sizes, determinism from the seed, distinct miners per row, popularity skew, and
 * errors at the generate.* path. */
#include "scenario/scenario.h"
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static int load(const char *gen, const char *seed, bt_scenario *sc, char *err)
{
    char text[2048];
    snprintf(text, sizeof text,
             "{\"name\": \"g\", \"seed\": %s, \"mechanism\": {\"kind\": \"yuma3\"}, \"epochs\": 3,"
             " \"peers\": [{\"name\": \"owner\", \"stake\": 1}], \"generate\": %s}", seed, gen);
    return bt_scenario_parse("gen.json", text, strlen(text), NULL, 0, sc, err, 512);
}

Test(generate, sizes_groups_and_distinct_miners)
{
    bt_scenario sc;
    char err[512];
    cr_assert_eq(load("{\"validators\": 50, \"miners\": 400, \"weights_per_validator\": 20}", "3", &sc, err), 0, "%s", err);
    cr_expect_eq(sc.npeers, 451);
    cr_expect_str_eq(sc.peers[1].group, "validator");
    cr_expect_str_eq(sc.peers[51].group, "miner");
    cr_expect_eq(sc.nweights, 50);
    double stake = 0;
    for (size_t i = 1; i <= 50; i++) stake += sc.peers[i].stake;
    cr_expect(stake > 1e6 * (1 - 1e-9) && stake < 1e6 * (1 + 1e-9), "stake total %g", stake);
    for (size_t r = 0; r < sc.nweights; r++) {
        const bt_weights_spec *w = &sc.weights[r];
        cr_assert_eq(w->nto, 20);
        cr_expect_eq(w->every, 1);
        for (size_t q = 0; q < w->nto; q++) {
            cr_expect(w->to[q] >= 51 && w->to[q] < 451, "weights go to miners");
            cr_expect(w->w[q] >= 0);
            for (size_t p = 0; p < q; p++) cr_expect_neq(w->to[p], w->to[q], "row %zu repeats a miner", r);
        }
    }
    bt_scenario_free(&sc);
}

Test(generate, same_seed_same_network_other_seed_other_network)
{
    bt_scenario a, b, c;
    char err[512];
    const char *g = "{\"validators\": 20, \"miners\": 100, \"weights_per_validator\": 8, \"popularity\": \"zipf\"}";
    cr_assert_eq(load(g, "7", &a, err), 0, "%s", err);
    cr_assert_eq(load(g, "7", &b, err), 0, "%s", err);
    cr_assert_eq(load(g, "8", &c, err), 0, "%s", err);
    int same = 1, differs = 0;
    for (size_t r = 0; r < a.nweights; r++)
        for (size_t q = 0; q < 8; q++) {
            same &= a.weights[r].to[q] == b.weights[r].to[q] && a.weights[r].w[q] == b.weights[r].w[q];
            differs |= a.weights[r].to[q] != c.weights[r].to[q];
        }
    cr_expect(same, "same seed, same rows");
    cr_expect(differs, "another seed, other rows");
    bt_scenario_free(&a); bt_scenario_free(&b); bt_scenario_free(&c);
}

Test(generate, zipf_popularity_concentrates_attention)
{
    bt_scenario sc;
    char err[512];
    cr_assert_eq(load("{\"validators\": 400, \"miners\": 1000, \"weights_per_validator\": 10, \"popularity\": \"zipf\","
                      " \"zipf_exponent\": 1.2}", "1", &sc, err), 0, "%s", err);
    static unsigned hits[1401];
    memset(hits, 0, sizeof hits);
    for (size_t r = 0; r < sc.nweights; r++)
        for (size_t q = 0; q < sc.weights[r].nto; q++) hits[sc.weights[r].to[q]]++;
    unsigned max = 0, zero = 0;
    for (size_t j = 401; j < 1401; j++) { if (hits[j] > max) max = hits[j]; zero += hits[j] == 0; }
    cr_expect(max > 200, "the most popular miner is chosen by most validators (%u of 400)", max);
    cr_expect(zero > 300, "many miners are never chosen (%u of 1000)", zero);
    bt_scenario_free(&sc);
}

Test(generate, errors_name_the_generate_path)
{
    bt_scenario sc;
    char err[512];
    cr_expect_eq(load("{\"validators\": 5, \"miners\": 10, \"weights_per_validator\": 11}", "1", &sc, err), 2);
    cr_expect(strstr(err, "generate.weights_per_validator") != NULL, "%s", err);
    cr_expect_eq(load("{\"validators\": 5, \"miners\": 10, \"weights_per_validator\": 2, \"popularity\": \"hot\"}", "1", &sc, err), 2);
    cr_expect(strstr(err, "generate.popularity") != NULL, "%s", err);
    cr_expect_eq(load("{\"validators\": 5, \"miners\": 10, \"weights_per_validator\": 2, \"stake\": {\"dist\": \"pareto\", \"alfa\": 2}}", "1", &sc, err), 2);
    cr_expect(strstr(err, "generate.stake.alfa") != NULL && strstr(err, "alpha") != NULL, "%s", err);
}
