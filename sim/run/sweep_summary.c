/* DIR/summary.h5: one row per run, read back from the run files (so a resumed sweep and an
 * uninterrupted one give the same summary): the run's file, seed, overrides and the command
 * that replays it, its parameters, and metrics: per group stake share, emission share and
 * their ratio, and the Gini coefficient of the final stake. */
#include "run/sweep_run.h"
#include "io/h5out.h"
#include "io/h5read.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t ngroups;
    char **groups;              /* from the base scenario, order of first appearance */
    double *stake_share, *emission_share, *ratio;   /* [ngroups x nruns] */
    double *gini;               /* [nruns] */
    int8_t *ok;
} metrics;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Gini of a non-negative vector: sum_i (2i - n - 1) x_(i) / (n sum x), x sorted ascending. */
static double gini(double *x, size_t n)
{
    qsort(x, n, sizeof *x, cmp_double);
    double s = 0, w = 0;
    for (size_t i = 0; i < n; i++) { s += x[i]; w += (2.0 * (double)(i + 1) - (double)n - 1.0) * x[i]; }
    return s > 0 && n > 0 ? w / ((double)n * s) : 0.0;
}

static int read_run(const char *path, metrics *m, size_t r, size_t nruns)
{
    bt_h5read *h;
    char err[256];
    if (bt_h5read_open(&h, path, err, sizeof err)) return -1;
    int ndims;
    size_t dims[3];
    int rc = -1;
    char **groups = NULL;
    size_t ng = 0;
    double *stake = NULL, *emis = NULL, *fin = NULL;
    if (bt_h5read_dims(h, "/summary/emission", &ndims, dims) || ndims != 1) goto out;
    size_t n = dims[0];
    stake = calloc(n ? n : 1, 8); emis = calloc(n ? n : 1, 8); fin = calloc(n ? n : 1, 8);
    if (!stake || !emis || !fin || bt_h5read_f64(h, "/summary/initial_stake", stake, n) ||
        bt_h5read_f64(h, "/summary/emission", emis, n) || bt_h5read_f64(h, "/summary/final_stake", fin, n) ||
        bt_h5read_strings(h, "/peers/group", &groups, &ng) || ng != n)
        goto out;
    double ts = 0, te = 0;
    for (size_t i = 0; i < n; i++) { ts += stake[i]; te += emis[i]; }
    for (size_t g = 0; g < m->ngroups; g++) {
        double s = 0, e = 0;
        for (size_t i = 0; i < n; i++)
            if (strcmp(groups[i], m->groups[g]) == 0) { s += stake[i]; e += emis[i]; }
        double ss = ts > 0 ? s / ts : 0, es = te > 0 ? e / te : 0;
        m->stake_share[g * nruns + r] = ss;
        m->emission_share[g * nruns + r] = es;
        m->ratio[g * nruns + r] = ss > 0 ? es / ss : NAN;
    }
    m->gini[r] = gini(fin, n);
    m->ok[r] = 1;
    rc = 0;
out:
    if (groups) bt_h5read_free_strings(groups, ng);
    free(stake); free(emis); free(fin);
    bt_h5read_close(h);
    return rc;
}

static char *join_sets(const bt_sweep_plan *p)
{
    size_t n = 1;
    for (size_t i = 0; i < p->nsets; i++) n += strlen(p->sets[i]) + 3;
    char *s = calloc(n, 1);
    if (!s) return NULL;
    for (size_t i = 0; i < p->nsets; i++) {
        if (i) strcat(s, " ");
        strcat(s, p->sets[i]);
    }
    return s;
}

static char *replay_command(const bt_sweep *sw, const bt_sweep_plan *p, const char *file)
{
    size_t n = strlen(sw->base_path) + strlen(file) + 96;
    for (size_t i = 0; i < p->nsets; i++) n += strlen(p->sets[i]) + 12;
    char *s = malloc(n);
    if (!s) return NULL;
    int k = snprintf(s, n, "btsim run %s -o %s --seed %llu", sw->base_path, file, (unsigned long long)p->seed);
    for (size_t i = 0; i < p->nsets; i++) k += snprintf(s + k, n - (size_t)k, " --set '%s'", p->sets[i]);
    return s;
}

