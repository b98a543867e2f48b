/* Validators that do not measure miners:
 *   copier  copies the last consensus it can see, every k blocks: the stake-weighted
 *           kappa-median of the weight rows stored on chain (only revealed rows when
 *           commit-reveal is on), or the last epoch's consensus vector;
 *   cabal   puts its weight evenly on its fellow members (their miners when the group has
 *           miners), optionally a share spread like the last consensus over non-members. */
#include "agents/agents_impl.h"
#include <stdlib.h>
#include <string.h>

enum { TAG_ROUND = 1 };

typedef struct {
    long every;
    int source;            /* copier: 0 weights, 1 consensus */
    double *view;          /* copier: n */
    /* cabal */
    size_t *members, nmembers;
    double honest_share;
    bt_rowbuf row;
} copier;

static int common_init(bt_world *w, const bt_agent_spec *spec, copier **out)
{
    copier *c = calloc(1, sizeof *c);
    *out = c;
    if (!c) return -1;
    c->every = bt_agent_every(w, spec);
    return 0;
}

static void common_free(copier *c)
{
    if (!c) return;
    free(c->view);
    free(c->members);
    bt_rowbuf_free(&c->row);
    free(c);
}

static int next_round(bt_world *w, size_t self, copier *c)
{
    return bt_world_timer(w, self, bt_world_block(w) + c->every, TAG_ROUND);
}

/* ---- copier ---- */

int bt_copier_init(bt_world *w, size_t self, const bt_agent_spec *spec, void **state)
{
    copier *c;
    int rc = common_init(w, spec, &c);
    *state = c;
    if (rc) return rc;
    c->source = (int)bt_agent_get(spec, "source");
    if (!(c->view = calloc(bt_world_npeers(w) ? bt_world_npeers(w) : 1, sizeof *c->view))) return -1;
    return bt_world_timer(w, self, bt_agent_first(w, self, spec, c->every), TAG_ROUND);
}

void bt_copier_finish(void *state) { common_free(state); }

int bt_copier_handle(bt_world *w, size_t self, void *state, const bt_agent_msg *m)
{
    copier *c = state;
    if (m->kind != BT_MSG_TIMER) return 0;
    size_t n = bt_world_npeers(w);
    const double *src = c->view;
    if (c->source == 1) src = bt_world_consensus(w, 0);
    else if (bt_visible_consensus(w, self, c->view)) return -1;
    c->row.len = 0;
    for (size_t j = 0; src && j < n; j++)
        if (j != self && src[j] > 0 && bt_world_registered(w, j) && bt_rowbuf_put(&c->row, j, src[j])) return -1;
    if (bt_rowbuf_send(&c->row, w, self)) return -1;
    return next_round(w, self, c);
}

/* ---- cabal ---- */

static int is_validator_type(int t) { return t >= 0 && t != BT_AGENT_STAKE_MOVER; }

int bt_cabal_init(bt_world *w, size_t self, const bt_agent_spec *spec, void **state)
{
    copier *c;
    int rc = common_init(w, spec, &c);
    *state = c;
    if (rc) return rc;
    const bt_scenario *sc = bt_world_scenario(w);
    const char *group = bt_agent_str(spec, "group");
    if (!group) group = sc->peers[self].group;
    c->honest_share = bt_agent_get(spec, "honest_share");
    if (!(c->members = calloc(sc->npeers ? sc->npeers : 1, sizeof *c->members))) return -1;
    int any_miner = 0;
    for (size_t p = 0; p < sc->npeers; p++)
        if (p != self && strcmp(sc->peers[p].group, group) == 0 && !is_validator_type(sc->peers[p].agent.type))
            any_miner = 1;
    for (size_t p = 0; p < sc->npeers; p++) {
        if (p == self || strcmp(sc->peers[p].group, group) != 0) continue;
        if (any_miner && is_validator_type(sc->peers[p].agent.type)) continue;
        c->members[c->nmembers++] = p;
    }
    return bt_world_timer(w, self, bt_agent_first(w, self, spec, c->every), TAG_ROUND);
}

void bt_cabal_finish(void *state) { common_free(state); }

int bt_cabal_handle(bt_world *w, size_t self, void *state, const bt_agent_msg *m)
{
    copier *c = state;
    if (m->kind != BT_MSG_TIMER) return 0;
    const bt_scenario *sc = bt_world_scenario(w);
    const char *group = sc->peers[self].group;
    size_t live = 0;
    for (size_t q = 0; q < c->nmembers; q++) live += bt_world_registered(w, c->members[q]) != 0;
    double share = live ? 1 - c->honest_share : 0;
    c->row.len = 0;
    for (size_t q = 0; q < c->nmembers; q++)
        if (bt_world_registered(w, c->members[q]) && bt_rowbuf_put(&c->row, c->members[q], share / (double)live))
            return -1;
    const double *cons = bt_world_consensus(w, 0);
    double rest = 1 - share, csum = 0;
    for (size_t j = 0; cons && rest > 0 && j < sc->npeers; j++)
        if (j != self && strcmp(sc->peers[j].group, group) != 0 && bt_world_registered(w, j)) csum += cons[j];
    for (size_t j = 0; cons && rest > 0 && csum > 0 && j < sc->npeers; j++)
        if (j != self && cons[j] > 0 && strcmp(sc->peers[j].group, group) != 0 && bt_world_registered(w, j) &&
            bt_rowbuf_put(&c->row, j, rest * cons[j] / csum))
            return -1;
    if (bt_rowbuf_send(&c->row, w, self)) return -1;
    return next_round(w, self, c);
}
