/* What the agent types share: parameter look-ups by name, round timing, weight-row buffers,
 * the scorer, and the consensus a copier can compute from the rows it sees. */
#include "agents/agents_impl.h"
#include <gsl/gsl_randist.h>
#include <stdlib.h>
#include <string.h>

/* ---- parameters ---- */

static int param_index(const bt_agent_spec *s, const char *name)
{
    int q = bt_agent_param_find(s->type, name);
    return q;
}

double bt_agent_get(const bt_agent_spec *s, const char *name)
{
    int q = param_index(s, name);
    if (q < 0) return 0;
    if (s->given[q]) return s->v[q];
    size_t n;
    return bt_agent_descs(&n)[s->type].params[q].def;
}

int bt_agent_given(const bt_agent_spec *s, const char *name)
{
    int q = param_index(s, name);
    return q >= 0 && s->given[q];
}

const char *bt_agent_str(const bt_agent_spec *s, const char *name)
{
    int q = param_index(s, name);
    return q >= 0 ? s->str[q] : NULL;
}

const size_t *bt_agent_peers(const bt_agent_spec *s, const char *name, size_t *n)
{
    int q = param_index(s, name);
    *n = q >= 0 && s->given[q] ? s->npeers[q] : 0;
    return q >= 0 && s->given[q] ? s->peers[q] : NULL;
}

long bt_agent_every(bt_world *w, const bt_agent_spec *s)
{
    long every = (long)bt_agent_get(s, "every");
    return every > 0 ? every : bt_world_tempo(w);
}

int64_t bt_agent_first(bt_world *w, size_t self, const bt_agent_spec *s, long every)
{
    long off = (long)bt_agent_get(s, "offset");
    if (off >= 0) return off;
    return every > 1 ? (int64_t)gsl_rng_uniform_int(bt_world_rng(w, self), (unsigned long)every) : 0;
}

/* ---- rows ---- */

int bt_rowbuf_put(bt_rowbuf *r, size_t to, double w)
{
    if (r->len == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 16;
        size_t *t = realloc(r->to, cap * sizeof *t);
        if (!t) return -1;
        r->to = t;
        double *v = realloc(r->w, cap * sizeof *v);
        if (!v) return -1;
        r->w = v;
        r->cap = cap;
    }
    r->to[r->len] = to;
    r->w[r->len++] = w;
    return 0;
}

void bt_rowbuf_free(bt_rowbuf *r)
{
    free(r->to);
    free(r->w);
    memset(r, 0, sizeof *r);
}

int bt_rowbuf_send(bt_rowbuf *r, bt_world *w, size_t self)
{
    double sum = 0;
    for (size_t q = 0; q < r->len; q++) sum += r->w[q];
    if (!(sum > 0)) return 0;
    return bt_world_set_weights(w, self, r->to, r->w, r->len) == BT_WORLD_ENOMEM ? -1 : 0;
}

/* ---- the scorer ---- */

int bt_scorer_init(bt_scorer *s, bt_world *w, size_t self, const bt_agent_spec *spec)
{
    size_t n = bt_world_npeers(w), nm;
    memset(s, 0, sizeof *s);
    s->noise = bt_agent_get(spec, "noise");
    s->alpha = bt_agent_get(spec, "alpha");
    s->sample = (size_t)bt_agent_get(spec, "sample");
    s->score = calloc(n ? n : 1, sizeof *s->score);
    s->seen = calloc(n ? n : 1, 1);
    bt_world_miners(w, &nm);
    if (nm > 1) s->cursor = (size_t)gsl_rng_uniform_int(bt_world_rng(w, self), (unsigned long)nm);
    return s->score && s->seen ? 0 : -1;
}

void bt_scorer_free(bt_scorer *s)
{
    free(s->score);
    free(s->seen);
}

