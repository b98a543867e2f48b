/* The mechanism table and the epoch result's allocation. */
#include "mechanism/mechanism.h"
#include <stdlib.h>
#include <string.h>

const char *const bt_phase_names[BT_PHASES] = {"setup", "weights", "consensus", "clip+rank",
                                                "bonds", "emission", "store"};

static const bt_mechanism mechanisms[] = {
    {"yuma", BT_KIND_YUMA, bt_yuma_epoch},
    {"yuma3", BT_KIND_YUMA3, bt_yuma_epoch},
    {"yuma0", BT_KIND_YUMA0, bt_yuma0_epoch},
    {"whitepaper", BT_KIND_WHITEPAPER, bt_whitepaper_epoch},
};

const bt_mechanism *bt_mechanism_for(bt_kind kind)
{
    for (size_t i = 0; i < sizeof mechanisms / sizeof mechanisms[0]; i++)
        if (mechanisms[i].kind == kind) return &mechanisms[i];
    return NULL;
}

bt_epoch_result *bt_epoch_result_alloc(size_t n)
{
    bt_epoch_result *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    size_t m = n ? n : 1;
    r->n = n;
    double **d[] = {&r->stake_weight, &r->active_stake, &r->consensus, &r->incentive, &r->dividends,
                    &r->validator_trust, &r->rank, &r->trust, &r->server_emission,
                    &r->validator_emission, &r->emission, &r->scaling};
    int ok = 1;
    for (size_t q = 0; q < sizeof d / sizeof d[0]; q++) ok &= (*d[q] = calloc(m, sizeof(double))) != NULL;
    uint16_t **u[] = {&r->u16_stake_weight, &r->u16_consensus, &r->u16_incentive, &r->u16_dividends,
                      &r->u16_validator_trust};
    for (size_t q = 0; q < sizeof u / sizeof u[0]; q++) ok &= (*u[q] = calloc(m, sizeof(uint16_t))) != NULL;
    ok &= (r->rao_server = calloc(m, 8)) != NULL;
    ok &= (r->rao_validator = calloc(m, 8)) != NULL;
    ok &= (r->rao_emission = calloc(m, 8)) != NULL;
    ok &= (r->active = calloc(m, 1)) != NULL;
    ok &= (r->permit = calloc(m, 1)) != NULL;
    if (!ok) { bt_epoch_result_free(r); return NULL; }
    return r;
}

void bt_epoch_result_free(bt_epoch_result *r)
{
    if (!r) return;
    free(r->stake_weight); free(r->active_stake); free(r->consensus); free(r->incentive);
    free(r->dividends); free(r->validator_trust); free(r->rank); free(r->trust);
    free(r->server_emission); free(r->validator_emission); free(r->emission); free(r->scaling);
    free(r->u16_stake_weight); free(r->u16_consensus); free(r->u16_incentive);
    free(r->u16_dividends); free(r->u16_validator_trust);
    free(r->rao_server); free(r->rao_validator); free(r->rao_emission);
    free(r->active); free(r->permit);
    free(r);
}

/* A stored bond as the mechanism carries it, before any column normalisation. */
static double carried_value(const bt_params *p, double stored)
{
    return p->arithmetic == BT_ARITH_FIXED && p->kind == BT_KIND_YUMA3 ? stored / 65535.0 : stored;
}

void bt_bonds_carried(const bt_params *p, const bt_subnet *net, double *out)
{
    size_t n = net->n;
    memset(out, 0, n * n * sizeof *out);
    for (size_t i = 0; i < n; i++) {
        const bt_row *r = &net->bonds[i];
        for (uint32_t q = 0; q < r->len; q++) out[i * n + r->col[q]] = carried_value(p, r->val[q]);
    }
    if (p->kind == BT_KIND_YUMA3) return;
    for (size_t j = 0; j < n; j++) {   /* column-normalised: original Yuma, yuma0; whitepaper ownership */
        double s = 0;
        for (size_t i = 0; i < n; i++) s += out[i * n + j];
        if (s > 0) for (size_t i = 0; i < n; i++) out[i * n + j] /= s;
    }
}

size_t bt_bonds_nnz(const bt_subnet *net)
{
    size_t nnz = 0;
    for (size_t i = 0; i < net->n; i++) nnz += net->bonds[i].len;
    return nnz;
}

int bt_bonds_carried_coo(const bt_params *p, const bt_subnet *net, uint64_t *row, uint64_t *col, double *val)
{
    size_t n = net->n, k = 0;
    double *colsum = NULL;
    if (p->kind != BT_KIND_YUMA3 && !(colsum = calloc(n ? n : 1, sizeof *colsum))) return -1;
    for (size_t i = 0; i < n; i++) {
        const bt_row *r = &net->bonds[i];
        for (uint32_t q = 0; q < r->len; q++) {
            row[k] = i;
            col[k] = r->col[q];
            val[k] = carried_value(p, r->val[q]);
            if (colsum) colsum[r->col[q]] += val[k];
            k++;
        }
    }
    for (size_t q = 0; colsum && q < k; q++)
        if (colsum[col[q]] > 0) val[q] /= colsum[col[q]];
    free(colsum);
    return 0;
}
