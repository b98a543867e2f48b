/* The honest family of validators, all built on the scorer (agent_util.c):
 *   honest       queries miners each round, sets weights to its running scores every k blocks;
 *   late         the same every m epochs, setting the scores it had d epochs ago;
 *   sybil        one owner's identities: the first scores, every identity sets that row;
 *   bond_farmer  the honest row plus a tiny weight on miners it expects consensus to move to.
 * A round: queries go out at the round's block; the row is set once the answers are in (the
 * timeout, rounded up to whole blocks, later). */
#include "agents/agents_impl.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { TAG_ROUND = 1, TAG_SET = 2 };

typedef struct {
    int type;
    bt_scorer sc;
    long every;            /* blocks between rounds */
    /* late */
    long delay;
    double *snap;          /* [(delay + 1) x n] scores after each epoch */
    /* sybil */
    long leader;           /* -1: this identity scores */
    /* bond_farmer */
    double epsilon;
    const size_t *targets;
    size_t ntargets;
    bt_rowbuf row;
} validator;

static long find_leader(bt_world *w, size_t self, const char *owner)
{
    const bt_scenario *sc = bt_world_scenario(w);
    for (size_t p = 0; p < self; p++) {
        const bt_agent_spec *a = &sc->peers[p].agent;
        if (a->type != BT_AGENT_SYBIL) continue;
        const char *o = bt_agent_str(a, "owner");
        if (!o) o = sc->peers[p].group;
        if (strcmp(o, owner) == 0) return (long)p;
    }
    return -1;
}

int bt_validator_init(bt_world *w, size_t self, const bt_agent_spec *spec, void **state)
{
    validator *v = calloc(1, sizeof *v);
    if (!v) return -1;
    *state = v;
    v->type = spec->type;
    v->leader = -1;
    if (bt_scorer_init(&v->sc, w, self, spec)) return -1;
    if (v->type == BT_AGENT_LATE) {
        v->every = (long)bt_agent_get(spec, "every_epochs") * bt_world_tempo(w);
        v->delay = (long)bt_agent_get(spec, "delay_epochs");
        v->snap = calloc((size_t)(v->delay + 1) * bt_world_npeers(w), sizeof *v->snap);
        if (!v->snap) return -1;
        bt_world_subscribe_epochs(w, self);
    } else {
        v->every = bt_agent_every(w, spec);
    }
    if (v->type == BT_AGENT_SYBIL) {
        const char *owner = bt_agent_str(spec, "owner");
        v->leader = find_leader(w, self, owner ? owner : bt_world_scenario(w)->peers[self].group);
    }
    if (v->type == BT_AGENT_BOND_FARMER) {
        v->epsilon = bt_agent_get(spec, "epsilon");
        v->targets = bt_agent_peers(spec, "targets", &v->ntargets);
    }
    return bt_world_timer(w, self, bt_agent_first(w, self, spec, v->every), TAG_ROUND);
}

void bt_validator_finish(void *state)
{
    validator *v = state;
    if (!v) return;
    bt_scorer_free(&v->sc);
    free(v->snap);
    bt_rowbuf_free(&v->row);
    free(v);
}

/* The scores this identity sets: its own, a sybil leader's, or a late one's snapshot. */
static const double *scores_to_set(bt_world *w, validator *v)
{
    if (v->leader >= 0) {
        validator *l = bt_world_agent_state(w, (size_t)v->leader, BT_AGENT_SYBIL);
        return l ? l->sc.score : NULL;
    }
    if (v->type == BT_AGENT_LATE) {
        long e = bt_world_epochs_done(w) - 1 - v->delay;
        if (e < 0) return NULL;
        return v->snap + (size_t)(e % (v->delay + 1)) * bt_world_npeers(w);
    }
    return v->sc.score;
}

static int farm(bt_world *w, size_t self, validator *v)
{
    double max = 0;
    for (size_t q = 0; q < v->row.len; q++) max = fmax(max, v->row.w[q]);
    if (!(max > 0)) max = 1;
    size_t nm;
    const size_t *all = bt_world_miners(w, &nm);
    const size_t *t = v->ntargets ? v->targets : all;
    size_t nt = v->ntargets ? v->ntargets : nm;
    for (size_t k = 0; k < nt; k++) {
        size_t m = t[k], q = 0;
        if (m == self || !bt_world_registered(w, m)) continue;
        while (q < v->row.len && v->row.to[q] != m) q++;
        if (q == v->row.len) {
            if (bt_rowbuf_put(&v->row, m, v->epsilon * max)) return -1;
        } else if (v->row.w[q] < v->epsilon * max) {
            v->row.w[q] = v->epsilon * max;
        }
    }
    return 0;
}

static int set_row(bt_world *w, size_t self, validator *v)
{
    const double *score = scores_to_set(w, v);
    v->row.len = 0;
    if (!score) return 0;
    if (bt_scorer_row(&v->sc, score, w, self, &v->row)) return -1;
    if (v->type == BT_AGENT_BOND_FARMER && farm(w, self, v)) return -1;
    return bt_rowbuf_send(&v->row, w, self);
}

int bt_validator_handle(bt_world *w, size_t self, void *state, const bt_agent_msg *m)
{
    validator *v = state;
    int64_t now = bt_world_block(w);
    switch (m->kind) {
    case BT_MSG_TIMER:
        if (m->tag == TAG_SET) return set_row(w, self, v);
        if (v->leader < 0 && bt_scorer_round(&v->sc, w, self, 0)) return -1;
        {
            const bt_scenario *sc = bt_world_scenario(w);
            int64_t wait = (int64_t)ceil(sc->network.timeout);
            if (bt_world_timer(w, self, now + (wait > 0 ? wait : 1), TAG_SET)) return -1;
        }
        return bt_world_timer(w, self, now + v->every, TAG_ROUND);
    case BT_MSG_RESPONSE:
        bt_scorer_answer(&v->sc, w, self, m);
        return 0;
    case BT_MSG_EPOCH:
        if (v->snap) {
            size_t n = bt_world_npeers(w);
            memcpy(v->snap + (size_t)(m->epoch % (v->delay + 1)) * n, v->sc.score, n * sizeof(double));
        }
        return 0;
    }
    return 0;
}
