/* bt_pricing: who earns what, per peer and per group, from a run's summary. */
#include "run/pricing.h"
#include "agents/world.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *group_name(const bt_scenario *sc, size_t i)
{
    return sc->peers[i].group[0] ? sc->peers[i].group : "(none)";
}

static int alloc_all(bt_pricing *p, size_t n)
{
    size_t m = n ? n : 1;
    p->name = calloc(m, sizeof *p->name);
    p->count = calloc(m, sizeof *p->count);
    p->initial_stake = calloc(m, 8); p->mean_stake = calloc(m, 8); p->emission = calloc(m, 8);
    p->emission_share = calloc(m, 8); p->per_stake = calloc(m, 8); p->ratio = calloc(m, 8);
    p->group_of = calloc(m, sizeof *p->group_of);
    p->peer_per_stake = calloc(m, 8); p->peer_ratio = calloc(m, 8);
    return p->name && p->count && p->initial_stake && p->mean_stake && p->emission && p->emission_share &&
                   p->per_stake && p->ratio && p->group_of && p->peer_per_stake && p->peer_ratio
               ? 0 : -1;
}

void bt_pricing_free(bt_pricing *p)
{
    free(p->name); free(p->count); free(p->initial_stake); free(p->mean_stake); free(p->emission);
    free(p->emission_share); free(p->per_stake); free(p->ratio); free(p->group_of);
    free(p->peer_per_stake); free(p->peer_ratio);
    memset(p, 0, sizeof *p);
}

/* Tokens earned per token held over the run. */
static double per_stake(double rao, double stake) { return stake > 0 ? rao / 1e9 / stake : NAN; }

int bt_pricing_compute(const bt_scenario *sc, const bt_run_summary *sum, bt_pricing *p)
{
    size_t n = sc->npeers;
    memset(p, 0, sizeof *p);
    p->npeers = n;
    p->ref = -1;
    if (alloc_all(p, n)) { bt_pricing_free(p); return -1; }
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        const char *g = group_name(sc, i);
        size_t q = 0;
        while (q < p->ngroups && strcmp(p->name[q], g) != 0) q++;
        if (q == p->ngroups) p->name[p->ngroups++] = g;
        p->group_of[i] = q;
        p->count[q]++;
        p->initial_stake[q] += sum->initial_stake[i];
        p->mean_stake[q] += sum->mean_stake[i];
        p->emission[q] += sum->emission[i];
        total += sum->emission[i];
        p->peer_per_stake[i] = per_stake(sum->emission[i], sum->mean_stake[i]);
    }
    for (size_t q = 0; q < p->ngroups; q++) {
        p->emission_share[q] = total > 0 ? p->emission[q] / total : 0;
        p->per_stake[q] = per_stake(p->emission[q], p->mean_stake[q]);
        if (sc->honest_group && strcmp(p->name[q], sc->honest_group) == 0) p->ref = (long)q;
    }
    double ref = p->ref >= 0 ? p->per_stake[p->ref] : NAN;
    for (size_t q = 0; q < p->ngroups; q++) p->ratio[q] = ref > 0 ? p->per_stake[q] / ref : NAN;
    for (size_t i = 0; i < n; i++) p->peer_ratio[i] = ref > 0 ? p->peer_per_stake[i] / ref : NAN;
    return 0;
}

int bt_pricing_write(const bt_pricing *p, const char *ref_name, bt_h5out *out)
{
    size_t g[1] = {p->ngroups}, n[1] = {p->npeers};
    uint64_t *count = malloc((p->ngroups ? p->ngroups : 1) * sizeof *count);
    if (!count) return -1;
    for (size_t q = 0; q < p->ngroups; q++) count[q] = p->count[q];
    int rc = bt_h5out_string_dataset(out, "/groups/name", p->name, p->ngroups) ||
             bt_h5out_dataset(out, "/groups/peers", BT_H5_U64, 1, g, count) ||
             bt_h5out_dataset(out, "/groups/initial_stake", BT_H5_F64, 1, g, p->initial_stake) ||
             bt_h5out_dataset(out, "/groups/mean_stake", BT_H5_F64, 1, g, p->mean_stake) ||
             bt_h5out_dataset(out, "/groups/emission", BT_H5_F64, 1, g, p->emission) ||
             bt_h5out_dataset(out, "/groups/emission_share", BT_H5_F64, 1, g, p->emission_share) ||
             bt_h5out_dataset(out, "/groups/emission_per_stake", BT_H5_F64, 1, g, p->per_stake) ||
             bt_h5out_dataset(out, "/groups/ratio_to_reference", BT_H5_F64, 1, g, p->ratio) ||
             bt_h5out_dataset(out, "/peers/emission_per_stake", BT_H5_F64, 1, n, p->peer_per_stake) ||
             bt_h5out_dataset(out, "/peers/ratio_to_reference", BT_H5_F64, 1, n, p->peer_ratio) ||
             bt_h5out_attr_string(out, "reference_group", ref_name ? ref_name : "");
    free(count);
    return rc ? -1 : 0;
}

