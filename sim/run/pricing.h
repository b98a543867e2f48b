/* Pricing of a run: per peer and per group (the scenario's labels), the cumulative emission,
 * the emission per unit of stake held over the run (time-averaged over blocks), and its
 * ratio to the reference group's ("honest" unless pricing.reference_group says otherwise).
 * Written to HDF5 (/groups, /peers) with the world's event log (/events), and printed as
 * the table `btsim run` ends with. */
#ifndef BT_PRICING_H
#define BT_PRICING_H

#include <stddef.h>
#include <stdio.h>
#include "io/h5out.h"
#include "run/run.h"

typedef struct {
    size_t ngroups;
    const char **name;         /* borrowed from the scenario; "(none)" for "" */
    size_t *count;
    double *initial_stake;     /* tokens */
    double *mean_stake;        /* tokens, time-averaged */
    double *emission;          /* rao, cumulative */
    double *emission_share;
    double *per_stake;         /* tokens earned per token held; NaN without stake */
    double *ratio;             /* per_stake / the reference group's; NaN without one */
    long ref;                  /* index of the reference group, -1 if absent */
    size_t npeers;
    size_t *group_of;          /* per peer */
    double *peer_per_stake, *peer_ratio;
} bt_pricing;

/* From a finished run's summary. 0, or -1 (ENOMEM). */
int bt_pricing_compute(const bt_scenario *sc, const bt_run_summary *sum, bt_pricing *p);
void bt_pricing_free(bt_pricing *p);
int bt_pricing_write(const bt_pricing *p, const char *ref_name, bt_h5out *out);
void bt_pricing_print(const bt_pricing *p, const char *ref_name, FILE *f);

/* Everything a finished run adds to its HDF5 file: /peers/mean_stake, the pricing and the
 * world's event log (docs/hdf5-schema.md). 0 or -1. */
struct bt_world;
int bt_pricing_write_run(const bt_scenario *sc, const bt_run_summary *sum, const struct bt_world *w, bt_h5out *out);

#endif
