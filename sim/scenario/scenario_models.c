/* The synthetic tensor models' keys (docs/models.md): the top-level "task", peers[i].model (a
 * miner that computes) and peers[i].scoring (a validator that measures), read into a
 * bt_models_config (models/models_config.h: plain structs). Runs after the peers, weights and
 * "generate" are read, so that peer references resolve and evaluators can be checked against
 * the scripted weights. */
#include "scenario/scenario_internal.h"
#include "models_config.h"
#include "agents/agent.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define BIG_INT 1e6


static int size_key(bt_scn_ctx *c, const cJSON *o, const char *key, double lo, double hi, size_t *out)
{
    long v = (long)*out;
    int rc = bt_scn_integer(c, o, key, lo, hi, &v);
    if (!rc) *out = (size_t)v;
    return rc;
}

/* ---- task ---- */

static const bt_scn_key task_keys[] = {{"d_in", 0}, {"d_out", 0}, {"hidden", 0}, {"batch", 0},
                                       {"holdout", 0}, {"scale", 0}, {"seed", 0}};

static int read_task(bt_scn_ctx *c, const cJSON *t, bt_task_config *tc)
{
    long seed = 0;
    int rc;
    size_t mark = bt_scn_push_key(c, "task");
    if ((rc = bt_scn_expect(c, t, bt_scn_is_object, "an object"))
        || (rc = bt_scn_check_keys(c, t, task_keys, COUNT(task_keys)))
        || (rc = size_key(c, t, "d_in", 1, 4096, &tc->d_in))
        || (rc = size_key(c, t, "d_out", 2, 4096, &tc->d_out))
        || (rc = size_key(c, t, "hidden", 1, 4096, &tc->hidden))
        || (rc = size_key(c, t, "batch", 1, 65536, &tc->batch))
        || (rc = size_key(c, t, "holdout", 1, 65536, &tc->holdout))
        || (rc = bt_scn_number(c, t, "scale", 0, 1, 100, 0, &tc->scale))
        || (rc = bt_scn_integer(c, t, "seed", 0, BT_SCN_INT_EXACT, &seed)))
        return rc;
    if (cJSON_GetObjectItemCaseSensitive(t, "seed")) {
        tc->seed = (uint64_t)seed;
        tc->seeded = 1;
    }
    bt_scn_pop(c, mark);
    return 0;
}

/* ---- peers[i].model ---- */

static const bt_scn_key model_keys[] = {{"type", 0}, {"width", 0}, {"lr", 0}, {"noise", 0},
                                        {"compute", 0}, {"train_batch", 0}, {"init_scale", 0},
                                        {"target", 0}, {"delay", 0}, {"sources", 0}, {"outages", 0}};

/* A key that only some types take: present on another type is an error. */
static int only_for(bt_scn_ctx *c, const cJSON *o, const char *key, int ok, const char *types)
{
    if (ok || !cJSON_GetObjectItemCaseSensitive(o, key)) return 0;
    bt_scn_push_key(c, key);
    return bt_scn_fail(c, "only for \"type\": %s", types);
}

/* "outages": [[from, to], ...]: offline over epochs [from, to) */
static int read_outages(bt_scn_ctx *c, const cJSON *o, bt_miner_config *mc)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "outages");
    if (!a) return 0;
    size_t mark = bt_scn_push_key(c, "outages");
    if (!cJSON_IsArray(a)) return bt_scn_fail(c, "expected an array of [from, to] epoch pairs");
    if ((size_t)cJSON_GetArraySize(a) > BT_MAX_OUTAGES) return bt_scn_fail(c, "at most %d intervals", BT_MAX_OUTAGES);
    size_t q = 0;
    for (const cJSON *it = a->child; it; it = it->next, q++) {
        size_t m2 = bt_scn_push_index(c, q);
        const cJSON *f = cJSON_GetArrayItem(it, 0), *t = cJSON_GetArrayItem(it, 1);
        if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) != 2 || !cJSON_IsNumber(f) || !cJSON_IsNumber(t) ||
            f->valuedouble != (double)(long)f->valuedouble || t->valuedouble != (double)(long)t->valuedouble ||
            f->valuedouble < 0 || t->valuedouble <= f->valuedouble || t->valuedouble > BT_SCN_MAX_EPOCHS)
            return bt_scn_fail(c, "expected [from, to], integer epochs with 0 <= from < to");
        mc->outage_from[q] = (long)f->valuedouble;
        mc->outage_to[q] = (long)t->valuedouble;
        bt_scn_pop(c, m2);
    }
    mc->noutages = q;
    bt_scn_pop(c, mark);
    return 0;
}

