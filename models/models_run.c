/* The hook between a run and its models (models_run.h): building them from the scenario,
 * the evaluator agents' rounds and rows, measuring and recording after each epoch. */
#include "models_run.h"
#include "agents/world.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { S_TRUE_LOSS, S_ALIGNMENT, S_TRAFFIC, S_QUERY_SHARE, S_OVERLAP, S_MIX_LOSS, S_DISTILL,
       S_VALIDATOR_ALIGNMENT, S_OUTAGE_LOSS, S_MISSED, S_COUNT };

struct bt_models_run {
    const bt_scenario *sc;
    bt_models *models;
    bt_h5out *h5;           /* borrowed; NULL: nothing recorded */
    int series[S_COUNT];
    size_t *to;             /* npeers */
    double *w;              /* npeers */
    double *align;          /* epochs x 2: Spearman, Kendall per epoch (the run summary) */
    long done;              /* epochs measured */
};

static int declare(bt_models_run *mr)
{
    size_t dims[1] = {mr->sc->npeers}, two[1] = {2}, one[1] = {1};
    static const struct { const char *path; int shape; const char *units; } s[S_COUNT] = {
        {"/models/true_loss", 0, "nats"},      {"/models/alignment", 2, NULL},
        {"/models/traffic_saved", 1, "fraction"}, {"/models/query_share", 0, "fraction"},
        {"/models/router_overlap", 0, "fraction"}, {"/models/mixture_loss", 0, "nats"},
        {"/models/distill_loss", 0, "nats"},   {"/models/validator_alignment", 0, NULL},
        {"/models/outage_loss", 0, "nats"},    {"/models/missed", 0, "fraction"}};
    for (int q = 0; q < S_COUNT; q++) {
        const size_t *d = s[q].shape == 0 ? dims : s[q].shape == 2 ? two : one;
        if ((mr->series[q] = bt_h5out_series(mr->h5, s[q].path, BT_H5_F64, 1, d, s[q].units)) < 0) return -1;
    }
    return 0;
}

int bt_models_run_open(bt_models_run **out, const bt_scenario *sc, uint64_t seed, bt_h5out *h5,
                       char *err, size_t errlen)
{
    *out = NULL;
    if (!sc->models) return 0;
    bt_models_run *mr = calloc(1, sizeof *mr);
    if (!mr) { snprintf(err, errlen, "out of memory"); return -1; }
    mr->sc = sc;
    mr->h5 = h5;
    size_t n = sc->npeers ? sc->npeers : 1;
    mr->to = malloc(n * sizeof *mr->to);
    mr->w = malloc(n * sizeof *mr->w);
    mr->align = malloc((sc->epochs > 0 ? (size_t)sc->epochs : 1) * 2 * sizeof *mr->align);
    if (!mr->to || !mr->w || !mr->align) {
        snprintf(err, errlen, "out of memory");
        bt_models_run_free(mr);
        return -1;
    }
    char why[256];
    if (!(mr->models = bt_models_alloc(sc->models, seed, why, sizeof why))) {
        snprintf(err, errlen, "%s: models: %s", sc->path, why);
        bt_models_run_free(mr);
        return -1;
    }
    if (h5 && declare(mr)) {
        snprintf(err, errlen, "%s", bt_h5out_error(h5));
        bt_models_run_free(mr);
        return -1;
    }
    if (sc->epochs > 0 && bt_models_begin_epoch(mr->models)) {
        snprintf(err, errlen, "epoch 0: models: out of memory");
        bt_models_run_free(mr);
        return -1;
    }
    *out = mr;
    return 0;
}

void bt_models_run_free(bt_models_run *mr)
{
    if (!mr) return;
    bt_models_free(mr->models);
    free(mr->to);
    free(mr->w);
    free(mr->align);
    free(mr);
}

typedef struct {
    bt_world *w;
    size_t self;
    const size_t *miner_peer;
} link_ctx;

static int link_answers(void *ctx, size_t miner)
{
    const link_ctx *l = ctx;
    return bt_world_answers(l->w, l->self, l->miner_peer[miner]);
}

int bt_models_run_round(bt_models_run *mr, bt_world *w, size_t self)
{
    link_ctx lc = {w, self, mr->models->miner_peer};
    bt_eval_link link = {link_answers, &lc};
    return bt_models_round(mr->models, self, &link);
}

int bt_models_run_set_row(bt_models_run *mr, bt_world *w, size_t self)
{
    size_t k = bt_models_row(mr->models, self, mr->to, mr->w);
    if (!k) return 0;
    return bt_world_set_weights(w, self, mr->to, mr->w, k) == BT_WORLD_ENOMEM ? -1 : 0;
}

static int record(bt_models_run *mr, long e, char *err, size_t errlen)
{
    const bt_models *m = mr->models;
    const bt_models_metrics *met = &m->met;
    double align[2] = {met->spearman, met->kendall};
    const double *data[S_COUNT] = {met->true_loss, align, &met->traffic_saved, met->query_share,
                                   met->router_overlap, met->mixture_loss, met->distill_loss,
                                   met->validator_alignment, met->outage_loss, met->missed};
    for (int q = 0; q < S_COUNT; q++)
        if (bt_h5out_write(mr->h5, mr->series[q], e, data[q])) {
            snprintf(err, errlen, "%s", bt_h5out_error(mr->h5));
            return -1;
        }
    return 0;
}

int bt_models_run_after_epoch(bt_models_run *mr, long e, const bt_epoch_result *r, char *err, size_t errlen)
{
    bt_models *m = mr->models;
    bt_models_measure(m, r->incentive);
    if (e >= 0 && e < mr->sc->epochs) {
        mr->align[2 * e] = m->met.spearman;
        mr->align[2 * e + 1] = m->met.kendall;
        if (e + 1 > mr->done) mr->done = e + 1;
    }
    if (mr->h5 && record(mr, e, err, errlen)) return -1;
    if (e + 1 < mr->sc->epochs && bt_models_begin_epoch(m)) {
        snprintf(err, errlen, "epoch %ld: models: out of memory", e + 1);
        return -1;
    }
    return 0;
}


bt_models *bt_models_run_models(const bt_models_run *mr)
{
    return mr->models;
}

void bt_models_run_alignment(const bt_models_run *mr, double out[4])
{
    out[0] = out[1] = out[2] = out[3] = NAN;
    if (!mr || mr->done <= 0) return;
    out[0] = mr->align[2 * (mr->done - 1)];
    out[1] = mr->align[2 * (mr->done - 1) + 1];
    for (int c = 0; c < 2; c++) {
        double sum = 0;
        long n = 0;
        for (long e = mr->done / 2; e < mr->done; e++)
            if (isfinite(mr->align[2 * e + c])) { sum += mr->align[2 * e + c]; n++; }
        out[2 + c] = n ? sum / (double)n : NAN;
    }
}
