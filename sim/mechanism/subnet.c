/* bt_subnet: allocation, weight setting (with the chain's u16 storage rules) and bond resets. */
#include "mechanism/subnet.h"
#include "mechanism/fixed.h"
#include "mechanism/arena.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

bt_subnet *bt_subnet_alloc(size_t n)
{
    bt_subnet *net = calloc(1, sizeof *net);
    if (!net) return NULL;
    net->n = n;
    net->stake = calloc(n ? n : 1, sizeof *net->stake);
    net->block_at_registration = calloc(n ? n : 1, sizeof(int64_t));
    net->last_update = calloc(n ? n : 1, sizeof(int64_t));
    net->permit = calloc(n ? n : 1, 1);
    net->weights = calloc(n ? n : 1, sizeof(bt_row));
    net->bonds = calloc(n ? n : 1, sizeof(bt_row));
    if (!net->stake || !net->block_at_registration || !net->last_update || !net->permit ||
        !net->weights || !net->bonds) {
        bt_subnet_free(net);
        return NULL;
    }
    return net;
}

static void row_free(bt_row *r)
{
    free(r->col);
    free(r->val);
}

void bt_subnet_free(bt_subnet *net)
{
    if (!net) return;
    for (size_t i = 0; net->weights && i < net->n; i++) row_free(&net->weights[i]);
    for (size_t i = 0; net->bonds && i < net->n; i++) row_free(&net->bonds[i]);
    free(net->weights);
    free(net->bonds);
    free(net->stake);
    free(net->block_at_registration);
    free(net->last_update);
    free(net->permit);
    bt_arena_free(net->arena);
    if (net->mech_state_free) net->mech_state_free(net->mech_state);
    free(net);
}

int bt_row_assign(bt_row *r, const uint32_t *col, const double *val, uint32_t len)
{
    if (len > r->cap) {
        uint32_t cap = len < 4 ? 4 : len;
        uint32_t *c = realloc(r->col, (size_t)cap * sizeof *c);
        if (!c) return -1;
        r->col = c;
        double *v = realloc(r->val, (size_t)cap * sizeof *v);
        if (!v) return -1;
        r->val = v;
        r->cap = cap;
    }
    if (len) {
        memcpy(r->col, col, (size_t)len * sizeof *col);
        memcpy(r->val, val, (size_t)len * sizeof *val);
    }
    r->len = len;
    return 0;
}

/* The weights a caller gives are turned into the u16 values set_weights would receive: rows
 * of integers <= 65535 pass as they are, others are scaled so their maximum is 65535. Then the
 * chain's vec_u16_max_upscale_to_u16 runs on them. */
static void weights_to_u16(const double *w, size_t k, uint16_t *out)
{
    double max = 0;
    int integral = 1;
    for (size_t q = 0; q < k; q++) {
        if (w[q] > max) max = w[q];
        if (w[q] != floor(w[q]) || w[q] > 65535) integral = 0;
    }
    bt_fx *fx = calloc(k ? k : 1, sizeof *fx);
    if (!fx) { memset(out, 0, k * sizeof *out); return; }
    for (size_t q = 0; q < k; q++) {
        double u = integral ? w[q] : (max > 0 ? nearbyint(w[q] / max * 65535.0) : 0);
        fx[q] = bt_fx_from_int((int64_t)u);
    }
    bt_fx_max_upscale_to_u16(fx, k, out);
    free(fx);
}

int bt_subnet_set_weights(bt_subnet *net, size_t i, const size_t *to, const double *w, size_t k,
                          bt_arith arith)
{
    uint32_t *col = malloc((k ? k : 1) * sizeof *col);
    double *val = malloc((k ? k : 1) * sizeof *val);
    uint16_t *u = malloc((k ? k : 1) * sizeof *u);
    int rc = -1;
    if (col && val && u) {
        if (arith == BT_ARITH_FIXED) weights_to_u16(w, k, u);
        for (size_t q = 0; q < k; q++) {
            col[q] = (uint32_t)to[q];
            val[q] = arith == BT_ARITH_FIXED ? (double)u[q] : w[q];
        }
        rc = bt_row_assign(&net->weights[i], col, val, (uint32_t)k);
        net->last_update[i] = net->current_block;
    }
    free(col);
    free(val);
    free(u);
    return rc;
}

void bt_subnet_reset_bonds(bt_subnet *net, size_t j)
{
    for (size_t i = 0; i < net->n; i++) {
        bt_row *r = &net->bonds[i];
        uint32_t out = 0;
        for (uint32_t q = 0; q < r->len; q++) {
            if (r->col[q] == j) continue;
            r->col[out] = r->col[q];
            r->val[out] = r->val[q];
            out++;
        }
        r->len = out;
    }
}

void bt_subnet_init_permits(bt_subnet *net, const bt_params *p)
{
    size_t n = net->n;
    uint64_t *raw = calloc(n ? n : 1, sizeof *raw);
    bt_fx *s = calloc(n ? n : 1, sizeof *s);
    double *key = calloc(n ? n : 1, sizeof *key);
    if (raw && s && key) {
        for (size_t i = 0; i < n; i++) raw[i] = (uint64_t)llround(net->stake[i] * 1e9);
        bt_fx_normalize_stake(raw, n, s);
        for (size_t i = 0; i < n; i++) key[i] = (double)s[i];   /* exact: bits <= 2^53 */
        bt_topk_nonzero(key, n, (size_t)p->max_allowed_validators, net->permit);
        if (p->owner >= 0 && (size_t)p->owner < n) net->permit[p->owner] = 1;
    }
    free(raw);
    free(s);
    free(key);
}

typedef struct { double key; size_t idx; } keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->idx < y->idx ? -1 : (x->idx > y->idx);
}

int bt_topk_nonzero(const double *s, size_t n, size_t k, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) out[i] = s[i] != 0;
    if (n < k) return 0;
    keyed *e = malloc((n ? n : 1) * sizeof *e);
    if (!e) return -1;
    for (size_t i = 0; i < n; i++) { e[i].key = s[i]; e[i].idx = i; }
    qsort(e, n, sizeof *e, cmp_keyed);   /* index tie-break makes it the chain's stable sort */
    for (size_t q = 0; q < n - k; q++) out[e[q].idx] = 0;
    free(e);
    return 0;
}