static int read_model(bt_scn_ctx *c, const cJSON *o, bt_miner_config *mc)
{
    int type = BT_MINER_STUDENT, rc;
    if ((rc = bt_scn_expect(c, o, bt_scn_is_object, "an object"))
        || (rc = bt_scn_check_keys(c, o, model_keys, COUNT(model_keys)))
        || (rc = bt_scn_enum(c, o, "type", bt_miner_type_names, BT_MINER_NTYPES, &type)))
        return rc;
    mc->type = (bt_miner_type)type;
    int learns = type == BT_MINER_STUDENT || type == BT_MINER_DISTILLED;
    if ((rc = only_for(c, o, "width", learns, "\"student\" or \"distilled\""))
        || (rc = only_for(c, o, "lr", learns, "\"student\" or \"distilled\""))
        || (rc = only_for(c, o, "compute", learns, "\"student\" or \"distilled\""))
        || (rc = only_for(c, o, "train_batch", learns, "\"student\" or \"distilled\""))
        || (rc = only_for(c, o, "init_scale", learns, "\"student\" or \"distilled\""))
        || (rc = only_for(c, o, "target", type == BT_MINER_COPY, "\"copy\""))
        || (rc = only_for(c, o, "delay", type == BT_MINER_COPY, "\"copy\""))
        || (rc = only_for(c, o, "sources", type == BT_MINER_DISTILLED, "\"distilled\""))
        || (rc = size_key(c, o, "width", 1, 4096, &mc->width))
        || (rc = bt_scn_number(c, o, "lr", 0, 1, 100, 0, &mc->lr))
        || (rc = bt_scn_number(c, o, "noise", 0, 0, 100, 0, &mc->noise))
        || (rc = bt_scn_integer(c, o, "compute", 0, BIG_INT, &mc->compute))
        || (rc = size_key(c, o, "train_batch", 1, 65536, &mc->train_batch))
        || (rc = bt_scn_number(c, o, "init_scale", 0, 0, 100, 0, &mc->init_scale))
        || (rc = bt_scn_integer(c, o, "delay", 0, 10000, &mc->delay))
        || (rc = size_key(c, o, "sources", 1, BIG_INT, &mc->sources))
        || (rc = read_outages(c, o, mc)))
        return rc;
    if (type != BT_MINER_COPY) return 0;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "target");
    if (!t) return bt_scn_fail(c, "missing key \"target\" (the peer a copy copies)");
    size_t mark = bt_scn_push_key(c, "target");
    if ((rc = bt_scn_peer_ref(c, t, &mc->target))) return rc;
    bt_scn_pop(c, mark);
    return 0;
}

/* ---- peers[i].scoring ---- */

static const bt_scn_key scoring_keys[] = {{"rule", 0}, {"ema", 0}, {"temperature", 0}, {"order", 0},
                                          {"queries", 0}, {"every", 0}, {"offset", 0}, {"router", 0},
                                          {"distill", 0}};
static const bt_scn_key router_keys[] = {{"top_k", 0}, {"lr", 0}, {"explore", 0}};
static const bt_scn_key distill_keys[] = {{"width", 0}, {"lr", 0}, {"steps", 0}, {"stand_in", 0}};

