/* Scenario text -> cJSON tree. A byte scan runs first and rejects what cJSON would accept or
 * mis-report (invalid UTF-8, raw control characters, NUL bytes, nesting deeper than
 * BT_SCN_MAX_DEPTH, which also keeps cJSON's recursion shallow); cJSON then parses, and its
 * error offset becomes "line L, column C". After overrides, a walk over the tree rejects
 * duplicate keys (cJSON keeps both), non-finite numbers (cJSON reads 1e999 as inf) and nesting
 * that --set values created. */
#include "scenario/scenario_internal.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

enum { SCAN_OK = 0, SCAN_DEEP, SCAN_UTF8, SCAN_CONTROL, SCAN_NUL };

typedef struct {
    size_t open_depth;   /* brackets still open at the end of the text */
    int in_string;       /* the text ends inside a string... */
    size_t str_start;    /* ...which starts here */
    int any;             /* the text holds something other than whitespace */
    size_t last;         /* offset of the last non-whitespace byte */
    size_t pos;          /* where a scan error is */
} bt_scn_scan;

static int is_ws(unsigned char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Length of the well-formed UTF-8 sequence at s (no overlongs, surrogates or > U+10FFFF),
 * or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
    size_t n;
    unsigned min;
    unsigned cp;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        n = 2; min = 0x80; cp = s[0] & 0x1Fu;
    } else if ((s[0] & 0xF0) == 0xE0) {
        n = 3; min = 0x800; cp = s[0] & 0x0Fu;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        n = 4; min = 0x10000; cp = s[0] & 0x07u;
    } else {
        return 0;
    }
    if (avail < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

static int scan_text(const char *text, size_t len, bt_scn_scan *r)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t depth = 0;
    int in_str = 0, esc = 0;
    memset(r, 0, sizeof *r);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = s[i];
        r->pos = i;
        if (ch == 0)
            return SCAN_NUL;
        if (ch >= 0x80) {
            size_t k = utf8_len(s + i, len - i);
            if (k == 0)
                return SCAN_UTF8;
            r->any = 1;
            r->last = i + k - 1;
            i += k - 1;
            esc = 0;
            continue;
        }
        if (ch < 0x20 && (in_str || !is_ws(ch)))
            return SCAN_CONTROL;
        if (in_str) {
            if (esc)
                esc = 0;
            else if (ch == '\\')
                esc = 1;
            else if (ch == '"')
                in_str = 0;
        } else if (ch == '"') {
            in_str = 1;
            r->str_start = i;
        } else if (ch == '[' || ch == '{') {
            if (++depth > BT_SCN_MAX_DEPTH)
                return SCAN_DEEP;
        } else if ((ch == ']' || ch == '}') && depth > 0) {
            depth--;
        }
        if (!is_ws(ch)) {
            r->any = 1;
            r->last = i;
        }
    }
    r->open_depth = depth;
    r->pos = len;
    r->in_string = in_str;
    return SCAN_OK;
}

static void scan_what(int code, const char *text, size_t pos, char *what, size_t n)
{
    switch (code) {
    case SCAN_DEEP:
        snprintf(what, n, "nesting deeper than %d levels", BT_SCN_MAX_DEPTH);
        break;
    case SCAN_UTF8:
        snprintf(what, n, "invalid UTF-8");
        break;
    case SCAN_CONTROL:
        snprintf(what, n, "invalid JSON (control character U+%04X; write it as an escape)",
                 (unsigned char)text[pos]);
        break;
    default:
        snprintf(what, n, "invalid JSON (NUL byte)");
        break;
    }
}

/* The same byte checks for a --set value: 0, or nonzero with the problem in what[]. */
int bt_scn_scan_value(const char *text, size_t len, char *what, size_t n)
{
    bt_scn_scan r;
    int code = scan_text(text, len, &r);
    if (code != SCAN_OK)
        scan_what(code, text, r.pos, what, n);
    return code;
}

/* Columns count characters, not bytes, as an editor shows them. */
static int fail_at(bt_scn_ctx *c, const char *text, size_t pos, const char *what)
{
    size_t line = 1, col = 1;
    for (size_t i = 0; i < pos; i++) {
        if (text[i] == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            col++;
        }
    }
    return bt_scn_fail_file(c, "line %zu, column %zu: %s", line, col, what);
}

static int scan_error(bt_scn_ctx *c, const char *text, int code, size_t pos)
{
    char what[96];
    scan_what(code, text, pos, what, sizeof what);
    return fail_at(c, text, pos, what);
}

/* cJSON reports a bad object key one byte late: it points past the character that should have
 * opened the key's string ("{\"a\": 1,}" blames the byte after the '}'). Moves such a position
 * back onto that character; other positions are exact and stay. */
