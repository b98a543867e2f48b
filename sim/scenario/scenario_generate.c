/* "generate": large networks without large files. Appends V validators and M miners to the
 * scenario's peers, stake from a chosen distribution, and, for each validator, a weight row
 * over K distinct miners picked uniformly, by Zipf-like popularity or by true quality, each
 * weight the miner's quality plus noise. Everything comes from a GSL stream seeded by the
 * scenario's seed, so the same file and seed give the same network. */
#include "scenario/scenario_internal.h"
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_GENERATED 100000000L

static const bt_scn_key gen_keys[] = {
    {"validators", 1}, {"miners", 1}, {"weights_per_validator", 1}, {"popularity", 0},
    {"zipf_exponent", 0}, {"quality_noise", 0}, {"stake", 0}, {"every", 0},
    {"validator_group", 0}, {"miner_group", 0}};
static const bt_scn_key stake_keys[] = {{"dist", 0}, {"sigma", 0}, {"alpha", 0}, {"total", 0}};
static const char *const pop_names[] = {"uniform", "zipf", "quality"};
static const char *const dist_names[] = {"lognormal", "pareto", "uniform", "equal"};

typedef struct {
    long v, m, k, every;
    int popularity, dist;
    double zipf_s, noise, sigma, alpha, total;
    const char *vgroup, *mgroup;
} gen_spec;

static int read_spec(bt_scn_ctx *c, const cJSON *g, gen_spec *s)
{
    int rc;
    *s = (gen_spec){.every = 1, .zipf_s = 1.0, .noise = 0.05, .sigma = 1.0, .alpha = 1.5,
                    .total = 1e6, .vgroup = "validator", .mgroup = "miner"};
    if ((rc = bt_scn_expect(c, g, cJSON_IsObject, "an object")) ||
        (rc = bt_scn_check_keys(c, g, gen_keys, COUNT(gen_keys))) ||
        (rc = bt_scn_integer(c, g, "validators", 1, (double)MAX_GENERATED, &s->v)) ||
        (rc = bt_scn_integer(c, g, "miners", 1, (double)MAX_GENERATED, &s->m)) ||
        (rc = bt_scn_integer(c, g, "weights_per_validator", 1, (double)s->m, &s->k)) ||
        (rc = bt_scn_enum(c, g, "popularity", pop_names, COUNT(pop_names), &s->popularity)) ||
        (rc = bt_scn_number(c, g, "zipf_exponent", 0, 1, 10, 0, &s->zipf_s)) ||
        (rc = bt_scn_number(c, g, "quality_noise", 0, 0, 10, 0, &s->noise)) ||
        (rc = bt_scn_integer(c, g, "every", 0, 1e6, &s->every)) ||
        (rc = bt_scn_string(c, g, "validator_group", 0, &s->vgroup)) ||
        (rc = bt_scn_string(c, g, "miner_group", 0, &s->mgroup)))
        return rc;
    if ((double)s->v * (double)s->k * 16.0 > (double)BT_SCN_MAX_WEIGHT_BYTES) {
        size_t m = bt_scn_push_key(c, "weights_per_validator");
        rc = bt_scn_fail(c, "%ld validators x %ld weights exceed the 1 GiB limit on weights", s->v, s->k);
        bt_scn_pop(c, m);
        return rc;
    }
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(g, "stake");
    if (!st) return 0;
    size_t mark = bt_scn_push_key(c, "stake");
    if (!(rc = bt_scn_expect(c, st, cJSON_IsObject, "an object")) &&
        !(rc = bt_scn_check_keys(c, st, stake_keys, COUNT(stake_keys))) &&
        !(rc = bt_scn_enum(c, st, "dist", dist_names, COUNT(dist_names), &s->dist)) &&
        !(rc = bt_scn_number(c, st, "sigma", 0, 0, 20, 0, &s->sigma)) &&
        !(rc = bt_scn_number(c, st, "alpha", 0, 1, 100, 0, &s->alpha)))
        rc = bt_scn_number(c, st, "total", 0, 1, 1e15, 0, &s->total);
    bt_scn_pop(c, mark);
    return rc;
}

static char *name_of(char prefix, long i, long n)
{
    int width = 1;
    for (long x = n - 1; x >= 10; x /= 10) width++;
    char buf[48];
    if (width > 20) width = 20;
    snprintf(buf, sizeof buf, "%c%0*ld", prefix, width, i % 1000000000000000000L);
    return strdup(buf);
}

static double draw_stake(const gen_spec *s, gsl_rng *r)
{
    switch (s->dist) {
    case 0: return gsl_ran_lognormal(r, 0.0, s->sigma);
    case 1: return gsl_ran_pareto(r, s->alpha, 1.0);
    case 2: return gsl_rng_uniform_pos(r);
    default: return 1.0;
    }
}

/* K distinct miners, by rejection from the popularity distribution (K << M in practice).
 * seen[j] == stamp marks the miners this row holds (an O(1) test; the row's stamp is fresh).
 * A row whose draws from a skewed table collide more than 64 K times in a row switches to
 * uniform draws for the rest of the row: without that, a very skewed table (zipf_exponent 5,
 * found by fuzzing) or K close to M cost up to 64 K draws for every pick. Rows that never
 * reach the switch draw exactly as before. */