int bt_scorer_round(bt_scorer *s, bt_world *w, size_t self, uint32_t tag)
{
    size_t nm;
    const size_t *miners = bt_world_miners(w, &nm);
    size_t want = s->sample && s->sample < nm ? s->sample : nm;
    for (size_t q = 0; q < want && nm; q++) {
        size_t m = miners[(s->cursor + q) % nm];
        if (m == self || !bt_world_registered(w, m)) continue;
        if (bt_world_query(w, self, m, tag)) return -1;
    }
    if (nm) s->cursor = (s->cursor + want) % nm;
    return 0;
}

void bt_scorer_answer(bt_scorer *s, bt_world *w, size_t self, const bt_agent_msg *m)
{
    double obs = 0;
    if (m->ok) {
        obs = m->quality + (s->noise > 0 ? gsl_ran_gaussian(bt_world_rng(w, self), s->noise) : 0);
        if (obs < 0) obs = 0;
    }
    size_t j = m->miner;
    s->score[j] = s->seen[j] ? (1 - s->alpha) * s->score[j] + s->alpha * obs : obs;
    s->seen[j] = 1;
}

int bt_scorer_row(const bt_scorer *s, const double *score, bt_world *w, size_t self, bt_rowbuf *r)
{
    size_t nm;
    const size_t *miners = bt_world_miners(w, &nm);
    if (!score) score = s->score;
    for (size_t q = 0; q < nm; q++) {
        size_t m = miners[q];
        if (m == self || !bt_world_registered(w, m) || !(score[m] > 0)) continue;
        if (bt_rowbuf_put(r, m, score[m])) return -1;
    }
    return 0;
}

/* ---- the consensus a copier sees ---- */

typedef struct {
    double w, s;
} vote;

static int cmp_vote_desc(const void *a, const void *b)
{
    const vote *x = a, *y = b;
    return x->w > y->w ? -1 : x->w < y->w;
}

int bt_visible_consensus(bt_world *w, size_t self, double *out)
{
    const bt_subnet *net = bt_world_subnet(w);
    size_t n = net->n, nv = 0;
    double kappa = bt_world_params(w)->kappa, total = 0;
    size_t *val = malloc((n ? n : 1) * sizeof *val);
    double *sum = malloc((n ? n : 1) * sizeof *sum);
    vote *col = malloc((n ? n : 1) * sizeof *col);
    size_t *cnt = calloc(n ? n : 1, sizeof *cnt), *start = calloc(n + 1, sizeof *start);
    int rc = -1;
    memset(out, 0, n * sizeof *out);
    if (!val || !sum || !col || !cnt || !start) goto out;
    for (size_t i = 0; i < n; i++) {
        const bt_row *r = &net->weights[i];
        if (i == self || !net->permit[i] || !(net->stake[i] > 0)) continue;
        double s = 0;
        for (uint32_t q = 0; q < r->len; q++) s += r->val[q];
        if (!(s > 0)) continue;
        val[nv] = i;
        sum[nv++] = s;
        total += net->stake[i];
        for (uint32_t q = 0; q < r->len; q++) cnt[r->col[q]]++;
    }
    for (size_t j = 0; j < n; j++) start[j + 1] = start[j] + cnt[j];
    vote *all = malloc((start[n] ? start[n] : 1) * sizeof *all);
    if (!all) goto out;
    memset(cnt, 0, n * sizeof *cnt);
    for (size_t a = 0; a < nv; a++) {
        const bt_row *r = &net->weights[val[a]];
        for (uint32_t q = 0; q < r->len; q++) {
            size_t j = r->col[q];
            all[start[j] + cnt[j]++] = (vote){r->val[q] / sum[a], net->stake[val[a]]};
        }
    }
    /* the largest x such that validators voting >= x hold kappa of the stake */
    for (size_t j = 0; j < n && total > 0; j++) {
        size_t k = cnt[j];
        memcpy(col, all + start[j], k * sizeof *col);
        qsort(col, k, sizeof *col, cmp_vote_desc);
        double acc = 0;
        for (size_t q = 0; q < k; q++) {
            acc += col[q].s;
            if (acc >= kappa * total) { out[j] = col[q].w; break; }
        }
    }
    free(all);
    rc = 0;
out:
    free(val); free(sum); free(col); free(cnt); free(start);
    return rc;
}
