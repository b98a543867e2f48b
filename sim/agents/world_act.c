/* What agents may do (world.h): set or commit weights, move stake, set timers, query miners;
 * and the kernel handlers that bring timers, answers and churn back to them. */
#include "agents/world_internal.h"
#include <math.h>
#include <stdlib.h>

/* ---- weights ---- */

int bt_world_set_weights(bt_world *w, size_t self, const size_t *to, const double *val, size_t k)
{
    if (!bt_chain_is_registered(w->chain, self)) return BT_WORLD_UNREGISTERED;
    bt_world_sync_block(w);
    if (!bt_chain_rate_ok(w->chain, w->net, self)) return BT_WORLD_RATE_LIMITED;
    /* only UIDs in the subnet can be named (the chain rejects others) */
    size_t *t = malloc((k ? k : 1) * sizeof *t);
    double *v = malloc((k ? k : 1) * sizeof *v);
    int rc = BT_WORLD_ENOMEM;
    if (t && v) {
        size_t m = 0;
        for (size_t q = 0; q < k; q++) {
            if (to[q] >= w->n || !bt_chain_is_registered(w->chain, to[q])) continue;
            t[m] = to[q];
            v[m++] = val[q];
        }
        const bt_chain_spec *cs = bt_chain_settings(w->chain);
        if (cs->commit_reveal) {
            int c = bt_chain_commit(w->chain, w->net, self, w->epochs_done + cs->reveal_period, t, v, m);
            rc = c < 0 ? BT_WORLD_ENOMEM : c ? BT_WORLD_TOO_MANY_COMMITS : BT_WORLD_OK;
        } else {
            rc = bt_subnet_set_weights(w->net, self, t, v, m, w->params->arithmetic) ? BT_WORLD_ENOMEM : BT_WORLD_OK;
        }
    }
    free(t);
    free(v);
    return rc;
}

int bt_world_store_weights(bt_world *w, size_t from, const size_t *to, const double *val, size_t k)
{
    if (!bt_chain_is_registered(w->chain, from)) return 0;
    size_t q = 0;
    while (q < k && to[q] < w->n && bt_chain_is_registered(w->chain, to[q])) q++;
    if (q == k) return bt_subnet_set_weights(w->net, from, to, val, k, w->params->arithmetic);
    size_t *t = malloc(k * sizeof *t);
    double *v = malloc(k * sizeof *v);
    int rc = -1;
    if (t && v) {
        size_t m = 0;
        for (q = 0; q < k; q++) {
            if (to[q] >= w->n || !bt_chain_is_registered(w->chain, to[q])) continue;
            t[m] = to[q];
            v[m++] = val[q];
        }
        rc = bt_subnet_set_weights(w->net, from, t, v, m, w->params->arithmetic);
    }
    free(t);
    free(v);
    return rc;
}

/* ---- stake ---- */

int bt_world_add_stake(bt_world *w, size_t p, double amount)
{
    if (!(amount > 0)) return BT_WORLD_OK;
    bt_world_accrue(w, p);
    bt_chain_set_stake(w->chain, w->net, p, bt_chain_stake(w->chain, w->net, p) + amount);
    return bt_world_log_add(w, BT_LOG_ADD_STAKE, (int64_t)p, -1, amount) ? BT_WORLD_ENOMEM : BT_WORLD_OK;
}

int bt_world_remove_stake(bt_world *w, size_t p, double amount)
{
    double have = bt_chain_stake(w->chain, w->net, p);
    if (amount > have) amount = have;
    if (!(amount > 0)) return BT_WORLD_NO_STAKE;
    bt_world_accrue(w, p);
    bt_chain_set_stake(w->chain, w->net, p, have - amount);
    return bt_world_log_add(w, BT_LOG_REMOVE_STAKE, (int64_t)p, -1, amount) ? BT_WORLD_ENOMEM : BT_WORLD_OK;
}

int bt_world_move_stake(bt_world *w, size_t from, size_t to, double amount)
{
    double have = bt_chain_stake(w->chain, w->net, from);
    if (amount > have) amount = have;
    if (!(amount > 0) || from == to) return BT_WORLD_NO_STAKE;
    bt_world_accrue(w, from);
    bt_world_accrue(w, to);
    bt_chain_set_stake(w->chain, w->net, from, have - amount);
    bt_chain_set_stake(w->chain, w->net, to, bt_chain_stake(w->chain, w->net, to) + amount);
    return bt_world_log_add(w, BT_LOG_MOVE_STAKE, (int64_t)from, (int64_t)to, amount) ? BT_WORLD_ENOMEM : BT_WORLD_OK;
}

/* ---- timers and queries ---- */

