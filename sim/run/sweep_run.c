/* bt_sweep_execute: plans runs, hands them out (OpenMP dynamic schedule within a process, an
 * atomic counter across MPI ranks), runs each into its own file, and summarises. */
#include "run/sweep_run.h"
#include "run/progress.h"
#include "run/run.h"
#include "io/h5out.h"
#include "io/h5read.h"
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef BT_MPI
#include <mpi.h>
#endif

char *bt_sweep_run_path(const char *dir, size_t r)
{
    size_t n = strlen(dir) + 40;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/runs/run_%06zu.h5", dir, r);
    return p;
}

static int make_dir(const char *path)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST) {
        struct stat st;
        return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
    }
    return -1;
}

/* Files a killed run left behind (PATH.tmp.PID) are never complete: delete them. Returns the
 * number of complete-looking run files seen, or -1 if the directory cannot be read. */
static long clean_runs_dir(const char *runs_dir)
{
    DIR *d = opendir(runs_dir);
    if (!d) return -1;
    long runs = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strstr(e->d_name, ".tmp.")) {
            size_t n = strlen(runs_dir) + strlen(e->d_name) + 2;
            char *path = malloc(n);
            if (path) {
                snprintf(path, n, "%s/%s", runs_dir, e->d_name);
                unlink(path);
                free(path);
            }
        } else if (strncmp(e->d_name, "run_", 4) == 0) {
            runs++;
        }
    }
    closedir(d);
    return runs;
}

static int run_is_complete(const char *path)
{
    if (access(path, F_OK) != 0) return 0;
    bt_h5read *r;
    char err[256];
    if (bt_h5read_open(&r, path, err, sizeof err)) return 0;
    bt_h5read_close(r);
    return 1;
}

typedef struct {
    const bt_sweep *sw;
    const bt_sweep_options *opt;
    const bt_scenario *base;
    char **failure;            /* per run: message, NULL when fine */
    int interrupted;
} exec_ctx;

/* Runs plan r into its file. 0 fine, 1 failed (message kept), 130 interrupted. */
static int execute_one(exec_ctx *x, size_t r)
{
    char *path = bt_sweep_run_path(x->opt->out_dir, r);
    char err[1024] = "out of memory";
    int rc = 1;
    bt_sweep_plan plan;
    if (!path) goto fail;
    if (x->opt->resume && run_is_complete(path)) { free(path); return 0; }
    if (bt_sweep_plan_run(x->sw, x->base, r, &plan)) goto fail;
    bt_scenario sc;
    rc = bt_scenario_parse(x->sw->base_path, x->sw->base_text, x->sw->base_len,
                           (const char *const *)plan.sets, plan.nsets, &sc, err, sizeof err);
    if (rc == 0) {
        bt_run_options ro = {.out_path = path, .seed = plan.seed, .quiet = 1, .interrupt = x->opt->interrupt};
        bt_run_summary sum;
        rc = bt_run(&sc, &ro, &sum, err, sizeof err);
        bt_run_summary_free(&sum);
        bt_scenario_free(&sc);
    }
    bt_sweep_plan_free(&plan);
    if (rc == 130) { free(path); return 130; }
    if (rc == 0) { free(path); return 0; }
fail:
    free(path);
    size_t n = strlen(err) + 64;
    x->failure[r] = malloc(n);
    if (x->failure[r]) snprintf(x->failure[r], n, "run %zu: %s", r, err);
    return 1;
}

#ifdef BT_MPI
/* Next run index from a counter at rank 0 (MPI_Fetch_and_op): dynamic load balancing. */
static size_t next_index(MPI_Win win)
{
    long one = 1, got = 0;
    #pragma omp critical(bt_mpi)
    {
        MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win);
        MPI_Fetch_and_op(&one, &got, MPI_LONG, 0, 0, MPI_SUM, win);
        MPI_Win_unlock(0, win);
    }
    return (size_t)got;
}
#endif

