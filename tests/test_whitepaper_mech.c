/* The sigmoid mechanisms step by step: the whitepaper epoch against a dense reference written
 * from the formulas (several option sets), its invariants, the consensus peg (reject, pad,
 * max/min ratio, controller), the scaling vector's gradient against finite differences, and
 * yuma0 against an independent dense model of the chain's first epoch (numbers computed with
 * numpy from subtensor's 2023 epoch.rs, see the test). */
#include "whitepaper_harness.h"
#include "mechanism/whitepaper_internal.h"
#include <math.h>

/* ---- a dense reference of the whitepaper step ---- */

enum { RN = 6 };

typedef struct {
    double rho, kappa, tau, self_share, thr, bma;
    int fixed, ema, count_self;
} ref_opts;

static void ref_steps(const ref_opts *o, const double W0[RN][RN], double S[RN], int steps, double out[][RN])
{
    double B[RN][RN] = {{0}};
    for (int e = 0; e < steps; e++) {
        double W[RN][RN], tot = 0, Sh[RN], R[RN] = {0}, T[RN] = {0}, C[RN], I[RN], isum = 0;
        for (int i = 0; i < RN; i++) tot += S[i];
        for (int i = 0; i < RN; i++) {
            Sh[i] = S[i] / tot;
            double rs = 0;
            for (int j = 0; j < RN; j++) { W[i][j] = (i == j && !o->count_self) ? 0 : W0[i][j]; rs += W[i][j]; }
            for (int j = 0; j < RN; j++) W[i][j] = rs > 0 ? W[i][j] / rs : 0;
        }
        for (int j = 0; j < RN; j++)
            for (int i = 0; i < RN; i++) { R[j] += W[i][j] * Sh[i]; if (W[i][j] > o->thr) T[j] += Sh[i]; }
        for (int j = 0; j < RN; j++) { C[j] = 1 / (1 + exp(-o->rho * (T[j] - o->kappa))); I[j] = R[j] * C[j]; isum += I[j]; }
        for (int j = 0; j < RN; j++) I[j] /= isum;
        for (int i = 0; i < RN; i++)
            for (int j = 0; j < RN; j++)
                B[i][j] = o->ema ? o->bma * B[i][j] + (1 - o->bma) * W[i][j] * S[i] : B[i][j] + W[i][j] * S[i];
        double col[RN] = {0}, dS[RN];
        for (int i = 0; i < RN; i++) for (int j = 0; j < RN; j++) col[j] += B[i][j];
        for (int i = 0; i < RN; i++) {
            double d = 0;
            for (int j = 0; j < RN; j++) if (col[j] > 0) d += B[i][j] / col[j] * I[j];
            dS[i] = o->self_share * I[i] + (1 - o->self_share) * (d + (col[i] > 0 ? 0 : I[i]));
        }
        double M = o->fixed ? o->tau : o->tau * tot;
        for (int i = 0; i < RN; i++) out[e][i] = S[i] += M * dS[i];
    }
}

static const double W0[RN][RN] = {
    {2, 1, 0, 3, 0, 0}, {0, 0, 5, 1, 0, 1}, {1, 1, 1, 0, 0, 0},
    {0, 0, 0, 0, 0, 0}, {4, 0, 0, 0.5, 0, 0}, {0, 2, 0, 0, 1, 3}};

static char *ref_scenario(const ref_opts *o, int steps)
{
    static const double stake[RN] = {3, 2, 1, 0.5, 2.5, 1};
    char *t = malloc(16384);
    size_t len = 0;
    len += (size_t)snprintf(t + len, 16384 - len,
        "{\"name\": \"ref\", \"epochs\": %d, \"mechanism\": {\"kind\": \"whitepaper\", \"rho\": %.17g, "
        "\"kappa\": %.17g, \"tau\": %.17g, \"emission\": \"%s\", \"self_share\": %.17g, "
        "\"count_self_weights\": %s, \"edge_threshold\": %.17g, \"bond_accrual\": \"%s\", "
        "\"bonds_moving_average\": %.17g}, \"peers\": [", steps, o->rho, o->kappa, o->tau,
        o->fixed ? "fixed" : "proportional", o->self_share, o->count_self ? "true" : "false", o->thr,
        o->ema ? "ema" : "cumulative", o->bma);
    for (int i = 0; i < RN; i++)
        len += (size_t)snprintf(t + len, 16384 - len, "%s{\"name\": \"p%d\", \"stake\": %.17g}", i ? ", " : "", i, stake[i]);
    len += (size_t)snprintf(t + len, 16384 - len, "], \"weights\": [");
    for (int i = 0; i < RN; i++) {
        len += (size_t)snprintf(t + len, 16384 - len, "%s{\"epoch\": 0, \"from\": \"p%d\", \"every\": 1, \"to\": {", i ? ", " : "", i);
        int first = 1;
        for (int j = RN - 1; j >= 0; j--)   /* listed in reverse, zeros included */
            if (W0[i][j] > 0 || j % 2 == 0) {
                len += (size_t)snprintf(t + len, 16384 - len, "%s\"p%d\": %.17g", first ? "" : ", ", j, W0[i][j]);
                first = 0;
            }
        len += (size_t)snprintf(t + len, 16384 - len, "}}");
    }
    snprintf(t + len, 16384 - len, "]}");
    return t;
}

