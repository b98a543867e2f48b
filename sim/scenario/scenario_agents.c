/* The network keys of a scenario: peers[i].agent (a behaviour from the agent table and its
 * parameters, checked against the table in sim/agents/agent_params.h), peers[i].quality (a
 * miner's true quality), "chain" (the life cycle), "network" (latency, timeout, churn,
 * offline intervals), "pricing", and the parameter of set_param events. Absent, the run is
 * the core's fixed subnet. docs/scenario.md is the reference. */
#include "scenario/scenario_internal.h"
#include "agents/agent_params.h"
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define LONG_EXACT fmin(BT_SCN_INT_EXACT, (double)LONG_MAX)


/* ---- set_param ---- */

typedef struct {
    const char *name;
    double lo, hi;
    int integer, boolean;
} param_rule;

/* Ranges as for the scenario keys of the same names. Order: bt_set_param. */
static const param_rule set_params[BT_SP_COUNT] = {
    {"kappa", 0, 1, 0, 0},
    {"bonds_penalty", 0, 1, 0, 0},
    {"bonds_moving_average", 0, 1, 0, 0},
    {"max_allowed_validators", 1, 65535, 1, 0},
    {"tempo", 1, 65535, 1, 0},
    {"activity_cutoff", 1, 9007199254740992.0, 1, 0},
    {"stake_threshold", 0, INFINITY, 0, 0},
    {"rao_emission", 1, 1.8e19, 0, 0},
    {"liquid_alpha.enabled", 0, 1, 0, 1},
    {"liquid_alpha.alpha_low", 1.0 / 65535, 1, 0, 0},
    {"liquid_alpha.alpha_high", 1.0 / 65535, 1, 0, 0},
    {"liquid_alpha.steepness", -327.68, 327.67, 0, 0},
    {"chain.max_uids", 1, 65535, 1, 0},
    {"chain.immunity_period", 0, 9007199254740992.0, 1, 0},
    {"chain.weights_rate_limit", 0, 9007199254740992.0, 1, 0},
    {"chain.commit_reveal.enabled", 0, 1, 0, 1},
    {"chain.commit_reveal.reveal_period", 1, 100, 1, 0},
};

int bt_scn_read_set_param(bt_scn_ctx *c, const cJSON *e, bt_event_spec *ev)
{
    const char *names[BT_SP_COUNT];
    for (int q = 0; q < BT_SP_COUNT; q++) names[q] = set_params[q].name;
    int which = -1, rc;
    if (!cJSON_GetObjectItemCaseSensitive(e, "param"))
        return bt_scn_fail(c, "missing key \"param\"");
    if (!cJSON_GetObjectItemCaseSensitive(e, "value"))
        return bt_scn_fail(c, "missing key \"value\"");
    if ((rc = bt_scn_enum(c, e, "param", names, BT_SP_COUNT, &which)))
        return rc;
    const param_rule *r = &set_params[which];
    ev->param = (bt_set_param)which;
    if (r->boolean) {
        int b = 0;
        rc = bt_scn_bool(c, e, "value", &b);
        ev->value = b;
        return rc;
    }
    if (r->integer) {
        long v = 0;
        rc = bt_scn_integer(c, e, "value", r->lo, r->hi, &v);
        ev->value = (double)v;
        return rc;
    }
    return bt_scn_number(c, e, "value", r->lo, 0, r->hi, 0, &ev->value);
}

/* ---- chain ---- */

static const bt_scn_key chain_keys[] = {{"max_uids", 0}, {"immunity_period", 0},
                                        {"weights_rate_limit", 0}, {"commit_reveal", 0},
                                        {"activity_cutoff_factor", 0}};
static const bt_scn_key cr_keys[] = {{"enabled", 0}, {"reveal_period", 0}};

