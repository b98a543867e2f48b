/* The chain's life cycle against the spec (chain-yuma.md 2, 3.1, 3.3, 3.5, 3.10) and the
 * chain's own tests: activity (test_active_stake) and outdated weights on a replaced UID
 * (test_outdated_weights) reproduced bit for bit in fixed arithmetic; registration into a full
 * subnet and pruning with immunity; the weights rate limit; commit-reveal (reveal after
 * reveal_period epochs, LastUpdate at the commit, the spec 3.5 step 5 mask); stake events;
 * set_param, tempo changes included. */
#include "net_harness.h"
#include "chain_harness.h"
#include "chain/chain.h"
#include <math.h>

/* ---- the chain's tests ---- */

Test(chain_tests, test_active_stake_bit_for_bit)
{
    nrun *r = nrun_file("scenarios/chain/test_active_stake.json", NULL, 0);
    trace *t = trace_run("scenarios/chain/test_active_stake.json", NULL, 0);
    cr_expect_eq(r->block[0], 1);
    cr_expect_eq(r->block[1], 5002);
    cr_expect_eq(r->block[2], 5003);
    /* block 1: both validators active, D = floor(0.5 * 65535), E = 250,000,000 each */
    static const uint16_t d[3][2] = {{32767, 32767}, {36044, 29490}, {35716, 29818}};
    static const uint64_t em[3][2] = {{250000000, 250000000}, {274999999, 224999999}, {272501132, 227498866}};
    for (int e = 0; e < 3; e++)
        for (int i = 0; i < 2; i++) {
            cr_expect_eq(AT(t, u16_dividends, e, i), d[e][i], "epoch %d D[%d] = %u", e, i, AT(t, u16_dividends, e, i));
            cr_expect_eq(AT(t, rao_emission, e, i), em[e][i], "epoch %d E[%d]", e, i);
        }
    /* at block 5002 B is inactive (1 + 5000 < 5002) */
    cr_expect_eq(NAT(r, active, 1, 0), 1);
    cr_expect_eq(NAT(r, active, 1, 1), 0);
    for (int j = 2; j < 4; j++) {
        cr_expect_eq(BOND(t, bonds_stored, 1, 0, j), 65535);
        cr_expect_eq(BOND(t, bonds_stored, 1, 1, j), 53619);
        cr_expect_eq(BOND(t, bonds_stored, 2, 0, j), 65535);
        cr_expect_eq(BOND(t, bonds_stored, 2, 1, j), 54712);
    }
    trace_free(t);
    nrun_free(r);
}

Test(chain_tests, test_outdated_weights_bit_for_bit)
{
    nrun *r = nrun_file("scenarios/chain/test_outdated_weights.json", NULL, 0);
    trace *t = trace_run("scenarios/chain/test_outdated_weights.json", NULL, 0);
    static const uint64_t em[2][4] = {{250000000, 250000000, 333331637, 166668361},
                                      {250000000, 250000000, 500000000, 0}};
    for (int e = 0; e < 2; e++)
        for (int i = 0; i < 4; i++) cr_expect_eq(AT(t, rao_emission, e, i), em[e][i], "epoch %d E[%d]", e, i);
    cr_expect_eq(AT(t, u16_dividends, 1, 0), 32767);
    cr_expect_eq(BOND(t, bonds_stored, 1, 0, 2), 65535);
    /* N took S2's UID: the log says so, S2 holds no UID and its stake is out of the epoch */
    size_t s2 = nrun_peer(r, "S2"), nn = nrun_peer(r, "N");
    cr_expect_eq(nrun_count(r, "register", (long)nn), 1);
    cr_expect_eq(nrun_count(r, "prune", (long)s2), 1);
    cr_expect_eq(NAT(r, bar, 1, nn), 1);
    cr_expect_eq(NAT(r, stake, 1, s2), 0);
    cr_expect_eq(r->sum.final_stake[s2], 1, "a pruned peer keeps its stake outside the subnet");
    /* B's weights on the replaced UID are outdated; btsim's identities start N without bonds
     * (the chain test sees 65535 there only because unit tests leave LastMechansimStepBlock 0) */
    cr_expect_eq(BOND(t, bonds_stored, 1, 0, 4), 0);
    cr_expect_eq(AT(t, rao_emission, 1, 4), 0);
    trace_free(t);
    nrun_free(r);
}

/* ---- registration and pruning ---- */

