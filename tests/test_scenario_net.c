/* The network keys of a scenario file (docs/scenario.md): agents and their parameters,
 * quality, chain, network, pricing and the new event types are read as documented, and every
 * mistake gives one line naming the JSON path. Without any of them a scenario is the core's. */
#include "scenario/scenario.h"
#include "agents/agent_params.h"
#include <criterion/criterion.h>
#include <string.h>

#define HEAD "{\"name\": \"m\", \"epochs\": 4, \"mechanism\": {\"kind\": \"yuma3\"}, "
#define PEERS(v, s) "\"peers\": [{\"name\": \"V\", \"stake\": 1" v "}, {\"name\": \"S\", \"stake\": 0" s "}]"

static void expect_error(const char *text, const char *want)
{
    bt_scenario s;
    char err[512];
    int rc = bt_scenario_parse("t.json", text, strlen(text), NULL, 0, &s, err, sizeof err);
    cr_assert_eq(rc, BT_EXIT_BAD_INPUT, "rc %d for: %s", rc, text);
    cr_assert_null(strchr(err, '\n'));
    cr_assert_not_null(strstr(err, want), "\"%s\" not in \"%s\"", want, err);
}

static void parse_ok(const char *text, bt_scenario *s)
{
    char err[512];
    int rc = bt_scenario_parse("t.json", text, strlen(text), NULL, 0, s, err, sizeof err);
    cr_assert_eq(rc, 0, "%s", err);
}

Test(network_keys, absent_means_the_core)
{
    bt_scenario s;
    parse_ok(HEAD PEERS("", "") "}", &s);
    cr_expect_eq(s.has_chain + s.has_network + s.has_agents, 0);
    cr_expect_eq(s.peers[0].agent.type, -1);
    cr_expect_eq(s.peers[1].registered, 1);
    cr_expect_str_eq(s.honest_group, "honest");
    bt_scenario_free(&s);
}

Test(network_keys, agents_quality_chain_network_read_with_defaults)
{
    bt_scenario s;
    parse_ok(HEAD PEERS(", \"agent\": {\"type\": \"late\", \"delay_epochs\": 2}",
                        ", \"quality\": {\"value\": 0.4, \"drift\": 0.1, \"jumps\": [{\"epoch\": 2, \"value\": 1}]}")
             ", \"chain\": {\"max_uids\": 8}, \"network\": {\"latency\": {\"dist\": \"gamma\", \"shape\": 3},"
             " \"churn\": {\"rate_offline\": 0.001}, \"offline\": [{\"peer\": \"S\", \"from_block\": 5, \"to_block\": 9}]},"
             " \"pricing\": {\"reference_group\": \"good\"},"
             " \"events\": [{\"block\": 7, \"type\": \"register\", \"peer\": \"S\"}]}", &s);
    cr_expect_eq(s.peers[0].agent.type, bt_agent_desc_find("late"));
    int q = bt_agent_param_find(s.peers[0].agent.type, "delay_epochs");
    cr_expect_eq(s.peers[0].agent.v[q], 2);
    cr_expect(s.peers[0].agent.given[q]);
    cr_expect_eq(s.peers[1].quality.njumps, 1);
    cr_expect_eq(s.peers[1].registered, 0, "a peer named by a register event waits for it");
    cr_expect_eq(s.chain.max_uids, 8);
    cr_expect_eq(s.chain.immunity_period, 4096);
    cr_expect_eq(s.chain.weights_rate_limit, 100);
    cr_expect_eq(s.chain.commit_reveal, 1, "the chain's default: commit-reveal on, reveal period 1");
    cr_expect_eq(s.network.dist, BT_LAT_GAMMA);
    cr_expect_eq(s.network.a, 3);
    cr_expect_eq(s.network.b, 0.05);
    cr_expect_eq(s.network.noffline, 1);
    cr_expect_eq(s.events[0].block, 7);
    cr_expect_eq(s.events[0].epoch, -1);
    cr_expect_str_eq(s.honest_group, "good");
    bt_scenario_free(&s);
}

