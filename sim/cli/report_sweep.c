/* btsim report DIR: the table of a sweep (DIR/summary.h5, docs/sweeps.md), one row per run:
 * the run's parameters (the keys of the sweep file's axes), per group its stake share, emission
 * share and their ratio, and the Gini coefficient of the final stake. The groups are read from
 * the first complete run's file, as the summary's /metrics/GROUP paths cannot be listed. */
#include "cli/report.h"
#include "io/h5read.h"
#include "scenario/scenario.h"   /* BT_EXIT_BAD_INPUT */

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SW_MAX_COLS 256

typedef struct {
    const char *dir;
    char summary[4096];
    bt_h5read *r;
    size_t runs;
    double *ok;
    char **files;
    size_t nfiles;
    size_t ncols;
    char *label[SW_MAX_COLS];    /* CSV header: the dataset path under /params or /metrics */
    char *title[SW_MAX_COLS];    /* terminal header */
    int is_param[SW_MAX_COLS];   /* printed %g on the terminal; metrics %.4f */
    double *col[SW_MAX_COLS];    /* [runs] each */
} sw_table;

static int sw_fail(const sw_table *t, const char *what)
{
    fprintf(stderr, "btsim report: %s: %s\n", t->summary, what ? what : bt_h5read_error(t->r));
    return BT_EXIT_BAD_INPUT;
}

static int sw_oom(const sw_table *t)
{
    fprintf(stderr, "btsim report: %s: out of memory\n", t->summary);
    return 1;
}

/* Reads the [runs] dataset `path` as a new column. 0, or an exit status. */
static int sw_add(sw_table *t, const char *path, const char *label, const char *title)
{
    int nd;
    size_t dims[3];
    if (t->ncols == SW_MAX_COLS) return sw_fail(t, "too many columns");
    if (bt_h5read_dims(t->r, path, &nd, dims)) return sw_fail(t, NULL);
    if (nd != 1 || dims[0] != t->runs) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s is not [runs] = [%zu]", path, t->runs);
        return sw_fail(t, msg);
    }
    size_t k = t->ncols;
    t->col[k] = malloc((t->runs ? t->runs : 1) * sizeof(double));
    t->label[k] = strdup(label);
    t->title[k] = strdup(title);
    t->ncols++;
    if (!t->col[k] || !t->label[k] || !t->title[k]) return sw_oom(t);
    if (bt_h5read_f64(t->r, path, t->col[k], t->runs)) return sw_fail(t, NULL);
    return 0;
}

/* The sweep file's axis keys (axes[].key, then sample.axes[].key), as /params/KEY columns. */
static int sw_add_params(sw_table *t)
{
    char *text = NULL;
    if (bt_h5read_attr_string(t->r, "scenario", &text)) return sw_fail(t, NULL);
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (!root) return sw_fail(t, "the stored sweep file (attribute \"scenario\") is not JSON");
    const cJSON *sample = cJSON_GetObjectItemCaseSensitive(root, "sample");
    const cJSON *lists[2] = {cJSON_GetObjectItemCaseSensitive(root, "axes"),
                             sample ? cJSON_GetObjectItemCaseSensitive(sample, "axes") : NULL};
    int rc = 0;
    for (int q = 0; q < 2 && !rc; q++) {
        const cJSON *axis;
        cJSON_ArrayForEach(axis, lists[q]) {
            const cJSON *key = cJSON_GetObjectItemCaseSensitive(axis, "key");
            if (!cJSON_IsString(key)) continue;
            char path[1024], label[1024];
            snprintf(path, sizeof path, "/params/%s", key->valuestring);
            snprintf(label, sizeof label, "params/%s", key->valuestring);
            if ((rc = sw_add(t, path, label, key->valuestring))) break;
            t->is_param[t->ncols - 1] = 1;
        }
    }
    cJSON_Delete(root);
    return rc;
}

/* Groups of the first complete run, in order of first appearance ("" reads "(none)"), each as
 * three /metrics/GROUP columns. */
