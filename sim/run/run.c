/* bt_run: builds the subnet from a scenario, schedules its weight sets, events and epochs on
 * the kernel, runs the mechanism at each epoch and records the results.
 *
 * Time model: peers register at block 0; epoch e runs at block (e+1)*tempo. Weights and events
 * of epoch e happen in that block before the epoch (so LastUpdate is that block). */
#include "run/run.h"
#include "kernel/kernel.h"
#include "mechanism/mechanism.h"
#include "run/record.h"
#include "run/check.h"
#include "models_run.h"
#include "agents/world.h"
#include "run/pricing.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { EV_WEIGHTS = 0, EV_EVENT = 1, EV_EPOCH = 2 };
enum { PRIO_WEIGHTS = BT_PRIO_WEIGHTS, PRIO_EVENT = BT_PRIO_EVENT, PRIO_EPOCH = BT_PRIO_EPOCH };

typedef struct {
    const bt_scenario *sc;
    const bt_run_options *opt;
    const bt_mechanism *mech;
    bt_params params;           /* sc->mech, as set_param events change it */
    bt_world *world;            /* agents, chain life cycle, network (sim/agents) */
    bt_subnet *net;
    bt_epoch_result *res;
    bt_recorder *out;           /* NULL when the run writes nothing */
    long *next_entry_epoch;     /* per weights spec: epoch of the same peer's next entry */
    bt_run_summary *sum;
    char *err;
    size_t errlen;
    double started;
    int check;
    double *check_scratch;      /* n x n for the bonds check, when n is small enough */
    double last_progress;
    bt_models_run *models;      /* synthetic tensor models (models/); NULL without "task" */
} run_ctx;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int64_t epoch_block(const run_ctx *c, long e) { return bt_world_epoch_block(c->world, e); }
static int64_t epoch_time(const run_ctx *c, long e) { return epoch_block(c, e) * BT_TICKS_PER_BLOCK; }

static int on_weights(bt_kernel *k, const bt_event *ev, void *vctx)
{
    run_ctx *c = vctx;
    const bt_weights_spec *w = &c->sc->weights[ev->a];
    long epoch = (long)ev->b;
    c->net->current_block = epoch_block(c, epoch);
    if (bt_world_store_weights(c->world, w->from, w->to, w->w, w->nto)) {
        snprintf(c->err, c->errlen, "out of memory setting weights");
        return 1;
    }
    long next = epoch + w->every;
    if (w->every > 0 && next < c->sc->epochs && next < c->next_entry_epoch[ev->a])
        if (bt_kernel_schedule(k, epoch_time(c, next), PRIO_WEIGHTS, EV_WEIGHTS, ev->a, (uint64_t)next))
            return 1;
    return 0;
}

/* reset_bonds here; the network's events (register, stake, set_param) in the world. */
static int on_event(bt_kernel *k, const bt_event *ev, void *vctx)
{
    (void)k;
    run_ctx *c = vctx;
    const bt_event_spec *e = &c->sc->events[ev->a];
    if (e->type == BT_EVENT_RESET_BONDS) {
        bt_subnet_reset_bonds(c->net, e->peer);
        return 0;
    }
    if (bt_world_apply_event(c->world, c->sc, e)) {
        snprintf(c->err, c->errlen, "out of memory applying events[%lu]", (unsigned long)ev->a);
        return 1;
    }
    return 0;
}

/* Long runs report on stderr every few seconds; short ones stay silent. */
static void progress(run_ctx *c, long e)
{
    if (c->opt->quiet) return;
    double t = now_seconds() - c->started;
    if (t - c->last_progress < 2.0) return;
    c->last_progress = t;
    long done = e + 1, total = c->sc->epochs;
    double rate = done / t;
    fprintf(stderr, "btsim: epoch %ld/%ld, %.1f epochs/s, ETA %.0f s\n", done, total, rate,
            (double)(total - done) / rate);
}

