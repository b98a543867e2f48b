/* scripted: an explicit weight schedule, as the top-level "weights" but through the chain's
 * rules (rate limit, commit-reveal). A row for epoch e is set after epoch e-1 (at block 0 for
 * e = 0), so that, set directly, it is in force at epoch e; "every" repeats it until the
 * agent's next row. */
#include "agents/agents_impl.h"
#include <stdlib.h>

typedef struct {
    const bt_agent_spec *spec;
} scripted;

static int64_t block_before(bt_world *w, long e) { return e > 0 ? bt_world_epoch_block(w, e - 1) : 0; }

int bt_scripted_init(bt_world *w, size_t self, const bt_agent_spec *spec, void **state)
{
    scripted *s = calloc(1, sizeof *s);
    *state = s;
    if (!s) return -1;
    s->spec = spec;
    for (size_t q = 0; q < spec->nrows; q++)
        if (bt_world_timer(w, self, block_before(w, spec->rows[q].epoch), (uint32_t)q)) return -1;
    return 0;
}

void bt_scripted_finish(void *state) { free(state); }

int bt_scripted_handle(bt_world *w, size_t self, void *state, const bt_agent_msg *m)
{
    scripted *s = state;
    if (m->kind != BT_MSG_TIMER) return 0;
    const bt_weights_spec *r = &s->spec->rows[m->tag];
    if (bt_world_set_weights(w, self, r->to, r->w, r->nto) == BT_WORLD_ENOMEM) return -1;
    if (r->every <= 0) return 0;
    long now_epoch = bt_world_epochs_done(w), next = now_epoch + r->every;
    long stop = bt_world_scenario(w)->epochs;
    if (m->tag + 1 < s->spec->nrows) stop = s->spec->rows[m->tag + 1].epoch;
    if (next >= stop) return 0;
    return bt_world_timer(w, self, block_before(w, next), m->tag);
}
