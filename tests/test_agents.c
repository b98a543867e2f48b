/* Each agent does what its description says (docs/scenario.md, "agents"), and the miners'
 * quality model: honest rows follow observed quality, every k blocks; late validators lag;
 * copiers reproduce the consensus they can see; cabals weight their own; sybils share a row;
 * bond farmers add tiny weights; stake movers move stake around epochs. */
#include "net_harness.h"
#include <math.h>

/* 2 honest validators (noise 0), a slot for the agent under test (peer X), 3 miners. */
#define BASE(xagent, extra)                                                                      \
    "{\"name\": \"agents\", \"seed\": 5, \"epochs\": 12, \"mechanism\": {\"kind\": \"yuma3\", \"tempo\": 10}," \
    " \"chain\": {\"weights_rate_limit\": 0, \"commit_reveal\": {\"enabled\": false}}," extra          \
    " \"peers\": [{\"name\": \"H1\", \"stake\": 100, \"group\": \"honest\","                          \
    "    \"agent\": {\"type\": \"honest\", \"noise\": 0, \"offset\": 0, \"alpha\": 1}},"              \
    "  {\"name\": \"H2\", \"stake\": 100, \"group\": \"honest\","                                     \
    "    \"agent\": {\"type\": \"honest\", \"noise\": 0, \"offset\": 0, \"alpha\": 1}},"              \
    "  {\"name\": \"X\", \"stake\": 50, \"group\": \"x\", \"agent\": " xagent "},"                   \
    "  {\"name\": \"M1\", \"stake\": 0, \"group\": \"x\", \"quality\": {\"value\": 0.6}},"            \
    "  {\"name\": \"M2\", \"stake\": 0, \"quality\": {\"value\": 0.3, \"jumps\": [{\"epoch\": 6, \"value\": 0.9}]}}," \
    "  {\"name\": \"M3\", \"stake\": 0, \"quality\": {\"copy_of\": \"M2\", \"delay_epochs\": 2}}]}"

static void expect_row(const nrun *r, long e, size_t v, const double *want, const char *who)
{
    double s = 0;
    for (size_t m = 3; m < 6; m++) s += want[m - 3];
    for (size_t m = 3; m < 6; m++)
        cr_expect(fabs(NW(r, e, v, m) - want[m - 3] / s) < 1e-9, "%s epoch %ld miner %zu: %g, want %g", who, e, m,
                  NW(r, e, v, m), want[m - 3] / s);
}

Test(honest, sets_observed_quality_once_per_tempo_and_follows_jumps_and_copies)
{
    nrun *r = nrun_text(BASE("{\"type\": \"honest\", \"noise\": 0, \"offset\": 0}", ""), NULL, 0);
    /* rounds at blocks 0, 10, 20, ...: queries at the round, the row one block later; the row
     * in force at epoch e (block 10(e+1)) is what was measured at block 10e */
    for (long e = 0; e < r->epochs; e++) {
        double m2 = e >= 6 ? 0.9 : 0.3, m3 = e >= 8 ? 0.9 : 0.3;   /* M3 copies M2 two epochs late */
        double want[3] = {0.6, m2, m3};
        expect_row(r, e, 0, want, "H1");
        cr_expect_eq(NAT(r, last_update, e, 0), 10 * e + 1);
    }
    nrun_free(r);
}

Test(honest, every_k_blocks_and_noise_scatters_the_row)
{
    nrun *r = nrun_text(BASE("{\"type\": \"honest\", \"noise\": 0.2, \"every\": 30, \"offset\": 5}", ""), NULL, 0);
    size_t x = 2;
    /* sets at 6, 36, 66, 96: LastUpdate seen at epochs (blocks 10, 20, ...) */
    int64_t want[12] = {6, 6, 6, 36, 36, 36, 66, 66, 66, 96, 96, 96};
    for (long e = 0; e < r->epochs; e++) cr_expect_eq(NAT(r, last_update, e, x), want[e], "epoch %ld", e);
    double diff = 0;
    for (size_t m = 3; m < 6; m++) diff += fabs(NW(r, 4, x, m) - NW(r, 4, 0, m));
    cr_expect_gt(diff, 1e-3, "noise 0.2 should move the row away from the truth");
    nrun_free(r);
}

