/* models/: gradients against finite differences (the network, the gate), SGD lowering a
 * student's loss, width buying quality, the Fisher importance against the exact
 * leave-one-out change, the router's backoff from a miner that does not answer, and the batch
 * normals of the inputs. */
#include "models.h"
#include "align.h"
#include "prob.h"
#include "router.h"
#include "score.h"
#include "normals.h"
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static bt_task *small_task(uint64_t seed)
{
    bt_task_config c;
    bt_task_config_default(&c);
    c.d_in = 8; c.d_out = 5; c.hidden = 16; c.batch = 16; c.holdout = 128; c.seed = seed;
    bt_task *t = bt_task_alloc(&c);
    cr_assert_not_null(t);
    return t;
}

/* Finite differences in float32: the loss is known to about 1e-7 only, so the step is large
 * (FD_H) and the truncation error is cut by Richardson's extrapolation of central differences,
 * (8 (f(h) - f(-h)) - (f(2h) - f(-2h))) / 12h, exact to O(h^4). v holds f at h, -h, 2h, -2h.
 * An analytic derivative passes within FD_ABS + FD_REL |fd|: about 50 times the rounding noise of
 * the difference, far below the error of a wrong term (of the order of the derivative itself). */
#define FD_H 1e-2f
#define FD_ABS 1e-4
#define FD_REL 1e-3
static const float fd_steps[4] = {FD_H, -FD_H, 2 * FD_H, -2 * FD_H};

static double richardson(const double v[4])
{
    return (8 * (v[0] - v[1]) - (v[2] - v[3])) / (12 * (double)FD_H);
}

static double model_loss(const bt_model *m, const gsl_matrix_float *x, const gsl_matrix_float *p, bt_model_work *w)
{
    bt_model_forward(m, x, w);
    return bt_prob_kl_rows(p, w->z);
}

Test(models, model_gradient_matches_finite_differences)
{
    gsl_rng *r = bt_task_rng(1, 2, 3);
    bt_model *m = bt_model_alloc(5, 4, 3), *g = bt_model_alloc(5, 4, 3);
    bt_model_init(m, r, 1.0);
    for (size_t q = 0; q < m->nparams; q++) m->theta[q] += (float)gsl_ran_gaussian(r, 0.3);   /* biases too */
    gsl_matrix_float *x = gsl_matrix_float_alloc(6, 5), *p = gsl_matrix_float_alloc(6, 3);
    for (size_t q = 0; q < 30; q++) x->data[q] = (float)gsl_ran_gaussian(r, 1.0);
    for (size_t q = 0; q < 18; q++) p->data[q] = (float)gsl_ran_gaussian(r, 1.0);
    bt_prob_softmax_rows(p, p);
    bt_model_work *w = bt_model_work_alloc(m, 6);
    bt_model_gradient(m, x, p, w, g);
    double worst = 0;
    for (size_t q = 0; q < m->nparams; q++) {
        float keep = m->theta[q];
        double v[4];
        for (int t = 0; t < 4; t++) {
            m->theta[q] = keep + fd_steps[t];
            v[t] = model_loss(m, x, p, w);
        }
        m->theta[q] = keep;
        double fd = richardson(v), err = fabs(fd - g->theta[q]) / (FD_ABS + fabs(fd));
        if (err > worst) worst = err;
        cr_expect(fabs(fd - g->theta[q]) < FD_ABS + FD_REL * fabs(fd), "param %zu: analytic %g, finite difference %g", q, g->theta[q], fd);
    }
    cr_log_info("model gradient: worst error %.2e of (1e-4 + |fd|) over %zu parameters", worst, m->nparams);
    bt_model_work_free(w);
    gsl_matrix_float_free(x); gsl_matrix_float_free(p);
    bt_model_free(m); bt_model_free(g);
    gsl_rng_free(r);
}

/* The batch normals: each sample is the normal quantile of the probability its bits encode
 * (checked against GSL's on a grid of bit patterns covering the centre and both tails); a
 * batch has the moments and tail mass of N(0, 1); it is a function of the key and the counter
 * only (a batch filled in two parts is the same batch). */
