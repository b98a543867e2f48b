/* The models of a run (models.h): building them from the config, an epoch's work, the weight
 * rows and the per-epoch measurements. */
#include "models.h"
#include "align.h"
#include "prob.h"
#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int metrics_alloc(bt_models_metrics *met, size_t n)
{
    double **v[] = {&met->true_loss, &met->query_share, &met->router_overlap, &met->mixture_loss,
                    &met->distill_loss, &met->validator_alignment, &met->outage_loss, &met->missed};
    for (size_t q = 0; q < sizeof v / sizeof v[0]; q++)
        if (!(*v[q] = malloc((n ? n : 1) * sizeof(double)))) return -1;
    return 0;
}

static void metrics_free(bt_models_metrics *met)
{
    free(met->true_loss); free(met->query_share); free(met->router_overlap);
    free(met->mixture_loss); free(met->distill_loss); free(met->validator_alignment);
    free(met->outage_loss); free(met->missed);
}

/* peer -> slot tables; 0, or -1 with err filled */
static int index_peers(bt_models *m, const bt_models_config *cfg, char *err, size_t errlen)
{
    size_t n = cfg->npeers;
    for (size_t i = 0; i < n; i++) {
        m->slot[i] = -1;
        if (cfg->role[i] == BT_ROLE_MINER) { m->slot[i] = (long)m->nminers; m->miner_peer[m->nminers++] = i; }
        if (cfg->role[i] == BT_ROLE_EVALUATOR) { m->slot[i] = (long)m->nevals; m->eval_peer[m->nevals++] = i; }
    }
    if (m->nevals && !m->nminers) {
        snprintf(err, errlen, "evaluators need at least one miner to query");
        return -1;
    }
    for (size_t q = 0; q < m->nminers; q++) {
        const bt_miner_config *mc = &cfg->miner[m->miner_peer[q]];
        if (mc->type != BT_MINER_COPY) continue;
        size_t t = mc->target;
        if (t >= n || cfg->role[t] != BT_ROLE_MINER || t == m->miner_peer[q] ||
            (cfg->miner[t].type != BT_MINER_STUDENT && cfg->miner[t].type != BT_MINER_DISTILLED)) {
            snprintf(err, errlen, "peer %zu: a copy's target must be another student or distilled miner", m->miner_peer[q]);
            return -1;
        }
    }
    return 0;
}

static int build(bt_models *m, const bt_models_config *cfg, uint64_t seed, char *err, size_t errlen)
{
    size_t n = cfg->npeers, big = n > 1 ? n : 1;
    m->miner_peer = calloc(big, sizeof *m->miner_peer);
    m->eval_peer = calloc(big, sizeof *m->eval_peer);
    m->slot = calloc(big, sizeof *m->slot);
    if (!m->miner_peer || !m->eval_peer || !m->slot) return snprintf(err, errlen, "out of memory"), -1;
    if (index_peers(m, cfg, err, errlen)) return -1;
    m->miners = calloc(m->nminers ? m->nminers : 1, sizeof *m->miners);
    m->evals = calloc(m->nevals ? m->nevals : 1, sizeof *m->evals);
    m->mixw = calloc(m->nminers ? m->nminers : 1, sizeof *m->mixw);
    m->offline = calloc(m->nminers ? m->nminers : 1, 1);
    m->scratch = calloc(5 * big, sizeof *m->scratch);
    m->measure_rng = bt_task_rng(seed, 0x6d65617375ULL /* "measu" */, 0);
    m->hz = gsl_matrix_float_alloc(cfg->task.holdout, cfg->task.d_out);
    if (!m->miners || !m->evals || !m->mixw || !m->offline || !m->scratch || !m->measure_rng || !m->hz || metrics_alloc(&m->met, n))
        return snprintf(err, errlen, "out of memory"), -1;
    for (size_t q = 0; q < m->nminers; q++) {
        size_t p = m->miner_peer[q];
        const bt_miner_config *mc = &cfg->miner[p];
        size_t target = mc->type == BT_MINER_COPY ? (size_t)m->slot[mc->target] : 0;
        if (!(m->miners[q] = bt_miner_alloc(mc, m->task, target, seed, p)))
            return snprintf(err, errlen, "peer %zu: cannot build its model (out of memory)", p), -1;
    }
    for (size_t q = 0; q < m->nevals; q++) {
        size_t p = m->eval_peer[q];
        if (!(m->evals[q] = bt_eval_alloc(&cfg->eval[p], m->task, m->nminers, seed, p)))
            return snprintf(err, errlen, "peer %zu: cannot build its evaluator (out of memory)", p), -1;
    }
    return 0;
}

