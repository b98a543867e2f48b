/* `btsim bench`: times chain epochs on random dense weights (V validators x M miners, liquid
 * alpha on) and, as the floor no epoch can beat, one streaming pass over the same weight and
 * bond bytes. The last line is `epoch_ms=<median>` (a contract used by scripts). */
#include "cli/cli.h"
#include "mechanism/mechanism.h"
#include <getopt.h>
#include <gsl/gsl_rng.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One pass reading every byte of the weight and bond rows (column index and value). */
static double stream_pass_ms(const bt_subnet *net, double *sink)
{
    double t0 = now_ms(), s = 0;
    for (size_t i = 0; i < net->n; i++) {
        const bt_row *w = &net->weights[i], *b = &net->bonds[i];
        for (uint32_t q = 0; q < w->len; q++) s += w->val[q] + w->col[q];
        for (uint32_t q = 0; q < b->len; q++) s += b->val[q] + b->col[q];
    }
    *sink += s;
    return now_ms() - t0;
}

int bt_cli_bench(int argc, char **argv)
{
    static const struct option opts[] = {
        {"validators", required_argument, 0, 'v'}, {"miners", required_argument, 0, 'm'},
        {"kind", required_argument, 0, 'k'}, {"epochs", required_argument, 0, 'e'},
        {"threads", required_argument, 0, 't'}, {"seed", required_argument, 0, 's'},
        {"fixed", no_argument, 0, 'f'}, {0, 0, 0, 0}};
    long v = 256, m = 256, epochs = 10, threads = 0, seed = 1;
    int fixed = 0;
    bt_params p;
    bt_params_default(&p);
    p.kind = BT_KIND_YUMA3;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "v:m:k:e:t:s:f", opts, NULL)) != -1) {
        switch (c) {
        case 'v': v = bt_cli_parse_count(optarg, 1 << 20); break;
        case 'm': m = bt_cli_parse_count(optarg, 1 << 24); break;
        case 'e': epochs = bt_cli_parse_count(optarg, 1 << 20); break;
        case 't': threads = bt_cli_parse_count(optarg, 4096); break;
        case 's': seed = bt_cli_parse_count(optarg, 1L << 40); break;
        case 'f': fixed = 1; break;
        case 'k':
            if (!strcmp(optarg, "yuma3")) p.kind = BT_KIND_YUMA3;
            else if (!strcmp(optarg, "yuma")) p.kind = BT_KIND_YUMA;
            else { fprintf(stderr, "btsim bench: --kind: expected yuma or yuma3\n"); return 2; }
            break;
        default: fprintf(stderr, "btsim bench: unknown option\n"); return 2;
        }
    }
    if (v < 1 || m < 1 || epochs < 1 || threads < 0 || seed < 0) {
        fprintf(stderr, "btsim bench: --validators, --miners and --epochs take integers >= 1\n");
        return 2;
    }
    if (threads > 0) omp_set_num_threads((int)threads);
    p.arithmetic = fixed ? BT_ARITH_FIXED : BT_ARITH_FLOAT;
    p.liquid_alpha = 1;
    p.alpha_low = 0.1;
    p.alpha_high = 0.3;
    p.max_allowed_validators = v;
    p.tempo = 1;
    p.activity_cutoff = 1L << 40;

    size_t n = (size_t)(v + m);
    bt_subnet *net = bt_subnet_alloc(n);
    bt_epoch_result *res = bt_epoch_result_alloc(n);
    size_t *to = malloc((size_t)m * sizeof *to);
    double *w = malloc((size_t)m * sizeof *w), *times = malloc((size_t)epochs * sizeof *times);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int rc = 1;
    if (!net || !res || !to || !w || !times || !rng) { fprintf(stderr, "btsim bench: out of memory\n"); goto out; }
    gsl_rng_set(rng, (unsigned long)seed);
    for (long i = 0; i < v; i++) net->stake[i] = 1.0 + 999.0 * gsl_rng_uniform(rng);
    for (long j = 0; j < m; j++) to[j] = (size_t)(v + j);
    net->current_block = 1;
    for (long i = 0; i < v; i++) {
        for (long j = 0; j < m; j++) w[j] = gsl_rng_uniform(rng);
        if (bt_subnet_set_weights(net, (size_t)i, to, w, (size_t)m, p.arithmetic)) goto out;
    }
    bt_subnet_init_permits(net, &p);
    double floor_ms = 1e300, sink = 0, phases[BT_PHASES] = {0};
    long warm = epochs > 2 ? 2 : 0;
    for (long e = 0; e < epochs; e++) {
        net->current_block = 2 + e;
        double t0 = now_ms();
        if (bt_yuma_epoch(&p, net, res) != BT_OK) { fprintf(stderr, "btsim bench: epoch failed\n"); goto out; }
        times[e] = now_ms() - t0;
        if (e >= warm)   /* steady state: bonds exist and the arena has its final size */
            for (int ph = 0; ph < BT_PHASES; ph++) phases[ph] += res->phase_ms[ph] / (double)(epochs - warm);
        double s = stream_pass_ms(net, &sink);
        if (s < floor_ms) floor_ms = s;
    }
    qsort(times, (size_t)epochs, sizeof *times, cmp_double);
    double median = times[epochs / 2];
    printf("kind=%s arithmetic=%s validators=%ld miners=%ld epochs=%ld threads=%d\n",
           bt_kind_name(p.kind), fixed ? "fixed" : "float", v, m, epochs, omp_get_max_threads());
    printf("phases_ms");
    for (int ph = 0; ph < BT_PHASES; ph++) printf(" %s=%.2f", bt_phase_names[ph], phases[ph]);
    printf("\n");
    printf("stream_ms=%.3f ratio=%.2f checksum=%g\n", floor_ms, median / floor_ms, sink > 0 ? 1.0 : 0.0);
    printf("epoch_ms=%.3f\n", median);
    rc = 0;
out:
    gsl_rng_free(rng);
    bt_subnet_free(net);
    bt_epoch_result_free(res);
    free(to); free(w); free(times);
    return rc;
}
