/* Subnet state that an epoch reads and writes: the simulator's copy of the chain's storage
 * (stake, registration and update blocks, validator permits, weight and bond rows).
 * Rows keep the order in which entries were stored, as the chain does. */
#ifndef BT_SUBNET_H
#define BT_SUBNET_H

#include <stddef.h>
#include <stdint.h>
#include "mechanism/params.h"

typedef struct {
    uint32_t len, cap;
    uint32_t *col;
    double *val;
} bt_row;

typedef struct {
    size_t n;
    double *stake;                   /* tokens */
    int64_t *block_at_registration;
    int64_t *last_update;            /* block of the last weight set (registration sets it) */
    uint8_t *permit;                 /* validator permits written by the last epoch */
    bt_row *weights;                 /* fixed: u16 max-upscaled values; float: raw values */
    bt_row *bonds;                   /* fixed: stored u16 values; float: the carried values */
    int64_t current_block;
    int64_t last_step_block;         /* block of the last epoch, 0 before the first */
    struct bt_arena *arena;          /* the epoch's scratch memory, kept between epochs */
    void *mech_state;                /* what a mechanism keeps between epochs (whitepaper, yuma0) */
    void (*mech_state_free)(void *); /* frees mech_state; bt_subnet_free calls it */
} bt_subnet;

bt_subnet *bt_subnet_alloc(size_t n);
void bt_subnet_free(bt_subnet *net);

/* Permits as after the chain tests' warm-up epoch: top-k non-zero by normalised stake. */
void bt_subnet_init_permits(bt_subnet *net, const bt_params *p);

/* Peer i sets its weight row (k entries, order kept, zeros kept) at the current block.
 * Fixed arithmetic stores the row max-upscaled to u16 as set_weights does. 0, or -1 on ENOMEM. */
int bt_subnet_set_weights(bt_subnet *net, size_t i, const size_t *to, const double *w, size_t k,
                          bt_arith arith);

/* do_reset_bonds: drops column j from every bond row. */
void bt_subnet_reset_bonds(bt_subnet *net, size_t j);

/* is_topk_nonzero: out[i] = s[i] != 0, then, when n >= k, the n-k smallest (ties: lower index
 * first, a stable ascending sort) lose it. 0, or -1 on ENOMEM. */
int bt_topk_nonzero(const double *s, size_t n, size_t k, uint8_t *out);

/* Replaces row r's contents (used by the epoch to store bonds). 0 or -1 on ENOMEM. */
int bt_row_assign(bt_row *r, const uint32_t *col, const double *val, uint32_t len);

#endif
