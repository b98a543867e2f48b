/* Sweep files: parse and validate (reusing the scenario module's paths and typed readers),
 * expand ranges and random samples, and plan each run's overrides and seed. */
#include "scenario/sweep.h"
#include "scenario/scenario_internal.h"
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RUNS 10000000.0
#define MAX_AXIS_VALUES 1000000L

static char *printf_str(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *printf_str(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s) return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

uint64_t bt_sweep_run_seed(uint64_t sweep_seed, size_t r)
{
    uint64_t z = sweep_seed + 0x9E3779B97F4A7C15ULL * ((uint64_t)r + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return (z ^ (z >> 31)) & ((1ULL << 53) - 1);   /* a JSON number holds it exactly */
}

static int is_group_share(const char *key) { return strncmp(key, "group_share.", 12) == 0; }

/* ---------------------------------------------------------------- the base scenario */

static int load_base(bt_scn_ctx *c, const cJSON *root, bt_sweep *sw)
{
    const cJSON *base = cJSON_GetObjectItemCaseSensitive(root, "base");
    size_t mark = bt_scn_push_key(c, "base");
    int rc = 0;
    if (cJSON_IsObject(base)) {
        sw->base_text = cJSON_PrintUnformatted(base);
        sw->base_path = strdup(sw->path);
        if (!sw->base_text || !sw->base_path) rc = bt_scn_fail_file(c, "out of memory");
        else sw->base_len = strlen(sw->base_text);
    } else if (cJSON_IsString(base) && base->valuestring[0]) {
        const char *p = base->valuestring;
        const char *slash = strrchr(sw->path, '/');
        if (p[0] == '/' || !slash) sw->base_path = strdup(p);
        else sw->base_path = printf_str("%.*s/%s", (int)(slash - sw->path), sw->path, p);
        if (!sw->base_path) return bt_scn_fail_file(c, "out of memory");
        bt_scn_ctx bc;
        char berr[512];
        bt_scn_ctx_init(&bc, sw->base_path, berr, sizeof berr);
        if (bt_scn_read_file(&bc, sw->base_path, &sw->base_text, &sw->base_len))
            rc = bt_scn_fail(c, "%s", berr);
        bt_scn_ctx_free(&bc);
    } else {
        rc = bt_scn_fail(c, "expected a scenario file name or an inline scenario object, got %s",
                         bt_scn_type_name(base));
    }
    bt_scn_pop(c, mark);
    return rc;
}

/* Parses the base scenario with the fixed overrides plus `extra` (may be NULL); on failure the
 * scenario's own message is reported at the sweep path in c. */
static int check_base(bt_scn_ctx *c, const bt_sweep *sw, const char *extra, bt_scenario *keep)
{
    size_t n = sw->nfixed + (extra ? 1 : 0);
    const char **sets = calloc(n ? n : 1, sizeof *sets);
    if (!sets) return bt_scn_fail_file(c, "out of memory");
    for (size_t i = 0; i < sw->nfixed; i++) sets[i] = sw->fixed[i];
    if (extra) sets[sw->nfixed] = extra;
    bt_scenario sc;
    char err[1024];
    int rc = bt_scenario_parse(sw->base_path, sw->base_text, sw->base_len, sets, n, &sc, err, sizeof err);
    free(sets);
    if (rc) return bt_scn_fail(c, "%s", err);
    if (keep) *keep = sc;
    else bt_scenario_free(&sc);
    return 0;
}

/* ---------------------------------------------------------------- "set" */

static int read_fixed(bt_scn_ctx *c, const cJSON *root, bt_sweep *sw)
{
    const cJSON *set = cJSON_GetObjectItemCaseSensitive(root, "set");
    if (!set) return 0;
    size_t mark = bt_scn_push_key(c, "set");
    int rc = bt_scn_expect(c, set, cJSON_IsObject, "an object of scenario key paths to values");
    size_t n = 0;
    for (const cJSON *m = set->child; !rc && m; m = m->next) n++;
    if (!rc && !(sw->fixed = calloc(n ? n : 1, sizeof *sw->fixed))) rc = bt_scn_fail_file(c, "out of memory");
    for (const cJSON *m = set->child; !rc && m; m = m->next) {
        char *v = cJSON_PrintUnformatted(m);
        sw->fixed[sw->nfixed] = v ? printf_str("%s=%s", m->string, v) : NULL;
        free(v);
        if (!sw->fixed[sw->nfixed]) rc = bt_scn_fail_file(c, "out of memory");
        else sw->nfixed++;
    }
    bt_scn_pop(c, mark);
    return rc;
}

/* The base scenario with every "set" override. When that fails, the blame goes to the base
 * alone if it fails without overrides, else to the first override that breaks it, reported at
 * set["KEY"] (a scenario key path holds dots, hence the quoted form). */
static int check_fixed(bt_scn_ctx *c, bt_sweep *sw, bt_scenario *base)
{
    size_t mark = bt_scn_push_key(c, "base");
    int rc = check_base(c, sw, NULL, base);
    bt_scn_pop(c, mark);
    if (!rc) return 0;
    size_t nfixed = sw->nfixed;
    for (size_t i = 0; i <= nfixed; i++) {
        sw->nfixed = i;
        char *key = i ? strdup(sw->fixed[i - 1]) : NULL;
        if (i && !key) { sw->nfixed = nfixed; return bt_scn_fail_file(c, "out of memory"); }
        if (key) *strchr(key, '=') = '\0';
        size_t m1 = bt_scn_push_key(c, i ? "set" : "base"), m2 = i ? bt_scn_push_key(c, key) : m1;
        rc = check_base(c, sw, NULL, NULL);
        bt_scn_pop(c, m2);
        bt_scn_pop(c, m1);
        free(key);
        if (rc) break;
    }
    sw->nfixed = nfixed;
    return rc ? rc : check_base(c, sw, NULL, base);   /* not reached: the full set failed above */
}

/* ---------------------------------------------------------------- axes */

static const char *const scale_names[] = {"linear", "log"};

/* from/to/scale of a range or a sampled axis. */
static int read_span(bt_scn_ctx *c, const cJSON *obj, double *from, double *to, int *log_scale,
                     int *integer)
{
    int rc;
    *log_scale = 0;
    *integer = 0;
    if ((rc = bt_scn_number(c, obj, "from", -INFINITY, 0, INFINITY, 0, from)) ||
        (rc = bt_scn_number(c, obj, "to", -INFINITY, 0, INFINITY, 0, to)) ||
        (rc = bt_scn_enum(c, obj, "scale", scale_names, 2, log_scale)) ||
        (rc = bt_scn_bool(c, obj, "integer", integer)))
        return rc;
    if (*log_scale && (*from <= 0 || *to <= 0)) {
        size_t mark = bt_scn_push_key(c, "from");
        rc = bt_scn_fail(c, "a log scale needs from and to > 0, got %g and %g", *from, *to);
        bt_scn_pop(c, mark);
    }
    return rc;
}

static double span_point(double from, double to, int log_scale, int integer, double u)
{
    double v = log_scale ? exp(log(from) + u * (log(to) - log(from))) : from + u * (to - from);
    return integer ? nearbyint(v) : v;
}

static int set_value(bt_sweep_axis *ax, size_t k, double v)
{
    char buf[64];
    if (v == floor(v) && fabs(v) < 1e15) snprintf(buf, sizeof buf, "%.0f", v);
    else snprintf(buf, sizeof buf, "%.17g", v);
    ax->json[k] = strdup(buf);
    ax->num[k] = v;
    return ax->json[k] ? 0 : -1;
}

static int read_axis(bt_scn_ctx *c, const cJSON *a, bt_sweep_axis *ax)
{
    static const bt_scn_key keys[] = {{"key", 1}, {"values", 0}, {"range", 0}};
    const char *key;
    int rc;
    if ((rc = bt_scn_expect(c, a, cJSON_IsObject, "an object")) ||
        (rc = bt_scn_check_keys(c, a, keys, 3)) || (rc = bt_scn_string(c, a, "key", 1, &key)))
        return rc;
    if (!(ax->key = strdup(key))) return bt_scn_fail_file(c, "out of memory");
    const cJSON *values = cJSON_GetObjectItemCaseSensitive(a, "values");
    const cJSON *range = cJSON_GetObjectItemCaseSensitive(a, "range");
    if (!!values == !!range) return bt_scn_fail(c, "give exactly one of \"values\" and \"range\"");
    if (values) {
        size_t mark = bt_scn_push_key(c, "values");
        rc = bt_scn_expect(c, values, cJSON_IsArray, "a non-empty array");
        size_t n = rc ? 0 : (size_t)cJSON_GetArraySize(values);
        if (!rc && (n == 0 || n > (size_t)MAX_AXIS_VALUES))
            rc = bt_scn_fail(c, "expected 1 to %ld values, got %zu", MAX_AXIS_VALUES, n);
        if (!rc && (!(ax->json = calloc(n, sizeof *ax->json)) || !(ax->num = calloc(n, sizeof *ax->num))))
            rc = bt_scn_fail_file(c, "out of memory");
        size_t k = 0;
        for (const cJSON *v = values->child; !rc && v; v = v->next, k++) {
            if (!(ax->json[k] = cJSON_PrintUnformatted(v))) rc = bt_scn_fail_file(c, "out of memory");
            ax->num[k] = cJSON_IsNumber(v) ? v->valuedouble : cJSON_IsBool(v) ? (cJSON_IsTrue(v) ? 1.0 : 0.0) : NAN;
            ax->n = k + 1;
        }
        bt_scn_pop(c, mark);
        return rc;
    }
    static const bt_scn_key rkeys[] = {{"from", 1}, {"to", 1}, {"num", 1}, {"scale", 0}, {"integer", 0}};
    size_t mark = bt_scn_push_key(c, "range");
    double from, to;
    long num = 0;
    int log_scale, integer;
    if (!(rc = bt_scn_expect(c, range, cJSON_IsObject, "an object")) &&
        !(rc = bt_scn_check_keys(c, range, rkeys, 5)) &&
        !(rc = read_span(c, range, &from, &to, &log_scale, &integer)) &&
        !(rc = bt_scn_integer(c, range, "num", 1, (double)MAX_AXIS_VALUES, &num))) {
        if (!(ax->json = calloc((size_t)num, sizeof *ax->json)) || !(ax->num = calloc((size_t)num, sizeof *ax->num)))
            rc = bt_scn_fail_file(c, "out of memory");
        for (long k = 0; !rc && k < num; k++) {
            double u = num == 1 ? 0.0 : (double)k / (double)(num - 1);
            if (set_value(ax, (size_t)k, span_point(from, to, log_scale, integer, u)))
                rc = bt_scn_fail_file(c, "out of memory");
            ax->n = (size_t)k + 1;
        }
    }
    bt_scn_pop(c, mark);
    return rc;
}

/* group_share.G: G must be a group of the base scenario with stake, the others must have
 * stake too, and each value must be a share in (0, 1). */
static int check_group_share(bt_scn_ctx *c, const bt_scenario *base, const char *key,
                             char *const *json, const double *values, size_t n)
{
    const char *g = key + 12;
    double sg = 0, so = 0;
    int found = 0;
    for (size_t i = 0; i < base->npeers; i++) {
        if (strcmp(base->peers[i].group, g) == 0) { found = 1; sg += base->peers[i].stake; }
        else so += base->peers[i].stake;
    }
    if (!found) return bt_scn_fail(c, "no peer of the base scenario is in group \"%s\"", g);
    if (sg <= 0 || so <= 0) return bt_scn_fail(c, "group \"%s\" and the other peers must both hold stake", g);
    for (size_t k = 0; k < n; k++)
        if (!(values[k] > 0 && values[k] < 1))
            return bt_scn_fail(c, "a group share must be a number in (0, 1), got %.40s", json[k]);
    return 0;
}

/* Every value of every axis is tried on the base scenario, so a bad key or value is reported
 * here, at its place in the sweep file, not by run 734 an hour later. */
static int check_axis(bt_scn_ctx *c, const bt_sweep *sw, const bt_scenario *base, const char *key,
                      char **json, const double *num, size_t n)
{
    if (is_group_share(key)) return check_group_share(c, base, key, json, num, n);
    for (size_t k = 0; k < n; k++) {
        char *set = printf_str("%s=%s", key, json[k]);
        if (!set) return bt_scn_fail_file(c, "out of memory");
        int rc = check_base(c, sw, set, NULL);
        free(set);
        if (rc) return rc;
    }
    return 0;
}

static int read_axes(bt_scn_ctx *c, const cJSON *root, bt_sweep *sw, const bt_scenario *base)
{
    const cJSON *axes = cJSON_GetObjectItemCaseSensitive(root, "axes");
    if (!axes) return 0;
    size_t mark = bt_scn_push_key(c, "axes");
    int rc = bt_scn_expect(c, axes, cJSON_IsArray, "an array");
    size_t n = rc ? 0 : (size_t)cJSON_GetArraySize(axes);
    if (!rc && !(sw->axes = calloc(n ? n : 1, sizeof *sw->axes))) rc = bt_scn_fail_file(c, "out of memory");
    size_t i = 0;
    for (const cJSON *a = rc ? NULL : axes->child; !rc && a; a = a->next, i++) {
        size_t m2 = bt_scn_push_index(c, i);
        sw->naxes = i + 1;
        rc = read_axis(c, a, &sw->axes[i]);
        if (!rc) {
            size_t m3 = bt_scn_push_key(c, "key");
            rc = check_axis(c, sw, base, sw->axes[i].key, sw->axes[i].json, sw->axes[i].num, sw->axes[i].n);
            bt_scn_pop(c, m3);
        }
        bt_scn_pop(c, m2);
    }
    bt_scn_pop(c, mark);
    return rc;
}

/* ---------------------------------------------------------------- random samples */

static const char *const method_names[] = {"uniform", "lhs"};

static int read_sample(bt_scn_ctx *c, const cJSON *root, bt_sweep *sw, const bt_scenario *base)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(root, "sample");
    if (!s) return 0;
    static const bt_scn_key keys[] = {{"method", 0}, {"count", 1}, {"axes", 1}};
    static const bt_scn_key akeys[] = {{"key", 1}, {"from", 1}, {"to", 1}, {"scale", 0}, {"integer", 0}};
    size_t mark = bt_scn_push_key(c, "sample");
    int method = 1, rc;
    long count = 0;
    if ((rc = bt_scn_expect(c, s, cJSON_IsObject, "an object")) || (rc = bt_scn_check_keys(c, s, keys, 3)) ||
        (rc = bt_scn_enum(c, s, "method", method_names, 2, &method)) ||
        (rc = bt_scn_integer(c, s, "count", 1, MAX_RUNS, &count))) {
        bt_scn_pop(c, mark);
        return rc;
    }
    const cJSON *axes = cJSON_GetObjectItemCaseSensitive(s, "axes");
    size_t m2 = bt_scn_push_key(c, "axes");
    rc = bt_scn_expect(c, axes, cJSON_IsArray, "a non-empty array");
    size_t na = rc ? 0 : (size_t)cJSON_GetArraySize(axes);
    if (!rc && na == 0) rc = bt_scn_fail(c, "expected at least one axis");
    double *from = calloc(na ? na : 1, sizeof *from), *to = calloc(na ? na : 1, sizeof *to);
    int *lg = calloc(na ? na : 1, sizeof *lg), *in = calloc(na ? na : 1, sizeof *in);
    if (!rc && (!from || !to || !lg || !in || !(sw->sample_keys = calloc(na, sizeof(char *)))))
        rc = bt_scn_fail_file(c, "out of memory");
    size_t i = 0;
    for (const cJSON *a = rc ? NULL : axes->child; !rc && a; a = a->next, i++) {
        size_t m3 = bt_scn_push_index(c, i);
        const char *key;
        if (!(rc = bt_scn_expect(c, a, cJSON_IsObject, "an object")) && !(rc = bt_scn_check_keys(c, a, akeys, 5)) &&
            !(rc = bt_scn_string(c, a, "key", 1, &key)) && !(rc = read_span(c, a, &from[i], &to[i], &lg[i], &in[i]))) {
            sw->sample_keys[i] = strdup(key);
            sw->nsample_axes = i + 1;
            if (!sw->sample_keys[i]) rc = bt_scn_fail_file(c, "out of memory");
        }
        if (!rc) {   /* both ends of the span must be valid scenario values */
            bt_sweep_axis probe = {0};
            char *json[2] = {NULL, NULL};
            double num[2];
            probe.json = json;
            probe.num = num;
            if (set_value(&probe, 0, span_point(from[i], to[i], lg[i], in[i], 0.0)) ||
                set_value(&probe, 1, span_point(from[i], to[i], lg[i], in[i], 1.0)))
                rc = bt_scn_fail_file(c, "out of memory");
            size_t m4 = bt_scn_push_key(c, "key");
            if (!rc) rc = check_axis(c, sw, base, key, json, num, 2);
            bt_scn_pop(c, m4);
            free(json[0]);
            free(json[1]);
        }
        bt_scn_pop(c, m3);
    }
    bt_scn_pop(c, m2);
    if (!rc && !(sw->samples = calloc((size_t)count * na, sizeof *sw->samples))) rc = bt_scn_fail_file(c, "out of memory");
    if (!rc) {
        gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
        size_t *perm = calloc((size_t)count, sizeof *perm);
        if (!rng || !perm) rc = bt_scn_fail_file(c, "out of memory");
        if (rng) gsl_rng_set(rng, (unsigned long)(sw->seed ^ 0x5eed5eedULL));
        for (size_t a = 0; !rc && a < na; a++) {
            for (long k = 0; k < count; k++) perm[k] = (size_t)k;
            for (long k = count - 1; method == 1 && k > 0; k--) {     /* Latin hypercube strata */
                size_t j = (size_t)gsl_rng_uniform_int(rng, (unsigned long)k + 1);
                size_t t = perm[k]; perm[k] = perm[j]; perm[j] = t;
            }
            for (long k = 0; k < count; k++) {
                double u = method == 1 ? ((double)perm[k] + gsl_rng_uniform(rng)) / (double)count
                                       : gsl_rng_uniform(rng);
                sw->samples[(size_t)k * na + a] = span_point(from[a], to[a], lg[a], in[a], u);
            }
        }
        gsl_rng_free(rng);
        free(perm);
        sw->sample_count = rc ? 0 : (size_t)count;
    }
    free(from); free(to); free(lg); free(in);
    bt_scn_pop(c, mark);
    return rc;
}

/* ---------------------------------------------------------------- load */

static int build(bt_scn_ctx *c, const cJSON *root, bt_sweep *sw)
{
    static const bt_scn_key keys[] = {{"name", 1}, {"description", 0}, {"base", 1}, {"seed", 0},
                                      {"replicates", 0}, {"set", 0}, {"axes", 0}, {"sample", 0}};
    const char *name, *desc;
    double seed = 0;
    int rc;
    if (!cJSON_IsObject(root)) return bt_scn_fail(c, "expected an object, got %s", bt_scn_type_name(root));
    sw->replicates = 1;
    if ((rc = bt_scn_check_keys(c, root, keys, 8)) || (rc = bt_scn_string(c, root, "name", 1, &name)) ||
        (rc = bt_scn_string(c, root, "description", 0, &desc)) ||
        (rc = bt_scn_number(c, root, "seed", 0, 0, BT_SCN_INT_EXACT, 0, &seed)) ||
        (rc = bt_scn_integer(c, root, "replicates", 1, 1000000, &sw->replicates)))
        return rc;
    if (seed != floor(seed)) {
        size_t mark = bt_scn_push_key(c, "seed");
        rc = bt_scn_fail(c, "expected an integer, got %g", seed);
        bt_scn_pop(c, mark);
        return rc;
    }
    sw->seed = (uint64_t)seed;
    if (!(sw->name = strdup(name))) return bt_scn_fail_file(c, "out of memory");
    if ((rc = load_base(c, root, sw)) || (rc = read_fixed(c, root, sw))) return rc;
    bt_scenario base;
    if ((rc = check_fixed(c, sw, &base))) return rc;
    if (!(rc = read_axes(c, root, sw, &base))) rc = read_sample(c, root, sw, &base);
    bt_scenario_free(&base);
    if (rc) return rc;
    double runs = (double)sw->replicates * (double)(sw->sample_count ? sw->sample_count : 1);
    for (size_t i = 0; i < sw->naxes; i++) runs *= (double)sw->axes[i].n;
    if (runs > MAX_RUNS) return bt_scn_fail(c, "the sweep has %.0f runs; the limit is %.0f", runs, MAX_RUNS);
    sw->nruns = (size_t)runs;
    return 0;
}

int bt_sweep_load(const char *path, bt_sweep *out, char *err, size_t errlen)
{
    bt_scn_ctx c;
    char *text = NULL;
    size_t len = 0;
    cJSON *root = NULL;
    memset(out, 0, sizeof *out);
    bt_scn_ctx_init(&c, path ? path : "<sweep>", err, errlen);
    int rc = path ? bt_scn_read_file(&c, path, &text, &len) : bt_scn_fail_file(&c, "cannot read: no file name");
    if (!rc && !(out->path = strdup(path))) rc = bt_scn_fail_file(&c, "out of memory");
    if (!rc) rc = bt_scn_parse_json(&c, text, len, &root);
    if (!rc) rc = bt_scn_check_tree(&c, root);
    if (!rc) rc = build(&c, root, out);
    if (!rc) {   /* kept as a C string (summary.h5 stores it): the file text has no NUL */
        char *json = realloc(text, len + 1);
        if (!json) {
            rc = bt_scn_fail_file(&c, "out of memory");
        } else {
            json[len] = '\0';
            out->json = json;
            text = NULL;
        }
    }
    free(text);
    cJSON_Delete(root);
    bt_scn_ctx_free(&c);
    if (rc) bt_sweep_free(out);
    return rc;
}

void bt_sweep_free(bt_sweep *sw)
{
    if (!sw) return;
    for (size_t i = 0; i < sw->naxes; i++) {
        for (size_t k = 0; k < sw->axes[i].n; k++) free(sw->axes[i].json[k]);
        free(sw->axes[i].json);
        free(sw->axes[i].num);
        free(sw->axes[i].key);
    }
    for (size_t i = 0; i < sw->nfixed; i++) free(sw->fixed[i]);
    for (size_t i = 0; i < sw->nsample_axes; i++) free(sw->sample_keys[i]);
    free(sw->axes); free(sw->fixed); free(sw->sample_keys); free(sw->samples);
    free(sw->name); free(sw->path); free(sw->base_path); free(sw->base_text); free(sw->json);
    memset(sw, 0, sizeof *sw);
}

/* ---------------------------------------------------------------- plans */

size_t bt_sweep_nparams(const bt_sweep *sw) { return sw->naxes + sw->nsample_axes; }

const char *bt_sweep_param_key(const bt_sweep *sw, size_t k)
{
    return k < sw->naxes ? sw->axes[k].key : sw->sample_keys[k - sw->naxes];
}

static int push_set(bt_sweep_plan *p, char *s)
{
    if (!s) return -1;
    p->sets[p->nsets++] = s;
    return 0;
}

/* group_share.G = v: the group's stakes scaled so that it holds share v of the total. */
static int push_group_share(bt_sweep_plan *p, const bt_scenario *base, const char *key, double v)
{
    const char *g = key + 12;
    double sg = 0, so = 0;
    for (size_t i = 0; i < base->npeers; i++)
        if (strcmp(base->peers[i].group, g) == 0) sg += base->peers[i].stake;
        else so += base->peers[i].stake;
    double f = v * so / ((1 - v) * sg);
    for (size_t i = 0; i < base->npeers; i++)
        if (strcmp(base->peers[i].group, g) == 0 &&
            push_set(p, printf_str("peers[%zu].stake=%.17g", i, base->peers[i].stake * f)))
            return -1;
    return 0;
}

int bt_sweep_plan_run(const bt_sweep *sw, const bt_scenario *base, size_t r, bt_sweep_plan *p)
{
    memset(p, 0, sizeof *p);
    size_t shares = 0;
    for (size_t i = 0; i < sw->naxes; i++) if (is_group_share(sw->axes[i].key)) shares++;
    for (size_t i = 0; i < sw->nsample_axes; i++) if (is_group_share(sw->sample_keys[i])) shares++;
    size_t cap = sw->nfixed + sw->naxes + sw->nsample_axes + shares * base->npeers + 1;
    size_t np = bt_sweep_nparams(sw);
    p->sets = calloc(cap, sizeof *p->sets);
    p->params = calloc(np ? np : 1, sizeof *p->params);
    if (!p->sets || !p->params) { bt_sweep_plan_free(p); return -1; }
    size_t nsamp = sw->sample_count ? sw->sample_count : 1;
    p->replicate = (long)(r % (size_t)sw->replicates);
    size_t rest = r / (size_t)sw->replicates, s = rest % nsamp, g = rest / nsamp;
    p->seed = bt_sweep_run_seed(sw->seed, r);
    int rc = 0;
    for (size_t i = 0; !rc && i < sw->nfixed; i++) rc = push_set(p, strdup(sw->fixed[i]));
    size_t *idx = calloc(sw->naxes ? sw->naxes : 1, sizeof *idx);
    if (!idx) rc = -1;
    for (size_t i = sw->naxes; !rc && i-- > 0;) { idx[i] = g % sw->axes[i].n; g /= sw->axes[i].n; }
    for (size_t i = 0; !rc && i < sw->naxes; i++) {
        const bt_sweep_axis *ax = &sw->axes[i];
        p->params[i] = ax->num[idx[i]];
        rc = is_group_share(ax->key) ? push_group_share(p, base, ax->key, ax->num[idx[i]])
                                     : push_set(p, printf_str("%s=%s", ax->key, ax->json[idx[i]]));
    }
    free(idx);
    for (size_t a = 0; !rc && sw->sample_count && a < sw->nsample_axes; a++) {
        double v = sw->samples[s * sw->nsample_axes + a];
        p->params[sw->naxes + a] = v;
        rc = is_group_share(sw->sample_keys[a]) ? push_group_share(p, base, sw->sample_keys[a], v)
                                                : push_set(p, printf_str("%s=%.17g", sw->sample_keys[a], v));
    }
    if (rc) bt_sweep_plan_free(p);
    return rc;
}

void bt_sweep_plan_free(bt_sweep_plan *p)
{
    for (size_t i = 0; p->sets && i < p->nsets; i++) free(p->sets[i]);
    free(p->sets);
    free(p->params);
    memset(p, 0, sizeof *p);
}
