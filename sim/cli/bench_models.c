/* `btsim bench-models`: the speed of the synthetic tensor models (models/, docs/models.md).
 *  1. Forward-pass throughput of a miner's model (bt_model_forward, float32: two GEMMs, the tanh
 *     and the bias rows) on shapes of the range (batch 16-64, d_in/d_out 32-256), against
 *     the rate of the same CBLAS's sgemm on the same two products alone, measured in the same
 *     process: `fwd/sgemm` is the share of the bare GEMM rate the forward pass reaches.
 *  2. The cost of one simulated epoch of the models of a network of --miners miners and
 *     --validators evaluators with top-k routing: every miner trains (`compute` 1), every
 *     evaluator sends its queries to its top k, the rows are built, every miner is measured on
 *     the held-out batch. The chain's epoch is not included (btsim bench times it).
 * Last line: `epoch_ms=<models epoch>` (a contract used by bench/run.sh). */
#include "cli/cli.h"
#include "models.h"
#include <getopt.h>
#include <gsl/gsl_blas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct { size_t batch, d_in, width, d_out; } shape;

/* repeats of fn until at least 0.2 s; seconds per call (best of 3 such rounds) */
#define TIME_CALLS(per, body)                                                  \
    do {                                                                       \
        double best_ = 1e30;                                                   \
        for (int round_ = 0; round_ < 3; round_++) {                           \
            long n_ = 0;                                                       \
            double t0_ = now_s(), dt_;                                         \
            do { for (int i_ = 0; i_ < 64; i_++) { body; } n_ += 64; }         \
            while ((dt_ = now_s() - t0_) < 0.2);                               \
            if (dt_ / (double)n_ < best_) best_ = dt_ / (double)n_;            \
        }                                                                      \
        (per) = best_;                                                         \
    } while (0)

static void fill(float *a, size_t n, gsl_rng *r)
{
    for (size_t q = 0; q < n; q++) a[q] = (float)(gsl_rng_uniform(r) - 0.5);
}

static int bench_shape(const shape *s, gsl_rng *r)
{
    bt_model *m = bt_model_alloc(s->d_in, s->width, s->d_out);
    bt_model_work *w = m ? bt_model_work_alloc(m, s->batch) : NULL;
    gsl_matrix_float *x = gsl_matrix_float_alloc(s->batch, s->d_in);
    if (!w || !x) { fprintf(stderr, "btsim: out of memory\n"); return 1; }
    bt_model_init(m, r, 1.0);
    fill(m->b1.vector.data, s->width, r);
    fill(m->b2.vector.data, s->d_out, r);
    fill(x->data, x->size1 * x->size2, r);
    double flops = 2.0 * (double)s->batch * (double)(s->d_in * s->width + s->width * s->d_out), fwd, sg;
    TIME_CALLS(fwd, bt_model_forward(m, x, w));
    TIME_CALLS(sg, (gsl_blas_sgemm(CblasNoTrans, CblasTrans, 1.0f, x, &m->w1.matrix, 0.0f, w->h),
                    gsl_blas_sgemm(CblasNoTrans, CblasTrans, 1.0f, w->h, &m->w2.matrix, 0.0f, w->z)));
    printf("%5zu %5zu %5zu %5zu %12.0f %10.2f %11.2f %10.2f\n", s->batch, s->d_in, s->width, s->d_out,
           1.0 / fwd, flops / fwd * 1e-9, flops / sg * 1e-9, sg / fwd);
    bt_model_work_free(w);
    bt_model_free(m);
    gsl_matrix_float_free(x);
    return 0;
}