Test(models, batch_normals_are_standard_normal)
{
    double worst = 0;
    for (uint64_t u = 0; u < 0x100000000ULL; u += 65521) {
        float p = ((float)(int32_t)(u & 0x7fffffffU) + 0.5f) * 0x1p-32f;
        double want = gsl_cdf_ugaussian_Pinv((double)p) * (u >> 31 ? -1 : 1), err = fabs(bt_normals_from_bits((uint32_t)u) - want);
        if (err > worst) worst = err;
    }
    cr_log_info("batch normals: worst quantile error %.2e", worst);
    cr_expect(worst < 2e-6, "quantile error %g", worst);
    size_t n = 1 << 20;
    float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    cr_assert(x && y);
    bt_normals_fill(x, n, 77, 0);
    double s1 = 0, s2 = 0, s4 = 0, tail = 0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        s1 += v; s2 += v * v; s4 += v * v * v * v;
        tail += fabs(v) > 1.959964;
    }
    s1 /= (double)n; s2 /= (double)n; s4 /= (double)n; tail /= (double)n;
    cr_log_info("batch normals: mean %.5f, variance %.5f, fourth moment %.4f, P(|x| > 1.96) %.5f", s1, s2, s4, tail);
    /* about 5 standard errors: sd 0.001, 0.0014, 0.01, 0.0002 */
    cr_expect(fabs(s1) < 0.005 && fabs(s2 - 1) < 0.007 && fabs(s4 - 3) < 0.05 && fabs(tail - 0.05) < 0.001);
    bt_normals_fill(y, 1000, 77, 0);
    bt_normals_fill(y + 1000, n - 1000, 77, 1000);
    cr_expect(memcmp(x, y, n * sizeof *x) == 0, "filled in two parts, the same samples");
    bt_normals_fill(y, n, 78, 0);
    cr_expect(memcmp(x, y, 64 * sizeof *x) != 0, "another key, other samples");
    free(x);
    free(y);
}

/* a student of width `width` trained `steps` SGD steps; returns its held-out loss */
static double train_student(const bt_task *t, size_t width, long steps, uint64_t seed, double *initial)
{
    bt_miner_config mc;
    bt_miner_config_default(&mc);
    mc.width = width;
    mc.compute = steps;
    bt_miner *mn = bt_miner_alloc(&mc, t, 0, seed, 1);
    cr_assert_not_null(mn);
    gsl_matrix_float *z = gsl_matrix_float_alloc(t->cfg.holdout, t->cfg.d_out);
    bt_miner_answer(&mn, 0, t->holdout_x, z, NULL);
    if (initial) *initial = bt_task_holdout_loss(t, z);
    cr_assert_eq(bt_miner_train(&mn, 1, 0, t, NULL), 0);
    bt_miner_answer(&mn, 0, t->holdout_x, z, NULL);
    double l = bt_task_holdout_loss(t, z);
    gsl_matrix_float_free(z);
    bt_miner_free(mn);
    return l;
}

Test(models, sgd_lowers_a_students_loss)
{
    bt_task *t = small_task(5);
    double before, after = train_student(t, 16, 300, 9, &before), mid = train_student(t, 16, 30, 9, NULL);
    cr_log_info("student width 16: held-out KL %.4f -> %.4f (30 steps) -> %.4f (300 steps)", before, mid, after);
    cr_expect(mid < before, "30 steps lower the loss");
    cr_expect(after < 0.5 * before, "300 steps at least halve it: %g -> %g", before, after);
    cr_expect(after < mid);
    bt_task_free(t);
}

Test(models, a_wider_student_reaches_a_lower_loss)
{
    bt_task *t = small_task(6);
    double narrow = 0, wide = 0;
    for (uint64_t s = 0; s < 3; s++) {
        narrow += train_student(t, 1, 600, 20 + s, NULL) / 3;
        wide += train_student(t, 32, 600, 20 + s, NULL) / 3;
    }
    cr_log_info("600 steps: width 1 KL %.4f, width 32 KL %.4f", narrow, wide);
    cr_expect(wide < 0.7 * narrow, "width 32 (%g) well below width 1 (%g)", wide, narrow);
    bt_task_free(t);
}

