/* Sweep files: a base scenario plus axes over scenario keys, random samples and replicates,
 * validated and turned into a plan of runs. Each run is the base scenario with --set
 * overrides and a seed derived from the sweep seed and the run's index, so any run can be
 * replayed alone with `btsim run`. The format is docs/sweeps.md. */
#ifndef BT_SWEEP_H
#define BT_SWEEP_H

#include <stddef.h>
#include <stdint.h>
#include "scenario/scenario.h"

typedef struct {
    char *key;          /* scenario key path, or "group_share.GROUP" */
    size_t n;
    char **json;        /* each value as JSON text */
    double *num;        /* each value as a number (NaN when not a number) */
} bt_sweep_axis;

typedef struct {
    char *name;
    char *path;                 /* the sweep file */
    char *base_path;            /* base scenario's file, or the sweep file when inline */
    char *base_text;            /* base scenario JSON */
    size_t base_len;
    char *json;                 /* the sweep's text as given */
    uint64_t seed;
    long replicates;
    size_t nfixed;
    char **fixed;               /* "key=value" applied to every run */
    size_t naxes;
    bt_sweep_axis *axes;        /* grid axes; the last varies fastest */
    size_t nsample_axes;
    char **sample_keys;
    size_t sample_count;        /* 0: no sampling */
    double *samples;            /* [sample_count x nsample_axes] */
    size_t nruns;
} bt_sweep;

/* Loads and validates SWEEP (the base scenario too, and every axis key against it).
 * 0, or BT_EXIT_BAD_INPUT with one line "FILE: JSON.PATH: message" in err. */
int bt_sweep_load(const char *path, bt_sweep *out, char *err, size_t errlen);
void bt_sweep_free(bt_sweep *sw);

/* Parameters of a sweep: grid axes then sampled axes. */
size_t bt_sweep_nparams(const bt_sweep *sw);
const char *bt_sweep_param_key(const bt_sweep *sw, size_t k);

/* Run r's plan: its overrides (malloc'd strings in a malloc'd array; free with
 * bt_sweep_plan_free), seed, replicate number and parameter values (nparams doubles, NaN for a
 * non-numeric value). base is the base scenario (for group_share axes). 0 or -1 (ENOMEM). */
typedef struct {
    char **sets;
    size_t nsets;
    uint64_t seed;
    long replicate;
    double *params;
} bt_sweep_plan;

int bt_sweep_plan_run(const bt_sweep *sw, const bt_scenario *base, size_t r, bt_sweep_plan *plan);
void bt_sweep_plan_free(bt_sweep_plan *plan);

/* The seed of run r: a splitmix64 step from the sweep seed and r. */
uint64_t bt_sweep_run_seed(uint64_t sweep_seed, size_t r);

#endif
