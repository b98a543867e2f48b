/* The checked scenario tree -> bt_scenario: the top-level keys, the peers (and the name table
 * every later peer reference resolves through), the mechanism's parameters and the output
 * switches. Weights and events are in scenario_schedule.c. Keys are read in a fixed order,
 * so the first error reported for a file does not depend on the order of its keys. */
#include "scenario/scenario_internal.h"
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))


/* ---- peers ---- */

static const bt_scn_key peer_keys[] = {{"name", 1}, {"stake", 1}, {"group", 0},
                                       {"model", 0}, {"scoring", 0},   /* models: scenario_models.c */
                                       {"agent", 0}, {"quality", 0}};  /* network: scenario_agents.c */

static int read_peer(bt_scn_ctx *c, const cJSON *j, size_t i, bt_peer_spec *p)
{
    const char *name = NULL, *group = "";
    int rc;
    if ((rc = bt_scn_expect(c, j, bt_scn_is_object, "an object"))
        || (rc = bt_scn_check_keys(c, j, peer_keys, COUNT(peer_keys)))
        || (rc = bt_scn_string(c, j, "name", 1, &name))
        || (rc = bt_scn_number(c, j, "stake", 0, 0, INFINITY, 0, &p->stake))
        || (rc = bt_scn_string(c, j, "group", 0, &group)))
        return rc;
    p->name = strdup(name);
    p->group = strdup(group);
    if (!p->name || !p->group)
        return bt_scn_fail(c, "out of memory");
    size_t first;
    int put = bt_scn_names_put(&c->peers, p->name, i, &first);
    if (put < 0)
        return bt_scn_fail(c, "out of memory");
    if (put == 1) {
        char q[BT_SCN_QUOTE_MAX];
        bt_scn_push_key(c, "name");
        return bt_scn_fail(c, "duplicate peer name %s (also peers[%zu].name)",
                           bt_scn_quote(q, p->name), first);
    }
    return 0;
}

static int read_peers(bt_scn_ctx *c, const cJSON *root, bt_scenario *out)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "peers");
    int generated = cJSON_GetObjectItemCaseSensitive(root, "generate") != NULL;
    if (!arr && generated)   /* every peer comes from "generate" */
        return bt_scn_names_init(&c->peers, 1) != 0 ? bt_scn_fail(c, "out of memory") : 0;
    if (!arr)
        return bt_scn_fail(c, "missing key \"peers\"");
    size_t mark = bt_scn_push_key(c, "peers");
    int rc = bt_scn_expect(c, arr, bt_scn_is_array, "an array");
    if (rc)
        return rc;
    size_t n = 0;
    for (const cJSON *it = arr->child; it; it = it->next)
        n++;
    if (n == 0 && !generated)
        return bt_scn_fail(c, "must list at least one peer");
    out->peers = calloc(n ? n : 1, sizeof *out->peers);
    if (!out->peers || bt_scn_names_init(&c->peers, n ? n : 1) != 0)
        return bt_scn_fail(c, "out of memory");
    out->npeers = n;   /* zeroed entries, so bt_scenario_free works part-way */
    size_t i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        size_t m = bt_scn_push_index(c, i);
        if ((rc = read_peer(c, it, i, &out->peers[i])))
            return rc;
        bt_scn_pop(c, m);
    }
    bt_scn_pop(c, mark);
    return 0;
}

/* ---- mechanism ---- */

static const char *const kind_names[] = {"yuma", "yuma3", "yuma0", "whitepaper"};
static const bt_kind kind_values[] = {BT_KIND_YUMA, BT_KIND_YUMA3, BT_KIND_YUMA0,
                                      BT_KIND_WHITEPAPER};
static const char *const arith_names[] = {"float", "fixed"};
static const bt_arith arith_values[] = {BT_ARITH_FLOAT, BT_ARITH_FIXED};

static const bt_scn_key mech_keys[] = {
    {"kind", 1}, {"arithmetic", 0}, {"kappa", 0}, {"bonds_penalty", 0},
    {"bonds_moving_average", 0}, {"max_allowed_validators", 0}, {"liquid_alpha", 0},
    {"tempo", 0}, {"activity_cutoff", 0}, {"stake_threshold", 0}, {"rao_emission", 0},
    {"owner", 0}, {"stake_from_emission", 0}, {"rho", 0}, {"tau", 0}, {"emission", 0},
    {"self_share", 0}, {"count_self_weights", 0}, {"active_stake_only", 0},
    {"edge_threshold", 0}, {"bond_accrual", 0}, {"weight_cuts", 0}, {"peg", 0},
    {"scaling_vector", 0},
};

static const bt_scn_key alpha_keys[] = {
    {"enabled", 0}, {"alpha_low", 0}, {"alpha_high", 0}, {"steepness", 0},
};

