/* Scenario files: JSON in, validated, out as plain structs (no cJSON types leak past this header).
 * The key set is documented in docs/scenario.md; unknown keys are errors. */
#ifndef BT_SCENARIO_H
#define BT_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include "mechanism/params.h"
#include "models_config.h"

#define BT_EXIT_BAD_INPUT 2

/* peers[i].agent: a behaviour from the agent table (sim/agents/agent_params.h) and its
 * parameters, by the position of each in the type's parameter table. */
#define BT_AGENT_MAX_PARAMS 16
struct bt_weights_spec;
typedef struct {
    int type;                               /* index in the agent table; -1: no agent */
    double v[BT_AGENT_MAX_PARAMS];          /* numbers, integers, booleans, enum indices */
    int given[BT_AGENT_MAX_PARAMS];         /* 1 when the file gives the parameter */
    size_t *peers[BT_AGENT_MAX_PARAMS];     /* peer-list parameters (indices) */
    size_t npeers[BT_AGENT_MAX_PARAMS];
    char *str[BT_AGENT_MAX_PARAMS];         /* string parameters; NULL when not given */
    struct bt_weights_spec *rows;           /* the scripted agent's "weights" (from = self) */
    size_t nrows;
} bt_agent_spec;

/* peers[i].quality: a miner's true quality, per epoch. */
typedef struct {
    int given;          /* the peer is a miner: validators query it */
    double value;       /* at epoch 0, in [0, 1] */
    double drift;       /* sd of a Gaussian step per epoch (clamped to [0, 1]) */
    size_t njumps;
    long *jump_epoch;   /* sorted by epoch */
    double *jump_value;
    long copy_of;       /* peer whose quality this one copies, or -1 */
    long delay_epochs;  /* copies the value of that many epochs ago */
} bt_quality_spec;

typedef struct {
    char *name;
    char *group;        /* "" when the scenario gives none */
    double stake;       /* tokens, >= 0 */
    bt_agent_spec agent;
    bt_quality_spec quality;
    int registered;     /* 1: registered at block 0; 0: waits for a "register" event */
} bt_peer_spec;

/* "chain": the life cycle around the epoch (docs/scenario.md). */
typedef struct {
    long max_uids;              /* subnet size; registration beyond it prunes */
    long immunity_period;       /* blocks after registration a peer cannot be pruned */
    long weights_rate_limit;    /* blocks between two weight sets (or commits) of an agent */
    int commit_reveal;          /* agents' weights are committed and revealed later */
    long reveal_period;         /* epochs between a commit and its reveal */
    long activity_cutoff_factor;/* milli-tempo; 0: use mechanism.activity_cutoff */
} bt_chain_spec;

/* "network": what validators observe when they query miners. */
typedef enum { BT_LAT_FIXED = 0, BT_LAT_LOGNORMAL, BT_LAT_GAMMA } bt_latency_dist;

typedef struct {
    size_t peer;
    int64_t from_block, to_block;   /* offline in [from, to) */
} bt_offline_spec;

typedef struct {
    bt_latency_dist dist;
    double a, b;                /* fixed: value; lognormal: mu, sigma (of ln blocks); gamma: shape, scale */
    double peer_spread;         /* sd of ln of a per-peer latency factor (link = sender x receiver) */
    double timeout;             /* blocks; a query slower than this fails */
    double rate_offline;        /* per miner and block: chance to go offline (random churn) */
    double mean_offline_blocks; /* mean length of a random offline interval */
    size_t noffline;
    bt_offline_spec *offline;   /* scheduled offline intervals */
} bt_network_spec;

/* One "weights" entry: peer `from` sets the row `to`/`w` (explicit zeros kept, order as given)
 * at epoch `epoch`; with every > 0 it sets the same row again every `every` epochs until the
 * same peer's next entry. */
typedef struct bt_weights_spec {
    long epoch;
    size_t from;
    size_t nto;
    size_t *to;
    double *w;
    long every;
} bt_weights_spec;

typedef enum {
    BT_EVENT_RESET_BONDS = 0, BT_EVENT_REGISTER, BT_EVENT_ADD_STAKE, BT_EVENT_REMOVE_STAKE,
    BT_EVENT_MOVE_STAKE, BT_EVENT_SET_PARAM
} bt_event_type;

/* set_param: the parameters an event may change (docs/scenario.md, "events"). */
typedef enum {
    BT_SP_KAPPA = 0, BT_SP_BONDS_PENALTY, BT_SP_BONDS_MOVING_AVERAGE, BT_SP_MAX_ALLOWED_VALIDATORS,
    BT_SP_TEMPO, BT_SP_ACTIVITY_CUTOFF, BT_SP_STAKE_THRESHOLD, BT_SP_RAO_EMISSION,
    BT_SP_LIQUID_ALPHA, BT_SP_ALPHA_LOW, BT_SP_ALPHA_HIGH, BT_SP_STEEPNESS,
    BT_SP_MAX_UIDS, BT_SP_IMMUNITY_PERIOD, BT_SP_WEIGHTS_RATE_LIMIT, BT_SP_COMMIT_REVEAL,
    BT_SP_REVEAL_PERIOD, BT_SP_COUNT
} bt_set_param;

/* An event happens at an epoch (in that epoch's block, before the epoch) or at a block (after
 * that block's epoch, as an extrinsic would): exactly one of epoch and block is >= 0. */
typedef struct {
    long epoch;
    int64_t block;
    bt_event_type type;
    size_t peer;
    size_t to;          /* move_stake: the receiving peer */
    double amount;      /* add/remove/move_stake: tokens */
    bt_set_param param; /* set_param */
    double value;       /* set_param: the new value (booleans as 0/1) */
} bt_event_spec;

typedef struct {
    char *name;
    char *path;            /* file it came from */
    char *json;            /* the scenario's full JSON text, overrides applied (printed unformatted) */
    bt_params mech;
    size_t npeers;
    bt_peer_spec *peers;
    long epochs;
    uint64_t seed;         /* "seed" key, default 0; the CLI's --seed overrides it */
    size_t nweights;
    bt_weights_spec *weights;   /* sorted by epoch, stable (file order within an epoch) */
    size_t nevents;
    bt_event_spec *events;      /* sorted by epoch, stable */
    /* bonds, weights: 0 off, 1 dense [epochs x n x n], 2 sparse (COO streams);
     * every: series are recorded for epochs 0, every, 2*every, ... */
    struct { int bonds; int weights; long every; } output;
    bt_models_config *models;   /* "task", peers[].model, peers[].scoring; NULL without "task" */
    /* the network and its life cycle (all absent: the core's fixed subnet) */
    int has_chain, has_network, has_agents;
    bt_chain_spec chain;
    bt_network_spec network;
    char *honest_group;    /* pricing: the group others are compared with ("honest") */
} bt_scenario;

/* Loads and validates a scenario. overrides are "key.path=value" strings (value parsed as JSON,
 * else taken as a string) applied before validation. On failure returns BT_EXIT_BAD_INPUT and
 * writes one line (no trailing newline) to err: "FILE: JSON.PATH: what is wrong". */
int bt_scenario_load(const char *path, const char *const *overrides, size_t noverrides,
                     bt_scenario *out, char *err, size_t errlen);
/* Same, from a text already in memory; `path` only names it in messages. */
int bt_scenario_parse(const char *path, const char *text, size_t len,
                      const char *const *overrides, size_t noverrides,
                      bt_scenario *out, char *err, size_t errlen);
void bt_scenario_free(bt_scenario *s);

#endif