bt_models *bt_models_alloc(const bt_models_config *cfg, uint64_t seed, char *err, size_t errlen)
{
    bt_models *m = calloc(1, sizeof *m);
    if (!m) { snprintf(err, errlen, "out of memory"); return NULL; }
    m->npeers = cfg->npeers;
    bt_task_config tc = cfg->task;
    if (!tc.seeded) tc.seed = seed;
    if (!(m->task = bt_task_alloc(&tc))) {
        snprintf(err, errlen, "cannot build the task (out of memory or a zero size)");
        bt_models_free(m);
        return NULL;
    }
    if (build(m, cfg, seed, err, errlen)) {
        bt_models_free(m);
        return NULL;
    }
    return m;
}

void bt_models_free(bt_models *m)
{
    if (!m) return;
    for (size_t q = 0; m->miners && q < m->nminers; q++) bt_miner_free(m->miners[q]);
    for (size_t q = 0; m->evals && q < m->nevals; q++) bt_eval_free(m->evals[q]);
    free(m->miners); free(m->evals);
    free(m->miner_peer); free(m->eval_peer); free(m->slot);
    free(m->mixw); free(m->scratch); free(m->offline);
    if (m->measure_rng) gsl_rng_free(m->measure_rng);
    if (m->hz) gsl_matrix_float_free(m->hz);
    metrics_free(&m->met);
    bt_task_free(m->task);
    free(m);
}

int bt_models_begin_epoch(bt_models *m)
{
    /* Every miner but a distiller trains on its own data, stream and buffers: in parallel,
     * with the same result for any thread count. Distillers then train in peer order on the
     * trained models of the others. */
    long before = 0, after = 0;
    int failed = 0;
    for (size_t q = 0; q < m->nminers; q++) before += m->miners[q]->steps;
    #pragma omp parallel for schedule(dynamic, 8) reduction(|:failed) if (m->nminers >= 64)
    for (size_t q = 0; q < m->nminers; q++)
        if (m->miners[q]->cfg.type != BT_MINER_DISTILLED)
            failed |= bt_miner_train(m->miners, m->nminers, q, m->task, m->mixw) != 0;
    if (failed) return -1;
    for (size_t q = 0; q < m->nminers; q++)
        if (m->miners[q]->cfg.type == BT_MINER_DISTILLED && bt_miner_train(m->miners, m->nminers, q, m->task, m->mixw))
            return -1;
    for (size_t q = 0; q < m->nminers; q++) after += m->miners[q]->steps;
    m->steps += (uint64_t)(after - before);
    m->any_offline = 0;
    for (size_t q = 0; q < m->nminers; q++) {
        if (bt_miner_snapshot(m->miners, q)) return -1;
        m->any_offline |= m->offline[q] = (unsigned char)bt_miner_offline(m->miners[q], m->epoch);
    }
    for (size_t v = 0; v < m->nevals; v++) bt_eval_epoch_reset(m->evals[v]);
    m->epoch++;
    return 0;
}

/* Evaluators do not interact within an epoch (each draws from its own stream, and the miners'
 * models only change in bt_models_begin_epoch), so the order of their rounds is free. */
int bt_models_round(bt_models *m, size_t peer, const bt_eval_link *link)
{
    bt_eval *ev = bt_models_eval(m, peer);
    if (!ev) return 0;
    for (long r = 0; r < ev->cfg.queries; r++)
        if (bt_eval_query(ev, m->miners, m->task, m->any_offline ? m->offline : NULL, link)) return -1;
    return 0;
}

int bt_models_epoch(bt_models *m)
{
    if (bt_models_begin_epoch(m)) return -1;
    for (size_t v = 0; v < m->nevals; v++)
        if (bt_models_round(m, m->eval_peer[v], NULL)) return -1;
    return 0;
}

uint64_t bt_models_answers(const bt_models *m)
{
    uint64_t a = 0;
    for (size_t q = 0; q < m->nminers; q++) a += m->miners[q]->answers;
    return a;
}

bt_eval *bt_models_eval(const bt_models *m, size_t peer)
{
    if (peer >= m->npeers || m->slot[peer] < 0) return NULL;
    size_t v = (size_t)m->slot[peer];   /* a miner number for a miner */
    if (v >= m->nevals || m->eval_peer[v] != peer) return NULL;
    return m->evals[v];
}

