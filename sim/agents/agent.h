/* Agents: behaviours that peers of a scenario run on the kernel. Each type is a row of a
 * table of callbacks (init, handle, finish) with its parameter table (agent_params.h); the
 * world (world.h) calls them and they act only through world functions. The kernel and the
 * mechanism know nothing of agents. */
#ifndef BT_AGENT_H
#define BT_AGENT_H

#include <stddef.h>
#include <stdint.h>
#include "agents/agent_params.h"
#include "scenario/scenario.h"

typedef struct bt_world bt_world;

typedef enum {
    BT_MSG_TIMER = 0,   /* a timer the agent set with bt_world_timer; tag is its own */
    BT_MSG_RESPONSE,    /* the answer (or the failure) of a query sent with bt_world_query */
    BT_MSG_EPOCH        /* an epoch has just run (agents that subscribed) */
} bt_msg_kind;

typedef struct {
    bt_msg_kind kind;
    uint32_t tag;       /* TIMER, RESPONSE: what the agent passed */
    size_t miner;       /* RESPONSE: who was queried */
    int ok;             /* RESPONSE: 1 answered in time, 0 failed (offline, timeout) */
    double quality;     /* RESPONSE, ok: the quality of the answer (the miner's true quality) */
    long epoch;         /* EPOCH: the epoch that ran */
} bt_agent_msg;

typedef struct {
    const bt_agent_desc *desc;
    /* Sets up peer self's state from its spec (parameters by their table position) and
     * schedules its first timers. 0, or -1 (ENOMEM). */
    int (*init)(bt_world *w, size_t self, const bt_agent_spec *spec, void **state);
    /* One message. 0, or -1 (ENOMEM: the run stops). */
    int (*handle)(bt_world *w, size_t self, void *state, const bt_agent_msg *m);
    /* Frees the state (may be NULL). */
    void (*finish)(void *state);
} bt_agent_type;

/* The runtime table, in the order of bt_agent_descs(). */
const bt_agent_type *bt_agent_type_at(int t);

/* Agent types, by index (agent_table.c). */
enum {
    BT_AGENT_HONEST = 0, BT_AGENT_LATE, BT_AGENT_COPIER, BT_AGENT_CABAL, BT_AGENT_SYBIL,
    BT_AGENT_BOND_FARMER, BT_AGENT_STAKE_MOVER, BT_AGENT_SCRIPTED,
    BT_AGENT_EVALUATOR,   /* models/models_agent.c: set by peers[i].scoring, not by "agent" */
    BT_AGENT_NTYPES
};

#endif
