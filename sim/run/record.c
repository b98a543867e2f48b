/* bt_recorder: the run's HDF5 output. Series are [recorded epochs x peers]; with output.every
 * = k only epochs 0, k, 2k, ... are written (their numbers in /epochs/epoch). Bond and weight
 * matrices are dense [recorded x peers x peers] or, with "sparse", coordinate lists that grow
 * as the run goes (/epochs/bonds_sparse/{epoch,row,col,value}), so memory stays O(nnz). */
#include "run/record.h"
#include "run/run.h"
#include "io/h5out.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int f64[16], nf64;
    int active, permit, bonds, weights, epoch;
    int bonds_coo[4], weights_coo[4];   /* epoch, row, col, value streams; -1 when not sparse */
    int u16[5], u64[3];
    int rank, trust, loss, min_weights, scaling;   /* sigmoid kinds (whitepaper, yuma0); else -1 */
} series_ids;

struct bt_recorder {
    const bt_scenario *sc;
    bt_h5out *out;
    series_ids ids;
    long every;
    double *dense;              /* n x n scratch for dense bonds/weights output */
    uint64_t *crow, *ccol, *cepoch;   /* sparse scratch, grown to the largest nnz */
    double *cval;
    size_t ccap;
    char err[512];
};

/* The helpers below were written for the run context; they take the recorder the same way. */
typedef bt_recorder run_ctx;

static int is_sigmoid_kind(const bt_params *p) { return p->kind == BT_KIND_WHITEPAPER || p->kind == BT_KIND_YUMA0; }

/* The sigmoid kinds' own series: rank, trust, the chain loss and the min_allowed_weights in
 * force ([epochs x 1] each), and the scaling vector of the whitepaper's variant. */
static int declare_sigmoid_series(run_ctx *c)
{
    const bt_params *p = &c->sc->mech;
    size_t dims[1] = {c->sc->npeers}, one[1] = {1};
    c->ids.rank = c->ids.trust = c->ids.loss = c->ids.min_weights = c->ids.scaling = -1;
    if (!is_sigmoid_kind(p)) return 0;
    int vb = p->kind == BT_KIND_WHITEPAPER && p->scaling_vector;
    if ((c->ids.rank = bt_h5out_series(c->out, "/epochs/rank", BT_H5_F64, 1, dims, "fraction")) < 0 ||
        (c->ids.trust = bt_h5out_series(c->out, "/epochs/trust", BT_H5_F64, 1, dims, vb ? "token" : "fraction")) < 0 ||
        (c->ids.loss = bt_h5out_series(c->out, "/epochs/chain_loss", BT_H5_F64, 1, one, NULL)) < 0 ||
        (c->ids.min_weights = bt_h5out_series(c->out, "/epochs/min_allowed_weights", BT_H5_U64, 1, one, "count")) < 0)
        return -1;
    if (vb && (c->ids.scaling = bt_h5out_series(c->out, "/epochs/scaling_vector", BT_H5_F64, 1, dims, NULL)) < 0)
        return -1;
    return 0;
}

static int record_sigmoid(run_ctx *c, long e, const bt_epoch_result *r)
{
    uint64_t m = r->min_allowed_weights > 0 ? (uint64_t)r->min_allowed_weights : 0;
    if (c->ids.rank < 0) return 0;
    if (bt_h5out_write(c->out, c->ids.rank, e, r->rank) || bt_h5out_write(c->out, c->ids.trust, e, r->trust) ||
        bt_h5out_write(c->out, c->ids.loss, e, &r->chain_loss) || bt_h5out_write(c->out, c->ids.min_weights, e, &m))
        return -1;
    if (c->ids.scaling >= 0 && bt_h5out_write(c->out, c->ids.scaling, e, r->scaling)) return -1;
    return 0;
}