int bt_world_timer(bt_world *w, size_t self, int64_t block, uint32_t tag)
{
    return bt_world_schedule_block(w, block, BT_PRIO_AGENT, BT_EV_AGENT, self, tag);
}

/* The answer comes back after the latency, or at the timeout; it fails when the miner was
 * offline when asked or when it answers, or when it is too slow. */
int bt_world_query(bt_world *w, size_t self, size_t miner, uint32_t tag)
{
    double lat = bt_net_latency(w->netw, w->rng[self], self, miner);
    double timeout = bt_net_timeout(w->netw);
    int ok = bt_net_online(w->netw, miner) && lat <= timeout;
    double wait = lat < timeout ? lat : timeout;
    int64_t dt = (int64_t)ceil(wait * (double)BT_TICKS_PER_BLOCK);
    w->queries++;
    return bt_world_schedule(w, bt_kernel_now(w->k) + (dt > 0 ? dt : 1), BT_PRIO_AGENT, BT_EV_RESPONSE,
                              (uint64_t)self | (uint64_t)tag << 32, (uint64_t)miner | (uint64_t)ok << 32);
}

int bt_world_answers(bt_world *w, size_t self, size_t miner)
{
    double lat = bt_net_latency(w->netw, w->rng[self], self, miner);
    w->queries++;
    return lat <= bt_net_timeout(w->netw) && bt_net_online(w->netw, miner) && bt_chain_is_registered(w->chain, miner);
}

void bt_world_subscribe_epochs(bt_world *w, size_t self) { w->subscribed[self] = 1; }

int bt_world_on_agent(bt_kernel *k, const bt_event *ev, void *ctx)
{
    (void)k;
    bt_world *w = ctx;
    bt_agent_msg m = {.kind = BT_MSG_TIMER, .tag = (uint32_t)ev->b};
    return bt_world_deliver(w, (size_t)ev->a, &m);
}

int bt_world_on_response(bt_kernel *k, const bt_event *ev, void *ctx)
{
    (void)k;
    bt_world *w = ctx;
    size_t self = (size_t)(ev->a & 0xffffffffu), miner = (size_t)(ev->b & 0xffffffffu);
    int ok = (int)(ev->b >> 32) && bt_net_online(w->netw, miner) && bt_chain_is_registered(w->chain, miner);
    bt_agent_msg m = {.kind = BT_MSG_RESPONSE, .tag = (uint32_t)(ev->a >> 32), .miner = miner, .ok = ok,
                      .quality = ok ? w->quality[miner] : 0};
    return bt_world_deliver(w, self, &m);
}

/* ---- offline intervals ---- */

enum { NET_SCHED_BEGIN = 0, NET_SCHED_END, NET_CHURN_BEGIN, NET_CHURN_END };

static int net_event(bt_world *w, int64_t block, size_t p, int kind)
{
    return bt_world_schedule_block(w, block, BT_PRIO_NET, BT_EV_NET, p, (uint64_t)kind);
}

int bt_world_net_start(bt_world *w)
{
    const bt_network_spec *ns = &w->sc->network;
    for (size_t q = 0; q < ns->noffline; q++) {
        const bt_offline_spec *o = &ns->offline[q];
        if (net_event(w, o->from_block, o->peer, NET_SCHED_BEGIN) || net_event(w, o->to_block, o->peer, NET_SCHED_END))
            return -1;
    }
    /* churn takes the miners of both kinds: with a scripted quality and with a model */
    for (size_t p = 0; p < w->n; p++) {
        if (!bt_world_churns(w, p)) continue;
        int64_t up = bt_net_draw_uptime(w->netw, w->rng[p]);
        if (up >= 0 && net_event(w, up, p, NET_CHURN_BEGIN)) return -1;
    }
    return 0;
}

int bt_world_on_net(bt_kernel *k, const bt_event *ev, void *ctx)
{
    (void)k;
    bt_world *w = ctx;
    size_t p = (size_t)ev->a;
    int kind = (int)ev->b, begin = kind == NET_SCHED_BEGIN || kind == NET_CHURN_BEGIN;
    int64_t now = bt_world_now_block(w);
    if (begin) bt_net_offline_begin(w->netw, p);
    else bt_net_offline_end(w->netw, p);
    if (bt_world_log_add(w, begin ? BT_LOG_OFFLINE : BT_LOG_ONLINE, (int64_t)p, -1, 0)) return -1;
    if (kind == NET_CHURN_BEGIN)
        return net_event(w, now + bt_net_draw_downtime(w->netw, w->rng[p]), p, NET_CHURN_END);
    if (kind == NET_CHURN_END)
        return net_event(w, now + bt_net_draw_uptime(w->netw, w->rng[p]), p, NET_CHURN_BEGIN);
    return 0;
}
