/* The world around each epoch (reveals, the commit-reveal mask, public history, pruning
 * scores, quality, epoch messages) and the scenario's chain events (register, stake,
 * set_param). */
#include "agents/world_internal.h"
#include <string.h>

static void on_reveal(void *ctx, size_t peer, int64_t commit_block)
{
    bt_world *w = ctx;
    bt_world_log_add(w, BT_LOG_REVEAL, (int64_t)peer, -1, (double)commit_block);
}

int bt_world_before_epoch(bt_world *w, long e)
{
    bt_world_sync_block(w);
    if (bt_chain_reveal(w->chain, w->net, e, w->params->arithmetic, on_reveal, w) || w->oom) return -1;
    return bt_chain_mask_begin(w->chain, w->net);
}

int bt_world_after_epoch(bt_world *w, long e, const bt_epoch_result *r)
{
    size_t n = w->n, row = (size_t)(e % BT_WORLD_HISTORY) * n;
    bt_chain_mask_end(w->chain, w->net);
    memcpy(w->cons_hist + row, r->consensus, n * sizeof(double));
    memcpy(w->div_hist + row, r->dividends, n * sizeof(double));
    memcpy(w->last_emission, r->emission, n * sizeof(double));
    w->epochs_done = e + 1;
    bt_quality_step(w, e + 1);
    for (size_t p = 0; p < n; p++)
        bt_world_accrue(w, p);
    bt_agent_msg m = {.kind = BT_MSG_EPOCH, .epoch = e};
    for (size_t p = 0; p < n; p++)
        if (w->subscribed[p] && bt_world_deliver(w, p, &m)) return -1;
    return 0;
}

/* ---- scenario events ---- */

static int do_register(bt_world *w, size_t p)
{
    bt_world_sync_block(w);
    long pruned = bt_chain_register(w->chain, w->net, p, w->last_emission, w->params->owner);
    if (pruned == -3) return -1;
    if (pruned == -2) return 0;   /* already registered, or nobody can make room */
    if (bt_world_log_add(w, BT_LOG_REGISTER, (int64_t)p, pruned, 0)) return -1;
    if (pruned >= 0 && bt_world_log_add(w, BT_LOG_PRUNE, pruned, (int64_t)p, w->last_emission[pruned])) return -1;
    return 0;
}

static void set_param(bt_world *w, bt_set_param what, double v)
{
    bt_params *p = w->params;
    bt_chain_spec *cs = bt_chain_settings(w->chain);
    switch (what) {
    case BT_SP_KAPPA: p->kappa = v; break;
    case BT_SP_BONDS_PENALTY: p->bonds_penalty = v; break;
    case BT_SP_BONDS_MOVING_AVERAGE: p->bonds_moving_average = v; break;
    case BT_SP_MAX_ALLOWED_VALIDATORS: p->max_allowed_validators = (long)v; break;
    case BT_SP_TEMPO:
        p->tempo = (long)v;
        if (cs->activity_cutoff_factor > 0) {
            long cut = cs->activity_cutoff_factor * p->tempo / 1000;
            p->activity_cutoff = cut > 1 ? cut : 1;
        }
        break;
    case BT_SP_ACTIVITY_CUTOFF: p->activity_cutoff = (long)v; break;
    case BT_SP_STAKE_THRESHOLD: p->stake_threshold = v; break;
    case BT_SP_RAO_EMISSION: p->rao_emission = v; break;
    case BT_SP_LIQUID_ALPHA: p->liquid_alpha = v != 0; break;
    case BT_SP_ALPHA_LOW: p->alpha_low = v; break;
    case BT_SP_ALPHA_HIGH: p->alpha_high = v; break;
    case BT_SP_STEEPNESS: p->steepness = v; break;
    case BT_SP_MAX_UIDS: cs->max_uids = (long)v; break;
    case BT_SP_IMMUNITY_PERIOD: cs->immunity_period = (long)v; break;
    case BT_SP_WEIGHTS_RATE_LIMIT: cs->weights_rate_limit = (long)v; break;
    case BT_SP_COMMIT_REVEAL: cs->commit_reveal = v != 0; break;
    case BT_SP_REVEAL_PERIOD: cs->reveal_period = (long)v; break;
    default: break;
    }
}

int bt_world_apply_event(bt_world *w, const bt_scenario *sc, const bt_event_spec *ev)
{
    (void)sc;
    switch (ev->type) {
    case BT_EVENT_REGISTER: return do_register(w, ev->peer);
    case BT_EVENT_ADD_STAKE: return bt_world_add_stake(w, ev->peer, ev->amount) < 0 ? -1 : 0;
    case BT_EVENT_REMOVE_STAKE: return bt_world_remove_stake(w, ev->peer, ev->amount) < 0 ? -1 : 0;
    case BT_EVENT_MOVE_STAKE: return bt_world_move_stake(w, ev->peer, ev->to, ev->amount) < 0 ? -1 : 0;
    case BT_EVENT_SET_PARAM:
        set_param(w, ev->param, ev->value);
        return bt_world_log_add(w, BT_LOG_SET_PARAM, -1, (int64_t)ev->param, ev->value);
    default: return 0;
    }
}