Test(whitepaper, steps_match_a_dense_reference_under_every_option)
{
    const ref_opts opts[] = {
        {10, 0.5, 0.1, 0.5, 0, 0.9, 0, 0, 1},
        {10, 0.5, 0.1, 0.5, 0, 0.9, 0, 0, 0},
        {4, 0.3, 2.0, 0.3, 0, 0.8, 1, 1, 1},
        {25, 0.6, 0.05, 1.0, 0.2, 0.9, 0, 1, 0},
        {10, 0.5, 0.5, 0.0, 0.1, 0.5, 1, 0, 1},
    };
    enum { STEPS = 12 };
    for (size_t q = 0; q < sizeof opts / sizeof opts[0]; q++) {
        double S[RN] = {3, 2, 1, 0.5, 2.5, 1}, want[STEPS][RN];
        ref_steps(&opts[q], W0, S, STEPS, want);
        char *text = ref_scenario(&opts[q], STEPS);
        wp_trace *t = wp_run_text(text, NULL, 0);
        for (int e = 0; e < STEPS; e++)
            for (int i = 0; i < RN; i++)
                cr_expect(fabs(WP(t, stake, e, i) - want[e][i]) <= 1e-12 * fabs(want[e][i]) + 1e-15,
                          "options %zu step %d peer %d: %.17g, reference %.17g", q, e, i, WP(t, stake, e, i), want[e][i]);
        wp_trace_free(t);
        free(text);
    }
}

/* On the 100-peer cabal scenario: I sums to 1, the mint is exactly tau tokens, dividends never
 * exceed the incentive paid out, rank sums to the stake that voted (everyone here). */
Test(whitepaper, invariants_on_the_cabal_scenario)
{
    const char *sets[] = {"epochs=30"};
    wp_trace *t = wp_run_file("scenarios/whitepaper/cabal_k10.json", sets, 1);
    double prev = 100;
    for (long e = 0; e < t->epochs; e++) {
        double si = wp_sum(t, t->incentive, e, 0, t->n), sr = wp_sum(t, t->rank, e, 0, t->n);
        double st = wp_sum(t, t->stake, e, 0, t->n), sd = wp_sum(t, t->dividends, e, 0, t->n);
        cr_expect(fabs(si - 1) < 1e-12, "epoch %ld: sum I %.17g", e, si);
        cr_expect(fabs(sr - 1) < 1e-12, "epoch %ld: sum R %.17g", e, sr);
        cr_expect(fabs(st - prev - 1) < 1e-9, "epoch %ld: minted %.17g, want 1 token", e, st - prev);
        cr_expect(sd <= 1 + 1e-12, "epoch %ld: dividends %.17g", e, sd);
        cr_expect(fabs(wp_sum(t, t->emission, e, 0, t->n) - 1e9) < 1e-3, "emission is the mint in rao");
        prev = st;
    }
    wp_trace_free(t);
}

/* Without self-weights section 10 has no votes at all: nothing is earned, the mint follows the
 * stake (as the chain's fallback does) and the shares stay put. */
Test(whitepaper, no_votes_means_the_mint_follows_stake)
{
    const char *sets[] = {"mechanism.count_self_weights=false", "epochs=5"};
    wp_trace *t = wp_run_file("scenarios/whitepaper/section10.json", sets, 2);
    for (long e = 0; e < t->epochs; e++) {
        cr_expect_eq(WP(t, incentive, e, 0) + WP(t, incentive, e, 1), 0);
        cr_expect(fabs(WP(t, stake, e, 1) / (WP(t, stake, e, 0) + WP(t, stake, e, 1)) - 0.49) < 1e-15);
    }
    wp_trace_free(t);
}