static int on_epoch(bt_kernel *k, const bt_event *ev, void *vctx)
{
    run_ctx *c = vctx;
    long e = (long)ev->a;
    if (c->opt->interrupt && *c->opt->interrupt) { bt_kernel_stop(k); return 130; }
    c->net->current_block = epoch_block(c, e);
    if (bt_world_before_epoch(c->world, e)) {
        snprintf(c->err, c->errlen, "epoch %ld: out of memory", e);
        return 1;
    }
    int rc = c->mech->epoch(&c->params, c->net, c->res);
    if (rc == BT_OK && bt_world_after_epoch(c->world, e, c->res)) rc = BT_ENOMEM;
    if (rc != BT_OK) {
        snprintf(c->err, c->errlen, "epoch %ld: %s", e, rc == BT_ENOMEM ? "out of memory" : "invalid input");
        return 1;
    }
    if (c->check && bt_check_epoch(&c->params, c->net, c->res, e, c->check_scratch, c->err, c->errlen))
        return 1;
    if (c->out && bt_recorder_epoch(c->out, e, c->net, c->res)) {
        snprintf(c->err, c->errlen, "%s", bt_recorder_error(c->out));
        return 1;
    }
    if (c->models && bt_models_run_after_epoch(c->models, e, c->res, c->err, c->errlen)) return 1;
    bt_run_summary *s = c->sum;
    for (size_t i = 0; i < c->net->n; i++) {
        s->emission[i] += c->res->emission[i];
        s->server_emission[i] += c->res->server_emission[i];
        s->validator_emission[i] += c->res->validator_emission[i];
        /* the whitepaper mints into the stake itself (S += tau dS) */
        if (c->sc->mech.stake_from_emission && c->sc->mech.kind != BT_KIND_WHITEPAPER)
            c->net->stake[i] += c->res->emission[i] / 1e9;
    }
    s->epochs_done = e + 1;
    if (c->opt->observe) {
        int orc = c->opt->observe(c->opt->observe_ctx, e, c->net, c->res);
        if (orc) { snprintf(c->err, c->errlen, "stopped by the observer at epoch %ld", e); return orc; }
    }
    progress(c, e);
    return 0;
}

static int schedule_scenario(bt_kernel *k, run_ctx *c)
{
    const bt_scenario *sc = c->sc;
    for (size_t q = 0; q < sc->nweights; q++) {
        c->next_entry_epoch[q] = sc->epochs;
        for (size_t r = q + 1; r < sc->nweights; r++)
            if (sc->weights[r].from == sc->weights[q].from && sc->weights[r].epoch > sc->weights[q].epoch) {
                c->next_entry_epoch[q] = sc->weights[r].epoch;
                break;
            }
        if (bt_kernel_schedule(k, epoch_time(c, sc->weights[q].epoch), PRIO_WEIGHTS, EV_WEIGHTS, q,
                               (uint64_t)sc->weights[q].epoch)) return -1;
    }
    for (size_t q = 0; q < sc->nevents; q++) {
        const bt_event_spec *e = &sc->events[q];
        int64_t t = e->block >= 0 ? e->block * BT_TICKS_PER_BLOCK : epoch_time(c, e->epoch);
        if (bt_kernel_schedule(k, t, e->block >= 0 ? BT_PRIO_BLOCK_EVENT : PRIO_EVENT, EV_EVENT, q, 0)) return -1;
    }
    for (long e = 0; e < sc->epochs; e++)
        if (bt_kernel_schedule(k, epoch_time(c, e), PRIO_EPOCH, EV_EPOCH, (uint64_t)e, 0)) return -1;
    bt_kernel_on(k, EV_WEIGHTS, on_weights, c);
    bt_kernel_on(k, EV_EVENT, on_event, c);
    bt_kernel_on(k, EV_EPOCH, on_epoch, c);
    return 0;
}

static int summary_alloc(bt_run_summary *s, size_t n)
{
    memset(s, 0, sizeof *s);
    s->n = n;
    size_t m = n ? n : 1;
    s->initial_stake = calloc(m, 8); s->final_stake = calloc(m, 8);
    s->emission = calloc(m, 8); s->server_emission = calloc(m, 8); s->validator_emission = calloc(m, 8);
    s->mean_stake = calloc(m, 8);
    return s->initial_stake && s->final_stake && s->emission && s->server_emission && s->validator_emission &&
                   s->mean_stake
               ? 0 : -1;
}

void bt_run_summary_free(bt_run_summary *s)
{
    free(s->initial_stake); free(s->final_stake);
    free(s->emission); free(s->server_emission); free(s->validator_emission);
    free(s->mean_stake);
    memset(s, 0, sizeof *s);
}

