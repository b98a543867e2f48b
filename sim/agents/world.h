/* bt_world: the state of a running network that agents see and act on, and the hooks a run
 * calls around each epoch. It owns the chain life cycle (sim/chain), the network
 * (sim/net), the miners' true quality, one gsl_rng per peer (seeded from the run seed and the
 * peer index), the agents, the public history copiers read, the event log and the pricing
 * accumulators. The mechanism stays a pure epoch function: the world only edits the subnet
 * storage between epochs, as extrinsics do on chain.
 *
 * Time: kernel ticks, BT_TICKS_PER_BLOCK per block. Within one block, events run in the
 * priority order below. Scripted weights and epoch-keyed events of epoch e happen in epoch
 * e's block before it (the core's time model); block-keyed events and everything agents do
 * happen after the block's epoch, as extrinsics follow on_initialize on chain. */
#ifndef BT_WORLD_H
#define BT_WORLD_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "kernel/kernel.h"
#include "mechanism/mechanism.h"
#include "scenario/scenario.h"
#include "agents/agent.h"

enum {
    BT_PRIO_WEIGHTS = 0,      /* the scenario's scripted "weights" of the epoch */
    BT_PRIO_EVENT = 1,        /* epoch-keyed scenario events */
    BT_PRIO_REVEAL = 2,       /* commits due are revealed (bt_world_before_epoch) */
    BT_PRIO_EPOCH = 3,        /* the mechanism */
    BT_PRIO_BLOCK_EVENT = 4,  /* block-keyed scenario events */
    BT_PRIO_NET = 5,          /* miners going offline or coming back */
    BT_PRIO_AGENT = 6         /* agents' timers and the answers to their queries */
};

/* Kernel event types the world registers (the run uses those below BT_EV_WORLD_FIRST). */
enum { BT_EV_WORLD_FIRST = 8, BT_EV_AGENT = 8, BT_EV_RESPONSE, BT_EV_NET, BT_EV_WORLD_LAST };

/* Results of actions. */
enum {
    BT_WORLD_OK = 0,
    BT_WORLD_ENOMEM = -1,
    BT_WORLD_UNREGISTERED = 1,   /* the peer holds no UID */
    BT_WORLD_RATE_LIMITED = 2,   /* weights_rate_limit blocks have not passed */
    BT_WORLD_TOO_MANY_COMMITS = 3,
    BT_WORLD_NO_STAKE = 4
};

typedef struct bt_world bt_world;

/* Event log entry types (/events/type in the output). */
typedef enum {
    BT_LOG_REGISTER = 0, BT_LOG_PRUNE, BT_LOG_REVEAL, BT_LOG_OFFLINE, BT_LOG_ONLINE,
    BT_LOG_ADD_STAKE, BT_LOG_REMOVE_STAKE, BT_LOG_MOVE_STAKE, BT_LOG_SET_PARAM, BT_LOG_NTYPES
} bt_log_type;

typedef struct {
    int64_t block;
    bt_log_type type;
    int64_t peer;     /* -1: none */
    int64_t other;    /* prune: the registering peer; move_stake: the receiver; else -1 */
    double value;     /* stake amount, parameter value, reveal: the commit block; else 0 */
} bt_log_entry;

/* ---- the run's side ---- */

/* Builds the world over net (whose stake the run has set) for scenario sc; params is the
 * run's mutable copy of sc->mech (set_param events change it). Registers the world's event
 * types on k. NULL on ENOMEM (message in err). */
bt_world *bt_world_alloc(const bt_scenario *sc, bt_subnet *net, bt_params *params, bt_kernel *k,
                         uint64_t seed, char *err, size_t errlen);
void bt_world_free(bt_world *w);

/* Block of epoch e: (e+1)·tempo while tempo does not change; with set_param tempo, the chain's
 * rule (an epoch fires once tempo blocks have passed since the last). */
int64_t bt_world_epoch_block(const bt_world *w, long e);

/* Schedules the agents' first timers, the network's churn and scheduled offline intervals.
 * 0 or -1 (ENOMEM). */
int bt_world_start(bt_world *w);

/* A scenario event (any type but reset_bonds) at the current time. 0 or -1. */
int bt_world_apply_event(bt_world *w, const bt_scenario *sc, const bt_event_spec *ev);

/* Around the epoch at net->current_block: reveals due commits and masks weights committed
 * before their target registered (spec 3.5 step 5); afterwards restores the rows, updates
 * pruning scores, history, quality and pricing accumulators, and tells subscribed agents.
 * 0 or -1 (ENOMEM). */
