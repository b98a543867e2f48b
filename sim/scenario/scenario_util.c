/* Scenario module helpers: the one-line error messages ("FILE: JSON.PATH: what is wrong"), the
 * JSON path being built while the tree is walked, formatting of numbers and user strings inside
 * messages, "did you mean" suggestions, and the string -> index table used for peer names and
 * duplicate keys. */
#include "scenario/scenario_internal.h"
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int bt_scn_is_object(const cJSON *j) { return cJSON_IsObject(j); }
int bt_scn_is_array(const cJSON *j) { return cJSON_IsArray(j); }

void bt_scn_ctx_init(bt_scn_ctx *c, const char *file, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->file = file ? file : "<scenario>";
    c->err = err;
    c->errlen = errlen;
    if (err && errlen > 0)
        err[0] = '\0';
}

void bt_scn_ctx_free(bt_scn_ctx *c)
{
    bt_scn_names_free(&c->peers);
}

/* The caller prints err as one line, whatever the file name or the quoted values hold. */
static void one_line(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = '?';
}

static int vfail(bt_scn_ctx *c, int with_path, const char *fmt, va_list ap)
{
    if (!c->err || c->errlen == 0)
        return BT_EXIT_BAD_INPUT;
    int n;
    if (with_path)
        n = snprintf(c->err, c->errlen, "%s: %s: ", c->file, c->plen ? c->path : "(top level)");
    else
        n = snprintf(c->err, c->errlen, "%s: ", c->file);
    if (n >= 0 && (size_t)n < c->errlen)
        vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
    one_line(c->err);
    return BT_EXIT_BAD_INPUT;
}

/* "FILE: PATH: message", PATH being where the walk is now. Returns BT_EXIT_BAD_INPUT. */
int bt_scn_fail(bt_scn_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail(c, 1, fmt, ap);
    va_end(ap);
    return rc;
}

/* "FILE: message", for problems with the file as a whole (unreadable, not JSON, --set). */
int bt_scn_fail_file(bt_scn_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail(c, 0, fmt, ap);
    va_end(ap);
    return rc;
}

/* A key prints as .key when it reads unambiguously that way (peer names like "S1" or
 * "validator 1"), else as ["key"] with escapes, so a path never splits into two lines or
 * pretends to have more segments than it has. */
static int plain_key(const char *key)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++, n++)
        if (*p < 0x20 || *p == 0x7f || *p == '.' || *p == '[' || *p == ']' || *p == '"'
            || *p == '=' || *p == '\\')
            return 0;
    return n > 0 && n <= 64;
}

static void append(char *buf, size_t cap, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (*len + n >= cap)
        n = cap - 1 - *len;
    memcpy(buf + *len, s, n);
    *len += n;
    buf[*len] = '\0';
}

void bt_scn_path_append_key(char *buf, size_t cap, size_t *len, const char *key)
{
    if (plain_key(key)) {
        if (*len > 0)
            append(buf, cap, len, ".");
        append(buf, cap, len, key);
    } else {
        char q[BT_SCN_QUOTE_MAX];
        append(buf, cap, len, "[");
        append(buf, cap, len, bt_scn_quote(q, key));
        append(buf, cap, len, "]");
    }
}

size_t bt_scn_push_key(bt_scn_ctx *c, const char *key)
{
    size_t mark = c->plen;
    bt_scn_path_append_key(c->path, sizeof c->path, &c->plen, key);
    return mark;
}

size_t bt_scn_push_index(bt_scn_ctx *c, size_t i)
{
    size_t mark = c->plen;
    char s[32];
    snprintf(s, sizeof s, "[%zu]", i);
    append(c->path, sizeof c->path, &c->plen, s);
    return mark;
}

void bt_scn_pop(bt_scn_ctx *c, size_t mark)
{
    c->plen = mark;
    c->path[mark] = '\0';
}

/* A user string inside a message: quoted, escaped, cut short (on a UTF-8 boundary) if long. */
const char *bt_scn_quote(char buf[BT_SCN_QUOTE_MAX], const char *s)
{
    const size_t reserve = 6 + 3 + 1 + 1;   /* one escape, "...", the closing quote, NUL */
    size_t o = 0, i = 0;
    buf[o++] = '"';
    for (; s[i] && o + reserve < BT_SCN_QUOTE_MAX; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') {
            buf[o++] = '\\';
            buf[o++] = (char)ch;
        } else if (ch < 0x20 || ch == 0x7f) {
            o += (size_t)snprintf(buf + o, BT_SCN_QUOTE_MAX - o, "\\u%04x", ch);
        } else {
            buf[o++] = (char)ch;
        }
    }
    if (s[i]) {
        while (o > 1 && ((unsigned char)buf[o - 1] & 0xC0) == 0x80)
            o--;
        if (o > 1 && ((unsigned char)buf[o - 1] & 0xC0) == 0xC0)
            o--;
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o++] = '"';
    buf[o] = '\0';
    return buf;
}