/* one network of models; ms per epoch (mean of `epochs` after one warm-up), -1 on failure */
static double bench_epoch(size_t nminers, size_t nvals, size_t top_k, long epochs)
{
    bt_models_config *c = bt_models_config_alloc(nvals + nminers);
    if (!c) return -1;
    c->task.d_in = 32; c->task.d_out = 32; c->task.hidden = 32; c->task.batch = 32; c->task.holdout = 64;
    for (size_t v = 0; v < nvals; v++) {
        c->role[v] = BT_ROLE_EVALUATOR;
        c->eval[v].top_k = top_k;
        c->eval[v].queries = 1;
    }
    for (size_t q = 0; q < nminers; q++) {
        c->role[nvals + q] = BT_ROLE_MINER;
        c->miner[nvals + q].width = 8 + 8 * (q % 4);
        c->miner[nvals + q].compute = 1;
    }
    char err[256];
    bt_models *m = bt_models_alloc(c, 1, err, sizeof err);
    bt_models_config_free(c);
    size_t n = nvals + nminers, *to = malloc(n * sizeof *to);
    double *w = malloc(n * sizeof *w), *inc = calloc(n, sizeof *inc), total = 0;
    if (!m || !to || !w || !inc) {
        fprintf(stderr, "btsim: %s\n", m ? "out of memory" : err);
        bt_models_free(m); free(to); free(w); free(inc);
        return -1;
    }
    for (long e = 0; e <= epochs; e++) {
        double t0 = now_s();
        if (bt_models_epoch(m)) { total = -1; break; }
        for (size_t v = 0; v < nvals; v++) {
            size_t k = bt_models_row(m, v, to, w);
            for (size_t q = 0; q < k; q++) inc[to[q]] += w[q];
        }
        bt_models_measure(m, inc);
        if (e > 0) total += now_s() - t0;
    }
    bt_models_free(m);
    free(to); free(w); free(inc);
    return total < 0 ? -1 : total / (double)epochs * 1e3;
}

int bt_cli_bench_models(int argc, char **argv)
{
    long miners = 4096, validators = 64, top_k = 16, epochs = 3;
    static const struct option opts[] = {{"miners", 1, 0, 'm'}, {"validators", 1, 0, 'v'},
                                         {"top-k", 1, 0, 'k'}, {"epochs", 1, 0, 'e'}, {0, 0, 0, 0}};
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        long *dst = ch == 'm' ? &miners : ch == 'v' ? &validators : ch == 'k' ? &top_k : ch == 'e' ? &epochs : NULL;
        if (!dst) return 2;
        char *end;
        *dst = strtol(optarg, &end, 10);
        if (*end || *dst < 1 || *dst > 1000000) {
            fprintf(stderr, "btsim: bench-models: --%s: expected an integer 1..1000000\n", opts[ch == 'm' ? 0 : ch == 'v' ? 1 : ch == 'k' ? 2 : 3].name);
            return 2;
        }
    }
    if (top_k > miners) top_k = miners;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r) return 1;
    static const shape shapes[] = {{16, 32, 32, 32}, {64, 32, 32, 32}, {32, 64, 64, 64}, {64, 128, 128, 128},
                                  {16, 256, 128, 256}, {64, 256, 128, 256}};
    printf("forward pass of one miner's model (float32) vs the same two sgemms alone, same CBLAS, same shapes\n");
    printf("%5s %5s %5s %5s %12s %10s %11s %10s\n", "batch", "d_in", "width", "d_out", "fwd/s", "fwd GF/s",
           "sgemm GF/s", "fwd/sgemm");
    for (size_t q = 0; q < sizeof shapes / sizeof shapes[0]; q++)
        if (bench_shape(&shapes[q], r)) { gsl_rng_free(r); return 1; }
    gsl_rng_free(r);
    printf("one models epoch: %ld miners (d_in = d_out = 32, widths 8-32, 1 SGD step), %ld validators "
           "(1 query of 32, top %ld), holdout 64\n", miners, validators, top_k);
    double ms = bench_epoch((size_t)miners, (size_t)validators, (size_t)top_k, epochs);
    if (ms < 0) return 1;
    printf("epoch_ms=%.3f\n", ms);
    return 0;
}