/* active_stake_only: a peer whose weights are older than the activity cutoff drops out of the
 * stake that rank and trust count. */
Test(whitepaper, active_stake_only_drops_stale_voters)
{
    const char *text =
        "{\"name\": \"a\", \"epochs\": 4, \"mechanism\": {\"kind\": \"whitepaper\", \"tempo\": 1, "
        "\"activity_cutoff\": 1, \"active_stake_only\": true}, \"peers\": [{\"name\": \"A\", \"stake\": 3}, "
        "{\"name\": \"B\", \"stake\": 1}, {\"name\": \"X\", \"stake\": 0}, {\"name\": \"Y\", \"stake\": 0}], "
        "\"weights\": [{\"epoch\": 0, \"from\": \"A\", \"to\": {\"X\": 1}}, "
        "{\"epoch\": 0, \"from\": \"B\", \"to\": {\"Y\": 1}, \"every\": 1}]}";
    wp_trace *t = wp_run_text(text, NULL, 0);
    cr_expect(fabs(WP(t, trust, 0, 2) - 0.75) < 1e-15 && fabs(WP(t, trust, 0, 3) - 0.25) < 1e-15);
    cr_expect_eq(WP(t, trust, 3, 2), 0, "A's row is stale by epoch 3");
    cr_expect_eq(WP(t, trust, 3, 3), 1);
    wp_trace_free(t);
}

/* ---- the consensus peg ---- */

#define PEG_HEAD "{\"name\": \"peg\", \"epochs\": %s, \"mechanism\": {\"kind\": \"whitepaper\", \"peg\": %s}, " \
                 "\"peers\": [{\"name\": \"V\", \"stake\": 1}, {\"name\": \"U\", \"stake\": 1}, " \
                 "{\"name\": \"a\", \"stake\": 0}, {\"name\": \"b\", \"stake\": 0}, {\"name\": \"c\", \"stake\": 0}], " \
                 "\"weights\": [{\"epoch\": 0, \"from\": \"V\", \"to\": %s, \"every\": 1}, " \
                 "{\"epoch\": 0, \"from\": \"U\", \"to\": {\"c\": 1}, \"every\": 1}]}"

static wp_trace *peg_run(const char *epochs, const char *peg, const char *row)
{
    char text[2048];
    snprintf(text, sizeof text, PEG_HEAD, epochs, peg, row);
    return wp_run_text(text, NULL, 0);
}

Test(peg, short_rows_are_rejected_or_padded_from_the_listed_zeros)
{
    wp_trace *t = peg_run("1", "{\"min_allowed_weights\": 2}", "{\"a\": 1, \"b\": 0, \"c\": 0}");
    cr_expect_eq(WP(t, trust, 0, 2), 0, "V's one-edge row is rejected");
    cr_expect_eq(WP(t, trust, 0, 4), 0, "U's too");
    wp_trace_free(t);
    t = peg_run("1", "{\"min_allowed_weights\": 2, \"short_rows\": \"pad\"}", "{\"a\": 4, \"b\": 0, \"c\": 0}");
    cr_expect_eq(WP(t, trust, 0, 2), 0.5);
    cr_expect_eq(WP(t, trust, 0, 3), 0.5, "b padded with V's smallest weight");
    cr_expect_eq(WP(t, trust, 0, 4), 0, "c not needed; U lists nothing to pad with");
    cr_expect(fabs(WP(t, rank, 0, 2) - 0.25) < 1e-15 && fabs(WP(t, rank, 0, 3) - 0.25) < 1e-15);
    wp_trace_free(t);
    t = peg_run("1", "{\"max_min_ratio\": 10}", "{\"a\": 100, \"b\": 1}");
    cr_expect_eq(WP(t, trust, 0, 2), 0, "max/min 100 > 10: rejected");
    wp_trace_free(t);
    t = peg_run("1", "{\"max_min_ratio\": 10}", "{\"a\": 10, \"b\": 1}");
    cr_expect_eq(WP(t, trust, 0, 2), 0.5, "max/min 10: accepted");
    wp_trace_free(t);
}