int bt_run(const bt_scenario *sc, const bt_run_options *opt, bt_run_summary *sum, char *err, size_t errlen)
{
    run_ctx c = {.sc = sc, .opt = opt, .sum = sum, .err = err, .errlen = errlen, .params = sc->mech};
    size_t n = sc->npeers;
    int rc = 1;
    bt_kernel *k = NULL;
    err[0] = 0;
    memset(sum, 0, sizeof *sum);   /* so that bt_run_summary_free is safe on every return */
    c.mech = bt_mechanism_for(sc->mech.kind);
    if (!c.mech) {
        snprintf(err, errlen, "%s: mechanism.kind: \"%s\" is not implemented yet", sc->path, bt_kind_name(sc->mech.kind));
        return 2;
    }
    if (sc->mech.kind == BT_KIND_YUMA0 && sc->mech.arithmetic == BT_ARITH_FIXED) {
        snprintf(err, errlen, "%s: mechanism.arithmetic: kind \"yuma0\" runs in float arithmetic only, got \"fixed\"", sc->path);
        return 2;
    }
    size_t need = bt_run_estimate_bytes(sc, opt->out_path != NULL);
    if (opt->max_memory && need > opt->max_memory) {
        snprintf(err, errlen, "%s: the run needs about %.2f GiB (%zu peers, %zu weight sets%s), more than the "
                 "memory limit of %.2f GiB (--max-memory)", sc->path, (double)need / 1073741824.0, n, sc->nweights,
                 (sc->output.bonds == 1 || sc->output.weights == 1) && opt->out_path ? ", dense bonds/weights output" : "",
                 (double)opt->max_memory / 1073741824.0);
        return 2;
    }
    if (summary_alloc(sum, n)) { snprintf(err, errlen, "out of memory"); return 1; }
#ifdef BT_DEBUG
    c.check = 1;
#else
    c.check = opt->check;
#endif
    if (c.check && n <= 4096) c.check_scratch = malloc(n * n * sizeof(double) + 1);
    c.net = bt_subnet_alloc(n);
    c.res = bt_epoch_result_alloc(n);
    c.next_entry_epoch = calloc(sc->nweights ? sc->nweights : 1, sizeof(long));
    k = bt_kernel_alloc();
    if (!c.net || !c.res || !c.next_entry_epoch || !k) {
        snprintf(err, errlen, "out of memory for %zu peers", n);
        goto out;
    }
    for (size_t i = 0; i < n; i++) sum->initial_stake[i] = c.net->stake[i] = sc->peers[i].stake;
    if (!(c.world = bt_world_alloc(sc, c.net, &c.params, k, opt->seed, err, errlen))) goto out;
    bt_subnet_init_permits(c.net, &c.params);
    if (opt->out_path && bt_recorder_open(&c.out, sc, opt->out_path, opt->seed, err, errlen)) goto out;
    /* the models' series are per epoch: recorded only when every epoch is (output.every 1) */
    if (bt_models_run_open(&c.models, sc, opt->seed,
                           c.out && sc->output.every <= 1 ? bt_recorder_h5(c.out) : NULL, err, errlen))
        goto out;
    bt_world_attach_models(c.world, c.models);   /* the evaluator agents act on them */
    if (schedule_scenario(k, &c) || bt_world_start(c.world)) {
        snprintf(err, errlen, "out of memory scheduling events");
        goto out;
    }
    c.started = now_seconds();
    rc = bt_kernel_run(k, -1);
    if (rc == 130) snprintf(err, errlen, "interrupted at epoch %ld", sum->epochs_done);
    if (rc) goto out;
    bt_world_finish(c.world);
    for (size_t i = 0; i < n; i++) {
        sum->final_stake[i] = bt_world_stake(c.world, i);
        sum->mean_stake[i] = bt_world_mean_stake(c.world)[i];
    }
    if (c.out) {
        if (bt_pricing_write_run(sc, sum, c.world, bt_recorder_h5(c.out))) {
            snprintf(err, errlen, "%s", bt_recorder_error(c.out));
            rc = 1;
            goto out;
        }
        rc = bt_recorder_commit(c.out, sum, err, errlen) ? 1 : 0;
        c.out = NULL;
    }
out:
    if (c.models) { sum->has_alignment = 1; bt_models_run_alignment(c.models, sum->alignment); }   /* models/ */
    bt_recorder_abort(c.out);
    bt_models_run_free(c.models);
    bt_world_free(c.world);
    bt_kernel_free(k);
    bt_subnet_free(c.net);
    bt_epoch_result_free(c.res);
    free(c.next_entry_epoch);
    free(c.check_scratch);
    return rc;
}

/* Groups in order of first appearance; peers without a group count as "(none)". */
void bt_run_print_groups(const bt_scenario *sc, const bt_run_summary *sum, FILE *f)
{
    bt_pricing p;
    if (bt_pricing_compute(sc, sum, &p)) return;
    bt_pricing_print(&p, sc->honest_group, f);
    bt_pricing_free(&p);
    if (sum->has_alignment)   /* models/: docs/models.md */
        fprintf(f, "price-quality alignment (true quality vs incentive): Spearman %.3f, Kendall %.3f at the last epoch; "
                   "mean over the last half %.3f, %.3f\n",
                sum->alignment[0], sum->alignment[1], sum->alignment[2], sum->alignment[3]);
}