static const char *PRUNE =
    "{\"name\": \"prune\", \"epochs\": 4, \"mechanism\": {\"kind\": \"yuma3\", \"tempo\": 2},"
    " \"chain\": {\"max_uids\": 4, \"immunity_period\": 4, \"weights_rate_limit\": 0,"
    "             \"commit_reveal\": {\"enabled\": false}},"
    " \"peers\": [{\"name\": \"V\", \"stake\": 10}, {\"name\": \"M1\", \"stake\": 0},"
    "   {\"name\": \"M2\", \"stake\": 0}, {\"name\": \"M3\", \"stake\": 0},"
    "   {\"name\": \"N1\", \"stake\": 0}, {\"name\": \"N2\", \"stake\": 0}],"
    " \"weights\": [{\"epoch\": 0, \"from\": \"V\", \"to\": {\"M1\": 0.6, \"M2\": 0.3, \"M3\": 0.1}, \"every\": 1}],"
    " \"events\": [{\"block\": 3, \"type\": \"register\", \"peer\": \"N1\"},"
    "              {\"block\": 5, \"type\": \"register\", \"peer\": \"N2\"}]}";

Test(registration, full_subnet_prunes_lowest_score_outside_immunity)
{
    nrun *r = nrun_text(PRUNE, NULL, 0);
    size_t m2 = nrun_peer(r, "M2"), m3 = nrun_peer(r, "M3"), n1 = nrun_peer(r, "N1"), n2 = nrun_peer(r, "N2");
    /* block 3: every UID is immune (3 - 0 < 4), so the lowest immune one goes: M3 */
    cr_expect_eq(nrun_count(r, "prune", (long)m3), 1);
    /* block 5: the original UIDs are past immunity, N1 (registered at 3) is not: M2 goes, not
     * N1, although N1 has the lower emission (0) */
    cr_expect_eq(nrun_count(r, "prune", (long)m2), 1);
    cr_expect_eq(nrun_count(r, "prune", (long)n1), 0);
    cr_expect_eq(nrun_count(r, "register", (long)n2), 1);
    for (size_t q = 0; q < r->nlog; q++)
        if (!strcmp(r->log_type[q], "prune") && (size_t)r->log_peer[q] == m3) cr_expect_eq((size_t)r->log_other[q], n1);
    /* a pruned peer earns nothing afterwards, even though V's schedule still names it */
    for (long e = 1; e < r->epochs; e++) cr_expect_eq(NAT(r, emission, e, m3), 0, "epoch %ld", e);
    for (long e = 2; e < r->epochs; e++) cr_expect_eq(NAT(r, emission, e, m2), 0, "epoch %ld", e);
    /* registration sets the block and LastUpdate */
    cr_expect_eq(NAT(r, bar, 1, n1), 3);
    cr_expect_eq(NAT(r, last_update, 1, n1), 3);
    nrun_free(r);
}

Test(registration, the_owner_is_never_pruned_and_room_means_no_pruning)
{
    const char *sets[] = {"mechanism.owner=M3"};
    nrun *r = nrun_text(PRUNE, sets, 1);
    cr_expect_eq(nrun_count(r, "prune", (long)nrun_peer(r, "M3")), 0);
    nrun_free(r);
    const char *room[] = {"chain.max_uids=6"};
    r = nrun_text(PRUNE, room, 1);
    cr_expect_eq(nrun_count(r, "prune", -1), 0);
    cr_expect_eq(nrun_count(r, "register", -1), 2);
    nrun_free(r);
}

/* ---- the rate limit and commit-reveal, through a scripted agent ---- */

static const char *SCRIPTED =
    "{\"name\": \"cr\", \"epochs\": 8, \"mechanism\": {\"kind\": \"yuma3\", \"tempo\": 10},"
    " \"chain\": {\"weights_rate_limit\": 0, \"commit_reveal\": {\"enabled\": false, \"reveal_period\": 2}},"
    " \"peers\": [{\"name\": \"V\", \"stake\": 10, \"agent\": {\"type\": \"scripted\", \"weights\": ["
    "      {\"epoch\": 0, \"to\": {\"M1\": 1}}, {\"epoch\": 3, \"to\": {\"M2\": 1}}]}},"
    "   {\"name\": \"W\", \"stake\": 10, \"agent\": {\"type\": \"scripted\", \"weights\": ["
    "      {\"epoch\": 0, \"to\": {\"M1\": 1}, \"every\": 1}]}},"
    "   {\"name\": \"M1\", \"stake\": 0}, {\"name\": \"M2\", \"stake\": 0}]}";