static size_t key_error_pos(const char *text, size_t pos)
{
    if (pos == 0 || is_ws((unsigned char)text[pos - 1]) || text[pos - 1] == '"')
        return pos;
    size_t at = pos - 1, depth = 0;
    char open[BT_SCN_MAX_DEPTH + 1];
    unsigned char prev = 0;
    int in_str = 0, esc = 0;
    for (size_t i = 0; i < at; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (in_str) {
            if (esc)
                esc = 0;
            else if (ch == '\\')
                esc = 1;
            else if (ch == '"')
                in_str = 0;
            prev = ch;
            continue;
        }
        if (ch == '"')
            in_str = 1;
        else if ((ch == '{' || ch == '[') && depth < sizeof open)
            open[depth++] = (char)ch;
        else if ((ch == '}' || ch == ']') && depth > 0)
            depth--;
        if (!is_ws(ch))
            prev = ch;
    }
    if (!in_str && depth > 0 && open[depth - 1] == '{' && (prev == '{' || prev == ','))
        return at;
    return pos;
}

/* Parses text[0, len) (no NUL terminator needed) into *root, or fails with the position. */
int bt_scn_parse_json(bt_scn_ctx *c, const char *text, size_t len, cJSON **root)
{
    *root = NULL;
    if (len > BT_SCN_MAX_BYTES)
        return bt_scn_fail_file(c, "file too large: %zu bytes (the limit is 256 MiB)", len);
    bt_scn_scan scan;
    int code = scan_text(text, len, &scan);
    if (code != SCAN_OK)
        return scan_error(c, text, code, scan.pos);
    if (!scan.any)
        return bt_scn_fail_file(c, "line 1, column 1: invalid JSON (empty file)");

    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    size_t pos = (end && end >= text && end <= text + len) ? (size_t)(end - text) : 0;
    if (!j) {
        /* cJSON points at the last byte when it runs out of text (inside a string: just
         * after its opening quote); say so at the spot just past the last real character,
         * where the rest is missing. */
        int at_end = scan.in_string ? pos >= scan.str_start : pos >= scan.last;
        if ((scan.in_string || scan.open_depth > 0) && at_end)
            return fail_at(c, text, scan.last + 1, "invalid JSON (the file ends too early)");
        return fail_at(c, text, key_error_pos(text, pos), "invalid JSON");
    }
    while (pos < len && is_ws((unsigned char)text[pos]))
        pos++;
    if (pos < len) {
        cJSON_Delete(j);
        return fail_at(c, text, pos, "invalid JSON (text after the end of the top-level value)");
    }
    *root = j;
    return 0;
}

/* Duplicate keys within one object: pairwise for small objects, a table for large ones. */
static int check_duplicates(bt_scn_ctx *c, const cJSON *obj)
{
    size_t n = 0;
    for (const cJSON *it = obj->child; it; it = it->next)
        n++;
    if (n <= 16) {
        for (const cJSON *it = obj->child; it; it = it->next)
            for (const cJSON *p = obj->child; p != it; p = p->next)
                if (strcmp(p->string, it->string) == 0) {
                    bt_scn_push_key(c, it->string);
                    return bt_scn_fail(c, "duplicate key");
                }
        return 0;
    }
    bt_scn_names seen = {0};
    if (bt_scn_names_init(&seen, n) != 0)
        return bt_scn_fail(c, "out of memory");
    int rc = 0;
    for (const cJSON *it = obj->child; it && !rc; it = it->next) {
        int put = bt_scn_names_put(&seen, it->string, 0, NULL);
        if (put < 0) {
            rc = bt_scn_fail(c, "out of memory");
        } else if (put == 1) {
            bt_scn_push_key(c, it->string);
            rc = bt_scn_fail(c, "duplicate key");
        }
    }
    bt_scn_names_free(&seen);
    return rc;
}

static int check_node(bt_scn_ctx *c, const cJSON *j, int depth)
{
    if (cJSON_IsNumber(j) && !isfinite(j->valuedouble))
        return bt_scn_fail(c, "number out of range (it must be finite)");
    if (!cJSON_IsArray(j) && !cJSON_IsObject(j))
        return 0;
    if (depth > BT_SCN_MAX_DEPTH)
        return bt_scn_fail(c, "nesting deeper than %d levels", BT_SCN_MAX_DEPTH);
    int rc;
    if (cJSON_IsObject(j) && (rc = check_duplicates(c, j)))
        return rc;
    size_t i = 0;
    for (const cJSON *it = j->child; it; it = it->next, i++) {
        size_t mark = cJSON_IsObject(j) ? bt_scn_push_key(c, it->string) : bt_scn_push_index(c, i);
        if ((rc = check_node(c, it, depth + 1)))
            return rc;
        bt_scn_pop(c, mark);
    }
    return 0;
}

int bt_scn_check_tree(bt_scn_ctx *c, const cJSON *root)
{
    return check_node(c, root, 1);
}
