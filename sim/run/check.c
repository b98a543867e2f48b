/* bt_check_epoch and the memory estimate. */
#include "run/check.h"
#include <math.h>
#include <stdio.h>
#include <unistd.h>

static int fail(char *err, size_t errlen, long epoch, const char *what, double value)
{
    snprintf(err, errlen, "invariant violated at epoch %ld: %s (got %.17g)", epoch, what, value);
    return -1;
}

/* A normalised vector sums to 1, or to 0 when nothing was earned. Fixed arithmetic floors
 * every division, losing up to one unit of 2^-32 per entry. */
static int sums_to_one_or_zero(const double *x, size_t n, double tol, double *sum)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += x[i];
    *sum = s;
    return fabs(s) <= tol || fabs(s - 1.0) <= tol;
}

int bt_check_epoch(const bt_params *p, const bt_subnet *net, const bt_epoch_result *r, long epoch,
                   double *scratch, char *err, size_t errlen)
{
    size_t n = net->n;
    int fixed = p->arithmetic == BT_ARITH_FIXED;
    double tol = fixed ? (double)(n + 1) * 4.0 / 4294967296.0 + 1e-12 : 1e-9;
    double sum;
    for (size_t i = 0; i < n; i++) {
        if (!(r->incentive[i] >= 0)) return fail(err, errlen, epoch, "incentive negative or NaN", r->incentive[i]);
        if (!(r->dividends[i] >= 0)) return fail(err, errlen, epoch, "dividends negative or NaN", r->dividends[i]);
        if (!(r->emission[i] >= 0)) return fail(err, errlen, epoch, "emission negative or NaN", r->emission[i]);
        if (!(net->stake[i] >= 0) || !isfinite(net->stake[i]))
            return fail(err, errlen, epoch, "stake negative or not finite", net->stake[i]);
    }
    if (!sums_to_one_or_zero(r->incentive, n, tol, &sum)) return fail(err, errlen, epoch, "incentive does not sum to 1 or 0", sum);
    if (!sums_to_one_or_zero(r->dividends, n, tol, &sum)) return fail(err, errlen, epoch, "dividends do not sum to 1 or 0", sum);

    double e = 0, se = 0, ve = 0;
    for (size_t i = 0; i < n; i++) { e += r->emission[i]; se += r->server_emission[i]; ve += r->validator_emission[i]; }
    /* each fixed-point amount is floored: up to 1 rao lost per peer and part */
    double etol = fixed ? 3.0 * (double)n + 1.0 : 1e-9 * (e > 1 ? e : 1);
    if (fabs(se + ve - e) > etol) return fail(err, errlen, epoch, "server + validator emission differs from the combined emission", se + ve - e);
    if (p->kind != BT_KIND_WHITEPAPER && fabs(e - p->rao_emission) > etol)
        return fail(err, errlen, epoch, "emission not conserved: the epoch's total differs from rao_emission", e);

    if (scratch) {
        bt_bonds_carried(p, net, scratch);
        for (size_t q = 0; q < n * n; q++)
            if (!(scratch[q] >= 0 && scratch[q] <= 1.0 + 1e-9))
                return fail(err, errlen, epoch, "a bond outside [0, 1]", scratch[q]);
    } else {
        double hi = fixed ? 65535.0 : 1.0 + 1e-9;
        for (size_t i = 0; i < n; i++)
            for (uint32_t q = 0; q < net->bonds[i].len; q++)
                if (!(net->bonds[i].val[q] >= 0 && net->bonds[i].val[q] <= hi))
                    return fail(err, errlen, epoch, "a stored bond out of range", net->bonds[i].val[q]);
    }
    return 0;
}

size_t bt_run_estimate_bytes(const bt_scenario *sc, int writes_output)
{
    double n = (double)sc->npeers, nnz = 0;
    for (size_t i = 0; i < sc->nweights; i++) nnz += (double)sc->weights[i].nto;
    /* rows set more than once replace each other; the sum over entries bounds what is stored */
    double bytes = 0;
    bytes += n * 200.0;                 /* per-peer vectors of the subnet, result, summary */
    bytes += nnz * 12.0 * 2.0;          /* stored weight rows and bond rows (col + value) */
    bytes += nnz * 12.0 * 8.0 + n * 8.0 * 40.0;   /* the epoch's arena: matrices, votes, scratch */
    bytes += nnz * 28.0;                /* the scenario's own copy of the weights */
    if (writes_output && (sc->output.bonds || sc->output.weights)) bytes += n * n * 8.0;   /* dense rows */
    if (writes_output) bytes += 24.0 * (1 << 20);   /* HDF5 chunk caches and library */
    bytes += n * 260.0;                 /* the world: chain, network, history, pricing (sim/agents) */
    for (size_t i = 0; i < sc->npeers; i++) {
        const bt_peer_spec *p = &sc->peers[i];
        if (p->agent.type >= 0 || p->quality.given) bytes += 5200.0;   /* the peer's random stream */
        if (p->agent.type >= 0) bytes += n * 9.0 * 2;   /* an agent's scores and rows over all peers */
    }
    return (size_t)bytes;
}

size_t bt_physical_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && size > 0 ? (size_t)pages * (size_t)size : 0;
}
