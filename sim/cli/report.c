/* btsim report: a terminal summary of a finished run, read back from its HDF5 file through
 * io/h5read. It prints, per group (or per peer with --peers), the stake share, the emission
 * share and their ratio, then compact tables of consensus, incentive and dividends over sampled
 * epochs (and the stake share when it moves), and alignment series when the file has them. --csv writes the
 * same tables as CSV (every epoch by default), one block per table, for spreadsheets.
 * A directory is a sweep: its table is report_sweep.c's. */
#include "cli/cli.h"
#include "cli/report.h"
#include "io/h5read.h"
#include "io/h5read_safe.h"
#include "scenario/scenario.h"   /* BT_EXIT_BAD_INPUT */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A series larger than this (elements) is refused: the reader loads whole datasets. */
#define RP_MAX_ELEMENTS ((size_t)1 << 27)
#define RP_DEFAULT_ROWS 11

static const char *report_usage =
    "usage: btsim report OUT.h5 [--peers] [--rows N] [--csv]\n"
    "       btsim report SWEEP_DIR [--rows N] [--csv]\n"
    "\n"
    "A run: per group (per peer with --peers) the stake share, the share of the whole run's\n"
    "emission and their ratio (1 = paid pro rata), then consensus, incentive and dividends over\n"
    "epochs (group sums), and alignment series when present.\n"
    "A sweep directory (btsim sweep -o DIR): one row per run, its parameters, per group the\n"
    "stake share, emission share and ratio, and the Gini coefficient of the final stake.\n"
    "\n"
    "  --peers    one column per peer instead of per group\n"
    "  --timeout S  give up reading after S seconds (default 600; 0: no limit). The file is read\n"
    "             in a child process, so a corrupt file that crashes or hangs the HDF5 library\n"
    "             gives one error line and exit status 2, never half a report\n"
    "  --rows N   rows shown, evenly spaced, first and last included (a run: epochs of the time\n"
    "             tables, default 11 on the terminal and every epoch with --csv; a sweep: runs,\n"
    "             default all)\n"
    "  --csv      the same tables as CSV on stdout: blocks separated by a blank line, each\n"
    "             starting with a line \"table,NAME\"\n";

typedef struct {
    const char *path;
    int csv, by_peer;
    long rows;   /* 0: the default */
    unsigned timeout;   /* seconds the reading may take; 0: no limit */
} rp_args;

/* A run as the report sees it: metadata, peers, and the columns (groups or peers). */
typedef struct {
    bt_h5read *r;
    const char *path;
    char *name, *mechanism, *arithmetic, *version;
    size_t n, epochs;
    char **peer_names, **peer_groups;
    size_t nnames, ngroups;
    size_t ncol;
    const char **col_name;   /* borrowed from peer_names / peer_groups */
    size_t *col_of;          /* per peer: its column */
    size_t *col_peers;       /* per column: how many peers */
} rp_run;

typedef struct {
    double *initial, *final, *emission, *server, *validator;   /* per column */
} rp_totals;

/* ---- errors ---- */

/* A file that is not a readable run is bad input (2); running out of memory is a failure (1). */
static int rp_fail(const rp_run *run, const char *what)
{
    fprintf(stderr, "btsim report: %s: %s\n", run->path, what ? what : bt_h5read_error(run->r));
    return BT_EXIT_BAD_INPUT;
}

static int rp_oom(const rp_run *run)
{
    fprintf(stderr, "btsim report: %s: out of memory\n", run->path);
    return 1;
}

/* ---- loading ---- */