Test(weights, scripted_agent_rows_are_in_force_at_their_epoch_without_commit_reveal)
{
    nrun *r = nrun_text(SCRIPTED, NULL, 0);
    size_t v = nrun_peer(r, "V"), m1 = nrun_peer(r, "M1"), m2 = nrun_peer(r, "M2");
    for (long e = 0; e < r->epochs; e++) {
        cr_expect_eq(NW(r, e, v, e < 3 ? m1 : m2), 1.0, "epoch %ld", e);
    }
    /* set after the previous epoch: LastUpdate is that epoch's block (epoch 2 runs at 30) */
    cr_expect_eq(NAT(r, last_update, 3, v), 30);
    nrun_free(r);
}

Test(weights, commit_reveal_delays_rows_by_the_reveal_period_and_logs_reveals)
{
    const char *sets[] = {"chain.commit_reveal.enabled=true"};
    nrun *r = nrun_text(SCRIPTED, sets, 1);
    size_t v = nrun_peer(r, "V"), m1 = nrun_peer(r, "M1"), m2 = nrun_peer(r, "M2");
    /* committed for epoch 0, revealed before epoch 2; the switch committed for 3 counts at 5 */
    for (long e = 0; e < r->epochs; e++) {
        double want1 = e >= 2 && e < 5 ? 1 : 0, want2 = e >= 5 ? 1 : 0;
        cr_expect_eq(NW(r, e, v, m1), want1, "epoch %ld M1", e);
        cr_expect_eq(NW(r, e, v, m2), want2, "epoch %ld M2", e);
    }
    /* LastUpdate is the commit block: the commit for epoch 3 was made at block 30 */
    cr_expect_eq(NAT(r, last_update, 5, v), 30);
    cr_expect_eq(nrun_count(r, "reveal", (long)v), 2);
    for (size_t q = 0; q < r->nlog; q++)
        if (!strcmp(r->log_type[q], "reveal") && (size_t)r->log_peer[q] == v)
            cr_expect(r->log_value[q] == 0 || r->log_value[q] == 30, "commit block %g", r->log_value[q]);
    nrun_free(r);
}

Test(weights, the_rate_limit_refuses_sets_too_close_together)
{
    /* W sets every epoch (10 blocks); a limit of 15 lets every other one through */
    const char *sets[] = {"chain.weights_rate_limit=15"};
    nrun *r = nrun_text(SCRIPTED, sets, 1);
    size_t w = nrun_peer(r, "W");
    /* epochs run at 10, 20, ...; W tries after each, first at block 0. LastUpdate 0 counts as
     * never set (check_rate_limit), so 10 passes, 20 is refused, 30 passes ... */
    for (long e = 1; e < r->epochs; e++) {
        int64_t lu = NAT(r, last_update, e, w), prev = NAT(r, last_update, e - 1, w);
        cr_expect(lu == prev || prev == 0 || lu - prev >= 15, "epoch %ld: LastUpdate %ld after %ld", e, (long)lu,
                  (long)prev);
    }
    cr_expect_eq(NAT(r, last_update, 2, w), 10);
    cr_expect_eq(NAT(r, last_update, 3, w), 30);
    cr_expect_eq(NAT(r, last_update, 4, w), 30, "the set at block 40 must have been refused");
    nrun_free(r);
}

/* ---- spec 3.5 step 5, on the chain module directly ---- */

Test(commit_reveal, the_mask_drops_entries_on_peers_registered_after_the_oldest_pending_commit)
{
    bt_subnet *net = bt_subnet_alloc(3);
    bt_chain_spec cs = {.max_uids = 8, .commit_reveal = 1, .reveal_period = 2};
    bt_chain *c = bt_chain_alloc(3, &cs);
    for (size_t p = 0; p < 3; p++) bt_chain_register_initial(c, p);
    size_t to[2] = {1, 2};
    double w[2] = {1, 1};
    net->current_block = 5;
    cr_assert_eq(bt_subnet_set_weights(net, 0, to, w, 2, BT_ARITH_FLOAT), 0);
    net->current_block = 10;
    cr_assert_eq(bt_chain_commit(c, net, 0, 3, to, w, 2), 0);   /* pending, committed at 10 */
    cr_expect_eq(net->last_update[0], 10);
    net->block_at_registration[2] = 12;                          /* peer 2 re-registered at 12 */
    cr_assert_eq(bt_chain_mask_begin(c, net), 0);
    cr_expect_eq(net->weights[0].len, 1);
    cr_expect_eq(net->weights[0].col[0], 1);
    bt_chain_mask_end(c, net);
    cr_expect_eq(net->weights[0].len, 2, "the stored row comes back");
    /* revealed at epoch 3: the entry on the re-registered peer is dropped at reveal */
    cr_assert_eq(bt_chain_reveal(c, net, 3, BT_ARITH_FLOAT, NULL, NULL), 0);
    cr_expect_eq(bt_chain_pending(c, 0), 0);
    cr_expect_eq(net->weights[0].len, 1);
    cr_expect_eq(net->last_update[0], 10, "LastUpdate stays the commit block");
    bt_chain_free(c);
    bt_subnet_free(net);
}

