/* --set KEY.PATH=VALUE: one change to the parsed scenario tree, made before validation so an
 * override is checked exactly like the file (an unknown key is reported with its path and a
 * suggestion). Paths are dot-separated keys with array indices as [i] or as a bare number
 * (peers[0].stake, peers.0.stake). A missing key is created, with any missing objects on the
 * way; an index past the end of an array, or a step into a number or string, is an error. The
 * value is JSON when it parses as JSON, else a plain string (mechanism.kind=yuma3). */
#include "scenario/scenario_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *s;      /* key text (not NUL-terminated) */
    size_t len;
    int bracket;        /* written as [i] */
    int digits;         /* all digits, so usable as an index */
} seg;

/* How the failing --set is named in the message: "FILE: --set TEXT: what". */
static int ov_fail(bt_scn_ctx *c, const char *ov, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int ov_fail(bt_scn_ctx *c, const char *ov, const char *fmt, ...)
{
    char what[BT_SCN_PATH_MAX + 128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return bt_scn_fail_file(c, "--set %.200s: %s", ov, what);
}

static int all_digits(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* Splits path[0, n) into segments; returns their count, or 0 when malformed. */
static size_t split_path(const char *p, size_t n, seg *out)
{
    size_t k = 0, i = 0;
    while (i < n) {
        seg *g = &out[k++];
        if (p[i] == '[') {
            size_t j = i + 1;
            while (j < n && p[j] != ']')
                j++;
            if (j >= n || !all_digits(p + i + 1, j - i - 1))
                return 0;
            *g = (seg){p + i + 1, j - i - 1, 1, 1};
            i = j + 1;
        } else {
            size_t j = i;
            while (j < n && p[j] != '.' && p[j] != '[')
                j++;
            if (j == i)
                return 0;
            *g = (seg){p + i, j - i, 0, all_digits(p + i, j - i)};
            i = j;
        }
        if (i < n && p[i] == '.') {
            i++;
            if (i == n || p[i] == '.' || p[i] == '[')
                return 0;
        }
    }
    return k;
}

/* The segment as an array index; 0 when it has too many digits to be one. */
static int seg_index(const seg *g, size_t *idx)
{
    if (!g->digits || g->len > 9)
        return 0;
    size_t v = 0;
    for (size_t i = 0; i < g->len; i++)
        v = v * 10 + (size_t)(g->s[i] - '0');
    *idx = v;
    return 1;
}

/* The value: JSON if it parses, else the text itself as a string. Text that starts like a
 * JSON array, object or string but does not parse is a mistake, not a string. */
static int parse_value(bt_scn_ctx *c, const char *ov, const char *v, cJSON **out)
{
    size_t n = strlen(v);
    char what[96];
    if (bt_scn_scan_value(v, n, what, sizeof what))
        return ov_fail(c, ov, "value: %s", what);
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(v, n, &end, 0);
    if (j) {
        while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
            end++;
        if (*end == '\0') {
            *out = j;
            return 0;
        }
        cJSON_Delete(j);
    }
    const char *first = v + strspn(v, " \t\r\n");
    if (*first == '[' || *first == '{' || *first == '"')
        return ov_fail(c, ov, "the value is not valid JSON");
    *out = cJSON_CreateString(v);
    return *out ? 0 : ov_fail(c, ov, "out of memory");
}

/* Puts value at key in obj, replacing what is there (in place, so key order is kept). On
 * failure value is freed. */
static int set_in_object(cJSON *obj, const char *key, cJSON *value)
{
    if (cJSON_GetObjectItemCaseSensitive(obj, key)) {
        if (cJSON_ReplaceItemInObjectCaseSensitive(obj, key, value))
            return 0;
    } else if (cJSON_AddItemToObject(obj, key, value)) {
        return 0;
    }
    cJSON_Delete(value);
    return -1;
}

static cJSON *array_item(cJSON *arr, size_t idx)
{
    cJSON *it = arr->child;
    for (size_t i = 0; it && i < idx; i++)
        it = it->next;
    return it;
}

/* Walks segs from root, creating missing objects, and stores value at the end. value is
 * always consumed. */
static int set_path(bt_scn_ctx *c, const char *ov, cJSON *root, const seg *segs, size_t nsegs,
                    cJSON *value)
{
    char shown[BT_SCN_PATH_MAX];   /* the path walked so far, as messages print paths */
    size_t slen = 0;
    shown[0] = '\0';
    cJSON *cur = root;
    int rc = 0;
    for (size_t k = 0; k < nsegs && !rc; k++) {
        const seg *g = &segs[k];
        int last = k + 1 == nsegs;
        char key[256];
        snprintf(key, sizeof key, "%.*s", (int)(g->len < 255 ? g->len : 255), g->s);
        if (cJSON_IsArray(cur)) {
            size_t idx;
            cJSON *item;
            if (!g->digits) {
                rc = ov_fail(c, ov, "%s is an array; index it as %s[0]", shown, shown);
                break;
            }
            if (!seg_index(g, &idx)) {
                rc = ov_fail(c, ov, "no such element %s[%.*s]", shown, (int)g->len, g->s);
                break;
            }
            char ix[32];
            snprintf(ix, sizeof ix, "[%zu]", idx);
            if (strlen(shown) + strlen(ix) < sizeof shown) {
                strcat(shown, ix);
                slen = strlen(shown);
            }
            if (!(item = array_item(cur, idx))) {
                rc = ov_fail(c, ov, "no such element %s", shown);
                break;
            }
            if (last) {
                if (!cJSON_ReplaceItemViaPointer(cur, item, value)) {
                    rc = ov_fail(c, ov, "out of memory");
                    break;
                }
                value = NULL;
            }
            cur = item;
        } else if (cJSON_IsObject(cur)) {
            if (g->bracket) {
                rc = ov_fail(c, ov, "%s is an object, not an array",
                             slen ? shown : "the top level");
                break;
            }
            if (g->len > 255) {
                rc = ov_fail(c, ov, "key too long");
                break;
            }
            bt_scn_path_append_key(shown, sizeof shown, &slen, key);
            cJSON *child = cJSON_GetObjectItemCaseSensitive(cur, key);
            if (last) {
                rc = set_in_object(cur, key, value) ? ov_fail(c, ov, "out of memory") : 0;
                value = NULL;
            } else if (!child) {
                child = cJSON_CreateObject();
                if (!child || set_in_object(cur, key, child)) {
                    rc = ov_fail(c, ov, "out of memory");
                    break;
                }
            }
            cur = child;
        } else {
            rc = ov_fail(c, ov, "%s is %s, not an object or array", shown, bt_scn_type_name(cur));
        }
    }
    cJSON_Delete(value);
    return rc;
}

int bt_scn_apply_override(bt_scn_ctx *c, cJSON *root, const char *ov)
{
    if (!ov)
        return bt_scn_fail_file(c, "--set: missing KEY.PATH=VALUE");
    const char *eq = strchr(ov, '=');
    if (!eq)
        return ov_fail(c, ov, "expected KEY.PATH=VALUE");
    size_t plen = (size_t)(eq - ov);
    if (plen == 0)
        return ov_fail(c, ov, "empty key path");
    seg *segs = malloc(plen * sizeof *segs);
    if (!segs)
        return ov_fail(c, ov, "out of memory");
    int rc;
    size_t nsegs = split_path(ov, plen, segs);
    cJSON *value = NULL;
    if (nsegs == 0)
        rc = ov_fail(c, ov, "malformed key path (use keys with dots and [i], e.g. peers[0].stake)");
    else if ((rc = parse_value(c, ov, eq + 1, &value)) == 0)
        rc = set_path(c, ov, root, segs, nsegs, value);
    free(segs);
    return rc;
}
