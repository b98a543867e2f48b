/* The chain's epoch test vectors (spec chain-yuma.md TV-6, TV-9, TV-11) run from the scenario
 * files in scenarios/chain/, in fixed arithmetic (exact u16 and rao where the spec gives them)
 * and in float arithmetic (1e-3 for dividends and bonds). */
#include "chain_harness.h"
#include <math.h>

static const char *FLOAT[] = {"mechanism.arithmetic=float"};

/* ---- TV-6 test_bonds (original Yuma) ---- */
static const uint16_t tv6_bonds[8][4] = {
    {16383, 32767, 49151, 65535}, {14582, 32767, 49151, 65535}, {12603, 28321, 49151, 65535},
    {12602, 28320, 49150, 65535}, {10951, 24609, 49150, 65535}, {9559, 21482, 49150, 65535},
    {8376, 18824, 49150, 65535},  {7363, 16549, 49150, 65535}};
static const int tv6_col[8] = {4, 4, 4, 7, 7, 7, 7, 7};
static const uint64_t tv6_emission[8][8] = {
    {49999998, 99999999, 150000000, 200000001, 49998779, 100000610, 149996337, 200004272},
    {44998351, 101110561, 151667215, 202223870, 49998779, 100000610, 149996337, 200004272},
    {40496805, 90999783, 157929636, 210573773, 49998779, 100000610, 149996337, 200004272},
    {99999999, 199999999, 299999999, 399999999, 0, 0, 0, 0},
    {36443733, 81898628, 163565493, 218092144, 0, 0, 0, 500000000},
    {32799427, 73706612, 168638129, 224855830, 0, 0, 0, 500000000},
    {29518068, 66336137, 173203134, 230942659, 0, 0, 0, 500000000},
    {26565175, 59701871, 177311856, 236421095, 0, 0, 0, 500000000}};
static const uint16_t tv6_div[8][4] = {
    {6553, 13106, 19660, 26214}, {5897, 13252, 19879, 26505}, {5307, 11927, 20699, 27599}, {0, 0, 0, 0},
    {4776, 10734, 21438, 28585}, {4299, 9660, 22103, 29471}, {3868, 8694, 22701, 30269}, {3481, 7825, 23240, 30987}};
static const uint16_t tv6_vt[8][4] = {
    {65534, 65534, 65534, 65534}, {0, 65534, 65534, 65534}, {0, 0, 65534, 65534}, {0, 0, 0, 0},
    {0, 0, 26214, 26214}, {0, 0, 26214, 26214}, {0, 0, 26214, 26214}, {0, 0, 26214, 26214}};

Test(test_bonds, fixed_mode_matches_stored_bonds_emission_and_u16_outputs)
{
    trace *t = trace_run("scenarios/chain/test_bonds.json", NULL, 0);
    static const uint16_t cons[4] = {6553, 13107, 19660, 26214};
    for (int e = 0; e < 8; e++) {
        for (int i = 0; i < 4; i++) {
            cr_expect_eq(BOND(t, bonds_stored, e, i, tv6_col[e]), tv6_bonds[e][i], "e%d bond[%d][%d] = %g, want %u",
                         e + 1, i, tv6_col[e], BOND(t, bonds_stored, e, i, tv6_col[e]), tv6_bonds[e][i]);
            cr_expect_eq(AT(t, u16_dividends, e, i), tv6_div[e][i], "e%d D[%d] = %u, want %u", e + 1, i,
                         AT(t, u16_dividends, e, i), tv6_div[e][i]);
            cr_expect_eq(AT(t, u16_vt, e, i), tv6_vt[e][i], "e%d VT[%d]", e + 1, i);
        }
        for (int i = 0; i < 8; i++)
            cr_expect_eq(AT(t, rao_emission, e, i), tv6_emission[e][i], "e%d E[%d] = %lu, want %lu", e + 1, i,
                         (unsigned long)AT(t, rao_emission, e, i), (unsigned long)tv6_emission[e][i]);
        for (int j = 4; j < 8; j++) {
            uint16_t want = e < 3 ? cons[j - 4] : (e == 3 ? 0 : (j == 7 ? 26214 : 0));
            uint16_t want_i = e < 3 ? cons[j - 4] : (e == 3 ? 0 : (j == 7 ? 65535 : 0));
            cr_expect_eq(AT(t, u16_consensus, e, j), want, "e%d C[%d]", e + 1, j);
            cr_expect_eq(AT(t, u16_incentive, e, j), want_i, "e%d I[%d]", e + 1, j);
        }
    }
    trace_free(t);
}