/* Column k of each peer: groups in order of first appearance ("(none)" for no group). */
static int rp_make_columns(rp_run *run, int by_peer)
{
    size_t n = run->n, m = n ? n : 1;
    run->col_name = calloc(m, sizeof *run->col_name);
    run->col_of = calloc(m, sizeof *run->col_of);
    run->col_peers = calloc(m, sizeof *run->col_peers);
    if (!run->col_name || !run->col_of || !run->col_peers) return -1;
    for (size_t i = 0; i < n; i++) {
        const char *g = by_peer ? run->peer_names[i] : run->peer_groups[i][0] ? run->peer_groups[i] : "(none)";
        size_t k = by_peer ? i : 0;
        if (!by_peer)
            while (k < run->ncol && strcmp(run->col_name[k], g) != 0) k++;
        if (k == run->ncol || by_peer) run->col_name[k] = g;
        if (k >= run->ncol) run->ncol = k + 1;
        run->col_of[i] = k;
        run->col_peers[k]++;
    }
    return 0;
}

static int rp_open(rp_run *run, const char *path, int by_peer)
{
    char err[600];
    memset(run, 0, sizeof *run);
    run->path = path;
    if (bt_h5read_open(&run->r, path, err, sizeof err)) {
        fprintf(stderr, "btsim report: %s\n", err);
        return BT_EXIT_BAD_INPUT;
    }
    if (bt_h5read_attr_string(run->r, "name", &run->name) ||
        bt_h5read_attr_string(run->r, "mechanism", &run->mechanism) ||
        bt_h5read_attr_string(run->r, "arithmetic", &run->arithmetic) ||
        bt_h5read_attr_string(run->r, "btsim_version", &run->version))
        return rp_fail(run, NULL);
    if (bt_h5read_strings(run->r, "/peers/name", &run->peer_names, &run->nnames) ||
        bt_h5read_strings(run->r, "/peers/group", &run->peer_groups, &run->ngroups))
        return rp_fail(run, NULL);
    if (run->nnames != run->ngroups) return rp_fail(run, "/peers/name and /peers/group differ in length");
    run->n = run->nnames;
    int nd;
    size_t dims[3];
    if (bt_h5read_dims(run->r, "/epochs/stake", &nd, dims)) return rp_fail(run, NULL);
    if (nd != 2 || dims[1] != run->n) return rp_fail(run, "/epochs/stake is not [epochs x peers]");
    run->epochs = dims[0];
    if (rp_make_columns(run, by_peer)) return rp_oom(run);
    return 0;
}

static void rp_close(rp_run *run)
{
    bt_h5read_free_strings(run->peer_names, run->nnames);
    bt_h5read_free_strings(run->peer_groups, run->ngroups);
    free(run->name); free(run->mechanism); free(run->arithmetic); free(run->version);
    free(run->col_name); free(run->col_of); free(run->col_peers);
    bt_h5read_close(run->r);
}

/* Reads a [peers] dataset and sums it per column into out[ncol]. 0, or an exit status (message printed). */
static int rp_column_sums(rp_run *run, const char *dataset, double *out)
{
    int nd;
    size_t dims[3];
    if (bt_h5read_dims(run->r, dataset, &nd, dims)) return rp_fail(run, NULL);
    if (nd != 1 || dims[0] != run->n) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s is not [peers]", dataset);
        return rp_fail(run, msg);
    }
    double *v = malloc((run->n ? run->n : 1) * sizeof *v);
    if (!v) return rp_oom(run);
    if (bt_h5read_f64(run->r, dataset, v, run->n)) { free(v); return rp_fail(run, NULL); }
    memset(out, 0, run->ncol * sizeof *out);
    for (size_t i = 0; i < run->n; i++) out[run->col_of[i]] += v[i];
    free(v);
    return 0;
}

/* Reads an [epochs x peers] series and sums it per column: out[e * ncol + k]. The caller frees
 * *out. 0, or an exit status (message printed). */