/* Liquid alpha: fractions in (0, 1] stored on chain as u16, and a steepness the chain stores
 * as an i16 of x*100, hence [-327.68, 327.67]. */
static int read_liquid_alpha(bt_scn_ctx *c, const cJSON *mech, bt_params *p)
{
    const cJSON *la = cJSON_GetObjectItemCaseSensitive(mech, "liquid_alpha");
    if (!la)
        return 0;
    size_t mark = bt_scn_push_key(c, "liquid_alpha");
    int rc;
    if ((rc = bt_scn_expect(c, la, bt_scn_is_object, "an object"))
        || (rc = bt_scn_check_keys(c, la, alpha_keys, COUNT(alpha_keys)))
        || (rc = bt_scn_bool(c, la, "enabled", &p->liquid_alpha))
        || (rc = bt_scn_number(c, la, "alpha_low", 0, 1, 1, 0, &p->alpha_low))
        || (rc = bt_scn_number(c, la, "alpha_high", 0, 1, 1, 0, &p->alpha_high))
        || (rc = bt_scn_number(c, la, "steepness", -327.68, 0, 327.67, 0, &p->steepness)))
        return rc;
    if (p->alpha_low > p->alpha_high) {
        char a[32], b[32];
        return bt_scn_fail(c, "alpha_low (%s) must be <= alpha_high (%s)",
                           bt_scn_num(a, p->alpha_low), bt_scn_num(b, p->alpha_high));
    }
    bt_scn_pop(c, mark);
    return 0;
}

static int read_owner(bt_scn_ctx *c, const cJSON *mech, bt_params *p)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(mech, "owner");
    if (!j)
        return 0;
    size_t mark = bt_scn_push_key(c, "owner");
    size_t peer;
    int rc = bt_scn_peer_ref(c, j, &peer);
    if (rc)
        return rc;
    p->owner = (long)peer;
    bt_scn_pop(c, mark);
    return 0;
}

/* ---- the sigmoid forms' keys (whitepaper, yuma0) ---- */

static const char *const emission_names[] = {"proportional", "fixed"};
static const bt_emission_mode emission_values[] = {BT_EMIT_PROPORTIONAL, BT_EMIT_FIXED};
static const char *const accrual_names[] = {"cumulative", "ema"};
static const bt_bond_accrual accrual_values[] = {BT_BONDS_CUMULATIVE, BT_BONDS_EMA};
static const char *const short_names[] = {"reject", "pad"};
static const bt_short_rows short_values[] = {BT_SHORT_REJECT, BT_SHORT_PAD};

static const bt_scn_key peg_keys[] = {
    {"min_allowed_weights", 0}, {"max_min_ratio", 0}, {"short_rows", 0},
    {"controller", 0}, {"controller_step", 0}, {"controller_max", 0},
};

static const bt_scn_key scaling_keys[] = {{"enabled", 0}, {"learning_rate", 0}, {"depth", 0}};

/* The consensus peg: a minimum number of non-zero weights per row, a max/min ratio (0 = off,
 * else >= 1), what happens to short rows, and the controller that raises the minimum. */
static int read_peg(bt_scn_ctx *c, const cJSON *mech, bt_params *p)
{
    const cJSON *peg = cJSON_GetObjectItemCaseSensitive(mech, "peg");
    if (!peg)
        return 0;
    size_t mark = bt_scn_push_key(c, "peg");
    const double long_max = fmin(BT_SCN_INT_EXACT, (double)LONG_MAX);
    int shrt = -1, rc;
    if ((rc = bt_scn_expect(c, peg, bt_scn_is_object, "an object"))
        || (rc = bt_scn_check_keys(c, peg, peg_keys, COUNT(peg_keys)))
        || (rc = bt_scn_integer(c, peg, "min_allowed_weights", 0, long_max, &p->min_allowed_weights))
        || (rc = bt_scn_number(c, peg, "max_min_ratio", 0, 0, INFINITY, 0, &p->max_min_ratio))
        || (rc = bt_scn_enum(c, peg, "short_rows", short_names, COUNT(short_names), &shrt))
        || (rc = bt_scn_bool(c, peg, "controller", &p->peg_controller))
        || (rc = bt_scn_integer(c, peg, "controller_step", 1, long_max, &p->controller_step))
        || (rc = bt_scn_integer(c, peg, "controller_max", 0, long_max, &p->controller_max)))
        return rc;
    if (shrt >= 0)
        p->short_rows = short_values[shrt];
    char a[32], b[32];
    if (p->max_min_ratio > 0 && p->max_min_ratio < 1) {
        bt_scn_push_key(c, "max_min_ratio");
        return bt_scn_fail(c, "must be 0 (off) or >= 1, got %s", bt_scn_num(a, p->max_min_ratio));
    }
    if (p->controller_max > 0 && p->controller_max < p->min_allowed_weights)
        return bt_scn_fail(c, "controller_max (%s) must be 0 or >= min_allowed_weights (%s)",
                           bt_scn_num(a, (double)p->controller_max),
                           bt_scn_num(b, (double)p->min_allowed_weights));
    bt_scn_pop(c, mark);
    return 0;
}

