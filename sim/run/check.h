/* Invariants of an epoch and the memory a run will need, checked by bt_run: invariants every
 * epoch when asked (--check; always in debug builds, -DBT_DEBUG), the memory estimate before
 * anything is allocated (--max-memory). */
#ifndef BT_CHECK_H
#define BT_CHECK_H

#include <stddef.h>
#include "mechanism/mechanism.h"
#include "scenario/scenario.h"

/* Checks one epoch's results and the state it leaves: incentive and dividends non-negative and
 * summing to 1 or 0; emission non-negative, split into server + validator parts that add up to
 * it, and (chain kinds) adding up to the epoch's emission within the rounding of the arithmetic;
 * carried bonds in [0, 1]; stake finite and non-negative; nothing NaN. 0, or -1 with one line
 * in err naming the epoch and the quantity. scratch holds n*n doubles, or is NULL (bonds then
 * checked row by row from the stored values, without normalising). */
int bt_check_epoch(const bt_params *p, const bt_subnet *net, const bt_epoch_result *r, long epoch,
                   double *scratch, char *err, size_t errlen);

/* Bytes a run of sc needs at its peak (subnet, epoch scratch, output buffers), an estimate
 * meant to be on the high side. */
size_t bt_run_estimate_bytes(const bt_scenario *sc, int writes_output);

/* Physical memory of this machine, bytes (0 if unknown). */
size_t bt_physical_memory(void);

#endif