static int rp_series_sums(rp_run *run, const char *dataset, double **out)
{
    int nd;
    size_t dims[3], n = run->n, ne = run->epochs, nc = run->ncol;
    *out = NULL;
    if (bt_h5read_dims(run->r, dataset, &nd, dims)) return rp_fail(run, NULL);
    if (nd != 2 || dims[0] != ne || dims[1] != n) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s is not [epochs x peers] = [%zu x %zu]", dataset, ne, n);
        return rp_fail(run, msg);
    }
    if (n && ne > RP_MAX_ELEMENTS / n)
        return rp_fail(run, "series too large for the report (use the analysis package)");
    size_t cells = ne * n, sums = ne * nc;
    double *v = malloc((cells ? cells : 1) * sizeof *v);
    *out = calloc(sums ? sums : 1, sizeof **out);
    if (!v || !*out) { free(v); free(*out); *out = NULL; return rp_oom(run); }
    if (bt_h5read_f64(run->r, dataset, v, ne * n)) {
        free(v); free(*out); *out = NULL;
        return rp_fail(run, NULL);
    }
    for (size_t e = 0; e < ne; e++)
        for (size_t i = 0; i < n; i++) (*out)[e * nc + run->col_of[i]] += v[e * n + i];
    free(v);
    return 0;
}

/* Turns each row of an [epochs x ncol] table into shares of the row's total (0 when it is 0). */
static void rp_row_shares(double *t, size_t ne, size_t nc)
{
    for (size_t e = 0; e < ne; e++) {
        double s = 0;
        for (size_t k = 0; k < nc; k++) s += t[e * nc + k];
        for (size_t k = 0; k < nc; k++) t[e * nc + k] = s > 0 ? t[e * nc + k] / s : 0;
    }
}

static double rp_sum(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += v[i];
    return s;
}

static double rp_share(double x, double total) { return total > 0 ? x / total : 0; }

/* ---- printing ---- */

void bt_report_csv_field(const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) { fputs(s, stdout); return; }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"') putchar('"');
        putchar(*s);
    }
    putchar('"');
}

size_t bt_report_row(size_t q, size_t rows, size_t n)
{
    if (rows >= n) return q;
    if (rows == 1) return n - 1;
    return (size_t)((double)q * (double)(n - 1) / (double)(rows - 1) + 0.5);
}

static void rp_print_header(const rp_run *run, const rp_args *a)
{
    if (a->csv) {
        const char *f[] = {run->path, run->name, run->mechanism, run->arithmetic, run->version};
        printf("table,run\nfile,name,mechanism,arithmetic,btsim_version,peers,epochs\n");
        for (size_t q = 0; q < sizeof f / sizeof f[0]; q++) { bt_report_csv_field(f[q]); putchar(','); }
        printf("%zu,%zu\n", run->n, run->epochs);
    } else {
        printf("%s: %s (%s, %s), %zu peers, %zu epochs, btsim %s\n", run->path, run->name, run->mechanism,
               run->arithmetic, run->n, run->epochs, run->version);
    }
}

/* The whole-run table: per column the stake share, the emission share and their ratio. */
static void rp_print_shares(const rp_run *run, const rp_args *a, const rp_totals *t)
{
    size_t nc = run->ncol;
    double ti = rp_sum(t->initial, nc), tf = rp_sum(t->final, nc), te = rp_sum(t->emission, nc);
    int stake_moved = 0;
    for (size_t k = 0; k < nc; k++)
        if (rp_share(t->initial[k], ti) != rp_share(t->final[k], tf)) stake_moved = 1;
    const char *what = a->by_peer ? "peer" : "group";
    if (a->csv) {
        printf("\ntable,shares\n%s,peers,stake_share,final_stake_share,emission_share,"
               "server_emission_share,validator_emission_share,ratio\n", what);
        for (size_t k = 0; k < nc; k++) {
            double ss = rp_share(t->initial[k], ti), es = rp_share(t->emission[k], te);
            bt_report_csv_field(run->col_name[k]);
            printf(",%zu,%.17g,%.17g,%.17g,%.17g,%.17g,", run->col_peers[k], ss,
                   rp_share(t->final[k], tf), es, rp_share(t->server[k], te), rp_share(t->validator[k], te));
            if (ss > 0) printf("%.17g", es / ss);
            printf("\n");
        }
        return;
    }
    printf("\nstake share (initial%s) and share of the run's emission; ratio = emission/stake\n",
           stake_moved ? ", final" : "");
    printf("%-16s %6s %12s", what, "peers", "stake share");
    if (stake_moved) printf(" %12s", "final stake");
    printf(" %14s %8s\n", "emission share", "ratio");
    for (size_t k = 0; k < nc; k++) {
        double ss = rp_share(t->initial[k], ti), es = rp_share(t->emission[k], te);
        printf("%-16.16s %6zu %12.4f", run->col_name[k], run->col_peers[k], ss);
        if (stake_moved) printf(" %12.4f", rp_share(t->final[k], tf));
        if (ss > 0) printf(" %14.4f %8.3f\n", es, es / ss);
        else printf(" %14.4f %8s\n", es, "-");
    }
}

