/* Scenario files: JSON in, validated, out as plain structs (no cJSON types leak past this header).
 * The key set is documented in docs/scenario.md; unknown keys are errors. */
#ifndef BT_SCENARIO_H
#define BT_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include "mechanism/params.h"
#include "models_config.h"

#define BT_EXIT_BAD_INPUT 2

typedef struct {
    char *name;
    char *group;        /* "" when the scenario gives none */
    double stake;       /* tokens, >= 0 */
} bt_peer_spec;

/* One "weights" entry: peer `from` sets the row `to`/`w` (explicit zeros kept, order as given)
 * at epoch `epoch`; with every > 0 it sets the same row again every `every` epochs until the
 * same peer's next entry. */
typedef struct {
    long epoch;
    size_t from;
    size_t nto;
    size_t *to;
    double *w;
    long every;
} bt_weights_spec;

typedef enum { BT_EVENT_RESET_BONDS = 0 } bt_event_type;

typedef struct {
    long epoch;
    bt_event_type type;
    size_t peer;
} bt_event_spec;

typedef struct {
    char *name;
    char *path;            /* file it came from */
    char *json;            /* the scenario's full JSON text, overrides applied (printed unformatted) */
    bt_params mech;
    size_t npeers;
    bt_peer_spec *peers;
    long epochs;
    uint64_t seed;         /* "seed" key, default 0; the CLI's --seed overrides it */
    size_t nweights;
    bt_weights_spec *weights;   /* sorted by epoch, stable (file order within an epoch) */
    size_t nevents;
    bt_event_spec *events;      /* sorted by epoch, stable */
    /* bonds, weights: 0 off, 1 dense [epochs x n x n], 2 sparse (COO streams);
     * every: series are recorded for epochs 0, every, 2*every, ... */
    struct { int bonds; int weights; long every; } output;
    bt_models_config *models;   /* "task", peers[].model, peers[].scoring; NULL without "task" */
} bt_scenario;

/* Loads and validates a scenario. overrides are "key.path=value" strings (value parsed as JSON,
 * else taken as a string) applied before validation. On failure returns BT_EXIT_BAD_INPUT and
 * writes one line (no trailing newline) to err: "FILE: JSON.PATH: what is wrong". */
int bt_scenario_load(const char *path, const char *const *overrides, size_t noverrides,
                     bt_scenario *out, char *err, size_t errlen);
/* Same, from a text already in memory; `path` only names it in messages. */
int bt_scenario_parse(const char *path, const char *text, size_t len,
                      const char *const *overrides, size_t noverrides,
                      bt_scenario *out, char *err, size_t errlen);
void bt_scenario_free(bt_scenario *s);

#endif
