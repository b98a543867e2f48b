/* The network validators observe miners through: a latency per query drawn from the link's
 * distribution (a scenario-wide GSL distribution times a fixed factor per sender and per
 * receiver, so every link has its own distribution), a timeout past which a query fails, and
 * miners offline for intervals (scheduled, or random churn with given rates). Pure state and
 * draws; the world schedules the kernel events. */
#ifndef BT_NET_H
#define BT_NET_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "scenario/scenario.h"

typedef struct bt_net bt_net;

/* n peers; rng[p] draws peer p's latency factor (once, here). NULL on ENOMEM. */
bt_net *bt_net_alloc(const bt_network_spec *spec, size_t n, gsl_rng *const *rng);
void bt_net_free(bt_net *net);
const bt_network_spec *bt_net_spec(const bt_net *net);

/* Latency of one query from v to m, in blocks (> 0), drawn with r (the sender's stream). */
double bt_net_latency(const bt_net *net, gsl_rng *r, size_t v, size_t m);
double bt_net_timeout(const bt_net *net);

/* Offline state: a count of overlapping offline intervals per peer. */
int bt_net_online(const bt_net *net, size_t p);
void bt_net_offline_begin(bt_net *net, size_t p);
void bt_net_offline_end(bt_net *net, size_t p);

/* Random churn: blocks until p next goes offline, and how long it stays (both >= 1), or -1
 * when churn is off. */
int64_t bt_net_draw_uptime(const bt_net *net, gsl_rng *r);
int64_t bt_net_draw_downtime(const bt_net *net, gsl_rng *r);

#endif
