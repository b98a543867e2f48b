/* The models' side of a run. sim/run/run.c opens it (the miners train for epoch 0), attaches
 * it to the world and, after each epoch's mechanism, hands the epoch's incentive back: the
 * true quality and the alignment are measured and written under /models in the output
 * (docs/hdf5-schema.md), and the miners train for the next epoch. The evaluators are agents
 * (models_agent.h): between epochs each sends its queries through the world's network and
 * sets its row through the chain's rules, with the two functions at the end. */
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

/* Epoch e, after the mechanism, given its result. 0, or -1 with a message in err. */
int bt_models_run_after_epoch(bt_models_run *mr, long e, const bt_epoch_result *r, char *err, size_t errlen);

/* Alignment of incentive with true quality for the run summary: out[0], out[1] Spearman and
 * Kendall of the last epoch measured; out[2], out[3] their means over the last half of the
 * epochs measured (epochs where a correlation is undefined are skipped). NaN when none. */
void bt_models_run_alignment(const bt_models_run *mr, double out[4]);

/* The models of the run (the agents find their evaluator; tests read the metrics). */
bt_models *bt_models_run_models(const bt_models_run *mr);

/* Evaluator self's queries, now: an answer arrives when bt_world_answers says so (and the
 * miner's model is not in one of its own outages). 0, or -1 (ENOMEM). */
struct bt_world;
int bt_models_run_round(bt_models_run *mr, struct bt_world *w, size_t self);

/* Evaluator self sets its row with bt_world_set_weights (an empty row is not sent; the chain's
 * refusals are not errors). 0, or -1 (ENOMEM). */
int bt_models_run_set_row(bt_models_run *mr, struct bt_world *w, size_t self);

#endif