/* Answers of k random "miners" and a gate: the batch evaluation's inputs. */
static void random_batch(bt_score_batch *sb, gsl_matrix_float *p, gsl_matrix_float *g, gsl_rng *r, double gate_spread)
{
    for (size_t q = 0; q < sb->z->size1 * sb->z->size2; q++) sb->z->data[q] = (float)gsl_ran_gaussian(r, 1.5);
    for (size_t q = 0; q < p->size1 * p->size2; q++) p->data[q] = (float)gsl_ran_gaussian(r, 1.5);
    bt_prob_softmax_rows(p, p);
    for (size_t q = 0; q < g->size1 * g->size2; q++) g->data[q] = (float)gsl_ran_gaussian(r, gate_spread);
    bt_prob_softmax_rows(g, g);
}

/* the validator's loss as a function of the router's parameters, for fixed answers */
static double gate_loss(bt_router *rt, bt_score_batch *sb, const gsl_matrix_float *x, const gsl_matrix_float *p)
{
    bt_router_route(rt, x, NULL);
    bt_score_evaluate(sb, p, rt->g, 0);
    return sb->mix_loss;
}

Test(models, router_gradient_matches_finite_differences)
{
    gsl_rng *r = bt_task_rng(4, 5, 6);
    size_t m = 4, d_in = 3, B = 5, d_out = 6;
    bt_router *rt = bt_router_alloc(m, d_in, m, B, 0.1, 0.0, 1);
    bt_score_batch *sb = bt_score_batch_alloc(m, B, d_out);
    gsl_matrix_float *x = gsl_matrix_float_alloc(B, d_in), *p = gsl_matrix_float_alloc(B, d_out),
                     *g = gsl_matrix_float_alloc(B, m);
    random_batch(sb, p, g, r, 1.0);
    for (size_t q = 0; q < B * d_in; q++) x->data[q] = (float)gsl_ran_gaussian(r, 1.0);
    for (size_t q = 0; q < m * d_in; q++) rt->v->data[q] = (float)gsl_ran_gaussian(r, 0.5);
    for (size_t q = 0; q < m; q++) rt->c->data[q] = (float)gsl_ran_gaussian(r, 0.5);
    gate_loss(rt, sb, x, p);
    bt_router_gradient(rt, x, rt->g, sb->e);
    float *params[2] = {rt->v->data, rt->c->data};
    size_t counts[2] = {m * d_in, m};
    double worst = 0;
    for (int which = 0; which < 2; which++)
        for (size_t q = 0; q < counts[which]; q++) {
            float keep = params[which][q];
            double v[4];
            for (int t = 0; t < 4; t++) {
                params[which][q] = keep + fd_steps[t];
                v[t] = gate_loss(rt, sb, x, p);
            }
            params[which][q] = keep;
            double fd = richardson(v), an = which == 0 ? rt->dv->data[q] : rt->dc->data[q];
            if (fabs(fd - an) / (FD_ABS + fabs(fd)) > worst) worst = fabs(fd - an) / (FD_ABS + fabs(fd));
            cr_expect(fabs(fd - an) < FD_ABS + FD_REL * fabs(fd), "%s[%zu]: analytic %g, finite difference %g",
                      which ? "c" : "v", q, an, fd);
        }
    cr_log_info("router gradient: worst error %.2e of (1e-4 + |fd|)", worst);
    gsl_matrix_float_free(x); gsl_matrix_float_free(p); gsl_matrix_float_free(g);
    bt_score_batch_free(sb);
    bt_router_free(rt);
    gsl_rng_free(r);
}

/* The backoff of router.h: miner 0, the gate's favourite, is offline; after each miss it is left
 * out of the next 1, 2, 4, ... routes (miner 1 stands in), at most backoff_max (20 here); back
 * online, it answers the next probe, is chosen every time, and a new miss counts as the first. */