static void pick_miners(const gen_spec *s, gsl_rng *r, gsl_ran_discrete_t *table, size_t *to,
                        unsigned *seen, unsigned stamp)
{
    int skewed = table != NULL;
    for (long q = 0; q < s->k; q++) {
        size_t j;
        int again;
        long tries = 0;
        do {
            j = skewed ? gsl_ran_discrete(r, table) : (size_t)gsl_rng_uniform_int(r, (unsigned long)s->m);
            again = seen[j] == stamp;
            if (again && ++tries > 64 * s->k) {            /* a very skewed table: fall back */
                j = (size_t)gsl_rng_uniform_int(r, (unsigned long)s->m);
                again = seen[j] == stamp;
                skewed = 0;
            }
        } while (again);
        to[q] = j;
        seen[j] = stamp;
    }
}

static int grow_peers(bt_scenario *out, const gen_spec *s, gsl_rng *r, size_t *first_v)
{
    size_t old = out->npeers, add = (size_t)(s->v + s->m);
    bt_peer_spec *p = realloc(out->peers, (old + add) * sizeof *p);
    if (!p) return -1;
    memset(p + old, 0, add * sizeof *p);
    out->peers = p;
    out->npeers = old + add;
    double sum = 0;
    for (long i = 0; i < s->v; i++) { p[old + (size_t)i].stake = draw_stake(s, r); sum += p[old + (size_t)i].stake; }
    for (long i = 0; i < s->v; i++) {
        bt_peer_spec *q = &p[old + (size_t)i];
        q->stake = sum > 0 ? q->stake / sum * s->total : 0;
        if (!(q->name = name_of('v', i, s->v)) || !(q->group = strdup(s->vgroup))) return -1;
    }
    for (long j = 0; j < s->m; j++) {
        bt_peer_spec *q = &p[old + (size_t)(s->v + j)];
        if (!(q->name = name_of('m', j, s->m)) || !(q->group = strdup(s->mgroup))) return -1;
    }
    *first_v = old;
    return 0;
}

static gsl_ran_discrete_t *popularity_table(const gen_spec *s, gsl_rng *r, const double *quality)
{
    if (s->popularity == 0) return NULL;
    double *w = malloc((size_t)s->m * sizeof *w);
    size_t *rank = malloc((size_t)s->m * sizeof *rank);
    gsl_ran_discrete_t *t = NULL;
    if (w && rank) {
        for (long j = 0; j < s->m; j++) rank[j] = (size_t)j;
        gsl_ran_shuffle(r, rank, (size_t)s->m, sizeof *rank);   /* which miner holds rank 1, 2, ... */
        for (long j = 0; j < s->m; j++)
            w[j] = s->popularity == 1 ? pow((double)rank[j] + 1.0, -s->zipf_s) : quality[j] + 1e-9;
        t = gsl_ran_discrete_preproc((size_t)s->m, w);
    }
    free(w);
    free(rank);
    return t;
}

static int add_weights(bt_scenario *out, const gen_spec *s, gsl_rng *r, size_t first_v)
{
    size_t first_m = first_v + (size_t)s->v;
    double *quality = malloc((size_t)s->m * sizeof *quality);
    unsigned *seen = s->m > 0 ? calloc((size_t)s->m, sizeof *seen) : NULL;
    bt_weights_spec *w = calloc((size_t)s->v + out->nweights, sizeof *w);
    if (!quality || !seen || !w) { free(quality); free(seen); free(w); return -1; }
    for (long j = 0; j < s->m; j++) quality[j] = gsl_rng_uniform(r);
    gsl_ran_discrete_t *table = popularity_table(s, r, quality);
    int rc = s->popularity != 0 && !table ? -1 : 0;
    /* generated rows come first: they are set at epoch 0, before any row of the file */
    if (out->nweights) memcpy(w + s->v, out->weights, out->nweights * sizeof *w);
    for (long i = 0; !rc && i < s->v; i++) {
        bt_weights_spec *row = &w[i];
        row->epoch = 0;
        row->from = first_v + (size_t)i;
        row->every = s->every;
        row->nto = (size_t)s->k;
        row->to = malloc((size_t)s->k * sizeof *row->to);
        row->w = malloc((size_t)s->k * sizeof *row->w);
        if (!row->to || !row->w) { rc = -1; break; }
        pick_miners(s, r, table, row->to, seen, (unsigned)i + 1);
        for (long q = 0; q < s->k; q++) {
            double v = quality[row->to[q]] + gsl_ran_gaussian(r, s->noise);
            row->w[q] = v > 0 ? v : 0;
            row->to[q] += first_m;
        }
    }
    free(out->weights);
    out->weights = w;
    out->nweights += (size_t)s->v;   /* every row is owned now, so bt_scenario_free frees them all */
    gsl_ran_discrete_free(table);
    free(seen);
    free(quality);
    return rc;
}

int bt_scn_generate(bt_scn_ctx *c, const cJSON *root, bt_scenario *out, uint64_t seed)
{
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(root, "generate");
    if (!g) return 0;
    size_t mark = bt_scn_push_key(c, "generate");
    gen_spec s;
    int rc = read_spec(c, g, &s);
    if (rc) return rc;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    size_t first_v = 0;
    if (!r) return bt_scn_fail_file(c, "out of memory");
    gsl_rng_set(r, (unsigned long)(seed * 2654435761ULL + 17));
    if (grow_peers(out, &s, r, &first_v) || add_weights(out, &s, r, first_v))
        rc = bt_scn_fail_file(c, "out of memory generating %ld validators and %ld miners", s.v, s.m);
    gsl_rng_free(r);
    bt_scn_pop(c, mark);
    return rc;
}
