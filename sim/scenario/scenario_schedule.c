/* The scenario's schedule: "weights" entries (one bt_weights_spec per sending peer, a
 * from-array expanded in its order, each with its own copy of the row) and "events", both
 * returned sorted by epoch with file order kept within an epoch, which is the order the kernel
 * applies them in. */
#include "scenario/scenario_internal.h"
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))


static size_t count_children(const cJSON *j)
{
    size_t n = 0;
    for (const cJSON *it = j->child; it; it = it->next)
        n++;
    return n;
}

/* "epoch" of an entry: an integer in [0, epochs). */
static int read_epoch(bt_scn_ctx *c, const cJSON *obj, long epochs, long *out)
{
    const double long_max = fmin(BT_SCN_INT_EXACT, (double)LONG_MAX);
    int rc = bt_scn_integer(c, obj, "epoch", 0, long_max, out);
    if (rc)
        return rc;
    if (*out >= epochs) {
        bt_scn_push_key(c, "epoch");
        return bt_scn_fail(c, "must be < epochs (%ld), got %ld", epochs, *out);
    }
    return 0;
}

/* Stable sort by epoch of n records of `size` bytes at base; epoch_of reads a record's epoch.
 * qsort is not stable, so ties are broken by the original position. */
typedef struct {
    long epoch;
    size_t idx;
} order_key;

static int cmp_order(const void *a, const void *b)
{
    const order_key *x = a, *y = b;
    if (x->epoch != y->epoch)
        return x->epoch < y->epoch ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int sort_by_epoch(void *base, size_t n, size_t size, long (*epoch_of)(const void *))
{
    if (n < 2)
        return 0;
    order_key *keys = malloc(n * sizeof *keys);
    unsigned char *tmp = malloc(n * size);
    if (!keys || !tmp) {
        free(keys);
        free(tmp);
        return -1;
    }
    unsigned char *b = base;
    for (size_t i = 0; i < n; i++)
        keys[i] = (order_key){epoch_of(b + i * size), i};
    qsort(keys, n, sizeof *keys, cmp_order);
    for (size_t i = 0; i < n; i++)
        memcpy(tmp + i * size, b + keys[i].idx * size, size);
    memcpy(b, tmp, n * size);
    free(keys);
    free(tmp);
    return 0;
}

static long weights_epoch(const void *p) { return ((const bt_weights_spec *)p)->epoch; }
static long event_epoch(const void *p) { return ((const bt_event_spec *)p)->epoch; }

/* ---- weights ---- */

static const bt_scn_key weight_keys[] = {{"epoch", 1}, {"from", 1}, {"to", 1}, {"every", 0}};

/* State across the weights entries. */
typedef struct {
    size_t cap;        /* allocated length of out->weights */
    size_t bytes;      /* memory the expanded rows take so far */
    size_t *stamp;     /* stamp[peer] = 1 + the entry that last named it in "from" */
} wstate;

/* "to": peer name -> weight, in the object's order, explicit zeros kept. */
int bt_scn_read_row(bt_scn_ctx *c, const cJSON *obj, bt_weights_spec *row)
{
    const cJSON *to = cJSON_GetObjectItemCaseSensitive(obj, "to");
    size_t mark = bt_scn_push_key(c, "to");
    int rc = bt_scn_expect(c, to, bt_scn_is_object, "an object mapping peer names to weights");
    if (rc)
        return rc;
    size_t n = count_children(to);
    if (n > 0) {
        row->to = malloc(n * sizeof *row->to);
        row->w = malloc(n * sizeof *row->w);
        if (!row->to || !row->w)
            return bt_scn_fail(c, "out of memory");
    }
    for (const cJSON *it = to->child; it; it = it->next) {
        size_t m = bt_scn_push_key(c, it->string), peer;
        char q[BT_SCN_QUOTE_MAX], g[32];
        if (!cJSON_IsNumber(it))
            return bt_scn_fail(c, "expected a number, got %s", bt_scn_type_name(it));
        if (!isfinite(it->valuedouble) || it->valuedouble < 0)
            return bt_scn_fail(c, "must be finite and >= 0, got %s",
                               bt_scn_num(g, it->valuedouble));
        if (!bt_scn_names_get(&c->peers, it->string, &peer))
            return bt_scn_fail(c, "unknown peer %s", bt_scn_quote(q, it->string));
        row->to[row->nto] = peer;
        row->w[row->nto] = it->valuedouble;
        row->nto++;
        bt_scn_pop(c, m);
    }
    bt_scn_pop(c, mark);
    return 0;
}

/* "from": one peer name, or a non-empty array of distinct names; *from gets the indices. */
static int read_from(bt_scn_ctx *c, const cJSON *obj, size_t entry, wstate *ws, size_t **from,
                     size_t *nfrom)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(obj, "from");
    size_t mark = bt_scn_push_key(c, "from");
    int rc;
    if (cJSON_IsString(f)) {
        *from = malloc(sizeof **from);
        if (!*from)
            return bt_scn_fail(c, "out of memory");
        if ((rc = bt_scn_peer_ref(c, f, *from)))
            return rc;
        *nfrom = 1;
        bt_scn_pop(c, mark);
        return 0;
    }
    if (!cJSON_IsArray(f))
        return bt_scn_fail(c, "expected a peer name or an array of peer names, got %s",
                           bt_scn_type_name(f));
    size_t n = count_children(f), j = 0;
    if (n == 0)
        return bt_scn_fail(c, "must name at least one peer");
    if (!(*from = malloc(n * sizeof **from)))
        return bt_scn_fail(c, "out of memory");
    for (const cJSON *it = f->child; it; it = it->next, j++) {
        size_t m = bt_scn_push_index(c, j), peer;
        if ((rc = bt_scn_peer_ref(c, it, &peer)))
            return rc;
        if (ws->stamp[peer] == entry + 1) {
            char q[BT_SCN_QUOTE_MAX];
            return bt_scn_fail(c, "peer %s is listed twice", bt_scn_quote(q, it->valuestring));
        }
        ws->stamp[peer] = entry + 1;
        (*from)[(*nfrom)++] = peer;
        bt_scn_pop(c, m);
    }
    bt_scn_pop(c, mark);
    return 0;
}

