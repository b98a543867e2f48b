/* Properties of the attack library (scenarios/attacks/) that Yuma is supposed to guarantee,
 * and the results where it does not (docs/findings.md, "Attacks on the network"): each test
 * runs the file as shipped and checks who earns what. */
#include "net_harness.h"
#include <math.h>

static double group_ratio(const nrun *r, const char *g) { return r->price.ratio[nrun_group(r, g)]; }

/* Share of the miners' (server) emission that went to peers of group g, and g's stake share. */
static void incentive_and_stake_share(const nrun *r, const char *g, double *inc, double *stake)
{
    double gi = 0, ti = 0, gs = 0, ts = 0;
    for (size_t i = 0; i < r->n; i++) {
        int in = strcmp(r->sc.peers[i].group, g) == 0;
        gi += in ? r->sum.server_emission[i] : 0;
        ti += r->sum.server_emission[i];
        gs += in ? r->sum.initial_stake[i] : 0;
        ts += r->sum.initial_stake[i];
    }
    *inc = ti > 0 ? gi / ti : 0;
    *stake = ts > 0 ? gs / ts : 0;
}

Test(cabal, below_kappa_earns_less_than_its_stake_share_of_the_incentive)
{
    const char *files[] = {"scenarios/attacks/cabal_10pct.json", "scenarios/attacks/cabal_30pct.json",
                           "scenarios/attacks/cabal_45pct.json", "scenarios/attacks/cabal_30pct_share30.json"};
    for (size_t f = 0; f < 4; f++) {
        nrun *r = nrun_file(files[f], NULL, 0);
        double inc, stake;
        incentive_and_stake_share(r, "cabal", &inc, &stake);
        cr_expect_lt(inc, stake, "%s: cabal miners get %.4f of the incentive with %.2f of the stake", files[f], inc, stake);
        cr_expect_lt(group_ratio(r, "cabal"), 0.5, "%s: cabal earns %.3f of honest per stake", files[f],
                     group_ratio(r, "cabal"));
        nrun_free(r);
    }
}

Test(cabal, above_kappa_takes_over)
{
    nrun *r = nrun_file("scenarios/attacks/cabal_55pct.json", NULL, 0);
    double inc, stake;
    incentive_and_stake_share(r, "cabal", &inc, &stake);
    cr_expect_gt(inc, 0.9, "a 55%% cabal gets %.4f of the incentive", inc);
    cr_expect_gt(group_ratio(r, "cabal"), 10);
    nrun_free(r);
}

Test(copier, under_commit_reveal_earns_less_per_stake_than_honest_and_less_the_longer_the_period)
{
    nrun *no = nrun_file("scenarios/attacks/copier_no_cr.json", NULL, 0);
    double r0 = group_ratio(no, "copier"), prev = r0;
    /* without commit-reveal copying pays as well as measuring: the problem commit-reveal solves */
    cr_expect_gt(r0, 0.97, "copier without commit-reveal: %.3f", r0);
    nrun_free(no);
    const char *files[] = {"scenarios/attacks/copier_cr1.json", "scenarios/attacks/copier_cr2.json",
                           "scenarios/attacks/copier_cr4.json"};
    for (size_t f = 0; f < 3; f++) {
        nrun *r = nrun_file(files[f], NULL, 0);
        double x = group_ratio(r, "copier");
        cr_expect_lt(x, 0.95, "%s: copier earns %.3f of honest per stake", files[f], x);
        cr_expect_lt(x, prev, "%s: a longer reveal period should cost the copier more", files[f]);
        prev = x;
        nrun_free(r);
    }
}

Test(late, being_late_costs_and_more_so_the_later)
{
    const char *files[] = {"scenarios/attacks/late_every1_delay1.json", "scenarios/attacks/late_every2_delay1.json",
                           "scenarios/attacks/late_every4_delay2.json"};
    double prev = 1;
    for (size_t f = 0; f < 3; f++) {
        nrun *r = nrun_file(files[f], NULL, 0);
        double x = group_ratio(r, "late");
        cr_expect_lt(x, prev, "%s: late validators earn %.3f of honest per stake", files[f], x);
        prev = x;
        nrun_free(r);
    }
}

Test(sybil, splitting_a_validator_is_about_neutral)
{
    nrun *one = nrun_file("scenarios/attacks/sybil_validators_1.json", NULL, 0);
    nrun *many = nrun_file("scenarios/attacks/sybil_validators_8.json", NULL, 0);
    double a = group_ratio(one, "sybil"), b = group_ratio(many, "sybil");
    cr_expect(fabs(a - 1) < 0.03 && fabs(b - 1) < 0.05, "1 identity %.3f, 8 identities %.3f", a, b);
    nrun_free(one);
    nrun_free(many);
}

/* Finding: the mechanism does not stop one model served from several miner UIDs from taking
 * a multiple of one miner's incentive (only UID scarcity and registration cost do). */
Test(sybil, finding_miner_copies_multiply_the_owners_incentive)
{
    nrun *one = nrun_file("scenarios/attacks/sybil_miners_1.json", NULL, 0);
    nrun *four = nrun_file("scenarios/attacks/sybil_miners_4.json", NULL, 0);
    double e1 = one->price.emission[nrun_group(one, "sybil")], e4 = four->price.emission[nrun_group(four, "sybil")];
    cr_expect_gt(e4 / e1, 3.0, "4 copies earn %.2f x one", e4 / e1);
    nrun_free(one);
    nrun_free(four);
}

Test(bond_farming, tiny_weights_on_every_miner_gain_nothing_under_yuma3)
{
    const char *files[] = {"scenarios/attacks/bond_farming.json", "scenarios/attacks/bond_farming_liquid_alpha.json"};
    for (size_t f = 0; f < 2; f++) {
        nrun *r = nrun_file(files[f], NULL, 0);
        double x = group_ratio(r, "farmer");
        cr_expect(x > 0.97 && x < 1.01, "%s: farmer earns %.3f of honest per stake", files[f], x);
        nrun_free(r);
    }
}

/* Finding: Yuma 3 multiplies dividends by the active stake at the epoch, so stake that is there
 * only around epochs earns like stake held all along. */
Test(stake, finding_just_in_time_stake_earns_many_times_its_time_averaged_share)
{
    nrun *r = nrun_file("scenarios/attacks/stake_jit.json", NULL, 0);
    size_t j = nrun_peer(r, "J");
    cr_expect_gt(group_ratio(r, "jit"), 5, "JIT staker earns %.2f x honest per stake held", group_ratio(r, "jit"));
    cr_expect_eq(NAT(r, stake, 10, j), 200);
    cr_expect_lt(r->sum.mean_stake[j], 20);
    nrun_free(r);
}

Test(churn, offline_miners_earn_less_and_newcomers_replace_the_lowest_earners)
{
    nrun *r = nrun_file("scenarios/attacks/miner_churn.json", NULL, 0);
    size_t flaky = nrun_group(r, "flaky"), miner = nrun_group(r, "miner");
    double per_flaky = r->price.emission[flaky] / (double)r->price.count[flaky];
    double per_miner = r->price.emission[miner] / (double)r->price.count[miner];
    cr_expect_lt(per_flaky, per_miner, "flaky %.3g vs %.3g per miner", per_flaky, per_miner);
    cr_expect_eq(nrun_count(r, "register", -1), 6);
    cr_expect_eq(nrun_count(r, "prune", -1), 6);
    cr_expect_gt(nrun_count(r, "offline", -1), 4, "random churn on top of the 4 scheduled intervals");
    nrun_free(r);
}