static int read_chain(bt_scn_ctx *c, const cJSON *root, bt_scenario *out)
{
    const cJSON *ch = cJSON_GetObjectItemCaseSensitive(root, "chain");
    bt_chain_spec *cs = &out->chain;
    /* the chain's runtime defaults (spec chain-yuma.md section 5) */
    cs->max_uids = 0;
    cs->immunity_period = 4096;
    cs->weights_rate_limit = 100;
    cs->commit_reveal = 1;
    cs->reveal_period = 1;
    cs->activity_cutoff_factor = 0;
    if (!ch)
        return 0;
    out->has_chain = 1;
    size_t mark = bt_scn_push_key(c, "chain");
    int rc;
    if ((rc = bt_scn_expect(c, ch, bt_scn_is_object, "an object"))
        || (rc = bt_scn_check_keys(c, ch, chain_keys, COUNT(chain_keys)))
        || (rc = bt_scn_integer(c, ch, "max_uids", 1, 65535, &cs->max_uids))
        || (rc = bt_scn_integer(c, ch, "immunity_period", 0, LONG_EXACT, &cs->immunity_period))
        || (rc = bt_scn_integer(c, ch, "weights_rate_limit", 0, LONG_EXACT, &cs->weights_rate_limit))
        || (rc = bt_scn_integer(c, ch, "activity_cutoff_factor", 1000, 50000, &cs->activity_cutoff_factor)))
        return rc;
    const cJSON *cr = cJSON_GetObjectItemCaseSensitive(ch, "commit_reveal");
    if (cr) {
        size_t m = bt_scn_push_key(c, "commit_reveal");
        if ((rc = bt_scn_expect(c, cr, bt_scn_is_object, "an object"))
            || (rc = bt_scn_check_keys(c, cr, cr_keys, COUNT(cr_keys)))
            || (rc = bt_scn_bool(c, cr, "enabled", &cs->commit_reveal))
            || (rc = bt_scn_integer(c, cr, "reveal_period", 1, 100, &cs->reveal_period)))
            return rc;
        bt_scn_pop(c, m);
    }
    size_t nreg = 0;
    for (size_t p = 0; p < out->npeers; p++) nreg += out->peers[p].registered != 0;
    if (cs->max_uids > 0 && (size_t)cs->max_uids < nreg) {
        bt_scn_push_key(c, "max_uids");
        return bt_scn_fail(c, "must be at least the %zu peers registered at block 0, got %ld", nreg, cs->max_uids);
    }
    bt_scn_pop(c, mark);
    return 0;
}

/* ---- network ---- */

static const bt_scn_key net_keys[] = {{"latency", 0}, {"timeout", 0}, {"churn", 0}, {"offline", 0}};
static const bt_scn_key churn_keys[] = {{"rate_offline", 0}, {"mean_offline_blocks", 0}};
static const bt_scn_key offline_keys[] = {{"peer", 1}, {"from_block", 1}, {"to_block", 1}};
static const char *const dist_names[] = {"fixed", "lognormal", "gamma"};
static const bt_scn_key lat_keys[][4] = {
    {{"dist", 1}, {"value", 0}, {"peer_spread", 0}},
    {{"dist", 1}, {"mu", 0}, {"sigma", 0}, {"peer_spread", 0}},
    {{"dist", 1}, {"shape", 0}, {"scale", 0}, {"peer_spread", 0}},
};
static const size_t lat_nkeys[] = {3, 4, 4};

static int read_latency(bt_scn_ctx *c, const cJSON *net, bt_network_spec *ns)
{
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(net, "latency");
    if (!l)
        return 0;
    size_t mark = bt_scn_push_key(c, "latency");
    int dist = -1, rc;
    if ((rc = bt_scn_expect(c, l, bt_scn_is_object, "an object"))
        || (rc = bt_scn_enum(c, l, "dist", dist_names, COUNT(dist_names), &dist)))
        return rc;
    if (dist < 0)
        return bt_scn_fail(c, "missing key \"dist\"");
    ns->dist = (bt_latency_dist)dist;
    static const double def_a[] = {0, -3, 2}, def_b[] = {0, 1, 0.05};
    ns->a = def_a[dist];
    ns->b = def_b[dist];
    if ((rc = bt_scn_check_keys(c, l, lat_keys[dist], lat_nkeys[dist]))
        || (rc = bt_scn_number(c, l, "peer_spread", 0, 0, 10, 0, &ns->peer_spread)))
        return rc;
    if (dist == BT_LAT_FIXED)
        rc = bt_scn_number(c, l, "value", 0, 0, 1e6, 0, &ns->a);
    else if (dist == BT_LAT_LOGNORMAL)
        rc = bt_scn_number(c, l, "mu", -50, 0, 50, 0, &ns->a) || bt_scn_number(c, l, "sigma", 0, 0, 10, 0, &ns->b);
    else
        rc = bt_scn_number(c, l, "shape", 0, 1, 1e6, 0, &ns->a) || bt_scn_number(c, l, "scale", 0, 1, 1e6, 0, &ns->b);
    if (rc)
        return BT_EXIT_BAD_INPUT;
    bt_scn_pop(c, mark);
    return 0;
}