Test(late, sets_every_m_epochs_on_scores_d_epochs_old)
{
    nrun *r = nrun_text(BASE("{\"type\": \"late\", \"noise\": 0, \"alpha\": 1, \"every_epochs\": 2, \"delay_epochs\": 1, \"offset\": 0}", ""),
                        NULL, 0);
    size_t x = 2, m2 = 4;
    /* rounds at 0, 20, 40, 60, 80, 100 (sets one block later); each sets the scores it held
     * after the previous epoch's snapshot one epoch back */
    for (long e = 1; e < r->epochs; e++) {
        int64_t lu = NAT(r, last_update, e, x);
        cr_expect((lu - 1) % 20 == 0 || lu == 0, "epoch %ld: LastUpdate %ld", e, (long)lu);
    }
    /* the honest row shows M2's jump at epoch 6; the late one later */
    cr_expect_gt(NW(r, 6, 0, m2), 0.4);
    cr_expect_lt(NW(r, 6, x, m2), 0.4);
    cr_expect_gt(NW(r, 9, x, m2), 0.4);
    nrun_free(r);
}

Test(copier, copies_the_consensus_of_the_rows_it_sees)
{
    nrun *r = nrun_text(BASE("{\"type\": \"copier\", \"offset\": 5}", ""), NULL, 0);
    for (long e = 1; e < r->epochs; e++)
        for (size_t m = 3; m < 6; m++)
            cr_expect(fabs(NW(r, e, 2, m) - NW(r, e - 1, 0, m)) < 1e-9 || fabs(NW(r, e, 2, m) - NW(r, e, 0, m)) < 1e-9,
                      "epoch %ld miner %zu", e, m);
    /* the consensus source copies the last epoch's consensus vector */
    nrun *c = nrun_text(BASE("{\"type\": \"copier\", \"source\": \"consensus\", \"offset\": 5}", ""), NULL, 0);
    for (long e = 2; e < c->epochs; e++) {
        double s = 0;
        for (size_t m = 3; m < 6; m++) s += NAT(c, consensus, e - 1, m);
        for (size_t m = 3; m < 6; m++)
            cr_expect(fabs(NW(c, e, 2, m) - NAT(c, consensus, e - 1, m) / s) < 1e-9, "epoch %ld miner %zu", e, m);
    }
    nrun_free(c);
    nrun_free(r);
}

Test(copier, under_commit_reveal_it_sees_only_revealed_rows_and_lags)
{
    nrun *r = nrun_text(BASE("{\"type\": \"copier\", \"offset\": 5}",
                             "\"pricing\": {\"reference_group\": \"honest\"},"),
                        (const char *[]){"chain.commit_reveal.enabled=true", "chain.commit_reveal.reveal_period=2"}, 2);
    size_t m2 = 4;
    /* honest rows with M2's jump (committed at block 61, after epoch 5) are revealed before
     * epoch 8 (block 90); the copier sees them at 95, after epoch 8, so its copy is revealed
     * before epoch 11: four epochs after the honest validators measured the jump */
    cr_expect_lt(NW(r, 7, 0, m2), 0.4);
    cr_expect_gt(NW(r, 8, 0, m2), 0.4);
    cr_expect_lt(NW(r, 10, 2, m2), 0.4);
    cr_expect_gt(NW(r, 11, 2, m2), 0.4);
    nrun_free(r);
}

Test(cabal, weights_fellow_members_and_a_share_like_the_consensus)
{
    nrun *r = nrun_text(BASE("{\"type\": \"cabal\", \"offset\": 0}", ""), NULL, 0);
    for (long e = 0; e < r->epochs; e++) cr_expect_eq(NW(r, e, 2, 3), 1.0, "epoch %ld: all on M1 (the group's miner)", e);
    nrun_free(r);
    r = nrun_text(BASE("{\"type\": \"cabal\", \"offset\": 0, \"honest_share\": 0.25}", ""), NULL, 0);
    for (long e = 2; e < r->epochs; e++) {
        cr_expect(fabs(NW(r, e, 2, 3) - 0.75) < 1e-9, "epoch %ld: %g", e, NW(r, e, 2, 3));
        cr_expect(fabs(NW(r, e, 2, 4) + NW(r, e, 2, 5) - 0.25) < 1e-9);
    }
    nrun_free(r);
}

Test(sybil, identities_of_one_owner_set_the_leaders_row)
{
    const char *json =
        "{\"name\": \"sybil\", \"seed\": 9, \"epochs\": 6, \"mechanism\": {\"kind\": \"yuma3\", \"tempo\": 10},"
        " \"chain\": {\"weights_rate_limit\": 0, \"commit_reveal\": {\"enabled\": false}},"
        " \"peers\": [{\"name\": \"S1\", \"stake\": 30, \"group\": \"sybil\", \"agent\": {\"type\": \"sybil\", \"noise\": 0.2, \"offset\": 0}},"
        "  {\"name\": \"S2\", \"stake\": 30, \"group\": \"sybil\", \"agent\": {\"type\": \"sybil\", \"offset\": 3}},"
        "  {\"name\": \"S3\", \"stake\": 30, \"group\": \"sybil\", \"agent\": {\"type\": \"sybil\", \"offset\": 7}},"
        "  {\"name\": \"M1\", \"stake\": 0, \"quality\": {\"value\": 0.6}},"
        "  {\"name\": \"M2\", \"stake\": 0, \"quality\": {\"value\": 0.4}}]}";
    nrun *r = nrun_text(json, NULL, 0);
    for (long e = 1; e < r->epochs; e++)
        for (size_t m = 3; m < 5; m++) {
            cr_expect(fabs(NW(r, e, 1, m) - NW(r, e, 0, m)) < 1e-9, "epoch %ld", e);
            cr_expect(fabs(NW(r, e, 2, m) - NW(r, e, 0, m)) < 1e-9, "epoch %ld", e);
        }
    cr_expect_eq(NAT(r, last_update, 3, 1), 34);
    nrun_free(r);
}

