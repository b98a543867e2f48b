/* The evaluator agent: a validator with peers[i].scoring, acting in the network through the
 * agent interface (sim/agents/agent.h) as scripted and honest validators do. Its behaviour is
 * its scoring config, so it has no "agent" parameters. Each epoch interval it sends its
 * queries `offset` blocks after the previous epoch (block `offset` before epoch 0); whether
 * each answer arrives is the network's (latency against the timeout, churn, registration);
 * once the answers are in (the timeout, rounded up to whole blocks, later) it sets its row
 * through bt_world_set_weights, so the rate limit and commit-reveal apply. */
#ifndef BT_MODELS_AGENT_H
#define BT_MODELS_AGENT_H

#include "agents/agent.h"

int bt_evaluator_init(bt_world *w, size_t self, const bt_agent_spec *spec, void **state);
int bt_evaluator_handle(bt_world *w, size_t self, void *state, const bt_agent_msg *m);
void bt_evaluator_finish(void *state);

#endif
