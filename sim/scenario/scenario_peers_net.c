/* peers[i].agent and peers[i].quality: a behaviour from the agent table with its parameters
 * (checked against sim/agents/agent_params.h), and a miner's true quality. Also which peers
 * wait for a "register" event, and freeing all of it. */
#include "scenario/scenario_internal.h"
#include "agents/agent_params.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))


/* ---- agent parameters ---- */

static int read_peers_param(bt_scn_ctx *c, const cJSON *j, bt_agent_spec *a, size_t q)
{
    int rc = bt_scn_expect(c, j, bt_scn_is_array, "an array of peer names");
    if (rc)
        return rc;
    size_t n = 0, i = 0;
    for (const cJSON *it = j->child; it; it = it->next) n++;
    if (!(a->peers[q] = malloc((n ? n : 1) * sizeof(size_t))))
        return bt_scn_fail(c, "out of memory");
    for (const cJSON *it = j->child; it; it = it->next, i++) {
        size_t m = bt_scn_push_index(c, i);
        if ((rc = bt_scn_peer_ref(c, it, &a->peers[q][i])))
            return rc;
        bt_scn_pop(c, m);
    }
    a->npeers[q] = n;
    return 0;
}

static const bt_scn_key row_keys[] = {{"epoch", 1}, {"to", 1}, {"every", 0}};

static int read_rows_param(bt_scn_ctx *c, const cJSON *j, bt_agent_spec *a, size_t self, long epochs)
{
    int rc = bt_scn_expect(c, j, bt_scn_is_array, "an array of weight rows");
    if (rc)
        return rc;
    size_t n = 0, i = 0;
    for (const cJSON *it = j->child; it; it = it->next) n++;
    if (n && !(a->rows = calloc(n, sizeof *a->rows)))
        return bt_scn_fail(c, "out of memory");
    long last = -1;
    for (const cJSON *it = j->child; it; it = it->next, i++) {
        size_t m = bt_scn_push_index(c, i);
        bt_weights_spec *r = &a->rows[i];
        r->from = self;
        a->nrows = i + 1;
        if ((rc = bt_scn_expect(c, it, bt_scn_is_object, "an object"))
            || (rc = bt_scn_check_keys(c, it, row_keys, COUNT(row_keys)))
            || (rc = bt_scn_integer(c, it, "epoch", 0, (double)epochs - 1, &r->epoch))
            || (rc = bt_scn_read_row(c, it, r))
            || (rc = bt_scn_integer(c, it, "every", 1, BT_SCN_INT_EXACT, &r->every)))
            return rc;
        if (r->epoch < last) {
            bt_scn_push_key(c, "epoch");
            return bt_scn_fail(c, "rows must be in epoch order (%ld after %ld)", r->epoch, last);
        }
        last = r->epoch;
        bt_scn_pop(c, m);
    }
    return 0;
}

static int read_param(bt_scn_ctx *c, const cJSON *obj, const bt_agent_param *p, size_t q,
                      bt_agent_spec *a, size_t self, long epochs)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, p->name);
    if (!j)
        return 0;
    int rc = 0;
    long l = 0;
    int b = 0;
    const char *s = NULL;
    switch (p->kind) {
    case BT_AP_NUMBER: rc = bt_scn_number(c, obj, p->name, p->lo, 0, p->hi, 0, &a->v[q]); break;
    case BT_AP_INTEGER:
        rc = bt_scn_integer(c, obj, p->name, p->lo, p->hi, &l);
        a->v[q] = (double)l;
        break;
    case BT_AP_BOOL:
        rc = bt_scn_bool(c, obj, p->name, &b);
        a->v[q] = b;
        break;
    case BT_AP_ENUM: {
        size_t n = 0;
        while (p->choices[n]) n++;
        rc = bt_scn_enum(c, obj, p->name, p->choices, n, &b);
        a->v[q] = b;
        break;
    }
    case BT_AP_STRING:
        if (!(rc = bt_scn_string(c, obj, p->name, 1, &s)) && !(a->str[q] = strdup(s)))
            rc = bt_scn_fail(c, "out of memory");
        break;
    case BT_AP_PEERS: {
        size_t m = bt_scn_push_key(c, p->name);
        if (!(rc = read_peers_param(c, j, a, q)))
            bt_scn_pop(c, m);
        break;
    }
    case BT_AP_ROWS: {
        size_t m = bt_scn_push_key(c, p->name);
        if (!(rc = read_rows_param(c, j, a, self, epochs)))
            bt_scn_pop(c, m);
        break;
    }
    }
    if (!rc)
        a->given[q] = 1;
    return rc;
}

