/* The non-inline parts of the I32F32 arithmetic: conversions, exp and sigmoid, stake
 * normalisation and u16 upscaling, each reproducing the chain's integer results bit for bit. */
#include "mechanism/fixed.h"
#include <math.h>

bt_fx bt_fx_from_double(double x)
{
    if (isnan(x)) return 0;
    double v = nearbyint(ldexp(x, BT_FX_FRAC));   /* default rounding: nearest, ties to even */
    if (v >= 9223372036854775807.0) return BT_FX_MAX;
    if (v <= -9223372036854775808.0) return BT_FX_MIN;
    return (bt_fx)v;
}

bt_fx bt_fx_round(bt_fx x)
{
    const bt_fx half = (bt_fx)1 << (BT_FX_FRAC - 1);
    const bt_fx mask = ~(BT_FX_ONE - 1);
    if (x >= 0)
        return bt_fx_sat((bt_i128)x + half) & mask;
    return -(bt_fx_sat(-(bt_i128)x + half) & mask);
}

/* e as the fixed crate's from_str gives it for the operand type used by the chain. */
static bt_fx fx_e(void) { return bt_fx_from_double(2.718281828459045235360287471352662497757); }

/* Taylor series 1 + x + sum_{i=2}^{31} term_i with term_i = floor(term_{i-1}*x) / i (truncating);
 * checked arithmetic: any overflow is an error. Negative inputs: 1 / exp(|x|). */
static bt_fx exp_nonneg(bt_fx x, int *err)
{
    if (x == 0) return BT_FX_ONE;
    if (x == BT_FX_ONE) return fx_e();
    bt_i128 result = (bt_i128)x + BT_FX_ONE;
    int64_t term = x;
    for (int i = 2; i < BT_FX_FRAC; i++) {
        bt_i128 t = ((bt_i128)term * x) >> BT_FX_FRAC;
        if (t > (bt_i128)BT_FX_MAX || t < (bt_i128)BT_FX_MIN) { *err = 1; return 0; }
        term = (int64_t)t / i;      /* 64-bit division: the same truncation, far cheaper */
        result += term;
        if (result > (bt_i128)BT_FX_MAX) { *err = 1; return 0; }
        if (term == 0) break;       /* every later term is 0 too */
    }
    return (bt_fx)result;
}

bt_fx bt_fx_exp(bt_fx x, int *err)
{
    *err = 0;
    if (x >= 0)
        return exp_nonneg(x, err);
    bt_fx pos = exp_nonneg(x == BT_FX_MIN ? BT_FX_MAX : -x, err);
    if (*err) return 0;
    if (pos == 0) { *err = 1; return 0; }
    bt_i128 q = ((bt_i128)BT_FX_ONE << BT_FX_FRAC) / pos;
    return (bt_fx)q;
}

bt_fx bt_fx_exp_safe(bt_fx x)
{
    const bt_fx lo = bt_fx_from_int(-20), hi = bt_fx_from_int(20);
    bt_fx in = x < lo ? lo : (x > hi ? hi : x);
    int err;
    bt_fx r = bt_fx_exp(in, &err);
    if (err) return in <= 0 ? 0 : BT_FX_MAX;
    return r;
}

bt_fx bt_fx_sigmoid_safe(bt_fx x, bt_fx rho, bt_fx kappa)
{
    bt_fx offset = bt_fx_sub(x, kappa);
    bt_fx neg_rho = bt_fx_mul(rho, -BT_FX_ONE);
    bt_fx e = bt_fx_exp_safe(bt_fx_mul(neg_rho, offset));
    return bt_fx_div(BT_FX_ONE, bt_fx_add(e, BT_FX_ONE));
}

void bt_fx_normalize_stake(const uint64_t *s, unsigned long n, bt_fx *out)
{
    bt_i128 sum = 0;
    for (unsigned long i = 0; i < n; i++) sum += s[i];
    for (unsigned long i = 0; i < n; i++) {
        if (sum == 0) { out[i] = bt_fx_sat((bt_i128)s[i] << BT_FX_FRAC); continue; }
        bt_i128 q = ((bt_i128)s[i] << BT_FX_FRAC) / sum;
        out[i] = bt_fx_sat(q);
    }
}

void bt_fx_max_upscale_to_u16(const bt_fx *v, unsigned long n, uint16_t *out)
{
    const bt_fx u16max = bt_fx_from_int(65535), threshold = bt_fx_from_int(32768);
    if (n == 0) return;
    bt_fx max = v[0];
    for (unsigned long i = 1; i < n; i++) if (v[i] > max) max = v[i];
    for (unsigned long i = 0; i < n; i++) {
        bt_fx r;
        if (max == 0)
            r = bt_fx_mul(v[i], u16max);
        else if (max > threshold)
            r = bt_fx_round(bt_fx_mul(v[i], bt_fx_div(u16max, max)));
        else
            r = bt_fx_round(bt_fx_div(bt_fx_mul(v[i], u16max), max));
        out[i] = (uint16_t)bt_fx_to_uint(r, 65535);
    }
}