/* Counts the memory nfrom copies of row will take, refusing to go past the cap before any of
 * it is allocated: a from-array of many peers times a long row multiplies fast. */
static int reserve_rows(bt_scn_ctx *c, wstate *ws, const bt_weights_spec *row, size_t nfrom)
{
    size_t row_bytes = sizeof *row + row->nto * (sizeof *row->to + sizeof *row->w);
    size_t left = BT_SCN_MAX_WEIGHT_BYTES - ws->bytes;
    if (row_bytes > left || nfrom > left / row_bytes)
        return bt_scn_fail(c, "the weights take more than 1 GiB once expanded (each peer in a "
                              "from-array gets its own copy of the row)");
    ws->bytes += nfrom * row_bytes;
    return 0;
}

/* Appends row as sent by `from`, with its own copy of the arrays. */
static int append_spec(bt_scn_ctx *c, bt_scenario *out, wstate *ws, const bt_weights_spec *row,
                       size_t from)
{
    if (out->nweights == ws->cap) {
        size_t cap = ws->cap ? 2 * ws->cap : 16;
        bt_weights_spec *grown = realloc(out->weights, cap * sizeof *grown);
        if (!grown)
            return bt_scn_fail(c, "out of memory");
        out->weights = grown;
        ws->cap = cap;
    }
    bt_weights_spec s = *row;
    s.from = from;
    s.to = NULL;
    s.w = NULL;
    if (row->nto > 0) {
        s.to = malloc(row->nto * sizeof *s.to);
        s.w = malloc(row->nto * sizeof *s.w);
        if (!s.to || !s.w) {
            free(s.to);
            free(s.w);
            return bt_scn_fail(c, "out of memory");
        }
        memcpy(s.to, row->to, row->nto * sizeof *s.to);
        memcpy(s.w, row->w, row->nto * sizeof *s.w);
    }
    out->weights[out->nweights++] = s;
    return 0;
}