Test(commit_reveal, at_most_ten_commits_wait)
{
    bt_subnet *net = bt_subnet_alloc(2);
    bt_chain_spec cs = {.max_uids = 8, .commit_reveal = 1, .reveal_period = 1};
    bt_chain *c = bt_chain_alloc(2, &cs);
    size_t to[1] = {1};
    double w[1] = {1};
    for (int q = 0; q < 10; q++) cr_expect_eq(bt_chain_commit(c, net, 0, 50, to, w, 1), 0);
    cr_expect_eq(bt_chain_commit(c, net, 0, 50, to, w, 1), 1);
    bt_chain_free(c);
    bt_subnet_free(net);
}

/* ---- stake and parameters at any block ---- */

static const char *STAKE =
    "{\"name\": \"stake\", \"epochs\": 6, \"mechanism\": {\"kind\": \"yuma3\", \"tempo\": 10},"
    " \"peers\": [{\"name\": \"A\", \"stake\": 100}, {\"name\": \"B\", \"stake\": 100}, {\"name\": \"M\", \"stake\": 0}],"
    " \"weights\": [{\"epoch\": 0, \"from\": [\"A\", \"B\"], \"to\": {\"M\": 1}, \"every\": 1}],"
    " \"events\": [{\"block\": 15, \"type\": \"add_stake\", \"peer\": \"A\", \"amount\": 50},"
    "   {\"epoch\": 2, \"type\": \"remove_stake\", \"peer\": \"B\", \"amount\": 1000},"
    "   {\"block\": 35, \"type\": \"move_stake\", \"peer\": \"A\", \"to\": \"B\", \"amount\": 25},"
    "   {\"epoch\": 4, \"type\": \"set_param\", \"param\": \"max_allowed_validators\", \"value\": 1}]}";

Test(stake, add_remove_and_move_at_any_block)
{
    nrun *r = nrun_text(STAKE, NULL, 0);
    size_t a = nrun_peer(r, "A"), b = nrun_peer(r, "B");
    cr_expect_eq(NAT(r, stake, 0, a), 100);   /* epoch 0 at block 10 */
    cr_expect_eq(NAT(r, stake, 1, a), 150);   /* added at 15 */
    cr_expect_eq(NAT(r, stake, 2, b), 0);     /* removed (all of it) before epoch 2 */
    cr_expect_eq(NAT(r, stake, 3, a), 125);   /* moved at 35 */
    cr_expect_eq(NAT(r, stake, 3, b), 25);
    /* time-averaged stake over blocks 0..60: A 100 x 15 + 150 x 20 + 125 x 25 */
    cr_expect(fabs(r->sum.mean_stake[a] - (100.0 * 15 + 150 * 20 + 125 * 25) / 60) < 1e-9, "%g", r->sum.mean_stake[a]);
    cr_expect_eq(nrun_count(r, "move_stake", (long)a), 1);
    /* set_param at epoch 4: one permit, B's stake (25) loses to A's */
    cr_expect_eq(NAT(r, permit, 4, b), 0);
    cr_expect_eq(NAT(r, permit, 4, a), 1);
    nrun_free(r);
}

Test(tempo, set_param_tempo_moves_the_next_epochs_as_the_chain_rule_says)
{
    const char *ev[] = {"events=[{\"block\": 15, \"type\": \"set_param\", \"param\": \"tempo\", \"value\": 3},"
                        "{\"epoch\": 4, \"type\": \"set_param\", \"param\": \"tempo\", \"value\": 20}]"};
    nrun *r = nrun_text(STAKE, ev, 1);
    /* epochs at 10; the change at 15 counts from 16: 16 - 10 >= 3 fires at 16; then 19, 22 (epoch
     * 4, where tempo becomes 20), then 42 */
    int64_t want[6] = {10, 16, 19, 22, 25, 45};
    for (int e = 0; e < 6; e++) cr_expect_eq(r->block[e], want[e], "epoch %d at %ld", e, (long)r->block[e]);
    nrun_free(r);
}