Test(peg, controller_raises_the_minimum_while_the_loss_is_not_negative)
{
    wp_trace *t = wp_run_file("scenarios/whitepaper/cabal_peg_controller.json", NULL, 0);
    cr_expect_eq(t->min_weights[0], 1);
    int crossed = 0;
    for (long e = 0; e + 1 < t->epochs; e++) {
        long want = t->loss[e] >= 0 ? t->min_weights[e] + 1 : t->min_weights[e];
        if (want > 99) want = 99;
        cr_expect_eq(t->min_weights[e + 1], want, "epoch %ld: L %.6f, m %ld -> %ld", e, t->loss[e],
                     t->min_weights[e], t->min_weights[e + 1]);
        if (t->loss[e] < 0) crossed = 1;
        if (t->min_weights[e] >= 30) cr_expect_eq(wp_sum(t, t->rank, e, 0, 30), 0, "cabal rows rejected past 29");
    }
    cr_expect(crossed, "the controller reaches L < 0");
    wp_trace_free(t);
}

/* ---- the scaling vector's gradient ---- */

static double vb_loss(bt_arena *ar, const bt_params *p, const bt_wp_mat *W, const double *s, const double *A, size_t n)
{
    double R[8], x[8], T[8];
    cr_assert_eq(bt_wp_vb_consensus(ar, p, W, s, A, R, x, T), 0);
    return bt_wp_chain_loss(R, T, n);
}

Test(scaling_vector, gradient_matches_finite_differences)
{
    enum { N = 7 };
    size_t ptr[N + 1] = {0, 2, 3, 5, 6, 8, 9, 10};
    uint32_t col[10] = {1, 2, 0, 0, 1, 4, 3, 5, 6, 4};
    double val[10] = {0.5, 0.5, 1, 0.3, 0.7, 1, 0.9, 0.1, 1, 1};
    bt_wp_mat W = {N, ptr, col, val};
    double s[N] = {0.2, 0.1, 0.3, 0.05, 0.15, 0.12, 0.08}, A[N] = {1, 0.8, 0.5, 1, 0.3, 0.9, 0.6};
    bt_params p;
    bt_params_default(&p);
    bt_arena *ar = bt_arena_alloc();
    double R[N], x[N], T[N], g[N];
    for (long depth = 0; depth < 3; depth++) {
        p.scaling_depth = depth;
        cr_assert_eq(bt_wp_vb_consensus(ar, &p, &W, s, A, R, x, T), 0);
        cr_assert_eq(bt_wp_vb_gradient(ar, &p, &W, s, A, R, T, g), 0);
        for (int k = 0; k < N; k++) {
            double h = 1e-6, a0 = A[k];
            A[k] = a0 + h;
            double up = vb_loss(ar, &p, &W, s, A, N);
            A[k] = a0 - h;
            double dn = vb_loss(ar, &p, &W, s, A, N);
            A[k] = a0;
            double fd = (up - dn) / (2 * h);
            cr_expect(fabs(fd - g[k]) < 1e-7, "depth %ld a_%d: gradient %.10g, finite difference %.10g", depth, k, g[k], fd);
        }
    }
    bt_arena_free(ar);
}

/* ---- yuma0 against numpy ---- */

