/* The evaluator agent (models_agent.h). Rounds are counted from 0: round r goes out `offset`
 * blocks after epoch r - 1 (after block 0 for round 0) and its row is meant for epoch r. */
#include "models_agent.h"
#include "agents/world.h"
#include "models_run.h"
#include <math.h>
#include <stdlib.h>

/* timer tags: the round number and what to do, so that a late row is still the right one */
enum { TAG_ROUND = 0, TAG_SET = 1 };

typedef struct {
    bt_models_run *mr;
    long every;         /* sets its row for epochs 0, every, 2 every, ... */
    int64_t offset;     /* blocks after the previous epoch */
} evaluator;

static uint32_t tag_of(long round, int what) { return (uint32_t)round << 1 | (uint32_t)what; }

static int64_t round_block(bt_world *w, const evaluator *ev, long round)
{
    return (round == 0 ? 0 : bt_world_epoch_block(w, round - 1)) + ev->offset;
}

int bt_evaluator_init(bt_world *w, size_t self, const bt_agent_spec *spec, void **state)
{
    (void)spec;
    evaluator *ev = calloc(1, sizeof *ev);
    if (!ev) return -1;
    *state = ev;
    ev->mr = bt_world_models(w);
    const bt_eval *e = ev->mr ? bt_models_eval(bt_models_run_models(ev->mr), self) : NULL;
    if (!e) return -1;   /* the scenario module gives this agent only to evaluators */
    ev->every = e->cfg.every;
    ev->offset = e->cfg.offset;
    return bt_world_timer(w, self, round_block(w, ev, 0), tag_of(0, TAG_ROUND));
}

void bt_evaluator_finish(void *state) { free(state); }

int bt_evaluator_handle(bt_world *w, size_t self, void *state, const bt_agent_msg *m)
{
    evaluator *ev = state;
    if (m->kind != BT_MSG_TIMER) return 0;
    long round = (long)(m->tag >> 1);
    if ((m->tag & 1) == TAG_SET)
        return round % ev->every == 0 ? bt_models_run_set_row(ev->mr, w, self) : 0;
    if (bt_models_run_round(ev->mr, w, self)) return -1;
    int64_t now = bt_world_block(w), wait = (int64_t)ceil(bt_world_scenario(w)->network.timeout);
    if (bt_world_timer(w, self, now + (wait > 0 ? wait : 1), tag_of(round, TAG_SET))) return -1;
    if (round + 1 >= bt_world_scenario(w)->epochs) return 0;
    return bt_world_timer(w, self, round_block(w, ev, round + 1), tag_of(round + 1, TAG_ROUND));
}