static int read_offline(bt_scn_ctx *c, const cJSON *net, bt_network_spec *ns)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(net, "offline");
    if (!arr)
        return 0;
    size_t mark = bt_scn_push_key(c, "offline"), n = 0, i = 0;
    int rc = bt_scn_expect(c, arr, bt_scn_is_array, "an array");
    if (rc)
        return rc;
    for (const cJSON *it = arr->child; it; it = it->next) n++;
    if (n && !(ns->offline = calloc(n, sizeof *ns->offline)))
        return bt_scn_fail(c, "out of memory");
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        size_t m = bt_scn_push_index(c, i);
        bt_offline_spec *o = &ns->offline[i];
        long from = 0, to = 0;
        if ((rc = bt_scn_expect(c, it, bt_scn_is_object, "an object"))
            || (rc = bt_scn_check_keys(c, it, offline_keys, COUNT(offline_keys))))
            return rc;
        size_t pm = bt_scn_push_key(c, "peer");
        if ((rc = bt_scn_peer_ref(c, cJSON_GetObjectItemCaseSensitive(it, "peer"), &o->peer)))
            return rc;
        bt_scn_pop(c, pm);
        if ((rc = bt_scn_integer(c, it, "from_block", 0, BT_SCN_MAX_BLOCK, &from))
            || (rc = bt_scn_integer(c, it, "to_block", 0, BT_SCN_MAX_BLOCK, &to)))
            return rc;
        if (to <= from) {
            bt_scn_push_key(c, "to_block");
            return bt_scn_fail(c, "must be > from_block (%ld), got %ld", from, to);
        }
        o->from_block = from;
        o->to_block = to;
        ns->noffline++;
        bt_scn_pop(c, m);
    }
    bt_scn_pop(c, mark);
    return 0;
}

static int read_network_key(bt_scn_ctx *c, const cJSON *root, bt_scenario *out)
{
    const cJSON *net = cJSON_GetObjectItemCaseSensitive(root, "network");
    bt_network_spec *ns = &out->network;
    ns->dist = BT_LAT_FIXED;
    ns->a = ns->b = 0;
    ns->timeout = 1;
    ns->mean_offline_blocks = 100;
    if (!net)
        return 0;
    out->has_network = 1;
    size_t mark = bt_scn_push_key(c, "network");
    int rc;
    if ((rc = bt_scn_expect(c, net, bt_scn_is_object, "an object"))
        || (rc = bt_scn_check_keys(c, net, net_keys, COUNT(net_keys)))
        || (rc = read_latency(c, net, ns))
        || (rc = bt_scn_number(c, net, "timeout", 0, 1, 1e6, 0, &ns->timeout)))
        return rc;
    const cJSON *ch = cJSON_GetObjectItemCaseSensitive(net, "churn");
    if (ch) {
        size_t m = bt_scn_push_key(c, "churn");
        if ((rc = bt_scn_expect(c, ch, bt_scn_is_object, "an object"))
            || (rc = bt_scn_check_keys(c, ch, churn_keys, COUNT(churn_keys)))
            || (rc = bt_scn_number(c, ch, "rate_offline", 0, 0, 1, 0, &ns->rate_offline))
            || (rc = bt_scn_number(c, ch, "mean_offline_blocks", 0, 1, 1e9, 0, &ns->mean_offline_blocks)))
            return rc;
        bt_scn_pop(c, m);
    }
    if ((rc = read_offline(c, net, ns)))
        return rc;
    bt_scn_pop(c, mark);
    return 0;
}

/* ---- pricing ---- */

static const bt_scn_key pricing_keys[] = {{"reference_group", 0}};

static int read_pricing(bt_scn_ctx *c, const cJSON *root, bt_scenario *out)
{
    const cJSON *pr = cJSON_GetObjectItemCaseSensitive(root, "pricing");
    const char *ref = "honest";
    int rc;
    if (pr) {
        size_t mark = bt_scn_push_key(c, "pricing");
        if ((rc = bt_scn_expect(c, pr, bt_scn_is_object, "an object"))
            || (rc = bt_scn_check_keys(c, pr, pricing_keys, COUNT(pricing_keys)))
            || (rc = bt_scn_string(c, pr, "reference_group", 1, &ref)))
            return rc;
        bt_scn_pop(c, mark);
    }
    if (!(out->honest_group = strdup(ref)))
        return bt_scn_fail(c, "out of memory");
    return 0;
}

/* After peers, mechanism, weights, events and output: peers' agents and qualities, then
 * chain, network, pricing. */
int bt_scn_read_network(bt_scn_ctx *c, const cJSON *root, bt_scenario *out)
{
    int rc;
    if ((rc = bt_scn_read_peer_agents(c, root, out))
        || (rc = bt_scn_models_agents(c, out))
        || (rc = read_chain(c, root, out))
        || (rc = read_network_key(c, root, out))
        || (rc = read_pricing(c, root, out)))
        return rc;
    return 0;
}
