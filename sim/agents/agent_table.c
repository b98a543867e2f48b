/* The agent table: each behaviour's name, parameters (kind, default, range, help) and
 * callbacks. docs/scenario.md documents the same table; the order is the BT_AGENT_* enum. */
#include "agents/agent.h"
#include "agents/agents_impl.h"
#include "models_agent.h"
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define BIG 1e15

/* Parameters shared by the validators that score miners through the network. */
#define SCORER_PARAMS \
    {"noise", BT_AP_NUMBER, 0.05, 0, 10, NULL, "sd of the Gaussian noise on each observed quality"}, \
    {"sample", BT_AP_INTEGER, 0, 0, BIG, NULL, "miners queried per round (0: all)"}, \
    {"alpha", BT_AP_NUMBER, 0.5, 1e-6, 1, NULL, "weight of a new observation in the score average"}
#define TIMING_PARAMS \
    {"every", BT_AP_INTEGER, 0, 0, BIG, NULL, "blocks between two weight sets (0: one tempo)"}, \
    {"offset", BT_AP_INTEGER, -1, -1, BIG, NULL, "block of the first round (-1: a random phase in [0, every))"}

static const bt_agent_param honest_params[] = {TIMING_PARAMS, SCORER_PARAMS};
static const bt_agent_param late_params[] = {
    {"every_epochs", BT_AP_INTEGER, 2, 1, BIG, NULL, "epochs between two weight sets"},
    {"delay_epochs", BT_AP_INTEGER, 1, 0, 64, NULL, "the scores it sets are this many epochs old"},
    {"offset", BT_AP_INTEGER, -1, -1, BIG, NULL, "block of the first round (-1: a random phase)"},
    SCORER_PARAMS};
static const char *const copier_sources[] = {"weights", "consensus", NULL};
static const bt_agent_param copier_params[] = {
    TIMING_PARAMS,
    {"source", BT_AP_ENUM, 0, 0, 1, copier_sources,
     "weights: the stake-weighted kappa-median of the weight rows it can see (revealed rows under "
     "commit-reveal); consensus: the last epoch's consensus vector"}};
static const bt_agent_param cabal_params[] = {
    TIMING_PARAMS,
    {"group", BT_AP_STRING, 0, 0, 0, NULL, "the cabal's group label (default: the peer's group)"},
    {"honest_share", BT_AP_NUMBER, 0, 0, 1, NULL,
     "share of the row spread like the last consensus over non-members, to stay under the radar"}};
static const bt_agent_param sybil_params[] = {
    TIMING_PARAMS,
    {"owner", BT_AP_STRING, 0, 0, 0, NULL, "identities with the same owner share one scorer (default: the group)"},
    SCORER_PARAMS};
static const bt_agent_param farmer_params[] = {
    TIMING_PARAMS,
    {"epsilon", BT_AP_NUMBER, 0.01, 0, 1, NULL, "weight (relative to the row's largest) on each target"},
    {"targets", BT_AP_PEERS, 0, 0, 0, NULL, "miners it expects consensus to move to (default: every miner)"},
    SCORER_PARAMS};
static const char *const mover_modes[] = {"jit", "chase", NULL};
static const char *const mover_weights[] = {"consensus", "none", NULL};
static const bt_agent_param mover_params[] = {
    {"mode", BT_AP_ENUM, 0, 0, 1, mover_modes,
     "jit: add `amount` tokens `lead` blocks before each epoch and remove them `lag` blocks after; "
     "chase: move all its stake each epoch to the peer in `to` with the best dividends per stake"},
    {"amount", BT_AP_NUMBER, 0, 0, BIG, NULL, "jit: tokens added around each epoch"},
    {"lead", BT_AP_INTEGER, 1, 0, BIG, NULL, "jit: blocks before the epoch"},
    {"lag", BT_AP_INTEGER, 1, 0, BIG, NULL, "jit: blocks after the epoch"},
    {"to", BT_AP_PEERS, 0, 0, 0, NULL, "chase: the validators it moves between"},
    {"weights", BT_AP_ENUM, 0, 0, 1, mover_weights, "what it sets each epoch: the last consensus, or nothing"}};
static const bt_agent_param scripted_params[] = {
    {"weights", BT_AP_ROWS, 0, 0, 0, NULL, "rows as in the top-level weights, without from"}};

static const bt_agent_desc descs[BT_AGENT_NTYPES] = {
    {"honest", honest_params, COUNT(honest_params), "scores miners by observed quality plus noise, sets weights every k blocks"},
    {"late", late_params, COUNT(late_params), "an honest scorer that sets weights every m epochs, on scores d epochs old"},
    {"copier", copier_params, COUNT(copier_params), "copies the last consensus it can see"},
    {"cabal", cabal_params, COUNT(cabal_params), "weights its fellow members (and a share elsewhere)"},
    {"sybil", sybil_params, COUNT(sybil_params), "one of an owner's identities: all set the owner's honest row"},
    {"bond_farmer", farmer_params, COUNT(farmer_params), "honest row plus tiny weights on miners it expects to rise"},
    {"stake_mover", mover_params, COUNT(mover_params), "moves stake around epochs or between validators"},
    {"scripted", scripted_params, COUNT(scripted_params), "explicit weight schedule, through the chain's rules"},
    {"evaluator", NULL, 0, "measures miners' synthetic models (given by peers[i].scoring, docs/models.md)"},
};

static const bt_agent_type types[BT_AGENT_NTYPES] = {
    {&descs[BT_AGENT_HONEST], bt_validator_init, bt_validator_handle, bt_validator_finish},
    {&descs[BT_AGENT_LATE], bt_validator_init, bt_validator_handle, bt_validator_finish},
    {&descs[BT_AGENT_COPIER], bt_copier_init, bt_copier_handle, bt_copier_finish},
    {&descs[BT_AGENT_CABAL], bt_cabal_init, bt_cabal_handle, bt_cabal_finish},
    {&descs[BT_AGENT_SYBIL], bt_validator_init, bt_validator_handle, bt_validator_finish},
    {&descs[BT_AGENT_BOND_FARMER], bt_validator_init, bt_validator_handle, bt_validator_finish},
    {&descs[BT_AGENT_STAKE_MOVER], bt_mover_init, bt_mover_handle, bt_mover_finish},
    {&descs[BT_AGENT_SCRIPTED], bt_scripted_init, bt_scripted_handle, bt_scripted_finish},
    {&descs[BT_AGENT_EVALUATOR], bt_evaluator_init, bt_evaluator_handle, bt_evaluator_finish},
};

const bt_agent_desc *bt_agent_descs(size_t *n)
{
    *n = BT_AGENT_NTYPES;
    return descs;
}

int bt_agent_desc_find(const char *name)
{
    for (int t = 0; t < BT_AGENT_NTYPES; t++)
        if (strcmp(descs[t].name, name) == 0) return t;
    return -1;
}

int bt_agent_param_find(int t, const char *name)
{
    if (t < 0 || t >= BT_AGENT_NTYPES) return -1;
    for (size_t q = 0; q < descs[t].nparams; q++)
        if (strcmp(descs[t].params[q].name, name) == 0) return (int)q;
    return -1;
}

const bt_agent_type *bt_agent_type_at(int t) { return t >= 0 && t < BT_AGENT_NTYPES ? &types[t] : NULL; }
