/* The mechanism interface: one epoch of a kind, on a bt_subnet, producing a bt_epoch_result.
 * A mechanism never reads files or prints; it returns an error code. */
#ifndef BT_MECHANISM_H
#define BT_MECHANISM_H

#include <stddef.h>
#include <stdint.h>
#include "mechanism/params.h"
#include "mechanism/subnet.h"

enum { BT_OK = 0, BT_ENOMEM = -1, BT_EINVAL = -2 };

enum { BT_PHASE_SETUP, BT_PHASE_WEIGHTS, BT_PHASE_CONSENSUS, BT_PHASE_CLIP, BT_PHASE_BONDS,
       BT_PHASE_EMISSION, BT_PHASE_STORE, BT_PHASES };

typedef struct {
    size_t n;
    /* every arithmetic, as doubles */
    double *stake_weight;       /* normalised stake S */
    double *active_stake;       /* A */
    double *consensus;          /* c */
    double *incentive;          /* I */
    double *dividends;          /* D */
    double *validator_trust;    /* row sums of clipped weights */
    double *rank;               /* kinds with a separate rank (yuma0, whitepaper); else = incentive */
    double *trust;              /* kinds with trust (yuma0, whitepaper); else 0 */
    double *server_emission;    /* rao */
    double *validator_emission; /* rao */
    double *emission;           /* combined, rao */
    uint8_t *active;
    uint8_t *permit;            /* permits after the epoch */
    /* fixed arithmetic: the chain's stored values */
    uint16_t *u16_stake_weight, *u16_consensus, *u16_incentive, *u16_dividends, *u16_validator_trust;
    uint64_t *rao_server, *rao_validator, *rao_emission;
    /* sigmoid forms (yuma0, whitepaper): the chain loss L = -sum_j rank_j (consensus_j - 0.5),
     * the min_allowed_weights in force during the epoch, and the scaling vector of the
     * whitepaper's scaling-vector variant (all 1 otherwise) */
    double chain_loss;
    long min_allowed_weights;
    double *scaling;
    /* wall time of the epoch's phases, ms (bench --phases): see bt_phase_names */
    double phase_ms[BT_PHASES];
} bt_epoch_result;

extern const char *const bt_phase_names[BT_PHASES];

bt_epoch_result *bt_epoch_result_alloc(size_t n);
void bt_epoch_result_free(bt_epoch_result *r);

/* Runs one epoch at net->current_block: updates net's permits and bonds as the chain's storage,
 * sets net->last_step_block, fills r. BT_OK, BT_ENOMEM or BT_EINVAL. */
typedef int (*bt_epoch_fn)(const bt_params *p, bt_subnet *net, bt_epoch_result *r);

typedef struct {
    const char *name;
    bt_kind kind;
    bt_epoch_fn epoch;
} bt_mechanism;

/* The table of mechanisms; NULL when the kind is not implemented. */
const bt_mechanism *bt_mechanism_for(bt_kind kind);

/* Chain Yuma (kinds yuma and yuma3), either arithmetic. */
int bt_yuma_epoch(const bt_params *p, bt_subnet *net, bt_epoch_result *r);

/* The whitepaper's mechanism and the chain's first on-chain form (float only): whitepaper.h. */
int bt_whitepaper_epoch(const bt_params *p, bt_subnet *net, bt_epoch_result *r);
int bt_yuma0_epoch(const bt_params *p, bt_subnet *net, bt_epoch_result *r);

/* Bonds as the mechanism carries them into the next epoch, dense n x n row-major (row = holder):
 * Yuma 3 per-pair values in [0,1]; original Yuma and yuma0 column-normalised; whitepaper the
 * ownership b_ij / sum_k b_kj. */
void bt_bonds_carried(const bt_params *p, const bt_subnet *net, double *out);

/* The same as coordinates, row by row in stored order: bt_bonds_nnz entries. 0 or -1 (ENOMEM). */
size_t bt_bonds_nnz(const bt_subnet *net);
int bt_bonds_carried_coo(const bt_params *p, const bt_subnet *net, uint64_t *row, uint64_t *col, double *val);

#endif
