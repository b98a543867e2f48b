/* btsim's command line: run, validate, bench (and --help, --version). It parses options,
 * loads the scenario, and hands it to bt_run; errors go to stderr as one line, exit 2 for bad
 * input, 1 for failures, 130 when interrupted. */
#include "cli/cli.h"
#include "run/run.h"
#include "run/check.h"
#include "scenario/scenario.h"
#include <getopt.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t interrupted;
static volatile int interrupt_flag;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
    interrupt_flag = 1;
}

/* SIGINT and SIGTERM set a flag that runs and sweeps poll: they stop cleanly, keep what is
 * complete and leave no partial output. */
volatile int *bt_cli_install_signals(void)
{
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    return &interrupt_flag;
}

static const char *usage_text =
    "usage: btsim run SCENARIO.json -o OUT.h5 [--seed N] [--threads N] [--set key.path=value]... [--quiet]\n"
    "                 [--check] [--max-memory SIZE]\n"
    "       btsim validate SCENARIO.json [--set key.path=value]...\n"
    "       btsim sweep SWEEP.json -o DIR [--jobs N] [--resume] [--quiet]\n"
    "       btsim report OUT.h5|SWEEP_DIR [--peers] [--rows N] [--csv]\n"
    "       btsim bench --validators V --miners M [--kind yuma3] [--epochs N] [--threads T] [--seed N]\n"
    "       btsim bench-kernel [--objects N] [--population P] [--events E] [--repeats R]\n"
    "       btsim bench-models [--miners M] [--validators V] [--top-k K] [--epochs N]\n"
    "       btsim --help | --version\n"
    "\n"
    "run       simulates the scenario and writes HDF5 (schema: docs/hdf5-schema.md), then prints\n"
    "          stake share against emission share per group\n"
    "validate  checks a scenario file and exits 0, or 2 with one line naming the file and JSON path\n"
    "sweep     runs every point of a sweep file on all cores (and MPI ranks when built with MPI=1),\n"
    "          one HDF5 file per run plus DIR/summary.h5 (docs/sweeps.md)\n"
    "report    summarises a run (shares per group, consensus and dividends over epochs) or a sweep\n"
    "bench     times epochs on random dense weights with liquid alpha on; last line epoch_ms=...\n"
    "bench-kernel  events per second of the bare event kernel on PHOLD; last line events_per_s=...\n"
    "bench-models  models' forward pass vs GEMM rate; one models epoch; last line epoch_ms=...\n"
    "\n"
    "--check       verify the epoch invariants every epoch (emission conserved, incentive and\n"
    "              dividends sum to 1 or 0, bonds in [0,1], stake >= 0); a violation stops the run\n"
    "--max-memory  refuse up front a run estimated to need more (default 80% of physical memory;\n"
    "              sizes like 512M, 4G; 0 disables)\n"
    "Exit status: 0 ok, 1 failure, 2 bad input, 130 interrupted.\n"
    "Scenario keys: docs/scenario.md.\n";

static int usage_error(const char *msg)
{
    fprintf(stderr, "btsim: %s\n%s", msg, usage_text);
    return BT_EXIT_BAD_INPUT;
}

/* Sizes: a number with an optional K, M, G or T suffix (powers of 1024). 0 or -1. */
int bt_cli_parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || !(v >= 0)) return -1;
    double mult = 1;
    switch (*end) {
    case 'K': case 'k': mult = 1024.0; end++; break;
    case 'M': case 'm': mult = 1048576.0; end++; break;
    case 'G': case 'g': mult = 1073741824.0; end++; break;
    case 'T': case 't': mult = 1099511627776.0; end++; break;
    default: break;
    }
    if (*end == 'B' || *end == 'b') end++;
    if (*end || v * mult > 1.8e19) return -1;
    *out = (size_t)(v * mult);
    return 0;
}

size_t bt_cli_default_max_memory(void)
{
    return (size_t)((double)bt_physical_memory() * 0.8);
}

/* Parses a non-negative integer option; -1 when malformed. */
long bt_cli_parse_count(const char *s, long max)
{
    char *end;
    if (!s || !*s) return -1;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < 0 || v > max) return -1;
    return v;
}

typedef struct {
    const char *scenario, *out;
    const char **sets;
    size_t nsets;
    int have_seed, quiet, check;
    size_t max_memory;
    uint64_t seed;
    long threads;
} run_args;

