/* The miners' true quality, per epoch: a start value, a Gaussian drift per epoch (clamped to
 * [0, 1]), jumps at given epochs, or a copy of another miner's quality some epochs late (a
 * miner serving a copied model). Drift draws use the miner's own stream. */
#include "agents/world_internal.h"
#include <gsl/gsl_randist.h>
#include <stdlib.h>

static double clamp01(double x) { return x < 0 ? 0 : x > 1 ? 1 : x; }

static double *ring_row(bt_world *w, long e) { return w->qring + (size_t)(e % w->qdepth) * w->n; }

/* Jumps of miner p at epoch e. */
static void apply_jumps(const bt_quality_spec *q, long e, double *v)
{
    for (size_t k = 0; k < q->njumps; k++)
        if (q->jump_epoch[k] == e) *v = q->jump_value[k];
}

static void copy_values(bt_world *w, long e)
{
    for (size_t k = 0; k < w->nminers; k++) {
        size_t p = w->miners[k];
        const bt_quality_spec *q = &w->sc->peers[p].quality;
        if (q->copy_of < 0) continue;
        long src_epoch = e - q->delay_epochs;
        w->quality[p] = src_epoch < 0 ? ring_row(w, 0)[q->copy_of] : ring_row(w, src_epoch)[q->copy_of];
    }
}

int bt_quality_init(bt_world *w)
{
    long depth = 1;
    for (size_t p = 0; p < w->n; p++) {
        const bt_quality_spec *q = &w->sc->peers[p].quality;
        if (q->given && q->copy_of >= 0 && q->delay_epochs + 1 > depth) depth = q->delay_epochs + 1;
    }
    w->qdepth = depth;
    w->qring = calloc((size_t)depth * (w->n ? w->n : 1), sizeof *w->qring);
    if (!w->qring) return -1;
    for (size_t k = 0; k < w->nminers; k++) {
        size_t p = w->miners[k];
        const bt_quality_spec *q = &w->sc->peers[p].quality;
        w->quality[p] = q->value;
        apply_jumps(q, 0, &w->quality[p]);
    }
    for (size_t p = 0; p < w->n; p++) ring_row(w, 0)[p] = w->quality[p];
    copy_values(w, 0);
    for (size_t p = 0; p < w->n; p++) ring_row(w, 0)[p] = w->quality[p];
    return 0;
}

/* Quality for epoch e (after epoch e - 1 ran). */
void bt_quality_step(bt_world *w, long e)
{
    for (size_t k = 0; k < w->nminers; k++) {
        size_t p = w->miners[k];
        const bt_quality_spec *q = &w->sc->peers[p].quality;
        if (q->copy_of >= 0) continue;
        if (q->drift > 0) w->quality[p] = clamp01(w->quality[p] + gsl_ran_gaussian(w->rng[p], q->drift));
        apply_jumps(q, e, &w->quality[p]);
    }
    double *row = ring_row(w, e);
    for (size_t p = 0; p < w->n; p++) row[p] = w->quality[p];
    copy_values(w, e);
    for (size_t k = 0; k < w->nminers; k++) row[w->miners[k]] = w->quality[w->miners[k]];
}
