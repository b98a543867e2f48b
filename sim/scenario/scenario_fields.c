/* Typed readers for one key of a JSON object: key-set checks (unknown, missing), numbers in a
 * range, integers, booleans, strings, enumerations and peer references. Each reader names the
 * offending value by its JSON path and says what was expected and what was found. */
#include "scenario/scenario_internal.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

static int is_known(const bt_scn_key *keys, size_t nkeys, const char *name)
{
    for (size_t i = 0; i < nkeys; i++)
        if (strcmp(keys[i].name, name) == 0)
            return 1;
    return 0;
}

static int unknown_key(bt_scn_ctx *c, const char *name, const bt_scn_key *keys, size_t nkeys)
{
    const char *known[32];
    size_t n = nkeys < 32 ? nkeys : 32;
    for (size_t i = 0; i < n; i++)
        known[i] = keys[i].name;
    bt_scn_push_key(c, name);
    const char *s = bt_scn_suggest(name, known, n);
    if (s)
        return bt_scn_fail(c, "unknown key (did you mean \"%s\"?)", s);
    char list[512];
    size_t len = 0;
    list[0] = '\0';
    for (size_t i = 0; i < n && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", known[i]);
    return bt_scn_fail(c, "unknown key (valid keys: %s)", list);
}

/* Every key of obj must be one of keys[], and every required one must be there. Unknown keys
 * come first: a typo'd required key ("epoch" for "epochs") then reads as the typo it is. */
int bt_scn_check_keys(bt_scn_ctx *c, const cJSON *obj, const bt_scn_key *keys, size_t nkeys)
{
    for (const cJSON *it = obj->child; it; it = it->next)
        if (!is_known(keys, nkeys, it->string))
            return unknown_key(c, it->string, keys, nkeys);
    for (size_t i = 0; i < nkeys; i++)
        if (keys[i].required && !cJSON_GetObjectItemCaseSensitive(obj, keys[i].name))
            return bt_scn_fail(c, "missing key \"%s\"", keys[i].name);
    return 0;
}

/* j (at the current path) must pass is(); `what` names the expected type ("an object"). */
int bt_scn_expect(bt_scn_ctx *c, const cJSON *j, int (*is)(const cJSON *), const char *what)
{
    if (is(j))
        return 0;
    return bt_scn_fail(c, "expected %s, got %s", what, bt_scn_type_name(j));
}

static int is_number(const cJSON *j) { return cJSON_IsNumber(j); }
static int is_bool(const cJSON *j) { return cJSON_IsBool(j); }
static int is_string(const cJSON *j) { return cJSON_IsString(j) && j->valuestring; }

static int range_error(bt_scn_ctx *c, double x, double lo, int lo_open, double hi, int hi_open)
{
    char a[32], b[32], g[32];
    bt_scn_num(g, x);
    if (isinf(hi) && isinf(lo))
        return bt_scn_fail(c, "must be finite, got %s", g);
    if (isinf(hi))
        return bt_scn_fail(c, "must be finite and %s %s, got %s", lo_open ? ">" : ">=",
                           bt_scn_num(a, lo), g);
    return bt_scn_fail(c, "must be in %c%s, %s%c, got %s", lo_open ? '(' : '[', bt_scn_num(a, lo),
                       bt_scn_num(b, hi), hi_open ? ')' : ']', g);
}

/* A finite number in the range; lo = -INFINITY or hi = INFINITY means unbounded that side. */
int bt_scn_number(bt_scn_ctx *c, const cJSON *obj, const char *key, double lo, int lo_open,
                  double hi, int hi_open, double *out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!j)
        return 0;
    size_t mark = bt_scn_push_key(c, key);
    int rc = bt_scn_expect(c, j, is_number, "a number");
    if (rc)
        return rc;
    double x = j->valuedouble;
    int below = lo_open ? !(x > lo) : !(x >= lo);
    int above = hi_open ? !(x < hi) : !(x <= hi);
    if (!isfinite(x) || below || above)
        return range_error(c, x, lo, lo_open, hi, hi_open);
    *out = x;
    bt_scn_pop(c, mark);
    return 0;
}

/* An integral number in [lo, hi]; 2.5 is an error rather than being rounded. hi at or above
 * BT_SCN_INT_EXACT reads as "no upper bound" in the message. */
int bt_scn_integer(bt_scn_ctx *c, const cJSON *obj, const char *key, double lo, double hi,
                   long *out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!j)
        return 0;
    size_t mark = bt_scn_push_key(c, key);
    int rc = bt_scn_expect(c, j, is_number, "an integer");
    if (rc)
        return rc;
    double x = j->valuedouble;
    char g[32];
    bt_scn_num(g, x);
    if (!isfinite(x) || x != floor(x))
        return bt_scn_fail(c, "must be an integer, got %s", g);
    if (hi < BT_SCN_INT_EXACT && (x < lo || x > hi))
        return bt_scn_fail(c, "must be an integer in [%.0f, %.0f], got %s", lo, hi, g);
    if (x < lo)
        return bt_scn_fail(c, "must be an integer >= %.0f, got %s", lo, g);
    if (x > hi)
        return bt_scn_fail(c, "must be an integer <= %.0f, got %s", hi, g);
    *out = (long)x;
    bt_scn_pop(c, mark);
    return 0;
}

int bt_scn_bool(bt_scn_ctx *c, const cJSON *obj, const char *key, int *out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!j)
        return 0;
    size_t mark = bt_scn_push_key(c, key);
    int rc = bt_scn_expect(c, j, is_bool, "true or false");
    if (rc)
        return rc;
    *out = cJSON_IsTrue(j);
    bt_scn_pop(c, mark);
    return 0;
}

int bt_scn_string(bt_scn_ctx *c, const cJSON *obj, const char *key, int nonempty, const char **out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!j)
        return 0;
    size_t mark = bt_scn_push_key(c, key);
    int rc = bt_scn_expect(c, j, is_string, "a string");
    if (rc)
        return rc;
    if (nonempty && j->valuestring[0] == '\0')
        return bt_scn_fail(c, "must not be empty");
    *out = j->valuestring;
    bt_scn_pop(c, mark);
    return 0;
}

/* A string that must be one of names[]; *out is its index. The message lists them all: the
 * names are few and close to each other ("yuma", "yuma3", "yuma0"), so a guess would mislead. */
int bt_scn_enum(bt_scn_ctx *c, const cJSON *obj, const char *key, const char *const *names,
                size_t n, int *out)
{
    const char *s = NULL;
    int rc = bt_scn_string(c, obj, key, 0, &s);
    if (rc || !s)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (int)i;
            return 0;
        }
    }
    char list[256], q[BT_SCN_QUOTE_MAX];
    size_t len = 0;
    list[0] = '\0';
    for (size_t i = 0; i < n && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s\"%s\"", i ? ", " : "", names[i]);
    bt_scn_push_key(c, key);
    return bt_scn_fail(c, "unknown %s %s (expected one of %s)", key, bt_scn_quote(q, s), list);
}

/* j (at the current path) must be the name of a peer; *peer is its index. */
int bt_scn_peer_ref(bt_scn_ctx *c, const cJSON *j, size_t *peer)
{
    int rc = bt_scn_expect(c, j, is_string, "a peer name (a string)");
    if (rc)
        return rc;
    if (!bt_scn_names_get(&c->peers, j->valuestring, peer)) {
        char q[BT_SCN_QUOTE_MAX];
        return bt_scn_fail(c, "unknown peer %s", bt_scn_quote(q, j->valuestring));
    }
    return 0;
}