static void run_all(exec_ctx *x, bt_progress *prog, size_t *done_out)
{
    const bt_sweep *sw = x->sw;
    int jobs = x->opt->jobs > 0 ? x->opt->jobs : omp_get_num_procs();
    size_t done = 0;
#ifdef BT_MPI
    long *counter = NULL;
    MPI_Win win;
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Win_allocate(rank == 0 ? (MPI_Aint)sizeof(long) : 0, sizeof(long), MPI_INFO_NULL, MPI_COMM_WORLD,
                     &counter, &win);
    if (rank == 0) {
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win);
        *counter = 0;
        MPI_Win_unlock(0, win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    #pragma omp parallel num_threads(jobs)
    for (;;) {
        size_t r = next_index(win);
        if (r >= sw->nruns) break;
#else
    #pragma omp parallel for num_threads(jobs) schedule(dynamic, 1)
    for (size_t r = 0; r < sw->nruns; r++) {
#endif
        if (x->interrupted || (x->opt->interrupt && *x->opt->interrupt)) {
            x->interrupted = 1;
            continue;
        }
        if (execute_one(x, r) == 130) x->interrupted = 1;
        #pragma omp critical(bt_progress)
        {
            done++;
            bt_progress_update(prog, done);
        }
    }
#ifdef BT_MPI
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Win_free(&win);
#endif
    *done_out = done;
}

int bt_sweep_execute(const bt_sweep *sw, const bt_sweep_options *opt, char *err, size_t errlen)
{
    int rank = 0, nranks = 1;
#ifdef BT_MPI
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
#endif
    char runs_dir[4096];
    snprintf(runs_dir, sizeof runs_dir, "%s/runs", opt->out_dir);
    int setup = 0;
    if (rank == 0) {
        if (make_dir(opt->out_dir) || make_dir(runs_dir)) {
            snprintf(err, errlen, "%s: cannot create the sweep directory: %s", opt->out_dir, strerror(errno));
            setup = 1;
        } else {
            long existing = clean_runs_dir(runs_dir);
            if (existing > 0 && !opt->resume) {
                snprintf(err, errlen, "%s: already holds %ld run files; use --resume to continue that sweep, "
                         "or another directory", opt->out_dir, existing);
                setup = 2;
            }
        }
    }
#ifdef BT_MPI
    MPI_Bcast(&setup, 1, MPI_INT, 0, MPI_COMM_WORLD);
#endif
    if (setup) {
        if (rank != 0) snprintf(err, errlen, "sweep set-up failed on rank 0");
        return setup;
    }

    bt_scenario base;
    int rc = bt_scenario_parse(sw->base_path, sw->base_text, sw->base_len, (const char *const *)sw->fixed,
                               sw->nfixed, &base, err, errlen);
    if (rc) return rc;
    exec_ctx x = {.sw = sw, .opt = opt, .base = &base};
    x.failure = calloc(sw->nruns ? sw->nruns : 1, sizeof *x.failure);
    if (!x.failure) { bt_scenario_free(&base); snprintf(err, errlen, "out of memory"); return 1; }
    bt_progress prog;
    bt_progress_init(&prog, "runs", sw->nruns, opt->quiet || rank != 0);
    size_t done = 0;
    run_all(&x, &prog, &done);
    bt_progress_finish(&prog, done);

    long failed = 0, interrupted = x.interrupted;
    const char *first = NULL;
    for (size_t r = 0; r < sw->nruns; r++)
        if (x.failure[r]) { if (!first) first = x.failure[r]; failed++; }
    if (first) snprintf(err, errlen, "%ld of %zu runs failed; first: %s", failed, sw->nruns, first);
#ifdef BT_MPI
    long totals[2] = {failed, interrupted}, all[2];
    MPI_Allreduce(totals, all, 2, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    if (all[0] && !failed) snprintf(err, errlen, "%ld of %zu runs failed on other ranks", all[0], sw->nruns);
    failed = all[0];
    interrupted = all[1];
#endif
    for (size_t r = 0; r < sw->nruns; r++) free(x.failure[r]);
    free(x.failure);
    bt_scenario_free(&base);
    (void)nranks;
    if (interrupted) {
        snprintf(err, errlen, "interrupted; completed runs are kept in %s/runs, --resume continues", opt->out_dir);
        return 130;
    }
    if (rank == 0) {
        char serr[1024];
        if (bt_sweep_write_summary(sw, opt->out_dir, serr, sizeof serr)) {
            snprintf(err, errlen, "%s", serr);
            return 1;
        }
    }
    return failed ? 1 : 0;
}