Test(test_bonds, float_mode_within_1e3_of_the_chain)
{
    trace *t = trace_run("scenarios/chain/test_bonds.json", FLOAT, 1);
    for (int e = 0; e < 8; e++) {
        int j = tv6_col[e];
        double colmax = 0;
        for (int i = 0; i < 4; i++) colmax = fmax(colmax, BOND(t, bonds_carried, e, i, j));
        for (int i = 0; i < 4; i++) {
            double up = BOND(t, bonds_carried, e, i, j) / colmax;   /* chain stores column-max-upscaled */
            cr_expect(fabs(up - tv6_bonds[e][i] / 65535.0) < 1e-3, "e%d bond[%d] %g vs %g", e + 1, i, up,
                      tv6_bonds[e][i] / 65535.0);
            cr_expect(fabs(AT(t, dividends, e, i) - tv6_div[e][i] / 65535.0) < 1e-3, "e%d D[%d]", e + 1, i);
        }
        for (int i = 0; i < 8; i++)
            cr_expect(fabs(AT(t, emission, e, i) - (double)tv6_emission[e][i]) < 1e-3 * 1e9, "e%d E[%d]", e + 1, i);
    }
    trace_free(t);
}

/* ---- TV-9 degenerate graphs ---- */
Test(degenerate, one_graph_gives_zero_everything_but_the_stake_fallback)
{
    for (int mode = 0; mode < 2; mode++) {
        trace *t = trace_run("scenarios/chain/test_1_graph.json", FLOAT, (size_t)mode);
        cr_expect_eq(AT(t, consensus, 0, 0), 0);
        cr_expect_eq(AT(t, incentive, 0, 0), 0);
        cr_expect_eq(AT(t, dividends, 0, 0), 0);
        cr_expect(fabs(AT(t, emission, 0, 0) - 1e9) < (mode ? 1e-3 : 1.0));
        trace_free(t);
    }
}

Test(degenerate, ten_graph_pays_99999999_rao_each)
{
    trace *t = trace_run("scenarios/chain/test_10_graph.json", NULL, 0);
    for (int i = 0; i < 10; i++) {
        cr_expect_eq(AT(t, rao_emission, 0, i), 99999999u, "E[%d] = %lu", i, (unsigned long)AT(t, rao_emission, 0, i));
        cr_expect_eq(AT(t, u16_incentive, 0, i), 0);
        cr_expect_eq(AT(t, u16_dividends, 0, i), 0);
        cr_expect_eq(AT(t, u16_consensus, 0, i), 0);
    }
    trace_free(t);
}

Test(degenerate, zero_weights_then_a_weight_splits_half_and_half)
{
    static const uint64_t want[3][2] = {{1000000000, 0}, {1000000000, 0}, {500000000, 500000000}};
    for (int mode = 0; mode < 2; mode++) {
        trace *t = trace_run("scenarios/chain/test_zero_weights.json", FLOAT, (size_t)mode);
        for (int e = 0; e < 3; e++)
            for (int i = 0; i < 2; i++) {
                if (mode == 0)
                    cr_expect_eq(AT(t, rao_emission, e, i), want[e][i], "step %d E[%d] = %lu", e, i,
                                 (unsigned long)AT(t, rao_emission, e, i));
                else
                    cr_expect(fabs(AT(t, emission, e, i) - (double)want[e][i]) < 1.0);
            }
        trace_free(t);
    }
}

/* ---- TV-11 Yuma 3 ---- */
typedef struct { double div[3], bond_a[2], bond_b[2], bond_c[2]; } y3_row;