static int read_router(bt_scn_ctx *c, const cJSON *s, bt_eval_config *ec, size_t nminers)
{
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(s, "router");
    if (!r) return 0;
    size_t mark = bt_scn_push_key(c, "router");
    int rc;
    if ((rc = bt_scn_expect(c, r, bt_scn_is_object, "an object"))
        || (rc = bt_scn_check_keys(c, r, router_keys, COUNT(router_keys)))
        || (rc = size_key(c, r, "top_k", 1, BIG_INT, &ec->top_k))
        || (rc = bt_scn_number(c, r, "lr", 0, 0, 1000, 0, &ec->router_lr))
        || (rc = bt_scn_number(c, r, "explore", 0, 0, 1000, 0, &ec->explore)))
        return rc;
    if (ec->top_k > nminers) {
        bt_scn_push_key(c, "top_k");
        return bt_scn_fail(c, "must be <= the number of peers with a model (%zu), got %zu", nminers, ec->top_k);
    }
    bt_scn_pop(c, mark);
    return 0;
}

static int read_distill(bt_scn_ctx *c, const cJSON *s, bt_eval_config *ec)
{
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(s, "distill");
    if (!d) return 0;
    size_t mark = bt_scn_push_key(c, "distill");
    int rc;
    if ((rc = bt_scn_expect(c, d, bt_scn_is_object, "an object"))
        || (rc = bt_scn_check_keys(c, d, distill_keys, COUNT(distill_keys)))
        || (rc = size_key(c, d, "width", 1, 4096, &ec->distill_width))
        || (rc = bt_scn_number(c, d, "lr", 0, 1, 100, 0, &ec->distill_lr))
        || (rc = bt_scn_integer(c, d, "steps", 1, 1000, &ec->distill_steps))
        || (rc = bt_scn_bool(c, d, "stand_in", &ec->stand_in)))
        return rc;
    ec->distill = 1;
    bt_scn_pop(c, mark);
    return 0;
}

static int read_scoring(bt_scn_ctx *c, const cJSON *o, bt_eval_config *ec, size_t nminers)
{
    int rule = BT_RULE_FISHER, rc;
    long order = ec->order;
    if ((rc = bt_scn_expect(c, o, bt_scn_is_object, "an object"))
        || (rc = bt_scn_check_keys(c, o, scoring_keys, COUNT(scoring_keys)))
        || (rc = bt_scn_enum(c, o, "rule", bt_score_rule_names, BT_RULE_NRULES, &rule))
        || (rc = bt_scn_number(c, o, "ema", 0, 0, 1, 1, &ec->ema))
        || (rc = bt_scn_number(c, o, "temperature", 0, 1, 1000, 0, &ec->temperature))
        || (rc = bt_scn_integer(c, o, "order", 1, 2, &order))
        || (rc = bt_scn_integer(c, o, "queries", 1, BIG_INT, &ec->queries))
        || (rc = bt_scn_integer(c, o, "every", 1, BT_SCN_MAX_EPOCHS, &ec->every))
        || (rc = bt_scn_integer(c, o, "offset", 0, BT_SCN_INT_EXACT, &ec->offset))
        || (rc = read_router(c, o, ec, nminers))
        || (rc = read_distill(c, o, ec)))
        return rc;
    ec->rule = (bt_score_rule)rule;
    ec->order = (int)order;
    if (!nminers) return bt_scn_fail(c, "needs at least one peer with a \"model\" to query");
    return 0;
}

/* ---- cross-checks ---- */

/* a copy's target must be another learning miner */
static int check_copy(bt_scn_ctx *c, const bt_scenario *out, const bt_models_config *mc, size_t i)
{
    size_t t = mc->miner[i].target;
    if (t != i && mc->role[t] == BT_ROLE_MINER &&
        (mc->miner[t].type == BT_MINER_STUDENT || mc->miner[t].type == BT_MINER_DISTILLED))
        return 0;
    char q[BT_SCN_QUOTE_MAX];
    bt_scn_push_key(c, "target");
    return bt_scn_fail(c, "%s must be another peer whose model is a \"student\" or \"distilled\"",
                       bt_scn_quote(q, out->peers[t].name));
}

/* an evaluator's rows come from its scoring, not from the file */
static int check_unscripted(bt_scn_ctx *c, const bt_scenario *out, size_t i)
{
    for (size_t q = 0; q < out->nweights; q++)
        if (out->weights[q].from == i)
            return bt_scn_fail(c, "peer %s also sets scripted \"weights\"; an evaluator's weights come from its scoring",
                               out->peers[i].name);
    return 0;
}

