/* The chain's math test vectors (spec chain-yuma.md TV-1..TV-5) against btsim's fixed-point
 * kernels: weighted median, column median, matrix kernels, EMA with per-entry alpha,
 * conversions and sigmoid. Inputs are f32 literals converted as I32F32::from_num(f32) does. */
#include "mechanism/fixed.h"
#include "mechanism/yuma_kernels.h"
#include <criterion/criterion.h>
#include <math.h>

static bt_fx F(float x) { return bt_fx_from_double((double)x); }

static void fv(const float *in, size_t n, bt_fx *out) { for (size_t i = 0; i < n; i++) out[i] = F(in[i]); }

/* ---- TV-1 weighted_median, minority = 1 - 0.51 ---- */
static bt_fx median_case(const float *stake, const float *score, size_t n, int normalize_stake)
{
    bt_fx s[16], c[16];
    fv(stake, n, s);
    fv(score, n, c);
    if (normalize_stake) {
        bt_fx sum = 0;
        for (size_t i = 0; i < n; i++) sum += s[i];
        for (size_t i = 0; i < n; i++) s[i] = bt_fx_div(s[i], sum);
    }
    bt_fx minority = bt_fx_sub(BT_FX_ONE, F(0.51f));
    return bt_fxk_weighted_median(s, c, n, minority);
}

Test(tv1_weighted_median, chain_cases)
{
    cr_expect_eq(bt_fxk_weighted_median(NULL, NULL, 0, F(0.49f)), 0);
    cr_expect_eq(median_case((float[]){0.51f}, (float[]){1.f}, 1, 1), F(1.f));
    cr_expect_eq(median_case((float[]){0.49f, 0.51f}, (float[]){0.5f, 1.f}, 2, 0), F(1.f));
    cr_expect_eq(median_case((float[]){0.51f, 0.49f}, (float[]){0.5f, 1.f}, 2, 0), F(0.5f));
    cr_expect_eq(median_case((float[]){0.49f, 0.f, 0.51f}, (float[]){0.5f, 0.7f, 1.f}, 3, 0), F(1.f));
    cr_expect_eq(median_case((float[]){0.49f, 0.01f, 0.5f}, (float[]){0.5f, 0.7f, 1.f}, 3, 0), F(0.7f));
    cr_expect_eq(median_case((float[]){0.49f, 0.51f, 0.0f}, (float[]){0.5f, 0.7f, 1.f}, 3, 0), F(0.7f));
    cr_expect_eq(median_case((float[]){0.0f, 0.49f, 0.51f}, (float[]){0.5f, 0.7f, 1.f}, 3, 0), F(1.f));
    cr_expect_eq(median_case((float[]){0.0f, 0.49f, 0.0f, 0.51f}, (float[]){0.5f, 0.5f, 1.f, 1.f}, 4, 0), F(1.f));
    cr_expect_eq(median_case((float[]){0.0f, 0.49f, 0.0f, 0.51f, 0.0f}, (float[]){0.5f, 0.5f, 1.f, 1.f, 0.5f}, 5, 0), F(1.f));
    cr_expect_eq(median_case((float[]){0.2f, 0.2f, 0.2f, 0.2f, 0.2f}, (float[]){0.8f, 0.2f, 1.f, 0.6f, 0.4f}, 5, 0), F(0.6f));
    cr_expect_eq(median_case((float[]){0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f},
                             (float[]){0.8f, 0.8f, 0.2f, 0.2f, 1.0f, 1.0f, 0.6f, 0.6f, 0.4f, 0.4f}, 10, 0), F(0.6f));
}

/* The randomised property of the chain test: the result is the score at stake position
 * `minority` of the scores sorted ascending, whatever the order of the input. */
