/* The whitepaper's mechanism (kind "whitepaper") and the chain's first on-chain form (kind
 * "yuma0"): ranking, trust, sigmoid consensus, bonds, the consensus peg and the chain loss.
 * Spec: shared/spec/whitepaper.md sections 1 and 4, chain-yuma.md section 7. Float only. */
#ifndef BT_WHITEPAPER_H
#define BT_WHITEPAPER_H

#include <stddef.h>
#include "mechanism/mechanism.h"

/* c = sigmoid(rho (t - kappa)) = 1 / (1 + exp(-rho (t - kappa))), Figure 4 of the paper. */
double bt_wp_sigmoid(double t, double rho, double kappa);

/* The chain loss L = -sum_j rank_j (consensus_j - 0.5); L < 0 means consensus is reached. */
double bt_wp_chain_loss(const double *rank, const double *consensus, size_t n);

/* One whitepaper step: reads net->stake (tokens) and the weight rows, writes rank, trust,
 * consensus, incentive, dividends and the chain loss into r, accrues bonds in net->bonds and
 * mints stake into net->stake (S += tau dS). BT_OK, BT_ENOMEM or BT_EINVAL. */
int bt_whitepaper_epoch(const bt_params *p, bt_subnet *net, bt_epoch_result *r);

/* One yuma0 epoch (chain-yuma.md section 7): threshold trust over active stake, sigmoid
 * consensus, EMA bonds, emission normalize(I + D). BT_OK, BT_ENOMEM or BT_EINVAL. */
int bt_yuma0_epoch(const bt_params *p, bt_subnet *net, bt_epoch_result *r);

#endif