static const double Y0_T[8][5] = {
    {0.24390243902439024, 0.6341463414634146, 0.4878048780487805, 0.14634146341463414, 0.7317073170731707},
    {0.24203267511990348, 0.6263237702897815, 0.48208983304324265, 0.14423393724653888, 0.7241225081631462},
    {0.24033685555618176, 0.619103212927081, 0.4768600791457248, 0.14224313378135628, 0.7171969347019066},
    {0.23888988866607172, 0.6126653768348057, 0.47224846443476476, 0.14041691240004092, 0.7111383531008365},
    {0.3367060745178351, 0.663293925482165, 0.663293925482165, 0.0, 1.0},
    {0.335854145965736, 0.6641458540342641, 0.6641458540342641, 0.0, 1.0},
    {0.33505296814532104, 0.664947031854679, 0.664947031854679, 0.0, 1.0},
    {0.33429667578316635, 0.6657033242168336, 0.6657033242168336, 0.0, 1.0},
};
static const double Y0_C[8][5] = {
    {0.071697663421247, 0.7927430321151234, 0.4695689268993475, 0.028291098232614165, 0.9102874260871401},
    {0.07046312507958373, 0.7795960665237952, 0.4553628115570179, 0.027717448392360115, 0.9038975641023972},
    {0.06936045440879901, 0.7669392464320812, 0.4424257774143582, 0.027185957699918908, 0.8977109625532383},
    {0.06843224340704496, 0.75523493916814, 0.43108173598617155, 0.026707126931856985, 0.8920120337676041},
    {0.1634385418172783, 0.8365823202202961, 0.8365823202202961, 0.006693358157586861, 0.9933076562708373},
    {0.16227706798228897, 0.8377436745546295, 0.8377436745546295, 0.006693358157586861, 0.9933076562708373},
    {0.16119086585949174, 0.8388297645487771, 0.8388297645487771, 0.006693358157586861, 0.9933076562708373},
    {0.16017091365394615, 0.8398496111369124, 0.8398496111369124, 0.006693358157586861, 0.9933076562708373},
};
static const double Y0_R[8][5] = {
    {0.1388888888888889, 0.1259259259259259, 0.18518518518518517, 0.13333333333333333, 0.41666666666666663},
    {0.13936251432193494, 0.12574915926949484, 0.1850583500173118, 0.1328799370433557, 0.4169500393479027},
    {0.13982176557134898, 0.12557630319046947, 0.18494990580990947, 0.13240540114205895, 0.4172466242862132},
    {0.1402668143479559, 0.12540755041070473, 0.1848572385011294, 0.13191572464056006, 0.41755267209965},
    {0.16835303725891754, 0.11054898758036083, 0.22109797516072166, 0.0, 0.5},
    {0.167927072982868, 0.11069097567237735, 0.2213819513447547, 0.0, 0.5},
    {0.16752648407266052, 0.11082450530911316, 0.2216490106182263, 0.0, 0.5},
    {0.16714833789158318, 0.11095055403613893, 0.22190110807227786, 0.0, 0.5},
};
static const double Y0_I[8][5] = {
    {0.01717488259210094, 0.17217451057238653, 0.149977759451971, 0.006505936409451265, 0.6541669109740903},
    {0.017147143407367275, 0.17118221271000017, 0.14714657301300346, 0.006431267408846989, 0.6580928034607821},
    {0.017134438101160474, 0.1701577803317487, 0.144569837411771, 0.0063596540785985775, 0.6617782900767212},
    {0.017141136633271263, 0.169133510698256, 0.1423049442574482, 0.006291405003099246, 0.6651290034079254},
    {0.0343247458519638, 0.11537065209847037, 0.23074130419694075, 0.0, 0.619563297852625},
    {0.03397435575409899, 0.11561035439233025, 0.2312207087846605, 0.0, 0.6191945810689103},
    {0.03364757991360255, 0.11583493648916975, 0.2316698729783395, 0.0, 0.6188476106188883},
    {0.033341535814713205, 0.11604618999088519, 0.23209237998177037, 0.0, 0.6185198942126312},
};
static const double Y0_D[8][5] = {
    {0.712687938267335, 0.23523051958346436, 0.052081542149200646, 0.0, 0.0},
    {0.7116935972908139, 0.236571257162329, 0.05173514554685713, 0.0, 0.0},
    {0.7107269172649361, 0.23789866271084872, 0.051374420024215196, 0.0, 0.0},
    {0.7098130550332041, 0.23917834912531247, 0.05100859584148348, 0.0, 0.0},
    {0.7586705970446574, 0.2413294029553425, 0.0, 0.0, 0.0},
    {0.7590364201658573, 0.2409635798341428, 0.0, 0.0, 0.0},
    {0.7594318347422009, 0.24056816525779914, 0.0, 0.0, 0.0},
    {0.7598516419392408, 0.24014835806075915, 0.0, 0.0, 0.0},
};
static const double Y0_E[8][5] = {
    {0.364931410429718, 0.20370251507792544, 0.10102965080058582, 0.0032529682047256325, 0.32708345548704515},
    {0.3644203703490906, 0.2038767349361646, 0.0994408592799303, 0.0032156337044234947, 0.32904640173039107},
    {0.36393067768304826, 0.2040282215212987, 0.0979721287179931, 0.0031798270392992887, 0.3308891450383606},
    {0.3634770958332377, 0.20415592991178422, 0.09665677004946584, 0.003145702501549623, 0.3325645017039627},
    {0.3964976714483106, 0.17835002752690643, 0.11537065209847037, 0.0, 0.3097816489263125},
    {0.39650538795997814, 0.17828696711323652, 0.11561035439233025, 0.0, 0.30959729053445517},
    {0.3965397073279017, 0.17820155087348444, 0.11583493648916975, 0.0, 0.30942380530944413},
    {0.396596588876977, 0.17809727402582218, 0.11604618999088519, 0.0, 0.3092599471063156},
};
static const double Y0_L[8] = {-0.07980069180131741, -0.0726853764955772, -0.06600053874031067, -0.05998461401671035, -0.3016191886394749, -0.30209653527336977, -0.30254624824152143, -0.30297146911928086};