Test(tv1_weighted_median, result_is_the_cumulative_stake_quantile_under_permutation)
{
    const double majorities[] = {0, 1e-7, 0.25, 0.49, 0.5, 0.51, 0.9999999, 1};
    unsigned seed = 12345;
    for (int with_ties = 0; with_ties < 2; with_ties++)
        for (size_t mi = 0; mi < sizeof majorities / sizeof majorities[0]; mi++) {
            bt_fx stake[100], score[100];
            bt_fx sum = 0;
            for (int i = 0; i < 100; i++) {
                seed = seed * 1103515245u + 12345u;
                stake[i] = (bt_fx)(seed >> 8) + 1;
                sum += stake[i];
                seed = seed * 1103515245u + 12345u;
                score[i] = with_ties ? bt_fx_from_int((seed >> 16) % 5) / 4 : (bt_fx)(seed >> 4);
            }
            for (int i = 0; i < 100; i++) stake[i] = bt_fx_div(stake[i], sum);
            bt_fx total = 0;
            for (int i = 0; i < 100; i++) total += stake[i];
            bt_fx minority = bt_fx_sub(total, bt_fx_from_double(majorities[mi]));
            bt_fx first = bt_fxk_weighted_median(stake, score, 100, minority);
            /* reference: sort by score, walk cumulative stake */
            int idx[100];
            for (int i = 0; i < 100; i++) idx[i] = i;
            for (int i = 1; i < 100; i++)
                for (int k = i; k > 0 && score[idx[k - 1]] > score[idx[k]]; k--) { int t = idx[k]; idx[k] = idx[k - 1]; idx[k - 1] = t; }
            bt_fx want = score[idx[99]], lo = 0;
            if (minority < 0) want = score[idx[0]];
            else
                for (int k = 0; k < 100; k++) { lo += stake[idx[k]]; if (minority < lo) { want = score[idx[k]]; break; } }
            cr_expect_eq(first, want, "majority %g ties %d", majorities[mi], with_ties);
            for (int perm = 0; perm < 10; perm++) {
                for (int i = 99; i > 0; i--) {
                    seed = seed * 1103515245u + 12345u;
                    int j = (int)((seed >> 8) % (unsigned)(i + 1));
                    bt_fx t = stake[i]; stake[i] = stake[j]; stake[j] = t;
                    t = score[i]; score[i] = score[j]; score[j] = t;
                }
                cr_expect_eq(bt_fxk_weighted_median(stake, score, 100, minority), first);
            }
        }
}

/* ---- TV-2 weighted_median_col ---- */
Test(tv2_weighted_median_col, case_a_and_b)
{
    bt_fx st[4], w[12], c[3];
    const float wa[12] = {0, 0.1f, 0, 0, 0.2f, 0.4f, 0, 0.3f, 0.1f, 0, 0.4f, 0.5f};
    fv((float[]){0.f, 0.75f, 0.25f, 0.f}, 4, st);
    fv(wa, 12, w);
    const float maj[3] = {0.24f, 0.26f, 0.76f};
    const float want[3][3] = {{0, 0.3f, 0.4f}, {0, 0.2f, 0.4f}, {0, 0.2f, 0.1f}};
    for (int m = 0; m < 3; m++) {
        cr_assert_eq(bt_fxk_weighted_median_col(st, w, 4, 3, F(maj[m]), c), 0);
        for (int j = 0; j < 3; j++) cr_expect_eq(c[j], F(want[m][j]), "majority %g col %d", maj[m], j);
    }
    const float wb[12] = {0, 0.1f, 0, 0, 0.2f, 0.4f, 0, 0.3f, 0.1f, 0, 0, 0.5f};
    fv((float[]){0.f, 0.3f, 0.2f, 0.5f}, 4, st);
    fv(wb, 12, w);
    cr_assert_eq(bt_fxk_weighted_median_col(st, w, 4, 3, F(0.51f), c), 0);
    cr_expect_eq(c[0], 0);
    cr_expect_eq(c[1], 0);
    cr_expect_eq(c[2], F(0.4f));
    fv((float[]){0.f, 0.f, 0.f, 0.f}, 4, st);
    cr_assert_eq(bt_fxk_weighted_median_col(st, w, 4, 3, F(0.51f), c), 0);
    for (int j = 0; j < 3; j++) cr_expect_eq(c[j], 0);
}

/* ---- TV-3 matrix kernels ---- */
static void mat_m(bt_fx *m, int zero_diag)
{
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++) m[i * 3 + j] = (zero_diag && i == j) ? 0 : bt_fx_from_int(i * 3 + j + 1);
}

Test(tv3_kernels, matmul_and_transpose_sparse)
{
    bt_fx m[12], v4[4], v3[3], out[4];
    for (int i = 0; i < 4; i++) v4[i] = bt_fx_from_int(i + 1);
    for (int i = 0; i < 3; i++) v3[i] = bt_fx_from_int(i + 1);
    mat_m(m, 0);
    bt_fxk_matmul(m, 4, 3, v4, out);
    cr_expect(out[0] == bt_fx_from_int(70) && out[1] == bt_fx_from_int(80) && out[2] == bt_fx_from_int(90));
    bt_fxk_matmul_transpose(m, 4, 3, v3, out);
    cr_expect(out[0] == bt_fx_from_int(14) && out[1] == bt_fx_from_int(32) && out[2] == bt_fx_from_int(50) && out[3] == bt_fx_from_int(68));
    mat_m(m, 1);
    bt_fxk_matmul(m, 4, 3, v4, out);
    cr_expect(out[0] == bt_fx_from_int(69) && out[1] == bt_fx_from_int(70) && out[2] == bt_fx_from_int(63));
    bt_fxk_matmul_transpose(m, 4, 3, v3, out);
    cr_expect(out[0] == bt_fx_from_int(13) && out[1] == bt_fx_from_int(22) && out[2] == bt_fx_from_int(23) && out[3] == bt_fx_from_int(68));
}

