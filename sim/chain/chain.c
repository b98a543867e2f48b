/* bt_chain: UIDs, registration and pruning, stake held outside the subnet, the weights rate
 * limit and commit-reveal, applied to a bt_subnet between epochs. */
#include "chain/chain.h"
#include <stdlib.h>
#include <string.h>

#define BT_CHAIN_MAX_COMMITS 10   /* TooManyUnrevealedCommits */

typedef struct {
    int64_t block;
    long reveal_epoch;
    uint32_t k;
    uint32_t *to;
    double *w;
} commit;

typedef struct {
    commit *q;
    size_t len, cap;
} commit_queue;

struct bt_chain {
    size_t n;
    bt_chain_spec spec;
    uint8_t *registered;
    long *uid;              /* per peer; -1 unregistered */
    long *holder;           /* per uid: the peer, -1 free */
    size_t count, nuids;    /* registered peers; UIDs ever handed out */
    double *held;           /* stake of unregistered peers */
    commit_queue *commits;  /* per peer */
    bt_row *saved;          /* rows swapped out by mask_begin */
    uint8_t *swapped;
};

bt_chain *bt_chain_alloc(size_t n, const bt_chain_spec *spec)
{
    bt_chain *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    size_t m = n ? n : 1;
    c->n = n;
    c->spec = *spec;
    c->registered = calloc(m, 1);
    c->uid = malloc(m * sizeof *c->uid);
    c->holder = malloc(m * sizeof *c->holder);
    c->held = calloc(m, sizeof *c->held);
    c->commits = calloc(m, sizeof *c->commits);
    c->saved = calloc(m, sizeof *c->saved);
    c->swapped = calloc(m, 1);
    if (!c->registered || !c->uid || !c->holder || !c->held || !c->commits || !c->saved || !c->swapped) {
        bt_chain_free(c);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) c->uid[i] = c->holder[i] = -1;
    return c;
}

static void commit_free(commit *x)
{
    free(x->to);
    free(x->w);
}

void bt_chain_free(bt_chain *c)
{
    if (!c) return;
    for (size_t i = 0; c->commits && i < c->n; i++) {
        for (size_t q = 0; q < c->commits[i].len; q++) commit_free(&c->commits[i].q[q]);
        free(c->commits[i].q);
    }
    free(c->commits);
    free(c->registered);
    free(c->uid);
    free(c->holder);
    free(c->held);
    free(c->saved);
    free(c->swapped);
    free(c);
}

bt_chain_spec *bt_chain_settings(bt_chain *c) { return &c->spec; }
int bt_chain_is_registered(const bt_chain *c, size_t p) { return c->registered[p]; }
long bt_chain_uid(const bt_chain *c, size_t p) { return c->uid[p]; }
size_t bt_chain_count(const bt_chain *c) { return c->count; }
size_t bt_chain_pending(const bt_chain *c, size_t p) { return c->commits[p].len; }

/* ---- registration ---- */

static void take_uid(bt_chain *c, size_t p, long uid)
{
    c->registered[p] = 1;
    c->uid[p] = uid;
    c->holder[uid] = (long)p;
    c->count++;
}

void bt_chain_register_initial(bt_chain *c, size_t p)
{
    if (c->registered[p]) return;
    take_uid(c, p, (long)c->nuids++);
}

void bt_chain_settle_initial(bt_chain *c, bt_subnet *net)
{
    for (size_t p = 0; p < c->n; p++) {
        if (c->registered[p]) continue;
        c->held[p] = net->stake[p];
        net->stake[p] = 0;
        net->permit[p] = 0;
    }
}

static void drop_commits(bt_chain *c, size_t p)
{
    for (size_t q = 0; q < c->commits[p].len; q++) commit_free(&c->commits[p].q[q]);
    c->commits[p].len = 0;
}

/* clear_neuron: p's weight and bond rows go, every stored entry on p becomes 0. */
static void clear_neuron(bt_subnet *net, size_t p)
{
    net->weights[p].len = 0;
    net->bonds[p].len = 0;
    for (size_t i = 0; i < net->n; i++) {
        bt_row *r = &net->weights[i];
        for (uint32_t q = 0; q < r->len; q++)
            if (r->col[q] == p) r->val[q] = 0;
    }
}

/* (emission, registration block, uid) ascending: the first is pruned. */
static int prunes_before(const bt_chain *c, const bt_subnet *net, const double *score, size_t a, size_t b)
{
    double sa = score ? score[a] : 0, sb = score ? score[b] : 0;
    if (sa != sb) return sa < sb;
    if (net->block_at_registration[a] != net->block_at_registration[b])
        return net->block_at_registration[a] < net->block_at_registration[b];
    return c->uid[a] < c->uid[b];
}

static long pick_pruned(const bt_chain *c, const bt_subnet *net, const double *score, long owner)
{
    long free_best = -1, immune_best = -1;
    for (size_t p = 0; p < c->n; p++) {
        if (!c->registered[p] || (long)p == owner) continue;
        int immune = net->current_block - net->block_at_registration[p] < c->spec.immunity_period;
        long *best = immune ? &immune_best : &free_best;
        if (*best < 0 || prunes_before(c, net, score, p, (size_t)*best)) *best = (long)p;
    }
    return free_best >= 0 ? free_best : immune_best;
}

