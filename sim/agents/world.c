/* bt_world: allocation, the per-peer random streams, the epoch schedule (tempo and its
 * changes), the agents' set-up, what agents may read, the event log and stake-time. */
#include "agents/world_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* splitmix64: spreads (seed, peer) over the generator's seed space. */
static uint64_t mix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* Streams are made on first use (bt_world_rng), so runs of a million passive peers carry none;
 * a stream's draws do not depend on when it was made. */
static int alloc_rngs(bt_world *w, uint64_t seed)
{
    w->seed = seed;
    w->rng = calloc(w->n ? w->n : 1, sizeof *w->rng);
    return w->rng ? 0 : -1;
}

gsl_rng *bt_world_rng(bt_world *w, size_t p)
{
    if (!w->rng[p]) {
        if (!(w->rng[p] = gsl_rng_alloc(gsl_rng_mt19937))) return NULL;
        uint64_t s = mix64(w->seed ^ mix64((uint64_t)p + 1));
        gsl_rng_set(w->rng[p], (unsigned long)((s ^ (s >> 32)) & 0xffffffffu));
    }
    return w->rng[p];
}

/* ---- the epoch schedule ---- */

typedef struct {
    int64_t block;
    size_t idx;
} tchange;

static int cmp_tchange(const void *a, const void *b)
{
    const tchange *x = a, *y = b;
    if (x->block != y->block) return x->block < y->block ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int is_tempo_event(const bt_event_spec *ev)
{
    return ev->type == BT_EVENT_SET_PARAM && ev->param == BT_SP_TEMPO;
}

/* The chain's rule: an epoch fires at the first block x after the last epoch with
 * x - last >= tempo(x), where tempo(x) includes every change made before block x (a change at
 * block b is an extrinsic after b's epoch, so it counts from b + 1; an epoch-keyed change
 * happens in that epoch's block). */
static int schedule_epochs(bt_world *w)
{
    const bt_scenario *sc = w->sc;
    size_t nb = 0, next = 0, ne = 0, enext = 0;
    long epochs = sc->epochs;
    w->epoch_blocks = malloc((size_t)(epochs > 0 ? epochs : 1) * sizeof *w->epoch_blocks);
    tchange *ch = malloc((sc->nevents ? sc->nevents : 1) * sizeof *ch);
    tchange *ech = malloc((sc->nevents ? sc->nevents : 1) * sizeof *ech);   /* epoch-keyed */
    if (!w->epoch_blocks || !ch || !ech) { free(ch); free(ech); return -1; }
    for (size_t q = 0; q < sc->nevents; q++) {
        if (!is_tempo_event(&sc->events[q])) continue;
        if (sc->events[q].block >= 0) ch[nb++] = (tchange){sc->events[q].block, q};
        else ech[ne++] = (tchange){sc->events[q].epoch, q};
    }
    qsort(ch, nb, sizeof *ch, cmp_tchange);
    qsort(ech, ne, sizeof *ech, cmp_tchange);
    int64_t last = 0;
    double tempo = (double)sc->mech.tempo;
    for (long e = 0; e < epochs; e++) {
        while (next < nb && ch[next].block < last) tempo = sc->events[ch[next++].idx].value;
        int64_t fire = last + (int64_t)tempo;
        while (next < nb && ch[next].block + 1 <= fire) {
            int64_t eb = ch[next].block + 1;
            tempo = sc->events[ch[next++].idx].value;
            if (eb - last >= (int64_t)tempo) { fire = eb; break; }
            fire = last + (int64_t)tempo;
        }
        w->epoch_blocks[e] = last = fire;
        while (enext < ne && ech[enext].block == e) tempo = sc->events[ech[enext++].idx].value;
    }
    free(ch);
    free(ech);
    return 0;
}

int64_t bt_world_epoch_block(const bt_world *w, long e) { return w->epoch_blocks[e]; }

/* ---- set-up ---- */

static int alloc_arrays(bt_world *w)
{
    size_t m = w->n ? w->n : 1, h = BT_WORLD_HISTORY * m;
    w->type = calloc(m, sizeof *w->type);
    w->state = calloc(m, sizeof *w->state);
    w->subscribed = calloc(m, 1);
    w->is_miner = calloc(m, 1);
    w->miners = calloc(m, sizeof *w->miners);
    w->quality = calloc(m, sizeof *w->quality);
    w->cons_hist = calloc(h, sizeof *w->cons_hist);
    w->div_hist = calloc(h, sizeof *w->div_hist);
    w->last_emission = calloc(m, sizeof *w->last_emission);
    w->stake_integral = calloc(m, sizeof *w->stake_integral);
    w->stake_since = calloc(m, sizeof *w->stake_since);
    w->mean_stake = calloc(m, sizeof *w->mean_stake);
    return w->type && w->state && w->subscribed && w->is_miner && w->miners && w->quality &&
                   w->cons_hist && w->div_hist && w->last_emission && w->stake_integral &&
                   w->stake_since && w->mean_stake
               ? 0 : -1;
}

static void default_chain(const bt_scenario *sc, bt_chain_spec *cs, size_t nreg)
{
    *cs = sc->chain;
    if (!sc->has_chain) {
        /* the core: no pruning, no rate limit, no commit-reveal */
        memset(cs, 0, sizeof *cs);
        cs->reveal_period = 1;
    }
    if (cs->max_uids <= 0) cs->max_uids = (long)(nreg > 256 ? nreg : 256);
}

bt_world *bt_world_alloc(const bt_scenario *sc, bt_subnet *net, bt_params *params, bt_kernel *k,
                         uint64_t seed, char *err, size_t errlen)
{
    bt_world *w = calloc(1, sizeof *w);
    if (!w) goto nomem;
    w->sc = sc;
    w->net = net;
    w->params = params;
    w->k = k;
    w->n = sc->npeers;
    size_t nreg = 0;
    for (size_t p = 0; p < w->n; p++) nreg += sc->peers[p].registered != 0;
    bt_chain_spec cs;
    default_chain(sc, &cs, nreg);
    if (alloc_arrays(w) || alloc_rngs(w, seed) || schedule_epochs(w)) goto nomem;
    if (!(w->chain = bt_chain_alloc(w->n, &cs))) goto nomem;
    for (size_t p = 0; p < w->n; p++)
        if (sc->peers[p].registered) bt_chain_register_initial(w->chain, p);
    bt_chain_settle_initial(w->chain, net);
    /* the streams the run will draw from: agents, miners, and every peer's latency factor */
    for (size_t p = 0; p < w->n; p++)
        if ((sc->peers[p].agent.type >= 0 || bt_world_churns(w, p) || sc->network.peer_spread > 0) &&
            !bt_world_rng(w, p))
            goto nomem;
    if (!(w->netw = bt_net_alloc(&sc->network, w->n, w->rng))) goto nomem;
    for (size_t p = 0; p < w->n; p++)
        if (sc->peers[p].quality.given) { w->is_miner[p] = 1; w->miners[w->nminers++] = p; }
    if (bt_quality_init(w)) goto nomem;
    if (cs.activity_cutoff_factor > 0) {
        long cut = cs.activity_cutoff_factor * params->tempo / 1000;
        params->activity_cutoff = cut > 1 ? cut : 1;
    }
    bt_kernel_on(k, BT_EV_AGENT, bt_world_on_agent, w);
    bt_kernel_on(k, BT_EV_RESPONSE, bt_world_on_response, w);
    bt_kernel_on(k, BT_EV_NET, bt_world_on_net, w);
    return w;
nomem:
    snprintf(err, errlen, "out of memory setting up the network of %zu peers", sc->npeers);
    bt_world_free(w);
    return NULL;
}

void bt_world_free(bt_world *w)
{
    if (!w) return;
    for (size_t p = 0; w->type && p < w->n; p++)
        if (w->type[p] && w->type[p]->finish) w->type[p]->finish(w->state[p]);
    for (size_t p = 0; w->rng && p < w->n; p++)
        if (w->rng[p]) gsl_rng_free(w->rng[p]);
    free(w->rng);
    bt_chain_free(w->chain);
    bt_net_free(w->netw);
    free(w->type); free(w->state); free(w->subscribed);
    free(w->is_miner); free(w->miners); free(w->quality); free(w->qring);
    free(w->epoch_blocks);
    free(w->cons_hist); free(w->div_hist); free(w->last_emission);
    free(w->stake_integral); free(w->stake_since); free(w->mean_stake);
    free(w->log);
    free(w);
}

int bt_world_start(bt_world *w)
{
    for (size_t p = 0; p < w->n; p++) {
        const bt_agent_spec *as = &w->sc->peers[p].agent;
        if (as->type < 0) continue;
        w->type[p] = bt_agent_type_at(as->type);
        if (w->type[p]->init(w, p, as, &w->state[p])) return -1;
    }
    return bt_world_net_start(w);
}

/* ---- shared helpers ---- */

int bt_world_churns(const bt_world *w, size_t p)
{
    const bt_scenario *sc = w->sc;
    return sc->peers[p].quality.given || (sc->models && sc->models->role[p] == BT_ROLE_MINER);
}

void bt_world_attach_models(bt_world *w, struct bt_models_run *mr) { w->models = mr; }
struct bt_models_run *bt_world_models(const bt_world *w) { return w->models; }

int64_t bt_world_now_block(const bt_world *w) { return bt_kernel_now(w->k) / BT_TICKS_PER_BLOCK; }

int bt_world_schedule(bt_world *w, int64_t t, uint32_t prio, uint32_t type, uint64_t a, uint64_t b)
{
    int64_t now = bt_kernel_now(w->k);
    if (w->sc->epochs <= 0 || t > w->epoch_blocks[w->sc->epochs - 1] * BT_TICKS_PER_BLOCK) return 0;
    return bt_kernel_schedule(w->k, t > now ? t : now, prio, type, a, b);
}

int bt_world_schedule_block(bt_world *w, int64_t block, uint32_t prio, uint32_t type, uint64_t a, uint64_t b)
{
    if (w->sc->epochs <= 0 || block > w->epoch_blocks[w->sc->epochs - 1]) return 0;
    return bt_world_schedule(w, block * BT_TICKS_PER_BLOCK, prio, type, a, b);
}

void bt_world_sync_block(bt_world *w) { w->net->current_block = bt_world_now_block(w); }

int bt_world_log_add(bt_world *w, bt_log_type t, int64_t peer, int64_t other, double value)
{
    if (w->nlog == w->caplog) {
        size_t cap = w->caplog ? 2 * w->caplog : 64;
        bt_log_entry *l = realloc(w->log, cap * sizeof *l);
        if (!l) { w->oom = 1; return -1; }
        w->log = l;
        w->caplog = cap;
    }
    w->log[w->nlog++] = (bt_log_entry){bt_world_now_block(w), t, peer, other, value};
    return 0;
}

void bt_world_accrue(bt_world *w, size_t p)
{
    int64_t now = bt_world_now_block(w);
    w->stake_integral[p] += bt_chain_stake(w->chain, w->net, p) * (double)(now - w->stake_since[p]);
    w->stake_since[p] = now;
}

int bt_world_deliver(bt_world *w, size_t p, const bt_agent_msg *m)
{
    if (!w->type[p]) return 0;
    return w->type[p]->handle(w, p, w->state[p], m) ? -1 : 0;
}

void bt_world_finish(bt_world *w)
{
    int64_t end = w->epochs_done > 0 ? w->epoch_blocks[w->epochs_done - 1] : 0;
    for (size_t p = 0; p < w->n; p++) {
        int64_t since = w->stake_since[p];
        double s = bt_chain_stake(w->chain, w->net, p);
        double integral = w->stake_integral[p] + (end > since ? s * (double)(end - since) : 0);
        w->mean_stake[p] = end > 0 ? integral / (double)end : s;
    }
}

/* ---- reading ---- */

const double *bt_world_mean_stake(const bt_world *w) { return w->mean_stake; }
int bt_world_registered(const bt_world *w, size_t p) { return bt_chain_is_registered(w->chain, p); }
const bt_log_entry *bt_world_log(const bt_world *w, size_t *n) { *n = w->nlog; return w->log; }
uint64_t bt_world_queries(const bt_world *w) { return w->queries; }
size_t bt_world_npeers(const bt_world *w) { return w->n; }
int64_t bt_world_block(const bt_world *w) { return bt_world_now_block(w); }
long bt_world_epochs_done(const bt_world *w) { return w->epochs_done; }
long bt_world_tempo(const bt_world *w) { return w->params->tempo; }
const bt_params *bt_world_params(const bt_world *w) { return w->params; }
const bt_chain_spec *bt_world_chain(const bt_world *w) { return bt_chain_settings(w->chain); }
const bt_scenario *bt_world_scenario(const bt_world *w) { return w->sc; }
const bt_subnet *bt_world_subnet(const bt_world *w) { return w->net; }
int bt_world_is_miner(const bt_world *w, size_t p) { return w->is_miner[p]; }
double bt_world_stake(const bt_world *w, size_t p) { return bt_chain_stake(w->chain, w->net, p); }

const size_t *bt_world_miners(const bt_world *w, size_t *n)
{
    *n = w->nminers;
    return w->miners;
}

int64_t bt_world_next_epoch_block(const bt_world *w)
{
    return w->epochs_done < w->sc->epochs ? w->epoch_blocks[w->epochs_done] : INT64_MAX / BT_TICKS_PER_BLOCK;
}

static const double *history(const bt_world *w, const double *ring, long ago)
{
    if (ago < 0 || ago >= BT_WORLD_HISTORY || ago >= w->epochs_done) return NULL;
    long e = w->epochs_done - 1 - ago;
    return ring + (size_t)(e % BT_WORLD_HISTORY) * w->n;
}

const double *bt_world_consensus(const bt_world *w, long ago) { return history(w, w->cons_hist, ago); }
const double *bt_world_dividends(const bt_world *w, long ago) { return history(w, w->div_hist, ago); }

void *bt_world_agent_state(bt_world *w, size_t p, int t)
{
    if (p >= w->n || !w->type[p] || w->type[p] != bt_agent_type_at(t)) return NULL;
    return w->state[p];
}

const char *bt_log_type_name(bt_log_type t)
{
    static const char *names[BT_LOG_NTYPES] = {"register", "prune", "reveal", "offline", "online",
                                               "add_stake", "remove_stake", "move_stake", "set_param"};
    return t < BT_LOG_NTYPES ? names[t] : "?";
}