/* A time table: rows are epochs, columns the run's columns. */
static void rp_print_series(const rp_run *run, const rp_args *a, const char *title, const char *label,
                            const double *t)
{
    size_t ne = run->epochs, nc = run->ncol;
    size_t rows = a->rows > 0 ? (size_t)a->rows : a->csv ? ne : RP_DEFAULT_ROWS;
    if (rows > ne) rows = ne;
    if (a->csv) {
        printf("\ntable,%s\nepoch", label);
        for (size_t k = 0; k < nc; k++) { putchar(','); bt_report_csv_field(run->col_name[k]); }
        printf("\n");
        for (size_t q = 0; q < rows; q++) {
            size_t e = bt_report_row(q, rows, ne);
            printf("%zu", e);
            for (size_t k = 0; k < nc; k++) printf(",%.17g", t[e * nc + k]);
            printf("\n");
        }
        return;
    }
    printf("\n%s\n%6s", title, "epoch");
    for (size_t k = 0; k < nc; k++) printf(" %10.10s", run->col_name[k]);
    printf("\n");
    for (size_t q = 0; q < rows; q++) {
        size_t e = bt_report_row(q, rows, ne);
        printf("%6zu", e);
        for (size_t k = 0; k < nc; k++) printf(" %10.4f", t[e * nc + k]);
        printf("\n");
    }
}

/* Series over epochs, summed per column. Emission and stake become shares of each epoch. */
static int rp_report_series(rp_run *run, const rp_args *a)
{
    static const struct { const char *dataset, *label, *title; int shares; } series[] = {
        {"/epochs/stake", "stake_share", "stake share per epoch", 1},
        {"/epochs/consensus", "consensus", "consensus (sum over the column's peers)", 0},
        {"/epochs/incentive", "incentive", "incentive (share of the server emission)", 0},
        {"/epochs/dividends", "dividends", "dividends (share of the validator emission)", 0},
    };
    for (size_t q = 0; q < sizeof series / sizeof series[0]; q++) {
        double *t;
        int rc = rp_series_sums(run, series[q].dataset, &t);
        if (rc) return rc;
        if (series[q].shares) rp_row_shares(t, run->epochs, run->ncol);
        int constant = 1;
        for (size_t e = 1; e < run->epochs && constant; e++)
            constant = memcmp(t, t + e * run->ncol, run->ncol * sizeof *t) == 0;
        /* A constant stake share says nothing the shares table did not say. */
        if (!(q == 0 && constant && !a->csv)) rp_print_series(run, a, series[q].title, series[q].label, t);
        free(t);
    }
    return 0;
}

/* Alignment (how well consensus follows true quality) is written by runs with synthetic
 * models: /epochs/alignment [epochs] or [epochs x peers]. Absent in other runs: skipped. */
