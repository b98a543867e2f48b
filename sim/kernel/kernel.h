/* The simulation kernel: simulated time and an event queue, nothing else. Models plug in
 * handlers per event type; the kernel knows nothing of Yuma. Events at the same time run by
 * priority, then in the order they were scheduled, so a run replays exactly. */
#ifndef BT_KERNEL_H
#define BT_KERNEL_H

#include <stddef.h>
#include <stdint.h>

/* Time is in ticks: a block is BT_TICKS_PER_BLOCK ticks, leaving sub-block times for messages. */
#define BT_TICKS_PER_BLOCK ((int64_t)1 << 16)

typedef struct {
    int64_t time;      /* ticks */
    uint32_t prio;     /* lower runs first at equal time; 0 .. 255 */
    uint32_t type;     /* index into the handler table */
    uint64_t seq;      /* set by the kernel: scheduling order */
    uint64_t a, b;     /* payload, meaning owned by the handler */
} bt_event;

typedef struct bt_kernel bt_kernel;
typedef int (*bt_handler)(bt_kernel *k, const bt_event *ev, void *ctx);

#define BT_KERNEL_MAX_TYPES 32

bt_kernel *bt_kernel_alloc(void);
void bt_kernel_free(bt_kernel *k);

/* Registers the handler of an event type (< BT_KERNEL_MAX_TYPES). 0 or -1. */
int bt_kernel_on(bt_kernel *k, uint32_t type, bt_handler h, void *ctx);

/* Schedules an event; time must not be before now, prio at most 255. 0, or -1 (ENOMEM, time
 * in the past, a bad type or priority). */
int bt_kernel_schedule(bt_kernel *k, int64_t time, uint32_t prio, uint32_t type, uint64_t a, uint64_t b);

/* Runs events with time <= until (or all when until < 0). Stops at the first handler that
 * returns non-zero and returns that value; 0 when the queue is done. */
int bt_kernel_run(bt_kernel *k, int64_t until);

/* Asks bt_kernel_run to return after the current event (e.g. on SIGINT). */
void bt_kernel_stop(bt_kernel *k);

int64_t bt_kernel_now(const bt_kernel *k);
size_t bt_kernel_pending(const bt_kernel *k);
uint64_t bt_kernel_processed(const bt_kernel *k);

#endif