static int read_agent(bt_scn_ctx *c, const cJSON *peer, size_t self, long epochs, bt_agent_spec *a)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(peer, "agent");
    a->type = -1;
    if (!j)
        return 0;
    size_t mark = bt_scn_push_key(c, "agent"), nd;
    const bt_agent_desc *descs = bt_agent_descs(&nd);
    const char *names[32];
    for (size_t t = 0; t < nd && t < 32; t++) names[t] = descs[t].name;
    int type = -1, rc;
    if ((rc = bt_scn_expect(c, j, bt_scn_is_object, "an object"))
        || (rc = bt_scn_enum(c, j, "type", names, nd, &type)))
        return rc;
    if (type < 0)
        return bt_scn_fail(c, "missing key \"type\"");
    const bt_agent_desc *d = &descs[type];
    bt_scn_key keys[BT_AGENT_MAX_PARAMS + 1] = {{"type", 1}};
    for (size_t q = 0; q < d->nparams; q++) keys[q + 1] = (bt_scn_key){d->params[q].name, 0};
    if ((rc = bt_scn_check_keys(c, j, keys, d->nparams + 1)))
        return rc;
    a->type = type;
    for (size_t q = 0; q < d->nparams; q++)
        if ((rc = read_param(c, j, &d->params[q], q, a, self, epochs)))
            return rc;
    bt_scn_pop(c, mark);
    return 0;
}

/* ---- quality ---- */

static const bt_scn_key quality_keys[] = {{"value", 0}, {"drift", 0}, {"jumps", 0},
                                          {"copy_of", 0}, {"delay_epochs", 0}};
static const bt_scn_key jump_keys[] = {{"epoch", 1}, {"value", 1}};

static int read_jumps(bt_scn_ctx *c, const cJSON *j, long epochs, bt_quality_spec *q)
{
    size_t mark = bt_scn_push_key(c, "jumps"), n = 0, i = 0;
    int rc = bt_scn_expect(c, j, bt_scn_is_array, "an array");
    if (rc)
        return rc;
    for (const cJSON *it = j->child; it; it = it->next) n++;
    q->jump_epoch = malloc((n ? n : 1) * sizeof *q->jump_epoch);
    q->jump_value = malloc((n ? n : 1) * sizeof *q->jump_value);
    if (!q->jump_epoch || !q->jump_value)
        return bt_scn_fail(c, "out of memory");
    for (const cJSON *it = j->child; it; it = it->next, i++) {
        size_t m = bt_scn_push_index(c, i);
        if ((rc = bt_scn_expect(c, it, bt_scn_is_object, "an object"))
            || (rc = bt_scn_check_keys(c, it, jump_keys, COUNT(jump_keys)))
            || (rc = bt_scn_integer(c, it, "epoch", 0, (double)epochs - 1, &q->jump_epoch[i]))
            || (rc = bt_scn_number(c, it, "value", 0, 0, 1, 0, &q->jump_value[i])))
            return rc;
        q->njumps++;
        bt_scn_pop(c, m);
    }
    bt_scn_pop(c, mark);
    return 0;
}