static int read_scaling_vector(bt_scn_ctx *c, const cJSON *mech, bt_params *p)
{
    const cJSON *sv = cJSON_GetObjectItemCaseSensitive(mech, "scaling_vector");
    if (!sv)
        return 0;
    size_t mark = bt_scn_push_key(c, "scaling_vector");
    const double long_max = fmin(BT_SCN_INT_EXACT, (double)LONG_MAX);
    int rc;
    if ((rc = bt_scn_expect(c, sv, bt_scn_is_object, "an object"))
        || (rc = bt_scn_check_keys(c, sv, scaling_keys, COUNT(scaling_keys)))
        || (rc = bt_scn_bool(c, sv, "enabled", &p->scaling_vector))
        || (rc = bt_scn_number(c, sv, "learning_rate", 0, 1, INFINITY, 0, &p->scaling_lr))
        || (rc = bt_scn_integer(c, sv, "depth", 0, long_max, &p->scaling_depth)))
        return rc;
    bt_scn_pop(c, mark);
    return 0;
}

static int read_sigmoid_keys(bt_scn_ctx *c, const cJSON *m, bt_params *p)
{
    int emission = -1, accrual = -1, rc;
    if ((rc = bt_scn_number(c, m, "tau", 0, 0, INFINITY, 0, &p->tau))
        || (rc = bt_scn_enum(c, m, "emission", emission_names, COUNT(emission_names), &emission))
        || (rc = bt_scn_number(c, m, "self_share", 0, 0, 1, 0, &p->self_share))
        || (rc = bt_scn_bool(c, m, "count_self_weights", &p->count_self_weights))
        || (rc = bt_scn_bool(c, m, "active_stake_only", &p->active_stake_only))
        || (rc = bt_scn_number(c, m, "edge_threshold", 0, 0, 1, 1, &p->edge_threshold))
        || (rc = bt_scn_enum(c, m, "bond_accrual", accrual_names, COUNT(accrual_names), &accrual))
        || (rc = bt_scn_integer(c, m, "weight_cuts", 0, 3, &p->weight_cuts))
        || (rc = read_peg(c, m, p))
        || (rc = read_scaling_vector(c, m, p)))
        return rc;
    if (emission >= 0)
        p->emission = emission_values[emission];
    if (accrual >= 0)
        p->bond_accrual = accrual_values[accrual];
    return 0;
}

/* kind and arithmetic first: the kind sets some defaults (whitepaper: kappa 0.5), and the
 * whitepaper runs in float only. */
static int read_kind(bt_scn_ctx *c, const cJSON *m, bt_params *p)
{
    int kind = -1, arith = -1, rc;
    if ((rc = bt_scn_enum(c, m, "kind", kind_names, COUNT(kind_names), &kind))
        || (rc = bt_scn_enum(c, m, "arithmetic", arith_names, COUNT(arith_names), &arith)))
        return rc;
    if (kind >= 0)
        p->kind = kind_values[kind];
    if (arith >= 0)
        p->arithmetic = arith_values[arith];
    bt_params_kind_defaults(p);
    if (p->kind == BT_KIND_WHITEPAPER && p->arithmetic == BT_ARITH_FIXED) {
        bt_scn_push_key(c, "arithmetic");
        return bt_scn_fail(c, "kind \"whitepaper\" runs in float arithmetic only, got \"fixed\"");
    }
    return 0;
}