/* 5 peers, stake 10, 5, 3, 0, 2.5 (tokens), 3 validator permits, activity cutoff 3 blocks at
 * tempo 1, emission added to stake; P2 and P4 set weights once, P0 and P1 every epoch; P0's
 * self-weight is masked. Expected: /tmp reference yuma0_ref2.py (numpy, dense, written from
 * subtensor's first sigmoid epoch), printed with repr. */
Test(yuma0, eight_epochs_match_an_independent_dense_model)
{
    const char *text =
        "{\"name\": \"y0\", \"epochs\": 8, \"mechanism\": {\"kind\": \"yuma0\", \"tempo\": 1, "
        "\"activity_cutoff\": 3, \"max_allowed_validators\": 3, \"stake_from_emission\": true}, "
        "\"peers\": [{\"name\": \"P0\", \"stake\": 10}, {\"name\": \"P1\", \"stake\": 5}, "
        "{\"name\": \"P2\", \"stake\": 3}, {\"name\": \"P3\", \"stake\": 0}, {\"name\": \"P4\", \"stake\": 2.5}], "
        "\"weights\": [{\"epoch\": 0, \"from\": \"P0\", \"to\": {\"P0\": 5, \"P1\": 1, \"P2\": 2, \"P4\": 3}, \"every\": 1}, "
        "{\"epoch\": 0, \"from\": \"P1\", \"to\": {\"P0\": 1, \"P4\": 1}, \"every\": 1}, "
        "{\"epoch\": 0, \"from\": \"P2\", \"to\": {\"P0\": 0, \"P1\": 1, \"P3\": 4}}, "
        "{\"epoch\": 0, \"from\": \"P4\", \"to\": {\"P3\": 1}}]}";
    wp_trace *t = wp_run_text(text, NULL, 0);
    const double (*want[])[5] = {Y0_T, Y0_C, Y0_R, Y0_I, Y0_D};
    const char *names[] = {"trust", "consensus", "rank", "incentive", "dividends"};
    for (int e = 0; e < 8; e++) {
        const double *got[] = {&WP(t, trust, e, 0), &WP(t, consensus, e, 0), &WP(t, rank, e, 0),
                               &WP(t, incentive, e, 0), &WP(t, dividends, e, 0)};
        for (int q = 0; q < 5; q++)
            for (int i = 0; i < 5; i++)
                cr_expect(fabs(got[q][i] - want[q][e][i]) < 1e-12, "epoch %d %s[%d]: %.17g, numpy %.17g", e,
                          names[q], i, got[q][i], want[q][e][i]);
        for (int i = 0; i < 5; i++)
            cr_expect(fabs(WP(t, emission, e, i) / 1e9 - Y0_E[e][i]) < 1e-12, "epoch %d emission[%d]", e, i);
        cr_expect(fabs(t->loss[e] - Y0_L[e]) < 1e-12, "epoch %d L %.17g, numpy %.17g", e, t->loss[e], Y0_L[e]);
    }
    wp_trace_free(t);
}

Test(yuma0, fixed_arithmetic_is_refused_with_the_json_path)
{
    const char *text = "{\"name\": \"y\", \"epochs\": 1, \"mechanism\": {\"kind\": \"yuma0\", \"arithmetic\": \"fixed\"}, "
                       "\"peers\": [{\"name\": \"V\", \"stake\": 1}]}";
    bt_scenario sc;
    char err[512];
    cr_assert_eq(bt_scenario_parse("t.json", text, strlen(text), NULL, 0, &sc, err, sizeof err), 0, "%s", err);
    bt_run_options opt = {.quiet = 1};
    bt_run_summary sum;
    cr_expect_eq(bt_run(&sc, &opt, &sum, err, sizeof err), 2);
    cr_expect_str_eq(err, "t.json: mechanism.arithmetic: kind \"yuma0\" runs in float arithmetic only, got \"fixed\"");
    bt_scenario_free(&sc);
}
