/* The models' side of a run (sim/run/run.c calls these four functions; nothing else there knows
 * about models). Before each epoch's mechanism the miners train and the evaluators query them,
 * and every evaluator due sets its weight row with bt_subnet_set_weights, at the epoch's block,
 * as a scripted row would be set; after the epoch, the epoch's incentive is handed back, the
 * true quality and the alignment are measured and written under /models in the output
 * (docs/hdf5-schema.md). A stop-gap hook until evaluators are agents of the agent interface:
 * docs/models.md, "Integration". */
#ifndef BT_MODELS_RUN_H
#define BT_MODELS_RUN_H

#include <stddef.h>
#include <stdint.h>
#include "io/h5out.h"
#include "mechanism/mechanism.h"
#include "scenario/scenario.h"
#include "models.h"

typedef struct bt_models_run bt_models_run;

/* *out = NULL and 0 when sc has no models. Otherwise builds them (seeded by seed) and, when h5
 * is not NULL, declares their series in it. 0, or -1 with a message in err. */
int bt_models_run_open(bt_models_run **out, const bt_scenario *sc, uint64_t seed, bt_h5out *h5,
                       char *err, size_t errlen);
void bt_models_run_free(bt_models_run *mr);

/* Epoch e, before the mechanism, at net->current_block. 0, or -1 with a message in err. */
int bt_models_run_before_epoch(bt_models_run *mr, long e, bt_subnet *net, char *err, size_t errlen);

/* Epoch e, after the mechanism, given its result. 0, or -1 with a message in err. */
int bt_models_run_after_epoch(bt_models_run *mr, long e, const bt_epoch_result *r, char *err, size_t errlen);

/* Alignment of incentive with true quality for the run summary: out[0], out[1] Spearman and
 * Kendall of the last epoch measured; out[2], out[3] their means over the last half of the
 * epochs measured (epochs where a correlation is undefined are skipped). NaN when none. */
void bt_models_run_alignment(const bt_models_run *mr, double out[4]);

/* The models of the run (tests read their metrics). */
const bt_models *bt_models_run_models(const bt_models_run *mr);

#endif
