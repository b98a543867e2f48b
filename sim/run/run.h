/* A run: a scenario wired into the kernel with a mechanism, epoch by epoch, its results handed
 * to the HDF5 writer. This is the only module that knows all three. */
#ifndef BT_RUN_H
#define BT_RUN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "scenario/scenario.h"
#include "mechanism/mechanism.h"

typedef struct {
    const char *out_path;      /* HDF5 output; NULL writes nothing */
    uint64_t seed;             /* stored in the output; seeds the run's random streams */
    int quiet;                 /* no progress on stderr */
    volatile int *interrupt;   /* when non-NULL and set, the run stops (no output is committed) */
    int check;                 /* check the invariants every epoch (always in -DBT_DEBUG builds) */
    size_t max_memory;         /* refuse, before starting, a run estimated to need more; 0: none */
    /* Called after each epoch (tests, sweeps' metrics); non-zero stops the run with that code. */
    int (*observe)(void *ctx, long epoch, const bt_subnet *net, const bt_epoch_result *r);
    void *observe_ctx;
} bt_run_options;

typedef struct {
    size_t n;
    long epochs_done;
    double *initial_stake, *final_stake;        /* tokens */
    double *emission, *server_emission, *validator_emission;   /* cumulative, rao */
    double *mean_stake;        /* tokens held over the run, time-averaged over blocks */
    /* models/ (runs with "task"): Spearman, Kendall of true quality against incentive at the
     * last epoch, then their means over the last half of the epochs; has_alignment 0 without */
    int has_alignment;
    double alignment[4];
} bt_run_summary;

/* Runs the scenario. Returns 0; 2 for a scenario the mechanism cannot run (message in err);
 * 1 for a failure (ENOMEM, I/O: message in err); 130 when interrupted. The output file exists
 * only if 0 is returned. */
int bt_run(const bt_scenario *sc, const bt_run_options *opt, bt_run_summary *sum, char *err, size_t errlen);
void bt_run_summary_free(bt_run_summary *sum);

/* Per-group table of a summary: stake share, emission share, their ratio, the emission in
 * tokens, per unit of stake held and against the reference group (run/pricing.h). */
void bt_run_print_groups(const bt_scenario *sc, const bt_run_summary *sum, FILE *f);

#endif