long bt_chain_register(bt_chain *c, bt_subnet *net, size_t p, const double *score, long owner)
{
    if (c->registered[p]) return -2;
    long pruned = -1, uid;
    if ((long)c->count < c->spec.max_uids) {
        uid = (long)c->nuids++;
    } else {
        pruned = pick_pruned(c, net, score, owner);
        if (pruned < 0) return -2;
        uid = c->uid[pruned];
        c->held[pruned] = net->stake[pruned];
        net->stake[pruned] = 0;
        net->permit[pruned] = 0;
        clear_neuron(net, (size_t)pruned);
        drop_commits(c, (size_t)pruned);
        c->registered[pruned] = 0;
        c->uid[pruned] = -1;
        c->count--;
    }
    take_uid(c, p, uid);
    net->block_at_registration[p] = net->current_block;
    net->last_update[p] = net->current_block;
    net->permit[p] = 0;
    net->weights[p].len = 0;
    net->bonds[p].len = 0;
    net->stake[p] = c->held[p];
    c->held[p] = 0;
    return pruned;
}

/* ---- stake ---- */

double bt_chain_stake(const bt_chain *c, const bt_subnet *net, size_t p)
{
    return c->registered[p] ? net->stake[p] : c->held[p];
}

void bt_chain_set_stake(bt_chain *c, bt_subnet *net, size_t p, double s)
{
    if (c->registered[p]) net->stake[p] = s;
    else c->held[p] = s;
}

/* ---- weights ---- */

int bt_chain_rate_ok(const bt_chain *c, const bt_subnet *net, size_t p)
{
    int64_t last = net->last_update[p];
    if (last == 0) return 1;
    return net->current_block - last >= c->spec.weights_rate_limit;
}

int bt_chain_commit(bt_chain *c, bt_subnet *net, size_t p, long reveal_epoch, const size_t *to,
                    const double *w, size_t k)
{
    commit_queue *cq = &c->commits[p];
    if (cq->len >= BT_CHAIN_MAX_COMMITS) return 1;
    if (cq->len == cq->cap) {
        size_t cap = cq->cap ? 2 * cq->cap : 4;
        commit *q = realloc(cq->q, cap * sizeof *q);
        if (!q) return -1;
        cq->q = q;
        cq->cap = cap;
    }
    commit x = {net->current_block, reveal_epoch, (uint32_t)k, malloc((k ? k : 1) * sizeof(uint32_t)),
                malloc((k ? k : 1) * sizeof(double))};
    if (!x.to || !x.w) {
        commit_free(&x);
        return -1;
    }
    for (size_t q = 0; q < k; q++) { x.to[q] = (uint32_t)to[q]; x.w[q] = w[q]; }
    cq->q[cq->len++] = x;
    net->last_update[p] = net->current_block;
    return 0;
}

int bt_chain_reveal(bt_chain *c, bt_subnet *net, long e, bt_arith arith, bt_chain_reveal_fn fn, void *ctx)
{
    size_t *to = NULL;
    size_t cap = 0;
    int rc = 0;
    for (size_t p = 0; p < c->n && !rc; p++) {
        commit_queue *cq = &c->commits[p];
        size_t done = 0;
        while (done < cq->len && cq->q[done].reveal_epoch <= e && !rc) {
            commit *x = &cq->q[done];
            if (x->k > cap) {
                size_t *t = realloc(to, x->k * sizeof *t);
                if (!t) { rc = -1; break; }
                to = t;
                cap = x->k;
            }
            /* entries on UIDs replaced since the commit are dropped (the chain masks them) */
            uint32_t m = 0;
            for (uint32_t q = 0; q < x->k; q++) {
                uint32_t j = x->to[q];
                if (!c->registered[j] || net->block_at_registration[j] > x->block) continue;
                to[m] = j;
                x->w[m++] = x->w[q];
            }
            int64_t keep = net->last_update[p];
            if (bt_subnet_set_weights(net, p, to, x->w, m, arith)) { rc = -1; break; }
            net->last_update[p] = keep;
            if (fn) fn(ctx, p, x->block);
            commit_free(x);
            done++;
        }
        if (done) {
            memmove(cq->q, cq->q + done, (cq->len - done) * sizeof *cq->q);
            cq->len -= done;
        }
    }
    free(to);
    return rc;
}

/* ---- spec 3.5 step 5 ---- */

int bt_chain_mask_begin(bt_chain *c, bt_subnet *net)
{
    int64_t newest = 0;
    for (size_t j = 0; j < net->n; j++)
        if (c->registered[j] && net->block_at_registration[j] > newest) newest = net->block_at_registration[j];
    for (size_t i = 0; i < c->n; i++) {
        if (!c->commits[i].len) continue;
        int64_t oldest = c->commits[i].q[0].block;
        for (size_t q = 1; q < c->commits[i].len; q++)
            if (c->commits[i].q[q].block < oldest) oldest = c->commits[i].q[q].block;
        if (oldest >= newest) continue;
        const bt_row *r = &net->weights[i];
        bt_row m = {0, 0, malloc((r->len ? r->len : 1) * sizeof(uint32_t)), malloc((r->len ? r->len : 1) * sizeof(double))};
        if (!m.col || !m.val) {
            free(m.col);
            free(m.val);
            bt_chain_mask_end(c, net);
            return -1;
        }
        for (uint32_t q = 0; q < r->len; q++) {
            if (oldest < net->block_at_registration[r->col[q]]) continue;
            m.col[m.len] = r->col[q];
            m.val[m.len++] = r->val[q];
        }
        m.cap = r->len;
        c->saved[i] = *r;
        net->weights[i] = m;
        c->swapped[i] = 1;
    }
    return 0;
}

void bt_chain_mask_end(bt_chain *c, bt_subnet *net)
{
    for (size_t i = 0; i < c->n; i++) {
        if (!c->swapped[i]) continue;
        free(net->weights[i].col);
        free(net->weights[i].val);
        net->weights[i] = c->saved[i];
        c->swapped[i] = 0;
    }
}