/* Sparse matrices: four streams (epoch, row, col, value), one entry per stored element. */
static int declare_sparse(run_ctx *c, int mode, const char *group, int *ids)
{
    static const char *parts[4] = {"epoch", "row", "col", "value"};
    for (int q = 0; q < 4; q++) ids[q] = -1;
    if (mode != 2) return 0;
    for (int q = 0; q < 4; q++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", group, parts[q]);
        if ((ids[q] = bt_h5out_stream(c->out, path, q < 3 ? BT_H5_U64 : BT_H5_F64, q < 3 ? NULL : "fraction")) < 0)
            return -1;
    }
    return 0;
}

static int grow_coo(run_ctx *c, size_t nnz)
{
    if (nnz <= c->ccap) return 0;
    size_t cap = nnz + nnz / 2 + 16;
    uint64_t *a = realloc(c->crow, cap * 8), *b = a ? realloc(c->ccol, cap * 8) : NULL;
    if (a) c->crow = a;
    if (b) c->ccol = b;
    uint64_t *e = b ? realloc(c->cepoch, cap * 8) : NULL;
    if (e) c->cepoch = e;
    double *v = e ? realloc(c->cval, cap * 8) : NULL;
    if (v) c->cval = v;
    if (!v) { snprintf(c->err, sizeof c->err, "out of memory for %zu sparse entries", nnz); return -1; }
    c->ccap = cap;
    return 0;
}

static int append_coo(run_ctx *c, const int *ids, size_t k)
{
    if (bt_h5out_append(c->out, ids[0], c->cepoch, k) || bt_h5out_append(c->out, ids[1], c->crow, k) ||
        bt_h5out_append(c->out, ids[2], c->ccol, k) || bt_h5out_append(c->out, ids[3], c->cval, k))
        return -1;
    return 0;
}

static int record_sparse(run_ctx *c, long e, const bt_subnet *net)
{
    if (c->ids.bonds_coo[0] >= 0) {
        size_t k = bt_bonds_nnz(net);
        if (grow_coo(c, k) || bt_bonds_carried_coo(&c->sc->mech, net, c->crow, c->ccol, c->cval)) return -1;
        for (size_t q = 0; q < k; q++) c->cepoch[q] = (uint64_t)(e * c->every);
        if (append_coo(c, c->ids.bonds_coo, k)) return -1;
    }
    if (c->ids.weights_coo[0] >= 0) {   /* stored rows, each normalised to sum 1 */
        size_t k = 0;
        for (size_t i = 0; i < net->n; i++) k += net->weights[i].len;
        if (grow_coo(c, k)) return -1;
        k = 0;
        for (size_t i = 0; i < net->n; i++) {
            const bt_row *r = &net->weights[i];
            double s = 0;
            for (uint32_t q = 0; q < r->len; q++) s += r->val[q];
            for (uint32_t q = 0; q < r->len; q++, k++) {
                c->cepoch[k] = (uint64_t)(e * c->every);
                c->crow[k] = i;
                c->ccol[k] = r->col[q];
                c->cval[k] = s > 0 ? r->val[q] / s : 0;
            }
        }
        if (append_coo(c, c->ids.weights_coo, k)) return -1;
    }
    return 0;
}

