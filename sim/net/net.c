/* bt_net: per-link latency draws (gsl_ran_*), the timeout, offline counts and churn draws. */
#include "net/net.h"
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>

struct bt_net {
    bt_network_spec spec;
    size_t n;
    double *factor;     /* per peer: exp(N(0, peer_spread)) */
    uint32_t *offline;  /* overlapping offline intervals */
};

bt_net *bt_net_alloc(const bt_network_spec *spec, size_t n, gsl_rng *const *rng)
{
    bt_net *net = calloc(1, sizeof *net);
    if (!net) return NULL;
    net->spec = *spec;
    net->n = n;
    net->factor = malloc((n ? n : 1) * sizeof *net->factor);
    net->offline = calloc(n ? n : 1, sizeof *net->offline);
    if (!net->factor || !net->offline) {
        bt_net_free(net);
        return NULL;
    }
    for (size_t p = 0; p < n; p++)
        net->factor[p] = spec->peer_spread > 0 ? exp(gsl_ran_gaussian(rng[p], spec->peer_spread)) : 1.0;
    return net;
}

void bt_net_free(bt_net *net)
{
    if (!net) return;
    free(net->factor);
    free(net->offline);
    free(net);
}

const bt_network_spec *bt_net_spec(const bt_net *net) { return &net->spec; }
double bt_net_timeout(const bt_net *net) { return net->spec.timeout; }

double bt_net_latency(const bt_net *net, gsl_rng *r, size_t v, size_t m)
{
    const bt_network_spec *s = &net->spec;
    double x;
    switch (s->dist) {
    case BT_LAT_LOGNORMAL: x = gsl_ran_lognormal(r, s->a, s->b); break;
    case BT_LAT_GAMMA: x = gsl_ran_gamma(r, s->a, s->b); break;
    default: x = s->a; break;
    }
    x *= net->factor[v] * net->factor[m];
    return x > 0 ? x : 0;
}

int bt_net_online(const bt_net *net, size_t p) { return net->offline[p] == 0; }
void bt_net_offline_begin(bt_net *net, size_t p) { net->offline[p]++; }
void bt_net_offline_end(bt_net *net, size_t p) { if (net->offline[p]) net->offline[p]--; }

int64_t bt_net_draw_uptime(const bt_net *net, gsl_rng *r)
{
    double rate = net->spec.rate_offline;
    if (!(rate > 0)) return -1;
    double x = ceil(gsl_ran_exponential(r, 1.0 / rate));
    return x < 1 ? 1 : x > 1e12 ? (int64_t)1e12 : (int64_t)x;
}

int64_t bt_net_draw_downtime(const bt_net *net, gsl_rng *r)
{
    double x = ceil(gsl_ran_exponential(r, net->spec.mean_offline_blocks));
    return x < 1 ? 1 : x > 1e12 ? (int64_t)1e12 : (int64_t)x;
}