Test(models, the_router_backs_off_from_a_miner_that_does_not_answer)
{
    bt_router *rt = bt_router_alloc(3, 2, 1, 4, 0.0, 0.0, 20);
    gsl_matrix_float *x = gsl_matrix_float_calloc(4, 2);
    rt->c->data[0] = 1.0f;
    rt->c->data[1] = 0.5f;
    const long expect[] = {1, 2, 4, 8, 16, 20, 20};
    const size_t nexp = sizeof expect / sizeof expect[0];
    long gap = -1;   /* routes since miner 0's last probe */
    size_t probes = 0;
    int online = 0;
    for (long route = 0; route < 400 && probes <= nexp + 3; route++) {
        bt_router_route(rt, x, NULL);
        size_t j = rt->sel[0];
        cr_assert(j == 0 || j == 1, "route %ld: chose miner %zu", route, j);
        if (j == 0) {
            if (probes >= 1 && probes <= nexp)
                cr_expect_eq(gap, expect[probes - 1], "after %zu misses in a row: out %ld routes, expected %ld", probes, gap,
                             expect[probes - 1]);
            if (probes > nexp) cr_expect_eq(gap, 0, "back online: chosen every route");
            if (probes == nexp) online = 1;
            probes++;
            gap = 0;
        } else {
            gap++;
        }
        unsigned char missing = j == 0 && !online;
        bt_router_observe(rt, &missing);
    }
    cr_assert_eq(probes, nexp + 4);
    /* a miss after answers: out one route only */
    unsigned char miss = 1, answer = 0;
    bt_router_route(rt, x, NULL);
    cr_assert_eq(rt->sel[0], 0);
    bt_router_observe(rt, &miss);
    bt_router_route(rt, x, NULL);
    cr_expect_eq(rt->sel[0], 1, "left out after a miss");
    bt_router_observe(rt, &answer);
    bt_router_route(rt, x, NULL);
    cr_expect_eq(rt->sel[0], 0, "one route out after a first miss");
    gsl_matrix_float_free(x);
    bt_router_free(rt);
}

Test(models, importance_first_order_is_the_gate_derivative_and_second_order_tracks_leave_one_out)
{
    gsl_rng *r = bt_task_rng(7, 8, 9);
    size_t k = 6, B = 40, d = 7;
    bt_score_batch *sb = bt_score_batch_alloc(k, B, d);
    gsl_matrix_float *p = gsl_matrix_float_alloc(B, d), *g = gsl_matrix_float_alloc(B, k);
    float keep[40];
    random_batch(sb, p, g, r, 0.3);
    /* first order: -g_j dL/dg_j, the derivative of the loss in the scale of miner j's gates, by
     * finite differences on the mixture */
    for (size_t j = 0; j < k; j++) {
        double v[4];
        for (size_t b = 0; b < B; b++) keep[b] = gsl_matrix_float_get(g, b, j);
        for (int t = 0; t < 4; t++) {
            for (size_t b = 0; b < B; b++) gsl_matrix_float_set(g, b, j, keep[b] * (1 + fd_steps[t]));
            bt_score_evaluate(sb, p, g, 0);
            v[t] = sb->mix_loss;
        }
        for (size_t b = 0; b < B; b++) gsl_matrix_float_set(g, b, j, keep[b]);
        bt_score_evaluate(sb, p, g, 1);
        double fd = -richardson(v);   /* -sum_b g_bj dL/dg_bj */
        cr_expect(fabs(fd - sb->first[j]) < FD_ABS + FD_REL * fabs(fd), "miner %zu: first order %g, finite difference %g",
                  j, sb->first[j], fd);
    }
    /* with six miners sharing the gate, removal is a small step: the second-order estimate is
     * closer to the exact change than the first-order one */
    double e1 = 0, e2 = 0;
    for (size_t j = 0; j < k; j++) {
        e1 += fabs(sb->first[j] - sb->loo[j]);
        e2 += fabs(sb->first[j] + sb->second[j] - sb->loo[j]);
    }
    cr_log_info("importance vs leave-one-out: first-order error %.4g, with Fisher term %.4g", e1, e2);
    cr_expect(e2 < e1, "the Fisher term improves the estimate (%g vs %g)", e2, e1);
    gsl_matrix_float_free(p); gsl_matrix_float_free(g);
    bt_score_batch_free(sb);
    gsl_rng_free(r);
}