Test(bond_farmer, adds_epsilon_weight_on_its_targets)
{
    nrun *r = nrun_text(BASE("{\"type\": \"bond_farmer\", \"noise\": 0, \"alpha\": 1, \"offset\": 0, \"epsilon\": 0.01, \"targets\": [\"M2\"]}",
                             ""), NULL, 0);
    /* M2's honest score (0.3) is above 1% of the max: nothing to add before the jump */
    expect_row(r, 3, 2, (double[]){0.6, 0.3, 0.3}, "farmer");
    nrun_free(r);
    /* with M2 worthless to it, it still keeps a 1% foot in M2 */
    r = nrun_text(BASE("{\"type\": \"bond_farmer\", \"noise\": 0, \"alpha\": 1, \"offset\": 0, \"epsilon\": 0.01, \"targets\": [\"M2\"]}", ""),
                  (const char *[]){"peers[4].quality.value=0"}, 1);
    expect_row(r, 3, 2, (double[]){0.6, 0.006, 0}, "farmer");
    nrun_free(r);
}

Test(stake_mover, jit_stake_is_there_at_epochs_only)
{
    nrun *r = nrun_text(BASE("{\"type\": \"stake_mover\", \"mode\": \"jit\", \"amount\": 150, \"lead\": 1, \"lag\": 1}", ""),
                        NULL, 0);
    for (long e = 0; e < r->epochs; e++) cr_expect_eq(NAT(r, stake, e, 2), 200, "epoch %ld", e);
    /* held 2 blocks of every 10 (lead 1 + lag 1): mean 50 + 150 x 2/10 over most of the run */
    cr_expect_lt(r->sum.mean_stake[2], 50 + 150 * 0.25);
    cr_expect_gt(r->sum.mean_stake[2], 50 + 150 * 0.15);
    nrun_free(r);
}

Test(stake_mover, chase_moves_its_stake_to_the_best_yield)
{
    const char *json =
        "{\"name\": \"chase\", \"seed\": 1, \"epochs\": 6, \"mechanism\": {\"kind\": \"yuma3\", \"tempo\": 10},"
        " \"chain\": {\"weights_rate_limit\": 0, \"commit_reveal\": {\"enabled\": false}},"
        " \"peers\": [{\"name\": \"A\", \"stake\": 100}, {\"name\": \"B\", \"stake\": 100},"
        "  {\"name\": \"D\", \"stake\": 60, \"agent\": {\"type\": \"stake_mover\", \"mode\": \"chase\", \"to\": [\"A\", \"B\"], \"weights\": \"none\"}},"
        "  {\"name\": \"M\", \"stake\": 0}],"
        " \"weights\": [{\"epoch\": 0, \"from\": \"A\", \"to\": {\"M\": 1}, \"every\": 1}]}";
    nrun *r = nrun_text(json, NULL, 0);
    /* only A sets weights, so only A earns dividends: D's stake goes to A after epoch 0 */
    cr_expect_eq(NAT(r, stake, 1, 0), 160);
    cr_expect_eq(NAT(r, stake, 1, 2), 0);
    cr_expect_eq(nrun_count(r, "move_stake", 2), 1);
    nrun_free(r);
}

Test(quality, drift_moves_quality_within_zero_and_one)
{
    nrun *r = nrun_text(BASE("{\"type\": \"honest\", \"noise\": 0, \"offset\": 0, \"alpha\": 1}", ""),
                        (const char *[]){"peers[3].quality.drift=0.3"}, 1);
    /* M1's share of the honest row moves from epoch to epoch; the others' values are fixed */
    int moved = 0;
    for (long e = 1; e < r->epochs; e++) {
        double ratio = NW(r, e, 0, 3) / NW(r, e, 0, 4), prev = NW(r, e - 1, 0, 3) / NW(r, e - 1, 0, 4);
        moved += fabs(ratio - prev) > 1e-9;
        cr_expect(NW(r, e, 0, 3) >= 0 && NW(r, e, 0, 3) <= 1);
    }
    cr_expect_gt(moved, 5);
    nrun_free(r);
}