static int read_weights_entry(bt_scn_ctx *c, const cJSON *e, size_t entry, wstate *ws,
                              bt_scenario *out)
{
    const double long_max = fmin(BT_SCN_INT_EXACT, (double)LONG_MAX);
    bt_weights_spec row = {0};
    size_t *from = NULL, nfrom = 0;
    int rc;
    if (!(rc = bt_scn_expect(c, e, bt_scn_is_object, "an object"))
        && !(rc = bt_scn_check_keys(c, e, weight_keys, COUNT(weight_keys)))
        && !(rc = read_epoch(c, e, out->epochs, &row.epoch))
        && !(rc = read_from(c, e, entry, ws, &from, &nfrom))
        && !(rc = bt_scn_read_row(c, e, &row))
        && !(rc = bt_scn_integer(c, e, "every", 1, long_max, &row.every))
        && !(rc = reserve_rows(c, ws, &row, nfrom))) {
        for (size_t k = 0; k < nfrom && !rc; k++)
            rc = append_spec(c, out, ws, &row, from[k]);
    }
    free(from);
    free(row.to);
    free(row.w);
    return rc;
}

int bt_scn_read_weights(bt_scn_ctx *c, const cJSON *root, bt_scenario *out)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "weights");
    if (!arr)
        return 0;
    size_t mark = bt_scn_push_key(c, "weights");
    int rc = bt_scn_expect(c, arr, bt_scn_is_array, "an array");
    if (rc)
        return rc;
    wstate ws = {0};
    ws.stamp = calloc(out->npeers, sizeof *ws.stamp);
    if (!ws.stamp)
        return bt_scn_fail(c, "out of memory");
    size_t i = 0;
    for (const cJSON *it = arr->child; it && !rc; it = it->next, i++) {
        size_t m = bt_scn_push_index(c, i);
        if (!(rc = read_weights_entry(c, it, i, &ws, out)))
            bt_scn_pop(c, m);
    }
    free(ws.stamp);
    if (rc)
        return rc;
    if (sort_by_epoch(out->weights, out->nweights, sizeof *out->weights, weights_epoch))
        return bt_scn_fail(c, "out of memory");
    bt_scn_pop(c, mark);
    return 0;
}

/* ---- events ---- */

static const bt_scn_key event_keys[] = {{"epoch", 0}, {"block", 0}, {"type", 1}, {"peer", 0},
                                        {"to", 0}, {"amount", 0}, {"param", 0}, {"value", 0}};
static const char *const event_types[] = {"reset_bonds", "register", "add_stake",
                                          "remove_stake", "move_stake", "set_param"};
static const bt_event_type event_values[] = {BT_EVENT_RESET_BONDS, BT_EVENT_REGISTER,
                                             BT_EVENT_ADD_STAKE, BT_EVENT_REMOVE_STAKE,
                                             BT_EVENT_MOVE_STAKE, BT_EVENT_SET_PARAM};
/* Per type: which of peer, to, amount, param+value it takes (1 required, 0 not allowed). */
static const struct { int peer, to, amount, param; } event_uses[] = {
    {1, 0, 0, 0}, {1, 0, 0, 0}, {1, 0, 1, 0}, {1, 0, 1, 0}, {1, 1, 1, 0}, {0, 0, 0, 1}};