static int declare_series(run_ctx *c)
{
    size_t n = c->sc->npeers, dims[2] = {n, n};
    static const char *f64_names[] = {"/epochs/stake", "/epochs/stake_weight", "/epochs/active_stake",
                                      "/epochs/consensus", "/epochs/incentive", "/epochs/dividends",
                                      "/epochs/validator_trust", "/epochs/emission",
                                      "/epochs/server_emission", "/epochs/validator_emission"};
    static const char *f64_units[] = {"token", "fraction", "fraction", "fraction", "fraction", "fraction",
                                      "fraction", "rao", "rao", "rao"};
    c->ids.nf64 = (int)(sizeof f64_names / sizeof f64_names[0]);
    for (int q = 0; q < c->ids.nf64; q++)
        if ((c->ids.f64[q] = bt_h5out_series(c->out, f64_names[q], BT_H5_F64, 1, dims, f64_units[q])) < 0) return -1;
    if ((c->ids.active = bt_h5out_series(c->out, "/epochs/active", BT_H5_I8, 1, dims, NULL)) < 0) return -1;
    if ((c->ids.permit = bt_h5out_series(c->out, "/epochs/validator_permit", BT_H5_I8, 1, dims, NULL)) < 0) return -1;
    c->ids.bonds = c->ids.weights = -1;
    if (c->sc->output.bonds == 1 &&
        (c->ids.bonds = bt_h5out_series(c->out, "/epochs/bonds", BT_H5_F64, 2, dims, "fraction")) < 0) return -1;
    if (c->sc->output.weights == 1 &&
        (c->ids.weights = bt_h5out_series(c->out, "/epochs/weights", BT_H5_F64, 2, dims, "fraction")) < 0) return -1;
    if (declare_sigmoid_series(c)) return -1;
    if ((c->ids.epoch = bt_h5out_series(c->out, "/epochs/epoch", BT_H5_U64, 1, (size_t[]){1}, NULL)) < 0) return -1;
    if (declare_sparse(c, c->sc->output.bonds, "/epochs/bonds_sparse", c->ids.bonds_coo) ||
        declare_sparse(c, c->sc->output.weights, "/epochs/weights_sparse", c->ids.weights_coo))
        return -1;
    if (c->sc->mech.arithmetic == BT_ARITH_FIXED) {
        static const char *u16_names[] = {"/fixed/stake_weight", "/fixed/consensus", "/fixed/incentive",
                                          "/fixed/dividends", "/fixed/validator_trust"};
        static const char *u64_names[] = {"/fixed/emission", "/fixed/server_emission", "/fixed/validator_emission"};
        for (int q = 0; q < 5; q++)
            if ((c->ids.u16[q] = bt_h5out_series(c->out, u16_names[q], BT_H5_U16, 1, dims, "u16 proportion")) < 0) return -1;
        for (int q = 0; q < 3; q++)
            if ((c->ids.u64[q] = bt_h5out_series(c->out, u64_names[q], BT_H5_U64, 1, dims, "rao")) < 0) return -1;
    }
    return 0;
}

/* Stored weight rows, each normalised to sum 1 (as set; the epoch's masks not applied). */
static void dense_weights(const bt_subnet *net, double *out)
{
    size_t n = net->n;
    memset(out, 0, n * n * sizeof *out);
    for (size_t i = 0; i < n; i++) {
        const bt_row *r = &net->weights[i];
        double s = 0;
        for (uint32_t q = 0; q < r->len; q++) s += r->val[q];
        if (s > 0) for (uint32_t q = 0; q < r->len; q++) out[i * n + r->col[q]] = r->val[q] / s;
    }
}

static int record(run_ctx *c, long e, const bt_subnet *net, const bt_epoch_result *r)
{
    const double *f64[] = {net->stake, r->stake_weight, r->active_stake, r->consensus, r->incentive,
                           r->dividends, r->validator_trust, r->emission, r->server_emission,
                           r->validator_emission};
    for (int q = 0; q < c->ids.nf64; q++)
        if (bt_h5out_write(c->out, c->ids.f64[q], e, f64[q])) return -1;
    if (bt_h5out_write(c->out, c->ids.active, e, r->active)) return -1;
    if (bt_h5out_write(c->out, c->ids.permit, e, r->permit)) return -1;
    if (c->ids.bonds >= 0) {
        bt_bonds_carried(&c->sc->mech, net, c->dense);
        if (bt_h5out_write(c->out, c->ids.bonds, e, c->dense)) return -1;
    }
    if (c->ids.weights >= 0) {
        dense_weights(net, c->dense);
        if (bt_h5out_write(c->out, c->ids.weights, e, c->dense)) return -1;
    }
    if (record_sigmoid(c, e, r)) return -1;
    if (record_sparse(c, e, net)) return -1;
    if (c->sc->mech.arithmetic == BT_ARITH_FIXED) {
        const uint16_t *u16[] = {r->u16_stake_weight, r->u16_consensus, r->u16_incentive, r->u16_dividends,
                                 r->u16_validator_trust};
        const uint64_t *u64[] = {r->rao_emission, r->rao_server, r->rao_validator};
        for (int q = 0; q < 5; q++) if (bt_h5out_write(c->out, c->ids.u16[q], e, u16[q])) return -1;
        for (int q = 0; q < 3; q++) if (bt_h5out_write(c->out, c->ids.u64[q], e, u64[q])) return -1;
    }
    return 0;
}