Test(network_keys, mistakes_name_their_path)
{
    expect_error(HEAD PEERS(", \"agent\": {\"type\": \"honestt\"}", "") "}",
                 "peers[0].agent.type: unknown type \"honestt\"");
    expect_error(HEAD PEERS(", \"agent\": {\"type\": \"honest\", \"noize\": 1}", "") "}",
                 "peers[0].agent.noize: unknown key (did you mean \"noise\"?)");
    expect_error(HEAD PEERS(", \"agent\": {\"type\": \"honest\", \"alpha\": 2}", "") "}",
                 "peers[0].agent.alpha: must be in");
    expect_error(HEAD PEERS(", \"agent\": {\"every\": 3}", "") "}", "peers[0].agent: missing key \"type\"");
    expect_error(HEAD PEERS(", \"agent\": {\"type\": \"bond_farmer\", \"targets\": [\"Q\"]}", "") "}",
                 "peers[0].agent.targets[0]: unknown peer \"Q\"");
    expect_error(HEAD PEERS(", \"agent\": {\"type\": \"copier\", \"source\": \"gossip\"}", "") "}",
                 "peers[0].agent.source: unknown source \"gossip\"");
    expect_error(HEAD PEERS(", \"agent\": {\"type\": \"scripted\", \"weights\": [{\"epoch\": 9, \"to\": {}}]}", "") "}",
                 "peers[0].agent.weights[0].epoch: must be");
    expect_error(HEAD PEERS("", ", \"quality\": {\"drift\": 0.1}") "}", "peers[1].quality: missing key \"value\"");
    expect_error(HEAD PEERS(", \"quality\": {\"copy_of\": \"S\"}", ", \"quality\": {\"copy_of\": \"V\"}") "}",
                 "peers[0].quality.copy_of: \"S\" must be another miner");
    expect_error(HEAD PEERS("", "") ", \"chain\": {\"max_uids\": 1}}", "chain.max_uids: must be at least the 2 peers");
    expect_error(HEAD PEERS("", "") ", \"chain\": {\"commit_reveal\": {\"reveal_period\": 0}}}",
                 "chain.commit_reveal.reveal_period: must be");
    expect_error(HEAD PEERS("", "") ", \"network\": {\"latency\": {\"dist\": \"fixed\", \"mu\": 1}}}",
                 "network.latency.mu: unknown key");
    expect_error(HEAD PEERS("", "") ", \"network\": {\"timeout\": 0}}", "network.timeout: must be");
    expect_error(HEAD PEERS("", "") ", \"network\": {\"offline\": [{\"peer\": \"S\", \"from_block\": 5, \"to_block\": 5}]}}",
                 "network.offline[0].to_block: must be > from_block (5), got 5");
    expect_error(HEAD PEERS("", "") ", \"events\": [{\"epoch\": 1, \"block\": 3, \"type\": \"register\", \"peer\": \"S\"}]}",
                 "events[0]: give either \"epoch\" or \"block\", not both");
    expect_error(HEAD PEERS("", "") ", \"events\": [{\"type\": \"register\", \"peer\": \"S\"}]}",
                 "events[0]: missing key \"epoch\" (or \"block\")");
    expect_error(HEAD PEERS("", "") ", \"events\": [{\"epoch\": 1, \"type\": \"register\", \"peer\": \"S\", \"amount\": 3}]}",
                 "events[0].amount: not used by type \"register\"");
    expect_error(HEAD PEERS("", "") ", \"events\": [{\"epoch\": 1, \"type\": \"move_stake\", \"peer\": \"V\", \"amount\": 1}]}",
                 "events[0]: missing key \"to\"");
    expect_error(HEAD PEERS("", "") ", \"events\": [{\"epoch\": 1, \"type\": \"set_param\", \"param\": \"kapa\", \"value\": 1}]}",
                 "events[0].param: unknown param \"kapa\"");
    expect_error(HEAD PEERS("", "") ", \"events\": [{\"epoch\": 1, \"type\": \"set_param\", \"param\": \"tempo\", \"value\": 0}]}",
                 "events[0].value: must be");
    expect_error(HEAD PEERS("", "") ", \"events\": [{\"epoch\": 1, \"type\": \"set_param\", \"param\": \"liquid_alpha.enabled\", \"value\": 1}]}",
                 "events[0].value: expected true or false");
    expect_error(HEAD PEERS("", "") ", \"pricing\": {\"reference_group\": \"\"}}", "pricing.reference_group: must");
}
