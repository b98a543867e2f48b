/* Executing a sweep: every run of the plan on all cores (OpenMP, and MPI ranks when built with
 * MPI=1), one HDF5 file per run under DIR/runs/, then DIR/summary.h5 with one row per run.
 * Resumable: complete run files are kept and skipped; partial ones are redone. */
#ifndef BT_SWEEP_RUN_H
#define BT_SWEEP_RUN_H

#include <stddef.h>
#include "scenario/sweep.h"

typedef struct {
    const char *out_dir;
    int jobs;                   /* runs at once in this process; 0: all cores */
    int resume;
    int quiet;
    volatile int *interrupt;
} bt_sweep_options;

/* 0: all runs complete and the summary written; 1: some runs failed (summary written, their
 * rows marked); 2: bad input (e.g. DIR holds another sweep and --resume was not given);
 * 130: interrupted (completed runs kept). err holds one line when non-zero. */
int bt_sweep_execute(const bt_sweep *sw, const bt_sweep_options *opt, char *err, size_t errlen);

/* The path of run r's file under dir (caller frees). */
char *bt_sweep_run_path(const char *dir, size_t r);

/* Writes DIR/summary.h5 from the run files (rank 0 only under MPI). 0, or -1 with err. */
int bt_sweep_write_summary(const bt_sweep *sw, const char *dir, char *err, size_t errlen);

#endif
