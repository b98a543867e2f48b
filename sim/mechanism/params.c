/* Defaults and conversions for bt_params (chain runtime defaults, spec chain-yuma.md section 5). */
#include "mechanism/params.h"
#include <math.h>

void bt_params_default(bt_params *p)
{
    p->kind = BT_KIND_YUMA;
    p->arithmetic = BT_ARITH_FLOAT;
    p->kappa = 32767.0 / 65535.0;
    p->bonds_penalty = 1.0;
    p->bonds_moving_average = 0.9;
    p->max_allowed_validators = 128;
    p->liquid_alpha = 0;
    p->alpha_low = 45875.0 / 65535.0;
    p->alpha_high = 58982.0 / 65535.0;
    p->steepness = 10.0;
    p->tempo = 360;
    p->activity_cutoff = -1;
    p->stake_threshold = 0.0;
    p->rao_emission = 1e9;
    p->owner = -1;
    p->stake_from_emission = 0;
    p->rho = 10.0;
    p->tau = 0.1;
    p->emission = BT_EMIT_PROPORTIONAL;
    p->self_share = 0.5;
    p->count_self_weights = 1;
    p->active_stake_only = 0;
    p->edge_threshold = 0.0;
    p->bond_accrual = BT_BONDS_CUMULATIVE;
    p->weight_cuts = 0;
    p->min_allowed_weights = 0;
    p->max_min_ratio = 0.0;
    p->short_rows = BT_SHORT_REJECT;
    p->peg_controller = 0;
    p->controller_step = 1;
    p->controller_max = 0;
    p->scaling_vector = 0;
    p->scaling_lr = 0.05;
    p->scaling_depth = 0;
}

void bt_params_kind_defaults(bt_params *p)
{
    if (p->kind == BT_KIND_WHITEPAPER)
        p->kappa = 0.5;   /* the paper's kappa (spec whitepaper.md 1.5, Figure 4) */
}

long bt_params_activity_cutoff(const bt_params *p)
{
    if (p->activity_cutoff >= 0)
        return p->activity_cutoff;
    long c = (long)((13889LL * p->tempo) / 1000);
    return c < 1 ? 1 : c;
}

const char *bt_kind_name(bt_kind k)
{
    switch (k) {
    case BT_KIND_YUMA: return "yuma";
    case BT_KIND_YUMA3: return "yuma3";
    case BT_KIND_YUMA0: return "yuma0";
    case BT_KIND_WHITEPAPER: return "whitepaper";
    }
    return "?";
}

unsigned bt_fraction_to_u16(double x)
{
    double v = x * 65535.0;
    double r = nearbyint(v);
    if (fabs(v - r) < 1e-7)
        v = r;
    v = floor(v);
    if (v < 0) return 0;
    if (v > 65535) return 65535;
    return (unsigned)v;
}