static int rp_report_alignment(rp_run *run, const rp_args *a)
{
    int nd;
    size_t dims[3], ne = run->epochs;
    if (bt_h5read_dims(run->r, "/epochs/alignment", &nd, dims)) return 0;
    if (nd == 2 && dims[0] == ne && dims[1] == run->n) {
        double *t;
        int rc = rp_series_sums(run, "/epochs/alignment", &t);
        if (rc) return rc;
        rp_print_series(run, a, "alignment", "alignment", t);
        free(t);
        return 0;
    }
    if (nd != 1 || dims[0] != ne) return rp_fail(run, "/epochs/alignment is not [epochs] or [epochs x peers]");
    double *v = malloc((ne ? ne : 1) * sizeof *v);
    if (!v) return rp_oom(run);
    if (bt_h5read_f64(run->r, "/epochs/alignment", v, ne)) { free(v); return rp_fail(run, NULL); }
    rp_run one = *run;
    const char *col = "alignment";
    one.ncol = 1;
    one.col_name = &col;
    rp_print_series(&one, a, "alignment", "alignment", v);
    free(v);
    return 0;
}

static int rp_report_run(const rp_args *a)
{
    rp_run run;
    rp_totals t = {0};
    int rc = rp_open(&run, a->path, a->by_peer);
    if (rc) goto out;
    size_t m = run.ncol ? run.ncol : 1;
    double **cols[] = {&t.initial, &t.final, &t.emission, &t.server, &t.validator};
    static const char *names[] = {"/summary/initial_stake", "/summary/final_stake", "/summary/emission",
                                  "/summary/server_emission", "/summary/validator_emission"};
    for (size_t q = 0; q < 5; q++) {
        if (!(*cols[q] = calloc(m, sizeof(double)))) { rc = rp_oom(&run); goto out; }
        if ((rc = rp_column_sums(&run, names[q], *cols[q]))) goto out;
    }
    rp_print_header(&run, a);
    rp_print_shares(&run, a, &t);
    rc = rp_report_series(&run, a);
    if (!rc) rc = rp_report_alignment(&run, a);
out:
    free(t.initial); free(t.final); free(t.emission); free(t.server); free(t.validator);
    rp_close(&run);
    return rc;
}

static int rp_parse_args(int argc, char **argv, rp_args *a)
{
    static const struct option opts[] = {{"csv", no_argument, 0, 'c'}, {"peers", no_argument, 0, 'p'},
                                         {"rows", required_argument, 0, 'r'}, {"help", no_argument, 0, 'h'},
                                         {"timeout", required_argument, 0, 't'},
                                         {0, 0, 0, 0}};
    memset(a, 0, sizeof *a);
    a->timeout = 600;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': a->csv = 1; break;
        case 'p': a->by_peer = 1; break;
        case 'r':
            if ((a->rows = bt_cli_parse_count(optarg, 1L << 30)) < 1) {
                fprintf(stderr, "btsim report: --rows: expected an integer >= 1\n%s", report_usage);
                return BT_EXIT_BAD_INPUT;
            }
            break;
        case 't': {
            long t = bt_cli_parse_count(optarg, 1L << 20);
            if (t < 0) {
                fprintf(stderr, "btsim report: --timeout: expected an integer >= 0\n%s", report_usage);
                return BT_EXIT_BAD_INPUT;
            }
            a->timeout = (unsigned)t;
            break;
        }
        case 'h': fputs(report_usage, stdout); return -1;
        default: fputs(report_usage, stderr); return BT_EXIT_BAD_INPUT;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "btsim report: expected exactly one file or directory\n%s", report_usage);
        return BT_EXIT_BAD_INPUT;
    }
    a->path = argv[optind];
    return 0;
}

/* Files from elsewhere can crash or hang HDF5 itself (docs/reliability.md): all reading
 * happens in a child process (io/h5read_safe.h). */
static int report_in_child(void *arg)
{
    const rp_args *a = arg;
    struct stat st;
    if (stat(a->path, &st) == 0 && S_ISDIR(st.st_mode)) return bt_report_sweep(a->path, a->csv, a->rows);
    return rp_report_run(a);
}

int bt_cli_report(int argc, char **argv)
{
    rp_args a;
    int rc = rp_parse_args(argc, argv, &a);
    if (rc) return rc < 0 ? 0 : rc;
    char err[1024];
    rc = bt_h5read_safe_run(a.path, report_in_child, &a, a.timeout, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "btsim report: %s\n", err);
        return BT_EXIT_BAD_INPUT;
    }
    return rc;
}