int bt_world_before_epoch(bt_world *w, long e);
int bt_world_after_epoch(bt_world *w, long e, const bt_epoch_result *r);

/* The scenario's scripted "weights": stored directly (no rate limit, no commit-reveal), but
 * only by a registered peer and only on registered peers, as the chain accepts. 0 or -1. */
int bt_world_store_weights(bt_world *w, size_t from, const size_t *to, const double *val, size_t k);

/* The run's synthetic tensor models (models/models_run.h), for the evaluator agents; attach
 * before bt_world_start. The world only passes the pointer on. */
struct bt_models_run;
void bt_world_attach_models(bt_world *w, struct bt_models_run *mr);
struct bt_models_run *bt_world_models(const bt_world *w);

/* At the end of the run: closes the stake-time integrals at the final block. */
void bt_world_finish(bt_world *w);

/* Stake held over the run (time-averaged over blocks, tokens), per peer; valid after
 * bt_world_finish. Pricing divides emission by it. */
const double *bt_world_mean_stake(const bt_world *w);
/* Registered at the end of the run. */
int bt_world_registered(const bt_world *w, size_t peer);
const bt_log_entry *bt_world_log(const bt_world *w, size_t *n);
const char *bt_log_type_name(bt_log_type t);
/* Counters for the bench and tests. */
uint64_t bt_world_queries(const bt_world *w);

/* ---- the agents' side: what they may see ---- */

size_t bt_world_npeers(const bt_world *w);
int64_t bt_world_block(const bt_world *w);
/* Epochs run so far: the index of the next epoch. */
long bt_world_epochs_done(const bt_world *w);
long bt_world_tempo(const bt_world *w);
/* Block of the next epoch to run. */
int64_t bt_world_next_epoch_block(const bt_world *w);
const bt_params *bt_world_params(const bt_world *w);
const bt_chain_spec *bt_world_chain(const bt_world *w);
const bt_scenario *bt_world_scenario(const bt_world *w);
/* The chain's storage, read-only: stake (0 for unregistered peers), weights as stored (only
 * revealed rows under commit-reveal), permits, registration and update blocks. */
const bt_subnet *bt_world_subnet(const bt_world *w);
gsl_rng *bt_world_rng(bt_world *w, size_t peer);
int bt_world_is_miner(const bt_world *w, size_t peer);
/* The miners (peers with a quality), in peer order. */
const size_t *bt_world_miners(const bt_world *w, size_t *n);
/* Stake the peer holds (also while unregistered), tokens. */
double bt_world_stake(const bt_world *w, size_t peer);
/* Public results of the epoch `ago` epochs back (0: the last one); NULL when there is none.
 * Vectors over peers. */
const double *bt_world_consensus(const bt_world *w, long ago);
const double *bt_world_dividends(const bt_world *w, long ago);
/* The state of another peer's agent when it is of type t (sybils share one scorer). */
void *bt_world_agent_state(bt_world *w, size_t peer, int t);

/* ---- the agents' side: what they may do ---- */

/* Sets (or, under commit-reveal, commits) self's weight row. Applies the rate limit.
 * BT_WORLD_OK, _UNREGISTERED, _RATE_LIMITED, _TOO_MANY_COMMITS, or _ENOMEM. */
int bt_world_set_weights(bt_world *w, size_t self, const size_t *to, const double *val, size_t k);
/* Stake changes at the current block, tokens. remove and move take at most what is held. */
int bt_world_add_stake(bt_world *w, size_t peer, double amount);
int bt_world_remove_stake(bt_world *w, size_t peer, double amount);
int bt_world_move_stake(bt_world *w, size_t from, size_t to, double amount);
/* A BT_MSG_TIMER for self at block `block` (>= the current block), after that block's epoch. */
int bt_world_timer(bt_world *w, size_t self, int64_t block, uint32_t tag);
/* Queries miner now; a BT_MSG_RESPONSE comes back after the link's latency (or at the
 * timeout). 0 or -1. */
int bt_world_query(bt_world *w, size_t self, size_t miner, uint32_t tag);
/* Whether miner's answer to a query self sends now arrives in time: a latency drawn for the
 * link (self's stream) is within the timeout and the miner is registered and online. Counts
 * a query. The synchronous form of bt_world_query, for agents that evaluate what they get at
 * once (models/ evaluators: the answer's content is theirs, only its arrival is the
 * network's; a miner's state cannot change within the latency, which is below a block). */
int bt_world_answers(bt_world *w, size_t self, size_t miner);
/* self gets a BT_MSG_EPOCH after every epoch. */
void bt_world_subscribe_epochs(bt_world *w, size_t self);

#endif
