/* The agent table as the scenario loader sees it: each behaviour's name and its parameters
 * (kind, default, range, one line of help). Plain data, so that sim/scenario can validate
 * peers[i].agent without knowing how agents run (sim/agents/agent.h). */
#ifndef BT_AGENT_PARAMS_H
#define BT_AGENT_PARAMS_H

#include <stddef.h>

typedef enum {
    BT_AP_NUMBER = 0,  /* finite number in [lo, hi] */
    BT_AP_INTEGER,     /* integral number in [lo, hi] */
    BT_AP_BOOL,        /* true / false, stored as 1 / 0 */
    BT_AP_ENUM,        /* one of choices, stored as its index */
    BT_AP_PEERS,       /* array of peer names, stored as indices */
    BT_AP_STRING,      /* a non-empty string (a group or owner label) */
    BT_AP_ROWS         /* weight rows as in the top-level "weights" (from = the agent) */
} bt_agent_param_kind;

typedef struct {
    const char *name;
    bt_agent_param_kind kind;
    double def, lo, hi;            /* default and closed range (numbers, integers) */
    const char *const *choices;    /* BT_AP_ENUM: NULL-terminated */
    const char *help;
} bt_agent_param;

typedef struct {
    const char *name;              /* the "type" string of peers[i].agent */
    const bt_agent_param *params;
    size_t nparams;                /* <= BT_AGENT_MAX_PARAMS (scenario.h) */
    const char *help;
} bt_agent_desc;

/* The table; *n gets its length. */
const bt_agent_desc *bt_agent_descs(size_t *n);
/* Index of the type called name, or -1. */
int bt_agent_desc_find(const char *name);
/* Index of parameter name in type t, or -1. */
int bt_agent_param_find(int t, const char *name);

#endif
