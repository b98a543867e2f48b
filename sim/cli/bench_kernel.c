/* `btsim bench-kernel`: events per second of the bare kernel on PHOLD, the standard
 * parallel-simulation benchmark: N objects, P events each at the start; each event, when it
 * runs, schedules one new event for a random object after a lookahead plus a random delay.
 * The handler does nothing else, so the figure is the queue's cost. Last line:
 * `events_per_s=<best of the repeats>` (a contract used by bench/run.sh). */
#include "cli/cli.h"
#include "kernel/kernel.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct {
    uint64_t state;          /* xorshift64*: a few cycles, so the RNG does not hide the kernel */
    uint64_t objects, left;
    int64_t lookahead, spread;
} phold;

static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Dull;
}

static int phold_event(bt_kernel *k, const bt_event *ev, void *ctx)
{
    (void)ev;
    phold *p = ctx;
    if (p->left == 0) return 0;
    p->left--;
    uint64_t r = next_rand(&p->state);
    int64_t delay = p->lookahead + (int64_t)((r >> 32) % (uint64_t)p->spread);
    return bt_kernel_schedule(k, bt_kernel_now(k) + delay, 0, 0, (r & 0xffffffffu) % p->objects, 0);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* One PHOLD run; events processed per second, or -1 on ENOMEM. */
static double run_once(long objects, long population, long events, uint64_t seed)
{
    bt_kernel *k = bt_kernel_alloc();
    phold p = {seed * 2 + 1, (uint64_t)objects, (uint64_t)events, BT_TICKS_PER_BLOCK / 64, BT_TICKS_PER_BLOCK};
    if (!k) return -1;
    bt_kernel_on(k, 0, phold_event, &p);
    for (long o = 0; o < objects; o++)
        for (long q = 0; q < population; q++)
            if (bt_kernel_schedule(k, (int64_t)(next_rand(&p.state) % BT_TICKS_PER_BLOCK), 0, 0, (uint64_t)o, 0)) {
                bt_kernel_free(k);
                return -1;
            }
    double t0 = now_s();
    int rc = bt_kernel_run(k, -1);
    double dt = now_s() - t0;
    uint64_t done = bt_kernel_processed(k);
    bt_kernel_free(k);
    return rc ? -1 : (double)done / dt;
}

int bt_cli_bench_kernel(int argc, char **argv)
{
    static const struct option opts[] = {{"objects", required_argument, 0, 'o'}, {"population", required_argument, 0, 'p'},
                                         {"events", required_argument, 0, 'e'}, {"repeats", required_argument, 0, 'r'},
                                         {"seed", required_argument, 0, 's'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    long objects = 1024, population = 1, events = 20000000, repeats = 3, seed = 1;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:p:e:r:s:h", opts, NULL)) != -1) {
        long *dst = c == 'o' ? &objects : c == 'p' ? &population : c == 'e' ? &events : c == 'r' ? &repeats : &seed;
        if (c == 'h') {
            puts("usage: btsim bench-kernel [--objects N] [--population P] [--events E] [--repeats R] [--seed S]");
            return 0;
        }
        if (c == '?' || (*dst = bt_cli_parse_count(optarg, 1L << 40)) < (c == 's' ? 0 : 1)) {
            fprintf(stderr, "btsim bench-kernel: bad option (see --help)\n");
            return 2;
        }
    }
    double best = 0;
    for (long r = 0; r < repeats; r++) {
        double x = run_once(objects, population, events, (uint64_t)seed + (uint64_t)r);
        if (x < 0) {
            fprintf(stderr, "btsim bench-kernel: out of memory\n");
            return 1;
        }
        printf("phold objects=%ld population=%ld events=%ld: %.2f M events/s\n", objects, population, events, x / 1e6);
        if (x > best) best = x;
    }
    printf("events_per_s=%.0f\n", best);
    return 0;
}
