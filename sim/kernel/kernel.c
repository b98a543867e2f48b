/* bt_kernel: a 4-ary heap of events ordered by (time, prio, seq) and the dispatch loop.
 *
 * Speed: a heap node is 32 bytes, its order packed into two 64-bit words (time with its sign
 * bit flipped, so that unsigned order is signed order; then prio, seq and, below the unique
 * seq where it never decides, the type), compared without branches. A 4-ary heap halves the
 * depth of a binary one, and the array is offset so that each node's four children share two
 * cache lines. The event being handled leaves a hole at the root, and the first event its
 * handler schedules fills it with one sift-down instead of a removal plus an insertion (the
 * common case: an event causes the next). */
#include "kernel/kernel.h"
#include <stdlib.h>

#define SEQ_BITS 48
#define ARITY 4

typedef struct {
    uint64_t hi, lo;      /* order: time; then prio (8 bits), seq (48), type (8) */
    uint64_t a, b;
} node;

struct bt_kernel {
    node *raw;            /* 64-byte aligned; heap = raw + 1 */
    node *heap;
    size_t len, cap;
    int hole;             /* heap[0] is the event being handled: free to overwrite */
    uint64_t next_seq, processed;
    int64_t now;
    volatile int stop;
    struct { bt_handler fn; void *ctx; } handlers[BT_KERNEL_MAX_TYPES];
};

bt_kernel *bt_kernel_alloc(void) { return calloc(1, sizeof(bt_kernel)); }

void bt_kernel_free(bt_kernel *k)
{
    if (!k) return;
    free(k->raw);
    free(k);
}

int bt_kernel_on(bt_kernel *k, uint32_t type, bt_handler h, void *ctx)
{
    if (type >= BT_KERNEL_MAX_TYPES) return -1;
    k->handlers[type].fn = h;
    k->handlers[type].ctx = ctx;
    return 0;
}

static inline int before(const node *x, const node *y)
{
    return (x->hi < y->hi) | ((x->hi == y->hi) & (x->lo < y->lo));
}

/* Places x at position i (a hole) and moves it down to its place. */
static void sift_down(bt_kernel *k, size_t i, node x)
{
    node *h = k->heap;
    size_t n = k->len;
    for (;;) {
        size_t c = ARITY * i + 1;
        if (c >= n) break;
        size_t best;
        if (c + ARITY <= n) {       /* a full group: a tournament of two pairs */
            size_t l = before(&h[c + 1], &h[c]) ? c + 1 : c, r = before(&h[c + 3], &h[c + 2]) ? c + 3 : c + 2;
            best = before(&h[r], &h[l]) ? r : l;
        } else {
            best = c;
            for (size_t j = c + 1; j < n; j++) best = before(&h[j], &h[best]) ? j : best;
        }
        if (!before(&h[best], &x)) break;
        h[i] = h[best];
        i = best;
    }
    h[i] = x;
}

static void sift_up(bt_kernel *k, size_t i, node x)
{
    node *h = k->heap;
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (!before(&x, &h[parent])) break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = x;
}

static int grow(bt_kernel *k)
{
    size_t cap = k->cap ? 2 * k->cap : 64;
    node *raw = aligned_alloc(64, (cap + 2) * sizeof *raw);
    if (!raw) return -1;
    for (size_t i = 0; i < k->len; i++) raw[1 + i] = k->heap[i];
    free(k->raw);
    k->raw = raw;
    k->heap = raw + 1;
    k->cap = cap;
    return 0;
}

int bt_kernel_schedule(bt_kernel *k, int64_t time, uint32_t prio, uint32_t type, uint64_t a, uint64_t b)
{
    if (time < k->now || type >= BT_KERNEL_MAX_TYPES || prio > 255) return -1;
    uint64_t seq = k->next_seq++ & ((1ull << SEQ_BITS) - 1);
    node x = {(uint64_t)time ^ ((uint64_t)1 << 63), (uint64_t)prio << 56 | seq << 8 | type, a, b};
    if (k->hole) {
        k->hole = 0;
        sift_down(k, 0, x);
        return 0;
    }
    if (k->len == k->cap && grow(k)) return -1;
    sift_up(k, k->len++, x);
    return 0;
}

/* Removes the root when the handler left its hole open. */
static void close_hole(bt_kernel *k)
{
    if (!k->hole) return;
    k->hole = 0;
    node last = k->heap[--k->len];
    if (k->len) sift_down(k, 0, last);
}

int bt_kernel_run(bt_kernel *k, int64_t until)
{
    k->stop = 0;
    while (k->len && !k->stop) {
        const node *top = &k->heap[0];
        int64_t t = (int64_t)(top->hi ^ ((uint64_t)1 << 63));
        if (until >= 0 && t > until) break;
        bt_event ev = {t, (uint32_t)(top->lo >> 56), (uint32_t)(top->lo & 0xff), (top->lo >> 8) & ((1ull << SEQ_BITS) - 1),
                       top->a, top->b};
        k->now = t;
        k->processed++;
        k->hole = 1;
        bt_handler fn = k->handlers[ev.type].fn;
        int rc = fn ? fn(k, &ev, k->handlers[ev.type].ctx) : 0;
        close_hole(k);
        if (rc) return rc;
    }
    return 0;
}

void bt_kernel_stop(bt_kernel *k) { k->stop = 1; }
int64_t bt_kernel_now(const bt_kernel *k) { return k->now; }
size_t bt_kernel_pending(const bt_kernel *k) { return k->len - (size_t)k->hole; }
uint64_t bt_kernel_processed(const bt_kernel *k) { return k->processed; }
