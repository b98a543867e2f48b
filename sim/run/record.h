/* What a run writes to HDF5 (docs/hdf5-schema.md): the per-epoch series, dense or sparse bond
 * and weight matrices, every k-th epoch when asked, and the run summary at the end. */
#ifndef BT_RECORD_H
#define BT_RECORD_H

#include <stdint.h>
#include "mechanism/mechanism.h"
#include "scenario/scenario.h"

typedef struct bt_recorder bt_recorder;
struct bt_h5out;

/* Opens PATH (under a temporary name) and declares the series. 0, or -1 with err. */
int bt_recorder_open(bt_recorder **out, const bt_scenario *sc, const char *path, uint64_t seed,
                     char *err, size_t errlen);
/* Records epoch e's results (skipped unless e is a multiple of output.every). 0 or -1. */
int bt_recorder_epoch(bt_recorder *r, long epoch, const bt_subnet *net, const bt_epoch_result *res);
/* The underlying writer, for modules that add datasets of their own. */
struct bt_h5out *bt_recorder_h5(bt_recorder *r);
const char *bt_recorder_error(const bt_recorder *r);
/* Writes the summary (cumulative emission, initial and final stake), commits (renames the file
 * into place) and frees r. 0, or -1 with err (the temporary file is then removed). */
int bt_recorder_commit(bt_recorder *r, const void *run_summary, char *err, size_t errlen);
/* Removes the temporary file and frees r. Safe on NULL. */
void bt_recorder_abort(bt_recorder *r);

#endif