Test(tv3_kernels, col_clip_drops_entries_clipped_to_zero)
{
    bt_fx m[12], th[3] = {0, bt_fx_from_int(5), bt_fx_from_int(12)};
    mat_m(m, 0);
    m[0] = 0;
    bt_fxk_col_clip(m, 4, 3, th);
    const int want[12] = {0, 2, 3, 0, 5, 6, 0, 5, 9, 0, 5, 12};
    for (int q = 0; q < 12; q++) cr_expect_eq(m[q], bt_fx_from_int(want[q]), "entry %d", q);
}

Test(tv3_kernels, col_normalize_and_max_upscale)
{
    /* columns [0,1,2,3,4], [0,10,100,1000,10000], zeros, ones: stored transposed as 5 rows x 4 cols */
    const double cols[4][5] = {{0, 1, 2, 3, 4}, {0, 10, 100, 1000, 10000}, {0, 0, 0, 0, 0}, {1, 1, 1, 1, 1}};
    const double norm[4][5] = {{0, .1, .2, .3, .4}, {0, .0009, .009, .09, .9}, {0, 0, 0, 0, 0}, {.2, .2, .2, .2, .2}};
    const double up[4][5] = {{0, .25, .5, .75, 1}, {0, .001, .01, .1, 1}, {0, 0, 0, 0, 0}, {1, 1, 1, 1, 1}};
    bt_fx m[20], u[20];
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 4; j++) m[i * 4 + j] = u[i * 4 + j] = bt_fx_from_double(cols[j][i]);
    bt_fxk_col_normalize(m, 5, 4);
    bt_fxk_col_max_upscale(u, 5, 4);
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 4; j++) {
            cr_expect(fabs(bt_fx_to_double(m[i * 4 + j]) - norm[j][i]) < 1e-4, "norm col %d row %d", j, i);
            cr_expect(fabs(bt_fx_to_double(u[i * 4 + j]) - up[j][i]) < 1e-4, "upscale col %d row %d", j, i);
        }
}

/* ---- TV-4 sparse EMA with per-entry alpha (eps 1e-4; the chain compares with <= eps, and its
 * literals are written truncated, e.g. 0.017 for 0.0171, so the bound is taken inclusively) ---- */
static void ema_case(const double *old, const double *nw, const double *want, double eps)
{
    bt_fx o[12], n[12], a[12], out[12];
    for (int q = 0; q < 12; q++) { o[q] = bt_fx_from_double(old[q]); n[q] = bt_fx_from_double(nw[q]); a[q] = F(0.1f); }
    cr_assert_eq(bt_fxk_ema_alpha(n, o, a, 4, 3, out), 0);
    for (int q = 0; q < 12; q++)
        cr_expect(fabs(bt_fx_to_double(out[q]) - want[q]) <= eps * 1.001, "entry %d: %g vs %g", q, bt_fx_to_double(out[q]), want[q]);
}