static int parse_run_args(int argc, char **argv, run_args *a, int need_out)
{
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"seed", required_argument, 0, 's'},
        {"threads", required_argument, 0, 't'}, {"set", required_argument, 0, 'S'},
        {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'},
        {"check", no_argument, 0, 'C'}, {"max-memory", required_argument, 0, 'M'}, {0, 0, 0, 0}};
    memset(a, 0, sizeof *a);
    a->max_memory = bt_cli_default_max_memory();
    a->sets = calloc((size_t)argc + 1, sizeof *a->sets);
    if (!a->sets) return 1;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "o:s:t:S:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': a->out = optarg; break;
        case 's': {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (errno || *end || optarg[0] == '-' || !optarg[0]) return usage_error("--seed: expected a non-negative integer");
            a->seed = v;
            a->have_seed = 1;
            break;
        }
        case 't':
            if ((a->threads = bt_cli_parse_count(optarg, 4096)) < 1) return usage_error("--threads: expected an integer >= 1");
            break;
        case 'S': a->sets[a->nsets++] = optarg; break;
        case 'q': a->quiet = 1; break;
        case 'C': a->check = 1; break;
        case 'M':
            if (bt_cli_parse_size(optarg, &a->max_memory))
                return usage_error("--max-memory: expected a size such as 512M, 4G or 0 (no limit)");
            break;
        case 'h': fputs(usage_text, stdout); exit(0);
        default: return usage_error("unknown option");
        }
    }
    if (optind + 1 != argc) return usage_error("expected exactly one scenario file");
    a->scenario = argv[optind];
    if (need_out && !a->out) return usage_error("run needs -o OUT.h5");
    return 0;
}

static int cmd_validate(int argc, char **argv)
{
    run_args a;
    int rc = parse_run_args(argc, argv, &a, 0);
    if (rc) { free(a.sets); return rc; }
    bt_scenario sc;
    char err[1024];
    rc = bt_scenario_load(a.scenario, a.sets, a.nsets, &sc, err, sizeof err);
    if (rc) fprintf(stderr, "%s\n", err);
    else {
        printf("%s: ok (%s, %zu peers, %ld epochs, %zu weight sets)\n", a.scenario, sc.name, sc.npeers,
               sc.epochs, sc.nweights);
        bt_scenario_free(&sc);
    }
    free(a.sets);
    return rc;
}

static int cmd_run(int argc, char **argv)
{
    run_args a;
    int rc = parse_run_args(argc, argv, &a, 1);
    if (rc) { free(a.sets); return rc; }
    bt_scenario sc;
    char err[1024];
    bt_cli_install_signals();   /* before loading: a large scenario takes a while to read */
    rc = bt_scenario_load(a.scenario, a.sets, a.nsets, &sc, err, sizeof err);
    if (rc) { fprintf(stderr, "%s\n", err); free(a.sets); return rc; }
    if (a.threads > 0) omp_set_num_threads((int)a.threads);
    bt_run_options opt = {.out_path = a.out, .seed = a.have_seed ? a.seed : sc.seed, .quiet = a.quiet,
                          .interrupt = &interrupt_flag, .check = a.check, .max_memory = a.max_memory};
    bt_run_summary sum;
    rc = bt_run(&sc, &opt, &sum, err, sizeof err);
    if (rc) {
        fprintf(stderr, "btsim: %s\n", err);
    } else if (!a.quiet) {
        printf("%s: %s (%s, %s), %zu peers, %ld epochs -> %s\n", a.scenario, sc.name,
               bt_kind_name(sc.mech.kind), sc.mech.arithmetic == BT_ARITH_FIXED ? "fixed" : "float",
               sc.npeers, sc.epochs, a.out);
        bt_run_print_groups(&sc, &sum, stdout);
    }
    bt_run_summary_free(&sum);
    bt_scenario_free(&sc);
    free(a.sets);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) return usage_error("missing command");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) { fputs(usage_text, stdout); return 0; }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) { printf("btsim %s\n", BTSIM_VERSION); return 0; }
    if (!strcmp(cmd, "run")) return cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "validate")) return cmd_validate(argc - 1, argv + 1);
    if (!strcmp(cmd, "bench")) return bt_cli_bench(argc - 1, argv + 1);
    if (!strcmp(cmd, "bench-kernel")) return bt_cli_bench_kernel(argc - 1, argv + 1);
    if (!strcmp(cmd, "bench-models")) return bt_cli_bench_models(argc - 1, argv + 1);
    if (!strcmp(cmd, "sweep")) return bt_cli_sweep(argc - 1, argv + 1);
    if (!strcmp(cmd, "report")) return bt_cli_report(argc - 1, argv + 1);
    char msg[256];
    snprintf(msg, sizeof msg, "unknown command \"%s\"", cmd);
    return usage_error(msg);
}
