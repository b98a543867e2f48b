/* `btsim bench`: times epochs of a mechanism on random weights (V validators x M miners; every
 * miner, or --per-validator K random ones), liquid alpha on for Yuma 3, and, as the floor no
 * epoch can beat, one streaming pass over the same weight and bond bytes. Prints per-phase
 * times, the peak resident memory, and last `epoch_ms=<median>` (a contract used by scripts). */
#include "cli/cli.h"
#include "mechanism/mechanism.h"
#include <getopt.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef struct {
    long validators, miners, per_validator, epochs, threads, seed;
    int fixed;
    bt_params p;
} bench_args;

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

static int parse_kind(const char *s, bt_kind *k)
{
    const bt_kind all[] = {BT_KIND_YUMA, BT_KIND_YUMA3, BT_KIND_YUMA0, BT_KIND_WHITEPAPER};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (!strcmp(s, bt_kind_name(all[i]))) { *k = all[i]; return 0; }
    return -1;
}

static int parse_args(int argc, char **argv, bench_args *a)
{
    static const struct option opts[] = {
        {"validators", required_argument, 0, 'v'}, {"miners", required_argument, 0, 'm'},
        {"per-validator", required_argument, 0, 'K'}, {"kind", required_argument, 0, 'k'},
        {"epochs", required_argument, 0, 'e'}, {"threads", required_argument, 0, 't'},
        {"seed", required_argument, 0, 's'}, {"fixed", no_argument, 0, 'f'}, {0, 0, 0, 0}};
    memset(a, 0, sizeof *a);
    a->validators = 256; a->miners = 256; a->epochs = 10; a->seed = 1;
    bt_params_default(&a->p);
    a->p.kind = BT_KIND_YUMA3;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "v:m:K:k:e:t:s:f", opts, NULL)) != -1) {
        switch (c) {
        case 'v': a->validators = bt_cli_parse_count(optarg, 1L << 24); break;
        case 'm': a->miners = bt_cli_parse_count(optarg, 1L << 28); break;
        case 'K': a->per_validator = bt_cli_parse_count(optarg, 1L << 24); break;
        case 'e': a->epochs = bt_cli_parse_count(optarg, 1L << 20); break;
        case 't': a->threads = bt_cli_parse_count(optarg, 4096); break;
        case 's': a->seed = bt_cli_parse_count(optarg, 1L << 40); break;
        case 'f': a->fixed = 1; break;
        case 'k':
            if (parse_kind(optarg, &a->p.kind) || !bt_mechanism_for(a->p.kind)) {
                fprintf(stderr, "btsim bench: --kind: \"%s\" is not an implemented mechanism\n", optarg);
                return 2;
            }
            break;
        default: fprintf(stderr, "btsim bench: unknown option\n"); return 2;
        }
    }
    if (a->validators < 1 || a->miners < 1 || a->epochs < 1 || a->threads < 0 || a->seed < 0 ||
        a->per_validator < 0 || a->per_validator > a->miners) {
        fprintf(stderr, "btsim bench: --validators, --miners, --epochs take integers >= 1; "
                        "--per-validator at most --miners\n");
        return 2;
    }
    return 0;
}

/* k distinct miners out of m by rejection (k << m here; gsl_ran_choose would scan all m). */
static void sample_distinct(gsl_rng *rng, size_t *to, size_t k, size_t first, size_t m)
{
    for (size_t q = 0; q < k; q++) {
        size_t j;
        int again;
        do {
            j = first + (size_t)gsl_rng_uniform_int(rng, (unsigned long)m);
            again = 0;
            for (size_t r = 0; r < q && !again; r++) again = to[r] == j;
        } while (again);
        to[q] = j;
    }
}

/* Validators 0..V-1 with random stake, miners V..V+M-1 with none; each validator weights every
 * miner, or K distinct random ones, with uniform random weights. */