static int sw_add_groups(sw_table *t)
{
    size_t r = 0;
    while (r < t->runs && t->ok[r] != 1) r++;
    if (r == t->runs) return 0;
    char path[4096], err[600];
    snprintf(path, sizeof path, "%s/%s", t->dir, t->files[r]);
    bt_h5read *run;
    if (bt_h5read_open(&run, path, err, sizeof err)) return sw_fail(t, err);
    char **groups = NULL;
    size_t n = 0;
    if (bt_h5read_strings(run, "/peers/group", &groups, &n)) {
        fprintf(stderr, "btsim report: %s: %s\n", path, bt_h5read_error(run));
        bt_h5read_close(run);
        return BT_EXIT_BAD_INPUT;
    }
    bt_h5read_close(run);
    static const char *metric[] = {"stake_share", "emission_share", "ratio"};
    static const char *short_name[] = {"stake", "emission", "ratio"};
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const char *g = groups[i][0] ? groups[i] : "(none)";
        size_t j = 0;
        while (j < i && strcmp(groups[j][0] ? groups[j] : "(none)", g) != 0) j++;
        if (j < i) continue;
        for (int m = 0; m < 3 && !rc; m++) {
            char label[1024], title[1024];
            snprintf(path, sizeof path, "/metrics/%s/%s", g, metric[m]);
            snprintf(label, sizeof label, "metrics/%s/%s", g, metric[m]);
            snprintf(title, sizeof title, "%s %s", g, short_name[m]);
            rc = sw_add(t, path, label, title);
        }
    }
    bt_h5read_free_strings(groups, n);
    return rc;
}

static void sw_print(const sw_table *t, int csv, long rows_wanted)
{
    size_t rows = rows_wanted > 0 && (size_t)rows_wanted < t->runs ? (size_t)rows_wanted : t->runs;
    int width[SW_MAX_COLS];
    if (csv) {
        printf("table,sweep\nrun,ok,file");
        for (size_t k = 0; k < t->ncols; k++) { putchar(','); bt_report_csv_field(t->label[k]); }
    } else {
        printf("%s: %zu runs\n\n%5s %3s", t->summary, t->runs, "run", "ok");
        for (size_t k = 0; k < t->ncols; k++) {
            width[k] = (int)strlen(t->title[k]);
            if (width[k] < 8) width[k] = 8;
            printf(" %*s", width[k], t->title[k]);
        }
    }
    printf("\n");
    for (size_t q = 0; q < rows; q++) {
        size_t r = bt_report_row(q, rows, t->runs);
        if (csv) {
            printf("%zu,%d,", r, t->ok[r] == 1);
            bt_report_csv_field(t->files[r]);
            for (size_t k = 0; k < t->ncols; k++) {
                if (isnan(t->col[k][r])) printf(",");
                else printf(",%.17g", t->col[k][r]);
            }
        } else {
            printf("%5zu %3d", r, t->ok[r] == 1);
            for (size_t k = 0; k < t->ncols; k++)
                printf(t->is_param[k] ? " %*g" : " %*.4f", width[k], t->col[k][r]);
        }
        printf("\n");
    }
}

static int sw_load(sw_table *t)
{
    char err[600];
    int nd;
    size_t dims[3];
    if (bt_h5read_open(&t->r, t->summary, err, sizeof err)) {
        fprintf(stderr, "btsim report: %s\n", err);
        return BT_EXIT_BAD_INPUT;
    }
    if (bt_h5read_dims(t->r, "/runs/ok", &nd, dims)) return sw_fail(t, NULL);
    if (nd != 1) return sw_fail(t, "/runs/ok is not [runs]");
    t->runs = dims[0];
    t->ok = malloc((t->runs ? t->runs : 1) * sizeof *t->ok);
    if (!t->ok) return sw_oom(t);
    if (bt_h5read_f64(t->r, "/runs/ok", t->ok, t->runs) ||
        bt_h5read_strings(t->r, "/runs/file", &t->files, &t->nfiles))
        return sw_fail(t, NULL);
    if (t->nfiles != t->runs) return sw_fail(t, "/runs/file and /runs/ok differ in length");
    int rc = sw_add_params(t);
    if (!rc) rc = sw_add_groups(t);
    if (!rc) rc = sw_add(t, "/metrics/gini_final_stake", "metrics/gini_final_stake", "gini");
    return rc;
}

int bt_report_sweep(const char *dir, int csv, long rows)
{
    sw_table t;
    struct stat st;
    memset(&t, 0, sizeof t);
    t.dir = dir;
    snprintf(t.summary, sizeof t.summary, "%s/summary.h5", dir);
    if (stat(t.summary, &st) != 0) {
        fprintf(stderr, "btsim report: %s is a directory without summary.h5 (not a sweep directory)\n", dir);
        return BT_EXIT_BAD_INPUT;
    }
    int rc = sw_load(&t);
    if (!rc) sw_print(&t, csv, rows);
    for (size_t k = 0; k < t.ncols; k++) { free(t.label[k]); free(t.title[k]); free(t.col[k]); }
    bt_h5read_free_strings(t.files, t.nfiles);
    free(t.ok);
    bt_h5read_close(t.r);
    return rc;
}