static void check_yuma3(const char *file, const y3_row *rows, int mode)
{
    trace *t = trace_run(file, FLOAT, (size_t)mode);
    for (int e = 0; e < 6; e++) {
        const y3_row *w = &rows[e];
        for (int i = 0; i < 3; i++)
            cr_expect(fabs(AT(t, dividends, e, i) - w->div[i]) <= 1e-3 + 1e-9, "%s %s e%d D[%d] = %.4f, want %.4f",
                      file, mode ? "float" : "fixed", e, i, AT(t, dividends, e, i), w->div[i]);
        const double *wb[3] = {w->bond_a, w->bond_b, w->bond_c};
        for (int i = 0; i < 3; i++)
            for (int s = 0; s < 2; s++)
                cr_expect(fabs(BOND(t, bonds_carried, e, i, 3 + s) - wb[i][s]) <= 1e-3, "%s %s e%d B[%d][S%d] = %.4f, want %.4f",
                          file, mode ? "float" : "fixed", e, i, s + 1, BOND(t, bonds_carried, e, i, 3 + s), wb[i][s]);
    }
    trace_free(t);
}

static const y3_row kappa_moves_first[6] = {
    {{0.8000, 0.1000, 0.1000}, {.1013, 0}, {.1013, 0}, {.1013, 0}},
    {{1.0000, 0.0000, 0.0000}, {.0908, .1013}, {.3697, 0}, {.3697, 0}},
    {{0.9382, 0.0618, 0.0000}, {.0815, .1924}, {.3170, .1013}, {.5580, 0}},
    {{0.8819, 0.0773, 0.0407}, {.0731, .2742}, {.2765, .1924}, {.4306, .1013}},
    {{0.8564, 0.0844, 0.0592}, {.0656, .3478}, {.2435, .2742}, {.3589, .1924}},
    {{0.8418, 0.0884, 0.0697}, {.0588, .4139}, {.2157, .3478}, {.3089, .2742}}};
static const y3_row one_epoch_switch[6] = {
    {{0.3300, 0.3300, 0.3400}, {.1013, 0}, {.1013, 0}, {.1013, 0}},
    {{0.3300, 0.3300, 0.3400}, {.1924, 0}, {.1924, 0}, {.1924, 0}},
    {{0.3782, 0.3782, 0.2436}, {.2742, 0}, {.2742, 0}, {.1715, .2987}},
    {{0.3628, 0.3628, 0.2745}, {.3478, 0}, {.3478, 0}, {.2554, .2618}},
    {{0.3541, 0.3541, 0.2917}, {.4139, 0}, {.4139, 0}, {.3309, .2312}},
    {{0.3487, 0.3487, 0.3026}, {.4733, 0}, {.4733, 0}, {.3987, .2051}}};
static const y3_row liquid_alpha_disabled[6] = {
    {{0.3300, 0.3300, 0.3400}, {.0250, 0}, {.0250, 0}, {.0250, 0}},
    {{0.3300, 0.3300, 0.3400}, {.0494, 0}, {.0494, 0}, {.0494, 0}},
    {{0.3734, 0.3734, 0.2532}, {.0731, 0}, {.0731, 0}, {.0481, .0250}},
    {{0.3611, 0.3611, 0.2779}, {.0963, 0}, {.0963, 0}, {.0719, .0244}},
    {{0.3541, 0.3541, 0.2919}, {.1189, 0}, {.1189, 0}, {.0951, .0238}},
    {{0.3495, 0.3495, 0.3009}, {.1409, 0}, {.1409, 0}, {.1178, .0232}}};

Test(yuma3, kappa_moves_first_fixed) { check_yuma3("scenarios/chain/yuma3_kappa_moves_first.json", kappa_moves_first, 0); }
Test(yuma3, kappa_moves_first_float) { check_yuma3("scenarios/chain/yuma3_kappa_moves_first.json", kappa_moves_first, 1); }
Test(yuma3, one_epoch_switch_fixed) { check_yuma3("scenarios/chain/yuma3_one_epoch_switch.json", one_epoch_switch, 0); }
Test(yuma3, one_epoch_switch_float) { check_yuma3("scenarios/chain/yuma3_one_epoch_switch.json", one_epoch_switch, 1); }
Test(yuma3, liquid_alpha_disabled_fixed) { check_yuma3("scenarios/chain/yuma3_liquid_alpha_disabled.json", liquid_alpha_disabled, 0); }
Test(yuma3, liquid_alpha_disabled_float) { check_yuma3("scenarios/chain/yuma3_liquid_alpha_disabled.json", liquid_alpha_disabled, 1); }