static int build_subnet(const bench_args *a, bt_subnet *net, gsl_rng *rng)
{
    size_t v = (size_t)a->validators, m = (size_t)a->miners;
    size_t k = a->per_validator ? (size_t)a->per_validator : m;
    size_t *all = malloc(m * sizeof *all), *to = malloc(k * sizeof *to);
    double *w = malloc(k * sizeof *w);
    int rc = -1;
    if (!all || !to || !w) goto out;
    for (size_t j = 0; j < m; j++) all[j] = v + j;
    for (size_t i = 0; i < v; i++) net->stake[i] = gsl_ran_lognormal(rng, 0.0, 1.0);
    net->current_block = 1;
    for (size_t i = 0; i < v; i++) {
        if (k == m) memcpy(to, all, m * sizeof *to);
        else sample_distinct(rng, to, k, v, m);
        for (size_t q = 0; q < k; q++) w[q] = gsl_rng_uniform(rng);
        if (bt_subnet_set_weights(net, i, to, w, k, a->p.arithmetic)) goto out;
    }
    rc = 0;
out:
    free(all); free(to); free(w);
    return rc;
}

int bt_cli_bench(int argc, char **argv)
{
    bench_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc) return rc;
    if (a.threads > 0) omp_set_num_threads((int)a.threads);
    bt_params *p = &a.p;
    p->arithmetic = a.fixed ? BT_ARITH_FIXED : BT_ARITH_FLOAT;
    p->liquid_alpha = 1;
    p->alpha_low = 0.1;
    p->alpha_high = 0.3;
    p->max_allowed_validators = a.validators;
    p->tempo = 1;
    p->activity_cutoff = 1L << 40;
    const bt_mechanism *mech = bt_mechanism_for(p->kind);

    size_t n = (size_t)(a.validators + a.miners);
    bt_subnet *net = bt_subnet_alloc(n);
    bt_epoch_result *res = bt_epoch_result_alloc(n);
    double *times = malloc((size_t)a.epochs * sizeof *times);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    rc = 1;
    if (!net || !res || !times || !rng) { fprintf(stderr, "btsim bench: out of memory\n"); goto out; }
    gsl_rng_set(rng, (unsigned long)a.seed);
    if (build_subnet(&a, net, rng)) { fprintf(stderr, "btsim bench: out of memory\n"); goto out; }
    bt_subnet_init_permits(net, p);
    double floor_ms = 1e300, sink = 0, phases[BT_PHASES] = {0};
    long warm = a.epochs > 2 ? 2 : 0;
    size_t nnz = 0;
    for (size_t i = 0; i < n; i++) nnz += net->weights[i].len;
    for (long e = 0; e < a.epochs; e++) {
        net->current_block = 2 + e;
        double t0 = now_ms();
        if (mech->epoch(p, net, res) != BT_OK) { fprintf(stderr, "btsim bench: epoch failed\n"); goto out; }
        times[e] = now_ms() - t0;
        if (e >= warm)   /* steady state: bonds exist and the arena has its final size */
            for (int ph = 0; ph < BT_PHASES; ph++) phases[ph] += res->phase_ms[ph] / (double)(a.epochs - warm);
        double s = stream_pass_ms(net, &sink);
        if (s < floor_ms) floor_ms = s;
    }
    qsort(times, (size_t)a.epochs, sizeof *times, cmp_double);
    double median = times[a.epochs / 2];
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("kind=%s arithmetic=%s validators=%ld miners=%ld per_validator=%ld nnz=%zu epochs=%ld threads=%d\n",
           bt_kind_name(p->kind), a.fixed ? "fixed" : "float", a.validators, a.miners,
           a.per_validator ? a.per_validator : a.miners, nnz, a.epochs, omp_get_max_threads());
    printf("phases_ms");
    for (int ph = 0; ph < BT_PHASES; ph++) printf(" %s=%.2f", bt_phase_names[ph], phases[ph]);
    printf("\n");
    printf("maxrss_mb=%.1f\n", ru.ru_maxrss / 1024.0);
    printf("stream_ms=%.3f ratio=%.2f checksum=%g\n", floor_ms, median / floor_ms, sink > 0 ? 1.0 : 0.0);
    printf("epoch_ms=%.3f\n", median);
    rc = 0;
out:
    gsl_rng_free(rng);
    bt_subnet_free(net);
    bt_epoch_result_free(res);
    free(times);
    return rc;
}