/* Shortest form that reads back as the same double: "got 0.1", not 0.10000000000000001. */
const char *bt_scn_num(char buf[32], double x)
{
    snprintf(buf, 32, "%.15g", x);
    if (strtod(buf, NULL) != x)
        snprintf(buf, 32, "%.17g", x);
    char *e = strstr(buf, "e+");   /* 1.8e19, as one would write it in the file */
    if (e)
        memmove(e + 1, e + 2, strlen(e + 2) + 1);
    return buf;
}

const char *bt_scn_type_name(const cJSON *j)
{
    if (!j)
        return "nothing";
    if (cJSON_IsBool(j))
        return "a boolean";
    if (cJSON_IsNull(j))
        return "null";
    if (cJSON_IsNumber(j))
        return "a number";
    if (cJSON_IsString(j))
        return "a string";
    if (cJSON_IsArray(j))
        return "an array";
    if (cJSON_IsObject(j))
        return "an object";
    return "an unknown value";
}

/* Optimal string alignment distance (Levenshtein plus adjacent transpositions), which
 * counts the usual typos ("kapa", "kppaa") as one edit. Keys are short; longer strings get
 * no suggestion. */
#define SUGGEST_MAXLEN 64
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t d[SUGGEST_MAXLEN + 1][SUGGEST_MAXLEN + 1];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]
                && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[la][lb];
}

/* The known key `key` was most likely meant to be, or NULL when none is close: same letters in
 * another case, a prefix of exactly one key ("bonds_moving_avg"), or at most two edits and no
 * more than about a third of the key changed. */
const char *bt_scn_suggest(const char *key, const char *const *known, size_t n)
{
    size_t klen = strlen(key);
    if (klen == 0 || klen > SUGGEST_MAXLEN)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(key, known[i]) == 0)
            return known[i];
    const char *best = NULL;
    size_t bestd = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        if (strlen(known[i]) > SUGGEST_MAXLEN)
            continue;
        size_t d = edit_distance(key, known[i]);
        if (d < bestd) {
            bestd = d;
            best = known[i];
        }
    }
    if (best && bestd <= 2 && 3 * bestd <= strlen(best) + 1)
        return best;
    const char *prefix_of = NULL;
    if (klen >= 3) {
        for (size_t i = 0; i < n; i++) {
            if (strncmp(key, known[i], klen) != 0)
                continue;
            if (prefix_of)
                return NULL;
            prefix_of = known[i];
        }
    }
    return prefix_of;
}

/* FNV-1a: short keys, no adversarial-collision concern beyond what a 256 MiB cap allows. */
static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

int bt_scn_names_init(bt_scn_names *t, size_t expected)
{
    bt_scn_names_free(t);
    size_t cap = 16;
    while (cap < 2 * expected + 16) {
        if (cap > SIZE_MAX / 4)
            return -1;
        cap *= 2;
    }
    t->keys = calloc(cap, sizeof *t->keys);
    t->vals = calloc(cap, sizeof *t->vals);
    if (!t->keys || !t->vals) {
        bt_scn_names_free(t);
        return -1;
    }
    t->cap = cap;
    t->n = 0;
    return 0;
}

void bt_scn_names_free(bt_scn_names *t)
{
    free(t->keys);
    free(t->vals);
    memset(t, 0, sizeof *t);
}

static size_t slot_of(const bt_scn_names *t, const char *key)
{
    size_t mask = t->cap - 1, i = (size_t)hash_str(key) & mask;
    while (t->keys[i] && strcmp(t->keys[i], key) != 0)
        i = (i + 1) & mask;
    return i;
}

static int grow(bt_scn_names *t)
{
    bt_scn_names bigger = {0};
    if (bt_scn_names_init(&bigger, t->cap) != 0)
        return -1;
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->keys[i])
            continue;
        size_t s = slot_of(&bigger, t->keys[i]);
        bigger.keys[s] = t->keys[i];
        bigger.vals[s] = t->vals[i];
        bigger.n++;
    }
    bt_scn_names_free(t);
    *t = bigger;
    return 0;
}

/* Adds key -> val. Returns 0 when added, 1 when the key was there already (its value in
 * *existing, the table unchanged), -1 when out of memory. */
int bt_scn_names_put(bt_scn_names *t, const char *key, size_t val, size_t *existing)
{
    if (t->cap == 0 || 2 * (t->n + 1) > t->cap) {
        int rc = t->cap == 0 ? bt_scn_names_init(t, 8) : grow(t);
        if (rc != 0)
            return -1;
    }
    size_t s = slot_of(t, key);
    if (t->keys[s]) {
        if (existing)
            *existing = t->vals[s];
        return 1;
    }
    t->keys[s] = key;
    t->vals[s] = val;
    t->n++;
    return 0;
}

/* 1 and *val set when key is in the table, else 0. */
int bt_scn_names_get(const bt_scn_names *t, const char *key, size_t *val)
{
    if (t->cap == 0)
        return 0;
    size_t s = slot_of(t, key);
    if (!t->keys[s])
        return 0;
    *val = t->vals[s];
    return 1;
}
