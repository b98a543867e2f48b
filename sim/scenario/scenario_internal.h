/* Internal to the scenario module (the sim/scenario/ sources): the validation context, the
 * error-line and JSON-path helpers, the typed field readers and the string -> index table. Not
 * part of the interface; everything here carries the bt_scn_ prefix. */
#ifndef BT_SCENARIO_INTERNAL_H
#define BT_SCENARIO_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <cjson/cJSON.h>
#include "scenario/scenario.h"

/* Resource limits: a scenario is a small hand-written file; these stop a hostile or broken one
 * from exhausting memory or the stack (cJSON recurses once per nesting level). */
#define BT_SCN_MAX_DEPTH 64
#define BT_SCN_MAX_BYTES ((size_t)256 << 20)
#define BT_SCN_MAX_EPOCHS 10000000L
/* Blocks named in events and offline intervals: 2^40, so that ticks (2^16 a block) fit. */
#define BT_SCN_MAX_BLOCK 1099511627776.0
#define BT_SCN_MAX_WEIGHT_BYTES ((size_t)1 << 30)
/* Largest integer a JSON number (an IEEE double) holds exactly. */
#define BT_SCN_INT_EXACT 9007199254740992.0

#define BT_SCN_PATH_MAX 512
#define BT_SCN_QUOTE_MAX 80

/* String -> index table, open addressing. Keys are borrowed: they must outlive the table. */
typedef struct {
    const char **keys;
    size_t *vals;
    size_t cap, n;
} bt_scn_names;

/* One validation run: where errors go, and the JSON path of the value being looked at. */
typedef struct {
    const char *file;
    char *err;
    size_t errlen;
    char path[BT_SCN_PATH_MAX];
    size_t plen;
    bt_scn_names peers;   /* peer name -> index, filled by the peers reader */
} bt_scn_ctx;

/* A key an object may hold. */
typedef struct {
    const char *name;
    int required;
} bt_scn_key;

/* scenario_util.c: errors, paths, formatting, suggestions, the name table */
void bt_scn_ctx_init(bt_scn_ctx *c, const char *file, char *err, size_t errlen);
void bt_scn_ctx_free(bt_scn_ctx *c);
int bt_scn_fail(bt_scn_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int bt_scn_fail_file(bt_scn_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
size_t bt_scn_push_key(bt_scn_ctx *c, const char *key);
size_t bt_scn_push_index(bt_scn_ctx *c, size_t i);
void bt_scn_pop(bt_scn_ctx *c, size_t mark);
void bt_scn_path_append_key(char *buf, size_t cap, size_t *len, const char *key);
const char *bt_scn_quote(char buf[BT_SCN_QUOTE_MAX], const char *s);
const char *bt_scn_num(char buf[32], double x);
const char *bt_scn_type_name(const cJSON *j);
const char *bt_scn_suggest(const char *key, const char *const *known, size_t n);
int bt_scn_names_init(bt_scn_names *t, size_t expected);
void bt_scn_names_free(bt_scn_names *t);
int bt_scn_names_put(bt_scn_names *t, const char *key, size_t val, size_t *existing);
int bt_scn_names_get(const bt_scn_names *t, const char *key, size_t *val);

/* scenario_fields.c: typed readers for obj[key]. An absent key leaves *out alone and returns 0
 * (defaults are filled in beforehand); a present, bad one returns BT_EXIT_BAD_INPUT. */
int bt_scn_check_keys(bt_scn_ctx *c, const cJSON *obj, const bt_scn_key *keys, size_t nkeys);
int bt_scn_expect(bt_scn_ctx *c, const cJSON *j, int (*is)(const cJSON *), const char *what);
/* Predicates for bt_scn_expect. */
int bt_scn_is_object(const cJSON *j);
int bt_scn_is_array(const cJSON *j);
int bt_scn_number(bt_scn_ctx *c, const cJSON *obj, const char *key, double lo, int lo_open,
                  double hi, int hi_open, double *out);
int bt_scn_integer(bt_scn_ctx *c, const cJSON *obj, const char *key, double lo, double hi,
                   long *out);
int bt_scn_bool(bt_scn_ctx *c, const cJSON *obj, const char *key, int *out);
int bt_scn_string(bt_scn_ctx *c, const cJSON *obj, const char *key, int nonempty, const char **out);
int bt_scn_enum(bt_scn_ctx *c, const cJSON *obj, const char *key, const char *const *names,
                size_t n, int *out);
int bt_scn_peer_ref(bt_scn_ctx *c, const cJSON *j, size_t *peer);

/* scenario.c: reads a whole file, bounded by BT_SCN_MAX_BYTES */
int bt_scn_read_file(bt_scn_ctx *c, const char *path, char **text, size_t *len);

/* scenario_json.c: text -> cJSON tree, and checks over the whole tree */
int bt_scn_parse_json(bt_scn_ctx *c, const char *text, size_t len, cJSON **root);
int bt_scn_scan_value(const char *text, size_t len, char *what, size_t n);
int bt_scn_check_tree(bt_scn_ctx *c, const cJSON *root);

/* scenario_override.c: --set KEY.PATH=VALUE on the tree */
int bt_scn_apply_override(bt_scn_ctx *c, cJSON *root, const char *ov);

/* scenario_build.c and scenario_schedule.c: the validated tree -> bt_scenario */
int bt_scn_build(bt_scn_ctx *c, const cJSON *root, bt_scenario *out);
int bt_scn_read_weights(bt_scn_ctx *c, const cJSON *root, bt_scenario *out);
int bt_scn_read_events(bt_scn_ctx *c, const cJSON *root, bt_scenario *out);
/* obj["to"]: peer name -> weight, in order, explicit zeros kept (row->to, row->w, row->nto). */
int bt_scn_read_row(bt_scn_ctx *c, const cJSON *obj, bt_weights_spec *row);

/* scenario_agents.c: the network keys (peers[i].agent and .quality, "chain", "network",
 * "pricing") and set_param events */
int bt_scn_read_network(bt_scn_ctx *c, const cJSON *root, bt_scenario *out);
int bt_scn_read_set_param(bt_scn_ctx *c, const cJSON *e, bt_event_spec *ev);
int bt_scn_read_peer_agents(bt_scn_ctx *c, const cJSON *root, bt_scenario *out);
void bt_scn_free_network(bt_scenario *s);

/* scenario_generate.c: "generate" appends validators, miners and their weight rows */
int bt_scn_generate(bt_scn_ctx *c, const cJSON *root, bt_scenario *out, uint64_t seed);

/* scenario_models.c: "task", peers[].model and peers[].scoring (docs/models.md) */
int bt_scn_read_models(bt_scn_ctx *c, const cJSON *root, bt_scenario *out);
/* After bt_scn_read_peer_agents: gives evaluators their agent, refuses any other. */
int bt_scn_models_agents(bt_scn_ctx *c, bt_scenario *out);

#endif