size_t bt_models_row(bt_models *m, size_t peer, size_t *to, double *w)
{
    bt_eval *ev = bt_models_eval(m, peer);
    if (!ev) return 0;
    double *row = m->scratch;
    bt_eval_weights(ev, row);
    size_t k = 0;
    for (size_t q = 0; q < m->nminers; q++)
        if (ev->st->seen[q]) { to[k] = m->miner_peer[q]; w[k] = isfinite(row[q]) ? row[q] : 0; k++; }   /* a diverged model weighs 0 */
    return k;
}

/* ---- measurement ---- */

static void measure_miners(bt_models *m)
{
    const bt_task *t = m->task;
    for (size_t q = 0; q < m->nminers; q++) {
        if (bt_miner_answer(m->miners, q, t->holdout_x, m->hz, m->measure_rng))
            m->met.true_loss[m->miner_peer[q]] = NAN;
        else
            m->met.true_loss[m->miner_peer[q]] = bt_task_holdout_loss(t, m->hz);
    }
}

/* share of ev's picks this epoch that went to the k miners of lowest true loss */
static double router_overlap(bt_models *m, const bt_eval *ev)
{
    size_t k = ev->router->k, *best = malloc(k * sizeof *best);
    double *loss = m->scratch;
    if (!best) return NAN;
    for (size_t q = 0; q < m->nminers; q++) loss[q] = m->met.true_loss[m->miner_peer[q]];
    gsl_sort_smallest_index(best, k, loss, 1, m->nminers);
    double in = 0;
    for (size_t j = 0; j < k; j++) in += (double)ev->picked[best[j]];
    free(best);
    return ev->sent ? in / (double)ev->sent : NAN;
}

static void measure_evaluators(bt_models *m)
{
    uint64_t sent = 0, possible = 0;
    double *quality = m->scratch + m->nminers, *row = m->scratch + 2 * m->nminers;
    double *qrank = m->scratch + 3 * m->nminers, *work = m->scratch + 4 * m->nminers;
    for (size_t q = 0; q < m->nminers; q++) quality[q] = -m->met.true_loss[m->miner_peer[q]];
    int ranked = bt_align_ranks(quality, m->nminers, qrank) == 0;   /* once for every evaluator */
    for (size_t v = 0; v < m->nevals; v++) {
        bt_eval *ev = m->evals[v];
        size_t p = m->eval_peer[v];
        sent += ev->sent;
        possible += (uint64_t)ev->queries * m->nminers;
        for (size_t q = 0; q < m->nminers; q++) m->met.query_share[m->miner_peer[q]] += (double)ev->picked[q];
        m->met.mixture_loss[p] = ev->queries ? ev->mix_loss_sum / (double)ev->queries : NAN;
        m->met.distill_loss[p] = ev->distill ? bt_distill_loss(ev->distill, m->task) : NAN;
        m->met.router_overlap[p] = router_overlap(m, ev);
        bt_eval_weights(ev, row);
        m->met.outage_loss[p] = ev->outage_queries ? ev->outage_loss_sum / (double)ev->outage_queries : NAN;
        m->met.missed[p] = ev->sent ? (double)ev->missed / (double)ev->sent : NAN;
        m->met.validator_alignment[p] = ranked ? bt_align_spearman_ranked(qrank, row, m->nminers, work) : NAN;
    }
    for (size_t q = 0; q < m->nminers; q++)
        m->met.query_share[m->miner_peer[q]] = sent ? m->met.query_share[m->miner_peer[q]] / (double)sent : NAN;
    m->met.traffic_saved = possible ? 1.0 - (double)sent / (double)possible : NAN;
}

void bt_models_measure(bt_models *m, const double *incentive)
{
    size_t n = m->npeers;
    bt_models_metrics *met = &m->met;
    for (size_t i = 0; i < n; i++) {
        met->true_loss[i] = met->query_share[i] = met->router_overlap[i] = NAN;
        met->mixture_loss[i] = met->distill_loss[i] = met->validator_alignment[i] = NAN;
        met->outage_loss[i] = met->missed[i] = NAN;
    }
    measure_miners(m);
    for (size_t q = 0; q < m->nminers; q++) met->query_share[m->miner_peer[q]] = 0;
    measure_evaluators(m);
    /* alignment of the incentive with true quality, over miners */
    double *quality = m->scratch, *inc = m->scratch + m->nminers;
    for (size_t q = 0; q < m->nminers; q++) {
        quality[q] = -met->true_loss[m->miner_peer[q]];
        inc[q] = m->mixw[q] = incentive ? incentive[m->miner_peer[q]] : 0;
    }
    met->spearman = bt_align_spearman(quality, inc, m->nminers, m->scratch + 3 * m->nminers);
    met->kendall = bt_align_kendall(quality, inc, m->nminers);
}