static void cell(FILE *f, double x, int width, int prec, int general)
{
    if (!isfinite(x)) fprintf(f, " %*s", width, "-");
    else if (general) fprintf(f, " %*.*g", width, prec, x);
    else fprintf(f, " %*.*f", width, prec, x);
}

void bt_pricing_print(const bt_pricing *p, const char *ref_name, FILE *f)
{
    double total_stake = 0;
    for (size_t q = 0; q < p->ngroups; q++) total_stake += p->initial_stake[q];
    char vs[64];
    snprintf(vs, sizeof vs, "vs %s", ref_name && p->ref >= 0 ? ref_name : "ref");
    fprintf(f, "%-16s %6s %12s %14s %8s %14s %10s %10s\n", "group", "peers", "stake share", "emission share",
            "ratio", "emission (tok)", "per stake", vs);
    for (size_t q = 0; q < p->ngroups; q++) {
        double ss = total_stake > 0 ? p->initial_stake[q] / total_stake : 0;
        fprintf(f, "%-16s %6zu %12.4f %14.4f", p->name[q], p->count[q], ss, p->emission_share[q]);
        cell(f, ss > 0 ? p->emission_share[q] / ss : NAN, 8, 3, 0);
        cell(f, p->emission[q] / 1e9, 14, 3, 0);
        cell(f, p->per_stake[q], 10, 4, 1);
        cell(f, p->ratio[q], 10, 3, 0);
        fputc('\n', f);
    }
}

/* The world's event log: /events/{block, type, peer, other, value}. */
static int write_event_log(const bt_world *w, bt_h5out *out)
{
    size_t n, dims[1];
    const bt_log_entry *log = bt_world_log(w, &n);
    int64_t *block = malloc((n ? n : 1) * 8), *peer = malloc((n ? n : 1) * 8), *other = malloc((n ? n : 1) * 8);
    double *value = malloc((n ? n : 1) * 8);
    const char **type = malloc((n ? n : 1) * sizeof *type);
    int rc = -1;
    if (block && peer && other && value && type) {
        for (size_t q = 0; q < n; q++) {
            block[q] = log[q].block;
            type[q] = bt_log_type_name(log[q].type);
            peer[q] = log[q].peer;
            other[q] = log[q].other;
            value[q] = log[q].value;
        }
        dims[0] = n;
        rc = bt_h5out_dataset(out, "/events/block", BT_H5_I64, 1, dims, block) ||
             bt_h5out_string_dataset(out, "/events/type", type, n) ||
             bt_h5out_dataset(out, "/events/peer", BT_H5_I64, 1, dims, peer) ||
             bt_h5out_dataset(out, "/events/other", BT_H5_I64, 1, dims, other) ||
             bt_h5out_dataset(out, "/events/value", BT_H5_F64, 1, dims, value) ? -1 : 0;
    }
    free(block); free(peer); free(other); free(value); free(type);
    return rc;
}

int bt_pricing_write_run(const bt_scenario *sc, const bt_run_summary *sum, const bt_world *w, bt_h5out *out)
{
    size_t dims[1] = {sc->npeers};
    if (bt_h5out_dataset(out, "/peers/mean_stake", BT_H5_F64, 1, dims, sum->mean_stake)) return -1;
    bt_pricing p;
    if (bt_pricing_compute(sc, sum, &p)) return -1;
    int rc = bt_pricing_write(&p, sc->honest_group, out);
    bt_pricing_free(&p);
    return rc ? -1 : write_event_log(w, out);
}