static int read_quality(bt_scn_ctx *c, const cJSON *peer, long epochs, bt_quality_spec *q)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(peer, "quality");
    q->copy_of = -1;
    if (!j)
        return 0;
    size_t mark = bt_scn_push_key(c, "quality");
    int rc;
    q->given = 1;
    if ((rc = bt_scn_expect(c, j, bt_scn_is_object, "an object"))
        || (rc = bt_scn_check_keys(c, j, quality_keys, COUNT(quality_keys)))
        || (rc = bt_scn_number(c, j, "value", 0, 0, 1, 0, &q->value))
        || (rc = bt_scn_number(c, j, "drift", 0, 0, 1, 0, &q->drift))
        || (rc = bt_scn_integer(c, j, "delay_epochs", 0, 1000, &q->delay_epochs)))
        return rc;
    const cJSON *jumps = cJSON_GetObjectItemCaseSensitive(j, "jumps");
    if (jumps && (rc = read_jumps(c, jumps, epochs, q)))
        return rc;
    const cJSON *cp = cJSON_GetObjectItemCaseSensitive(j, "copy_of");
    if (cp) {
        size_t m = bt_scn_push_key(c, "copy_of"), src;
        if ((rc = bt_scn_peer_ref(c, cp, &src)))
            return rc;
        q->copy_of = (long)src;
        bt_scn_pop(c, m);
    } else if (!cJSON_GetObjectItemCaseSensitive(j, "value")) {
        return bt_scn_fail(c, "missing key \"value\" (or \"copy_of\")");
    }
    bt_scn_pop(c, mark);
    return 0;
}

/* copy_of must name another miner that copies nobody. */
static int check_copies(bt_scn_ctx *c, bt_scenario *out)
{
    for (size_t p = 0; p < out->npeers; p++) {
        long s = out->peers[p].quality.copy_of;
        if (s < 0)
            continue;
        const bt_peer_spec *src = &out->peers[s];
        if ((size_t)s == p || !src->quality.given || src->quality.copy_of >= 0) {
            char q[BT_SCN_QUOTE_MAX];
            bt_scn_push_key(c, "peers");
            bt_scn_push_index(c, p);
            bt_scn_push_key(c, "quality");
            bt_scn_push_key(c, "copy_of");
            return bt_scn_fail(c, "%s must be another miner with its own quality (no copy of a copy)",
                               bt_scn_quote(q, src->name));
        }
    }
    return 0;
}

int bt_scn_read_peer_agents(bt_scn_ctx *c, const cJSON *root, bt_scenario *out)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "peers");
    size_t mark = bt_scn_push_key(c, "peers"), i = 0;
    int rc;
    for (size_t p = 0; p < out->npeers; p++) {
        out->peers[p].registered = 1;
        out->peers[p].agent.type = -1;
        out->peers[p].quality.copy_of = -1;
    }
    for (size_t q = 0; q < out->nevents; q++)
        if (out->events[q].type == BT_EVENT_REGISTER) out->peers[out->events[q].peer].registered = 0;
    /* generated peers ("generate") come after the file's and take the defaults */
    for (const cJSON *it = arr ? arr->child : NULL; it && i < out->npeers; it = it->next, i++) {
        size_t m = bt_scn_push_index(c, i);
        bt_peer_spec *p = &out->peers[i];
        if ((rc = read_agent(c, it, i, out->epochs, &p->agent))
            || (rc = read_quality(c, it, out->epochs, &p->quality)))
            return rc;
        out->has_agents |= p->agent.type >= 0 || p->quality.given;
        bt_scn_pop(c, m);
    }
    bt_scn_pop(c, mark);
    return check_copies(c, out);
}

void bt_scn_free_network(bt_scenario *s)
{
    for (size_t p = 0; s->peers && p < s->npeers; p++) {
        bt_agent_spec *a = &s->peers[p].agent;
        for (int q = 0; q < BT_AGENT_MAX_PARAMS; q++) {
            free(a->peers[q]);
            free(a->str[q]);
        }
        for (size_t r = 0; r < a->nrows; r++) {
            free(a->rows[r].to);
            free(a->rows[r].w);
        }
        free(a->rows);
        free(s->peers[p].quality.jump_epoch);
        free(s->peers[p].quality.jump_value);
    }
    free(s->network.offline);
    free(s->honest_group);
}
