/* `btsim sweep SWEEP.json -o DIR [--jobs N] [--resume] [--quiet]`: loads the sweep, runs it
 * (under MPI when built with MPI=1 and started by mpirun), reports where the results are. */
#include "cli/cli.h"
#include "run/sweep_run.h"
#include "scenario/sweep.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef BT_MPI
#include <mpi.h>
#endif

static int sweep_main(int argc, char **argv, int rank)
{
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"jobs", required_argument, 0, 'j'},
        {"resume", no_argument, 0, 'r'}, {"quiet", no_argument, 0, 'q'}, {0, 0, 0, 0}};
    bt_sweep_options so = {0};
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "o:j:rq", opts, NULL)) != -1) {
        switch (c) {
        case 'o': so.out_dir = optarg; break;
        case 'j':
            if ((so.jobs = (int)bt_cli_parse_count(optarg, 4096)) < 1) {
                fprintf(stderr, "btsim sweep: --jobs: expected an integer >= 1\n");
                return 2;
            }
            break;
        case 'r': so.resume = 1; break;
        case 'q': so.quiet = 1; break;
        default: fprintf(stderr, "btsim sweep: unknown option (see btsim --help)\n"); return 2;
        }
    }
    if (optind + 1 != argc || !so.out_dir) {
        fprintf(stderr, "btsim sweep: usage: btsim sweep SWEEP.json -o DIR [--jobs N] [--resume] [--quiet]\n");
        return 2;
    }
    bt_sweep sw;
    char err[2048];
    int rc = bt_sweep_load(argv[optind], &sw, err, sizeof err);
    if (rc) {
        if (rank == 0) fprintf(stderr, "%s\n", err);
        return rc;
    }
    so.interrupt = bt_cli_install_signals();
    rc = bt_sweep_execute(&sw, &so, err, sizeof err);
    if (rc && rank == 0) fprintf(stderr, "btsim: %s\n", err);
    if (rc != 2 && rc != 130 && rank == 0 && !so.quiet)
        printf("%s: %s, %zu runs -> %s/summary.h5 (runs in %s/runs/)\n", argv[optind], sw.name, sw.nruns,
               so.out_dir, so.out_dir);
    bt_sweep_free(&sw);
    return rc;
}

int bt_cli_sweep(int argc, char **argv)
{
#ifdef BT_MPI
    int provided, rank;
    MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int rc = sweep_main(argc, argv, rank);
    MPI_Finalize();
    return rc;
#else
    return sweep_main(argc, argv, 0);
#endif
}