/* ---------------------------------------------------------------- the recorder's interface */

static long recorded_epochs(const bt_scenario *sc, long every) { return (sc->epochs + every - 1) / every; }

int bt_recorder_open(bt_recorder **out, const bt_scenario *sc, const char *path, uint64_t seed,
                     char *err, size_t errlen)
{
    *out = NULL;
    bt_recorder *c = calloc(1, sizeof *c);
    const char **names = malloc((sc->npeers ? sc->npeers : 1) * sizeof *names);
    const char **groups = malloc((sc->npeers ? sc->npeers : 1) * sizeof *groups);
    int rc = -1;
    size_t n = sc->npeers;
    if (!c || !names || !groups) { snprintf(err, errlen, "out of memory"); goto done; }
    c->sc = sc;
    c->every = sc->output.every > 0 ? sc->output.every : 1;
    if ((sc->output.bonds == 1 || sc->output.weights == 1) && !(c->dense = malloc(n * n * sizeof(double) + 1))) {
        snprintf(err, errlen, "out of memory for dense %zu x %zu bonds/weights output (use \"sparse\")", n, n);
        goto done;
    }
    for (size_t i = 0; i < n; i++) { names[i] = sc->peers[i].name; groups[i] = sc->peers[i].group; }
    bt_h5_meta meta = {sc->json, sc->name, seed, recorded_epochs(sc, c->every), n, names, groups,
                       bt_kind_name(sc->mech.kind), sc->mech.arithmetic == BT_ARITH_FIXED ? "fixed" : "float"};
    if (bt_h5out_open(&c->out, path, &meta, err, errlen)) goto done;
    if (declare_series(c)) { snprintf(err, errlen, "%s", bt_h5out_error(c->out)); goto done; }
    rc = 0;
done:
    free(names);
    free(groups);
    if (rc) bt_recorder_abort(c);
    else *out = c;
    return rc;
}

int bt_recorder_epoch(bt_recorder *c, long epoch, const bt_subnet *net, const bt_epoch_result *res)
{
    if (epoch % c->every) return 0;
    long slot = epoch / c->every;
    uint64_t e = (uint64_t)epoch;
    if (bt_h5out_write(c->out, c->ids.epoch, slot, &e)) return -1;
    return record(c, slot, net, res);
}

bt_h5out *bt_recorder_h5(bt_recorder *c) { return c->out; }

const char *bt_recorder_error(const bt_recorder *c)
{
    return c->err[0] ? c->err : bt_h5out_error(c->out);
}

static void recorder_free(bt_recorder *c)
{
    free(c->dense); free(c->crow); free(c->ccol); free(c->cepoch); free(c->cval);
    free(c);
}

int bt_recorder_commit(bt_recorder *c, const void *run_summary, char *err, size_t errlen)
{
    const bt_run_summary *s = run_summary;
    size_t dims[1] = {c->sc->npeers};
    if (bt_h5out_dataset(c->out, "/summary/emission", BT_H5_F64, 1, dims, s->emission) ||
        bt_h5out_dataset(c->out, "/summary/server_emission", BT_H5_F64, 1, dims, s->server_emission) ||
        bt_h5out_dataset(c->out, "/summary/validator_emission", BT_H5_F64, 1, dims, s->validator_emission) ||
        bt_h5out_dataset(c->out, "/summary/initial_stake", BT_H5_F64, 1, dims, s->initial_stake) ||
        bt_h5out_dataset(c->out, "/summary/final_stake", BT_H5_F64, 1, dims, s->final_stake)) {
        snprintf(err, errlen, "%s", bt_h5out_error(c->out));
        bt_recorder_abort(c);
        return -1;
    }
    int rc = bt_h5out_commit(c->out, err, errlen) ? -1 : 0;
    recorder_free(c);
    return rc;
}

void bt_recorder_abort(bt_recorder *c)
{
    if (!c) return;
    bt_h5out_abort(c->out);
    recorder_free(c);
}
