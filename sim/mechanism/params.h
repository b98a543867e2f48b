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

/* Whitepaper: how much stake a step mints, how bonds accrue, what the peg does to short rows. */
typedef enum { BT_EMIT_PROPORTIONAL = 0, BT_EMIT_FIXED } bt_emission_mode;
typedef enum { BT_BONDS_CUMULATIVE = 0, BT_BONDS_EMA } bt_bond_accrual;
typedef enum { BT_SHORT_REJECT = 0, BT_SHORT_PAD } bt_short_rows;

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
    /* whitepaper (docs/scenario.md; spec whitepaper.md sections 1 and 4) */
    double tau;                   /* mint per step: tau x total stake, or tau tokens (fixed) */
    bt_emission_mode emission;
    double self_share;            /* share of its incentive a peer keeps; the rest goes to bonds */
    int count_self_weights;       /* self-weights count in rank and trust */
    int active_stake_only;        /* normalise stake over active peers only */
    double edge_threshold;        /* an edge counts in trust when its normalised weight exceeds it */
    bt_bond_accrual bond_accrual; /* cumulative, or an EMA with bonds_moving_average */
    long weight_cuts;             /* yuma0: weight-consensus cuts, 0..3 */
    /* the consensus peg (whitepaper, yuma0) */
    long min_allowed_weights;     /* rows with fewer non-zero weights are rejected or padded */
    double max_min_ratio;         /* rows whose max/min non-zero weight exceeds it are rejected; 0 off */
    bt_short_rows short_rows;
    int peg_controller;           /* raise min_allowed_weights by controller_step while L >= 0 */
    long controller_step;
    long controller_max;          /* 0: the number of peers - 1 */
    /* the scaling-vector variant (whitepaper, spec section 1.14) */
    int scaling_vector;
    double scaling_lr;            /* gradient step on the scaling vector while L >= 0 */
    long scaling_depth;           /* connectivity: paths up to this many edges; 0 unlimited */
} bt_params;

void bt_params_default(bt_params *p);
/* Defaults that depend on p->kind (whitepaper: kappa 0.5); call after setting the kind. */
void bt_params_kind_defaults(bt_params *p);
long bt_params_activity_cutoff(const bt_params *p);
const char *bt_kind_name(bt_kind k);

/* Fraction -> u16 as the chain's setters store it: floor(x*65535), robust to x = k/65535. */
unsigned bt_fraction_to_u16(double x);

#endif
