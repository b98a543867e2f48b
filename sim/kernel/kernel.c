/* bt_kernel: a binary heap of events ordered by (time, prio, seq) and the dispatch loop. */
#include "kernel/kernel.h"
#include <stdlib.h>

struct bt_kernel {
    bt_event *heap;
    size_t len, cap;
    uint64_t next_seq, processed;
    int64_t now;
    volatile int stop;
    struct { bt_handler fn; void *ctx; } handlers[BT_KERNEL_MAX_TYPES];
};

bt_kernel *bt_kernel_alloc(void) { return calloc(1, sizeof(bt_kernel)); }

void bt_kernel_free(bt_kernel *k)
{
    if (!k) return;
    free(k->heap);
    free(k);
}

int bt_kernel_on(bt_kernel *k, uint32_t type, bt_handler h, void *ctx)
{
    if (type >= BT_KERNEL_MAX_TYPES) return -1;
    k->handlers[type].fn = h;
    k->handlers[type].ctx = ctx;
    return 0;
}

static int before(const bt_event *x, const bt_event *y)
{
    if (x->time != y->time) return x->time < y->time;
    if (x->prio != y->prio) return x->prio < y->prio;
    return x->seq < y->seq;
}

int bt_kernel_schedule(bt_kernel *k, int64_t time, uint32_t prio, uint32_t type, uint64_t a, uint64_t b)
{
    if (time < k->now || type >= BT_KERNEL_MAX_TYPES) return -1;
    if (k->len == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 64;
        bt_event *h = realloc(k->heap, cap * sizeof *h);
        if (!h) return -1;
        k->heap = h;
        k->cap = cap;
    }
    bt_event ev = {time, prio, type, k->next_seq++, a, b};
    size_t i = k->len++;
    while (i > 0) {                          /* sift up */
        size_t parent = (i - 1) / 2;
        if (!before(&ev, &k->heap[parent])) break;
        k->heap[i] = k->heap[parent];
        i = parent;
    }
    k->heap[i] = ev;
    return 0;
}

static bt_event pop(bt_kernel *k)
{
    bt_event top = k->heap[0], last = k->heap[--k->len];
    size_t i = 0;
    for (;;) {                               /* sift down */
        size_t l = 2 * i + 1, r = l + 1, m = i;
        const bt_event *best = &last;
        if (l < k->len && before(&k->heap[l], best)) { m = l; best = &k->heap[l]; }
        if (r < k->len && before(&k->heap[r], best)) { m = r; }
        if (m == i) break;
        k->heap[i] = k->heap[m];
        i = m;
    }
    if (k->len) k->heap[i] = last;
    return top;
}

int bt_kernel_run(bt_kernel *k, int64_t until)
{
    k->stop = 0;
    while (k->len && !k->stop) {
        if (until >= 0 && k->heap[0].time > until) break;
        bt_event ev = pop(k);
        k->now = ev.time;
        k->processed++;
        bt_handler fn = k->handlers[ev.type].fn;
        if (!fn) continue;
        int rc = fn(k, &ev, k->handlers[ev.type].ctx);
        if (rc) return rc;
    }
    return 0;
}

void bt_kernel_stop(bt_kernel *k) { k->stop = 1; }
int64_t bt_kernel_now(const bt_kernel *k) { return k->now; }
size_t bt_kernel_pending(const bt_kernel *k) { return k->len; }
uint64_t bt_kernel_processed(const bt_kernel *k) { return k->processed; }
