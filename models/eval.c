/* A validator's evaluation loop (eval.h). */
#include "eval.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

bt_eval *bt_eval_alloc(const bt_eval_config *cfg, const bt_task *t, size_t m, uint64_t seed,
                       uint64_t index)
{
    if (!m) return NULL;
    size_t k = cfg->top_k && cfg->top_k < m ? cfg->top_k : m, B = t->cfg.batch;
    bt_eval *ev = calloc(1, sizeof *ev);
    if (!ev) return NULL;
    ev->cfg = *cfg;
    ev->m = m;
    ev->rng = bt_task_rng(seed, 0x76616c6964ULL /* "valid" */, index);
    ev->router = bt_router_alloc(m, t->cfg.d_in, k, B, cfg->router_lr, cfg->explore,
                                 cfg->queries > 0 ? (size_t)cfg->queries : 1);
    ev->sb = bt_score_batch_alloc(k, B, t->cfg.d_out);
    ev->st = bt_score_state_alloc(cfg, m);
    ev->x = gsl_matrix_float_alloc(B, t->cfg.d_in);
    ev->p = gsl_matrix_float_alloc(B, t->cfg.d_out);
    ev->twork = bt_task_work(t, B);
    ev->picked = calloc(m, sizeof *ev->picked);
    ev->g = gsl_matrix_float_alloc(B, k);
    ev->missing = calloc(k, 1);
    if (!ev->rng || !ev->router || !ev->sb || !ev->st || !ev->x || !ev->p || !ev->twork || !ev->picked ||
        !ev->g || !ev->missing)
        goto fail;
    if (cfg->distill &&
        !(ev->distill = bt_distill_alloc(t, cfg->distill_width, cfg->distill_lr, cfg->distill_steps, ev->rng)))
        goto fail;
    return ev;
fail:
    bt_eval_free(ev);
    return NULL;
}

void bt_eval_free(bt_eval *ev)
{
    if (!ev) return;
    if (ev->rng) gsl_rng_free(ev->rng);
    bt_router_free(ev->router);
    bt_score_batch_free(ev->sb);
    bt_score_state_free(ev->st);
    bt_distill_free(ev->distill);
    if (ev->x) gsl_matrix_float_free(ev->x);
    if (ev->p) gsl_matrix_float_free(ev->p);
    bt_model_work_free(ev->twork);
    free(ev->picked);
    if (ev->g) gsl_matrix_float_free(ev->g);
    free(ev->missing);
    free(ev);
}

/* KL(P || uniform) averaged over the batch, given sum P log P: the loss of no answer */
static double uniform_loss(double plogp, size_t d_out)
{
    return plogp + log((double)d_out);
}

/* The gate applied when some answers are missing and nothing stands in: the router's gates of
 * the answers that came, renormalised per example (all 0 when none came). */
static void drop_missing(bt_eval *ev, size_t k)
{
    for (size_t b = 0; b < ev->g->size1; b++) {
        float *row = ev->g->data + b * ev->g->tda;
        double sum = 0;
        for (size_t j = 0; j < k; j++) {
            if (ev->missing[j]) row[j] = 0;
            sum += row[j];
        }
        for (size_t j = 0; j < k && sum > 0; j++) row[j] = (float)(row[j] / sum);
    }
}

int bt_eval_query(bt_eval *ev, bt_miner *const *all, const bt_task *t, const unsigned char *offline,
                  const bt_eval_link *link)
{
    bt_router *rt = ev->router;
    bt_task_inputs(t, ev->rng, ev->x);
    bt_task_targets(t, ev->x, ev->twork, ev->p);
    bt_router_route(rt, ev->x, ev->rng);
    size_t nmissing = 0;
    int stand_in = ev->distill && ev->cfg.stand_in, student_ran = 0;
    for (size_t j = 0; j < rt->k; j++) {
        gsl_matrix_float_view zj = bt_score_answer_view(ev->sb, j);
        ev->picked[rt->sel[j]]++;
        ev->missing[j] = (offline && offline[rt->sel[j]]) || (link && !link->answers(link->ctx, rt->sel[j]));
        if (!ev->missing[j]) {
            if (bt_miner_answer(all, rt->sel[j], ev->x, &zj.matrix, ev->rng)) return -1;
            continue;
        }
        nmissing++;
        if (stand_in) {
            /* one forward pass of the student answers for every missing miner of the batch */
            if (!student_ran++) bt_model_forward(ev->distill->student, ev->x, ev->distill->work);
            gsl_matrix_float_memcpy(&zj.matrix, ev->distill->work->z);
        } else {
            gsl_matrix_float_set_zero(&zj.matrix);
        }
    }
    ev->sent += rt->k;
    ev->missed += nmissing;
    gsl_matrix_float_memcpy(ev->g, rt->g);
    if (nmissing && !stand_in) drop_missing(ev, rt->k);
    bt_score_evaluate(ev->sb, ev->p, ev->g, ev->cfg.rule == BT_RULE_LOO);
    if (nmissing) {
        /* what a miner that did not answer is measured at: nothing */
        double none = uniform_loss(ev->sb->plogp, t->cfg.d_out);
        for (size_t j = 0; j < rt->k; j++)
            if (ev->missing[j]) { ev->sb->loss[j] = none; ev->sb->first[j] = ev->sb->second[j] = ev->sb->loo[j] = 0; }
        ev->outage_queries++;
        ev->outage_loss_sum += ev->sb->mix_loss;
    }
    /* the gate learns from every batch, through the gate it applied (renormalised over the
     * answers that came, or with the student in a missing miner's place); a missing miner's
     * own score is left alone and the router backs off from it */
    if (ev->cfg.router_lr > 0) bt_router_learn(rt, ev->x, ev->g, ev->sb->e, ev->missing);
    bt_router_observe(rt, ev->missing);
    if (!nmissing && ev->distill) bt_distill_step(ev->distill, ev->x, ev->sb->s);
    bt_score_update(ev->st, ev->sb, rt->sel);
    ev->queries++;
    ev->mix_loss_sum += ev->sb->mix_loss;
    return 0;
}

size_t bt_eval_weights(bt_eval *ev, double *w)
{
    return bt_score_weights(ev->st, w);
}

void bt_eval_epoch_reset(bt_eval *ev)
{
    memset(ev->picked, 0, ev->m * sizeof *ev->picked);
    ev->sent = 0;
    ev->queries = 0;
    ev->mix_loss_sum = 0;
    ev->outage_queries = 0;
    ev->outage_loss_sum = 0;
    ev->missed = 0;
}