Test(tv4_ema_alpha_sparse, chain_cases)
{
    const double old1[12] = {0.1, 0.2, 3., 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10, 0.11, 0.12};
    const double new1[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    ema_case(old1, new1, (double[]){0.19, 0.38, 1., 0.43599, 0.545, 0.65399, 0.763, 0.87199, 0.981, 1., 1., 1.}, 1e-4);
    const double old2[12] = {0.001, 0.002, 0.003, 0.004, 0.05, 0.006, 0.007, 0.008, 0.009, 0.010, 0.011, 0.012};
    ema_case(old2, old1, (double[]){0.0109, 0.0218, 0.30270, 0.007599, 0.05, 0.01139, 0.0133, 0.01519, 0.017, 0.01899, 0.02089, 0.0227}, 1e-4);
    const double zeros[12] = {0};
    ema_case(zeros, old1, (double[]){0.01, 0.02, 0.3, 0.00399, 0.005, 0.00599, 0.007, 0.00799, 0.009, 0.01, 0.011, 0.01199}, 1e-4);
    ema_case(zeros, zeros, zeros, 1e-12);
    double old5[12] = {0}, new5[12] = {0}, want5[12] = {0};
    old5[0] = 1; new5[3] = 2; want5[3] = 0.2;   /* (0,0) dropped: new row 0 has no entry */
    ema_case(old5, new5, want5, 0.1);
}

Test(tv4_ema_sparse, scalar_alpha_keeps_the_union)
{
    bt_fx o[4] = {BT_FX_ONE, 0, 0, 0}, n[4] = {0, 0, 2 * BT_FX_ONE, 0}, out[4];
    cr_assert_eq(bt_fxk_ema(n, o, F(0.1f), 2, 2, out), 0);
    cr_expect(fabs(bt_fx_to_double(out[0]) - 0.9) < 1e-6);   /* old decays instead of dropping */
    cr_expect(fabs(bt_fx_to_double(out[2]) - 0.2) < 1e-6);
}

/* ---- TV-5 conversions and sigmoid ---- */
static void upscale_case(const double *in, size_t n, const uint16_t *want)
{
    bt_fx v[8] = {0};
    uint16_t out[8] = {0};
    for (size_t i = 0; i < n; i++) v[i] = in[i] < 0 ? BT_FX_MAX : F((float)in[i]);
    bt_fx_max_upscale_to_u16(v, n, out);
    for (size_t i = 0; i < n; i++) cr_expect_eq(out[i], want[i], "entry %zu: %u vs %u", i, out[i], want[i]);
}

Test(tv5_conversions, vec_max_upscale_to_u16)
{
    upscale_case((double[]){0., 0.000016, 1.}, 3, (uint16_t[]){0, 1, 65535});
    bt_fx v[10];
    uint16_t out[10];
    const float in2[10] = {0.000001f, 0.000006f, 0.000007f, 0.0001f, 0.001f, 0.01f, 0.1f, 0.2f, 0.3f, 0.4f};
    const uint16_t want2[10] = {0, 1, 1, 16, 164, 1638, 16384, 32768, 49151, 65535};
    fv(in2, 10, v);
    bt_fx_max_upscale_to_u16(v, 10, out);
    for (int i = 0; i < 10; i++) cr_expect_eq(out[i], want2[i], "case 2 entry %d: %u", i, out[i]);
    upscale_case((double[]){0., 0.5, 1., 1.5, 2., 32768.}, 6, (uint16_t[]){0, 1, 2, 3, 4, 65535});
    upscale_case((double[]){0., 0.5, 1., 1.5, 2., 32768., 32769.}, 7, (uint16_t[]){0, 1, 2, 3, 4, 65533, 65535});
    upscale_case((double[]){0, 1, 32768, 32769, -1}, 5, (uint16_t[]){0, 0, 1, 1, 65535});
}

Test(tv5_conversions, kappa_alpha_and_stake_bits)
{
    cr_expect_eq(bt_fx_div(bt_fx_from_int(32767), bt_fx_from_int(65535)), 2147450879);
    cr_expect_eq(BT_FX_ONE - (bt_fx)(((bt_i128)900000 << 32) / 1000000), 429496730);
    uint64_t s[4] = {1, 2, 3, 4};
    bt_fx S[4];
    bt_fx_normalize_stake(s, 4, S);
    bt_fx sum = S[0] + S[1] + S[2] + S[3];
    cr_expect_eq(sum, BT_FX_ONE - 2, "stakes [1,2,3,4] sum two ulps short of 1");
    cr_expect_eq(bt_fx_to_u16_prop(BT_FX_ONE), 65535);
    cr_expect_eq(bt_fx_from_u16_prop(65535), BT_FX_ONE);
}

Test(tv5_conversions, sigmoid_safe_exact_values)
{
    bt_fx rho = bt_fx_from_int(30), kappa = bt_fx_from_double(0.5);
    const bt_fx in[7] = {BT_FX_MIN, 0, bt_fx_from_double(0.4), bt_fx_from_double(0.5), bt_fx_from_double(0.6), BT_FX_ONE, BT_FX_MAX};
    const double want[7] = {0.0000000019, 0.0000003057, 0.0474258729, 0.5, 0.952574127, 0.9999996943, 0.9999999981};
    for (int i = 0; i < 7; i++) {
        bt_fx got = bt_fx_sigmoid_safe(in[i], rho, kappa);
        cr_expect_eq(got, bt_fx_from_double(want[i]), "rho 30 case %d: %.10f", i, bt_fx_to_double(got));
    }
    const double want40[11] = {0.0000000019, 0.0000001125, 0.0000061442, 0.0003353502, 0.017986214, 0.5,
                               0.9820138067, 0.9996646498, 0.9999938558, 0.9999998875, 0.9999999981};
    for (int i = 0; i <= 10; i++) {
        bt_fx got = bt_fx_sigmoid_safe(F((float)i / 10.0f), bt_fx_from_int(40), kappa);
        cr_expect_eq(got, bt_fx_from_double(want40[i]), "rho 40 t=%d/10: %.10f", i, bt_fx_to_double(got));
    }
}