static int write_all(bt_h5out *o, const bt_sweep *sw, const bt_scenario *base, const metrics *m,
                     const char *dir)
{
    size_t R = sw->nruns, np = bt_sweep_nparams(sw), dims[1] = {R};
    uint64_t *idx = calloc(R ? R : 1, 8), *seed = calloc(R ? R : 1, 8);
    double *rep = calloc(R ? R : 1, 8), *params = calloc((np ? np : 1) * (R ? R : 1), 8);
    char **file = calloc(R ? R : 1, sizeof(char *)), **sets = calloc(R ? R : 1, sizeof(char *));
    char **cmd = calloc(R ? R : 1, sizeof(char *));
    int rc = -1;
    if (!idx || !seed || !rep || !params || !file || !sets || !cmd) goto out;
    for (size_t r = 0; r < R; r++) {
        bt_sweep_plan p;
        if (bt_sweep_plan_run(sw, base, r, &p)) goto out;
        idx[r] = r;
        seed[r] = p.seed;
        rep[r] = (double)p.replicate;
        for (size_t k = 0; k < np; k++) params[k * R + r] = p.params[k];
        char *path = bt_sweep_run_path(dir, r);
        file[r] = path ? strdup(path + strlen(dir) + 1) : NULL;
        sets[r] = join_sets(&p);
        cmd[r] = path ? replay_command(sw, &p, path) : NULL;
        free(path);
        bt_sweep_plan_free(&p);
        if (!file[r] || !sets[r] || !cmd[r]) goto out;
    }
    if (bt_h5out_dataset(o, "/runs/index", BT_H5_U64, 1, dims, idx) ||
        bt_h5out_dataset(o, "/runs/seed", BT_H5_U64, 1, dims, seed) ||
        bt_h5out_dataset(o, "/runs/replicate", BT_H5_F64, 1, dims, rep) ||
        bt_h5out_dataset(o, "/runs/ok", BT_H5_I8, 1, dims, m->ok) ||
        bt_h5out_string_dataset(o, "/runs/file", (const char *const *)file, R) ||
        bt_h5out_string_dataset(o, "/runs/set", (const char *const *)sets, R) ||
        bt_h5out_string_dataset(o, "/runs/command", (const char *const *)cmd, R) ||
        bt_h5out_dataset(o, "/metrics/gini_final_stake", BT_H5_F64, 1, dims, m->gini))
        goto out;
    for (size_t k = 0; k < np; k++) {
        char path[1024];
        snprintf(path, sizeof path, "/params/%s", bt_sweep_param_key(sw, k));
        if (bt_h5out_dataset(o, path, BT_H5_F64, 1, dims, params + k * R)) goto out;
    }
    const char *gn = NULL;
    for (size_t g = 0; g < m->ngroups; g++) {
        char path[1024];
        gn = m->groups[g][0] ? m->groups[g] : "(none)";
        snprintf(path, sizeof path, "/metrics/%s/stake_share", gn);
        if (bt_h5out_dataset(o, path, BT_H5_F64, 1, dims, m->stake_share + g * R)) goto out;
        snprintf(path, sizeof path, "/metrics/%s/emission_share", gn);
        if (bt_h5out_dataset(o, path, BT_H5_F64, 1, dims, m->emission_share + g * R)) goto out;
        snprintf(path, sizeof path, "/metrics/%s/ratio", gn);
        if (bt_h5out_dataset(o, path, BT_H5_F64, 1, dims, m->ratio + g * R)) goto out;
    }
    rc = 0;
out:
    for (size_t r = 0; r < R; r++) {
        if (file) free(file[r]);
        if (sets) free(sets[r]);
        if (cmd) free(cmd[r]);
    }
    free(idx); free(seed); free(rep); free(params); free(file); free(sets); free(cmd);
    return rc;
}

static int collect_groups(metrics *m, const bt_scenario *base)
{
    m->groups = calloc(base->npeers ? base->npeers : 1, sizeof *m->groups);
    if (!m->groups) return -1;
    for (size_t i = 0; i < base->npeers; i++) {
        size_t g = 0;
        while (g < m->ngroups && strcmp(m->groups[g], base->peers[i].group) != 0) g++;
        if (g == m->ngroups) m->groups[m->ngroups++] = base->peers[i].group;
    }
    return 0;
}

int bt_sweep_write_summary(const bt_sweep *sw, const char *dir, char *err, size_t errlen)
{
    bt_scenario base;
    if (bt_scenario_parse(sw->base_path, sw->base_text, sw->base_len, (const char *const *)sw->fixed,
                          sw->nfixed, &base, err, errlen))
        return -1;
    size_t R = sw->nruns;
    metrics m = {0};
    int rc = -1;
    if (collect_groups(&m, &base)) { snprintf(err, errlen, "out of memory"); goto out; }
    size_t G = m.ngroups ? m.ngroups : 1;
    m.stake_share = calloc(G * (R ? R : 1), 8); m.emission_share = calloc(G * (R ? R : 1), 8);
    m.ratio = calloc(G * (R ? R : 1), 8); m.gini = calloc(R ? R : 1, 8); m.ok = calloc(R ? R : 1, 1);
    if (!m.stake_share || !m.emission_share || !m.ratio || !m.gini || !m.ok) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (size_t r = 0; r < R; r++) {
        char *path = bt_sweep_run_path(dir, r);
        if (!path || read_run(path, &m, r, R)) {
            for (size_t g = 0; g < m.ngroups; g++)
                m.stake_share[g * R + r] = m.emission_share[g * R + r] = m.ratio[g * R + r] = NAN;
            m.gini[r] = NAN;
        }
        free(path);
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/summary.h5", dir);
    const char *none[1] = {""};
    bt_h5_meta meta = {sw->json, sw->name, sw->seed, 0, 0, none, none, "sweep", "-"};
    bt_h5out *o;
    if (bt_h5out_open(&o, path, &meta, err, errlen)) goto out;
    if (bt_h5out_attr_string(o, "kind", "sweep") || write_all(o, sw, &base, &m, dir)) {
        snprintf(err, errlen, "%s: %s", path, bt_h5out_error(o));
        bt_h5out_abort(o);
        goto out;
    }
    rc = bt_h5out_commit(o, err, errlen) ? -1 : 0;
out:
    free(m.groups); free(m.stake_share); free(m.emission_share); free(m.ratio); free(m.gini); free(m.ok);
    bt_scenario_free(&base);
    return rc;
}