static int read_peer_models(bt_scn_ctx *c, const cJSON *arr, bt_scenario *out, bt_models_config *mc)
{
    size_t i = 0, nminers = 0;
    int rc;
    for (const cJSON *it = arr ? arr->child : NULL; it; it = it->next, i++)
        if (cJSON_IsObject(it) && cJSON_GetObjectItemCaseSensitive(it, "model")) nminers++;
    i = 0;
    for (const cJSON *it = arr ? arr->child : NULL; it; it = it->next, i++) {
        const cJSON *model = cJSON_GetObjectItemCaseSensitive(it, "model");
        const cJSON *scoring = cJSON_GetObjectItemCaseSensitive(it, "scoring");
        if (!model && !scoring) continue;
        size_t m1 = bt_scn_push_index(c, i);
        if (model && scoring) {
            bt_scn_push_key(c, "scoring");
            return bt_scn_fail(c, "a peer has a \"model\" or a \"scoring\", not both");
        }
        size_t m2 = bt_scn_push_key(c, model ? "model" : "scoring");
        if (!mc) return bt_scn_fail(c, "needs the top-level \"task\"");
        if (model && (rc = read_model(c, model, &mc->miner[i]))) return rc;
        if (scoring && ((rc = read_scoring(c, scoring, &mc->eval[i], nminers)) ||
                        (rc = check_unscripted(c, out, i)))) return rc;
        mc->role[i] = model ? BT_ROLE_MINER : BT_ROLE_EVALUATOR;
        bt_scn_pop(c, m2);
        bt_scn_pop(c, m1);
    }
    i = 0;
    for (const cJSON *it = arr ? arr->child : NULL; mc && it; it = it->next, i++) {
        if (mc->role[i] != BT_ROLE_MINER || mc->miner[i].type != BT_MINER_COPY) continue;
        size_t m1 = bt_scn_push_index(c, i), m2 = bt_scn_push_key(c, "model");
        if ((rc = check_copy(c, out, mc, i))) return rc;
        bt_scn_pop(c, m2);
        bt_scn_pop(c, m1);
    }
    return 0;
}

int bt_scn_read_models(bt_scn_ctx *c, const cJSON *root, bt_scenario *out)
{
    const cJSON *task = cJSON_GetObjectItemCaseSensitive(root, "task");
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "peers");
    int rc;
    if (task) {
        if (!(out->models = bt_models_config_alloc(out->npeers)))
            return bt_scn_fail_file(c, "out of memory");
        if ((rc = read_task(c, task, &out->models->task))) return rc;
    }
    size_t mark = bt_scn_push_key(c, "peers");
    if ((rc = read_peer_models(c, cJSON_IsArray(arr) ? arr : NULL, out, out->models))) return rc;
    bt_scn_pop(c, mark);
    return 0;
}

/* After the agents: a peer with "scoring" runs the evaluator agent (models/models_agent.h),
 * which nothing else may ask for. */
int bt_scn_models_agents(bt_scn_ctx *c, bt_scenario *out)
{
    for (size_t i = 0; i < out->npeers; i++) {
        bt_agent_spec *a = &out->peers[i].agent;
        int evaluates = out->models && out->models->role[i] == BT_ROLE_EVALUATOR;
        if (a->type < 0 && !evaluates) continue;
        if (evaluates && a->type < 0) {
            a->type = BT_AGENT_EVALUATOR;
            out->has_agents = 1;
            continue;
        }
        if (evaluates == (a->type == BT_AGENT_EVALUATOR)) continue;
        bt_scn_push_key(c, "peers");
        bt_scn_push_index(c, i);
        bt_scn_push_key(c, "agent");
        if (evaluates)
            return bt_scn_fail(c, "a peer with \"scoring\" acts by its scoring; it cannot also have an \"agent\"");
        bt_scn_push_key(c, "type");
        return bt_scn_fail(c, "\"evaluator\" is what a peer with \"scoring\" runs; give the peer a \"scoring\" "
                              "(docs/models.md) instead");
    }
    return 0;
}