static int read_mechanism(bt_scn_ctx *c, const cJSON *root, bt_params *p)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "mechanism");
    size_t mark = bt_scn_push_key(c, "mechanism");
    int rc;
    const double long_max = fmin(BT_SCN_INT_EXACT, (double)LONG_MAX);
    bt_params_default(p);
    if ((rc = bt_scn_expect(c, m, bt_scn_is_object, "an object"))
        || (rc = bt_scn_check_keys(c, m, mech_keys, COUNT(mech_keys)))
        || (rc = read_kind(c, m, p))
        || (rc = bt_scn_number(c, m, "kappa", 0, 0, 1, 0, &p->kappa))
        || (rc = bt_scn_number(c, m, "bonds_penalty", 0, 0, 1, 0, &p->bonds_penalty))
        || (rc = bt_scn_number(c, m, "bonds_moving_average", 0, 0, 1, 0, &p->bonds_moving_average))
        || (rc = bt_scn_integer(c, m, "max_allowed_validators", 1, 65535,
                                &p->max_allowed_validators))
        || (rc = read_liquid_alpha(c, m, p))
        || (rc = bt_scn_integer(c, m, "tempo", 1, 65535, &p->tempo))
        || (rc = bt_scn_integer(c, m, "activity_cutoff", 1, long_max, &p->activity_cutoff))
        || (rc = bt_scn_number(c, m, "stake_threshold", 0, 0, INFINITY, 0, &p->stake_threshold))
        || (rc = bt_scn_number(c, m, "rao_emission", 0, 1, 1.8e19, 0, &p->rao_emission))
        || (rc = read_owner(c, m, p))
        || (rc = bt_scn_bool(c, m, "stake_from_emission", &p->stake_from_emission))
        || (rc = bt_scn_number(c, m, "rho", -INFINITY, 0, INFINITY, 0, &p->rho))
        || (rc = read_sigmoid_keys(c, m, p)))
        return rc;
    bt_scn_pop(c, mark);
    return 0;
}

/* ---- output ---- */

static const bt_scn_key output_keys[] = {{"bonds", 0}, {"weights", 0}, {"every", 0}};

/* true, false or "sparse" */
static int read_matrix_switch(bt_scn_ctx *c, const cJSON *o, const char *key, int *out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!j)
        return 0;
    if (cJSON_IsString(j) && j->valuestring && strcmp(j->valuestring, "sparse") == 0) {
        *out = 2;
        return 0;
    }
    if (cJSON_IsString(j)) {
        size_t m = bt_scn_push_key(c, key);
        char q[BT_SCN_QUOTE_MAX];
        int rc = bt_scn_fail(c, "expected true, false or \"sparse\", got %s", bt_scn_quote(q, j->valuestring));
        bt_scn_pop(c, m);
        return rc;
    }
    return bt_scn_bool(c, o, key, out);
}

static int read_output(bt_scn_ctx *c, const cJSON *root, bt_scenario *out)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, "output");
    out->output.every = 1;
    if (!o)
        return 0;
    size_t mark = bt_scn_push_key(c, "output");
    int rc;
    if ((rc = bt_scn_expect(c, o, bt_scn_is_object, "an object"))
        || (rc = bt_scn_check_keys(c, o, output_keys, COUNT(output_keys)))
        || (rc = read_matrix_switch(c, o, "bonds", &out->output.bonds))
        || (rc = read_matrix_switch(c, o, "weights", &out->output.weights))
        || (rc = bt_scn_integer(c, o, "every", 1, BT_SCN_MAX_EPOCHS, &out->output.every)))
        return rc;
    bt_scn_pop(c, mark);
    return 0;
}

/* ---- top level ---- */

static const bt_scn_key top_keys[] = {
    {"name", 1}, {"description", 0}, {"seed", 0}, {"mechanism", 1}, {"peers", 0},
    {"epochs", 1}, {"weights", 0}, {"events", 0}, {"output", 0}, {"generate", 0},
    {"task", 0}, {"chain", 0}, {"network", 0}, {"pricing", 0},
};

/* Fills out from root (a JSON object whose duplicates and non-finite numbers were already
 * rejected). On failure out holds whatever was filled; the caller frees it. */
int bt_scn_build(bt_scn_ctx *c, const cJSON *root, bt_scenario *out)
{
    const char *name = NULL, *description = NULL;
    long seed = 0;
    const double long_max = fmin(BT_SCN_INT_EXACT, (double)LONG_MAX);
    int rc;
    if ((rc = bt_scn_check_keys(c, root, top_keys, COUNT(top_keys)))
        || (rc = bt_scn_string(c, root, "name", 1, &name))
        || (rc = bt_scn_string(c, root, "description", 0, &description))
        || (rc = bt_scn_integer(c, root, "seed", 0, long_max, &seed))
        || (rc = bt_scn_integer(c, root, "epochs", 1, BT_SCN_MAX_EPOCHS, &out->epochs))
        || (rc = read_peers(c, root, out))
        || (rc = read_mechanism(c, root, &out->mech))
        || (rc = bt_scn_read_weights(c, root, out))
        || (rc = bt_scn_read_events(c, root, out))
        || (rc = read_output(c, root, out))
        || (rc = bt_scn_generate(c, root, out, (uint64_t)seed))
        || (rc = bt_scn_read_models(c, root, out))
        || (rc = bt_scn_read_network(c, root, out)))
        return rc;
    out->seed = (uint64_t)seed;
    out->name = strdup(name);
    if (!out->name)
        return bt_scn_fail_file(c, "out of memory");
    return 0;
}
