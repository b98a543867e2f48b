/* I32F32 fixed-point arithmetic with the chain's rounding rules (substrate-fixed, as used by
 * opentensor/subtensor's epoch; spec chain-yuma.md section 1): multiplies floor, divides
 * truncate, safe_div gives 0 on a zero divisor or overflow, sums are exact. */
#ifndef BT_FIXED_H
#define BT_FIXED_H

#include <stdint.h>

typedef int64_t bt_fx;                 /* value = bits / 2^32 */
__extension__ typedef __int128 bt_i128;

#define BT_FX_FRAC 32
#define BT_FX_ONE ((bt_fx)1 << BT_FX_FRAC)
#define BT_FX_MAX INT64_MAX
#define BT_FX_MIN INT64_MIN

static inline bt_fx bt_fx_sat(bt_i128 v)
{
    if (v > (bt_i128)BT_FX_MAX) return BT_FX_MAX;
    if (v < (bt_i128)BT_FX_MIN) return BT_FX_MIN;
    return (bt_fx)v;
}

/* saturating_mul: floor((a*b) / 2^32), clamped. >> on a negative __int128 is arithmetic in GCC. */
static inline bt_fx bt_fx_mul(bt_fx a, bt_fx b)
{
    return bt_fx_sat(((bt_i128)a * (bt_i128)b) >> BT_FX_FRAC);
}

/* checked_mul: 0 on overflow (the chain's vec_mul maps overflow to 0 via unwrap_or_default). */
static inline bt_fx bt_fx_checked_mul(bt_fx a, bt_fx b)
{
    bt_i128 v = ((bt_i128)a * (bt_i128)b) >> BT_FX_FRAC;
    if (v > (bt_i128)BT_FX_MAX || v < (bt_i128)BT_FX_MIN) return 0;
    return (bt_fx)v;
}

/* safe_div: (a << 32) / b truncating toward zero; 0 when b == 0 or the quotient overflows. */
static inline bt_fx bt_fx_div(bt_fx a, bt_fx b)
{
    if (b == 0) return 0;
    bt_i128 q = ((bt_i128)a * ((bt_i128)1 << BT_FX_FRAC)) / (bt_i128)b;
    if (q > (bt_i128)BT_FX_MAX || q < (bt_i128)BT_FX_MIN) return 0;
    return (bt_fx)q;
}

/* saturating_div: as safe_div but clamps on overflow (b != 0 assumed; 0 returns 0). */
static inline bt_fx bt_fx_sat_div(bt_fx a, bt_fx b)
{
    if (b == 0) return 0;
    return bt_fx_sat(((bt_i128)a * ((bt_i128)1 << BT_FX_FRAC)) / (bt_i128)b);
}

static inline bt_fx bt_fx_add(bt_fx a, bt_fx b) { return bt_fx_sat((bt_i128)a + b); }
static inline bt_fx bt_fx_sub(bt_fx a, bt_fx b) { return bt_fx_sat((bt_i128)a - b); }
static inline bt_fx bt_fx_from_int(int64_t v) { return bt_fx_sat((bt_i128)v * ((bt_i128)1 << BT_FX_FRAC)); }

/* Fixed -> integer: drop the fraction (floor), saturating to [0, max]. */
static inline uint64_t bt_fx_to_uint(bt_fx x, uint64_t max)
{
    if (x <= 0) return 0;
    uint64_t v = (uint64_t)x >> BT_FX_FRAC;
    return v > max ? max : v;
}

/* u16 proportion -> fixed: x / 65535 (truncating division). */
static inline bt_fx bt_fx_from_u16_prop(unsigned x) { return bt_fx_div(bt_fx_from_int(x), bt_fx_from_int(65535)); }
/* fixed proportion -> u16: floor(x * 65535), saturating. */
static inline unsigned bt_fx_to_u16_prop(bt_fx x) { return (unsigned)bt_fx_to_uint(bt_fx_mul(x, bt_fx_from_int(65535)), 65535); }

bt_fx bt_fx_from_double(double x);           /* round to nearest, ties to even; saturating */
static inline double bt_fx_to_double(bt_fx x) { return (double)x / 4294967296.0; }
bt_fx bt_fx_round(bt_fx x);                  /* round half away from zero to an integer value */
bt_fx bt_fx_exp(bt_fx x, int *err);          /* substrate_fixed::transcendental::exp */
bt_fx bt_fx_exp_safe(bt_fx x);               /* clamp to [-20, 20]; errors -> 0 or MAX */
bt_fx bt_fx_sigmoid_safe(bt_fx x, bt_fx rho, bt_fx kappa);

/* Normalised stake as the chain computes it: I64F64 division, truncated to I32F32, i.e.
 * floor(s_i * 2^32 / sum). s are integers (rao). Writes n values to out. */
void bt_fx_normalize_stake(const uint64_t *s, unsigned long n, bt_fx *out);

/* vec_max_upscale_to_u16 on fixed input (chain math.rs). */
void bt_fx_max_upscale_to_u16(const bt_fx *v, unsigned long n, uint16_t *out);

#endif
