/* Mechanism parameters: what a scenario's "mechanism" object turns into.
 * Plain data, no JSON; every field has the chain runtime default (bt_params_default). */
#ifndef BT_PARAMS_H
#define BT_PARAMS_H

#include <stddef.h>

typedef enum {
    BT_KIND_YUMA = 0,   /* chain, original path: EMA bonds on stake-weighted weights */
    BT_KIND_YUMA3,      /* chain, Yuma 3: relative per-pair bonds, optional liquid alpha */
    BT_KIND_YUMA0,      /* the chain's first on-chain form (sigmoid consensus) */
    BT_KIND_WHITEPAPER  /* the whitepaper's model */
} bt_kind;

typedef enum { BT_ARITH_FLOAT = 0, BT_ARITH_FIXED } bt_arith;

typedef struct {
    bt_kind kind;
    bt_arith arithmetic;
    /* chain Yuma */
    double kappa;                 /* fraction; fixed mode: floor(x*65535)/65535 */
    double bonds_penalty;         /* fraction; fixed mode: floor(x*65535)/65535 */
    double bonds_moving_average;  /* fraction; fixed mode: x*1e6 (integer) */
    long max_allowed_validators;
    int liquid_alpha;             /* Yuma 3 only, as on chain */
    double alpha_low, alpha_high; /* fractions; fixed mode: floor(x*65535) */
    double steepness;             /* sigmoid factor; the chain stores x*100 (10 -> 1000) */
    long tempo;                   /* blocks per epoch */
    long activity_cutoff;         /* blocks; <0 means the chain rule max(1, 13889*tempo/1000) */
    double stake_threshold;       /* stake below it counts as 0 (owner exempt) */
    double rao_emission;          /* emission per epoch, in rao (1e9 rao = 1 token) */
    long owner;                   /* peer index of the subnet owner, or -1 */
    int stake_from_emission;      /* add each epoch's emission (in tokens) to stake */
    /* sigmoid forms (yuma0, whitepaper) */
    double rho;
} bt_params;

void bt_params_default(bt_params *p);
long bt_params_activity_cutoff(const bt_params *p);
const char *bt_kind_name(bt_kind k);

/* Fraction -> u16 as the chain's setters store it: floor(x*65535), robust to x = k/65535. */
unsigned bt_fraction_to_u16(double x);

#endif