/* "epoch" (in [0, epochs)) or "block" (>= 0): exactly one. */
static int read_when(bt_scn_ctx *c, const cJSON *e, long epochs, bt_event_spec *ev)
{
    const cJSON *ep = cJSON_GetObjectItemCaseSensitive(e, "epoch");
    const cJSON *bl = cJSON_GetObjectItemCaseSensitive(e, "block");
    long block = -1;
    ev->epoch = -1;
    if (ep && bl)
        return bt_scn_fail(c, "give either \"epoch\" or \"block\", not both");
    if (!ep && !bl)
        return bt_scn_fail(c, "missing key \"epoch\" (or \"block\")");
    int rc = ep ? read_epoch(c, e, epochs, &ev->epoch) : bt_scn_integer(c, e, "block", 0, BT_SCN_MAX_BLOCK, &block);
    ev->block = block;
    return rc;
}

/* A key the event's type does not take. */
static int unused_key(bt_scn_ctx *c, const cJSON *e, const char *key, int type)
{
    if (!cJSON_GetObjectItemCaseSensitive(e, key))
        return 0;
    bt_scn_push_key(c, key);
    return bt_scn_fail(c, "not used by type \"%s\"", event_types[type]);
}

static int read_peer_key(bt_scn_ctx *c, const cJSON *e, const char *key, size_t *out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(e, key);
    if (!j)
        return bt_scn_fail(c, "missing key \"%s\"", key);
    size_t mark = bt_scn_push_key(c, key);
    int rc = bt_scn_peer_ref(c, j, out);
    if (!rc)
        bt_scn_pop(c, mark);
    return rc;
}

static int read_event(bt_scn_ctx *c, const cJSON *e, long epochs, bt_event_spec *ev)
{
    int type = 0, rc;
    if ((rc = bt_scn_expect(c, e, bt_scn_is_object, "an object"))
        || (rc = bt_scn_check_keys(c, e, event_keys, COUNT(event_keys)))
        || (rc = bt_scn_enum(c, e, "type", event_types, COUNT(event_types), &type))
        || (rc = read_when(c, e, epochs, ev)))
        return rc;
    ev->type = event_values[type];
    if ((!event_uses[type].peer && (rc = unused_key(c, e, "peer", type)))
        || (!event_uses[type].to && (rc = unused_key(c, e, "to", type)))
        || (!event_uses[type].amount && (rc = unused_key(c, e, "amount", type)))
        || (!event_uses[type].param && ((rc = unused_key(c, e, "param", type)) || (rc = unused_key(c, e, "value", type)))))
        return rc;
    if (event_uses[type].peer && (rc = read_peer_key(c, e, "peer", &ev->peer)))
        return rc;
    if (event_uses[type].to && (rc = read_peer_key(c, e, "to", &ev->to)))
        return rc;
    if (event_uses[type].amount) {
        if (!cJSON_GetObjectItemCaseSensitive(e, "amount"))
            return bt_scn_fail(c, "missing key \"amount\"");
        if ((rc = bt_scn_number(c, e, "amount", 0, 0, INFINITY, 0, &ev->amount)))
            return rc;
    }
    if (event_uses[type].param)
        return bt_scn_read_set_param(c, e, ev);
    return 0;
}

int bt_scn_read_events(bt_scn_ctx *c, const cJSON *root, bt_scenario *out)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "events");
    if (!arr)
        return 0;
    size_t mark = bt_scn_push_key(c, "events");
    int rc = bt_scn_expect(c, arr, bt_scn_is_array, "an array");
    if (rc)
        return rc;
    size_t n = count_children(arr), i = 0;
    if (n > 0 && !(out->events = calloc(n, sizeof *out->events)))
        return bt_scn_fail(c, "out of memory");
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        size_t m = bt_scn_push_index(c, i);
        if ((rc = read_event(c, it, out->epochs, &out->events[i])))
            return rc;
        out->nevents++;
        bt_scn_pop(c, m);
    }
    if (sort_by_epoch(out->events, out->nevents, sizeof *out->events, event_epoch))
        return bt_scn_fail(c, "out of memory");
    bt_scn_pop(c, mark);
    return 0;
}
