/* Scenario files, the public entry points: read the file (bounded), parse it, apply the --set
 * overrides, check the tree, turn it into a bt_scenario. Any failure frees everything and
 * leaves one line "FILE: JSON.PATH: what is wrong" in err; nothing is ever printed.
 * The format is docs/scenario.md; the steps live in scenario_json.c (text -> tree),
 * scenario_override.c (--set), scenario_build.c and scenario_schedule.c (tree -> structs). */
#include "scenario/scenario_internal.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Reads the whole file into a malloc'd buffer, refusing more than BT_SCN_MAX_BYTES before
 * reading it when the size is known, and while reading when it is not (a pipe). */
int bt_scn_read_file(bt_scn_ctx *c, const char *path, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return bt_scn_fail_file(c, "cannot read: %s", strerror(errno));
    struct stat st;
    int regular = 0;
    if (fstat(fileno(f), &st) == 0) {
        regular = S_ISREG(st.st_mode);
        if (S_ISDIR(st.st_mode)) {
            fclose(f);
            return bt_scn_fail_file(c, "cannot read: %s", strerror(EISDIR));
        }
        if (regular && (unsigned long long)st.st_size > BT_SCN_MAX_BYTES) {
            fclose(f);
            return bt_scn_fail_file(c, "file too large: %lld bytes (the limit is 256 MiB)",
                                    (long long)st.st_size);
        }
    }
    size_t cap = regular && st.st_size > 0 ? (size_t)st.st_size + 1 : 65536;
    char *buf = malloc(cap);
    size_t n = 0;
    int rc = buf ? 0 : bt_scn_fail_file(c, "out of memory");
    while (!rc) {
        if (n == cap) {
            if (cap > BT_SCN_MAX_BYTES) {
                rc = bt_scn_fail_file(c, "file too large: more than 256 MiB");
                break;
            }
            size_t bigger = 2 * cap > BT_SCN_MAX_BYTES + 1 ? BT_SCN_MAX_BYTES + 1 : 2 * cap;
            char *grown = realloc(buf, bigger);
            if (!grown) {
                rc = bt_scn_fail_file(c, "out of memory");
                break;
            }
            buf = grown;
            cap = bigger;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                rc = bt_scn_fail_file(c, "cannot read: %s", strerror(errno ? errno : EIO));
            break;
        }
    }
    fclose(f);
    if (rc) {
        free(buf);
        return rc;
    }
    *text = buf;
    *len = n;
    return 0;
}

/* Overrides first, then whole-tree checks, so a --set value is held to the file's rules. */
static int scenario_from_tree(bt_scn_ctx *c, cJSON *root, const char *path,
                              const char *const *overrides, size_t noverrides, bt_scenario *out)
{
    int rc;
    if (!cJSON_IsObject(root))
        return bt_scn_fail(c, "expected an object, got %s", bt_scn_type_name(root));
    for (size_t i = 0; i < noverrides; i++)
        if (overrides && (rc = bt_scn_apply_override(c, root, overrides[i])))
            return rc;
    if ((rc = bt_scn_check_tree(c, root)) || (rc = bt_scn_build(c, root, out)))
        return rc;
    out->json = cJSON_PrintUnformatted(root);
    out->path = strdup(path);
    if (!out->json || !out->path)
        return bt_scn_fail_file(c, "out of memory");
    return 0;
}

int bt_scenario_parse(const char *path, const char *text, size_t len,
                      const char *const *overrides, size_t noverrides,
                      bt_scenario *out, char *err, size_t errlen)
{
    bt_scn_ctx c;
    cJSON *root = NULL;
    if (!path)
        path = "<scenario>";
    bt_scn_ctx_init(&c, path, err, errlen);
    memset(out, 0, sizeof *out);
    int rc = text ? bt_scn_parse_json(&c, text, len, &root)
                  : bt_scn_fail_file(&c, "cannot read: no text");
    if (!rc)
        rc = scenario_from_tree(&c, root, path, overrides, noverrides, out);
    cJSON_Delete(root);
    bt_scn_ctx_free(&c);
    if (rc)
        bt_scenario_free(out);
    return rc;
}

int bt_scenario_load(const char *path, const char *const *overrides, size_t noverrides,
                     bt_scenario *out, char *err, size_t errlen)
{
    bt_scn_ctx c;
    char *text = NULL;
    size_t len = 0;
    memset(out, 0, sizeof *out);
    bt_scn_ctx_init(&c, path, err, errlen);
    if (!path)
        return bt_scn_fail_file(&c, "cannot read: no file name");
    int rc = bt_scn_read_file(&c, path, &text, &len);
    if (!rc)
        rc = bt_scenario_parse(path, text, len, overrides, noverrides, out, err, errlen);
    free(text);
    return rc;
}

void bt_scenario_free(bt_scenario *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->npeers; i++) {
        free(s->peers[i].name);
        free(s->peers[i].group);
    }
    bt_scn_free_network(s);
    for (size_t i = 0; i < s->nweights; i++) {
        free(s->weights[i].to);
        free(s->weights[i].w);
    }
    free(s->peers);
    free(s->weights);
    free(s->events);
    bt_models_config_free(s->models);
    free(s->name);
    free(s->path);
    free(s->json);
    memset(s, 0, sizeof *s);
}
