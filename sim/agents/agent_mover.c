/* stake_mover: moves stake around the mechanism's schedule.
 *   jit    adds `amount` tokens to itself `lead` blocks before each epoch and removes them
 *          `lag` blocks after (the question: does stake that is there only at epochs earn
 *          like stake held all along?);
 *   chase  after each epoch moves all its stake to the validator in `to` with the best
 *          dividends per unit of stake in that epoch.
 * With weights "consensus" it also sets the last consensus as its row after each epoch (a
 * validator needs weights, hence bonds, to earn dividends). */
#include "agents/agents_impl.h"
#include <stdlib.h>

enum { TAG_ADD = 1, TAG_REMOVE = 2 };

typedef struct {
    int mode;              /* 0 jit, 1 chase */
    double amount;
    long lead, lag;
    const size_t *to;
    size_t nto;
    int weights;           /* 0 consensus, 1 none */
    long holder;           /* chase: the peer holding the stake now (-1: self) */
    bt_rowbuf row;
} mover;

static int schedule_add(bt_world *w, size_t self, mover *v)
{
    int64_t at = bt_world_next_epoch_block(w) - v->lead, now = bt_world_block(w);
    return bt_world_timer(w, self, at > now ? at : now, TAG_ADD);
}

int bt_mover_init(bt_world *w, size_t self, const bt_agent_spec *spec, void **state)
{
    mover *v = calloc(1, sizeof *v);
    *state = v;
    if (!v) return -1;
    v->mode = (int)bt_agent_get(spec, "mode");
    v->amount = bt_agent_get(spec, "amount");
    v->lead = (long)bt_agent_get(spec, "lead");
    v->lag = (long)bt_agent_get(spec, "lag");
    v->to = bt_agent_peers(spec, "to", &v->nto);
    v->weights = (int)bt_agent_get(spec, "weights");
    v->holder = -1;
    bt_world_subscribe_epochs(w, self);
    return v->mode == 0 ? schedule_add(w, self, v) : 0;
}

void bt_mover_finish(void *state)
{
    mover *v = state;
    if (!v) return;
    bt_rowbuf_free(&v->row);
    free(v);
}

static int chase(bt_world *w, size_t self, mover *v)
{
    const double *div = bt_world_dividends(w, 0);
    const bt_subnet *net = bt_world_subnet(w);
    long best = -1;
    double best_y = -1;
    for (size_t q = 0; div && q < v->nto; q++) {
        size_t p = v->to[q];
        double s = net->stake[p];
        double y = s > 0 ? div[p] / s : 0;
        if (y > best_y) { best_y = y; best = (long)p; }
    }
    size_t from = v->holder < 0 ? self : (size_t)v->holder;
    if (best < 0 || (size_t)best == from) return 0;
    double amount = bt_world_stake(w, from);
    if (v->holder >= 0 && amount > v->amount) amount = v->amount;   /* only what it moved there */
    if (v->holder < 0) v->amount = amount;
    if (bt_world_move_stake(w, from, (size_t)best, amount) < 0) return -1;
    v->holder = best;
    return 0;
}

static int set_consensus_row(bt_world *w, size_t self, mover *v)
{
    const double *cons = bt_world_consensus(w, 0);
    size_t n = bt_world_npeers(w);
    v->row.len = 0;
    for (size_t j = 0; cons && j < n; j++)
        if (j != self && cons[j] > 0 && bt_world_registered(w, j) && bt_rowbuf_put(&v->row, j, cons[j])) return -1;
    return bt_rowbuf_send(&v->row, w, self);
}

int bt_mover_handle(bt_world *w, size_t self, void *state, const bt_agent_msg *m)
{
    mover *v = state;
    switch (m->kind) {
    case BT_MSG_TIMER:
        if (m->tag == TAG_ADD) return bt_world_add_stake(w, self, v->amount) < 0 ? -1 : 0;
        if (bt_world_remove_stake(w, self, v->amount) < 0) return -1;
        return schedule_add(w, self, v);
    case BT_MSG_EPOCH:
        if (v->weights == 0 && set_consensus_row(w, self, v)) return -1;
        if (v->mode == 1) return chase(w, self, v);
        return bt_world_timer(w, self, bt_world_block(w) + v->lag, TAG_REMOVE);
    default:
        return 0;
    }
}
