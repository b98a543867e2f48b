/* Internal to sim/agents: the callbacks of each agent type, the parameter look-ups they share,
 * and the scorer (queries miners through the network, keeps a running score per miner) that
 * the honest family of validators is built on. */
#ifndef BT_AGENTS_IMPL_H
#define BT_AGENTS_IMPL_H

#include "agents/world.h"

/* ---- parameters (by name; the value given, else the table's default) ---- */
double bt_agent_get(const bt_agent_spec *s, const char *name);
int bt_agent_given(const bt_agent_spec *s, const char *name);
const char *bt_agent_str(const bt_agent_spec *s, const char *name);
const size_t *bt_agent_peers(const bt_agent_spec *s, const char *name, size_t *n);
/* "every" in blocks (0: one tempo) and the first round's block ("offset"; -1: random phase). */
long bt_agent_every(bt_world *w, const bt_agent_spec *s);
int64_t bt_agent_first(bt_world *w, size_t self, const bt_agent_spec *s, long every);

/* ---- a weight row under construction ---- */
typedef struct {
    size_t *to;
    double *w;
    size_t len, cap;
} bt_rowbuf;
int bt_rowbuf_put(bt_rowbuf *r, size_t to, double w);
void bt_rowbuf_free(bt_rowbuf *r);
/* Sets the row as self's weights (empty rows are not sent). 0, or -1 on ENOMEM; the chain's
 * refusals (rate limit ...) are not errors. */
int bt_rowbuf_send(bt_rowbuf *r, bt_world *w, size_t self);

/* ---- the scorer ---- */
typedef struct {
    double noise, alpha;
    size_t sample;      /* 0: all */
    size_t cursor;      /* round-robin position in the miner list */
    double *score;      /* per peer */
    uint8_t *seen;
} bt_scorer;
int bt_scorer_init(bt_scorer *s, bt_world *w, size_t self, const bt_agent_spec *spec);
void bt_scorer_free(bt_scorer *s);
/* Queries the next `sample` miners (registered, not self). 0 or -1. */
int bt_scorer_round(bt_scorer *s, bt_world *w, size_t self, uint32_t tag);
/* Folds an answer in: quality plus noise (self's stream), 0 for a failure. */
void bt_scorer_answer(bt_scorer *s, bt_world *w, size_t self, const bt_agent_msg *m);
/* Appends registered miners with a positive score (scores from `score`, default s->score). */
int bt_scorer_row(const bt_scorer *s, const double *score, bt_world *w, size_t self, bt_rowbuf *r);
/* The stake-weighted kappa-median of the weight rows others have stored (each row normalised;
 * validators with a permit; a missing entry votes 0), over all peers: out[n]. -1 on ENOMEM. */
int bt_visible_consensus(bt_world *w, size_t self, double *out);

/* ---- callbacks ---- */
int bt_validator_init(bt_world *w, size_t self, const bt_agent_spec *spec, void **state);
int bt_validator_handle(bt_world *w, size_t self, void *state, const bt_agent_msg *m);
void bt_validator_finish(void *state);
int bt_copier_init(bt_world *w, size_t self, const bt_agent_spec *spec, void **state);
int bt_copier_handle(bt_world *w, size_t self, void *state, const bt_agent_msg *m);
void bt_copier_finish(void *state);
int bt_cabal_init(bt_world *w, size_t self, const bt_agent_spec *spec, void **state);
int bt_cabal_handle(bt_world *w, size_t self, void *state, const bt_agent_msg *m);
void bt_cabal_finish(void *state);
int bt_mover_init(bt_world *w, size_t self, const bt_agent_spec *spec, void **state);
int bt_mover_handle(bt_world *w, size_t self, void *state, const bt_agent_msg *m);
void bt_mover_finish(void *state);
int bt_scripted_init(bt_world *w, size_t self, const bt_agent_spec *spec, void **state);
int bt_scripted_handle(bt_world *w, size_t self, void *state, const bt_agent_msg *m);
void bt_scripted_finish(void *state);

#endif
