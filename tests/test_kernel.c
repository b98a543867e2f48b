/* The kernel: events run in (time, priority, scheduling order) order, handlers can schedule
 * more, the past is refused, and a randomised workload (PHOLD-style) replays identically. */
#include "kernel/kernel.h"
#include <criterion/criterion.h>
#include <stdlib.h>

typedef struct {
    bt_event seen[64];
    size_t n;
} log_ctx;

static int record(bt_kernel *k, const bt_event *ev, void *ctx)
{
    (void)k;
    log_ctx *l = ctx;
    if (l->n < 64) l->seen[l->n++] = *ev;
    return 0;
}

Test(kernel, orders_by_time_then_priority_then_scheduling_order)
{
    bt_kernel *k = bt_kernel_alloc();
    log_ctx l = {0};
    bt_kernel_on(k, 0, record, &l);
    bt_kernel_on(k, 1, record, &l);
    /* (time, prio, tag) scheduled out of order */
    cr_assert_eq(bt_kernel_schedule(k, 5, 1, 0, 1, 0), 0);
    cr_assert_eq(bt_kernel_schedule(k, 5, 0, 1, 2, 0), 0);
    cr_assert_eq(bt_kernel_schedule(k, 3, 9, 0, 3, 0), 0);
    cr_assert_eq(bt_kernel_schedule(k, 5, 0, 0, 4, 0), 0);
    cr_assert_eq(bt_kernel_schedule(k, 5, 1, 1, 5, 0), 0);
    cr_assert_eq(bt_kernel_run(k, -1), 0);
    uint64_t want[] = {3, 2, 4, 1, 5};
    cr_assert_eq(l.n, 5);
    for (size_t i = 0; i < 5; i++) cr_expect_eq(l.seen[i].a, want[i], "event %zu is %lu", i, (unsigned long)l.seen[i].a);
    cr_expect_eq(bt_kernel_now(k), 5);
    cr_expect_eq(bt_kernel_processed(k), 5);
    bt_kernel_free(k);
}

static int chain_more(bt_kernel *k, const bt_event *ev, void *ctx)
{
    log_ctx *l = ctx;
    record(k, ev, ctx);
    if (ev->a < 3) bt_kernel_schedule(k, bt_kernel_now(k), 0, 0, ev->a + 1, 0);   /* same time: after */
    (void)l;
    return 0;
}

Test(kernel, handlers_schedule_at_the_current_time_and_the_past_is_refused)
{
    bt_kernel *k = bt_kernel_alloc();
    log_ctx l = {0};
    bt_kernel_on(k, 0, chain_more, &l);
    bt_kernel_schedule(k, 10 * BT_TICKS_PER_BLOCK, 0, 0, 0, 0);
    cr_assert_eq(bt_kernel_run(k, -1), 0);
    cr_expect_eq(l.n, 4);
    cr_expect_eq(bt_kernel_schedule(k, 5, 0, 0, 0, 0), -1, "scheduling in the past must fail");
    cr_expect_eq(bt_kernel_schedule(k, 0, 0, BT_KERNEL_MAX_TYPES, 0, 0), -1);
    cr_expect_eq(bt_kernel_schedule(k, bt_kernel_now(k), 256, 0, 0, 0), -1, "priorities go up to 255");
    cr_expect_eq(bt_kernel_pending(k), 0);
    bt_kernel_free(k);
}

Test(kernel, run_until_stops_before_later_events)
{
    bt_kernel *k = bt_kernel_alloc();
    log_ctx l = {0};
    bt_kernel_on(k, 0, record, &l);
    for (int t = 1; t <= 10; t++) bt_kernel_schedule(k, t, 0, 0, (uint64_t)t, 0);
    bt_kernel_run(k, 4);
    cr_expect_eq(l.n, 4);
    cr_expect_eq(bt_kernel_pending(k), 6);
    bt_kernel_run(k, -1);
    cr_expect_eq(l.n, 10);
    bt_kernel_free(k);
}

/* PHOLD: each event, on arrival, sends one event to a random object after a random delay;
 * equal times happen often (small delays), so the tie-break decides the order. */
typedef struct {
    uint64_t state, hash;
    long left;
} phold;

static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int phold_event(bt_kernel *k, const bt_event *ev, void *ctx)
{
    phold *p = ctx;
    p->hash = (p->hash ^ (ev->a * 1000003u + (uint64_t)ev->time)) * 0x100000001B3ull;
    if (--p->left <= 0) return 0;
    uint64_t r = next_rand(&p->state);
    return bt_kernel_schedule(k, bt_kernel_now(k) + (int64_t)(r % 4), (uint32_t)(r >> 8) % 3, 0, (r >> 16) % 64, 0);
}

static uint64_t run_phold(uint64_t seed)
{
    bt_kernel *k = bt_kernel_alloc();
    phold p = {seed, 1469598103934665603ull, 20000};
    bt_kernel_on(k, 0, phold_event, &p);
    for (uint64_t o = 0; o < 64; o++) bt_kernel_schedule(k, (int64_t)(o % 5), 0, 0, o, 0);
    cr_assert_eq(bt_kernel_run(k, -1), 0);
    bt_kernel_free(k);
    return p.hash;
}

Test(kernel, the_same_seed_replays_the_same_order)
{
    uint64_t a = run_phold(42), b = run_phold(42), c = run_phold(43);
    cr_expect_eq(a, b, "same seed, different event order");
    cr_expect_neq(a, c);
}
