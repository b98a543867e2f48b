/* Internal to the world (sim/agents/world*.c): its struct and the helpers its files share.
 * Agents use world.h only. */
#ifndef BT_WORLD_INTERNAL_H
#define BT_WORLD_INTERNAL_H

#include "agents/world.h"
#include "chain/chain.h"
#include "net/net.h"

#define BT_WORLD_HISTORY 4   /* epochs of public results kept for agents */

struct bt_world {
    const bt_scenario *sc;
    bt_subnet *net;
    bt_params *params;
    bt_kernel *k;
    size_t n;
    gsl_rng **rng;              /* one per peer, made on first use */
    uint64_t seed;
    bt_chain *chain;
    bt_net *netw;
    /* agents */
    const bt_agent_type **type; /* per peer; NULL: none */
    void **state;
    uint8_t *subscribed;
    /* miners and their true quality */
    uint8_t *is_miner;
    size_t *miners, nminers;
    double *quality;            /* now */
    double *qring;              /* [qdepth x n]: quality of epoch e at row e % qdepth */
    long qdepth;
    /* time */
    int64_t *epoch_blocks;      /* [epochs] */
    long epochs_done;
    /* public history: row (done - 1 - ago) % BT_WORLD_HISTORY */
    double *cons_hist, *div_hist;
    double *last_emission;      /* pruning scores */
    /* pricing */
    double *stake_integral;     /* token-blocks */
    int64_t *stake_since;
    double *mean_stake;
    /* event log */
    bt_log_entry *log;
    size_t nlog, caplog;
    uint64_t queries;
    struct bt_models_run *models;   /* models/ evaluators' state; NULL without a task */
    int oom;                    /* a log entry could not be stored */
};

/* world.c */
int64_t bt_world_now_block(const bt_world *w);
/* Schedules on the kernel at time t (>= now, clamped) unless t is past the last epoch, after
 * which nothing can matter. 0 or -1. */
int bt_world_schedule(bt_world *w, int64_t t, uint32_t prio, uint32_t type, uint64_t a, uint64_t b);
/* The same at a block (clamped to now; dropped past the last epoch before any overflow). */
int bt_world_schedule_block(bt_world *w, int64_t block, uint32_t prio, uint32_t type, uint64_t a, uint64_t b);
void bt_world_sync_block(bt_world *w);
int bt_world_log_add(bt_world *w, bt_log_type t, int64_t peer, int64_t other, double value);
void bt_world_accrue(bt_world *w, size_t p);
int bt_world_deliver(bt_world *w, size_t p, const bt_agent_msg *m);
/* p serves answers: a miner with a scripted quality or with a model (models/); churn and
 * latency factors apply to it. */
int bt_world_churns(const bt_world *w, size_t p);

/* world_quality.c: the miners' true quality */
int bt_quality_init(bt_world *w);
void bt_quality_step(bt_world *w, long next_epoch);

/* world_net.c: kernel handlers of timers, answers and churn */
int bt_world_net_start(bt_world *w);
int bt_world_on_agent(bt_kernel *k, const bt_event *ev, void *ctx);
int bt_world_on_response(bt_kernel *k, const bt_event *ev, void *ctx);
int bt_world_on_net(bt_kernel *k, const bt_event *ev, void *ctx);

#endif
